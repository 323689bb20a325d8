"""Contract suites: what every adapter of a port must do. Public API, versioned; never renamed.

Subclass a suite in a test module and provide its one fixture::

    class TestMyStorage(StorageContract):
        @pytest.fixture
        def uow_factory(self) -> UnitOfWorkFactory:
            return MyDatabase(...).unit_of_work

The memory adapters pass them in ``tests/contracts``; the SQL adapters and any integrator's must pass them too.

Each suite lives in its own module, one per port (``storage_contract`` gathers one suite per repository); this
module re-exports them all, as does :mod:`cyclades_core.testing`.
"""

from __future__ import annotations

from cyclades_core.testing._storage_suite import T0
from cyclades_core.testing.accounts_contract import AccountRepositoryContract
from cyclades_core.testing.audit_contract import AuditLogContract
from cyclades_core.testing.birthplace_contract import BirthplaceDirectoryContract
from cyclades_core.testing.breached_passwords_contract import BreachedPasswordsContract
from cyclades_core.testing.candidatures_contract import CandidatureRepositoryContract
from cyclades_core.testing.catalogue_contract import CatalogueContract
from cyclades_core.testing.documents_contract import DocumentRepositoryContract
from cyclades_core.testing.file_scanner_contract import FileScannerContract
from cyclades_core.testing.file_store_contract import FileStoreContract
from cyclades_core.testing.managers_contract import ManagerRepositoryContract
from cyclades_core.testing.numbers_contract import CandidateNumberAllocatorContract
from cyclades_core.testing.outbox_contract import OutboxContract
from cyclades_core.testing.password_hasher_contract import PasswordHasherContract
from cyclades_core.testing.rate_limiter_contract import RateLimiterContract
from cyclades_core.testing.storage_contract import StorageContract
from cyclades_core.testing.tokens_contract import TokenStoreContract
from cyclades_core.testing.unit_of_work_contract import UnitOfWorkContract

__all__ = [
    "T0",
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
]
