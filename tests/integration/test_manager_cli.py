"""``cyclades manager add|list|disable|password``: the operator provisions the back office's accounts, on SQLite and
PostgreSQL, as a real subprocess (the password on standard input) and through click's runner (the hidden prompt);
one French line per error, the exit codes of the other commands."""

from __future__ import annotations

import importlib
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyclades_adapters import build_portal
from cyclades_adapters.cli import cli
from cyclades_adapters.sql import SqlDatabase
from cyclades_core import InvalidManagerCredentials, Manager
from tests.conftest import DOCUMENT_KEY
from tests.sql_support import sql_database  # noqa: F401 - the parametrized fixture

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Vol*Plane7x"


def cyclades(*args: str, stdin: str = "", url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh interpreter, as an operator runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("CYCLADES_DATABASE_URL", None)
    if url is not None:
        env["CYCLADES_DATABASE_URL"] = url
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "cyclades_adapters.cli", *args], input=stdin, capture_output=True, text=True,
        check=False, timeout=120, env=env,
    )  # fmt: skip


def one_error_line(result: subprocess.CompletedProcess[str], code: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"erreur [{code}] "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_the_operator_provisions_lists_and_disables_managers(sql_database: SqlDatabase) -> None:  # noqa: F811
    url = sql_database.url
    added = cyclades("manager", "add", "Gest.Besancon", "--academie", "03", "--academie", "10", "--name",
                     "Service des examens", "--password-stdin", "--database-url", url, stdin=f"{PASSWORD}\n")  # fmt: skip
    assert (added.returncode, added.stdout.strip()) == (0, "Gestionnaire créé : gest.besancon (académies : 03, 10)")
    assert PASSWORD not in added.stdout + added.stderr

    portal = build_portal(url, environ={}, document_key=DOCUMENT_KEY)  # the default hasher, as the command's
    try:
        session = portal.managers.login("gest.besancon", PASSWORD)
        assert portal.managers.authenticate(session.session_token) == Manager("gest.besancon", ("03", "10"))

        listed = cyclades("manager", "list", url=url)  # the URL from CYCLADES_DATABASE_URL
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.splitlines() == [
            "Gestionnaires : 1", "gest.besancon\tactif\t03,10\tService des examens",
        ]  # fmt: skip
        as_json = json.loads(cyclades("manager", "list", "--json", "--database-url", url).stdout)
        assert [(m["login"], m["academies"], m["active"], m["disabled_at"]) for m in as_json] == [
            ("gest.besancon", ["03", "10"], True, None),
        ]  # fmt: skip

        again = cyclades("manager", "add", "gest.besancon", "--academie", "16", "--password-stdin",
                         "--database-url", url, stdin=f"{PASSWORD}\n")  # fmt: skip
        assert again.returncode == 1
        one_error_line(again, "manager_login_taken")

        disabled = cyclades("manager", "disable", "GEST.besancon", "--database-url", url)
        assert (disabled.returncode, disabled.stdout.strip()) == (0, "Gestionnaire désactivé : gest.besancon")
        with pytest.raises(InvalidManagerCredentials):
            portal.managers.login("gest.besancon", PASSWORD)
        assert "\tdésactivé le " in cyclades("manager", "list", "--database-url", url).stdout

        unknown = cyclades("manager", "disable", "gest.absent", "--database-url", url)
        assert unknown.returncode == 1
        assert (
            one_error_line(unknown, "manager_not_found")
            == "erreur [manager_not_found] Compte gestionnaire introuvable."
        )
    finally:
        if isinstance(portal.storage, SqlDatabase):
            portal.storage.dispose()


def test_refusals_are_one_french_line_with_the_usual_exit_codes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    missing = cyclades("manager", "list", "--database-url", url)
    assert missing.returncode == 4  # not migrated: the file is not created
    one_error_line(missing, "storage_not_migrated")
    assert not (tmp_path / "ops.db").exists()
    database = SqlDatabase(url)
    database.upgrade()
    database.dispose()
    bad = {
        "academie_codes": ("gest.x", "--academie", "99"),
        "login": ("gest x", "--academie", "03"),
        "password": ("gest.x", "--academie", "03"),
    }
    for field, args in bad.items():
        refused = cyclades("manager", "add", *args, "--password-stdin", "--database-url", url,
                           stdin="faible\n" if field == "password" else f"{PASSWORD}\n")  # fmt: skip
        assert refused.returncode == 1, refused.stderr
        assert f" {field} : " in one_error_line(refused, "validation_error")
    no_academie = cyclades("manager", "add", "gest.x", "--password-stdin", "--database-url", url, stdin=PASSWORD)
    assert no_academie.returncode == 2
    assert "--academie" in one_error_line(no_academie, "usage")
    unreachable = cyclades("manager", "list", "--database-url",
                           "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=1")  # fmt: skip
    assert unreachable.returncode == 3
    assert cyclades("manager", "list", "--database-url", url).stdout.strip() == "Gestionnaires : 0"


def test_the_password_is_typed_twice_without_echo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    database = SqlDatabase(url)
    database.upgrade()
    database.dispose()
    cli_main = importlib.import_module("cyclades_adapters.cli.main")  # the package's ``main`` is the function
    monkeypatch.setattr(cli_main, "_can_prompt", lambda: True)  # click's runner types on a pipe: as on a terminal
    runner = CliRunner()
    args = ["manager", "add", "gest.rennes", "--academie", "14", "--database-url", url]
    mismatch = runner.invoke(cli, args, input=f"{PASSWORD}\nAutre*Chose9\n")
    assert mismatch.exit_code == 1
    assert "La confirmation du mot de passe ne correspond pas au mot de passe saisi." in mismatch.output
    ok = runner.invoke(cli, args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    assert PASSWORD not in ok.output  # hidden
    assert "Mot de passe" in ok.output
    assert "Gestionnaire créé : gest.rennes (académies : 14)" in ok.output
    changed = runner.invoke(cli, ["manager", "password", "gest.rennes", "--password-stdin", "--database-url", url],
                            input="Tour*Ciel8q\n")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "Mot de passe du gestionnaire gest.rennes remplacé." in changed.output
    portal = build_portal(url, environ={}, document_key=DOCUMENT_KEY)
    try:
        with pytest.raises(InvalidManagerCredentials):
            portal.managers.login("gest.rennes", PASSWORD)
        assert portal.managers.login("gest.rennes", "Tour*Ciel8q").manager.id == "gest.rennes"
    finally:
        if isinstance(portal.storage, SqlDatabase):
            portal.storage.dispose()


def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    database = SqlDatabase(url)
    database.upgrade()
    database.dispose()
    return url


@pytest.mark.parametrize("command", [["add", "gest.cron", "--academie", "03"], ["password", "gest.cron"]])
def test_without_a_terminal_the_password_needs_password_stdin(tmp_path: Path, command: list[str]) -> None:
    """As cron or Ansible run it: no terminal (a new session, standard input at its end). One French line naming
    --password-stdin and the usage code, before the database is opened; not getpass' English warnings and 130."""
    url = migrated(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    refused = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "cyclades_adapters.cli", "manager", *command, "--database-url", url],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False, timeout=120, env=env,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    line = one_error_line(refused, "usage")
    assert "--password-stdin" in line
    assert "aucun terminal pour saisir le mot de passe" in line
    assert "Mot de passe" not in refused.stderr
    assert refused.stdout == ""
    assert cyclades("manager", "list", "--database-url", url).stdout.strip() == "Gestionnaires : 0"


def test_on_a_real_terminal_the_password_is_asked_twice_without_echo(tmp_path: Path) -> None:
    """A pseudo-terminal as standard input: the check lets the prompt through, getpass turns echo off, no warning."""
    url = migrated(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    controller, terminal = os.openpty()
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "cyclades_adapters.cli", "manager", "add", "gest.tty", "--academie", "03",
         "--database-url", url],
        stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    assert process.stderr is not None
    shown = b""
    try:
        for prompt in (b"Mot de passe: ", b"Confirmation du mot de passe: "):
            deadline = time.monotonic() + 60
            while prompt not in shown:  # getpass writes its space once echo is off: typing before would be lost
                assert time.monotonic() < deadline, shown
                if select.select([process.stderr], [], [], 0.1)[0]:
                    chunk = os.read(process.stderr.fileno(), 4096)
                    assert chunk, shown
                    shown += chunk
            shown = shown.split(prompt, 1)[1]
            os.write(controller, f"{PASSWORD}\n".encode())
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, shown + err
    assert out.decode().strip() == "Gestionnaire créé : gest.tty (académies : 03)"
    assert b"Warning" not in shown + err
    assert PASSWORD.encode() not in shown + err + out


def test_help_is_in_french_for_every_manager_command() -> None:
    runner = CliRunner()
    for args in (["manager"], ["manager", "add"], ["manager", "list"], ["manager", "disable"], ["manager", "password"]):
        shown = runner.invoke(cli, [*args, "--help"])
        assert shown.exit_code == 0, shown.output
        assert "Utilisation :" in shown.output
    assert "--password-stdin" in runner.invoke(cli, ["manager", "add", "--help"]).output
