"""Issue 15 items 5 and 6 on SQLite and PostgreSQL: the SQL rate limiter carries the per-source counters, and the
reset answer and work do not depend on the account's existence there either (C3, C4, E2)."""

from __future__ import annotations

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.errors import EmailAlreadyUsed, InvalidCredentials, TooManyRequests
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import CountingHasher, ManualClock, PlainHasher, link_in
from cyclades_core.usecases import AccountSettings
from tests.conftest import DOCUMENT_KEY, PASSWORD, T0, form
from tests.sql_support import sql_database  # noqa: F401 - the parametrized fixture

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.2"


def _portal(database: SqlDatabase, hasher: CountingHasher) -> Portal:
    return build_portal(
        database.url, clock=ManualClock(T0), hasher=hasher, environ={}, document_key=DOCUMENT_KEY,
        settings=AccountSettings(base_url="https://cyclades.exemple.fr", creations_per_source_per_hour=3),
    )  # fmt: skip


@pytest.mark.rule("C3", "C4", "E2")
def test_two_sources_on_sql(sql_database: SqlDatabase) -> None:  # noqa: F811
    """The attacker's wrong passwords and creations are refused to its source; the owner, from another source,
    logs in and signs up; a reset for the owner's address and for an unknown one answer alike."""
    hasher = CountingHasher(PlainHasher())
    portal = _portal(sql_database, hasher)
    created = portal.accounts.create_account(form(email="owner@exemple.fr"), source=OWNER)
    activation = next(m for m in portal.outbox.pending(10) if m.kind is MailKind.ACTIVATION)
    portal.accounts.activate(link_in(activation))
    for _ in range(20):
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("owner@exemple.fr", "Wrong*Pass9", source=ATTACKER)
    hasher.reset()
    with pytest.raises(InvalidCredentials):
        portal.accounts.login("owner@exemple.fr", PASSWORD, source=ATTACKER)
    assert hasher.verify_calls == 1
    assert not any(PlainHasher().verify(encoded, PASSWORD) for encoded in hasher.verified)  # the dummy only
    assert portal.accounts.login("owner@exemple.fr", PASSWORD, source=OWNER).account_id == created.account_id
    for _ in range(3):
        with pytest.raises(EmailAlreadyUsed):
            portal.accounts.create_account(form(email="owner@exemple.fr"), source=ATTACKER)
    with pytest.raises(TooManyRequests):
        portal.accounts.create_account(form(email="other@exemple.fr"), source=ATTACKER)
    assert portal.accounts.create_account(form(email="other@exemple.fr"), source=OWNER)
    known = portal.accounts.request_password_reset("Owner@Exemple.FR", source=OWNER)
    unknown = portal.accounts.request_password_reset("Owned@Exemple.FR", source=OWNER)
    assert (known, known.message) == (unknown, unknown.message)
    assert known.masked_contact == "ow***@exemple.fr"
