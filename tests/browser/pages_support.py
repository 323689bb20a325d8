"""Helpers of tests/browser/test_pages.py: one ``cyclades serve`` for the whole module, a quiet visit that prepares
its accounts and candidature (the journeys check those pages already), a form submitted with the status its answer
must have, and the checks of an error summary, of a field's error and of the keyboard's path through a page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import attrs
from playwright.sync_api import Locator, Page

from tests.browser.journeys import Person, Visit
from tests.browser.support import LiveServer, free_port, shot, watch_for_errors

__all__ = [
    "NoScriptVisit",
    "PageVisit",
    "QuietVisit",
    "error_summary_problems",
    "field_error_problems",
    "focus_trail",
    "person",
    "start_server",
    "stored_files",
    "submit",
]


def start_server(data_dir: Path, log_dir: Path) -> LiveServer:
    """``cyclades serve --demo --insecure-cookies --cheap-hashing`` on SQLite in ``data_dir`` (what the
    ``live_server`` fixture starts, for a module instead of a test)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        sys.executable, "-m", "cyclades_adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--database", f"sqlite:///{data_dir / 'cyclades.db'}", "--data-dir", str(data_dir),
        "--demo", "--insecure-cookies", "--cheap-hashing", "--workers", "1",
    ]  # fmt: skip
    return LiveServer.start("cyclades-serve-pages", command, port, data_dir, log_dir)


@attrs.define
class QuietVisit(Visit):
    """A visit that only prepares what the tests need (an account, a candidature): the pages it goes through are the
    journeys' and are checked there, so :meth:`arrive` only keeps what went wrong in the browser."""

    def arrive(self, name: str, *, status: int = 200) -> None:
        self.problems.extend(f"{name}: {error}" for error in self.errors if not error.startswith(f"{status} for "))
        self.errors.clear()


@attrs.define
class PageVisit(Visit):
    """:class:`Visit` whose error pages (a refused form's 400, a 403, a 404) may also have Chromium's console line
    about their own status (« Failed to load resource: the server responded with a status of 404 (NOT FOUND) »),
    which says nothing more than the status asked for."""

    @classmethod
    def on(cls, page: Page, server: LiveServer) -> PageVisit:
        return cls(page, server, watch_for_errors(page))

    def arrive(self, name: str, *, status: int = 200) -> None:
        if status >= 400:
            own = f"console: Failed to load resource: the server responded with a status of {status} "
            self.errors[:] = [error for error in self.errors if not error.startswith(own)]
        super().arrive(name, status=status)


@attrs.define
class NoScriptVisit(Visit):
    """A visit in a browser without JavaScript: each page is shot and checked for ``lang``, one ``<h1>`` and what went
    wrong in the browser, but not by axe-core, which is a script (``page.evaluate`` never returns there)."""

    def arrive(self, name: str, *, status: int = 200) -> None:
        page = self.page
        shot(page, name)
        where = f"{name} ({urlsplit(page.url).path})"
        self.visited.append(where)
        if page.locator("html").get_attribute("lang") != "fr":
            self.problems.append(f"{where}: <html lang> is not 'fr'")
        if page.locator("h1").count() != 1:
            self.problems.append(f"{where}: {page.locator('h1').count()} <h1> instead of one")
        self.problems.extend(f"{where}: {error}" for error in self.errors if not error.startswith(f"{status} for "))
        self.errors.clear()


def submit(visit: Visit, target: Locator, name: str, *, status: int = 200) -> int:
    """Click what sends a form and check the page it leads to (which must answer ``status``); returns the status."""
    with visit.page.expect_navigation() as navigation:
        target.click()
    response = navigation.value
    answered = 0 if response is None else response.status
    assert answered == status, f"{name}: status {answered} instead of {status}\n{visit.text()}"
    visit.arrive(name, status=status)
    return answered


def _describe(page: Page, selector: str) -> list[dict[str, Any]]:
    return cast(
        list[dict[str, Any]],
        page.eval_on_selector_all(
            selector,
            """elements => elements.map(e => ({
                id: e.id,
                invalid: e.getAttribute('aria-invalid'),
                describedby: (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean),
                href: e.getAttribute('href'),
                text: (e.innerText || '').trim(),
            }))""",
        ),
    )


def _label_of(page: Page, target: str) -> str:
    """The label a field shows (its <label>, or its fieldset's <legend>), without the « * » and a trailing colon."""
    text = page.evaluate(
        """id => { const e = document.getElementById(id); if (!e) return '';
            const l = e.tagName === 'FIELDSET' ? e.querySelector('legend') : document.querySelector(`label[for="${id}"]`);
            if (!l) return ''; const c = l.cloneNode(true); c.querySelectorAll('abbr').forEach(a => a.remove());
            return c.textContent; }""",
        target,
    )
    return " ".join(str(text).split()).removesuffix(":").strip()


def error_summary_problems(page: Page) -> list[str]:
    """What a refused form's error summary lacks: present, focused on arrival (it or an element inside it), each of
    its links leading to an element that exists and naming it by its label, and each invalid field
    (aria-invalid="true") described by elements that exist, one of them its error message."""
    problems: list[str] = []
    summary = page.locator(".resume-erreurs")
    if summary.count() != 1:
        return [f"{summary.count()} error summaries (.resume-erreurs) instead of one"]
    focused = page.evaluate(
        "() => { const s = document.querySelector('.resume-erreurs'); const a = document.activeElement;"
        " return !!a && (a === s || s.contains(a)); }"
    )
    if not focused:
        active = page.evaluate("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''")
        problems.append(f"the error summary is not focused on arrival (focus on {active!r})")
    links = _describe(page, ".resume-erreurs a")
    if not links:
        problems.append("the error summary has no link to a field")
    for found in links:
        href = str(found["href"] or "")
        target = href[1:] if href.startswith("#") else ""
        if not target or page.locator(f"[id='{target}']").count() != 1:
            problems.append(f"the summary's link {href!r} leads to no element of the page")
        elif (label := _label_of(page, target)) and not str(found["text"]).startswith(f"{label} : "):
            problems.append(f"the summary's link {found['text']!r} does not name its field « {label} »")
    invalid = _describe(page, "[aria-invalid=true]")
    if not invalid:
        problems.append('no field is marked aria-invalid="true"')
    for found in invalid:
        ids = found["describedby"]
        missing = [name for name in ids if page.locator(f"[id='{name}']").count() != 1]
        if missing or not any(name.endswith("-erreur") for name in ids):
            problems.append(f"#{found['id']}: aria-describedby={ids} (missing: {missing}) names no error message")
    return problems


def field_error_problems(page: Page, field_id: str) -> list[str]:
    """What the field ``field_id`` lacks to show its error: aria-invalid="true", and aria-describedby naming its
    error message (``<id>-erreur``), which is shown next to it (in the same ``.champ``)."""
    control = page.locator(f"[id='{field_id}']")
    if control.count() != 1:
        return [f"no field #{field_id}"]
    problems = []
    if control.get_attribute("aria-invalid") != "true":
        problems.append(f'#{field_id} is not aria-invalid="true"')
    described = (control.get_attribute("aria-describedby") or "").split()
    if f"{field_id}-erreur" not in described:
        problems.append(f"#{field_id}'s aria-describedby={described} does not name #{field_id}-erreur")
    beside = page.locator(".champ", has=control).locator(f"[id='{field_id}-erreur']")
    if beside.count() != 1 or not beside.is_visible():
        problems.append(f"no visible #{field_id}-erreur next to #{field_id}")
    return problems


def focus_trail(page: Page, presses: int) -> list[str]:
    """What the focus reaches at each of ``presses`` Tab key presses: ``link:<text>``, ``button:<text>`` or
    ``<tag>#<id>``."""
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(
            str(
                page.evaluate(
                    """() => { const e = document.activeElement;
                    if (!e || e === document.body) return 'body';
                    const text = (e.innerText || e.value || '').trim().replace(/\\s+/g, ' ');
                    if (e.tagName === 'A') return 'link:' + text;
                    if (e.tagName === 'BUTTON') return 'button:' + text;
                    return e.tagName.toLowerCase() + '#' + e.id; }"""
                )
            )
        )
    return trail


def stored_files(server: LiveServer) -> list[Path]:
    """The files of the server's store (``<data-dir>/files``), whatever their folder."""
    root = server.data_dir / "files"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def person(civility: str, birth_name: str, first_names: str, birth_date: str, email: str, password: str) -> Person:
    """A candidate born at MAY-SUR-ORNE (Calvados, 014), found by typing « MAY-SUR »."""
    return Person(civility, birth_name, first_names, birth_date, "014", "MAY-SUR", "MAY-SUR-ORNE", email, password)
