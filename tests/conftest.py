"""Shared fixtures: a portal on the in-memory adapters with a hand-driven clock and a cheap hasher."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.testing import CountingHasher, ManualClock, PlainHasher, link_in
from cyclades_core.usecases import AccountSettings, CreateAccountForm, LoginResult

#: The documents' key of the portals on SQL storage (required there: build_portal refuses to guess one).
DOCUMENT_KEY = b"tests-document-key-0123456789"
T0 = datetime(2021, 10, 4, 12, 38, tzinfo=UTC)  # 14:38 in Paris, the guide's confirmation example
PASSWORD = "Vol*Plane7x"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher(PlainHasher())


@pytest.fixture
def settings() -> AccountSettings:
    return AccountSettings(base_url="https://cyclades.exemple.fr")


@pytest.fixture
def portal(clock: ManualClock, hasher: CountingHasher, settings: AccountSettings) -> Portal:
    return build_portal(clock=clock, hasher=hasher, settings=settings, environ={})


def fresh_portal(settings: AccountSettings | None = None, clock: ManualClock | None = None) -> Portal:
    """A new portal, e.g. for each Hypothesis example (fixtures are shared between examples)."""
    return build_portal(
        clock=clock or ManualClock(T0),
        hasher=PlainHasher(),
        settings=settings or AccountSettings(base_url="https://cyclades.exemple.fr"),
        environ={},
    )


def stored_accounts(portal: Portal) -> int:
    assert isinstance(portal.storage, MemoryDatabase)
    return len(portal.storage.accounts.rows)


@pytest.fixture
def database(portal: Portal) -> MemoryDatabase:
    assert isinstance(portal.storage, MemoryDatabase)
    return portal.storage


def form(**overrides: Any) -> CreateAccountForm:
    """The guide's own example (section 3), valid as is."""
    values: dict[str, Any] = {
        "civility": "Monsieur",
        "birth_name": "ACCRALL",
        "birth_name_confirmation": "ACCRALL",
        "usage_name": None,
        "first_names": "Dack",
        "birth_date": "28/11/2004",
        "birth_date_confirmation": "28/11/2004",
        "birth_country": "99100",
        "birth_departement": "014",
        "birth_commune": "MAY-SUR-ORNE",
        "email": "accrall@ac-rennes.fr",
        "email_confirmation": "accrall@ac-rennes.fr",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
    }
    for key in ("email", "password", "birth_name", "birth_date"):
        if key in overrides and f"{key}_confirmation" not in overrides:
            overrides[f"{key}_confirmation"] = overrides[key]
    values.update(overrides)
    return CreateAccountForm(**values)


def mails(portal: Portal, kind: MailKind | None = None) -> list[OutboxMessage]:
    return [m for m in portal.outbox.pending(10_000) if kind is None or m.kind is kind]


def last_link(portal: Portal, kind: MailKind) -> str:
    found = [m for m in portal.outbox.pending(10_000) if m.kind is kind]
    assert found, f"no {kind} mail in the outbox"
    return link_in(found[-1])


def activation_token(portal: Portal) -> str:
    found = [m for m in mails(portal) if m.kind in (MailKind.ACTIVATION, MailKind.ACTIVATION_RESEND)]
    assert found, "no activation mail"
    return link_in(found[-1])


@pytest.fixture
def active_account(portal: Portal) -> Callable[..., LoginResult]:
    """Create, activate and log in an account; returns the login result."""

    def make(**overrides: Any) -> LoginResult:
        created = portal.accounts.create_account(form(**overrides))
        portal.accounts.activate(activation_token(portal))
        return portal.accounts.login(created.email, overrides.get("password", PASSWORD))

    return make
