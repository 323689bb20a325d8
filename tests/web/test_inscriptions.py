"""Guide sections 8 « MES INSCRIPTIONS » and 12 « SE DESINSCRIRE » on the web: the page after login, its cards and
their actions, « Mon inscription », the withdrawal with its confirmation, and its refusal after the closing date."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import pytest
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core import CandidatureState, MailKind, Manager
from cyclades_core.testing import ManualClock
from tests.candidature_support import fill
from tests.web.support import ACCRALL, PASSWORD, csrf_of, post, signed_in
from tests.web.support_scolaire import register_accrall, session_cookie

BESANCON = Manager("gestionnaire-besancon", ("03",))
OTHER = {**ACCRALL, "birth_name": "DUBOIS", "birth_name_confirmation": "DUBOIS", "first_names": "Pierre",
         "email": "pdubois@ac-rennes.fr", "email_confirmation": "pdubois@ac-rennes.fr"}  # fmt: skip


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, (answer.status_code, answer.headers.get("Location"))
    return answer.get_data(as_text=True)


def card_section(html: str, candidature_id: str) -> str:
    found = re.search(rf'<section class="encadre carte-inscription" aria-labelledby="carte-{candidature_id}">.*?'
                      r"</section>", html, re.S)  # fmt: skip
    assert found is not None, "no card for this candidature"
    return found.group(0)


def relogin(client: FlaskClient) -> None:
    answer = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD})
    assert answer.status_code == 303


@pytest.fixture
def registered(client: FlaskClient, portal: Portal) -> str:
    """ACCRALL Dack, signed in, with the guide's candidature saved (inscription n° 001)."""
    signed_in(client, portal)
    return register_accrall(client, portal)


# -- Mes inscriptions ------------------------------------------------------------------------------------------


@pytest.mark.rule("ACC-13")
def test_after_login_mes_inscriptions_shows_the_header_and_the_guides_sentence_when_empty(
    client: FlaskClient, portal: Portal
) -> None:
    """« N°Candidat: 02235030276 ACCRALL Dack Né(e) le 28/11/2004 » … « Vous n'avez aucune candidature active. »"""
    signed_in(client, portal)
    html = page(client, "/mes-inscriptions")
    assert re.search(r"N°Candidat: \d{11} ACCRALL Dack Né\(e\) le 28/11/2004", html)
    assert "Vous n&#39;avez aucune candidature active." in html
    assert '<a class="bouton bouton-principal" href="/inscription/nouvelle">' in html
    assert "Ajouter une nouvelle candidature</a>" in html
    assert html.count("<h1>") == 1
    assert "carte-inscription" not in html


@pytest.mark.rule("ACC-13")
def test_mes_inscriptions_without_a_session_leads_to_the_login(client: FlaskClient) -> None:
    answer = client.get("/mes-inscriptions")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/connexion?suite=/mes-inscriptions"


@pytest.mark.rule("CAN-13")
def test_a_saved_candidature_has_its_card_with_everything_and_every_action_while_open(
    client: FlaskClient, registered: str
) -> None:
    html = page(client, "/mes-inscriptions")
    assert "aucune candidature active" not in html
    card = card_section(html, registered)
    for text in ("BREVET DE TECHNICIEN SUPERIEUR — BTS 2022", "<dt>Académie</dt><dd>ACADÉMIE DE BESANCON</dd>",
                 "<dt>Spécialité</dt><dd>Aéronautique (32025)</dd>", "<dt>N° inscription</dt><dd>001</dd>",
                 "<dt>État</dt><dd>Inscrit</dd>", "<dt>Version</dt><dd>Version 01</dd>"):  # fmt: skip
        assert text in card
    for href in (f"/mon-inscription/{registered}", f"/inscription/{registered}/modifier",
                 f"/mes-documents/{registered}", f"/mes-pieces-justificatives/{registered}",
                 f"/desinscription/{registered}"):  # fmt: skip
        assert f'href="{href}"' in card
    # « Via Mes justificatifs, j'accède à la liste des pièces à fournir pour chaque candidature. »
    for label in ("Mon inscription", "Modifier", "Mes documents", "Mes justificatifs", "Se désinscrire"):
        assert f'{label}<span class="visuellement-cache"> (inscription n° 001)</span></a>' in card


@pytest.mark.rule("CAN-14")
def test_the_envelope_shows_until_the_documents_are_opened(
    client: FlaskClient, portal: Portal, registered: str
) -> None:
    """« Sur mon inscription, je peux voir une icône « enveloppe » … (documents à visualiser, demande de PJ...) »"""
    card = card_section(page(client, "/mes-inscriptions"), registered)
    assert "(documents à visualiser, demande de PJ...)" in card
    token = session_cookie(client)
    for document in portal.candidatures.documents(token, registered):
        portal.candidatures.open_document(token, registered, document.kind)
    assert "demande de PJ" not in card_section(page(client, "/mes-inscriptions"), registered)


@pytest.mark.rule("CAN-12")
def test_a_modification_shows_version_02_on_the_card(client: FlaskClient, portal: Portal, registered: str) -> None:
    """« Lorsque j'enregistre mes modifications : Le numéro de version de l'inscription devient Version 02 »"""
    token = session_cookie(client)
    draft = fill(portal, portal.candidatures.edit(token, registered), [None] * 7)
    portal.candidatures.save(token, draft)
    assert "<dd>Version 02</dd>" in card_section(page(client, "/mes-inscriptions"), registered)


@pytest.mark.rule("CAN-12", "UNS-04")
def test_after_the_closing_date_the_card_can_be_consulted_but_neither_modified_nor_withdrawn(
    client: FlaskClient, clock: ManualClock, registered: str
) -> None:
    clock.advance(timedelta(days=31))  # the demo service closes 30 days after the test's start
    relogin(client)
    card = card_section(page(client, "/mes-inscriptions"), registered)
    assert f'href="/mon-inscription/{registered}"' in card
    assert f'href="/mes-documents/{registered}"' in card
    assert "/modifier" not in card
    assert "/desinscription/" not in card


@pytest.mark.rule("CAN-13")
def test_mes_inscriptions_lists_only_the_accounts_own_candidatures(
    app: object, client: FlaskClient, portal: Portal, registered: str
) -> None:
    other = app.test_client()  # type: ignore[attr-defined]
    signed_in(other, portal, OTHER)
    html = page(other, "/mes-inscriptions")
    assert "aucune candidature active" in html
    assert registered not in html


# -- Mon inscription -------------------------------------------------------------------------------------------


@pytest.mark.rule("CAN-12", "CAN-09")
def test_mon_inscription_shows_the_recapitulatif_as_the_guide_prints_it(client: FlaskClient, registered: str) -> None:
    """« En cliquant sur le bouton Mon inscription, l'onglet Récapitulatif est accessible en mode Consultation. »"""
    html = page(client, f"/mon-inscription/{registered}")
    assert html.count("<h1>") == 1
    assert "<h1>Mon inscription</h1>" in html
    assert "Version : 1 du 10/11/2021 à 10:00" in html  # the save at 09:00 UTC, 10:00 in Paris
    assert re.search(r'<th scope="row">N° candidat</th><td>\d{11}</td>', html)
    assert '<th scope="row">N° inscription</th><td>001</td>' in html
    assert '<th scope="row">Créée le</th><td>10/11/2021 10:00</td>' in html
    assert '<th scope="row">Académie de destination</th><td>-</td>' in html
    order = [html.index(f"<h2>{title}</h2>") for title in (
        "Qualification présentée", "Identification du candidat", "Adresse et contact", "Situation du candidat",
        "Informations candidature", "Diplôme possédé", "Acquis déclarés", "Epreuves")]  # fmt: skip
    assert order == sorted(order)
    assert '<th scope="row">Nom de famille <small>Nom de naissance</small></th><td>ACCRALL</td>' in html
    assert '<th scope="row">Nom d&#39;usage <small>Nom marital par exemple</small></th><td>-</td>' in html
    assert '<th scope="row">Spécialité</th><td>Aéronautique</td>' in html
    assert "<h3>Session normale 1er groupe</h3>" in html
    assert "<h3>Session normale 2nd groupe</h3>" in html
    assert "<caption>Epreuve(s) facultative(s)</caption>" in html
    assert "E1 - Culture générale et expression <small>Académie d'obtention: BESANCON</small>" in html
    assert "Note: 15.00 Année d&#39;obtention: 2021" in html
    assert '<th scope="row">EF1 - Langue vivante 2 - Russe</th>' in html
    assert "pas encore enregistrée" not in html  # saved: no warning
    assert '<form method="post" action="/mon-inscription' not in html  # read-only
    # the guide's épreuve lines carry no heading of their own; the table's are its words (« Mode évaluation »)
    assert '<th scope="col">Epreuve</th><th scope="col">Position</th><th scope="col">Mode évaluation</th>' in html


@pytest.mark.rule("CAN-12", "CAN-15")
def test_mon_inscription_s_visualiser_imprimer_gives_the_saved_recapitulatif(
    client: FlaskClient, registered: str
) -> None:
    """« L'écran est le même que celui présenté précédemment »: the Récapitulatif in consultation mode keeps its
    « Visualiser/imprimer », which gives the « RECAPITULATIF D'INSCRIPTION » of the saved version."""
    html = page(client, f"/mon-inscription/{registered}")
    path = f"/mon-inscription/{registered}/recapitulatif-inscription.pdf"
    assert f'<a class="bouton bouton-principal" href="{path}" download>Visualiser/imprimer</a>' in html
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Cache-Control"] == "no-store"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(answer.data)).pages)
    assert "RECAPITULATIF D'INSCRIPTION" in text
    assert "Version : 1 du 10/11/2021" in text
    assert "Inscription n° : 001" in text
    assert "pas encore enregistrée" not in text


@pytest.mark.rule("CAN-12")
def test_another_accounts_or_an_unknown_candidature_is_not_found(app: object, portal: Portal, registered: str) -> None:
    other = app.test_client()  # type: ignore[attr-defined]
    signed_in(other, portal, OTHER)
    for path in (f"/mon-inscription/{registered}", "/mon-inscription/inconnue", f"/desinscription/{registered}",
                 f"/mon-inscription/{registered}/recapitulatif-inscription.pdf"):  # fmt: skip
        answer = other.get(path)
        assert answer.status_code == 404, path
        assert "Candidature introuvable." in answer.get_data(as_text=True)
    answer = post(other, f"/desinscription/{registered}", {"confirmation": "oui"})
    assert answer.status_code == 404
    assert portal.management.candidatures(BESANCON)[0].state is CandidatureState.ACTIVE


# -- Se désinscrire --------------------------------------------------------------------------------------------


@pytest.mark.rule("UNS-01")
def test_the_withdrawal_page_asks_the_guides_question_with_a_confirmation_form(
    client: FlaskClient, registered: str
) -> None:
    html = page(client, f"/desinscription/{registered}")
    assert "Confirmez-vous la suppression de cette candidature (désinscription) ? La candidature ne sera plus " \
           "visible et un mail vous confirmera la désinscription." in html  # fmt: skip
    assert f'<form method="post" action="/desinscription/{registered}"' in html
    assert 'name="confirmation" value="oui"' in html
    assert 'name="csrf_token"' in html
    assert "<dt>N° inscription</dt><dd>001</dd>" in html
    assert '<a class="bouton bouton-secondaire" href="/mes-inscriptions">Annuler</a>' in html


@pytest.mark.rule("UNS-01")
def test_a_withdrawal_without_the_confirmation_changes_nothing(
    client: FlaskClient, portal: Portal, registered: str
) -> None:
    answer = post(client, f"/desinscription/{registered}", {}, page=f"/desinscription/{registered}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Confirmez la désinscription." in html
    assert 'href="#confirmation"' in html  # the error summary leads to the confirmation button
    assert "Confirmez-vous la suppression" in html  # the question again
    assert card_section(page(client, "/mes-inscriptions"), registered)
    assert portal.management.candidatures(BESANCON)[0].state is CandidatureState.ACTIVE
    assert not [m for m in portal.outbox.pending() if m.kind is MailKind.WITHDRAWAL]


@pytest.mark.rule("UNS-01")
def test_a_withdrawal_without_the_csrf_token_changes_nothing(
    client: FlaskClient, portal: Portal, registered: str
) -> None:
    answer = client.post(f"/desinscription/{registered}", data={"confirmation": "oui"})
    assert answer.status_code == 403
    assert portal.management.candidatures(BESANCON)[0].state is CandidatureState.ACTIVE


@pytest.mark.rule("UNS-02", "UNS-05")
def test_a_confirmed_withdrawal_hides_the_card_sends_the_mail_and_the_manager_sees_it(
    client: FlaskClient, portal: Portal, registered: str
) -> None:
    """« La candidature ne sera alors plus visible. Un mail confirmant ma désinscription m'est également adressé. »"""
    token = csrf_of(client, f"/desinscription/{registered}")
    answer = client.post(f"/desinscription/{registered}", data={"confirmation": "oui", "csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/mes-inscriptions"
    html = page(client, "/mes-inscriptions")
    assert "Votre désinscription est enregistrée : la candidature n° 001 n&#39;est plus visible." in html
    assert "Vous n&#39;avez aucune candidature active." in html
    assert registered not in html
    [mail] = [m for m in portal.outbox.pending() if m.kind is MailKind.WITHDRAWAL]
    assert mail.recipient == ACCRALL["email"]
    [row] = portal.management.candidatures(BESANCON)
    assert row.state_label == "Désinscrit par le candidat"
    assert client.get(f"/mon-inscription/{registered}").status_code == 404


@pytest.mark.rule("UNS-03")
def test_after_a_withdrawal_a_new_candidature_can_be_made_from_the_same_account(
    client: FlaskClient, portal: Portal, registered: str
) -> None:
    post(client, f"/desinscription/{registered}", {"confirmation": "oui"}, page=f"/desinscription/{registered}")
    again = register_accrall(client, portal)
    card = card_section(page(client, "/mes-inscriptions"), again)
    assert "<dt>N° inscription</dt><dd>002</dd>" in card


@pytest.mark.rule("UNS-04")
def test_after_the_closing_date_the_withdrawal_is_refused_with_the_guides_message(
    client: FlaskClient, portal: Portal, clock: ManualClock, registered: str
) -> None:
    """« Après fermeture des inscriptions, je ne peux plus me désinscrire par mes propres moyens. Pour cela, je
    contacte le service Gestionnaire dont les coordonnées figurent sur mon récapitulatif d'inscription. »"""
    clock.advance(timedelta(days=31))
    relogin(client)
    refused = client.get(f"/desinscription/{registered}")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Après la fermeture des inscriptions, vous ne pouvez plus vous désinscrire par vos propres moyens. " \
           "Contactez le service gestionnaire dont les coordonnées figurent sur votre récapitulatif d&#39;inscription." \
           in html  # fmt: skip
    assert 'name="confirmation"' not in html  # no form to confirm
    answer = post(client, f"/desinscription/{registered}", {"confirmation": "oui"})
    assert answer.status_code == 403
    assert "Après la fermeture des inscriptions" in answer.get_data(as_text=True)
    assert portal.management.candidatures(BESANCON)[0].state is CandidatureState.ACTIVE
    assert card_section(page(client, "/mes-inscriptions"), registered)
