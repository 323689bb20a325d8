"""Guide section 3 on the web: create an account, follow the mail's link, log in, land on Mes inscriptions."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from tests.candidature_support import register
from tests.web.support import ACCRALL, BASE_URL, PASSWORD, csrf_of, mail_link, post, signed_in


@pytest.mark.rule("ACC-01")
def test_the_creation_page_shows_the_guides_fields_each_with_its_label(client: FlaskClient) -> None:
    page = client.get("/creer-mon-compte").get_data(as_text=True)
    for label in ("Nom de famille", "Confirmation du nom de naissance", "Date de naissance", "Exemple: 30/05/1998",
                  "Département, DOM ou COM de naissance", "Commune de naissance", "Exemple: nom.prenom@domaine.fr",
                  "8 à 20 caractères dont majuscule, minuscule et caractère spécial (exemple : . / ! * etc...)"):  # fmt: skip
        assert label in page
    assert '<label for="birth_name">' in page
    assert 'id="birth_name"' in page
    assert '<option value="99100" selected>France (dont Outre-mer)</option>' in page  # « Pays de naissance* : … »


@pytest.mark.rule("ACC-01")
def test_a_refused_creation_names_each_field_next_to_it_and_in_the_summary(client: FlaskClient) -> None:
    answer = post(client, "/creer-mon-compte", {**ACCRALL, "birth_name_confirmation": "ACCRAL", "password": "azerty",
                                                 "password_confirmation": "azerty"}, page="/creer-mon-compte")  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'class="resume-erreurs"' in page
    assert "autofocus" in page
    assert 'id="birth_name_confirmation-erreur"' in page
    assert 'id="password-erreur"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="ACCRALL"' in page  # what was typed is kept…
    assert "azerty" not in page  # …but never a password


@pytest.mark.rule("ACC-01")
@pytest.mark.rule("ACC-06")
def test_the_creation_form_and_its_confirmation_carry_the_guide_s_buttons(client: FlaskClient, portal: Portal) -> None:
    """« Formulaire de création » … « J'ai déjà un compte » … « Créer le compte »; then « Confirmation de réception de
    mail » with « J'ai bien reçu le mail » and « Je n'ai pas reçu le mail, effectuer un nouvel envoi », which sends
    the link again to the address just typed."""
    page = client.get("/creer-mon-compte").get_data(as_text=True)
    assert "<h1>Formulaire de création</h1>" in page
    assert '<a href="/connexion">J\'ai déjà un compte</a>' in page
    assert ">Créer le compte</button>" in page
    created = post(client, "/creer-mon-compte", ACCRALL, page="/creer-mon-compte")
    confirmation = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Vous allez recevoir un mail à l&#39;adresse accrall@ac-rennes.fr" in confirmation
    assert '<a class="bouton bouton-principal" href="/connexion">J\'ai bien reçu le mail</a>' in confirmation
    assert ">Je n&#39;ai pas reçu le mail, effectuer un nouvel envoi</button>" in confirmation
    assert 'name="email" value="accrall@ac-rennes.fr"' in confirmation
    [first] = portal.outbox.pending()
    again = post(client, "/renvoyer-le-lien", {"email": "accrall@ac-rennes.fr"}, page="/creer-mon-compte")
    assert again.status_code == 200
    assert "un nouveau lien d'activation lui a été envoyé" in again.get_data(as_text=True)
    resent = portal.outbox.pending()[-1]
    assert resent.recipient == "accrall@ac-rennes.fr"
    assert mail_link(resent) != mail_link(first)
    assert client.get("/compte-en-cours-de-creation").status_code == 303  # shown once: nothing left in the cookie


@pytest.mark.rule("ACC-01")
def test_the_commune_search_works_without_javascript(client: FlaskClient) -> None:
    answer = post(client, "/creer-mon-compte", {**ACCRALL, "birth_commune": "MAY-SUR", "action": "rechercher-commune"},
                  page="/creer-mon-compte")  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert '<select id="birth_commune"' in page
    assert "MAY-SUR-ORNE" in page


@pytest.mark.rule("ACC-07")
def test_the_mail_link_leads_to_the_activation_page_which_consumes_nothing_until_the_click(
    client: FlaskClient, portal: Portal
) -> None:
    post(client, "/creer-mon-compte", ACCRALL, page="/creer-mon-compte")
    [mail] = portal.outbox.pending()
    link = mail_link(mail)
    assert link.startswith(f"{BASE_URL}/activer-mon-compte?jeton=")
    path = link.removeprefix(BASE_URL)
    for _ in range(3):  # a mail scanner following the link activates nothing (B5)
        assert client.get(path).status_code == 200
    refused = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD})
    assert refused.status_code == 401
    token = path.split("jeton=", 1)[1]
    assert post(client, "/activer-mon-compte", {"jeton": token}).status_code == 303
    assert post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD}).status_code == 303


@pytest.mark.rule("ACC-13")
def test_after_the_login_the_candidate_reaches_mes_inscriptions(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    assert client.get("/connexion").headers["Location"].endswith("/mes-inscriptions")


@pytest.mark.rule("ACC-10")
def test_the_reset_mail_link_opens_the_new_password_form(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    answer = post(client, "/mot-de-passe-oublie", {"identifier": ACCRALL["email"]}, page="/mot-de-passe-oublie")
    assert "Vous allez recevoir un mail sur votre mail de contact (acc***@ac-rennes.fr)" in answer.get_data(
        as_text=True
    )
    link = mail_link(portal.outbox.pending()[-1])
    assert link.startswith(f"{BASE_URL}/modifier-mon-mot-de-passe?jeton=")
    path = link.removeprefix(BASE_URL)
    assert client.get(path).status_code == 200
    token = path.split("jeton=", 1)[1]
    done = post(client, "/modifier-mon-mot-de-passe",
                {"jeton": token, "new_password": "Autre*Mot9", "new_password_confirmation": "Autre*Mot9"})  # fmt: skip
    assert done.status_code == 303
    assert post(client, "/connexion", {"identifier": ACCRALL["email"], "password": "Autre*Mot9"}).status_code == 303


@pytest.mark.rule("ACC-10")
def test_an_empty_reset_identifier_is_named_next_to_its_field(client: FlaskClient, portal: Portal) -> None:
    """« Identifiant de connexion : * »: an empty field is refused, not answered « Vous allez recevoir un mail… »."""
    answer = post(client, "/mot-de-passe-oublie", {"identifier": "  "})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="identifier-erreur"' in page
    assert "Identifiant de connexion : Ce champ est obligatoire." in page  # the summary names the field
    assert "Vous allez recevoir un mail" not in page
    assert portal.outbox.pending() == []


def test_every_form_carries_a_csrf_token(client: FlaskClient) -> None:
    for path in ("/creer-mon-compte", "/connexion", "/mot-de-passe-oublie", "/renvoyer-le-lien"):
        assert len(csrf_of(client, path)) == 64


@pytest.mark.rule("ACC-11")
def test_once_a_candidature_exists_mon_compte_shows_the_identity_read_only(client: FlaskClient, portal: Portal) -> None:
    """« Dès qu'une candidature existe, seuls l'adresse mail et le mot de passe sont modifiables. »"""
    signed_in(client, portal)
    before = client.get("/mon-compte").get_data(as_text=True)
    assert 'action="/mon-compte/identite"' in before
    token = client.get_cookie("cyclades_session")
    assert token is not None
    register(portal, token.value)
    after = client.get("/mon-compte").get_data(as_text=True)
    assert 'action="/mon-compte/identite"' not in after
    assert "<dt>Nom de famille</dt><dd>ACCRALL</dd>" in after
    assert "<dt>Département, DOM ou COM de naissance</dt><dd>014 - Calvados</dd>" in after
    assert 'action="/mon-compte/email"' in after
    assert 'action="/mon-compte/mot-de-passe"' in after


@pytest.mark.rule("ACC-11")
def test_once_a_candidature_exists_mon_compte_shows_the_service_to_contact_at_the_top(
    client: FlaskClient, portal: Portal
) -> None:
    """« Si une autre information est erronée, je dois contacter le service gestionnaire dont les coordonnées sont
    indiquées en haut de la page ou sur mon récapitulatif d'inscription. »"""
    signed_in(client, portal)
    assert 'aria-label="Service gestionnaire"' not in client.get("/mon-compte").get_data(as_text=True)
    token = client.get_cookie("cyclades_session")
    assert token is not None
    register(portal, token.value)  # at Besançon, the guide's example
    page = client.get("/mon-compte").get_data(as_text=True)
    service = page.index('aria-label="Service gestionnaire"')
    assert service < page.index("Je peux tout modifier avant de créer ma première candidature.")  # at the top
    assert (
        "<address>ACADÉMIE DE BESANCON<br>Recteur<br>1 chemin de l&#39;olivier<br>25000 BESANCON<br>"
        "Tel : 03 83 03 03 03<br>sactBesancon@ac-besancon.fr</address>"
    ) in page
    assert "coordonnées sont indiquées en haut de la page ou sur votre récapitulatif d'inscription" in page
