"""The journeys of issue 18 in a real Chromium, against ``cyclades serve`` on SQLite and on PostgreSQL, driven by the
labels and roles a person reads (tests/browser/journeys.py):

- ACCRALL Dack creates his account, follows the link read from the .eml file, logs in, registers for the BTS with E1
  in Bénéfice, prints the Récapitulatif, saves, modifies (version 2), opens the confirmation PDF, deposits his pièces
  and validates them; the managing service marks one « Non conforme » with a comment; the candidate sees the comment,
  deposits it again and validates again;
- DUBOIS Pierre registers, then withdraws;
- a pupil logs in with the papillon de connexion its establishment gave it, changes its initial password and
  validates its préinscription.

Every page visited is shot (test-output/screenshots/test_journeys-…/), has one <h1> and lang="fr", passes axe-core's
WCAG 2.0/2.1 A/AA rules with no violation, and loads with nothing refused or failed in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from tests.browser.journeys import (
    ACCRALL,
    DUBOIS,
    MANAGER,
    MANAGER_PASSWORD,
    NEW_PUPIL_PASSWORD,
    Visit,
    add_manager,
    button,
    field,
    link,
    mail_to,
    pdf_text,
    register_pupil,
    sample_pdf,
    texts_in,
)
from tests.browser.support import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database", ["sqlite", "postgresql"])]

CANDIDATE_NUMBER = re.compile(r"Votre numéro candidat : (\d{11})")
INSCRIPTION_NUMBER = re.compile(r"Votre numéro d'inscription : (\S+)")
GUIDE_TABS = [
    "1 - Candidatures précédentes", "2 - Identification", "3 - Informations candidature",
    "4 - Qualification présentée", "5 - Acquis", "6 - Diplôme possédé", "7 - Epreuves", "8 - Récapitulatif",
    "9 - N° Inscription",
]  # fmt: skip
COMMENT = "Pièce illisible : déposez une copie lisible et signée."
CINSIG01 = "Confirmation d'inscription signée"
RELNOT01 = "Relevé de notes de la session précédente"


def _deposit(visit: Visit, title: str, code: str, file: Path) -> None:
    """« Ajouter un fichier » (or « Remplacer le fichier ») of one pièce, then « Ajouter »."""
    page = visit.page
    chooser = page.get_by_label(
        re.compile(rf"^(Ajouter un fichier|Remplacer le fichier) : {code} : {re.escape(title)}$")
    )
    chooser.set_input_files(file)
    visit.click(page.get_by_role("button", name=f"Ajouter le fichier de la pièce {code}"), f"piece-{code}-deposee")
    assert "Votre fichier a été déposé." in visit.text(), visit.text()


def _piece(page: Page, code: str) -> Locator:
    """The box of one pièce: the one whose heading names it (« CINSIG01 : Confirmation d'inscription signée »)."""
    boxes = page.locator(".encadre").filter(has=page.get_by_role("heading", name=re.compile(rf"^{code}\b")))
    return boxes.last  # the innermost (its group's box holds it too)


@pytest.mark.rule("ACC-01")
@pytest.mark.rule("ACC-04")
@pytest.mark.rule("ACC-07")
@pytest.mark.rule("ACC-08")
@pytest.mark.rule("ACC-13")
@pytest.mark.rule("CAN-01")
@pytest.mark.rule("CAN-02")
@pytest.mark.rule("CAN-06")
@pytest.mark.rule("CAN-09")
@pytest.mark.rule("CAN-10")
@pytest.mark.rule("CAN-12")
@pytest.mark.rule("CAN-15")
@pytest.mark.rule("CAN-16")
@pytest.mark.rule("CAN-17")
@pytest.mark.rule("DOC-03")
@pytest.mark.rule("JUS-01")
@pytest.mark.rule("JUS-03")
@pytest.mark.rule("JUS-04")
@pytest.mark.rule("JUS-05")
@pytest.mark.rule("MGR-02")
def test_accrall_registers_prints_modifies_and_deposits_his_pieces_until_they_are_controlled(
    database: str, live_server: Callable[..., LiveServer], page: Page, tmp_path: Path
) -> None:
    server = live_server(database)
    manager_added = add_manager(server)  # the CLI runs while the candidate registers
    visit = Visit.open(page, server)

    # Section 3: the account, its activation link read from the .eml file, the login (ACC-01, ACC-04, ACC-07).
    visit.create_account(ACCRALL)
    activation = mail_to(server, ACCRALL.email, "[CYCLADES] Activer mon compte")
    assert activation.first_link().startswith(f"{server.url}activer-mon-compte?jeton=")
    visit.activate(activation.first_link())
    visit.log_in(ACCRALL, from_home=False)
    assert "ACCRALL" in visit.text(), visit.text()

    # Section 6: « M'inscrire », the tabs with E1 kept from 2021 (Bénéfice), the Récapitulatif (CAN-01 … CAN-09).
    visit.choose_session()
    assert visit.tabs() == GUIDE_TABS  # CAN-02
    visit.fill_tabs(acquis_e1=True)
    recap = visit.text()
    e1 = page.get_by_role("row", name=re.compile(r"^E1\b"))
    assert "Bénéfice" in e1.inner_text(), e1.inner_text()
    assert texts_in(e1.inner_text(), ["15.00", "2021", "BESANCON"]) == [], e1.inner_text()  # CAN-16
    assert texts_in(recap, ["ACCRALL", "Aéronautique", "EX.SCOLAIRE", "BACCALAURÉAT GÉNÉRAL", "Russe"]) == []

    # CAN-17: « Visualiser/imprimer » before the save gives the Récapitulatif as a PDF.
    name, data = visit.download(button(page, "Visualiser/imprimer"))
    assert data.startswith(b"%PDF"), name
    assert texts_in(pdf_text(data).upper(), ["RECAPITULATIF D'INSCRIPTION", "ACCRALL"]) == [], pdf_text(data)

    # CAN-10: « Enregistrer », the « N° Inscription » page.
    numero = visit.save()
    assert "Votre inscription a bien été prise en compte le" in numero, numero
    found = CANDIDATE_NUMBER.search(numero)
    assert found is not None, numero
    candidate_number = found.group(1)

    # CAN-12: « Modifier » from Mes inscriptions, a change on Identification, « Enregistrer »: version 02.
    visit.click(link(page, "Quitter"), "mes-inscriptions-version-1")
    assert f"N°Candidat: {candidate_number} ACCRALL Dack Né(e) le 28/11/2004" in visit.text(), visit.text()  # ACC-13
    visit.click(page.get_by_role("link", name=re.compile(r"^Modifier \(inscription")), "modifier-premier-onglet")
    visit.next_tab("Identification")
    field(page, "Téléphone portable").fill("0611223344")
    visit.through_tabs()
    assert "0611223344" in visit.text()
    numero = visit.save()
    assert "Version : 02" in numero, numero

    # CAN-15: « Visualiser/imprimer » on the N° Inscription tab gives the confirmation itself (version 2)…
    name, data = visit.download(link(page, "Visualiser/imprimer"))
    assert data.startswith(b"%PDF"), name
    assert "Version : 2" in pdf_text(data), pdf_text(data)
    # DOC-03: … which « Mes documents » lists too.
    visit.click(link(page, "Mes documents"), "mes-documents")
    name, data = visit.download(page.get_by_role("link", name=re.compile(r"^Confirmation d'inscription")))
    assert data.startswith(b"%PDF"), name
    confirmation = pdf_text(data)
    assert texts_in(confirmation.upper(), ["CONFIRMATION D'INSCRIPTION", "ACCRALL"]) == [], confirmation
    assert candidate_number in confirmation, confirmation

    # Section 11 (JUS-01, JUS-03, JUS-04): both online pièces deposited, then « J'ai fourni toutes mes pièces ».
    visit.click(link(page, "Mes justificatifs"), "mes-pieces-justificatives")
    for title, code in ((CINSIG01, "CINSIG01"), (RELNOT01, "RELNOT01")):
        _deposit(visit, title, code, sample_pdf(tmp_path, f"{code.lower()}.pdf"))
    visit.click(button(page, "J'ai fourni toutes mes pièces"), "pieces-validees")
    assert "Vos pièces ont été validées" in visit.text(), visit.text()
    visit.log_out()

    # The managing service (JUS-05, MGR-02): CINSIG01 « Non conforme » with a comment.
    manager_added()
    visit.goto("/gestion/connexion", "gestion-connexion")
    field(page, "Identifiant :").fill(MANAGER)
    field(page, "Mot de passe :").fill(MANAGER_PASSWORD)
    visit.click(button(page, "Se connecter"), "gestion-candidatures")
    visit.click(page.get_by_role("link", name=re.compile(r"ACCRALL")), "gestion-candidature")
    piece = _piece(page, "CINSIG01")
    field(piece, "Statut de la pièce CINSIG01").select_option(label="Non conforme")
    field(piece, "Information du gestionnaire").fill(COMMENT)
    visit.click(button(piece, "Enregistrer le statut de CINSIG01"), "gestion-piece-non-conforme")
    assert texts_in(piece.inner_text(), ["Non conforme", COMMENT]) == [], piece.inner_text()
    visit.click(link(page, "Journal"), "gestion-journal")
    visit.click(button(page, "Se déconnecter"), "gestion-deconnecte")

    # The candidate sees the status and the comment, deposits CINSIG01 again and validates again (JUS-05).
    visit.log_in(ACCRALL)
    visit.click(page.get_by_role("link", name=re.compile(r"^Mes justificatifs \(inscription")), "pieces-non-conforme")
    piece = _piece(page, "CINSIG01")
    assert texts_in(piece.inner_text(), ["Non conforme", COMMENT]) == [], piece.inner_text()
    _deposit(visit, CINSIG01, "CINSIG01", sample_pdf(tmp_path, "cinsig01-lisible.pdf"))
    visit.click(button(page, "J'ai fourni toutes mes pièces"), "pieces-validees-a-nouveau")
    assert "Vos pièces ont été validées" in visit.text(), visit.text()
    # The saves' mails (CAN-10, CAN-12), relayed meanwhile.
    assert mail_to(server, ACCRALL.email, "[CYCLADES] Confirmation d'inscription")
    assert mail_to(server, ACCRALL.email, "[CYCLADES] Modification de votre inscription")
    visit.assert_no_problem()


@pytest.mark.rule("UNS-01")
@pytest.mark.rule("UNS-02")
@pytest.mark.rule("CAN-13")
def test_dubois_registers_then_withdraws(database: str, live_server: Callable[..., LiveServer], page: Page) -> None:
    server = live_server(database)
    visit = Visit.open(page, server)
    visit.create_account(DUBOIS)
    visit.activate(mail_to(server, DUBOIS.email, "[CYCLADES] Activer mon compte").first_link())
    visit.log_in(DUBOIS, from_home=False)
    visit.choose_session()
    visit.fill_tabs(acquis_e1=False, option="Espagnol")
    numero = visit.save()
    found = INSCRIPTION_NUMBER.search(numero)
    assert found is not None, numero
    visit.click(link(page, "Quitter"), "mes-inscriptions-inscrit")
    withdraw = page.get_by_role("link", name=re.compile(r"^Se désinscrire \(inscription"))
    visit.click(withdraw, "desinscription-confirmation")
    visit.click(button(page, "Confirmer la désinscription"), "mes-inscriptions-desinscrit")
    assert f"n° {found.group(1)}" in visit.text(), visit.text()  # the message names the withdrawn inscription
    assert page.get_by_role("region", name=re.compile(r"^BREVET DE TECHNICIEN SUPERIEUR")).count() == 0, visit.text()
    withdrawal = mail_to(server, DUBOIS.email, "[CYCLADES] Confirmation de votre désinscription")
    assert "désinscri" in withdrawal.text.lower(), withdrawal.text
    visit.assert_no_problem()


@pytest.mark.rule("POR-02")
def test_a_pupil_logs_in_with_its_papillon_and_validates_its_preinscription(
    database: str, live_server: Callable[..., LiveServer], page: Page
) -> None:
    server = live_server(database)
    login, initial_password = register_pupil(server)
    visit = Visit.open(page, server)
    visit.goto("/", "accueil")
    visit.click(link(page, "papillon de connexion"), "scolaire-connexion")
    field(page, "Identifiant de connexion :").fill(login)
    field(page, "Mot de passe :").fill(initial_password)
    visit.click(button(page, "Se connecter"), "scolaire-mot-de-passe")
    field(page, "Mot de passe initial").fill(initial_password)
    field(page, "Nouveau mot de passe").fill(NEW_PUPIL_PASSWORD)
    field(page, "Confirmation du mot de passe").fill(NEW_PUPIL_PASSWORD)
    visit.click(button(page, "Modifier mon mot de passe"), "scolaire-preinscription")
    assert texts_in(visit.text(), ["Préinscription", "DUPONT Marie"]) == [], visit.text()
    visit.click(
        page.get_by_role("link", name=re.compile(r"^Valider ma préinscription")), "preinscription-premier-onglet"
    )
    visit.through_tabs()
    visit.save()
    visit.click(link(page, "Quitter"), "mes-inscriptions-scolaire")
    card = page.get_by_role("region", name=re.compile(r"^BREVET DE TECHNICIEN SUPERIEUR"))
    assert "Inscrit" in card.inner_text(), card.inner_text()
    assert "Préinscription" not in card.inner_text(), card.inner_text()
    visit.assert_no_problem()
