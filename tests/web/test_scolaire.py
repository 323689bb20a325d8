"""The scolaire candidate on the web (POR-02, C6): the papillon's login, the forced change of the initial password,
then its préinscription to read and validate."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core import CandidatureState, ScolaireCredentials
from tests.candidature_support import fill
from tests.web.support import post
from tests.web.support_scolaire import NEW_PASSWORD, papillon, session_cookie


@pytest.fixture
def pupil(portal: Portal) -> ScolaireCredentials:
    return papillon(portal)


def papillon_login(client: FlaskClient, credentials: ScolaireCredentials, password: str | None = None):  # type: ignore[no-untyped-def]
    data = {"login": credentials.login, "password": password or credentials.initial_password}
    return post(client, "/scolaire/connexion", data, page="/scolaire/connexion")


def change_password(client: FlaskClient, current: str, new: str = NEW_PASSWORD, confirmation: str | None = None):  # type: ignore[no-untyped-def]
    data = {"current_password": current, "new_password": new, "new_password_confirmation": confirmation or new}
    return post(client, "/scolaire/mot-de-passe", data, page="/scolaire/mot-de-passe")


@pytest.fixture
def ready(client: FlaskClient, pupil: ScolaireCredentials) -> ScolaireCredentials:
    """The pupil logged in with its papillon and its password changed."""
    assert papillon_login(client, pupil).status_code == 303
    assert change_password(client, pupil.initial_password).status_code == 303
    return pupil


@pytest.mark.rule("POR-02")
def test_the_papillon_login_page_says_to_use_the_papillon_not_to_create_an_account(client: FlaskClient) -> None:
    """« Je suis candidat scolaire inscrit par mon établissement : je ne dois pas créer de compte mais utiliser le
    papillon de connexion fourni par mon établissement. »"""
    html = client.get("/scolaire/connexion").get_data(as_text=True)
    assert ("Je suis candidat scolaire inscrit par mon établissement : je ne dois pas créer de compte mais utiliser "
            "le papillon de connexion fourni par mon établissement.") in html  # fmt: skip
    assert "Si vous avez été inscrit par votre établissement" in html
    assert '<label for="login">Identifiant de connexion :' in html
    assert '<label for="password">Mot de passe :' in html
    assert "dupont.marie3" in html
    assert html.count("<h1>") == 1
    assert "/creer-mon-compte" not in html.split("<main", 1)[1]


@pytest.mark.rule("POR-02")
def test_a_wrong_papillon_password_is_refused_and_the_login_kept(
    client: FlaskClient, pupil: ScolaireCredentials
) -> None:
    answer = papillon_login(client, pupil, "Mauvais*Mot2passe")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "Identifiant de connexion ou mot de passe incorrect." in html
    assert f'value="{pupil.login}"' in html
    assert client.get_cookie("cyclades_session") is None


@pytest.mark.rule("POR-02", "C6")
def test_the_pupil_logs_in_with_its_papillon_and_must_first_change_its_password(
    client: FlaskClient, portal: Portal, pupil: ScolaireCredentials
) -> None:
    assert re.fullmatch(r"dupont\.marie\d+", pupil.login)
    answer = papillon_login(client, pupil)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/scolaire/mot-de-passe"
    for path in ("/mes-inscriptions", "/scolaire/preinscription", "/mon-inscription/x", "/desinscription/x"):
        refused = client.get(path)
        assert refused.status_code == 303, path
        assert refused.headers["Location"] == "/scolaire/mot-de-passe", path
    assert client.get_cookie("cyclades_session") is not None  # the session stays: it opens the password form only
    html = client.get("/scolaire/mot-de-passe").get_data(as_text=True)
    assert "Modifier mon mot de passe initial" in html
    assert '<label for="current_password">Mot de passe initial' in html
    assert "8 à 20 caractères dont majuscule, minuscule et caractère spécial" in html


@pytest.mark.rule("POR-02", "C6")
def test_the_general_login_page_also_sends_the_pupil_to_the_password_form(
    client: FlaskClient, pupil: ScolaireCredentials
) -> None:
    answer = post(client, "/connexion", {"identifier": pupil.login, "password": pupil.initial_password})
    assert answer.headers["Location"] == "/scolaire/mot-de-passe"


@pytest.mark.rule("C6")
def test_a_refused_password_change_names_the_field_and_changes_nothing(
    client: FlaskClient, pupil: ScolaireCredentials
) -> None:
    papillon_login(client, pupil)
    wrong = change_password(client, "Pas*LeBon1")
    assert wrong.status_code == 400
    assert 'id="current_password-erreur"' in wrong.get_data(as_text=True)
    weak = change_password(client, pupil.initial_password, "azerty")
    html = weak.get_data(as_text=True)
    assert weak.status_code == 400
    assert 'id="new_password-erreur"' in html
    assert "azerty" not in html
    mismatch = change_password(client, pupil.initial_password, NEW_PASSWORD, "Autre#Mot9")
    assert mismatch.status_code == 400
    assert client.get("/mes-inscriptions").headers["Location"] == "/scolaire/mot-de-passe"  # still to change


@pytest.mark.rule("POR-02", "C6")
def test_after_the_change_the_pupil_reads_its_preinscription_and_is_led_to_validate_it(
    client: FlaskClient, portal: Portal, pupil: ScolaireCredentials
) -> None:
    papillon_login(client, pupil)
    answer = change_password(client, pupil.initial_password)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/scolaire/preinscription"
    html = client.get("/scolaire/preinscription").get_data(as_text=True)
    assert "Votre mot de passe a été modifié." in html
    assert re.search(r"N°Candidat: \d{11} DUPONT Marie Né\(e\) le 02/03/2005", html)
    assert "<dt>État</dt><dd>Préinscription</dd>" in html
    assert "<dt>Spécialité</dt><dd>Banque - conseiller de clientèle (31310)</dd>" in html
    assert "<h3>Qualification présentée</h3>" in html  # its Récapitulatif, under the card's heading
    assert "EF1 - Langue vivante 2 - Espagnol" in html
    [card] = portal.candidatures.mes_inscriptions(session_cookie(client)).cards
    assert f'href="/inscription/{card.candidature_id}/modifier">Valider ma préinscription' in html
    assert html.count("<h1>") == 1
    assert client.get("/scolaire/mot-de-passe").headers["Location"] == "/mon-compte"  # nothing more to force
    assert papillon_login(FlaskClient(client.application), pupil).status_code == 401  # the initial password is gone


@pytest.mark.rule("POR-02", "UNS-01")
def test_the_pupils_card_offers_the_validation_but_no_withdrawal(
    client: FlaskClient, portal: Portal, ready: ScolaireCredentials
) -> None:
    [card] = portal.candidatures.mes_inscriptions(session_cookie(client)).cards
    html = client.get("/mes-inscriptions").get_data(as_text=True)
    assert "<dt>État</dt><dd>Préinscription</dd>" in html
    assert f'href="/inscription/{card.candidature_id}/modifier">Valider ma préinscription' in html
    assert "/desinscription/" not in html
    refused = client.get(f"/desinscription/{card.candidature_id}")
    assert refused.status_code == 403
    assert "Seul un candidat individuel peut se désinscrire lui-même." in refused.get_data(as_text=True)


@pytest.mark.rule("POR-02")
def test_once_validated_the_preinscription_is_an_inscription(
    client: FlaskClient, portal: Portal, ready: ScolaireCredentials
) -> None:
    """The core validates as it saves a modification: « Modifier », « Suivant » through the tabs, « Enregistrer »
    (the form's pages are another section's; the same calls are made here with the browser's session)."""
    token = session_cookie(client)
    [card] = portal.candidatures.mes_inscriptions(token).cards
    draft = fill(portal, portal.candidatures.edit(token, card.candidature_id), [None] * 7)
    assert portal.candidatures.save(token, draft).version == 2
    html = client.get("/scolaire/preinscription").get_data(as_text=True)
    assert "Vous n'avez aucune préinscription à valider." in html
    home = client.get("/mes-inscriptions").get_data(as_text=True)
    assert "<dt>État</dt><dd>Inscrit</dd>" in home
    assert "<dd>Version 02</dd>" in home
    assert "Valider ma préinscription" not in home
    [validated] = portal.candidatures.mes_inscriptions(token).cards
    assert validated.state is CandidatureState.ACTIVE
