"""ACC-15: « Passé ce délai, vos informations seront effacées, vous devrez recommencer votre démarche de création de
compte ». Once the 48 h have passed, the same email creates an account again at once, whether or not the purge has
run yet: the expired pending account is erased and replaced in the same unit of work (issue 17)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_core.errors import EmailAlreadyUsed, InvalidLink
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings
from tests.conftest import activation_token, form
from tests.sql_support import postgres_database, postgres_url, sqlite_database

pytestmark = pytest.mark.rule("ACC-15")

HOURS_48 = timedelta(seconds=172_800)


def accounts_with(portal: Portal, email: str) -> list[str]:
    with portal.unit_of_work() as uow:
        found = uow.accounts.find_by_email(email)
        return [found.id] if found else []


def test_after_the_48_hours_the_same_email_creates_the_account_again(portal: Portal, clock: ManualClock) -> None:
    first = portal.accounts.create_account(form())
    old_link = activation_token(portal)
    clock.advance(HOURS_48 + timedelta(seconds=1))
    second = portal.accounts.create_account(form(first_names="Dack Pierre"))  # before any purge
    assert second.account_id != first.account_id
    assert accounts_with(portal, "accrall@ac-rennes.fr") == [second.account_id]
    with pytest.raises(InvalidLink):
        portal.accounts.activate(old_link)  # the erased account's link went with it
    assert portal.accounts.activate(activation_token(portal)).account_id == second.account_id
    actions = [r.action for r in portal.audit.records_for(first.account_id)]
    assert actions[-1] == "account_purged"


def test_within_the_48_hours_the_address_is_still_taken(portal: Portal, clock: ManualClock) -> None:
    portal.accounts.create_account(form())
    clock.advance(HOURS_48)  # valid up to the deadline included
    with pytest.raises(EmailAlreadyUsed):
        portal.accounts.create_account(form())


def test_an_activated_account_is_never_replaced(portal: Portal, clock: ManualClock) -> None:
    first = portal.accounts.create_account(form())
    portal.accounts.activate(activation_token(portal))
    clock.advance(HOURS_48 * 3)
    with pytest.raises(EmailAlreadyUsed):
        portal.accounts.create_account(form())
    assert accounts_with(portal, "accrall@ac-rennes.fr") == [first.account_id]


@pytest.mark.parametrize("storage", ["sqlite", "postgresql"])
def test_the_replacement_is_one_transaction_on_sql(storage: str, tmp_path: Path) -> None:
    """The erasure and the new row share the unit of work: the unique email index sees one account."""
    if storage == "sqlite":
        sqlite_database(tmp_path)
        url = f"sqlite:///{tmp_path / 'cyclades.db'}"
    else:
        postgres_database()
        url = postgres_url()
    clock = ManualClock()
    portal = build_portal(
        url, clock=clock, hasher=PlainHasher(), settings=AccountSettings(base_url="https://cyclades.exemple.fr"),
        document_key=b"0123456789abcdef-key", environ={},
    )  # fmt: skip
    first = portal.accounts.create_account(form())
    clock.advance(HOURS_48 + timedelta(seconds=1))
    second = portal.accounts.create_account(form())
    assert accounts_with(portal, "accrall@ac-rennes.fr") == [second.account_id]
    assert first.account_id != second.account_id


def test_an_email_change_takes_the_address_of_an_expired_pending_account(portal: Portal, clock: ManualClock) -> None:
    """The same rule for « Modifier mon compte »: past its 48 h, a pending account no longer holds its address."""
    from tests.conftest import PASSWORD

    portal.accounts.create_account(form(email="owner@exemple.fr"))
    portal.accounts.activate(activation_token(portal))
    session = portal.accounts.login("owner@exemple.fr", PASSWORD).session_token
    squatter = portal.accounts.create_account(form(email="wanted@exemple.fr"))
    with pytest.raises(EmailAlreadyUsed) as refused:
        portal.accounts.change_email(session, PASSWORD, "wanted@exemple.fr", "wanted@exemple.fr")
    assert refused.value.field == "new_email"  # the field of this form
    clock.advance(HOURS_48 + timedelta(seconds=1))
    session = portal.accounts.login("owner@exemple.fr", PASSWORD).session_token
    portal.accounts.change_email(session, PASSWORD, "wanted@exemple.fr", "wanted@exemple.fr")
    assert accounts_with(portal, "wanted@exemple.fr") != [squatter.account_id]
    assert portal.accounts.login("wanted@exemple.fr", PASSWORD).session_token
