"""Fixtures of the browser tests (marker ``browser``): Debian's Chromium through Playwright, a fresh page per test,
and ``cyclades serve`` run as a subprocess on SQLite or on PostgreSQL.

    def test_login_page(live_server, page):
        server = live_server("sqlite")
        page.goto(server.url + "connexion")
        shot(page, "connexion")
        assert_accessible(page)

Without /usr/bin/chromium (or, for PostgreSQL, ``CYCLADES_TEST_POSTGRES_URL``) the tests skip with the reason on a
laptop, and fail under ``CI=true``. Screenshots go to ``test-output/screenshots/<test>/``; when a test fails, its
page's last state is shot there too (``NN-echec.png``) and each server's output is added to the report.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import create_engine

from tests.browser.support import CHROMIUM, LiveServer, free_port, launch_chromium, register_page, shot, under_ci

SERVERS = pytest.StashKey[list[LiveServer]]()
PAGES = pytest.StashKey[list[Page]]()
PAGE_TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium (tests/browser); needs /usr/bin/chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failure, shoot each open page as it is and add each server's output to the report."""
    report: pytest.TestReport = yield
    if report.failed and report.when in {"setup", "call"}:
        for page in item.stash.get(PAGES, []):
            try:
                path = shot(page, "echec")
                report.sections.append(("screenshot", str(path)))
            except Exception as error:  # the report must still be written
                report.sections.append(("screenshot", f"none: {error}"))
        for server in item.stash.get(SERVERS, []):
            report.sections.append((f"{server.name} output", server.output()))
    return report


def _unavailable(reason: str) -> None:
    if under_ci():
        pytest.fail(f"{reason}: under CI=true the browser tests must run, never skip")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium; `python3 dev.py test` does it as root)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the session's tests (each gets its own context)."""
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context (no cookie, no cache), French, 1280×900, every wait bounded to 10 s."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    fresh = context.new_page()
    register_page(fresh, request.node.nodeid)
    request.node.stash.setdefault(PAGES, []).append(fresh)
    yield fresh
    context.close()


def _postgres_base_url() -> str:
    from tests.sql_support import postgres_url  # skips, or fails under CI, without CYCLADES_TEST_POSTGRES_URL

    return postgres_url()


@pytest.fixture
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """A factory: ``live_server("sqlite" | "postgresql", workers=1, extra=())`` starts ``cyclades serve --demo
    --insecure-cookies --cheap-hashing`` on 127.0.0.1 and a free port, with its own data dir; on PostgreSQL in a
    schema of its own (``browser_<random>``) in ``CYCLADES_TEST_POSTGRES_URL``'s database, dropped afterwards.
    Each server is stopped (SIGTERM, then SIGKILL) after the test; a server that does not stop cleanly is an
    error."""
    started: list[tuple[LiveServer, str | None, str | None]] = []

    def start(database: str = "sqlite", *, workers: int = 1, extra: tuple[str, ...] = ()) -> LiveServer:
        name = f"cyclades-serve-{database}-{len(started) + 1}"
        data_dir = tmp_path / name
        data_dir.mkdir()
        schema: str | None = None
        if database == "sqlite":
            url = f"sqlite:///{data_dir / 'cyclades.db'}"
            storage = ["--database", url]
        elif database == "postgresql":
            url = _postgres_base_url()
            schema = f"browser_{secrets.token_hex(4)}"
            storage = ["--database", url, "--schema", schema]
        else:
            raise ValueError(f"database is 'sqlite' or 'postgresql', not {database!r}")
        port = free_port()
        command = [
            sys.executable, "-m", "cyclades_adapters.cli", "serve",
            "--host", "127.0.0.1", "--port", str(port), *storage, "--data-dir", str(data_dir),
            "--demo", "--insecure-cookies", "--cheap-hashing", "--workers", str(workers), *extra,
        ]  # fmt: skip
        try:
            server = LiveServer.start(name, command, port, data_dir, tmp_path / "logs")
        except AssertionError as failure:
            if schema is not None:
                _drop_schema(url, schema)
            pytest.fail(str(failure))
        started.append((server, url if schema else None, schema))
        request.node.stash.setdefault(SERVERS, []).append(server)
        return server

    yield start

    problems = []
    for server, url, schema in started:
        code = server.stop()
        if code != 0:
            problems.append(f"{server.name} did not stop cleanly on SIGTERM (exit {code})\n{server.output()}")
        if url is not None and schema is not None:
            _drop_schema(url, schema)
    if problems:
        pytest.fail("\n\n".join(problems))


def _drop_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        engine.dispose()
