"""MGR-04 / I3: a candidature's journal, the audit trail of what was done to it — by whom (the manager's login, the
candidate, the system), when (shown in Paris time) and what (state from → to, pièce, document, reason).

The records come from ``portal.management.journal(manager, candidature_id)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template

from cyclades_adapters.web.app import portal
from cyclades_adapters.web.navigation import PARIS
from cyclades_adapters.web.routes.gestion import blueprint
from cyclades_adapters.web.routes.gestion.auth import current_manager, manager_required
from cyclades_core import Manager

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
    """The audit records of the candidature, oldest first (``ManagerService.journal``: the manager's right is
    checked there, another académie's candidature is a 403 logged ``authz_fail``, an unknown one a 404)."""
    return portal().management.journal(manager, candidature_id)


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


#: The journal's wording of the recorded values that are codes (the antivirus' verdicts); a list of codes is shown
#: with a space after each comma; « aucun » (no status) stays as recorded.
VALUES = {
    "passed": "fichier sain", "clean": "fichier sain", "FAILED": "virus détecté", "infected": "virus détecté",
    "not_scanned": "non analysé",
}  # fmt: skip


def _value(key: str, value: str) -> str:
    if key == "virusscan":
        return VALUES.get(value, value)
    if key == "pieces":
        return ", ".join(part for part in value.split(",") if part)
    return value


def _entry(record: Any) -> dict[str, Any]:
    return {
        "at": record.at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S"),
        "action": ACTIONS.get(record.action, record.action),
        "actor": _actor(record.actor),
        "details": [
            (DETAILS.get(key, key), _value(key, value)) for key, value in record.details if key not in _HIDDEN and value
        ],
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
