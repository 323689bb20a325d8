"""Guide sections 8 « MES INSCRIPTIONS » and 12 « SE DESINSCRIRE »: the page after login with one card per active
candidature (ACC-13, CAN-13, CAN-14), « Mon inscription » (the saved Récapitulatif, read-only, CAN-12, with
« Visualiser/imprimer » its PDF) and the withdrawal with its confirmation step (UNS-01 … UNS-04).

What a card offers comes from the core (``InscriptionCard.can_modify``, ``can_withdraw``); the pages decide nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.downloads import attachment
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.navigation import PARIS
from cyclades_core import InscriptionCard, PasswordChangeRequired, Recapitulatif
from cyclades_core.errors import CycladesError, ValidationError

__all__ = ["WITHDRAWN_MESSAGE", "blueprint", "paris_datetime"]

blueprint = Blueprint("inscriptions", __name__)

#: UNS-02, after the confirmation: « La candidature ne sera alors plus visible. Un mail confirmant ma désinscription
#: m'est également adressé. »
WITHDRAWN_MESSAGE = (
    "Votre désinscription est enregistrée : la candidature{number} n'est plus visible. "
    "Un mail confirmant votre désinscription vous est adressé."
)


def paris_datetime(instant: datetime | None) -> str:
    """``06/01/2020 à 16:28`` in Paris time, as the guide writes it."""
    if instant is None:
        return "-"
    local = instant.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


@blueprint.app_template_filter("date_paris")
def _date_paris(instant: datetime | None) -> str:
    return paris_datetime(instant)


@blueprint.get("/mes-inscriptions")
@security.login_required
def mes_inscriptions() -> str:
    """ACC-13 / CAN-13: the header line, then the cards or « Vous n'avez aucune candidature active. »"""
    home = portal().sessions.home(security.current_token())
    return render_template("inscriptions/mes_inscriptions.html", home=home, cards=home.candidatures)


@blueprint.get("/mon-inscription/<candidature_id>")
@security.login_required
def mon_inscription(candidature_id: str) -> str:
    """CAN-12 « Mon inscription »: the Récapitulatif in consultation mode."""
    recap: Recapitulatif = portal().candidatures.mon_inscription(security.current_token(), candidature_id)
    return render_template("inscriptions/mon_inscription.html", recap=recap, candidature_id=candidature_id)


@blueprint.get("/mon-inscription/<candidature_id>/recapitulatif-inscription.pdf")
@security.login_required
def recapitulatif_pdf(candidature_id: str) -> Response:
    """« Visualiser/imprimer » on the Récapitulatif in consultation mode: the « RECAPITULATIF D'INSCRIPTION » of the
    saved candidature (its version, its verification code)."""
    rendered = portal().documents.render_recapitulatif(security.current_token(), candidature_id)
    return attachment(rendered.data, rendered.media_type, rendered.filename, fallback="recapitulatif.pdf")


def _card(candidature_id: str) -> InscriptionCard | None:
    """The card of the candidature the confirmation names (to show which one is withdrawn)."""
    home = portal().sessions.home(security.current_token())
    return next((c for c in home.candidatures if c.candidature_id == candidature_id), None)


def _withdrawal_page(candidature_id: str, question: str | None, errors: FormErrors) -> tuple[str, int]:
    card = _card(candidature_id) if question is not None else None
    page = render_template(
        "inscriptions/desinscription.html", candidature_id=candidature_id, question=question, card=card, errors=errors
    )
    return page, errors.status


@blueprint.get("/desinscription/<candidature_id>")
@security.login_required
def desinscription(candidature_id: str) -> tuple[str, int]:
    """UNS-01: the confirmation step; UNS-04: after the closing date, the refusal and whom to contact."""
    try:
        question = portal().candidatures.withdrawal_question(security.current_token(), candidature_id)
    except PasswordChangeRequired:
        raise
    except CycladesError as refused:
        return _withdrawal_page(candidature_id, None, FormErrors.of(refused))
    return _withdrawal_page(candidature_id, question, FormErrors())


@blueprint.post("/desinscription/<candidature_id>")
@security.login_required
def desinscription_post(candidature_id: str) -> Any:
    """UNS-01 … UNS-03: the core refuses a request without the confirmation (nothing changes)."""
    token = security.current_token()
    card = _card(candidature_id)
    try:
        portal().candidatures.withdraw(token, candidature_id, confirmed=request.form.get("confirmation") == "oui")
    except PasswordChangeRequired:
        raise
    except ValidationError as refused:  # no confirmation: the question again, with the core's message
        errors = FormErrors.of(refused, aliases={"confirmed": "confirmation"})
        question = portal().candidatures.withdrawal_question(token, candidature_id)
        return _withdrawal_page(candidature_id, question, errors)
    except CycladesError as refused:  # after the closing date (UNS-04), not withdrawable, unknown
        return _withdrawal_page(candidature_id, None, FormErrors.of(refused))
    flash(WITHDRAWN_MESSAGE.format(number=f" n° {card.inscription_number}" if card else ""))
    return redirect("/mes-inscriptions", code=303)
