"""The pages the journeys do not visit, in a real Chromium against one ``cyclades serve --demo`` on SQLite for the
whole module: the account's pages (Modifier mon compte, Supprimer, Mot de passe oublié and its link, Renvoyer le lien,
Besoin d'aide), Ouverture des services for an académie, Mon inscription, Mes documents, the back office's list with a
filter and its identity correction; the error states (a refused account creation and its error summary, 404, the CSRF
refusal, a file over the size limit); the keyboard on the login page; and an account created without JavaScript.

Every page is shot (test-output/screenshots/test_pages-…/), has one <h1> and lang="fr", passes axe-core's WCAG 2.0/2.1
A/AA rules, and loads with nothing refused or failed in the browser but the status an error page must answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import attrs
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import PAGE_TIMEOUT_MS, PAGES, SERVERS
from tests.browser.journeys import (
    MANAGER,
    MANAGER_PASSWORD,
    Person,
    add_manager,
    button,
    field,
    link,
    mail_to,
    texts_in,
)
from tests.browser.pages_support import (
    NoScriptVisit,
    PageVisit,
    QuietVisit,
    error_summary_problems,
    field_error_problems,
    focus_trail,
    person,
    start_server,
    stored_files,
    submit,
)
from tests.browser.support import CHROMIUM, LiveServer, register_page, shot, under_ci

pytestmark = pytest.mark.browser

#: Registered in BTS 2022 at Besançon by the module's set-up: the pages of a candidature are hers.
TITULAIRE = person("Madame", "BERNARD", "Claire", "14/05/2003", "claire.bernard@ac-rennes.fr", "Mer*Calme8x")
#: An account without candidature, whose password is forgotten and reset.
OUBLIEUX = person("Monsieur", "PETIT", "Louis", "02/09/2000", "louis.petit@ac-rennes.fr", "Pluie*Fine3x")
NEW_PASSWORD = "Neige*Dure5y"
#: Created in a browser without JavaScript.
SANS_JS = person("Madame", "ROBERT", "Anne", "30/01/1999", "anne.robert@ac-rennes.fr", "Vent*Doux6z")
OPENING = re.compile(
    r"Les inscriptions sont ouvertes du \d{2} \S+ \d{4} \d{2}:\d{2} au \d{2} \S+ \d{4} \d{2}:\d{2} \(heure de Paris\)\."
)
CANNOT_DELETE = "Le compte ne peut pas être supprimé car une ou plusieurs candidatures y sont attachées"
PIECE = "CINSIG01"
MIB = 1024 * 1024


@attrs.frozen
class World:
    """The module's server and what its set-up made there."""

    server: LiveServer
    candidature_id: str


@pytest.fixture(scope="module")
def world(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One server for the module; TITULAIRE registered in BTS 2022 at Besançon (the journeys' steps, through the
    form's tabs), OUBLIEUX's account activated, the back office's manager added."""
    if not CHROMIUM.exists():  # the `chromium` fixture has skipped (or failed, under CI) already
        pytest.fail("Chromium is missing") if under_ci() else pytest.skip("Chromium is missing")
    folder = tmp_path_factory.mktemp("pages")
    try:
        server = start_server(folder / "data", folder / "logs")
    except AssertionError as failure:
        pytest.fail(str(failure))
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        manager_added = add_manager(server)
        page = context.new_page()
        register_page(page, "tests/browser/test_pages.py::set-up")
        visit = QuietVisit.open(page, server)
        for someone in (OUBLIEUX, TITULAIRE):
            visit.create_account(someone)
            visit.activate(mail_to(server, someone.email, "[CYCLADES] Activer mon compte").first_link())
        visit.log_in(TITULAIRE, from_home=False)
        visit.choose_session()
        visit.fill_tabs(acquis_e1=False)
        visit.save()
        visit.click(link(page, "Quitter"), "mes-inscriptions")
        href = page.get_by_role("link", name=re.compile(r"^Mon inscription")).first.get_attribute("href") or ""
        found = re.fullmatch(r"/mon-inscription/([^/?#]+)", href)
        assert found is not None, f"no « Mon inscription » link: {href!r}\n{visit.text()}"
        visit.assert_no_problem()
        manager_added()
    except BaseException:
        shot(page, "echec-preparation")
        print(server.output())  # the set-up's failure report
        server.stop()
        raise
    finally:
        context.close()
    yield World(server, found.group(1))
    code = server.stop()
    assert code == 0, f"the server did not stop cleanly on SIGTERM (exit {code})\n{server.output()}"


@pytest.fixture
def server(world: World, request: pytest.FixtureRequest) -> LiveServer:
    """The module's server, whose output a failed test's report shows (conftest's report hook)."""
    request.node.stash.setdefault(SERVERS, []).append(world.server)
    return world.server


def signed_in(page: Page, server: LiveServer, someone: Person = TITULAIRE) -> PageVisit:
    """A visit logged in as ``someone`` from the login page (checked), on Mes inscriptions."""
    visit = PageVisit.on(page, server)
    visit.goto("/connexion", "connexion")
    visit.log_in(someone, from_home=False)
    return visit


def manager_signed_in(page: Page, server: LiveServer) -> PageVisit:
    visit = PageVisit.on(page, server)
    visit.goto("/gestion/connexion", "gestion-connexion")
    field(page, "Identifiant :").fill(MANAGER)
    field(page, "Mot de passe :").fill(MANAGER_PASSWORD)
    visit.click(button(page, "Se connecter"), "gestion-candidatures")
    return visit


# -- the account's pages ---------------------------------------------------------------------------------------


@pytest.mark.rule("ACC-11")
def test_mon_compte_shows_a_refused_email_change_next_to_its_field(server: LiveServer, page: Page) -> None:
    """« Modifier mon compte »: a wrong current password refuses the new address (« Le mot de passe actuel est
    incorrect. »), the message in the summary and next to the field; the address stays what it was."""
    visit = signed_in(page, server)
    visit.click(link(page, "Modifier mon compte"), "mon-compte")
    assert texts_in(visit.text(), ["N° candidat", TITULAIRE.email]) == [], visit.text()
    email = page.locator("section", has=page.get_by_role("heading", name="Modifier mon adresse mail"))
    field(email, "Nouvelle adresse mail").fill("claire.nouvelle@ac-rennes.fr")
    field(email, "Confirmation de l'adresse mail").fill("claire.nouvelle@ac-rennes.fr")
    field(email, "Mot de passe actuel").fill("Faux*Passe9x")
    submit(visit, button(email, "Modifier mon adresse mail"), "mon-compte-email-refuse", status=400)
    assert "Le mot de passe actuel est incorrect." in visit.text(), visit.text()
    assert TITULAIRE.email in visit.text(), visit.text()
    assert error_summary_problems(page) == [], error_summary_problems(page)  # before anything moves the focus
    assert field(email, "Nouvelle adresse mail").input_value() == "claire.nouvelle@ac-rennes.fr"  # kept as typed
    summary = page.locator(".resume-erreurs a[href='#current_password']")
    assert summary.inner_text() == "Mot de passe actuel : Le mot de passe actuel est incorrect.", visit.text()
    summary.click()
    assert page.evaluate("document.activeElement.id") == "current_password"
    visit.assert_no_problem()
    problems = field_error_problems(page, "current_password")  # the message next to the field too
    assert not problems, problems


@pytest.mark.rule("ACC-12")
def test_an_account_with_a_candidature_cannot_be_deleted(server: LiveServer, page: Page) -> None:
    """« Le compte ne peut pas être supprimé car une ou plusieurs candidatures y sont attachées »."""
    visit = signed_in(page, server)
    visit.click(link(page, "Modifier mon compte"), "mon-compte")
    visit.click(link(page, "Supprimer"), "mon-compte-supprimer")
    page.get_by_label("Je confirme vouloir supprimer mon compte").check()
    with page.expect_navigation() as navigation:
        button(page, "Supprimer mon compte").click()
    refused = navigation.value
    status = 0 if refused is None else refused.status
    assert 400 <= status < 500, status
    visit.arrive("mon-compte-supprimer-refuse", status=status)
    assert CANNOT_DELETE in visit.text(), visit.text()
    visit.goto("/mes-inscriptions", "mes-inscriptions-toujours-la")
    assert "BERNARD" in visit.text(), visit.text()
    visit.assert_no_problem()


@pytest.mark.rule("ACC-10")
@pytest.mark.rule("ACC-03")
def test_a_forgotten_password_is_reset_through_the_mailed_link(server: LiveServer, page: Page) -> None:
    """« Mot de passe oublié »: the answer shows the masked address; the mail's link leads to the new password and
    its confirmation; the new password then opens the account."""
    visit = PageVisit.on(page, server)
    visit.goto("/connexion", "connexion")
    visit.click(link(page, "Mot de passe oublié"), "mot-de-passe-oublie")
    field(page, "Identifiant de connexion :").fill(OUBLIEUX.email)
    visit.click(button(page, "Valider"), "mot-de-passe-oublie-reponse")
    assert "***@ac-rennes.fr" in visit.text(), visit.text()
    assert OUBLIEUX.email not in visit.text()
    mail = mail_to(server, OUBLIEUX.email, "[CYCLADES] Réinitialisation du mot de passe")
    assert mail.first_link().startswith(f"{server.url}modifier-mon-mot-de-passe?jeton="), mail.text
    answer = page.goto(mail.first_link())
    assert answer is not None, mail.first_link()
    assert answer.status == 200, mail.first_link()
    visit.arrive("modifier-mon-mot-de-passe")
    field(page, "Nouveau mot de passe").fill(NEW_PASSWORD)
    field(page, "Confirmation du mot de passe").fill(NEW_PASSWORD)
    visit.click(button(page, "Valider"), "mot-de-passe-modifie")
    assert urlsplit(page.url).path == "/connexion", page.url
    assert "Votre mot de passe a été modifié." in visit.text(), visit.text()
    visit.log_in(attrs.evolve(OUBLIEUX, password=NEW_PASSWORD), from_home=False)
    visit.assert_no_problem()


@pytest.mark.rule("ACC-06")
def test_the_resend_and_help_pages(server: LiveServer, page: Page) -> None:
    """« Je n'ai pas reçu le mail, effectuer un nouvel envoi » answers the same whatever the address; « Besoin d'aide pour vous
    connecter ? » tells where the login is."""
    visit = PageVisit.on(page, server)
    visit.goto("/renvoyer-le-lien", "renvoyer-le-lien")
    field(page, "Adresse mail").fill("personne@ac-rennes.fr")
    visit.click(button(page, "Effectuer un nouvel envoi"), "renvoyer-le-lien-envoye")
    assert "un nouveau lien d'activation lui a été envoyé" in visit.text(), visit.text()
    visit.goto("/connexion", "connexion")
    visit.click(link(page, "Besoin d'aide pour vous connecter ?"), "besoin-d-aide")
    assert link(page, "Mot de passe oublié").count() == 1
    visit.assert_no_problem()


@pytest.mark.rule("SVC-02")
def test_the_opening_of_a_chosen_academie_is_one_sentence_in_paris_time(server: LiveServer, page: Page) -> None:
    """« Les inscriptions sont ouvertes du 01 novembre 2021 08:00 au 29 novembre 2021 18:00 (heure de Paris). »"""
    visit = PageVisit.on(page, server)
    visit.goto("/ouverture-des-services", "ouverture-des-services")
    field(page, "Examen").select_option(label="BREVET DE TECHNICIEN SUPERIEUR")
    field(page, "Session").select_option(label="BTS 2022")
    visit.click(button(page, "Rechercher"), "ouverture-academies")
    visit.click(page.get_by_role("link", name=re.compile(r"^ACADÉMIE DE BESANCON - \(")), "ouverture-besancon")
    region = page.get_by_role("region", name="Informations disponibles")
    assert OPENING.search(" ".join(region.inner_text().split())), region.inner_text()
    visit.assert_no_problem()


# -- a candidature's pages -------------------------------------------------------------------------------------


@pytest.mark.rule("CAN-09")
@pytest.mark.rule("CAN-12")
@pytest.mark.rule("DOC-03")
def test_mon_inscription_and_mes_documents(world: World, server: LiveServer, page: Page) -> None:
    """« Mon inscription » is the read-only Récapitulatif; « Mes documents » lists the confirmation d'inscription
    (« Confirmation d'inscription [PDF] : Version n°1 mis à jour le … »)."""
    visit = signed_in(page, server)
    visit.click(page.get_by_role("link", name=re.compile(r"^Mon inscription")).first, "mon-inscription")
    assert urlsplit(page.url).path == f"/mon-inscription/{world.candidature_id}"
    assert texts_in(visit.text(), ["BERNARD", "Aéronautique", "BTS 2022", "Version"]) == [], visit.text()
    assert page.locator("main input:not([type=hidden]), main select, main textarea").count() == 0  # read-only
    visit.click(link(page, "Mes documents"), "mes-documents")
    assert urlsplit(page.url).path == f"/mes-documents/{world.candidature_id}"
    assert re.search(r"Confirmation d'inscription \[PDF\] : Version n°1 mis à jour le", visit.text()), visit.text()
    visit.assert_no_problem()


@pytest.mark.rule("MGR-04")
@pytest.mark.rule("MGR-05")
@pytest.mark.rule("ACC-11")
def test_the_back_office_list_with_a_filter_and_its_identity_correction(
    world: World, server: LiveServer, page: Page
) -> None:
    visit = manager_signed_in(page, server)
    field(page, "Session").fill("BTS-2022")
    field(page, "État").select_option(label="Inscrit")
    visit.click(button(page, "Filtrer"), "gestion-candidatures-filtre")
    assert "etat=ACTIVE" in page.url, page.url
    assert "session=BTS-2022" in page.url, page.url
    table = page.get_by_role("table", name=re.compile(r"^Candidatures de mes académies"))
    assert "BERNARD" in table.inner_text(), visit.text()
    field(page, "État").select_option(label="Désinscrit par le candidat")
    visit.click(button(page, "Filtrer"), "gestion-candidatures-filtre-vide")
    assert "Aucune candidature ne correspond à ces critères." in visit.text(), visit.text()

    visit.goto(f"/gestion/candidatures/{world.candidature_id}", "gestion-candidature")
    visit.click(link(page, "Corriger l'identité du candidat"), "gestion-identite")
    assert urlsplit(page.url).path == f"/gestion/candidatures/{world.candidature_id}/identite"
    assert field(page, "Nom de famille").input_value() == "BERNARD"
    submit(visit, button(page, "Corriger l'identité"), "gestion-identite-sans-motif", status=400)
    assert field_error_problems(page, "reason") == [], field_error_problems(page, "reason")
    assert "Indiquez le motif" in visit.text(), visit.text()
    visit.assert_no_problem()


# -- error states ----------------------------------------------------------------------------------------------


@pytest.mark.rule("ACC-01")
def test_a_refused_account_creation_focuses_its_error_summary_linked_to_its_fields(
    server: LiveServer, page: Page
) -> None:
    visit = PageVisit.on(page, server)
    visit.goto("/creer-mon-compte", "creer-mon-compte")
    field(page, "Nom de famille").fill("MOREAU")
    field(page, "Confirmation du nom de naissance").fill("MOREAUX")
    field(page, "Date de naissance").fill("31/02/2001")
    field(page, "Adresse mail").fill("pas-une-adresse")
    field(page, "Mot de passe").fill("court")
    with page.expect_navigation() as navigation:
        button(page, "Créer le compte").click()
    response = navigation.value
    status = 0 if response is None else response.status
    assert 400 <= status < 500, status
    visit.arrive("creer-mon-compte-refuse", status=status)
    problems = error_summary_problems(page)
    assert not problems, "\n".join(problems)
    assert page.locator(".resume-erreurs a").count() >= 3, page.locator(".resume-erreurs").inner_text()
    assert page.locator("[id=birth_name_confirmation][aria-invalid=true]").count() == 1
    page.locator(".resume-erreurs a[href='#birth_name_confirmation']").click()  # the link leads to its field
    assert page.evaluate("document.activeElement.id") == "birth_name_confirmation"
    visit.assert_no_problem()


def test_an_unknown_address_answers_a_french_404_page(server: LiveServer, page: Page) -> None:
    visit = PageVisit.on(page, server)
    visit.goto("/cette-page-n-existe-pas", "page-introuvable", status=404)
    assert texts_in(visit.text(), ["Page introuvable", "La page demandée n'existe pas."]) == [], visit.text()
    assert "Traceback" not in page.content()
    assert "werkzeug" not in page.content().lower()
    visit.assert_no_problem()


def test_a_form_sent_without_its_csrf_cookie_is_refused_and_changes_nothing(server: LiveServer, page: Page) -> None:
    """« Le formulaire a expiré … : rien n'a été enregistré. » (403); the address stays what it was."""
    visit = signed_in(page, server)
    visit.goto("/mon-compte", "mon-compte")
    email = page.locator("section", has=page.get_by_role("heading", name="Modifier mon adresse mail"))
    field(email, "Nouvelle adresse mail").fill("claire.detournee@ac-rennes.fr")
    field(email, "Confirmation de l'adresse mail").fill("claire.detournee@ac-rennes.fr")
    field(email, "Mot de passe actuel").fill(TITULAIRE.password)
    page.context.clear_cookies(name="cyclades_csrf")
    assert {c["name"] for c in page.context.cookies()} >= {"cyclades_session"}
    submit(visit, button(email, "Modifier mon adresse mail"), "formulaire-expire", status=403)
    assert "Le formulaire a expiré" in visit.text(), visit.text()
    visit.goto("/mon-compte", "mon-compte-inchange")
    assert TITULAIRE.email in visit.text(), visit.text()
    assert "claire.detournee" not in visit.text(), visit.text()
    visit.assert_no_problem()


@pytest.mark.rule("JUS-06")
def test_a_file_over_the_size_limit_is_refused_next_to_its_input_and_not_kept(
    world: World, server: LiveServer, page: Page, tmp_path: Path
) -> None:
    """A file just over 5 Mo (read by the core, which stops at its limit) and one far over it (refused by the web
    layer before it is read): « Le fichier dépasse la taille maximale (5 Mo). » next to the pièce's file input."""
    visit = signed_in(page, server)
    visit.goto(f"/mes-pieces-justificatives/{world.candidature_id}", "mes-pieces-justificatives")
    before = stored_files(server)
    for name, size, expected in (("juste-trop-gros.pdf", 5 * MIB + 1, 400), ("bien-trop-gros.pdf", 7 * MIB, 413)):
        big = tmp_path / name
        big.write_bytes(b"%PDF-1.4\n" + b"0" * (size - 9))
        chooser = page.get_by_label(re.compile(rf"^Ajouter un fichier : .*{PIECE}|Confirmation d'inscription signée$"))
        chooser.first.set_input_files(big)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=f"Ajouter le fichier de la pièce {PIECE}").click()
        response = navigation.value
        status = 0 if response is None else response.status
        visit.arrive(f"piece-{name}", status=status)
        assert status == expected, f"{name}: {status}\n{visit.text()}"
        assert "Le fichier dépasse la taille maximale (5 Mo)." in visit.text(), visit.text()
        assert field_error_problems(page, f"fichier-{PIECE}") == [], field_error_problems(page, f"fichier-{PIECE}")
        assert "Fichier déposé" not in page.locator(f"[id='piece-{PIECE}']").inner_text()
    assert stored_files(server) == before
    visit.assert_no_problem()


# -- keyboard and no JavaScript --------------------------------------------------------------------------------


@pytest.mark.rule("ACC-08")
def test_the_keyboard_reaches_the_skip_link_the_menu_then_the_login_fields_with_a_visible_focus(
    server: LiveServer, page: Page
) -> None:
    visit = PageVisit.on(page, server)
    visit.goto("/connexion", "connexion")
    trail = focus_trail(page, 12)
    assert trail[0] == "link:Aller au contenu", trail
    order = ["link:Accueil", "link:Ouverture des services", "link:Se connecter", "input#identifier"]
    order += ["input#password", "button:Se connecter"]
    positions = [trail.index(step) if step in trail else -1 for step in order]
    assert -1 not in positions, trail
    assert positions == sorted(positions), trail
    between = trail[1 : positions[0]]
    assert between in ([], ["link:Cyclades"]), trail  # only the site's name (a link home) before the menu
    # The focus ring on a field, as a keyboard user sees it (and its screenshot, to look at).
    for _ in range(len(trail)):  # back to the identifier field, with the keyboard
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.id") == "identifier":
            break
    else:
        raise AssertionError(f"Shift+Tab never reached the identifier field back: {trail}")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert outline[0] != "none", outline
    assert outline[1] >= 2, outline
    shot(page, "connexion-focus-identifiant")
    # The skip link leads to the content: the next Tab is the form's first field.
    page.goto(server.url + "connexion")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "identifier"
    visit.assert_no_problem()


@pytest.mark.rule("ACC-01")
@pytest.mark.rule("ACC-07")
@pytest.mark.rule("ACC-08")
def test_without_javascript_an_account_is_created_activated_and_opened(
    chromium: Browser, server: LiveServer, request: pytest.FixtureRequest
) -> None:
    """The commune found with « Rechercher la commune » (a form's button, no script), the account activated from its
    mail, the login reaching « Mes inscriptions »."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        register_page(page, request.node.nodeid)
        request.node.stash.setdefault(PAGES, []).append(page)
        visit = NoScriptVisit.open(page, server)
        visit.create_account(SANS_JS)
        visit.activate(mail_to(server, SANS_JS.email, "[CYCLADES] Activer mon compte").first_link())
        visit.log_in(SANS_JS, from_home=False)
        assert urlsplit(page.url).path == "/mes-inscriptions"
        assert "ROBERT" in visit.text(), visit.text()
        visit.assert_no_problem()
    finally:
        context.close()
