"""The storage contract: the unit of work and every repository it carries (K1), one suite per repository.

:class:`StorageContract` gathers them; an adapter that implements only some repositories (or an integrator who wants
to run one at a time) subclasses the repository's suite instead. Every suite needs the one fixture ``uow_factory``.
"""

from __future__ import annotations

from cyclades_core.testing.accounts_contract import AccountRepositoryContract
from cyclades_core.testing.audit_contract import AuditLogContract
from cyclades_core.testing.candidatures_contract import CandidatureRepositoryContract
from cyclades_core.testing.documents_contract import DocumentRepositoryContract
from cyclades_core.testing.managers_contract import ManagerRepositoryContract
from cyclades_core.testing.outbox_contract import OutboxContract
from cyclades_core.testing.tokens_contract import TokenStoreContract
from cyclades_core.testing.unit_of_work_contract import UnitOfWorkContract

__all__ = ["StorageContract"]


class StorageContract(
    UnitOfWorkContract,
    AccountRepositoryContract,
    TokenStoreContract,
    OutboxContract,
    AuditLogContract,
    CandidatureRepositoryContract,
    DocumentRepositoryContract,
    ManagerRepositoryContract,
):
    """The unit of work and every repository it carries (K1). Fixture: ``uow_factory``."""
