"""The managing service's accounts (``portal.managers``) on memory, SQLite and PostgreSQL: provisioning, login with
one error for every refusal and its throttling, sessions that expire and never cross with the candidates', disabled
managers, the audit trail naming the manager, and migration 0007."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata
from cyclades_core import (
    CandidatureState,
    InvalidManagerCredentials,
    Manager,
    ManagerLoginTaken,
    ManagerNotFound,
    ManagerSession,
    ManagerSessionExpired,
    ManagerView,
    SessionExpired,
    ValidationError,
)
from cyclades_core.model.tokens import digest
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings
from tests.candidature_support import DURING, guide_portal, register, signed_in
from tests.conftest import DOCUMENT_KEY
from tests.sql_support import postgres_database, sqlite_database

PASSWORD = "Vol*Plane7x"
OTHER_PASSWORD = "Tour*Ciel8q"
SETTINGS = AccountSettings(base_url="https://cyclades.exemple.fr", creations_per_hour=1000)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Portal]:
    clock = ManualClock(DURING)
    catalogue = guide_portal(clock).catalogue.catalogue
    database: SqlDatabase | None = None
    if request.param == "sqlite":
        database = sqlite_database(tmp_path)
    elif request.param == "postgresql":
        database = postgres_database()
    built = build_portal(
        database.url if database else "memory://", clock=clock, hasher=PlainHasher(), settings=SETTINGS,
        catalogue=catalogue, environ={}, document_key=DOCUMENT_KEY,
    )  # fmt: skip
    yield built
    if isinstance(built.storage, SqlDatabase):
        built.storage.dispose()
    if database is not None and request.param == "sqlite":
        database.dispose()


def clock_of(portal: Portal) -> ManualClock:
    assert isinstance(portal.clock, ManualClock)
    return portal.clock


def add_rennes(portal: Portal, login: str = "Gest.Besancon", *codes: str) -> ManagerView:
    return portal.managers.add(login, PASSWORD, codes or ("03", "10"), name="Service des examens")


def test_a_provisioned_manager_logs_in_and_is_authenticated_by_its_login(portal: Portal) -> None:
    view = add_rennes(portal)
    assert (view.login, view.academie_codes, view.active, view.name) == (
        "gest.besancon", ("03", "10"), True, "Service des examens",
    )  # fmt: skip
    session = portal.managers.login("  GEST.Besancon ", PASSWORD)
    assert isinstance(session, ManagerSession)
    assert session.manager == Manager("gest.besancon", ("03", "10")) == view.manager
    assert session.session_token not in repr(session)
    assert portal.managers.authenticate(session.session_token) == session.manager
    again = portal.managers.login("gest.besancon", PASSWORD)
    assert again.session_token != session.session_token  # a fresh random token on every login
    assert portal.managers.authenticate(session.session_token) == portal.managers.authenticate(again.session_token)
    portal.managers.logout(session.session_token)
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(session.session_token)
    assert portal.managers.authenticate(again.session_token).id == "gest.besancon"
    portal.managers.logout(session.session_token)  # twice: nothing to say
    assert [v.login for v in portal.managers.list()] == ["gest.besancon"]


def test_only_the_digest_of_a_session_token_and_a_hash_of_the_password_are_stored(portal: Portal) -> None:
    add_rennes(portal)
    session = portal.managers.login("gest.besancon", PASSWORD)
    with portal.unit_of_work() as uow:
        stored = uow.managers.get_session(digest(session.session_token))
        account = uow.managers.get("gest.besancon")
        assert uow.managers.get_session(session.session_token) is None
    assert stored is not None
    assert stored.login == "gest.besancon"
    assert account is not None
    assert PASSWORD not in account.password_hash


@pytest.mark.rule("ACC-14")
def test_a_wrong_password_and_an_unknown_login_get_the_same_error(portal: Portal) -> None:
    add_rennes(portal)
    refusals = []
    for login, password in (("gest.besancon", "Wrong*Pass9"), ("gest.inconnu", PASSWORD), ("gest.besancon", ""),
                            ("\x00\ud800", PASSWORD), ("", "")):  # fmt: skip
        with pytest.raises(InvalidManagerCredentials) as refused:
            portal.managers.login(login, password)
        refusals.append((type(refused.value), refused.value.code, refused.value.message, refused.value.http_status))
    assert len(set(refusals)) == 1
    assert refusals[0][1:] == (
        "invalid_manager_credentials",
        "Identifiant de connexion ou mot de passe incorrect.",
        401,
    )


@pytest.mark.rule("ACC-14")
def test_failed_logins_are_throttled_then_the_right_password_works_again(portal: Portal) -> None:
    add_rennes(portal)
    clock = clock_of(portal)
    free = SETTINGS.login_throttle.free_failures
    for _ in range(free):
        with pytest.raises(InvalidManagerCredentials):
            portal.managers.login("gest.besancon", "Wrong*Pass9")
    with pytest.raises(InvalidManagerCredentials):  # throttled: even the right password is refused
        portal.managers.login("gest.besancon", PASSWORD)
    clock.advance(SETTINGS.login_throttle.base_delay + timedelta(seconds=1))
    assert portal.managers.login("gest.besancon", PASSWORD).manager.id == "gest.besancon"
    # From a source: a third party's failures from elsewhere never hold back the manager's own clean source.
    for _ in range(free + 2):
        with pytest.raises(InvalidManagerCredentials):
            portal.managers.login("gest.besancon", "Wrong*Pass9", source="203.0.113.9")
    assert portal.managers.login("gest.besancon", PASSWORD, source="198.51.100.7").manager.id == "gest.besancon"
    with pytest.raises(InvalidManagerCredentials):
        portal.managers.login("gest.besancon", PASSWORD, source="203.0.113.9")


def test_a_session_expires_when_idle_and_after_its_absolute_lifetime(portal: Portal) -> None:
    add_rennes(portal)
    clock = clock_of(portal)
    idle = portal.managers.login("gest.besancon", PASSWORD)
    clock.advance(SETTINGS.session_idle_timeout - timedelta(minutes=2))
    assert portal.managers.authenticate(idle.session_token).id == "gest.besancon"  # touched: idle counts again
    clock.advance(SETTINGS.session_idle_timeout - timedelta(minutes=2))
    assert portal.managers.authenticate(idle.session_token).id == "gest.besancon"
    clock.advance(SETTINGS.session_idle_timeout + timedelta(seconds=1))
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(idle.session_token)
    with portal.unit_of_work() as uow:  # an expired session is deleted
        assert uow.managers.get_session(digest(idle.session_token)) is None

    busy = portal.managers.login("gest.besancon", PASSWORD)
    step = SETTINGS.session_idle_timeout / 2
    for _ in range(int(SETTINGS.session_absolute_timeout / step) - 1):
        clock.advance(step)
        assert portal.managers.authenticate(busy.session_token).id == "gest.besancon"
    clock.advance(step + timedelta(seconds=1))
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(busy.session_token)
    assert portal.managers.purge_expired_sessions() == 0  # already gone


def test_a_candidates_token_is_no_managers_token_and_the_reverse(portal: Portal) -> None:
    add_rennes(portal)
    candidate = signed_in(portal)
    manager = portal.managers.login("gest.besancon", PASSWORD)
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(candidate)
    with pytest.raises(SessionExpired):
        portal.sessions.authenticate(manager.session_token)
    with pytest.raises(SessionExpired):
        portal.sessions.home(manager.session_token)
    assert portal.sessions.authenticate(candidate).account_id  # both still valid for their own side
    assert portal.managers.authenticate(manager.session_token).id == "gest.besancon"


def test_forged_or_malformed_tokens_are_refused(portal: Portal) -> None:
    add_rennes(portal)
    session = portal.managers.login("gest.besancon", PASSWORD)
    forged = [session.session_token[:-1] + ("A" if session.session_token[-1] != "A" else "B"), "", " ", "x" * 5000,
              "\x00", "\ud800", digest(session.session_token), session.session_token.upper()]  # fmt: skip
    for token in forged:
        with pytest.raises(ManagerSessionExpired):
            portal.managers.authenticate(token)
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(None)  # type: ignore[arg-type]
    assert portal.managers.authenticate(session.session_token).id == "gest.besancon"


def test_a_login_is_provisioned_once(portal: Portal) -> None:
    add_rennes(portal)
    with pytest.raises(ManagerLoginTaken) as taken:
        portal.managers.add("GEST.BESANCON", OTHER_PASSWORD, ["16"])
    assert (taken.value.field, taken.value.code, taken.value.http_status) == ("login", "manager_login_taken", 409)
    assert [(v.login, v.academie_codes) for v in portal.managers.list()] == [("gest.besancon", ("03", "10"))]


def test_the_academies_must_be_the_catalogues_and_the_login_well_formed(portal: Portal) -> None:
    for codes in (["99"], ["03", "ZZ"], [], ["\x00"], "03"):
        with pytest.raises(ValidationError) as refused:
            portal.managers.add("gest.x", PASSWORD, codes)
        assert refused.value.fields == ("academie_codes",), codes
    with pytest.raises(ValidationError) as unknown:
        portal.managers.add("gest.x", PASSWORD, ["03", "98"])
    assert unknown.value.errors[0].message == "Académie inconnue : 98."
    for login in ("", "a", "gest rennes", "gést", "-gest", "g" * 65, "gest\x00"):
        with pytest.raises(ValidationError) as bad:
            portal.managers.add(login, PASSWORD, ["03"])
        assert bad.value.fields == ("login",), login
    assert portal.managers.add("G" * 64, PASSWORD, ["03", "03", " 10 "]).academie_codes == ("03", "10")
    assert [v.login for v in portal.managers.list()] == ["g" * 64]


@pytest.mark.rule("ACC-03")
def test_the_password_follows_the_candidates_policy(portal: Portal) -> None:
    messages = set()
    for password in ("Court*1", "sansmajuscule*1", "SansSpecial12", "Azerty123!", "Gesttlse*9", "Dupont*Abc9", ""):
        with pytest.raises(ValidationError) as refused:
            portal.managers.add("gest.tlse", password, ["16"], name="Marie Dupont")
        assert refused.value.fields == ("password",), password
        messages.add(refused.value.errors[0].code)
    assert messages == {"password_policy", "password_common", "password_context", "required"}
    assert portal.managers.list() == []
    assert portal.managers.add("gest.tlse", PASSWORD, ["16"], name="Marie Dupont").login == "gest.tlse"


def test_a_disabled_manager_cannot_log_in_and_its_sessions_end(portal: Portal) -> None:
    add_rennes(portal)
    session = portal.managers.login("gest.besancon", PASSWORD)
    view = portal.managers.disable("Gest.Besancon")
    assert (view.active, view.disabled_at) == (False, DURING)
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(session.session_token)
    with pytest.raises(InvalidManagerCredentials) as refused:
        portal.managers.login("gest.besancon", PASSWORD)
    assert refused.value.message == "Identifiant de connexion ou mot de passe incorrect."
    assert portal.managers.disable("gest.besancon") == view  # again: nothing changes
    with pytest.raises(ManagerLoginTaken):  # its login stays reserved
        portal.managers.add("gest.besancon", PASSWORD, ["03"])
    with pytest.raises(ManagerNotFound):
        portal.managers.disable("gest.absent")
    assert [(v.login, v.active) for v in portal.managers.list()] == [("gest.besancon", False)]


def test_a_password_change_ends_the_sessions_and_only_the_new_password_works(portal: Portal) -> None:
    add_rennes(portal)
    session = portal.managers.login("gest.besancon", PASSWORD)
    with pytest.raises(ValidationError):
        portal.managers.change_password("gest.besancon", "faible")
    assert portal.managers.authenticate(session.session_token).id == "gest.besancon"  # nothing changed
    portal.managers.change_password("gest.besancon", OTHER_PASSWORD)
    with pytest.raises(ManagerSessionExpired):
        portal.managers.authenticate(session.session_token)
    with pytest.raises(InvalidManagerCredentials):
        portal.managers.login("gest.besancon", PASSWORD)
    assert portal.managers.login("gest.besancon", OTHER_PASSWORD).manager.id == "gest.besancon"
    with pytest.raises(ManagerNotFound):
        portal.managers.change_password("gest.absent", OTHER_PASSWORD)


def test_the_audit_trail_names_the_manager_who_acted(portal: Portal) -> None:
    add_rennes(portal)
    candidate = signed_in(portal)
    candidature_id = register(portal, candidate)
    manager = portal.managers.authenticate(portal.managers.login("gest.besancon", PASSWORD).session_token)
    set_aside = portal.management.set_aside(manager, candidature_id, "Dossier incomplet")
    assert set_aside.state is CandidatureState.SET_ASIDE
    with portal.unit_of_work() as uow:
        account_id = uow.candidatures.get(candidature_id).account_id  # type: ignore[union-attr]
        records = uow.audit.for_account(account_id)
    assert ("candidature_set_aside", "manager:gest.besancon") in [(r.action, r.actor) for r in records]


def test_the_logins_and_the_provisioning_are_audited_without_secrets(portal: Portal) -> None:
    add_rennes(portal)
    with pytest.raises(InvalidManagerCredentials):
        portal.managers.login("gest.besancon", "Wrong*Pass9")
    session = portal.managers.login("gest.besancon", PASSWORD)
    portal.managers.disable("gest.besancon")
    if isinstance(portal.storage, SqlDatabase):
        with portal.storage.engine.connect() as connection:
            rows = connection.execute(text("SELECT action, actor FROM audit ORDER BY seq")).all()
            dump = " ".join(repr(connection.execute(table.select()).all()) for table in metadata.sorted_tables)
        actions = [(row.action, row.actor) for row in rows]
    else:
        assert isinstance(portal.storage, MemoryDatabase)
        actions = [(r.action, r.actor) for r in portal.storage.audit.values()]
        dump = repr(list(portal.storage.all_rows()))
    assert actions == [
        ("manager_added", "system"), ("authn_login_fail", "anonymous"), ("authn_login_success", "manager:gest.besancon"),
        ("manager_disabled", "system"),
    ]  # fmt: skip
    for secret in (PASSWORD, "Wrong*Pass9", session.session_token):
        assert secret not in dump


# -- migration 0007 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_0007_adds_the_manager_tables_to_a_0006_database_and_down_again(dialect: str, tmp_path: Path) -> None:
    database = sqlite_database(tmp_path) if dialect == "sqlite" else postgres_database()
    try:
        portal = build_portal(
            database.url, clock=ManualClock(DURING), hasher=PlainHasher(), environ={}, document_key=DOCUMENT_KEY,
            settings=SETTINGS,
        )  # fmt: skip
        token = signed_in(portal)  # a candidate of the 0006 era survives the upgrade
        database.downgrade("0006")
        assert database.current() == "0006"
        tables = set(inspect(database.engine).get_table_names(schema=database.schema))
        assert {"managers", "manager_sessions"} & tables == set()
        database.upgrade()
        assert database.current() == "0007"
        tables = set(inspect(database.engine).get_table_names(schema=database.schema))
        assert {"managers", "manager_sessions"} <= tables
        assert portal.sessions.authenticate(token).account_id
        add_rennes(portal)
        session = portal.managers.login("gest.besancon", PASSWORD)
        assert portal.managers.authenticate(session.session_token).id == "gest.besancon"
        database.downgrade("0006")  # the downgrade drops the tables and what they hold
        tables = set(inspect(database.engine).get_table_names(schema=database.schema))
        assert {"managers", "manager_sessions"} & tables == set()
        database.upgrade()
        assert portal.managers.list() == []
    finally:
        database.upgrade()  # the shared PostgreSQL database stays at the head for the other tests
        if dialect == "sqlite":
            database.dispose()
