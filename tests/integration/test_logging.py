"""Logging (issue 16): the library's events on ``cyclades.*`` loggers with structured ``extra`` fields, and never a
personal datum or a secret (C7, L1) — checked by scanning every captured record after a full journey."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.cli.logs import library_warnings_on_stderr
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.observability import audit_extra, log_storage_opened, logging_unit_of_work
from cyclades_core.errors import CandidatureNotFound, InvalidCredentials, ValidationError
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import ManualClock, link_in, minimal_pdf
from cyclades_core.testing.contracts import StorageContract
from cyclades_core.usecases.management import Manager
from tests.candidature_support import DURING, accrall_tabs, guide_portal, identification, register, replace
from tests.conftest import activation_token, form

EMAIL = "Philibert.Zygomatique@Exemple-Unique.fr"
OTHER_EMAIL = "Zephyrine.Quetzal@Autre-Unique.fr"
BIRTH_NAME, FIRST_NAMES, USAGE_NAME = "ZYGOMATIQUE", "Philibert Anatole", "QUINCAMPOIX"
BIRTH_DATE = "17/03/2003"
PASSWORDS = ("Vol*Plane7x", "Xyl0phone!Bleu", "Mauvais#Mot9", "Autre*Passe4q")
MANAGER = Manager("gestionnaire.secret@ac-besancon.fr", ("03",))
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def forbidden_texts(tokens: list[str]) -> list[str]:
    """Everything no log record may contain, lower-cased (the scan is case-insensitive)."""
    dates = ("17/03/2003", "2003-03-17", "17032003", "20030317", "17.03.2003", "17-03-2003", "2003/03/17")
    names = (BIRTH_NAME, USAGE_NAME, "Philibert", "Anatole", "Zephyrine", "Quetzal")
    texts = [EMAIL, OTHER_EMAIL, "exemple-unique", MANAGER.id, *names, *dates, *PASSWORDS, *tokens]
    return [text.lower() for text in texts]


def journey(portal: Portal, clock: ManualClock) -> list[str]:
    """Sign-up, activation, failed and good logins, forgotten password, candidature, uploads (one refused), a
    manager's acts with a free-text reason naming the candidate, a refused access, withdrawal, a second account
    deleted. Returns every token the journey handled."""
    tokens: list[str] = []
    accounts = portal.accounts
    created = accounts.create_account(
        form(email=EMAIL, birth_name=BIRTH_NAME, first_names=FIRST_NAMES, usage_name=USAGE_NAME,
             birth_date=BIRTH_DATE, password=PASSWORDS[0])
    )  # fmt: skip
    tokens.append(activation_token(portal))
    accounts.activate(tokens[-1])
    for identifier, password in ((EMAIL, PASSWORDS[2]), ("inconnu." + EMAIL, PASSWORDS[2])):
        with pytest.raises(InvalidCredentials):
            accounts.login(identifier, password, source="203.0.113.7")
    tokens.append(accounts.login(EMAIL.upper(), PASSWORDS[0]).session_token)
    accounts.request_password_reset(EMAIL)
    tokens.append(link_in([m for m in portal.outbox.pending(100) if m.kind is MailKind.PASSWORD_RESET][-1]))
    accounts.reset_password(tokens[-1], PASSWORDS[1], PASSWORDS[1])
    session = accounts.login(created.candidate_number, PASSWORDS[1]).session_token
    tokens.append(session)

    tabs = replace(accrall_tabs(), 1, email=EMAIL, street="12 rue Zygomatique")
    assert tabs[1] != identification()
    candidature_id = register(portal, session, tabs)
    portal.pieces.upload(session, candidature_id, "CINSIG01", f"{BIRTH_NAME} confirmation.pdf", [minimal_pdf()])
    with pytest.raises(ValidationError):
        portal.pieces.upload(
            session, candidature_id, "RELNOT01", f"{BIRTH_NAME}.pdf",
            [minimal_pdf(more=[b"<< /Length 68 >>\nstream\n" + EICAR + b"\nendstream"])],
        )  # fmt: skip
    portal.pieces.delete_file(session, candidature_id, "CINSIG01")
    portal.management.set_aside(MANAGER, candidature_id, f"Doublon de {BIRTH_NAME} Philibert, né le {BIRTH_DATE}")
    portal.management.reinstate(MANAGER, candidature_id, f"Erreur : {EMAIL} est bien le candidat")

    other = accounts.create_account(
        form(email=OTHER_EMAIL, birth_name="QUETZAL", first_names="Zephyrine", password=PASSWORDS[3])
    )
    tokens.append(activation_token(portal))
    accounts.activate(tokens[-1])
    other_session = accounts.login(other.email, PASSWORDS[3]).session_token
    tokens.append(other_session)
    with pytest.raises(CandidatureNotFound):
        portal.candidatures.withdraw(other_session, candidature_id, confirmed=True)
    portal.candidatures.withdraw(session, candidature_id, confirmed=True)
    accounts.delete_account(other_session)
    portal.relay.run_until_idle()
    return tokens


@pytest.mark.rule("L1")
@pytest.mark.rule("C7")
def test_a_full_journey_logs_its_events_and_no_personal_datum_or_secret(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(DURING)
    caplog.set_level(logging.DEBUG, logger="cyclades")
    portal = guide_portal(clock)
    tokens = journey(portal, clock)

    records = [r for r in caplog.records if r.name.startswith("cyclades")]
    actions = [getattr(r, "action", None) for r in records if r.name == "cyclades.audit"]
    for expected in ("account_created", "account_activated", "authn_login_fail", "authn_login_success",
                     "password_reset_requested", "password_reset", "upload_complete", "upload_validation",
                     "upload_delete", "authz_fail", "candidature_withdrawn", "account_deleted"):  # fmt: skip
        assert expected in actions, expected
    assert {r.name for r in records} >= {"cyclades.audit", "cyclades.storage"}
    levels = {getattr(r, "action", None): r.levelno for r in records}
    assert levels["authn_login_fail"] == levels["authz_fail"] == logging.WARNING
    assert levels["account_created"] == logging.INFO
    refused = [r for r in records if getattr(r, "details", {}).get("virusscan") == "FAILED"]
    assert refused
    assert refused[0].levelno == logging.WARNING
    failures = [r for r in records if getattr(r, "action", None) == "authn_login_fail"]
    assert {r.details["reason"] for r in failures} == {"password", "unknown"}  # type: ignore[attr-defined]
    for record in records:  # every record says when, in UTC, and whose account (a random id) when there is one
        if record.name == "cyclades.audit":
            assert datetime.fromisoformat(record.at).tzinfo == UTC  # type: ignore[attr-defined]

    forbidden = forbidden_texts(tokens)
    assert len(tokens) == 6
    assert all(len(token) >= 20 for token in tokens)
    for record in records:
        seen = " ".join([record.getMessage(), repr(record.args), *(repr(v) for v in vars(record).values())]).lower()
        leaked = [text for text in forbidden if text in seen]
        assert not leaked, (record.name, record.getMessage(), leaked)


def test_a_rolled_back_audit_record_is_not_logged_and_a_committed_one_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="cyclades.audit")
    factory = logging_unit_of_work(MemoryDatabase().unit_of_work)
    assert logging_unit_of_work(factory) is factory
    at = datetime(2021, 11, 15, tzinfo=UTC)
    with factory() as uow:
        uow.audit.append(AuditRecord.of(at, "ghost", "system", "acc-1"))
    with factory() as uow:
        uow.audit.append(AuditRecord.of(at, "rolled_back", "system", "acc-1"))
        uow.rollback()
        uow.audit.append(AuditRecord.of(at, "authz_fail", "manager:someone@example.fr", "acc-1", target="c-1"))
        uow.commit()

    def failing() -> None:
        with factory() as uow:
            uow.audit.append(AuditRecord.of(at, "failed", "system", "acc-1"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    assert [(r.action, r.actor_kind, r.levelno) for r in caplog.records] == [  # type: ignore[attr-defined]
        ("authz_fail", "manager", logging.WARNING)
    ]
    with factory() as uow:
        assert [r.action for r in uow.audit.for_account("acc-1")] == ["authz_fail"]


def test_free_text_and_unknown_details_are_left_out() -> None:
    at = datetime(2021, 11, 15, tzinfo=UTC)
    record = AuditRecord.of(at, "candidature_set_aside", "manager:m@x.fr", "acc-1", candidature="c-1",
                            reason="doublon", comment="illisible", email="a@b.fr", from_state="ACTIVE")  # fmt: skip
    assert audit_extra(record) == {
        "action": "candidature_set_aside",
        "actor_kind": "manager",
        "account_id": "acc-1",
        "at": "2021-11-15T00:00:00+00:00",
        "details": {"candidature": "c-1", "from_state": "ACTIVE"},
    }
    login = AuditRecord.of(at, "authn_login_fail", "anonymous", None, reason="password")
    assert audit_extra(login)["details"] == {"reason": "password"}
    spaced = AuditRecord.of(at, "upload_validation", "candidate:a", "a", piece="CINSIG01", virusscan="FAILED x y")
    assert audit_extra(spaced)["details"] == {"piece": "CINSIG01"}


class TestLoggedMemoryStorage(StorageContract):
    """The logging wrapper is transparent: the wrapped memory storage still passes the whole storage contract."""

    @pytest.fixture
    def uow_factory(self) -> object:
        return logging_unit_of_work(MemoryDatabase().unit_of_work)


@pytest.mark.rule("L1")
def test_the_storage_is_logged_by_its_scheme_alone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cyclades.storage")
    log_storage_opened("postgresql+psycopg://cyclades:s3cr3t-Passw0rd@db.interne:5432/cyclades")
    [record] = caplog.records
    assert record.storage_scheme == "postgresql+psycopg"  # type: ignore[attr-defined]
    seen = repr(vars(record)) + record.getMessage()
    assert "s3cr3t" not in seen
    assert "db.interne" not in seen


# -- no handler of the library's own (integrator review, finding 7) ------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
FAILED_LOGIN = """
from cyclades_adapters import build_portal
from cyclades_core.errors import InvalidCredentials
from cyclades_core.testing import PlainHasher
portal = build_portal(hasher=PlainHasher(), environ={})
try:
    portal.sessions.login("personne@exemple.fr", "Mauvais*Passe9")
except InvalidCredentials:
    print("refused")
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter, whose logging nobody configured (pytest's handlers are not there)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip


def test_a_host_that_configured_no_logging_gets_nothing_on_stderr_and_one_that_did_gets_every_record() -> None:
    """The ``cyclades`` logger has a NullHandler: without it Python's last-resort handler printed every WARNING (here
    ``audit authn_login_fail (anonymous)``) on the stderr of a host that had configured no logging."""
    quiet = _python(FAILED_LOGIN)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "refused\n", "")
    routed = _python(
        "import logging\nlogging.basicConfig(format='%(name)s %(levelname)s %(message)s')\n" + FAILED_LOGIN
    )
    assert routed.returncode == 0, routed.stderr
    assert routed.stderr.splitlines() == ["cyclades.audit WARNING audit authn_login_fail (anonymous)"]
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("cyclades").handlers)


RELAY_FAILS = """
import sys
from datetime import UTC, datetime
from cyclades_adapters.cli import main
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.model.mail import MailKind, OutboxMessage
database = SqlDatabase(sys.argv[1])
database.upgrade()
with database.unit_of_work() as uow:
    uow.outbox.add(OutboxMessage("m0", MailKind.ACTIVATION, None, "a@exemple.fr", "s", "b", datetime(2021, 1, 1, tzinfo=UTC)))
    uow.commit()
database.dispose()
sys.exit(main(["outbox", "relay", "--database-url", sys.argv[1], "--smtp-host", "127.0.0.1", "--smtp-port", "1",
               "--smtp-security", "none", "--smtp-timeout", "2"]))
"""


def test_the_cyclades_command_still_shows_the_library_s_warnings_on_stderr(tmp_path: Path) -> None:
    """The command is an application: it routes the ``cyclades`` warnings to stderr itself (``cli/logs.py``), as the
    last-resort handler did before the NullHandler — a mail to retry here; the web errors and audit warnings under
    ``cyclades serve``, whose workers inherit the handler."""
    relay = _python(RELAY_FAILS, f"sqlite:///{tmp_path / 'relay.db'}")
    assert relay.returncode == 1, relay.stderr
    warning, summary = relay.stderr.splitlines()
    assert warning.startswith("mail m0 (activation) to retry after attempt 1: "), warning  # e.g. ConnectionRefusedError
    assert summary == "Des envois ont échoué : voir « cyclades outbox failed »."


def test_the_command_s_handler_only_stands_in_for_a_missing_configuration_and_goes_with_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, library = logging.getLogger(), logging.getLogger("cyclades")
    before = list(library.handlers)
    monkeypatch.setattr(root, "handlers", [])  # a process that configured no logging (pytest's handlers set aside)
    with library_warnings_on_stderr():
        logging.getLogger("cyclades.mail.relay").warning("mail m0 (activation) to retry")
        logging.getLogger("cyclades.audit").info("audit account_created")  # under WARNING: not shown, as before
    assert library.handlers == before
    assert capsys.readouterr().err == "mail m0 (activation) to retry\n"
    monkeypatch.setattr(root, "handlers", [logging.NullHandler()])  # a process that configured its logging
    with library_warnings_on_stderr():
        assert library.handlers == before  # the records go where it routes them
