"""SQL storage beyond the contract suites: migrations, durability settings, use cases on SQLite and PostgreSQL,
crash safety and two processes (issue 6; checklist A1, B4, E6, F5, G3, J4, K3, K4)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from cyclades_adapters import build_portal
from cyclades_adapters.edge import personal_data_json
from cyclades_adapters.sql import SqlCatalogue, SqlDatabase
from cyclades_adapters.sql.database import VERSION_TABLE
from cyclades_adapters.sql.schema import metadata
from cyclades_core.errors import ConcurrencyConflict, EmailAlreadyUsed, IdentityFrozen, InvalidCredentials, InvalidLink
from cyclades_core.model.catalogue import Period, RegistrationService
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import ManualClock, PlainHasher, link_in, minimal_pdf, run_concurrently
from cyclades_core.usecases import AccountSettings
from tests.candidature_support import DURING, accrall_tabs, fill, guide_portal, open_second_session, register, signed_in
from tests.conftest import DOCUMENT_KEY, PASSWORD, form
from tests.sql_support import postgres_url, sql_database, sqlite_database  # noqa: F401 - the parametrized fixture
from tests.unit.test_modify_and_delete import identity_form

ROOT = Path(__file__).resolve().parents[2]


def test_migrating_up_from_empty_gives_the_models_and_down_removes_everything(sql_database: SqlDatabase) -> None:  # noqa: F811
    with sql_database.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": False, "version_table": VERSION_TABLE}),
            metadata,
        )
    assert diff == []
    sql_database.downgrade("base")
    assert set(inspect(sql_database.engine).get_table_names()) <= {"cyclades_alembic_version"}
    sql_database.upgrade()
    assert {t.name for t in metadata.sorted_tables} <= set(inspect(sql_database.engine).get_table_names())


def test_the_epreuves_migration_fills_the_rows_from_existing_candidatures(sql_database: SqlDatabase) -> None:  # noqa: F811
    portal = sql_portal(sql_database)
    candidature_id = register(portal, signed_in(portal))
    with portal.unit_of_work() as uow:
        before = uow.candidatures.epreuve_counts(session_id="BTS-2022", academie_codes=["03"])
    assert before != ()
    sql_database.downgrade("0003")
    sql_database.upgrade()
    with portal.unit_of_work() as uow:
        assert uow.candidatures.epreuve_counts(session_id="BTS-2022", academie_codes=["03"]) == before
    with sql_database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT count(*) FROM candidature_epreuves WHERE candidature_id = :id"), {"id": candidature_id}
        ).scalar()
    assert rows == sum(c.candidates for c in before)


def test_durability_settings_are_checked_at_start(sql_database: SqlDatabase) -> None:  # noqa: F811
    """J4: WAL and synchronous=FULL on SQLite; synchronous commits on PostgreSQL."""
    found = sql_database.check()
    if sql_database.dialect == "sqlite":
        assert found == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1}
    else:
        assert found["synchronous_commit"] != "off"


def sql_portal(database: SqlDatabase, clock: ManualClock | None = None):  # type: ignore[no-untyped-def]
    portal = guide_portal(clock or ManualClock(DURING), file_store=None)
    return build_portal(
        database.url, clock=portal.clock, hasher=PlainHasher(), settings=portal.accounts.settings,
        catalogue=portal.catalogue.catalogue, environ={}, document_key=DOCUMENT_KEY,
    )  # fmt: skip


def test_the_whole_journey_runs_on_sql(sql_database: SqlDatabase) -> None:  # noqa: F811
    portal = sql_portal(sql_database)
    token = signed_in(portal)
    candidature_id = register(portal, token)
    draft = fill(portal, portal.candidatures.edit(token, candidature_id), [None] * 7)
    assert portal.candidatures.save(token, draft).version == 2
    portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [minimal_pdf()])
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert (card.inscription_number, card.version, card.envelope) == ("001", 2, True)
    kinds = [m.kind for m in portal.outbox.pending()]
    assert kinds == [MailKind.ACTIVATION, MailKind.CANDIDATURE_SAVED, MailKind.CANDIDATURE_MODIFIED]


def test_the_right_of_access_export_reads_everything_back_from_sql(sql_database: SqlDatabase) -> None:  # noqa: F811
    """L3 on SQL: every version, the pièce, the documents and the audit records of the account."""
    portal = sql_portal(sql_database)
    token = signed_in(portal)
    candidature_id = register(portal, token)
    portal.candidatures.save(token, fill(portal, portal.candidatures.edit(token, candidature_id), [None] * 7))
    portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [minimal_pdf()])
    data = portal.accounts.export_my_data(token)
    assert [c.id for c in data.candidatures] == [candidature_id]
    assert [v.version for v in data.versions] == [1, 2]
    assert [p.code for p in data.pieces if p.file] == ["CINSIG01"]
    assert {d.kind for d in data.documents} >= {DocumentKind.CONFIRMATION}
    assert "authn_login_success" in {r.action for r in data.audit}
    assert '"CINSIG01"' in personal_data_json(data)


def test_32_concurrent_creations_of_one_email_give_one_account(sql_database: SqlDatabase) -> None:  # noqa: F811
    """A1 on SQL, through the use case."""
    portal = sql_portal(sql_database)
    portal = build_portal(
        sql_database.url, clock=portal.clock, hasher=PlainHasher(), environ={}, document_key=DOCUMENT_KEY,
        settings=AccountSettings(creations_per_hour=1000),
    )  # fmt: skip
    results = run_concurrently(lambda i: portal.accounts.create_account(form(email="same@exemple.fr")), 32)
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, EmailAlreadyUsed) for r in results if isinstance(r, BaseException))


def test_concurrent_uses_of_one_link_and_one_version(sql_database: SqlDatabase) -> None:  # noqa: F811
    """B4 / E6 / G3 on SQL: one activation, one reset, one save win; the others are refused cleanly."""
    portal = sql_portal(sql_database)
    token = signed_in(portal)
    portal.accounts.request_password_reset("accrall@ac-rennes.fr")
    reset = link_in([m for m in portal.outbox.pending() if m.kind is MailKind.PASSWORD_RESET][-1])
    results = run_concurrently(
        lambda i: portal.accounts.reset_password(reset, f"Mdp*{i:02d}Qzx", f"Mdp*{i:02d}Qzx"), 16
    )
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, InvalidLink) for r in results if r is not None)
    token = portal.accounts.login(
        "accrall@ac-rennes.fr", next(f"Mdp*{i:02d}Qzx" for i, r in enumerate(results) if r is None)
    ).session_token
    candidature_id = register(portal, token)
    draft = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
    saves = run_concurrently(lambda _: portal.candidatures.save(token, draft), 16)
    assert sum(not isinstance(r, BaseException) for r in saves) == 1
    assert all(isinstance(r, ConcurrencyConflict) for r in saves if isinstance(r, BaseException))


def test_sixteen_concurrent_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    """K4: BEGIN IMMEDIATE and a busy timeout serialise SQLite writers."""
    database = SqlDatabase(f"sqlite:///{tmp_path / 'k4.db'}")
    database.upgrade()
    portal = build_portal(
        database.url,
        hasher=PlainHasher(),
        environ={},
        settings=AccountSettings(creations_per_hour=1000),
        document_key=DOCUMENT_KEY,
    )
    results = run_concurrently(lambda i: portal.accounts.create_account(form(email=f"k{i}@exemple.fr")), 16)
    assert all(not isinstance(r, BaseException) for r in results), results


WRITER = """
import sys, uuid
from datetime import UTC, datetime, timedelta
from cyclades_adapters.sql import SqlCatalogue, SqlDatabase
from cyclades_core.model.mail import MailKind, OutboxMessage
database = SqlDatabase(sys.argv[1])
candidature_id = sys.argv[2]
print("ready", flush=True)
while True:
    with database.unit_of_work() as uow:
        current = uow.candidatures.get(candidature_id)
        nxt = current.modify(current.content, current.updated_at + timedelta(seconds=1))
        uow.candidatures.update(nxt)
        uow.outbox.add(OutboxMessage(uuid.uuid4().hex, MailKind.CANDIDATURE_MODIFIED, current.account_id,
                                     "a@exemple.fr", "s", "b", nxt.updated_at))
        uow.commit()
"""


@pytest.mark.slow
def test_forty_kills_mid_save_leave_a_consistent_database(tmp_path: Path) -> None:
    """K3 / J1: SIGKILL a writer 40 times; integrity_check ok, versions contiguous, one outbox row per version."""
    database = SqlDatabase(f"sqlite:///{tmp_path / 'crash.db'}")
    database.upgrade()
    portal = build_portal(
        database.url, hasher=PlainHasher(), environ={}, catalogue=sql_portal_catalogue(), document_key=DOCUMENT_KEY
    )
    token = signed_in(portal)
    with database.unit_of_work() as uow:  # a candidature to hammer, without the opening window
        from cyclades_core.testing import make_candidature

        account = uow.accounts.find_by_email("accrall@ac-rennes.fr")
        assert account is not None
        candidature = make_candidature(account)
        uow.candidatures.add(candidature)
        uow.commit()
    del token
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(40)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for _ in range(40):
        process = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(script), database.url, candidature.id], stdout=subprocess.PIPE, env=env
        )
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(rng.uniform(0.005, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with database.unit_of_work() as uow:
        stored = uow.candidatures.get(candidature.id)
        assert stored is not None
        versions = [c.version for c in uow.candidatures.history(candidature.id)]
        assert versions == list(range(1, stored.version + 1))
        modified = [m for m in uow.outbox.pending(1_000_000) if m.kind is MailKind.CANDIDATURE_MODIFIED]
        assert len(modified) == stored.version - 1
        assert stored.version > 1


def sql_portal_catalogue():  # type: ignore[no-untyped-def]
    return guide_portal().catalogue.catalogue


JOURNEY = """
import sys
from cyclades_adapters import build_portal
from cyclades_adapters.sql import SqlCatalogue, SqlDatabase
from cyclades_core.testing import PlainHasher, link_in
from cyclades_core.usecases import AccountSettings, CreateAccountForm
from tests.candidature_support import accrall_tabs, fill, identification
database = SqlDatabase(sys.argv[1])
portal = build_portal(sys.argv[1], hasher=PlainHasher(), environ={}, catalogue=SqlCatalogue(database),
                      document_key=b"tests-document-key-0123456789",
                      settings=AccountSettings(creations_per_hour=10_000))
prefix = sys.argv[2]
for i in range(int(sys.argv[3])):
    email = f"{prefix}{i}@exemple.fr"
    portal.accounts.create_account(CreateAccountForm(
        civility="Madame", birth_name="MARTIN", birth_name_confirmation="MARTIN", first_names="Zoé",
        birth_date="01/02/2003", birth_date_confirmation="01/02/2003", birth_country="99100",
        birth_departement="014", birth_commune="CAEN", email=email, email_confirmation=email,
        password="Tq9#mLpw", password_confirmation="Tq9#mLpw"))
    mail = [m for m in portal.outbox.pending(100000) if m.recipient == email][-1]
    portal.accounts.activate(link_in(mail))
    token = portal.accounts.login(email, "Tq9#mLpw").session_token
    tabs = accrall_tabs()
    tabs[1] = identification(email=email)
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    saved = portal.candidatures.save(token, draft)
    draft = fill(portal, portal.candidatures.edit(token, saved.candidature_id), [None] * 7)
    assert portal.candidatures.save(token, draft).version == 2
print("done", flush=True)
"""


@pytest.mark.slow
def test_two_processes_run_the_journey_against_one_postgresql() -> None:
    """Two OS processes, one PostgreSQL database, the full journey (account, candidature, modification): no error,
    no duplicate."""
    from tests.sql_support import postgres_database

    database = postgres_database()
    shipped = guide_portal().catalogue.catalogue
    now = datetime.now(UTC)
    session = shipped.session("BTS-2022")
    assert session is not None
    SqlCatalogue(database).load([
        *shipped.exams(), *shipped.academies(), session, *shipped.specialites("BTS", 2022), *shipped.categories(),
        *shipped.diplomas(), *shipped.pcs(), *shipped.nationalities(), *shipped.piece_rules("BTS-2022"),
        RegistrationService("BTS-2022", "03", Period(now - timedelta(days=1), now + timedelta(days=1))),
    ])  # fmt: skip
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    processes = [
        subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, "-c", JOURNEY, postgres_url(), prefix, "25"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd=ROOT,
        )
        for prefix in ("p", "q")
    ]  # fmt: skip
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
    with database.engine.connect() as connection:
        accounts = connection.execute(text("SELECT count(*), count(DISTINCT candidate_number) FROM accounts")).one()
        candidatures = connection.execute(text("SELECT count(*), sum(version) FROM candidatures")).one()
        versions = connection.execute(text("SELECT count(*) FROM candidature_versions")).scalar_one()
    assert tuple(accounts) == (50, 50)
    assert tuple(candidatures) == (50, 100)
    assert versions == 100


def test_ten_thousand_accounts_get_ten_thousand_distinct_numbers(sql_database: SqlDatabase) -> None:  # noqa: F811
    """A7 on SQL: numbers from the allocator, uniqueness backed by the database's constraint."""
    from attrs import evolve

    from cyclades_adapters.sql import SqlCandidateNumberAllocator
    from cyclades_core.model.values import CandidateNumber
    from cyclades_core.testing import make_account

    allocator = SqlCandidateNumberAllocator(sql_database)
    template = make_account()
    for batch in range(20):
        numbers = [CandidateNumber(allocator.allocate(2022)) for _ in range(500)]  # never inside a unit of work
        with sql_database.unit_of_work() as uow:
            for i, number in enumerate(numbers):
                uow.accounts.add(evolve(template, id=f"a{batch}-{i}", email=None, candidate_number=number))
            uow.commit()
    with sql_database.engine.connect() as connection:
        counts = connection.execute(text("SELECT count(*), count(DISTINCT candidate_number) FROM accounts")).one()
    assert tuple(counts) == (10_000, 10_000)


def test_deletion_racing_the_first_candidature_never_leaves_an_orphan(sql_database: SqlDatabase) -> None:  # noqa: F811
    """F5 on SQL: 2 threads × 30 trials → (no account, no candidature) or (account, candidature)."""
    from cyclades_core.testing import make_candidature

    portal = sql_portal(sql_database)
    for trial in range(30):
        email = f"race{trial}@exemple.fr"
        token = signed_in(portal, email=email)
        with sql_database.unit_of_work() as uow:
            account = uow.accounts.find_by_email(email)
        assert account is not None

        def act(i: int, token: str = token, account=account) -> object:  # type: ignore[no-untyped-def]
            if i == 0:
                return portal.accounts.delete_account(token)
            with sql_database.unit_of_work() as uow:
                uow.candidatures.add(make_candidature(account))
                uow.commit()
            return None

        run_concurrently(act, 2)
        with sql_database.unit_of_work() as uow:
            exists = uow.accounts.get(account.id) is not None
            attached = uow.candidatures.has_any(account.id)
        assert (exists, attached) in ((False, False), (True, True))


@pytest.mark.rule("ACC-11")
def test_an_identity_change_racing_the_first_save_never_leaves_two_identities(sql_database: SqlDatabase) -> None:  # noqa: F811
    """ACC-11 on SQL: 2 threads × 20 trials. Either the change came first (the candidature carries it) or the save
    did (IdentityFrozen): the candidature's identity is always the account's."""
    portal = sql_portal(sql_database)
    for trial in range(20):
        email = f"identity{trial}@exemple.fr"
        token = signed_in(portal, email=email)
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        change = identity_form(first_names="Jack")

        def act(i: int, token: str = token, draft=draft) -> object:  # type: ignore[no-untyped-def]
            if i == 0:
                return portal.accounts.update_identity(token, change)
            return portal.candidatures.save(token, draft)

        results = run_concurrently(act, 2)
        assert not isinstance(results[1], BaseException), results[1]
        assert not isinstance(results[0], BaseException) or isinstance(results[0], IdentityFrozen), results[0]
        account = portal.accounts.account(token)
        [card] = portal.candidatures.mes_inscriptions(token).cards
        with sql_database.unit_of_work() as uow:
            candidature = uow.candidatures.get(card.candidature_id)
        assert candidature is not None
        assert candidature.identity == account.identity


def pooled_backends(database: SqlDatabase, count: int = 4) -> list[int]:
    """Fill the pool with ``count`` connections and return their server processes' ids."""
    held = [database.unit_of_work().__enter__() for _ in range(count)]
    pids = [int(uow.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()) for uow in held]
    for uow in held:
        uow.__exit__(None, None, None)
    return pids


def terminate(pids: list[int]) -> None:
    """Kill these PostgreSQL server processes and wait until they are gone (termination is asynchronous)."""
    admin = SqlDatabase(postgres_url())
    try:
        with admin.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                               {"pids": pids})  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with admin.engine.connect() as connection:
                alive = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(CAST(:pids AS int[]))"), {"pids": pids}
                ).scalar()
            if not alive:
                return
            time.sleep(0.01)
    finally:
        admin.dispose()


def test_a_postgresql_restart_costs_one_failed_unit_of_work_on_the_hot_path() -> None:
    """E6: the pooled connections die with their server processes; the first unit of work reports
    StorageUnavailable and the pool replaces every connection opened before, so the next ones work."""
    from cyclades_core.errors import StorageUnavailable

    database = SqlDatabase(postgres_url())
    try:
        terminate(pooled_backends(database))
        with pytest.raises(StorageUnavailable), database.unit_of_work() as uow:
            uow.candidatures.get("missing")  # a prepared statement
        for _ in range(5):
            with database.unit_of_work() as uow:
                assert uow.candidatures.get("missing") is None
        terminate(pooled_backends(database))
        with pytest.raises(StorageUnavailable), database.unit_of_work() as uow:
            uow.accounts.find_by_email("missing@exemple.fr")  # a statement through SQLAlchemy
        for _ in range(5):
            with database.unit_of_work() as uow:
                assert uow.accounts.find_by_email("missing@exemple.fr") is None
    finally:
        database.dispose()


@pytest.mark.rule("ACC-11")
def test_a_new_candidature_waits_for_an_identity_correction_in_progress(sql_database: SqlDatabase) -> None:  # noqa: F811
    """MGR-04 / ACC-11: while a manager corrects an identity (the account locked), a first save elsewhere waits, then
    carries the corrected identity; the manager's académie check saw every candidature."""
    import threading

    from cyclades_core.usecases.management import Manager

    portal = sql_portal(sql_database)
    token = signed_in(portal)
    candidature_id = register(portal, token)  # Besançon (03)
    elsewhere = fill(portal, portal.candidatures.start(token, open_second_session(portal), "10"), accrall_tabs())
    saver = threading.Thread(target=lambda: portal.candidatures.save(token, elsewhere))
    management = portal.management
    factory = management._uow

    def unit_of_work():  # type: ignore[no-untyped-def]
        uow = factory()
        listed = uow.candidatures.for_account

        def for_account(account_id: str):  # type: ignore[no-untyped-def]
            found = listed(account_id)
            saver.start()  # the candidate saves in Lyon now…
            saver.join(timeout=1.0)
            assert saver.is_alive()  # …and waits for the correction's transaction
            return found

        uow.candidatures.for_account = for_account
        return uow

    management._uow = unit_of_work
    correction = identity_form(birth_name="ACCRALL", birth_name_confirmation="ACCRALL", first_names="Dack Louis")
    management.correct_identity(Manager("gest-besancon", ("03",)), candidature_id, correction, "Courrier du 12/11")
    management._uow = factory
    saver.join(timeout=30)
    account = portal.accounts.account(token)
    with sql_database.unit_of_work() as uow:
        identities = {c.academie_code: c.identity for c in uow.candidatures.for_account(account.id)}
    assert account.identity.first_names == "Dack Louis"
    assert identities == {"03": account.identity, "10": account.identity}


#: Every column the SQL schema may hold (L1, data minimisation): a new column is a decision, made here on purpose.
ALLOWED_COLUMNS = {
    "accounts": {"id", "kind", "state", "candidate_number", "email_display", "email_key", "login", "password_hash",
                 "identity", "created_at", "activation_deadline", "activated_at", "must_change_password",
                 "initial_password_expires_at", "establishment_code", "version"},
    "audit": {"seq", "at", "action", "actor", "account_id", "details"},
    "catalogue_items": {"kind", "key", "seq", "data"},
    "catalogue_revision": {"id", "revision"},
    "number_allocator": {"year", "next_value"},
    "outbox": {"seq", "id", "kind", "account_id", "recipient", "subject", "body", "created_at", "sent_at", "attempts",
               "next_attempt_at", "claimed_until", "last_error", "dead_at"},
    "throttle_events": {"seq", "key", "at"},
    "throttle_failures": {"key", "failures", "last_failure"},
    "candidatures": {"id", "account_id", "inscription_number", "session_id", "academie_code", "specialite_code",
                     "state", "version", "identity", "content", "created_at", "updated_at"},
    "tokens": {"digest", "purpose", "account_id", "issued_at", "expires_at", "used_at", "last_used_at"},
    "candidature_epreuves": {"candidature_id", "seq", "code", "option", "position", "mode"},
    "candidature_versions": {"candidature_id", "version", "snapshot"},
    "documents": {"candidature_id", "kind", "version", "updated_at", "published_by", "seen_at"},
    "pieces": {"candidature_id", "code", "seq", "data", "version"},
    "managers": {"login", "name", "academie_codes", "password_hash", "created_at", "disabled_at", "version"},
    "manager_sessions": {"digest", "login", "issued_at", "expires_at", "last_used_at"},
}  # fmt: skip


def test_the_schema_holds_only_the_allowed_columns_and_no_secret_in_clear(tmp_path: Path) -> None:
    """L1: the columns are the listed ones; after sign-ups, failed logins (known and unknown addresses), a reset and
    a save, no table holds the password, a session or reset token, or a typed address outside its account and its
    mails. Mails waiting in the outbox hold their links until sent: that is what they are for."""
    assert {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables} == ALLOWED_COLUMNS
    database = sqlite_database(tmp_path)
    portal = sql_portal(database)
    token = signed_in(portal)
    register(portal, token)
    for identifier in ("accrall@ac-rennes.fr", "inconnu.typed@exemple.fr"):
        with pytest.raises(InvalidCredentials):
            portal.accounts.login(identifier, "Wrong*Pass9")
    portal.accounts.request_password_reset("inconnu.reset@exemple.fr")
    portal.accounts.request_password_reset("accrall@ac-rennes.fr")
    reset_token = link_in([m for m in portal.outbox.pending() if m.kind is MailKind.PASSWORD_RESET][-1]).split("=")[-1]
    dump: dict[str, str] = {}
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(table.select()).all()
            dump[table.name] = repr(rows)
    outside_outbox = " ".join(text for name, text in dump.items() if name != "outbox")
    for secret in (PASSWORD, "Wrong*Pass9", token, reset_token):
        assert secret not in outside_outbox
    assert PASSWORD not in dump["outbox"]
    assert token not in dump["outbox"]
    for typed in ("inconnu.typed@exemple.fr", "inconnu.reset@exemple.fr"):
        assert typed not in outside_outbox
    portal.relay.run_until_idle()  # delivered mails keep no body, so no link either
    with database.engine.connect() as connection:
        assert reset_token not in repr(connection.execute(metadata.tables["outbox"].select()).all())
        assert connection.execute(text("SELECT count(*) FROM throttle_events")).scalar_one() > 0
    portal.clock.advance(days=1, seconds=1)  # type: ignore[attr-defined]
    portal.accounts.purge_unactivated()  # the housekeeping run also forgets the stale throttling counters
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM throttle_events")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM throttle_failures")).scalar_one() == 0
    database.dispose()


def test_the_start_up_check_reads_while_another_process_writes(tmp_path: Path) -> None:
    """J4's check takes no write lock: a SQLite file held by a writer is checked at once (not after the busy
    timeout)."""
    import sqlite3

    database = sqlite_database(tmp_path)
    writer = sqlite3.connect(str(tmp_path / "cyclades.db"), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert database.check() == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1}
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        database.dispose()


@pytest.mark.rule("DOC-06")
def test_a_stored_document_of_a_kind_no_longer_printed_is_left_unread(sql_database: SqlDatabase) -> None:  # noqa: F811
    """0.1 published stub convocations, relevés and notifications (issue 17: « No stub may remain »): their rows stay
    in ``documents`` but "Mes documents" lists only the kinds this version prints, and nothing fails reading them."""
    portal = sql_portal(sql_database)
    token = signed_in(portal)
    candidature_id = register(portal, token)
    with sql_database.engine.begin() as connection:
        for kind in ("CONVOCATION", "RELEVE_NOTES", "AMENAGEMENTS"):
            connection.execute(
                text("INSERT INTO documents (candidature_id, kind, version, updated_at, published_by) "
                     "VALUES (:c, :k, 1, :t, 'manager:old')"),
                {"c": candidature_id, "k": kind, "t": DURING},
            )  # fmt: skip
    kinds = [d.kind for d in portal.candidatures.documents(token, candidature_id)]
    assert kinds == [DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES]
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert card.envelope is True
