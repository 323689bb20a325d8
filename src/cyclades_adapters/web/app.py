"""The application factory: ``create_app(portal, settings)`` -> a Flask (WSGI) application.

Nothing happens at import time. The application holds the portal (``app.extensions["cyclades"]``) and calls only its
public services; each request's errors are rendered by :mod:`cyclades_adapters.web.errors`' single rule.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from cyclades_adapters import Portal
from cyclades_adapters.web import errors as form_errors
from cyclades_adapters.web import security
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.settings import WebSettings
from cyclades_core.errors import AuthenticationError, CycladesError, PasswordChangeRequired

__all__ = ["create_app", "portal"]

HERE = Path(__file__).resolve().parent
_log = logging.getLogger("cyclades.web")

#: The French page shown for each HTTP error the application answers itself (never a stack trace).
HTTP_PAGES = {
    400: ("Demande invalide", "La demande envoyée par votre navigateur est invalide."),
    403: ("Action refusée", "Cette action n'est pas autorisée."),
    404: ("Page introuvable", "La page demandée n'existe pas."),
    405: ("Action refusée", "Cette action n'est pas possible sur cette page."),
    413: (
        "Fichier trop volumineux",
        "Le fichier envoyé dépasse la taille maximale acceptée ; il n'a pas été enregistré.",
    ),
    429: ("Trop de demandes", "Trop de demandes ont été faites. Veuillez réessayer dans quelques minutes."),
    500: ("Erreur du service", "Le service a rencontré une erreur. Veuillez réessayer plus tard."),
    503: ("Service indisponible", "Le service est momentanément indisponible. Veuillez réessayer plus tard."),
}
CSRF_MESSAGE = (
    "Le formulaire a expiré ou n'a pas été envoyé depuis ce portail : rien n'a été enregistré. "
    "Veuillez recharger la page et recommencer."
)


def portal() -> Portal:
    """The portal the application serves (inside a request)."""
    found: Portal = current_app.extensions["cyclades"]
    return found


def error_page(status: int, message: str | None = None, title: str | None = None) -> tuple[str, int]:
    default_title, default_message = HTTP_PAGES.get(status, HTTP_PAGES[500])
    return (
        render_template("erreur.html", title=title or default_title, message=message or default_message, status=status),
        status,
    )


def _http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if status == 403 and error.description == "csrf":
        return error_page(403, CSRF_MESSAGE, "Formulaire expiré")
    if status in (301, 302, 303, 307, 308):
        return error
    return error_page(status)


def _cyclades_error(error: CycladesError) -> Any:
    """A CycladesError no route caught: its French message on an error page with its status."""
    if isinstance(error, PasswordChangeRequired) and not request.path.startswith("/gestion"):
        return _redirect("/scolaire/mot-de-passe")  # C6: the session stays; it opens only the password form
    if isinstance(error, AuthenticationError) and request.method == "GET":
        if request.path.startswith("/gestion"):
            security.clear_session(security.MANAGER_COOKIE)
            return _redirect("/gestion/connexion")
        security.clear_session()
        return _redirect("/connexion?expiree=1")
    if error.http_status >= 500:
        _log.error("web_error", extra={"code": error.code, "path": request.path})
    return error_page(error.http_status, error.message)


def _redirect(location: str) -> BaseResponse:
    return redirect(location, code=303)


def _unexpected(error: Exception) -> Any:
    _log.exception("web_unexpected_error", extra={"path": request.path})
    return error_page(500)


def create_app(portal: Portal, settings: WebSettings) -> Flask:
    """The portal on the web, over ``portal``'s public services."""
    app = Flask("cyclades_adapters.web", static_folder=str(HERE / "static"), template_folder=str(HERE / "templates"))
    app.extensions["cyclades"] = portal
    app.extensions["cyclades_web"] = settings
    max_bytes = settings.max_request_bytes
    if max_bytes is None:
        max_bytes = portal.pieces.max_bytes + 64 * 1024
    app.secret_key = settings.secret_key  # signs the one-shot messages shown after a redirect (flash)
    app.config.update(
        SESSION_COOKIE_NAME=security.cookie_name(security.MESSAGES_COOKIE, secure=settings.cookie_secure),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=max_bytes,  # a pièce's upload; every other request: security.FORM_BYTES
        MAX_FORM_MEMORY_SIZE=security.FORM_BYTES,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        TEMPLATES_AUTO_RELOAD=False,
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
    )
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["no_errors"] = FormErrors()
    security.install(app)
    form_errors.install(app)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CycladesError, _cyclades_error)
    app.register_error_handler(Exception, _unexpected)

    from cyclades_adapters.web.routes import register

    register(app)

    @app.context_processor
    def _page_context() -> dict[str, Any]:
        return {
            "signed_in": security.session_token() is not None,
            "manager_signed_in": security.session_token(security.MANAGER_COOKIE) is not None,
            "current_path": request.path,
            "page_errors": g.get("page_errors"),
        }

    return app
