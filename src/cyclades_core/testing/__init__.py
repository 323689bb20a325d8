"""Test support shipped with the library (public API, versioned).

- :mod:`cyclades_core.testing.contracts`: the contract suites every adapter of a port must pass. Subclass one and
  provide its fixture; see ``docs/writing-an-adapter.md``.
- :mod:`cyclades_core.testing.inspection_contract`: :class:`UploadInspectorContract`, the suite of the upload
  inspector port, and :func:`minimal_pdf`, :func:`minimal_png`, :func:`minimal_jpeg` (well-formed files to upload).
- :class:`ManualClock`, :class:`CountingHasher`, :func:`run_concurrently`, :func:`make_account`, :func:`link_in`.

Importing this package needs pytest (the ``dev`` extra).
"""

from cyclades_core.testing.inspection_contract import (
    UploadInspectorContract,
    minimal_jpeg,
    minimal_pdf,
    minimal_png,
)
from cyclades_core.testing.support import (
    CountingHasher,
    ManualClock,
    PlainHasher,
    link_in,
    make_account,
    make_candidature,
    run_concurrently,
)

__all__ = [
    "CountingHasher",
    "ManualClock",
    "PlainHasher",
    "UploadInspectorContract",
    "link_in",
    "make_account",
    "make_candidature",
    "minimal_jpeg",
    "minimal_pdf",
    "minimal_png",
    "run_concurrently",
]
