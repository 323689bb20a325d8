"""cyclades_core: the pure domain of an exam-registration portal (CYCLADES, BTS).

Models, business rules, use cases and the ports (``typing.Protocol``) that adapters implement. Nothing here performs
I/O of its own: storage, mail, time and hashing all come in through ports. See ``docs/architecture.md``.
"""

from cyclades_core._version import distribution_version
from cyclades_core.errors import CycladesError, FieldError, ValidationError

__all__ = ["CycladesError", "FieldError", "ValidationError", "__version__"]

__version__: str = distribution_version()
