"""CSRF tokens, cookies and security headers (docs/security.md, "The web portal").

- **CSRF**: a random per-browser value in the ``cyclades_csrf`` cookie (HttpOnly, SameSite=Lax); every form carries
  ``csrf_token`` = HMAC-SHA256(secret, that value *and the session cookies the browser holds*, the candidate's
  ``cyclades_session`` and the manager's ``cyclades_gestion``, empty when absent). A state-changing request (POST,
  PUT, PATCH, DELETE) without a matching triple is refused with 403 before the route runs, so nothing changes. Bound
  to the session, a token from an attacker's own visit fails in a signed-in victim's browser even when the attacker
  has planted its CSRF value there. The value is renewed at login and logout, so a token seen before the login is
  worthless after it; a login form's token, issued before the session exists, is bound to no session.
- **Sessions**: the core's session token in the ``cyclades_session`` cookie (the back office's in
  ``cyclades_gestion``), HttpOnly, SameSite=Lax, ``Secure`` unless ``WebSettings.cookie_secure`` is off, replaced at
  every login (the core issues a fresh token), deleted at logout.
- **Cookie names**: with ``Secure`` cookies every cookie of the portal (those three and Flask's
  ``cyclades_messages``) is named with the ``__Host-`` prefix (:func:`cookie_name`), always with ``Path=/`` and no
  ``Domain``: a browser then takes it only from the portal's own host over HTTPS, so another host of the same site
  can neither plant nor overwrite it, and a cookie of the bare name that such a host planted is never read. Over
  local http (``cookie_secure=False``) browsers refuse the prefix: the names are bare.
- **Messages**: at every login and logout (:func:`start_session`, :func:`clear_session`) the message cookie keeps
  only its one-shot messages; what a page kept there for the signed-in person (a saved candidature's confirmation)
  goes, so that it does not stay readable in the browser (the cookie is signed, not encrypted).
- **Request bodies**: every request but a pièce's upload (a multipart body to ``pieces.deposer``) is limited to
  :data:`FORM_BYTES` (512 KiB) before anything reads it, so a form is refused with 413 from its ``Content-Length``
  before the CSRF check parses it; the upload keeps ``MAX_CONTENT_LENGTH`` (the largest pièce plus 64 KiB). A body
  streamed without ``Content-Length`` (chunked) is parsed within its limit and refused with 413 when more follows: it
  is never cut short and processed.
- **Headers** on every response: a Content-Security-Policy with no inline script or style and
  ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: DENY``, ``Strict-Transport-Security`` when the cookies are ``Secure`` (served over HTTPS), and
  ``Cache-Control: no-store`` on every page of a signed-in person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Flask, Response, abort, current_app, g, redirect, request
from flask import session as messages
from werkzeug.wsgi import LimitedStream

from cyclades_adapters.web.settings import WebSettings
from cyclades_core.errors import CycladesError

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "FORM_BYTES",
    "HOST_PREFIX",
    "MANAGER_COOKIE",
    "MESSAGES_COOKIE",
    "SESSION_COOKIE",
    "UPLOAD_ENDPOINTS",
    "clear_session",
    "client_source",
    "cookie_name",
    "csrf_token",
    "install",
    "live_session",
    "login_required",
    "session_token",
    "start_session",
]

SESSION_COOKIE = "cyclades_session"
MANAGER_COOKIE = "cyclades_gestion"
CSRF_COOKIE = "cyclades_csrf"
#: Flask's session cookie, which carries only the one-shot messages shown after a redirect (``flash``).
MESSAGES_COOKIE = "cyclades_messages"
#: Before every cookie's name when the cookies are ``Secure`` (:func:`cookie_name`).
HOST_PREFIX = "__Host-"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest body of a request that is not a pièce's upload: a form's fields, the draft carried between tabs.
FORM_BYTES = 512 * 1024
#: The routes whose multipart body may be as large as ``MAX_CONTENT_LENGTH`` (a pièce's file).
UPLOAD_ENDPOINTS = frozenset({"pieces.deposer"})
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> WebSettings:
    found: WebSettings = current_app.extensions["cyclades_web"]
    return found


def cookie_name(name: str, *, secure: bool | None = None) -> str:
    """The name the browser holds ``name``'s cookie under: ``__Host-`` in front when the cookies are ``Secure``
    (``secure``, or else the settings of the application serving the request)."""
    if secure is None:
        secure = settings().cookie_secure
    return f"{HOST_PREFIX}{name}" if secure else name


def _cookie_value(name: str) -> str:
    """The value the browser sent for ``name``'s cookie (the first, when several came), or ""."""
    return request.cookies.get(cookie_name(name), "")


def _sessions() -> tuple[str, str]:
    """The session cookies a CSRF token is bound to, as the browser holds them once this response is in: the
    candidate's and the manager's, "" when absent (a login form's token is bound to no session)."""
    pending = g.get("session_cookie")
    held = {name: _cookie_value(name) for name in (SESSION_COOKIE, MANAGER_COOKIE)}
    if pending is not None:
        held[pending[0]] = pending[1]
    return held[SESSION_COOKIE], held[MANAGER_COOKIE]


def _sign(value: str, sessions: tuple[str, str]) -> str:
    message = "".join(f"{len(part)}:{part}" for part in (value, *sessions))  # each part's length: no ambiguity
    return hmac.new(settings().secret_key, b"csrf:" + message.encode(), hashlib.sha256).hexdigest()


def _browser_value() -> str:
    """This browser's CSRF value: the cookie's, or a new one sent with this response."""
    value = g.get("csrf_value")
    if value is None:
        cookie = _cookie_value(CSRF_COOKIE)
        value = cookie if len(cookie) == 43 and cookie.isascii() else None
        if value is None:
            value = secrets.token_urlsafe(32)
            g.csrf_new = True
        g.csrf_value = value
    return str(value)


def csrf_token() -> str:
    """The hidden field's value for this browser and its sessions (``{{ csrf_field() }}`` in a template)."""
    return _sign(_browser_value(), _sessions())


def renew_csrf() -> None:
    """A new CSRF value for this browser (at login and logout)."""
    g.csrf_value = secrets.token_urlsafe(32)
    g.csrf_new = True


def _limit_body() -> None:
    """Before anything reads the body: a form's small limit everywhere but a pièce's upload (werkzeug reads a
    url-encoded body whole and splits it with no limit on its fields, so 5 MB of ``a&a&…`` cost seconds), and a
    streamed body parsed now, within it, and refused when more follows (werkzeug cuts it at the limit silently)."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.mimetype != "multipart/form-data":
        request.max_content_length = min(FORM_BYTES, request.max_content_length or FORM_BYTES)
    if request.content_length is None and request.mimetype in _FORM_TYPES:
        _ = request.form  # read up to the limit (a multipart body past it is refused with 413 here)
        stream = request.stream  # the limited stream the form was read from
        if isinstance(stream, LimitedStream) and stream.is_exhausted and request.input_stream.read(1):
            abort(413)  # the server ends the stream (wsgi.input_terminated): a byte past the limit is more body


def _check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    if not request.form and not request.files and (request.content_length or request.headers.get("Transfer-Encoding")):
        abort(400)  # a body that is no form this portal sends (bytes that are not UTF-8, another content type)
    cookie = _cookie_value(CSRF_COOKIE)
    sent = request.form.get(CSRF_FIELD, "")  # within the limit _limit_body set
    if not cookie or not sent or not hmac.compare_digest(_sign(cookie, _sessions()), sent):
        abort(403, description="csrf")


def _cookie(response: Response, name: str, value: str) -> None:
    """Set (or, with no ``value``, delete) ``name``'s cookie: ``Path=/`` and no ``Domain``, as ``__Host-`` needs."""
    secure = settings().cookie_secure
    if value:
        response.set_cookie(cookie_name(name), value, path="/", secure=secure, httponly=True, samesite="Lax")
    else:
        response.delete_cookie(cookie_name(name), path="/", secure=secure, httponly=True, samesite="Lax")


def _after(response: Response) -> Response:
    if g.get("csrf_new"):
        _cookie(response, CSRF_COOKIE, str(g.csrf_value))
    pending = g.get("session_cookie")
    if pending is not None:
        _cookie(response, *pending)
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if settings().cookie_secure:  # served over HTTPS: browsers keep to it
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _cookie_value(SESSION_COOKIE) or _cookie_value(MANAGER_COOKIE) or pending is not None:
        headers["Cache-Control"] = "no-store"
    return response


def install(app: Flask) -> None:
    app.before_request(_limit_body)  # first: the CSRF check reads the form
    app.before_request(_check_csrf)
    app.after_request(_after)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = CSRF_FIELD


# -- sessions ---------------------------------------------------------------------------------------------------


def session_token(cookie: str = SESSION_COOKIE) -> str | None:
    """The session token the browser sent, if any (the core decides whether it is valid)."""
    return _cookie_value(cookie) or None


def live_session(authenticate: Callable[[str], object], cookie: str = SESSION_COOKIE) -> bool:
    """Whether the browser holds a session ``authenticate`` still accepts; an ended one's cookie is dropped (a login
    page then shows its form instead of sending the visitor on)."""
    token = session_token(cookie)
    if token is None:
        return False
    try:
        authenticate(token)
    except CycladesError:
        clear_session(cookie)
        return False
    return True


def start_session(token: str, cookie: str = SESSION_COOKIE) -> None:
    """Send the fresh session token of a login, and a fresh CSRF value with it; forget what the message cookie held
    for whoever was signed in before."""
    g.session_cookie = (cookie, token)
    renew_csrf()
    _forget_signed_in_data()


def clear_session(cookie: str = SESSION_COOKIE) -> None:
    """Drop the session cookie (a logout, an ended session), with a fresh CSRF value; forget what the message cookie
    held for the person signed in."""
    g.session_cookie = (cookie, "")
    renew_csrf()
    _forget_signed_in_data()


#: The message cookie's key of the one-shot messages (``flash``), which survive a login or a logout.
_FLASHES = "_flashes"


def _forget_signed_in_data() -> None:
    """Drop every key of the message cookie but its one-shot messages (the N° Inscription page's data, which names the
    candidate: readable by anyone at the browser, since the cookie is signed, not encrypted)."""
    for key in [key for key in messages if key != _FLASHES]:
        messages.pop(key)


def client_source() -> str:
    """The client's address, given to the core's throttles as ``source=``."""
    if settings().trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return (request.remote_addr or "unknown")[:64]


def login_required(view: F) -> F:
    """Send a visitor without a session cookie to ``/connexion`` and back here after the login."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = session_token()
        if token is None:
            return redirect(f"/connexion?suite={quote(request.full_path.rstrip('?'), safe='/')}")
        g.session_token = token
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_token() -> str:
    token: str = g.session_token
    return token
