"""``cyclades serve`` as a process (issue 18): it serves, relays its mails to .eml files with links to itself,
refuses an oversized body before reading it, and stops cleanly with its relay on SIGTERM."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.support import LiveServer

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
