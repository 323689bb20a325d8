"""Smoke test of the portal in a real browser, on SQLite and on PostgreSQL: `cyclades serve --demo` starts, and its
public pages answer 200 in French, pass axe-core's WCAG 2.0/2.1 A/AA checks, load everything they need under the
Content-Security-Policy (nothing inline is refused, no request fails), and carry the security headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from playwright.sync_api import Page

from tests.browser.support import LiveServer, axe_violations, describe_violations, shot, watch_for_errors

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ("", "connexion", "creer-mon-compte", "ouverture-des-services")
#: Referrer policies that never send a portal's path (with its tokens) to another site.
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def header_problems(headers: Mapping[str, str]) -> list[str]:
    """What a response's security headers (names lower-cased) lack against docs/security.md, "The web portal"."""
    problems = []
    csp = headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    if not csp:
        problems.append("no Content-Security-Policy")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append(f"the CSP allows inline code: {csp}")
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"the CSP's default-src is not 'self' alone: {csp}")
    if directives.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        problems.append(f"the CSP has no frame-ancestors 'none' or 'self': {csp}")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('x-content-type-options')!r}, not 'nosniff'")
    if headers.get("referrer-policy") not in REFERRER_POLICIES:
        problems.append(
            f"Referrer-Policy is {headers.get('referrer-policy')!r}, not one of {sorted(REFERRER_POLICIES)}"
        )
    return problems


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_public_pages_are_accessible_complete_and_protected(
    database: str, live_server: Callable[..., LiveServer], page: Page
) -> None:
    server = live_server(database)
    errors = watch_for_errors(page)
    problems: list[str] = []
    for path in PUBLIC_PAGES:
        response = page.goto(server.url + path)
        assert response is not None, path
        shot(page, path or "accueil")
        where = f"/{path}"
        if response.status != 200:
            problems.append(f"{where}: status {response.status}")
        problems.extend(f"{where}: {problem}" for problem in header_problems(response.headers))
        if page.locator("html").get_attribute("lang") != "fr":
            problems.append(f"{where}: <html lang> is not 'fr'")
        if page.locator("h1").count() != 1:
            problems.append(f"{where}: {page.locator('h1').count()} <h1> instead of one")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{where}: {describe_violations(violations)}")
        problems.extend(f"{where}: {error}" for error in errors)
        errors.clear()
    problems.extend(
        f"cookie {cookie['name']} is not HttpOnly and SameSite=Lax: {cookie}"
        for cookie in page.context.cookies()
        if not cookie["httpOnly"] or cookie["sameSite"] not in ("Lax", "Strict")
    )
    assert not problems, "\n".join(problems)


def test_the_header_check_names_what_is_missing() -> None:
    good = {
        "content-security-policy": "default-src 'self'; style-src 'self'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
    }
    assert header_problems(good) == []
    weak = {**good, "content-security-policy": "default-src 'self' 'unsafe-inline'", "referrer-policy": "unsafe-url"}
    assert header_problems(weak) == [
        "the CSP allows inline code: default-src 'self' 'unsafe-inline'",
        "the CSP's default-src is not 'self' alone: default-src 'self' 'unsafe-inline'",
        "the CSP has no frame-ancestors 'none' or 'self': default-src 'self' 'unsafe-inline'",
        "Referrer-Policy is 'unsafe-url', not one of ['no-referrer', 'same-origin', 'strict-origin', "
        "'strict-origin-when-cross-origin']",
    ]
    assert header_problems({}) == [
        "no Content-Security-Policy",
        "the CSP's default-src is not 'self' alone: ",
        "the CSP has no frame-ancestors 'none' or 'self': ",
        "X-Content-Type-Options is None, not 'nosniff'",
        "Referrer-Policy is None, not one of ['no-referrer', 'same-origin', 'strict-origin', "
        "'strict-origin-when-cross-origin']",
    ]


def test_the_served_portals_mails_are_read_back_with_their_link_to_it(
    live_server: Callable[..., LiveServer], page: Page
) -> None:
    """The harness's mail reading on the real server: the guide's example account created through the form, its
    activation mail relayed into <data-dir>/mails, its link opened (what a journey does)."""
    server = live_server("sqlite")
    page.goto(server.url + "creer-mon-compte")
    page.get_by_label("Monsieur").check()
    for name, value in {
        "birth_name": "ACCRALL",
        "birth_name_confirmation": "ACCRALL",
        "first_names": "Dack",
        "birth_date": "28/11/2004",
        "birth_date_confirmation": "28/11/2004",
        "birth_commune": "MAY-SUR-ORNE",
        "email": "accrall@ac-rennes.fr",
        "email_confirmation": "accrall@ac-rennes.fr",
        "password": "Vol*Plane7x",
        "password_confirmation": "Vol*Plane7x",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=birth_departement]").select_option("014")
    page.get_by_role("button", name="Créer le compte").click()
    shot(page, "compte-cree")
    mail = server.wait_for_mails(1)[-1]
    assert (mail.subject, mail.to) == ("[CYCLADES] Activer mon compte", "accrall@ac-rennes.fr")
    assert mail.first_link().startswith(f"{server.url}activer-mon-compte?jeton=")
    page.goto(mail.first_link())
    shot(page, "activer")
    assert page.get_by_role("button", name="Activer mon compte").is_visible()
