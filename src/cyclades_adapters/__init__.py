"""cyclades_adapters: the adapters of the cyclades ports and the composition root :func:`build_portal`."""

from cyclades_adapters.bootstrap import Portal, build_portal
from cyclades_core._version import distribution_version

__all__ = ["Portal", "__version__", "build_portal"]

__version__: str = distribution_version()
