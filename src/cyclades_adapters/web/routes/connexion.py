"""Guide section 3, « Se connecter »: the login box with « Besoin d'aide pour vous connecter ? » and « Mot de passe
oublié », the reset link's page, and the logout."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.navigation import FORCED_PASSWORD_CHANGE, HOME, local_path
from cyclades_core import RESET_IDENTIFIER_HINT, RESET_TITLE, WHERE_TO_FIND_MY_LOGIN
from cyclades_core.errors import CycladesError

blueprint = Blueprint("connexion", __name__)


def _login_page(errors: FormErrors, identifier: str = "") -> tuple[str, int]:
    page = render_template(
        "connexion/connexion.html", errors=errors, identifier=identifier, suite=request.values.get("suite", ""),
        expired=request.args.get("expiree") == "1", help=WHERE_TO_FIND_MY_LOGIN,
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/connexion")
def connexion() -> Any:
    if security.live_session(lambda token: portal().sessions.authenticate(token, allow_initial_password=True)):
        return redirect(HOME, code=303)
    return _login_page(FormErrors())


@blueprint.post("/connexion")
def connexion_post() -> Any:
    identifier = request.form.get("identifier", "")
    try:
        result = portal().sessions.login(identifier, request.form.get("password", ""), source=security.client_source())
    except CycladesError as refused:
        return _login_page(FormErrors.of(refused, aliases={"login": "identifier"}), identifier)
    security.start_session(result.session_token)  # a fresh token at every login, and a fresh CSRF value
    if result.must_change_password:
        return redirect(FORCED_PASSWORD_CHANGE, code=303)
    return redirect(local_path(request.form.get("suite", "") or HOME, HOME), code=303)


@blueprint.post("/deconnexion")
def deconnexion() -> Any:
    token = security.session_token()
    if token is not None:
        with suppress(CycladesError):  # an expired or unknown session is logged out already
            portal().sessions.logout(token)
    security.clear_session()
    flash("Vous êtes déconnecté.")
    return redirect("/connexion", code=303)


@blueprint.get("/besoin-d-aide")
def besoin_d_aide() -> str:
    return render_template("connexion/aide.html", help=WHERE_TO_FIND_MY_LOGIN)


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def mot_de_passe_oublie() -> Any:
    """ACC-10: the answer depends only on what was typed, never on whether an account matches."""
    errors, answer = FormErrors(), None
    identifier = request.form.get("identifier", "")
    if request.method == "POST":
        try:
            answer = portal().password_reset.request_password_reset(identifier, source=security.client_source())
        except CycladesError as refused:
            errors = FormErrors.of(refused, aliases={"login": "identifier"})
    page = render_template(
        "connexion/mot_de_passe_oublie.html", errors=errors, identifier=identifier, title_text=RESET_TITLE,
        hint=RESET_IDENTIFIER_HINT, answer=answer.message.split("\n") if answer else None,
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/modifier-mon-mot-de-passe")
def modifier_mot_de_passe() -> tuple[str, int]:
    token = request.args.get("jeton", "")
    try:
        portal().password_reset.check_reset_link(token)  # reading the link consumes nothing (B5)
    except CycladesError as refused:
        return render_template("connexion/nouveau_mot_de_passe.html", token=None, link_error=refused.message,
                               errors=FormErrors()), refused.http_status  # fmt: skip
    return render_template(
        "connexion/nouveau_mot_de_passe.html", token=token, link_error=None, errors=FormErrors()
    ), 200


@blueprint.post("/modifier-mon-mot-de-passe")
def modifier_mot_de_passe_post() -> Any:
    token = request.form.get("jeton", "")
    try:
        portal().password_reset.reset_password(
            token, request.form.get("new_password", ""), request.form.get("new_password_confirmation", "")
        )
    except CycladesError as refused:
        errors = FormErrors.of(refused)
        link_error = refused.message if refused.field == "token" else None
        page = render_template("connexion/nouveau_mot_de_passe.html", token=None if link_error else token,
                               link_error=link_error, errors=errors)  # fmt: skip
        return page, errors.status
    flash("Votre mot de passe a été modifié. Vous pouvez vous connecter.")
    return redirect("/connexion", code=303)
