"""MGR-04 / I3: a candidature's journal, the audit trail of what was done to it — by whom (the manager's login, the
candidate, the system), when (shown in Paris time) and what (state from → to, pièce, document, reason).

The core reads the audit trail by account (``portal.audit.records_for(account_id)``) and does not hand the web the
account of a candidature: :func:`candidature_journal` first has the manager's right checked by
``portal.management.candidature`` (another académie's candidature: 403, logged ``authz_fail``), then reads the
candidature's account through the portal's unit of work. TEMPORARY: to be replaced by a core read
(``ManagerService.journal(manager, candidature_id)``) when it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template

from cyclades_adapters.web.app import portal
from cyclades_adapters.web.routes.gestion import blueprint
from cyclades_adapters.web.routes.gestion.auth import current_manager, manager_required
from cyclades_adapters.web.routes.gestion.liste import PARIS
from cyclades_core import Manager
from cyclades_core.errors import CandidatureNotFound

__all__ = ["ACTIONS", "candidature_journal"]

#: The journal's wording of the audited acts; another act shows its code.
ACTIONS = {
    "candidature_saved": "Candidature enregistrée",
    "candidature_modified": "Candidature modifiée",
    "candidature_withdrawn": "Désinscription par le candidat",
    "candidature_set_aside": "Candidature écartée",
    "candidature_reinstated": "Candidature réintégrée",
    "candidature_withdrawn_by_manager": "Désinscription par le gestionnaire",
    "candidature_deleted": "Candidature supprimée par le gestionnaire",
    "identity_corrected": "Identité corrigée",
    "document_published": "Document publié",
    "piece_reviewed": "Statut de pièce modifié",
    "piece_file_read": "Fichier de pièce consulté",
    "upload_complete": "Pièce déposée",
    "upload_delete": "Pièce supprimée",
    "upload_validation": "Fichier analysé par l'antivirus",
    "pieces_validated": "« J'ai fourni toutes mes pièces »",
    "preinscription_created": "Préinscription créée",
    "authz_fail": "Accès refusé",
}
#: The journal's wording of the details' keys; another key shows as it is.
DETAILS = {
    "from_state": "État avant", "to_state": "État après", "reason": "Motif", "piece": "Pièce",
    "from_status": "Statut avant", "to_status": "Statut après", "received_on": "Date de réception",
    "comment": "Commentaire", "document": "Document", "version": "Version", "academie": "Académie",
    "pieces": "Pièces", "size": "Taille (octets)", "virusscan": "Antivirus", "cleared_status": "Statut effacé",
}  # fmt: skip
_HIDDEN = frozenset({"candidature", "target"})


def candidature_journal(manager: Manager, candidature_id: str) -> Sequence[Any]:
    """The audit records of the candidature, oldest first, once the manager's right on it is checked."""
    portal().management.candidature(manager, candidature_id)  # 403 (logged) for another académie, 404 if unknown
    with portal().unit_of_work() as uow:
        candidature = uow.candidatures.get(candidature_id)
    if candidature is None:
        raise CandidatureNotFound()
    return [
        record for record in portal().audit.records_for(candidature.account_id)
        if candidature_id in (dict(record.details).get("candidature"), dict(record.details).get("target"))
    ]  # fmt: skip


def _actor(actor: str) -> str:
    """« Gestionnaire gestion.besancon », « Candidat », « Établissement 0250013D », or the actor as recorded."""
    kind, _, who = actor.partition(":")
    if kind == "manager":
        return f"Gestionnaire {who}"
    if kind == "candidate":
        return "Candidat"
    if kind == "establishment":
        return f"Établissement {who}"
    return actor


def _entry(record: Any) -> dict[str, Any]:
    return {
        "at": record.at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S"),
        "action": ACTIONS.get(record.action, record.action),
        "actor": _actor(record.actor),
        "details": [(DETAILS.get(key, key), value) for key, value in record.details if key not in _HIDDEN and value],
    }


@blueprint.get("/candidatures/<candidature_id>/journal")
@manager_required
def journal(candidature_id: str) -> str:
    records = candidature_journal(current_manager(), candidature_id)
    recap = portal().management.candidature(current_manager(), candidature_id)
    return render_template(
        "gestion/journal.html", title="Journal de la candidature", recap=recap, candidature_id=candidature_id,
        entries=[_entry(record) for record in records],
    )  # fmt: skip
