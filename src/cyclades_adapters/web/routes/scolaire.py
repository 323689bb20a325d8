"""The scolaire candidate (POR-02): the login with the « papillon de connexion » its establishment gave it, the
forced change of the initial password (C6), then its préinscription to read and validate.

The core validates a préinscription as it saves a modification: « Modifier » (``candidatures.edit``), « Suivant »
through the tabs, « Enregistrer » on the Récapitulatif (``candidatures.save``), which turns the state
« Préinscription » into « Inscrit ». So this section shows the préinscription and leads to the form's pages
(``/inscription/<id>/modifier``); it has no validation of its own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.navigation import FORCED_PASSWORD_CHANGE
from cyclades_core import WHERE_TO_FIND_MY_LOGIN, CandidatureState
from cyclades_core.errors import CycladesError

__all__ = [
    "PAPILLON_SENTENCE",
    "PREINSCRIPTION",
    "blueprint",
]

blueprint = Blueprint("scolaire", __name__)

PREINSCRIPTION = "/scolaire/preinscription"
#: The guide, section 1 (POR-02), word for word.
PAPILLON_SENTENCE = (
    "Je suis candidat scolaire inscrit par mon établissement : je ne dois pas créer de compte mais utiliser le "
    "papillon de connexion fourni par mon établissement."
)
PASSWORD_CHANGED = "Votre mot de passe a été modifié."


def _login_page(errors: FormErrors, login: str = "") -> tuple[str, int]:
    page = render_template(
        "scolaire/connexion.html", errors=errors, login=login, sentence=PAPILLON_SENTENCE, help=WHERE_TO_FIND_MY_LOGIN
    )
    return page, errors.status


@blueprint.get("/scolaire/connexion")
def connexion() -> tuple[str, int]:
    return _login_page(FormErrors())


@blueprint.post("/scolaire/connexion")
def connexion_post() -> Any:
    """POR-02: the papillon's login (``dupont.marie3``) and initial password; C6: then the password form."""
    login = request.form.get("login", "")
    try:
        result = portal().sessions.login(login, request.form.get("password", ""), source=security.client_source())
    except CycladesError as refused:
        return _login_page(FormErrors.of(refused), login)
    security.start_session(result.session_token)  # a fresh token and a fresh CSRF value
    return redirect(FORCED_PASSWORD_CHANGE if result.must_change_password else PREINSCRIPTION, code=303)


def _password_page(errors: FormErrors) -> tuple[str, int]:
    return render_template("scolaire/mot_de_passe.html", errors=errors), errors.status


@blueprint.get("/scolaire/mot-de-passe")
@security.login_required
def mot_de_passe() -> Any:
    principal = portal().sessions.authenticate(security.current_token(), allow_initial_password=True)
    if not principal.must_change_password:
        return redirect("/mon-compte", code=303)  # an ordinary change of password lives in « Modifier mon compte »
    return _password_page(FormErrors())


@blueprint.post("/scolaire/mot-de-passe")
@security.login_required
def mot_de_passe_post() -> Any:
    """C6: the initial password, then the new one twice (ACC-03's rules); the session stays open."""
    form = request.form
    try:
        portal().my_account.change_password(
            security.current_token(), form.get("current_password", ""), form.get("new_password", ""),
            form.get("new_password_confirmation", ""), source=security.client_source(),
        )  # fmt: skip
    except CycladesError as refused:
        return _password_page(FormErrors.of(refused))
    flash(PASSWORD_CHANGED)
    return redirect(PREINSCRIPTION, code=303)


@blueprint.get("/scolaire/preinscription")
@security.login_required
def preinscription() -> str:
    """POR-02: the préinscriptions waiting for the pupil's validation, each with its Récapitulatif, and the way to
    validate them (the form's « Modifier », then « Enregistrer » on the Récapitulatif)."""
    token = security.current_token()
    home = portal().sessions.home(token)
    waiting = [card for card in home.candidatures if card.state is CandidatureState.PREINSCRIPTION]
    recaps = {
        card.candidature_id: portal().candidatures.mon_inscription(token, card.candidature_id) for card in waiting
    }
    return render_template("scolaire/preinscription.html", home=home, waiting=waiting, recaps=recaps)
