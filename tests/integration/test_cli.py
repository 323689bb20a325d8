"""The ``cyclades`` command line through click's runner and as a real subprocess, error paths included (issue 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyclades_adapters.cli import cli, main
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.verification import DocumentSigner
from tests.sql_support import sql_database  # noqa: F401 - the parametrized fixture

ROOT = Path(__file__).resolve().parents[2]


COMMANDS = (
    [], ["demo"], ["db"], ["db", "upgrade"], ["db", "current"], ["db", "history"], ["purge"], ["outbox"],
    ["outbox", "relay"], ["outbox", "failed"], ["reminders"], ["catalogue"], ["catalogue", "check"], ["document"],
    ["document", "verify"],
)  # fmt: skip


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_is_everywhere(runner: CliRunner) -> None:
    for args in COMMANDS:
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Utilisation :" in result.output


def test_the_demo_plays_the_guide_and_leaves_its_pdfs_and_mails(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Préinscription de dupont.marie1 validée" in result.output
    pdfs = sorted(p.name for p in (tmp_path / "demo" / "pdf").glob("*.pdf"))
    assert len(pdfs) == 4
    assert any(name.startswith("recapitulatif-") for name in pdfs)
    mails = list((tmp_path / "demo" / "mails").glob("*.eml"))
    assert {p.name.split("-")[2] for p in mails} >= {"activation", "candidature_saved", "withdrawal"}
    again = runner.invoke(cli, ["demo", "--dir", str(tmp_path / "demo")])  # re-running starts over cleanly
    assert again.exit_code == 0, again.output
    assert len(list((tmp_path / "demo" / "pdf").glob("*.pdf"))) == 4


def test_operator_commands_on_a_sqlite_database(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    assert runner.invoke(cli, ["db", "upgrade", "--database-url", url]).exit_code == 0
    purge = runner.invoke(cli, ["purge", "--database-url", url])
    assert (purge.exit_code, "effacés : 0" in purge.output) == (0, True)
    relay = runner.invoke(cli, ["outbox", "relay", "--database-url", url, "--eml-dir", str(tmp_path / "eml")])
    assert relay.exit_code == 0, relay.output
    assert "Envoyés : 0" in relay.output
    reminders = runner.invoke(cli, ["reminders", "--database-url", url, "--days", "3"])
    assert reminders.exit_code == 0, reminders.output


def test_catalogue_check_names_the_file_and_the_key(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[[session]]\nid = "S"\nexam_code = "BTS"\nlabel = "BTS 2030"\nyear = 2030\nmonth = 6\n', encoding="utf-8"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[session]]\nid = "S"\nexam_code = "BTS"\nlabel = "BTS 2030"\nyear = "2030"\nmonth = 6\n', encoding="utf-8"
    )
    assert main(["catalogue", "check", str(good)]) == 0
    assert main(["catalogue", "check", str(bad)]) == 1  # a failed check
    assert main(["catalogue", "check", str(tmp_path / "absent.toml")]) == 2  # usage: no such file


def test_document_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYCLADES_DOCUMENT_KEY", "a-secret-of-at-least-16")
    code = DocumentSigner(b"a-secret-of-at-least-16").code(DocumentKind.CONFIRMATION, "02141027040", "001", 1)
    base = ["document", "verify", code, "--candidate", "02141027040", "--inscription", "001"]
    assert main([*base, "--version", "1"]) == 0
    assert main([*base, "--version", "2"]) == 1
    monkeypatch.delenv("CYCLADES_DOCUMENT_KEY")
    assert main([*base, "--version", "1"]) == 5  # configuration


def test_bad_arguments_and_an_unreachable_database_give_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CYCLADES_DATABASE_URL", raising=False)
    assert main(["purge"]) == 2  # no URL: usage
    assert main(["purge", "--database-url", "redis://x"]) == 5  # configuration
    assert main(["purge", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1"]) == 3
    assert main(["outbox", "relay", "--database-url", "sqlite:///x.db"]) == 2  # neither SMTP nor folder
    assert main(["no-such-command"]) == 2


def test_the_real_executable(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ok = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "cyclades_adapters.cli", "demo", "--dir", str(tmp_path / "d")],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "Démonstration terminée" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "cyclades_adapters.cli", "purge", "--database-url", "ftp://nowhere"],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 5
    assert "storage_url / CYCLADES_DATABASE_URL" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.rule("J2")
def test_outbox_relay_exits_1_when_a_mail_failed_and_outbox_failed_lists_it_without_the_address(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue 15, item 8: a failure is no longer silent: exit code 1, and the operator lists the dead letter."""
    from aiosmtpd.controller import Controller

    from cyclades_adapters.sql import SqlDatabase
    from cyclades_core.model.mail import MailKind, OutboxMessage
    from tests.conftest import T0
    from tests.integration.test_relay import REFUSED, Server, free_port

    url = f"sqlite:///{tmp_path / 'relay.db'}"
    database = SqlDatabase(url)
    database.upgrade()
    with database.unit_of_work() as uow:
        for n, recipient in enumerate(("premier@exemple.fr", REFUSED)):
            uow.outbox.add(OutboxMessage(f"m{n}", MailKind.ACTIVATION, None, recipient, "s", "b", T0))
        uow.commit()
    handler, port = Server(rcpt_reply="550 5.1.1 <{address}>: unknown"), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--smtp-timeout", "5"]
    try:
        relay = runner.invoke(cli, ["outbox", "relay", "--database-url", url, *smtp])
        again = runner.invoke(cli, ["outbox", "relay", "--database-url", url, *smtp])
    finally:
        controller.stop()
    assert relay.exit_code == 1, relay.output
    assert "Envoyés : 1 ; en échec : 1" in relay.output
    assert "abandonnés : 1" in relay.output
    assert (again.exit_code, "Envoyés : 0 ; en échec : 0" in again.output) == (0, True)  # a dead letter stays dead
    listed = runner.invoke(cli, ["outbox", "failed", "--database-url", url])
    assert listed.exit_code == 0, listed.output
    assert "Mails en échec : 1" in listed.output
    assert "m1" in listed.output
    assert "smtp 550 5.1.1" in listed.output
    assert "abandonné" in listed.output
    assert "refuse.moi" not in listed.output
    database.dispose()


@pytest.mark.rule("B7")
def test_purge_cleans_the_database_files_after_erasing(runner: CliRunner, sql_database: SqlDatabase) -> None:  # noqa: F811
    """SQLite: the WAL, which held the rows as written, is emptied; PostgreSQL: the tables are vacuumed."""
    from sqlalchemy import text

    purge = runner.invoke(cli, ["purge", "--database-url", sql_database.url])
    assert purge.exit_code == 0, purge.output
    assert "Nettoyage de la base" in purge.output
    if sql_database.dialect == "sqlite":
        wal = Path(f"{sql_database.engine.url.database}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    else:
        with sql_database.engine.connect() as connection:
            vacuumed = connection.execute(
                text("SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('accounts', 'outbox', 'audit') "
                     "AND last_vacuum IS NOT NULL")
            ).scalar_one()  # fmt: skip
        assert vacuumed == 3
