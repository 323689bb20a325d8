"""The back office's login and logout, and :func:`manager_required`, which every other page of ``/gestion`` wears.

The manager's session token lives in its own cookie (``security.MANAGER_COOKIE``): a candidate's session cookie never
opens a page of the back office, and a manager's token is not a candidate's session either (the core keeps them in
separate tables). A missing, forged, expired or logged-out token sends the browser to ``/gestion/connexion`` and drops
the cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from flask import flash, g, redirect, render_template, request
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.navigation import local_path
from cyclades_adapters.web.routes.gestion import blueprint
from cyclades_core import Manager
from cyclades_core.errors import AuthenticationError, CycladesError

__all__ = ["HOME", "LOGIN", "current_manager", "manager_required"]

#: Where a manager lands after the login, and the login page.
HOME = "/gestion/candidatures"
LOGIN = "/gestion/connexion"

F = TypeVar("F", bound=Callable[..., Any])


def _back_office_path(target: str) -> str:
    """``suite`` only ever leads to a page of the back office (no open redirect)."""
    return local_path(target, HOME, under="/gestion/")


def _to_login() -> Response:
    suite = quote(request.full_path.rstrip("?"), safe="/") if request.method == "GET" else ""
    return redirect(f"{LOGIN}?suite={suite}" if suite else LOGIN, code=303)


def manager_required(view: F) -> F:
    """Authenticate the manager of the ``cyclades_gestion`` cookie (``portal.managers.authenticate``) before the view;
    without a valid one, drop the cookie and send the browser to the login page. The view reads the manager with
    :func:`current_manager`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = security.session_token(security.MANAGER_COOKIE)
        if token is None:
            return _to_login()
        try:
            g.manager = portal().managers.authenticate(token)
        except AuthenticationError:
            security.clear_session(security.MANAGER_COOKIE)  # forged, expired or logged out: the cookie goes
            return _to_login()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_manager() -> Manager:
    """The manager authenticated by :func:`manager_required` for this request."""
    manager: Manager = g.manager
    return manager


def _login_page(errors: FormErrors, login: str = "") -> tuple[str, int]:
    page = render_template(
        "gestion/connexion.html", errors=errors, login=login, suite=request.values.get("suite", ""), title="Connexion"
    )
    return page, errors.status


@blueprint.get("/connexion")
def connexion() -> Any:
    if security.live_session(portal().managers.authenticate, security.MANAGER_COOKIE):
        return redirect(HOME, code=303)
    return _login_page(FormErrors())


@blueprint.post("/connexion")
def connexion_post() -> Any:
    login = request.form.get("login", "")
    try:
        session = portal().managers.login(login, request.form.get("password", ""), source=security.client_source())
    except CycladesError as refused:
        return _login_page(FormErrors.of(refused), login)
    security.start_session(session.session_token, security.MANAGER_COOKIE)  # a fresh token and CSRF value
    return redirect(_back_office_path(request.form.get("suite", "")), code=303)


@blueprint.get("/")
@manager_required
def accueil() -> Response:
    return redirect(HOME, code=303)


@blueprint.post("/deconnexion")
def deconnexion() -> Response:
    token = security.session_token(security.MANAGER_COOKIE)
    if token is not None:
        with suppress(CycladesError):  # an ended session is logged out already
            portal().managers.logout(token)
    security.clear_session(security.MANAGER_COOKIE)
    flash("Vous êtes déconnecté.")
    return redirect(LOGIN, code=303)
