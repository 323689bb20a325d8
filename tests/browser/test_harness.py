"""The browser harness checks itself, without the portal: Chromium launches, screenshots are written, axe-core finds
no violation on an accessible page served under the portal's CSP and finds them on a page built to fail (an image
without alternative text, a field without label), and a server process is started, answered, read and stopped."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.support import (
    SCREENSHOTS,
    LiveServer,
    assert_accessible,
    axe_violations,
    free_port,
    read_mails,
    shot,
    watch_for_errors,
)

pytestmark = pytest.mark.browser

#: The portal's policy (web.md): nothing inline, everything from 'self'.
CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

GOOD = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Connexion – Cyclades</title><link rel="stylesheet" href="/site.css"></head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header><p>Cyclades</p></header>
<main id="contenu">
<h1>Connexion</h1>
<img src="/logo.svg" alt="Ministère de l'Éducation nationale">
<form method="post" action="/connexion">
<p><label for="email">Adresse électronique</label>
<input id="email" name="email" type="email" autocomplete="email" aria-describedby="email-aide">
<span id="email-aide">Par exemple : nom@exemple.fr</span></p>
<p><label for="mdp">Mot de passe</label> <input id="mdp" name="password" type="password"></p>
<p><button type="submit">Se connecter</button></p>
</form>
</main>
</body>
</html>"""

BAD = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Page fautive</title></head>
<body>
<main>
<h1>Page fautive</h1>
<img src="/logo.svg">
<form method="post" action="/connexion"><input name="email" type="text"></form>
</main>
</body>
</html>"""

INLINE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Code en ligne</title><style>body{margin:5rem}</style></head>
<body><main><h1 style="color:red">Code en ligne</h1><script>document.title = "modifié"</script>
<img src="/absente.png" alt="Image absente"></main></body>
</html>"""

FILES = {
    "/": ("text/html; charset=utf-8", GOOD.encode()),
    "/fautive": ("text/html; charset=utf-8", BAD.encode()),
    "/en-ligne": ("text/html; charset=utf-8", INLINE.encode()),
    "/site.css": ("text/css", b"body{font-family:sans-serif;color:#1e1e1e;background:#fff;margin:2rem}"),
    "/logo.svg": (
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#000091"/></svg>',
    ),
}


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        kind, body = FILES.get(self.path.split("?")[0], ("text/plain; charset=utf-8", b"introuvable"))
        self.send_response(200 if self.path.split("?")[0] in FILES else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def static_site() -> Iterator[str]:
    """The two pages above served from a thread on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_chromium_is_debians_and_runs_headless(chromium: Browser) -> None:
    assert chromium.is_connected()
    assert chromium.version.split(".")[0].isdigit(), chromium.version


def test_a_screenshot_is_written_in_the_tests_folder(page: Page, static_site: str) -> None:
    page.goto(static_site)
    first = shot(page, "connexion")
    second = shot(page, "encore une")
    assert first.parent == SCREENSHOTS / "test_harness-test_a_screenshot_is_written_in_the_tests_folder"
    assert (first.name, second.name) == ("01-connexion.png", "02-encore-une.png")
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.stat().st_size > 1000


def test_an_accessible_page_under_the_portals_csp_has_no_violation(page: Page, static_site: str) -> None:
    errors = watch_for_errors(page)
    response = page.goto(static_site)
    assert response is not None
    assert response.headers["content-security-policy"] == CSP
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "32px"  # site.css applied under the CSP
    assert axe_violations(page) == []
    assert_accessible(page)
    assert errors == []


def test_axe_finds_the_missing_alternative_text_and_label(page: Page, static_site: str) -> None:
    page.goto(static_site + "fautive")
    found = {violation["id"]: violation for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= set(found)
    assert found["image-alt"]["impact"] == "critical"
    assert found["image-alt"]["nodes"][0]["target"] == ["img"]
    with pytest.raises(AssertionError) as refused:
        assert_accessible(page)
    message = str(refused.value)
    assert f"on {static_site}fautive" in message
    assert "- image-alt [critical] Images must have alternative text" in message
    assert '  * img: <img src="/logo.svg">' in message
    assert "- label [critical] Form elements must have labels" in message
    assert '  * input: <input name="email" type="text">' in message
    assert "Element does not have an explicit <label>" in message


def test_what_the_csp_refuses_and_what_fails_to_load_are_reported(page: Page, static_site: str) -> None:
    errors = watch_for_errors(page)
    page.goto(static_site + "en-ligne")
    page.wait_for_load_state("load")
    assert page.title() == "Code en ligne"  # the inline script did not run
    refused = [error for error in errors if "Content Security Policy" in error]
    assert len(refused) == 3, errors  # the <style>, the style attribute, the <script>
    assert f"404 for {static_site}absente.png" in errors


def test_axe_can_be_limited_to_part_of_the_page(page: Page, static_site: str) -> None:
    page.goto(static_site + "fautive")
    assert [violation["id"] for violation in axe_violations(page, "form")] == ["label"]


def test_a_server_process_is_awaited_read_and_stopped(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "mails").mkdir(parents=True)
    port = free_port()
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(data_dir), str(port)]
    server = LiveServer.start("http.server", command, port, data_dir, tmp_path / "logs")
    try:
        assert server.url == f"http://127.0.0.1:{port}/"
        assert 0 < server.started_in < 30
        assert server.mails() == []
        for number, link in enumerate(["activer-mon-compte?jeton=abc", "modifier-mon-mot-de-passe?jeton=def"]):
            (data_dir / "mails" / f"2021100{number}-mail.eml").write_text(
                "From: Cyclades <ne-pas-repondre@cyclades.invalid>\nTo: accrall@ac-rennes.fr\n"
                f"Subject: Message {number}\nContent-Type: text/plain; charset=utf-8\n\n"
                f"Bonjour,\n\nCliquez sur ce lien : {server.url}{link}.\nCordialement\n"
            )
        mails = server.wait_for_mails(2)
        assert [mail.subject for mail in mails] == ["Message 0", "Message 1"]
        assert mails[0].to == "accrall@ac-rennes.fr"
        assert mails[-1].first_link() == f"{server.url}modifier-mon-mot-de-passe?jeton=def"
        assert read_mails(tmp_path / "nowhere") == []
    finally:
        code = server.stop()
    assert server.process.poll() is not None
    assert code in (0, -15)  # http.server has no SIGTERM handler: the signal's default ends it
    assert "Serving HTTP on 127.0.0.1" in server.output()


def test_a_server_that_exits_at_once_fails_with_its_output(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; sys.exit('base de données injoignable')"]
    with pytest.raises(AssertionError, match=r"(?s)exited with 1 before answering.*base de données injoignable"):
        LiveServer.start("broken", command, free_port(), tmp_path, tmp_path / "logs")
