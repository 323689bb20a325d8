"""Helpers of the web portal's tests: a portal on memory with the guide's session open, a Flask test client, the
CSRF token of a page, an activated and signed-in candidate."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters import build_portal
from cyclades_adapters.bootstrap import Portal
from cyclades_adapters.cli.serve import demo_catalogue
from cyclades_adapters.mail import MemoryMailer
from cyclades_adapters.security import Argon2idHasher
from cyclades_adapters.web import WebSettings, create_app
from cyclades_core import AccountSettings
from cyclades_core.testing import ManualClock, link_in

NOW = datetime(2021, 11, 10, 9, 0, tzinfo=UTC)  # inside the guide's BTS 2022 registration period
SECRET = b"s" * 48
PASSWORD = "Vol*Plane7x"
BASE_URL = "http://portail.test"

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


_LINK = re.compile(r"https?://\S+\?jeton=[A-Za-z0-9_-]+")


def mail_link(mail: object) -> str:
    """The first link of a queued mail, as the candidate clicks it."""
    found = _LINK.search(mail.body)  # type: ignore[attr-defined]
    assert found is not None, "no link in the mail"
    return found.group(0)


def make_portal(clock: ManualClock | None = None, **adapters: object) -> Portal:
    clock = clock or ManualClock(NOW)
    adapters.setdefault("mailer", MemoryMailer())
    return build_portal(
        "memory://", clock=clock, hasher=Argon2idHasher.cheap(), catalogue=demo_catalogue(clock.now()),
        settings=AccountSettings(base_url=BASE_URL), **adapters,  # type: ignore[arg-type]
    )  # fmt: skip


def make_app(portal: Portal, **settings: object) -> Flask:
    app = create_app(portal, WebSettings(secret_key=SECRET, **settings))  # type: ignore[arg-type]
    app.testing = True
    return app


def csrf_of(client: FlaskClient, path: str = "/connexion") -> str:
    """The CSRF token a page gives this client (the page sets the cookie it is bound to)."""
    page = client.get(path).get_data(as_text=True)
    found = _CSRF.search(page)
    assert found is not None, f"no CSRF field on {path}"
    return found.group(1)


def post(client: FlaskClient, path: str, data: Mapping[str, str], *, page: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    """POST ``data`` with the CSRF token of ``page`` (default: a page every visitor can open)."""
    token = csrf_of(client, page or "/mot-de-passe-oublie")  # a page with a form, signed in or not
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


ACCRALL = {
    "civility": "Monsieur", "birth_name": "ACCRALL", "birth_name_confirmation": "ACCRALL", "usage_name": "",
    "first_names": "Dack", "birth_date": "28/11/2004", "birth_date_confirmation": "28/11/2004",
    "birth_country": "99100", "birth_departement": "014", "birth_commune": "MAY-SUR-ORNE",
    "email": "accrall@ac-rennes.fr", "email_confirmation": "accrall@ac-rennes.fr",
    "password": PASSWORD, "password_confirmation": PASSWORD,
}  # fmt: skip


def signed_in(client: FlaskClient, portal: Portal, form: Mapping[str, str] = ACCRALL) -> str:
    """Create ``form``'s account through the pages, follow the activation link, log in; returns the email."""
    answer = post(client, "/creer-mon-compte", form, page="/creer-mon-compte")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert "Votre compte est en cours de création." in client.get(answer.headers["Location"]).get_data(as_text=True)
    token = link_in(portal.outbox.pending()[-1])
    assert post(client, "/activer-mon-compte", {"jeton": token}).status_code == 303
    logged = post(client, "/connexion", {"identifier": form["email"], "password": form["password"]})
    assert logged.status_code == 303, logged.get_data(as_text=True)
    return form["email"]
