"""``cyclades serve`` as a process (issue 18): it serves, relays its mails to .eml files with links to itself,
refuses an oversized body before reading it, and stops cleanly with its relay on SIGTERM."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.support import LiveServer, free_port

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
ACCOUNT = {
    "civility": "Monsieur", "birth_name": "ACCRALL", "birth_name_confirmation": "ACCRALL", "usage_name": "",
    "first_names": "Dack", "birth_date": "28/11/2004", "birth_date_confirmation": "28/11/2004",
    "birth_country": "99100", "birth_departement": "014", "birth_commune": "MAY-SUR-ORNE",
    "email": "accrall@ac-rennes.fr", "email_confirmation": "accrall@ac-rennes.fr",
    "password": "Vol*Plane7x", "password_confirmation": "Vol*Plane7x",
}  # fmt: skip


def _relays_of(server: LiveServer) -> list[str]:
    """The command lines of the running ``outbox relay`` processes of this server (read from /proc, whole)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
        if "outbox relay" in line and str(server.data_dir) in line:
            found.append(line)
    return found


def test_an_oversized_body_is_refused_with_413_before_it_is_read(live_server: Callable[..., LiveServer]) -> None:
    server = live_server("sqlite")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /mes-pieces-justificatives/x/deposer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 104857600\r\n\r\n"
        )  # 100 MiB announced, not one byte of it sent: the answer must come anyway
        began = time.perf_counter()
        answer = connection.recv(4096).decode("latin-1")
        waited = time.perf_counter() - began
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert waited < 5


def test_the_mails_are_relayed_to_eml_files_whose_links_lead_to_the_server(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server("sqlite")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{server.url}creer-mon-compte", timeout=10) as page:
        token = CSRF.search(page.read().decode())
    assert token is not None
    body = urllib.parse.urlencode({**ACCOUNT, "csrf_token": token.group(1)}).encode()
    with opener.open(f"{server.url}creer-mon-compte", data=body, timeout=10) as created:
        assert "Votre compte est en cours de création." in created.read().decode()
    [mail] = server.wait_for_mails(1, timeout=15)
    assert mail.subject == "[CYCLADES] Activer mon compte"
    link = mail.first_link()
    assert link.startswith(f"{server.url}activer-mon-compte?jeton=")
    with opener.open(link, timeout=10) as activation:
        assert "Activer mon compte" in activation.read().decode()


def test_sigterm_stops_the_server_and_its_mail_relay(live_server: Callable[..., LiveServer]) -> None:
    server = live_server("sqlite")
    assert len(_relays_of(server)) == 1
    assert server.stop() == 0
    deadline = time.monotonic() + 10
    while _relays_of(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _relays_of(server) == []


@pytest.mark.slow
def test_four_workers_on_postgresql_serve_the_portal(live_server: Callable[..., LiveServer]) -> None:
    server = live_server("postgresql", workers=4)
    for _ in range(20):
        with urllib.request.urlopen(f"{server.url}ouverture-des-services", timeout=10) as page:  # noqa: S310
            assert page.status == 200


def test_the_data_folder_is_the_owners_only(live_server: Callable[..., LiveServer]) -> None:
    """The database, the mails (their links open accounts) and the pièces are personal data."""
    server = live_server("sqlite")
    server.wait_for_mails(0)
    for path in (server.data_dir, server.data_dir / "mails", server.data_dir / "files", server.data_dir / "web-secret"):
        assert path.stat().st_mode & 0o077 == 0, path
    database = server.data_dir / "cyclades.db"
    assert database.stat().st_mode & 0o077 == 0


def test_a_relay_that_dies_is_started_again_and_none_outlives_a_killed_server(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    command = [
        sys.executable, "-m", "cyclades_adapters.cli", "serve", "--port", str(port), "--data-dir", str(data_dir),
        "--demo", "--insecure-cookies", "--cheap-hashing",
    ]  # fmt: skip
    server = LiveServer.start("killed", command, port, data_dir, tmp_path / "logs")
    try:
        [first] = _relay_pids(server)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _relay_pids(server) in ([], [first]):
            time.sleep(0.2)
        [second] = _relay_pids(server)
        assert second != first
        assert "Le relais des mails s'est arrêté" in server.output()
        os.kill(server.process.pid, signal.SIGKILL)  # the master dies without its shutdown hooks
        deadline = time.monotonic() + 10
        while _relay_pids(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _relay_pids(server) == []
    finally:
        server.stop()  # the workers left in its process group


def _relay_pids(server: LiveServer) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "outbox relay" in line and str(server.data_dir) in line:
            with contextlib.suppress(OSError):
                state = (cmdline.parent / "stat").read_text().split(") ", 1)[1][0]
                if state != "Z":  # a zombie is dead: only its parent has not read its status yet
                    found.append(int(cmdline.parent.name))
    return found


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("port", "n'est pas disponible"),
        ("short-key", "la clé doit compter au moins 32 caractères"),
    ],
)
def test_a_refused_start_says_why_in_one_french_line(tmp_path: Path, setup: str, expected: str) -> None:
    port = free_port()
    env = {**os.environ, "CYCLADES_WEB_SECRET": "trop-courte"} if setup == "short-key" else dict(os.environ)
    with socket.socket() as taken:
        if setup == "port":
            taken.bind(("127.0.0.1", port))
            taken.listen()
        answer = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "cyclades_adapters.cli", "serve", "--port", str(port),
             "--data-dir", str(tmp_path / "data"), "--demo", "--insecure-cookies", "--cheap-hashing"],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
    assert answer.returncode == 5, answer.stderr
    assert expected in answer.stderr
    assert "Traceback" not in answer.stderr
    assert len(answer.stderr.strip().splitlines()) <= 2  # the --cheap-hashing warning, then the refusal
