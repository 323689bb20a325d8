"""Object-scoped access (L4): a candidate reaches only its own candidatures."""

from __future__ import annotations

from cyclades_core.errors import CandidatureNotFound
from cyclades_core.model.candidature import Candidature
from cyclades_core.ports.storage import UnitOfWork

__all__ = ["owned_candidature"]


def owned_candidature(uow: UnitOfWork, account_id: str, candidature_id: str) -> Candidature:
    """The candidature if it belongs to the account; another's answers exactly like a missing one."""
    candidature = uow.candidatures.get(candidature_id)
    if candidature is None or candidature.account_id != account_id:
        raise CandidatureNotFound()
    return candidature
