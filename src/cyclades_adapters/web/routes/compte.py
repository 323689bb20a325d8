"""Guide sections 3 to 5: create an account (and its activation link), "Modifier mon compte", "Supprimer mon
compte"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
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
from cyclades_core import CreateAccountForm, IdentityForm
from cyclades_core.errors import CycladesError

blueprint = Blueprint("compte", __name__)

CREATION_FIELDS = (*IDENTITY_FIELDS, "email", "email_confirmation", "password", "password_confirmation")


def _creation_page(values: dict[str, str], errors: FormErrors, searched: bool = False) -> tuple[str, int]:
    return (
        render_template(
            "compte/creer.html", values=values, errors=errors, civilities=civilities(), searched=searched,
            **birthplace_choices(values),
        ),
        errors.status,
    )  # fmt: skip


@blueprint.get("/creer-mon-compte")
def creer() -> tuple[str, int]:
    return _creation_page({"birth_country": "99100"}, FormErrors())


@blueprint.post("/creer-mon-compte")
def creer_post() -> Any:
    values = submitted(CREATION_FIELDS)
    if request.form.get("action") == SEARCH_COMMUNE:  # the commune search, without JavaScript
        return _creation_page(values, FormErrors(), searched=True)
    try:
        created = portal().registration.create_account(
            read_form(CreateAccountForm, optional=IDENTITY_OPTIONAL), source=security.client_source()
        )
    except CycladesError as refused:
        return _creation_page(values, FormErrors.of(refused))
    # Shown once by the page the browser is sent to (POST/redirect/GET), then gone from the message cookie.
    session["compte_cree"] = {"message": created.message, "email": created.email}
    return redirect("/compte-en-cours-de-creation", code=303)


@blueprint.get("/compte-en-cours-de-creation")
def cree() -> Any:
    """« Confirmation de réception de mail » with the guide's two buttons: « J'ai bien reçu le mail » (to the login)
    and « Je n'ai pas reçu le mail, effectuer un nouvel envoi » (the resend, for the address just typed)."""
    created = session.pop("compte_cree", None)
    if not isinstance(created, dict) or not isinstance(created.get("message"), str):
        return redirect("/creer-mon-compte", code=303)
    return render_template("compte/cree.html", lines=created["message"].split("\n"), email=created.get("email", ""))


@blueprint.get("/activer-mon-compte")
def activer() -> tuple[str, int]:
    """The mail's link only shows a button: reading the link consumes nothing (B5), so a mail scanner that
    follows it activates nothing; the candidate's click (a POST) activates."""
    token = request.args.get("jeton", "")
    try:
        portal().registration.check_activation_link(token)
    except CycladesError as refused:
        return render_template("compte/activer.html", token=None, error=refused.message), refused.http_status
    return render_template("compte/activer.html", token=token, error=None), 200


@blueprint.post("/activer-mon-compte")
def activer_post() -> Any:
    token = request.form.get("jeton", "")
    try:
        activation = portal().registration.activate(token)
    except CycladesError as refused:
        return render_template("compte/activer.html", token=None, error=refused.message), refused.http_status
    flash(activation.message)
    return redirect("/connexion", code=303)


@blueprint.route("/renvoyer-le-lien", methods=["GET", "POST"])
def renvoyer() -> Any:
    """Resend the activation link; the answer is the same whether the address has a pending account or not."""
    errors, sent = FormErrors(), False
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            portal().registration.resend_activation(email)
            sent = True
        except CycladesError as refused:
            errors = FormErrors.of(refused)
    return render_template("compte/renvoyer.html", email=email, errors=errors, sent=sent), errors.status


# -- Modifier mon compte / Supprimer mon compte (sections 4 and 5) ---------------------------------------------


def _identity_values(account: Any) -> dict[str, str]:
    identity = account.identity
    place = identity.birth_place
    birth_date = identity.birth_date.strftime("%d/%m/%Y")
    return {
        "civility": identity.civility.value, "birth_name": identity.birth_name,
        "birth_name_confirmation": identity.birth_name, "usage_name": identity.usage_name or "",
        "first_names": identity.first_names, "birth_date": birth_date, "birth_date_confirmation": birth_date,
        "birth_country": place.country_code, "birth_departement": place.departement_code or "",
        "birth_commune": place.commune_name,
    }  # fmt: skip


def _account_page(
    section: str = "", values: dict[str, str] | None = None, errors: FormErrors | None = None, searched: bool = False
) -> tuple[str, int]:
    account = portal().my_account.account(security.current_token())
    shown = values if values is not None else _identity_values(account)
    errors = errors or FormErrors()
    typed = submitted(("new_email", "new_email_confirmation")) if section == "email" else {}
    page = render_template(
        "compte/mon_compte.html", account=account, values=shown, errors=errors, section=section,
        civilities=civilities(), searched=searched, typed=typed, **birthplace_choices(shown),
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/mon-compte")
@security.login_required
def mon_compte() -> tuple[str, int]:
    return _account_page()


@blueprint.post("/mon-compte/identite")
@security.login_required
def identite() -> Any:
    values = submitted(IDENTITY_FIELDS)
    if request.form.get("action") == SEARCH_COMMUNE:
        return _account_page("identite", values, searched=True)
    try:
        portal().my_account.update_identity(
            security.current_token(), read_form(IdentityForm, optional=IDENTITY_OPTIONAL)
        )
    except CycladesError as refused:
        return _account_page("identite", values, FormErrors.of(refused))
    flash("Vos informations ont été modifiées.")
    return redirect("/mon-compte", code=303)


@blueprint.post("/mon-compte/email")
@security.login_required
def email() -> Any:
    form = request.form
    try:
        portal().my_account.change_email(
            security.current_token(), form.get("current_password", ""), form.get("new_email", ""),
            form.get("new_email_confirmation", ""), source=security.client_source(),
        )  # fmt: skip
    except CycladesError as refused:
        return _account_page("email", None, FormErrors.of(refused))
    flash("Votre adresse mail a été modifiée.")
    return redirect("/mon-compte", code=303)


@blueprint.post("/mon-compte/mot-de-passe")
@security.login_required
def mot_de_passe() -> Any:
    form = request.form
    try:
        portal().my_account.change_password(
            security.current_token(), form.get("mdp_current_password", ""), form.get("new_password", ""),
            form.get("new_password_confirmation", ""), source=security.client_source(),
        )  # fmt: skip
    except CycladesError as refused:
        aliases = {"current_password": "mdp_current_password"}  # two forms on the page: ids must differ
        return _account_page("mot-de-passe", None, FormErrors.of(refused, aliases=aliases))
    flash("Votre mot de passe a été modifié.")
    return redirect("/mon-compte", code=303)


@blueprint.get("/mon-compte/supprimer")
@security.login_required
def supprimer() -> str:
    return render_template("compte/supprimer.html", errors=FormErrors())


@blueprint.post("/mon-compte/supprimer")
@security.login_required
def supprimer_post() -> Response | tuple[str, int]:
    if request.form.get("confirmation") != "oui":
        errors = FormErrors.of_field("confirmation", "Cochez la case pour confirmer la suppression de votre compte.")
        return render_template("compte/supprimer.html", errors=errors), 400
    try:
        portal().my_account.delete_account(security.current_token())
    except CycladesError as refused:
        return render_template("compte/supprimer.html", errors=FormErrors.of(refused)), refused.http_status
    security.clear_session()
    flash("Votre compte a été supprimé.")
    return redirect("/", code=303)
