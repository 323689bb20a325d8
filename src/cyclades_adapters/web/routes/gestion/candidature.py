"""One candidature in the back office (MGR-02, MGR-03, MGR-04, MGR-06, JUS-05, JUS-07): its content as the
Récapitulatif shows it, its pièces with their status, deposit and reception dates and files; the manager's acts on it.

Each act is a POST (CSRF) to one service of the portal, then a redirect to the candidature's page (POST/redirect/GET);
a refusal re-renders the page with its message next to the field it concerns. Another académie's candidature is
refused by the core (403, logged ``authz_fail``), an unknown one is 404.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from cyclades_adapters.web.app import portal
from cyclades_adapters.web.downloads import attachment
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.forms import (
    IDENTITY_FIELDS,
    IDENTITY_OPTIONAL,
    SEARCH_COMMUNE,
    birthplace_choices,
    civilities,
    read_form,
    submitted,
)
from cyclades_adapters.web.navigation import PARIS
from cyclades_adapters.web.routes.gestion import blueprint
from cyclades_adapters.web.routes.gestion.auth import current_manager, manager_required
from cyclades_core import Civility, DocumentKind, IdentityForm, PieceStatus, Recapitulatif
from cyclades_core.errors import CycladesError, ValidationError

__all__ = ["ACTS", "parse_reception_date"]

#: The pièce statuses a manager chooses from (JUS-05): none yet, then the guide's three.
STATUSES = [("", "Aucun statut"), *((status.name, status.value) for status in PieceStatus)]
#: The documents a manager publishes (MGR-03): (the enum's name, the guide's title).
DOCUMENTS = [(kind.name, kind.value) for kind in DocumentKind]
#: The acts on a candidature (MGR-04, UNS-04): the button's value -> (ManagerService method, button label).
ACTS = {
    "ecarter": ("set_aside", "Écarter la candidature"),
    "reintegrer": ("reinstate", "Réintégrer la candidature"),
    "desinscrire": ("withdraw", "Désinscrire le candidat (à sa demande)"),
    "supprimer": ("delete", "Supprimer la candidature"),
}
REASON_REQUIRED = "Indiquez le motif : il est inscrit au journal de la candidature."
DATE_FORMAT = re.compile(r"\d{2}/\d{2}/\d{4}")
DATE_MESSAGE = "La date de réception doit être une date au format JJ/MM/AAAA (exemple : 29/10/2018)."


def _path(candidature_id: str) -> str:
    return f"/gestion/candidatures/{candidature_id}"


def parse_reception_date(text: str) -> date | None:
    """``JJ/MM/AAAA`` -> the date; empty -> ``None`` (the recorded date is kept); else a ValidationError on
    ``received_on``."""
    text = text.strip()
    if not text:
        return None
    if DATE_FORMAT.fullmatch(text):
        day, month, year = (int(part) for part in text.split("/"))
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValidationError.single("received_on", "invalid_date", DATE_MESSAGE)


def _page(
    candidature_id: str, errors: FormErrors | None = None, *, piece: str = "", values: dict[str, str] | None = None
) -> tuple[str, int]:
    """The candidature's page; ``errors`` name the refused form's fields (``piece`` is the pièce whose form was
    refused, ``values`` what was typed in it)."""
    manager = current_manager()
    recap = portal().management.candidature(manager, candidature_id)
    pieces = portal().pieces.manager_pieces(manager, candidature_id)
    errors = errors or FormErrors()
    page = render_template(
        "gestion/candidature.html", title=f"Candidature {recap.candidate_number}", recap=recap, pieces=pieces,
        candidature_id=candidature_id, errors=errors, refused_piece=piece, values=values or {}, statuses=STATUSES,
        documents=DOCUMENTS, acts=[(value, label) for value, (_, label) in ACTS.items()], paris=PARIS,
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/candidatures/<candidature_id>")
@manager_required
def candidature(candidature_id: str) -> tuple[str, int]:
    """MGR-06: the content and the pièces of one candidature of the manager's académies."""
    return _page(candidature_id)


@blueprint.post("/candidatures/<candidature_id>/pieces/<code>")
@manager_required
def review(candidature_id: str, code: str) -> Any:
    """JUS-07 / MGR-02: any status to any other, an optional reception date (JJ/MM/AAAA) and comment; no mail."""
    aliases = {name: f"{name}-{code}" for name in ("status", "received_on", "comment")}
    values = submitted(aliases.values())  # one form per pièce: its fields' names end with the pièce's code
    name = values[aliases["status"]]
    try:
        if name and name not in PieceStatus.__members__:
            raise ValidationError.single("status", "unknown_status", "Ce statut de pièce n'existe pas.")
        status = PieceStatus[name] if name else None
        portal().pieces.review(
            current_manager(), candidature_id, code, status,
            received_on=parse_reception_date(values[aliases["received_on"]]),
            comment=values[aliases["comment"]].strip() or None,
        )  # fmt: skip
    except CycladesError as refused:
        return _page(candidature_id, FormErrors.of(refused, aliases=aliases), piece=code, values=values)
    flash(f"Le statut de la pièce {code} est enregistré : {status.value if status else 'aucun statut'}.")
    return redirect(f"{_path(candidature_id)}#piece-{code}", code=303)


@blueprint.get("/candidatures/<candidature_id>/pieces/<code>/fichier")
@manager_required
def fichier(candidature_id: str, code: str) -> Response:
    """MGR-06: the deposited file, as an attachment (never shown inline), not kept by the browser's cache."""
    name, content_type, data = portal().pieces.manager_file(current_manager(), candidature_id, code)
    return attachment(data, content_type, name, fallback="piece")


@blueprint.post("/candidatures/<candidature_id>/documents")
@manager_required
def publier(candidature_id: str) -> Any:
    """MGR-03: publish (or republish) a document; it appears in the candidate's « Mes documents »."""
    kind = request.form.get("kind", "")
    try:
        if kind not in DocumentKind.__members__:
            raise ValidationError.single("kind", "unknown_document", "Choisissez un document à publier.")
        published = portal().documents.publish(current_manager(), candidature_id, DocumentKind[kind])
    except CycladesError as refused:
        return _page(candidature_id, FormErrors.of_field("kind", refused.message, refused.http_status))
    flash(f"Document publié : {published.kind.value}, version n°{published.version}.")
    return redirect(f"{_path(candidature_id)}#documents", code=303)


@blueprint.post("/candidatures/<candidature_id>/etat")
@manager_required
def changer_etat(candidature_id: str) -> Any:
    """MGR-04 / UNS-04: set aside, reinstate, withdraw (at the candidate's request) or delete, with a reason."""
    act = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()
    if act not in ACTS:
        abort(400)
    values = {"reason": reason}
    if not reason:
        return _page(candidature_id, FormErrors.of_field("reason", REASON_REQUIRED), values=values)
    method, _ = ACTS[act]
    try:
        changed = getattr(portal().management, method)(current_manager(), candidature_id, reason)
    except CycladesError as refused:
        return _page(candidature_id, FormErrors.of_field("reason", refused.message, refused.http_status), values=values)
    flash(f"La candidature est maintenant à l'état « {changed.state.value} ».")
    return redirect(f"{_path(candidature_id)}#etat", code=303)


# -- the identity's correction (MGR-04, ACC-11) ------------------------------------------------------------------


def _identity_values(recap: Recapitulatif) -> dict[str, str]:
    """The identity form prefilled from the Récapitulatif's « Identification du candidat »."""
    shown = recap.section("Identification du candidat")

    def value(label: str) -> str:
        text = shown.get(label, "")
        return "" if text == "-" else text

    civility = next((c.value for c in Civility if c.value.upper() == value("Civilité").upper()), "")
    country = value("Pays de naissance")
    code = next((c.code for c in portal().reference.countries() if c.name == country), "")
    return {
        "civility": civility, "birth_name": value("Nom de famille"), "birth_name_confirmation": value("Nom de famille"),
        "usage_name": value("Nom d'usage"), "first_names": value("Prénoms"), "birth_date": value("Date de naissance"),
        "birth_date_confirmation": value("Date de naissance"), "birth_country": code,
        "birth_departement": value("Département, DOM ou COM de naissance"),
        "birth_commune": value("Commune de naissance"), "reason": "",
    }  # fmt: skip


def _identity_page(
    candidature_id: str, values: dict[str, str] | None = None, errors: FormErrors | None = None, searched: bool = False
) -> tuple[str, int]:
    recap = portal().management.candidature(current_manager(), candidature_id)
    shown = values if values is not None else _identity_values(recap)
    errors = errors or FormErrors()
    page = render_template(
        "gestion/identite.html", title="Corriger l'identité du candidat", recap=recap, candidature_id=candidature_id,
        values=shown, errors=errors, civilities=civilities(), searched=searched, **birthplace_choices(shown),
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/candidatures/<candidature_id>/identite")
@manager_required
def identite(candidature_id: str) -> tuple[str, int]:
    return _identity_page(candidature_id)


@blueprint.post("/candidatures/<candidature_id>/identite")
@manager_required
def identite_post(candidature_id: str) -> Any:
    """MGR-04 / ACC-11: on the candidate's request, correct the identity of its account and of its candidatures."""
    values = submitted((*IDENTITY_FIELDS, "reason"))
    if request.form.get("action") == SEARCH_COMMUNE:  # the commune search, without JavaScript
        return _identity_page(candidature_id, values, searched=True)
    reason = values["reason"].strip()
    if not reason:
        return _identity_page(candidature_id, values, FormErrors.of_field("reason", REASON_REQUIRED))
    try:
        portal().management.correct_identity(
            current_manager(), candidature_id, read_form(IdentityForm, values, optional=IDENTITY_OPTIONAL), reason
        )
    except CycladesError as refused:
        return _identity_page(candidature_id, values, FormErrors.of(refused))
    flash("L'identité du candidat est corrigée ; sa confirmation d'inscription est republiée.")
    return redirect(_path(candidature_id), code=303)
