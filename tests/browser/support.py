"""Helpers of the browser tests: the system Chromium, axe-core's WCAG 2.0/2.1 A/AA checks, screenshots, and a
``cyclades serve`` process (or any command) run on 127.0.0.1 with its mails read back from ``<data-dir>/mails``.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``dev.py test`` when missing); Playwright never downloads a
browser of its own. axe-core ships inside ``axe-playwright-python`` (``axe.min.js``): the checks run offline.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import attrs
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
#: Headless, no sandbox (root in CI), and nothing that reaches outside 127.0.0.1 on its own.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: What the portal promises: WCAG 2.0 and 2.1, levels A and AA (axe-core's tags).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 10.0


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with :data:`CHROMIUM_ARGS`."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True)


# --- screenshots -------------------------------------------------------------------------------------------------


@attrs.define
class _ShotFolder:
    directory: Path
    count: int = 0


_SHOT_FOLDERS: weakref.WeakKeyDictionary[Page, _ShotFolder] = weakref.WeakKeyDictionary()


def screenshot_folder(nodeid: str) -> Path:
    """``test-output/screenshots/<test>``: the test's node id below tests/browser, made a folder name."""
    name = nodeid.split("tests/browser/", 1)[-1].replace(".py::", "-").replace("::", "-")
    return SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def register_page(page: Page, nodeid: str) -> Path:
    """Tie ``page`` to its test's screenshot folder (emptied of an earlier run's shots) for :func:`shot`."""
    directory = screenshot_folder(nodeid)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    _SHOT_FOLDERS[page] = _ShotFolder(directory)
    return directory


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot, ``test-output/screenshots/<test>/<NN-name>.png`` (NN counts from 01 per test)."""
    folder = _SHOT_FOLDERS.get(page)
    if folder is None:
        raise AssertionError("shot() takes a page from the `page` fixture (it knows the test's folder)")
    folder.count += 1
    path = folder.directory / f"{folder.count:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=path, full_page=True)
    return path


# --- accessibility -----------------------------------------------------------------------------------------------

_AXE = Axe()


def axe_violations(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0/2.1 A/AA on the page as it is now (``context``: a CSS selector to limit the
    check to, e.g. a form). Each is axe's dict: ``id``, ``impact``, ``help``, ``helpUrl``, ``nodes`` (``target``,
    ``html``, ``failureSummary``)."""
    options = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}
    results = _AXE.run(page, context=context, options=options)
    return cast(list[dict[str, Any]], results.response["violations"])


def describe_violations(violations: Sequence[dict[str, Any]], url: str = "") -> str:
    """One paragraph per violated rule: id, impact, help, its URL, then each element's selector, HTML and fix."""
    lines = [f"{len(violations)} WCAG 2.0/2.1 A/AA violation(s) found by axe-core" + (f" on {url}" if url else "")]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact') or '?'}] {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(part) if isinstance(part, list) else str(part) for part in node["target"])
            lines.append(f"  * {target}: {' '.join(str(node.get('html', '')).split())[:200]}")
            for summary in str(node.get("failureSummary") or "").splitlines():
                if summary.strip():
                    lines.append(f"      {summary.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page, context: str | None = None) -> None:
    """No WCAG 2.0/2.1 A/AA violation that axe-core detects (which is not all of WCAG: keyboard use, the meaning of
    texts and error messages are for the journeys to check)."""
    violations = axe_violations(page, context)
    if violations:
        raise AssertionError(describe_violations(violations, page.url))


def watch_for_errors(page: Page) -> list[str]:
    """A list that fills, as the page is used, with what went wrong in the browser: a console error (a CSP
    violation: an inline script or style refused; a resource that failed), a script error, a failed request, an
    HTTP status of 400 or more. The favicon Chromium asks for on its own is left out."""
    found: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            found.append(f"console: {message.text}")

    def response(answer: Response) -> None:
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            found.append(f"{answer.status} for {answer.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: found.append(f"request failed: {request.url} {request.failure}"))
    page.on("response", response)
    return found


# --- mails -------------------------------------------------------------------------------------------------------

_LINK = re.compile(r"https?://[^\s<>\"')\]]+")


@attrs.frozen
class Mail:
    """One ``.eml`` file the server's mailer wrote."""

    path: Path
    message: EmailMessage

    @classmethod
    def read(cls, path: Path) -> Mail:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return cls(path, parsed)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def text(self) -> str:
        """The plain-text body (the HTML one when there is none)."""
        body = self.message.get_body(preferencelist=("plain", "html"))
        return "" if body is None else cast(str, cast(EmailMessage, body).get_content())

    def links(self) -> list[str]:
        """The body's http(s) links, without the punctuation that ends a sentence."""
        return [link.rstrip(".,;:!?") for link in _LINK.findall(self.text)]

    def first_link(self) -> str:
        """The first http(s) link of the body (what the candidate clicks); fails when there is none."""
        links = self.links()
        if not links:
            raise AssertionError(f"no link in mail {self.subject!r} ({self.path.name}):\n{self.text}")
        return links[0]


def read_mails(directory: Path) -> list[Mail]:
    """The ``.eml`` files of ``directory``, oldest first (by modification time, then name)."""
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.eml"), key=lambda path: (path.stat().st_mtime_ns, path.name))
    return [Mail.read(path) for path in paths]


# --- a server process --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, limit: int = 20_000) -> str:
    if not path.exists():
        return ""
    data = path.read_bytes()
    text = data[-limit:].decode("utf-8", "replace")
    return text if len(data) <= limit else f"[… {len(data) - limit} bytes before]\n{text}"


@attrs.define
class LiveServer:
    """A server process on 127.0.0.1: its ``url`` (ending in ``/``), its ``data_dir``, its output in files."""

    name: str
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    started_in: float = 0.0

    @classmethod
    def start(cls, name: str, command: Sequence[str], port: int, data_dir: Path, log_dir: Path) -> LiveServer:
        """Run ``command`` (which must listen on 127.0.0.1:``port``) and wait, at most
        :data:`SERVER_START_SECONDS`, until it answers HTTP; fails with its output if it exits or never answers."""
        log_dir.mkdir(parents=True, exist_ok=True)
        stdout_path, stderr_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
        began = time.perf_counter()
        with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
            process = subprocess.Popen(  # noqa: S603 - the test's own command line
                list(command), stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True
            )
        server = cls(name, f"http://127.0.0.1:{port}/", data_dir, process, stdout_path, stderr_path)
        deadline = began + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode} before answering\n{server.output()}")
            if server._answers():
                break
            if time.perf_counter() > deadline:
                server.stop()
                raise AssertionError(f"{name} did not answer within {SERVER_START_SECONDS:.0f} s\n{server.output()}")
            time.sleep(0.05)
        server.started_in = time.perf_counter() - began
        return server

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2):  # noqa: S310 - http://127.0.0.1 only
                return True
        except urllib.error.HTTPError:
            return True  # an HTTP answer, whatever its status
        except OSError:
            return False

    def mails(self) -> list[Mail]:
        """The mails written so far in ``<data-dir>/mails``, newest last."""
        return read_mails(self.data_dir / "mails")

    def wait_for_mails(self, count: int, timeout: float = 10.0) -> list[Mail]:
        """The mails once there are at least ``count`` (the relay sends them from a thread, a moment later)."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.mails()
            if len(found) >= count or time.perf_counter() > deadline:
                break
            time.sleep(0.05)
        if len(found) < count:
            raise AssertionError(
                f"{len(found)} mail(s) in {self.data_dir / 'mails'} after {timeout} s, {count} awaited"
            )
        return found

    def output(self) -> str:
        return f"--- {self.name} stderr ---\n{_tail(self.stderr_path)}\n--- {self.name} stdout ---\n{_tail(self.stdout_path)}"

    def stop(self) -> int | None:
        """SIGTERM to the server, SIGKILL after :data:`SERVER_STOP_SECONDS`, then SIGKILL to anything left in its
        process group (gunicorn's workers). Returns the exit code, or None when it had to be killed."""
        code: int | None = self.process.poll()
        if code is None:
            self.process.send_signal(signal.SIGTERM)  # as a supervisor does: to the main process
            try:
                code = self.process.wait(SERVER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                code = None
        self._signal(signal.SIGKILL)  # whatever is left in its process group (its own, see start())
        if code is None:
            self.process.wait(SERVER_STOP_SECONDS)
        return code

    def _signal(self, number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, number)
