"""Object-scoped access: a candidate reaches only its own candidatures (L4), a manager only those of its académies
(I1). Every refusal of an existing object is logged as ``authz_fail``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from cyclades_core.errors import CandidatureNotFound, ForbiddenError
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature
from cyclades_core.model.text import check_form, lookup_key
from cyclades_core.model.values import ErrorCollector
from cyclades_core.ports.storage import UnitOfWork

if TYPE_CHECKING:
    from cyclades_core.usecases.management import Manager

__all__ = ["check_manager", "log_refusal", "managed_candidature", "owned_candidature", "refuse_manager"]


def owned_candidature(uow: UnitOfWork, account_id: str, candidature_id: str, now: datetime) -> Candidature:
    """The candidature if it belongs to the account. Another account's answers exactly like a missing one
    (``CandidatureNotFound``), and the attempt is logged as ``authz_fail`` (L4). An id no storage can hold is
    missing, like any unknown one."""
    candidature = uow.candidatures.get(candidature_id) if lookup_key(candidature_id) else None
    if candidature is None:
        raise CandidatureNotFound()
    if candidature.account_id != account_id:
        log_refusal(uow, now, "candidate", account_id, target=candidature_id)
        raise CandidatureNotFound()
    return candidature


def check_manager(manager: Manager) -> Manager:
    """The manager value an integrator's back office passes: an id of 1 to 64 characters and académie codes of at
    most 8, all storable; else a ValidationError naming ``manager.id`` or ``manager.academie_codes[i]``."""
    errors = check_form(manager, "manager", ErrorCollector())
    if not errors.errors:
        if not 1 <= len(manager.id) <= 64:
            errors.add("manager.id", "invalid_length", "L'identifiant du gestionnaire a de 1 à 64 caractères.")
        for index, code in enumerate(manager.academie_codes):
            if not 1 <= len(code) <= 8:
                errors.add(f"manager.academie_codes[{index}]", "invalid_length", "Code d'académie inconnu.")
    errors.raise_if_any()
    return manager


def log_refusal(uow: UnitOfWork, now: datetime, actor: str, account_id: str | None, **details: object) -> None:
    """Log ``authz_fail``, committed on its own: whatever the refused act had written is rolled back first."""
    uow.rollback()
    uow.audit.append(AuditRecord.of(now, "authz_fail", actor, account_id, **details))
    uow.commit()


def managed_candidature(uow: UnitOfWork, manager: Manager, candidature_id: str, now: datetime) -> Candidature:
    """The candidature if it belongs to one of the manager's académies; another académie's is refused
    (``ForbiddenError``) and logged as ``authz_fail``; a missing one is ``CandidatureNotFound``. A manager whose id
    or académie codes cannot be stored is refused as a ValidationError naming ``manager.…``."""
    check_manager(manager)
    candidature = uow.candidatures.get(candidature_id) if lookup_key(candidature_id) else None
    if candidature is None:
        raise CandidatureNotFound()
    if candidature.academie_code not in manager.academie_codes:
        refuse_manager(uow, manager, candidature.account_id, candidature_id, candidature.academie_code, now)
    return candidature


def refuse_manager(
    uow: UnitOfWork, manager: Manager, account_id: str | None, target: str, academie: str, now: datetime
) -> NoReturn:
    """Log the manager's ``authz_fail`` on ``target`` (a candidature, or what was listed), then refuse."""
    log_refusal(uow, now, f"manager:{manager.id}", account_id, target=target, academie=academie)
    raise ForbiddenError("Cette candidature ne relève pas de votre académie.")
