"""The ``cyclades`` command line through click's runner and as a real subprocess, error paths included (issue 9)."""

from __future__ import annotations

import json
import os
import sqlite3
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


COMMANDS: tuple[list[str], ...] = (
    [], ["demo"], ["db"], ["db", "upgrade"], ["db", "current"], ["db", "history"], ["purge"], ["outbox"],
    ["outbox", "relay"], ["outbox", "failed"], ["reminders"], ["catalogue"], ["catalogue", "check"], ["document"],
    ["document", "verify"], ["serve"], ["manager"], ["manager", "add"], ["manager", "list"], ["manager", "disable"],
    ["manager", "password"],
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
    assert len(pdfs) == 5
    assert any(name.startswith("recapitulatif-") for name in pdfs)
    assert any(name.endswith("-non-enregistre.pdf") for name in pdfs)  # printed before saving (CAN-17)
    assert "Statut : Non conforme" in result.output  # the mistaken Conforme corrected (JUS-07)
    mails = list((tmp_path / "demo" / "mails").glob("*.eml"))
    assert {p.name.split("-")[2] for p in mails} >= {"activation", "candidature_saved", "withdrawal"}
    again = runner.invoke(cli, ["demo", "--dir", str(tmp_path / "demo")])  # re-running starts over cleanly
    assert again.exit_code == 0, again.output
    assert len(list((tmp_path / "demo" / "pdf").glob("*.pdf"))) == 5


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


@pytest.mark.rule("DOC-05")
def test_catalogue_check_fails_on_an_academie_without_a_printable_contact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document must never print a placeholder: a session opening a service in an académie without a sourced
    contact (Lyon ships none) fails the check, naming the académie; one in Reims (the guide's contact) passes."""
    session = '[[session]]\nid = "S"\nexam_code = "BTS"\nlabel = "BTS 2030"\nyear = 2030\nmonth = 6\n'
    service = '[[service]]\nsession_id = "S"\nacademie_code = "{}"\nperiod = {{ start = "01/11/2029 08:00", end = "29/11/2029 18:00" }}\n'
    lyon, reims = tmp_path / "lyon.toml", tmp_path / "reims.toml"
    lyon.write_text(session + service.format("10"), encoding="utf-8")
    reims.write_text(session + service.format("19"), encoding="utf-8")
    assert main(["catalogue", "check", str(reims)]) == 0
    capsys.readouterr()
    assert main(["catalogue", "check", str(lyon)]) == 1
    assert "LYON" in capsys.readouterr().err


@pytest.mark.rule("DOC-05")
def test_every_shipped_example_catalogue_passes_catalogue_check(capsys: pytest.CaptureFixture[str]) -> None:
    """The example catalogues (getting-started's, the one ``cyclades serve --demo`` loads) open services only in
    académies whose contact can be printed: a candidate who registers there gets a confirmation."""
    from datetime import UTC, datetime

    from cyclades_adapters.cli.serve import demo_catalogue
    from cyclades_adapters.files import example_catalogue_path
    from cyclades_core.usecases.service_contact import unprintable_contacts

    examples = sorted(example_catalogue_path().parent.glob("*.toml"))
    assert example_catalogue_path() in examples
    for example in examples:
        assert main(["catalogue", "check", str(example)]) == 0, capsys.readouterr().err
        assert capsys.readouterr().err == ""
    assert unprintable_contacts(demo_catalogue(datetime.now(UTC))) == ()


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


# -- issue 16: the CLI as an operator expects -------------------------------------------------------------------------


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real executable in a fresh interpreter (as an operator runs it)."""
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "cyclades_adapters.cli", *args], capture_output=True, text=True, check=False,
        timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
    )  # fmt: skip


def _migrated(tmp_path: Path, name: str = "ops.db") -> str:
    url = f"sqlite:///{tmp_path / name}"
    database = SqlDatabase(url)
    database.upgrade()
    database.dispose()
    return url


STORAGE_COMMANDS = (["purge"], ["reminders"], ["outbox", "failed"], ["outbox", "relay", "--eml-dir", "eml"])


@pytest.mark.parametrize("command", STORAGE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_sqlite_file_is_not_migrated_exit_4_and_is_not_created(command: list[str], tmp_path: Path) -> None:
    """Issue 16: purge, reminders and relay created the file as a side effect and said the same as for a database
    that cannot be reached."""
    absent = tmp_path / "absent.db"
    assert main([*command, "--database-url", f"sqlite:///{absent}"]) == 4
    assert not absent.exists()
    assert not any(tmp_path.iterdir()) or not list(tmp_path.glob("absent.db*"))


@pytest.mark.parametrize("command", STORAGE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unmigrated_database_exit_4_and_an_unreachable_one_exit_3_with_different_lines(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert main([*command, "--database-url", f"sqlite:///{empty}"]) == 4
    not_migrated = capsys.readouterr().err
    assert main([*command, "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1"]) == 3
    unreachable = capsys.readouterr().err
    assert "storage_not_migrated" in not_migrated
    assert "cyclades db upgrade" in not_migrated
    assert "storage_unavailable" in unreachable
    assert not_migrated != unreachable


def test_a_database_at_an_older_revision_is_not_migrated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = SqlDatabase(url)
    database.upgrade("0005")
    database.dispose()
    assert main(["purge", "--database-url", url]) == 4
    assert "révision 0005" in capsys.readouterr().err
    assert main(["db", "current", "--database-url", url]) == 4
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert main(["db", "current", "--database-url", url]) == 0
    assert "Révision : 0007 (à jour)" in capsys.readouterr().out


def test_db_history_lists_the_shipped_migrations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]


def test_each_error_class_has_its_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CYCLADES_DATABASE_URL", raising=False)
    monkeypatch.delenv("CYCLADES_DOCUMENT_KEY", raising=False)
    url = _migrated(tmp_path)
    assert main(["purge", "--database-url", url]) == 0
    assert main(["purge", "--no-such-option"]) == 2  # usage
    assert main(["purge", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1"]) == 3
    assert main(["purge", "--database-url", f"sqlite:///{tmp_path / 'none.db'}"]) == 4  # not migrated
    assert main(["purge", "--database-url", "mysql://root@localhost/x"]) == 5  # configuration
    assert main(["document", "verify", "x", "--candidate", "1", "--inscription", "1", "--version", "1"]) == 5
    monkeypatch.setenv("CYCLADES_DOCUMENT_KEY", "a-secret-of-at-least-16")
    assert main(["document", "verify", "x", "--candidate", "1", "--inscription", "1", "--version", "1"]) == 1


def test_no_error_prints_a_traceback_and_each_is_one_french_line(tmp_path: Path) -> None:
    """Issue 16: tracebacks from db upgrade with PostgreSQL down and from demo --dir on a path that cannot be
    written; click's English messages mixed with ours."""
    down = "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = {
        ("db", "upgrade", "--database-url", down): 3,
        ("db", "current", "--database-url", down): 3,
        ("purge", "--database-url", down): 3,
        ("demo", "--dir", str(a_file / "sub")): 2,
        ("demo", "--dir", str(a_file)): 2,
        ("purge", "--database-url", f"sqlite:///{a_file}/x.db"): 4,
        ("db", "upgrade", "--database-url", f"sqlite:///{a_file}/x.db"): 5,
        ("nope",): 2,
        ("purge", "--nope"): 2,
        ("outbox", "relay", "--database-url", "sqlite:///x.db", "--smtp-port", "abc"): 2,
        ("document", "verify", "x"): 2,
        ("document", "verify", "x", "--kind", "NOPE", "--candidate", "1", "--inscription", "1", "--version", "1"): 2,
        ("catalogue", "check"): 2,
        ("db",): 2,
    }
    for args, code in cases.items():
        done = _run(*args)
        assert (done.returncode, "Traceback" in done.stderr) == (code, False), (args, done.stderr)
        assert len(done.stderr.splitlines()) == 1, (args, done.stderr)
        assert done.stderr.startswith("erreur ["), (args, done.stderr)
        for english in ("Error:", "Usage:", "Try '", "No such", "Missing", "Invalid value", "is not"):
            assert english not in done.stderr, (args, done.stderr)


def test_the_help_pages_are_in_french_only(runner: CliRunner) -> None:
    for args in COMMANDS:
        page = runner.invoke(cli, [*args, "--help"]).output
        for english in ("Usage:", "Show this message", "Commands:", "[default:", "[required]", "Show the version"):
            assert english not in page, (args, english)
        assert "Affiche cette aide et quitte." in page


def test_demo_refuses_a_non_empty_folder_it_did_not_create_and_clears_its_own(tmp_path: Path) -> None:
    """Issue 16: ``cyclades demo --dir X`` deleted whatever was in X."""
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("four years of work")
    assert main(["demo", "--dir", str(precious)]) == 2
    assert (precious / "thesis.txt").read_text() == "four years of work"
    assert [p.name for p in precious.iterdir()] == ["thesis.txt"]

    from cyclades_adapters.cli.demo import MARKER, prepare_directory

    own = tmp_path / "own"
    prepare_directory(own)
    (own / "left-over.txt").write_text("from the last demo")
    prepare_directory(own)  # carries the marker: cleared
    assert sorted(p.name for p in own.iterdir()) == [MARKER]
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_directory(empty)
    assert (empty / MARKER).is_file()


def test_demo_on_an_existing_file_says_it_is_not_a_folder_and_leaves_it(tmp_path: Path) -> None:
    """Not click's generic « valeur invalide pour --dir »: the line says why, as the other refusals of --dir do."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    refused = _run("demo", "--dir", str(notes))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"erreur [usage] --dir : {notes} existe et n'est pas un dossier (un fichier ?) : choisissez un dossier absent "
        "ou vide."
    ]
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_json_output_of_purge_reminders_relay_and_catalogue_check(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    purge = _run("purge", "--database-url", url, "--json")
    assert json.loads(purge.stdout) == {"erased": 0, "vacuumed": ["wal"]}
    reminders = _run("reminders", "--database-url", url, "--days", "3", "--json")
    assert json.loads(reminders.stdout) == {"queued": 0, "days": 3}
    relay = _run("outbox", "relay", "--database-url", url, "--eml-dir", str(tmp_path / "eml"), "--json")
    assert json.loads(relay.stdout) == {"sent": 0, "failed": 0, "retry_later": 0, "dead": 0}
    good = tmp_path / "good.toml"
    good.write_text('[[session]]\nid = "S"\nexam_code = "BTS"\nlabel = "BTS 2030"\nyear = 2030\nmonth = 6\n')
    checked = _run("catalogue", "check", str(good), "--json")
    assert json.loads(checked.stdout) == {"valid": True, "files": [str(good)], "sessions": 1}
    bad = tmp_path / "bad.toml"
    bad.write_text('[[session]]\nid = "S"\nexam_code = "BTS"\nlabel = "BTS 2030"\nyear = "x"\nmonth = 6\n')
    refused = _run("catalogue", "check", str(bad), "--json")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["valid"] is False


def test_a_storage_command_does_not_load_the_commune_index_nor_the_pdf_libraries(tmp_path: Path) -> None:
    """Issue 16: every command built the whole portal with its 37,590-commune index (purge took 8-10 s)."""
    url = _migrated(tmp_path)
    probe = (
        "import sys\nfrom cyclades_adapters.cli import main\nfrom cyclades_adapters.files import reference\n"
        f"code = main(['purge', '--database-url', {url!r}])\n"
        "print(code, bool(reference._LOADED), sorted(m for m in ('reportlab', 'pikepdf', 'PIL') if m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert done.stdout.splitlines()[-1] == "0 False []", done.stderr
    help_probe = "import sys\nfrom cyclades_adapters.cli import main\nmain(['--help'])\nprint(sorted(m for m in ('sqlalchemy', 'rich', 'cyclades_adapters.bootstrap') if m in sys.modules))"
    shown = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", help_probe], capture_output=True, text=True, check=False, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert shown.stdout.splitlines()[-1] == "[]", shown.stderr


def test_document_verify_takes_every_kind_of_the_model_and_refuses_others(runner: CliRunner) -> None:
    """The kinds are read from the model when the command needs them (``cyclades --help`` does not load it)."""
    page = runner.invoke(cli, ["document", "verify", "--help"]).output
    assert all(kind.name in page for kind in DocumentKind)
    base = ["document", "verify", "x", "--candidate", "1", "--inscription", "1", "--version", "1"]
    assert main([*base, "--kind", "NOPE"]) == 2
    for kind in DocumentKind:
        assert main([*base, "--kind", kind.name]) == 5  # parsed; then no key: configuration


def test_the_relay_with_its_progress_bar_counts_as_without(tmp_path: Path) -> None:
    """On a terminal the relay goes batch by batch under a progress bar: same mails sent, same counts."""
    from cyclades_adapters import build_portal
    from cyclades_adapters.cli.main import _relay_until_idle
    from cyclades_adapters.mail import EmlFolderMailer
    from cyclades_core.model.mail import MailKind, OutboxMessage
    from cyclades_core.testing import PlainHasher
    from tests.conftest import T0

    counts = []
    for progress in (False, True):
        portal = build_portal(hasher=PlainHasher(), environ={}, mailer=EmlFolderMailer(tmp_path / str(progress)))
        with portal.unit_of_work() as uow:
            for n in range(250):  # several batches
                uow.outbox.add(OutboxMessage(f"m{n}", MailKind.ACTIVATION, None, f"c{n}@exemple.fr", "s", "b", T0))
            uow.commit()
        counts.append(_relay_until_idle(portal, progress))
        assert len(list((tmp_path / str(progress)).glob("*.eml"))) == 250
    assert counts == [(250, 0, 0), (250, 0, 0)]
