"""Test support shipped with the library (public API, versioned).

- The contract suites every adapter of a port must pass, one module per port (``storage_contract``,
  ``accounts_contract``, ``rate_limiter_contract``…), all re-exported here and by
  :mod:`cyclades_core.testing.contracts`. Subclass one and provide its fixture; see ``docs/writing-an-adapter.md``.
- :mod:`cyclades_core.testing.inspection_contract`: :class:`UploadInspectorContract`, the suite of the upload
  inspector port, and :func:`minimal_pdf`, :func:`minimal_png`, :func:`minimal_jpeg` (well-formed files to upload).
- :class:`ManualClock`, :class:`CountingHasher`, :func:`run_concurrently`, :func:`make_account`, :func:`link_in`.

The helpers (``ManualClock``, ``link_in``, ``minimal_pdf``…) import without pytest. The contract suites need it (the
``testing`` extra: ``pip install 'cyclades[testing]'``): they are loaded on first use, so importing a helper from here
never imports pytest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cyclades_core.testing._files import minimal_jpeg, minimal_pdf, minimal_png
from cyclades_core.testing.support import (
    CountingHasher,
    ManualClock,
    PlainHasher,
    link_in,
    make_account,
    make_candidature,
    run_concurrently,
)

if TYPE_CHECKING:
    from cyclades_core.testing.contracts import (
        AccountRepositoryContract,
        AuditLogContract,
        BirthplaceDirectoryContract,
        BreachedPasswordsContract,
        CandidateNumberAllocatorContract,
        CandidatureRepositoryContract,
        CatalogueContract,
        DocumentRepositoryContract,
        FileScannerContract,
        FileStoreContract,
        ManagerRepositoryContract,
        OutboxContract,
        PasswordHasherContract,
        RateLimiterContract,
        StorageContract,
        TokenStoreContract,
        UnitOfWorkContract,
    )
    from cyclades_core.testing.inspection_contract import UploadInspectorContract

#: The contract suites (they import pytest), loaded on first use: name → its module.
_SUITES: dict[str, str] = {
    **dict.fromkeys(
        [
            "AccountRepositoryContract",
            "AuditLogContract",
            "BirthplaceDirectoryContract",
            "BreachedPasswordsContract",
            "CandidateNumberAllocatorContract",
            "CandidatureRepositoryContract",
            "CatalogueContract",
            "DocumentRepositoryContract",
            "FileScannerContract",
            "FileStoreContract",
            "ManagerRepositoryContract",
            "OutboxContract",
            "PasswordHasherContract",
            "RateLimiterContract",
            "StorageContract",
            "TokenStoreContract",
            "UnitOfWorkContract",
        ],
        "cyclades_core.testing.contracts",
    ),
    "UploadInspectorContract": "cyclades_core.testing.inspection_contract",
}

__all__ = [
    "AccountRepositoryContract",
    "AuditLogContract",
    "BirthplaceDirectoryContract",
    "BreachedPasswordsContract",
    "CandidateNumberAllocatorContract",
    "CandidatureRepositoryContract",
    "CatalogueContract",
    "CountingHasher",
    "DocumentRepositoryContract",
    "FileScannerContract",
    "FileStoreContract",
    "ManagerRepositoryContract",
    "ManualClock",
    "OutboxContract",
    "PasswordHasherContract",
    "PlainHasher",
    "RateLimiterContract",
    "StorageContract",
    "TokenStoreContract",
    "UnitOfWorkContract",
    "UploadInspectorContract",
    "link_in",
    "make_account",
    "make_candidature",
    "minimal_jpeg",
    "minimal_pdf",
    "minimal_png",
    "run_concurrently",
]


def __getattr__(name: str) -> Any:
    module = _SUITES.get(name)
    if module is None:
        raise AttributeError(f"module 'cyclades_core.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUITES))
