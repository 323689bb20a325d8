"""Guide sections 6 « S'INSCRIRE A UN EXAMEN » and 7 « CONFIRMATION D'INSCRIPTION » on the web: « M'inscrire », the
form's tabs one page each, the Récapitulatif with « Visualiser/imprimer » and « Enregistrer », the « N° Inscription »
page, « Modifier »."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from attrs import evolve
from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core import Period
from cyclades_core.testing import ManualClock
from tests.candidature_support import open_second_session
from tests.web.support import ACCRALL, PASSWORD, post, signed_in
from tests.web.support_inscription import (
    ACQUIS_E1,
    CHOICE,
    IDENTIFICATION,
    INFORMATIONS,
    current_tab,
    form_of,
    press,
    start,
    text,
    through_tabs,
    to_recapitulatif,
)

GUIDE_TABS = (
    "1 - Candidatures précédentes", "2 - Identification", "3 - Informations candidature",
    "4 - Qualification présentée", "5 - Acquis", "6 - Diplôme possédé", "7 - Epreuves", "8 - Récapitulatif",
    "9 - N° Inscription",
)  # fmt: skip
OTHER = {**ACCRALL, "birth_name": "DUBOIS", "birth_name_confirmation": "DUBOIS", "first_names": "Pierre",
         "email": "pdubois@ac-rennes.fr", "email_confirmation": "pdubois@ac-rennes.fr"}  # fmt: skip


@pytest.fixture
def candidate(client: FlaskClient, portal: Portal) -> FlaskClient:
    signed_in(client, portal)
    return client


def _saved(client: FlaskClient) -> str:
    """The guide's example saved through the pages; returns the candidature's id."""
    recap = to_recapitulatif(client, start(client))
    saved = press(client, recap, None, action="/inscription/enregistrer")
    assert saved.status_code == 303, text(saved)
    found = re.fullmatch(r"/inscription/([0-9a-f]+)/numero", saved.headers["Location"])
    assert found is not None, saved.headers["Location"]
    return found.group(1)


def _close(portal: Portal, academie: str = "03") -> None:
    catalogue = portal.catalogue.catalogue
    service = catalogue.service("BTS-2022", academie)
    assert service is not None
    now = portal.clock.now()
    catalogue.put(evolve(service, period=Period(now - timedelta(days=10), now - timedelta(minutes=1))))


# -- M'inscrire ---------------------------------------------------------------------------------------------------


def test_a_visitor_without_a_session_is_sent_to_the_login(client: FlaskClient) -> None:
    answer = client.get("/inscription/nouvelle")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/connexion?suite=")


@pytest.mark.rule("CAN-01")
@pytest.mark.rule("SVC-03")
def test_the_choice_lists_each_academie_with_its_opening_sentence_and_the_residence_hint(
    candidate: FlaskClient,
) -> None:
    """« je sélectionne, au travers de différents choix successifs, l'examen auquel je souhaite m'inscrire. Je peux
    alors visualiser les dates d'ouvertures d'inscription pour cette académie »."""
    first = text(candidate.get("/inscription/nouvelle"))
    assert "Sur quoi et où voulez-vous vous inscrire ?" in first
    assert 'href="/inscription/nouvelle?domaine=Examen"' in first
    page = text(candidate.get("/inscription/nouvelle?domaine=Examen&examen=BTS&session=BTS-2022"))
    for academie in ("ACADÉMIE DE BESANCON - (2022-06)", "ACADÉMIE DE TOULOUSE - (2022-06)"):
        assert academie in page
    assert "LYON" not in page  # the guide's third académie: no contact to print, not opened by the example
    assert page.count("Les inscriptions sont ouvertes du 09 novembre 2021 10:00 au 10 décembre 2021 10:00 "
                      "(heure de Paris).") == 2  # fmt: skip
    assert "Vous devez sélectionner l'académie correspondant à votre lieu de résidence." in page
    chosen = text(candidate.get(CHOICE))
    assert "Résumé de la sélection" in chosen
    for step in ("Examen", "BREVET DE TECHNICIEN SUPERIEUR", "BTS 2022", "ACADÉMIE DE BESANCON - (2022-06)"):
        assert f"<li>{step} <a href=" in chosen
    assert "Démarrer mon inscription" in chosen


@pytest.mark.rule("CAN-01")
@pytest.mark.rule("SVC-04")
def test_a_closed_service_refuses_the_start_with_the_guides_message(candidate: FlaskClient, portal: Portal) -> None:
    choice = candidate.get(CHOICE)
    _close(portal)
    refused = press(candidate, choice, None, form_id=None)
    assert refused.status_code == 403
    page = text(refused)
    assert 'class="resume-erreurs"' in page
    assert (
        "Le service d'inscription est fermé : cette opération n'est possible que pendant la période d'ouverture."
        in page
    )
    assert "formulaire-inscription" not in page


# -- the tabs -----------------------------------------------------------------------------------------------------


@pytest.mark.rule("CAN-02")
def test_enregistrer_is_shown_on_every_tab_and_active_only_on_the_last(candidate: FlaskClient) -> None:
    """« Je clique sur Suivant pour consulter/renseigner tous les onglets, le bouton Enregistrer sera actif uniquement
    sur le dernier onglet. »"""
    first = start(candidate)
    for page in (text(first), text(press(candidate, first))):
        assert '<button type="button" class="bouton bouton-secondaire" disabled>Enregistrer</button>' in page
        assert 'formaction="/inscription/enregistrer"' not in page
    recap = text(to_recapitulatif(candidate, start(candidate)))
    assert 'formaction="/inscription/enregistrer">Enregistrer</button>' in recap
    assert "disabled>Enregistrer" not in recap


@pytest.mark.rule("CAN-02")
@pytest.mark.rule("CAN-03")
def test_the_form_shows_the_guides_tabs_and_the_identification_fields_with_their_labels(candidate: FlaskClient) -> None:
    first = start(candidate)
    page = text(first)
    for tab in GUIDE_TABS:
        assert tab in page
    assert current_tab(first) == "Candidatures précédentes"
    assert "Vous n'avez aucune candidature précédente." in page
    identification = press(candidate, first)
    assert current_tab(identification) == "Identification"
    page = text(identification)
    assert '<li aria-current="step">2 - Identification</li>' in page
    for label in ("Numéro, rue, voie", "Complément adresse 1", "Complément adresse 3", "Code postal", "Exemple: 35000",
                  "Localité", "Catégorie socio-professionnelle du candidat ou d'un représentant légal",
                  "Sélectionnez une valeur", "Sélectionnez une nationalité", "Téléphone portable",
                  "Exemples : 0623456789 ou +33623456789", "Téléphone fixe", "Exemples : 0123456789 ou +33123456789",
                  "Note :</strong> le N° de téléphone mobile et l'adresse mail sont obligatoires."):  # fmt: skip
        assert label in page, label
    assert '<label for="identification.street">' in page
    assert "ACCRALL" in page
    assert "MAY-SUR-ORNE" in page
    assert 'name="identification.birth_name"' not in page
    assert 'value="accrall@ac-rennes.fr"' in page  # the account's email, filled in
    assert '<option value="64">' in page  # the catalogue's PCS list
    assert '<option value="99100">Française</option>' in page


@pytest.mark.rule("CAN-02")
@pytest.mark.rule("CAN-03")
def test_a_refused_tab_stays_with_what_was_typed_and_names_each_wrong_field(candidate: FlaskClient) -> None:
    identification = press(candidate, start(candidate))
    refused = press(candidate, identification, values={**IDENTIFICATION, "identification.mobile_phone": "12",
                                                        "identification.pcs_code": ""})  # fmt: skip
    assert refused.status_code == 400
    assert current_tab(refused) == "Identification"
    page = text(refused)
    assert 'class="resume-erreurs"' in page
    assert 'href="#identification.mobile_phone"' in page
    assert 'id="identification.mobile_phone-erreur"' in page
    assert 'id="identification.pcs_code-erreur"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="1 rue des champs"' in page
    assert 'value="12"' in page
    corrected = press(candidate, refused, values={"identification.mobile_phone": "0606060606",
                                                  "identification.pcs_code": "64"})  # fmt: skip
    assert corrected.status_code == 200
    assert current_tab(corrected) == "Informations candidature"


@pytest.mark.rule("CAN-02")
def test_precedent_goes_back_keeping_what_was_typed_on_both_tabs(candidate: FlaskClient) -> None:
    """« Je peux revenir à l'onglet précédent par le bouton Précédent. »"""
    informations = press(candidate, press(candidate, start(candidate)), values=IDENTIFICATION)
    assert current_tab(informations) == "Informations candidature"
    back = press(candidate, informations, "precedent", values={"informations.category_code": "340"})
    assert back.status_code == 200
    assert current_tab(back) == "Identification"
    assert 'value="1 rue des champs"' in text(back)
    again = press(candidate, back)
    assert current_tab(again) == "Informations candidature"
    assert '<option value="340" selected>EX.SCOLAIRE</option>' in text(again)


@pytest.mark.rule("CAN-04")
def test_informations_candidature_offers_the_catalogues_lists_and_the_guides_questions(candidate: FlaskClient) -> None:
    informations = press(candidate, press(candidate, start(candidate)), values=IDENTIFICATION)
    page = text(informations)
    for label in ("Catégorie du candidat", "Situation à l'inscription", "Aménagement de la durée de formation",
                  "Etablissement", "Demande d'aménagement(s) d'épreuves au titre du handicap (1)",
                  "J'accepte la communication de mes résultats d'examen, en vue d'une publication par la presse ou "
                  "sur les sites internet de sociétés de droit privé",
                  "J'accepte la communication de mes résultats, de mon nom et de mon adresse aux collectivités "
                  "territoriales en vue d'éventuelles félicitations", "Je souhaite renoncer à des acquis"):  # fmt: skip
        assert label in page, label
    assert '<option value="INDIV BESANCON (02500005)">' in page  # académie 03 lists its établissements
    assert '<option value="320">FORMATION CONTINUE</option>' in page
    assert page.count('value="non" checked') == 4  # Non by default, as the guide's form


@pytest.mark.rule("CAN-06")
@pytest.mark.rule("CAN-16")
def test_the_acquis_rows_are_added_and_removed_without_javascript(candidate: FlaskClient) -> None:
    answer = start(candidate)
    for values in ({}, IDENTIFICATION, INFORMATIONS,
                   {"qualification.specialite_code": "32025", "qualification.forme": "Globale"}):  # fmt: skip
        answer = press(candidate, answer, values=values)
    assert current_tab(answer) == "Acquis"
    page = text(answer)
    assert 'Sinon veuillez cliquer sur le bouton "Suivant".' in page
    assert "Je me suis déjà présenté(e) à ce BTS lors d'une session précédente et je n'ai pas obtenu le diplôme" in page
    added = press(candidate, answer, "ajouter-acquis-SAME_BTS")
    page = text(added)
    assert "Acquis n° 1" in page
    assert "Type de droit :</strong> notes conservées dans la spécialité présentée" in page
    assert 'name="acquis.entries[0].grades[0].epreuve_code"' in page
    assert '<option value="E1">E1 - Culture générale et expression</option>' in page
    assert 'id="acquis.entries[0].grades[0].kept" name="acquis.entries[0].grades[0].kept" value="oui" checked' in page
    more = press(candidate, added, "ajouter-note-0", values={"acquis.entries[0].year": "2021"})
    page = text(more)
    assert 'name="acquis.entries[0].grades[1].grade"' in page
    assert 'name="acquis.entries[0].year" value="2021"' in page  # typed values survive the re-render
    bad = press(candidate, more, values={**ACQUIS_E1, "acquis.entries[0].grades[0].grade": "25"})
    assert bad.status_code == 400
    assert 'id="acquis.entries[0].grades[0].grade-erreur"' in text(bad)
    removed = press(candidate, bad, "supprimer-acquis-0")
    assert "Acquis n° 1" not in text(removed)
    assert current_tab(press(candidate, removed)) == "Diplôme possédé"  # nothing declared: « Suivant »


@pytest.mark.rule("CAN-07")
@pytest.mark.rule("CAN-08")
@pytest.mark.rule("CAN-16")
def test_the_epreuves_tab_shows_e1_in_benefice_and_requires_an_option_for_a_registered_lv2(
    candidate: FlaskClient,
) -> None:
    answer = start(candidate)
    for values in ({}, IDENTIFICATION, INFORMATIONS,
                   {"qualification.specialite_code": "32025", "qualification.forme": "Globale"}):  # fmt: skip
        answer = press(candidate, answer, values=values)
    answer = press(candidate, press(candidate, answer, "ajouter-acquis-SAME_BTS"), values=ACQUIS_E1)
    page = text(answer)
    for diploma in (
        "BACCALAURÉAT GÉNÉRAL",
        "BREVET DES MÉTIERS D'ART",
        "AUTRE DIPLOME OU TITRE DE NIVEAU BACCALAURÉAT",
    ):
        assert diploma in page
    no_diploma = press(candidate, answer)
    assert no_diploma.status_code == 400
    assert 'id="diploma.diploma_code-erreur"' in text(no_diploma)
    epreuves = press(candidate, no_diploma, values={"diploma.diploma_code": "00012"})
    page = text(epreuves)
    assert "E1 : Culture générale et expression : Bénéfice — Note: 15.00 Année d'obtention: 2021" in page
    assert "E2-A : Compréhension orale : Inscrit" in page
    assert "Epreuve(s) facultative(s)" in page
    assert "Session normale 2nd groupe" in page
    assert '<option value="Russe">Russe</option>' in page
    refused = press(candidate, epreuves, values={"epreuves.EF1.position": "Inscrit"})
    assert refused.status_code == 400
    page = text(refused)
    assert 'href="#epreuves.EF1"' in page
    assert "Choisissez une option : Allemand, Arabe, Espagnol, Italien, Portugais, Russe." in page
    done = press(candidate, refused, values={"epreuves.EF1.option": "Russe"})
    assert current_tab(done) == "Récapitulatif"


@pytest.mark.rule("CAN-09")
@pytest.mark.rule("CAN-16")
def test_the_recapitulatif_prints_the_guides_lines_with_its_warning(candidate: FlaskClient) -> None:
    """« Attention ! A ce stade, la candidature n'est pas encore enregistrée »."""
    page = text(to_recapitulatif(candidate, start(candidate)))
    assert "Attention ! A ce stade, la candidature n'est pas encore enregistrée" in page
    for line in (
        '<th scope="row">N° candidat</th>',
        '<th scope="row">Académie de destination</th><td>-</td>',
        '<th scope="row">Spécialité</th><td>Aéronautique</td>',
        '<th scope="row">Civilité</th><td>MONSIEUR</td>',
        '<th scope="row">Nom de famille <small>Nom de naissance</small></th><td>ACCRALL</td>',
        '<th scope="row">Nationalité</th><td>Français</td>',
        '<th scope="row">Adresse</th><td>1 rue des champs 25000 BESANÇON FRANCE (DONT OUTRE-MER)</td>',
        '<th scope="row">Téléphone mobile</th><td>0606060606</td>',
        '<th scope="row">Catégorie du candidat</th><td>EX.SCOLAIRE</td>',
        '<th scope="row">Votre établissement</th><td>INDIV BESANCON (02500005)</td>',
        '<th scope="row">Valorisation des acquis de l\'expérience</th><td>Non VAE</td>',
        '<th scope="row">Forme de passage finale</th><td>Globale</td>',
        '<th scope="row">Diplôme possédé</th><td>BACCALAURÉAT GÉNÉRAL - Bac général</td>',
        '<th scope="row">Déjà présenté</th><td>BREVET DE TECHNICIEN SUPERIEUR Aéronautique</td>',
        '<th scope="row">Type de droit</th><td>notes conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON</td>',
        "E1 - Culture générale et expression <small>Académie d'obtention: BESANCON</small>",
        "<td>Note: 15.00 Année d'obtention: 2021</td>",
        "EF1 - Langue vivante 2 - Russe",
        "Session normale 2nd groupe",
        "ECT - Epreuves de contrôle",
    ):
        assert line in page, line
    assert 'formaction="/inscription/enregistrer">Enregistrer</button>' in page
    assert ">Visualiser/imprimer</button>" in page
    assert ">Suivant</button>" not in page  # the last tab


@pytest.mark.rule("CAN-17")
def test_visualiser_imprimer_gives_the_drafts_recapitulatif_as_a_pdf_attachment(candidate: FlaskClient) -> None:
    recap = to_recapitulatif(candidate, start(candidate))
    answer = press(candidate, recap, None, action="/inscription/recapitulatif.pdf")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "non-enregistre.pdf" in disposition
    assert answer.headers["Cache-Control"] == "no-store"


# -- the draft in the page ------------------------------------------------------------------------------------------


def test_a_tampered_draft_is_refused_with_a_french_message(candidate: FlaskClient) -> None:
    identification = press(candidate, start(candidate))
    _, fields = form_of(identification.get_data(as_text=True))
    signed = fields["brouillon"]
    forged = signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB")
    refused = press(candidate, identification, values={**IDENTIFICATION, "brouillon": forged})
    assert refused.status_code == 400
    assert "Le formulaire d'inscription reçu est invalide ou a été modifié" in text(refused)
    missing = press(candidate, identification, values={**IDENTIFICATION, "brouillon": None})
    assert missing.status_code == 400
    assert len(signed) < 8 * 1024


def test_a_draft_of_another_account_is_refused(app: Flask, candidate: FlaskClient, portal: Portal) -> None:
    identification = press(candidate, start(candidate))
    _, fields = form_of(identification.get_data(as_text=True))
    other = app.test_client()
    signed_in(other, portal, OTHER)
    theirs = press(other, start(other))
    refused = press(
        other, theirs, "suivant", values={"brouillon": fields["brouillon"]}, action="/inscription/identification"
    )
    assert refused.status_code == 400
    assert "Ce formulaire d'inscription a été commencé avec un autre compte" in text(refused)


def test_a_tabs_address_opened_directly_starts_again(candidate: FlaskClient) -> None:
    answer = candidate.get("/inscription/identification")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/inscription/nouvelle")


# -- Enregistrer, N° Inscription, Modifier ------------------------------------------------------------------------


@pytest.mark.rule("CAN-10")
def test_enregistrer_shows_the_numero_page_with_the_guides_texts(candidate: FlaskClient, portal: Portal) -> None:
    """« Vous devez impérativement prendre connaissance et conserver les documents suivants : » … « Pour tout
    renseignement, vous pouvez contacter le service des examens et concours dont vous dépendez : »."""
    candidature_id = _saved(candidate)
    answer = candidate.get(f"/inscription/{candidature_id}/numero")
    assert answer.status_code == 200
    page = text(answer)
    assert '<li aria-current="step">9 - N° Inscription</li>' in page
    assert "Votre inscription a bien été prise en compte le 10/11/2021 à 10:00." in page
    assert re.search(r"Votre numéro candidat : <strong>\d{11}</strong>", page)
    assert "Votre numéro d'inscription : <strong>001</strong>" in page
    assert ("Vous pourrez consulter et, éventuellement, modifier les données de votre dossier avant la fermeture du "
            "service fixée le : 10/12/2021 à 10:00.") in page  # fmt: skip
    for line in (
        "Vous devez impérativement prendre connaissance et conserver les documents suivants :",
        "- Le récapitulatif d'inscription",
        "- La liste des pièces justificatives indispensables pour la suite de l'examen.",
        'Ces documents sont mis à votre disposition dans votre espace candidat, menu "Mes documents".',
        "Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous dépendez :",
        "ACADÉMIE DE BESANCON",
        "Recteur",
        "1 chemin de l'olivier",
        "25000 BESANCON",
        "sactBesancon@ac-besancon.fr",
    ):
        assert line in page, line
    assert f'href="/mes-documents/{candidature_id}"' in page
    assert f'href="/mes-pieces-justificatives/{candidature_id}"' in page
    # « Depuis l'onglet « N°Inscription », je peux cliquer sur le bouton Visualiser/Imprimer pour éditer ma
    # confirmation d'inscription »: the button gives the PDF itself
    pdf = f"/mes-documents/{candidature_id}/confirmation-inscription.pdf"
    assert f'href="{pdf}" download>Visualiser/imprimer</a>' in page
    printed = candidate.get(pdf)
    assert printed.status_code == 200
    assert printed.data.startswith(b"%PDF-")
    token = portal.accounts.login(ACCRALL["email"], PASSWORD).session_token
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert card.inscription_number == "001"


def test_the_numero_page_of_another_visit_leads_to_mon_inscription(app: Flask, candidate: FlaskClient) -> None:
    candidature_id = _saved(candidate)
    with candidate.session_transaction() as stored:
        stored.clear()
    answer = candidate.get(f"/inscription/{candidature_id}/numero")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/mon-inscription/{candidature_id}")


def test_the_numero_page_is_not_shown_to_another_account_of_the_same_browser(
    candidate: FlaskClient, portal: Portal
) -> None:
    candidature_id = _saved(candidate)
    assert post(candidate, "/deconnexion", {}).status_code in (302, 303)
    signed_in(candidate, portal, OTHER)
    answer = candidate.get(f"/inscription/{candidature_id}/numero")
    assert answer.status_code == 303
    assert "/mon-inscription/" in answer.headers["Location"]


@pytest.mark.rule("CAN-02")
def test_the_first_tab_lists_the_candidatures_precedentes(candidate: FlaskClient, portal: Portal) -> None:
    _saved(candidate)
    second = open_second_session(portal)  # one candidature per session (CAN-18)
    choice = candidate.get(f"/inscription/nouvelle?domaine=Examen&examen=BTS&session={second}&academie=10")
    first = press(candidate, choice, None, form_id=None)
    page = text(first)
    assert "<caption>Vos candidatures précédentes</caption>" in page
    assert "<td>ACADÉMIE DE BESANCON</td>" in page
    assert "<td>001</td>" in page


@pytest.mark.rule("CAN-18")
def test_a_second_enregistrer_of_the_same_page_registers_nothing_more(candidate: FlaskClient, portal: Portal) -> None:
    """A double click on « Enregistrer », or the page sent again from the browser's history."""
    recap = to_recapitulatif(candidate, start(candidate))
    first = press(candidate, recap, None, action="/inscription/enregistrer")
    assert first.status_code == 303
    again = press(candidate, recap, None, action="/inscription/enregistrer")
    assert again.status_code == 409
    assert "Vous avez déjà une candidature pour cette session" in text(again)
    assert len(portal.candidatures.mes_inscriptions(candidate.get_cookie("cyclades_session").value).cards) == 1  # type: ignore[union-attr]


@pytest.mark.rule("CAN-12")
def test_modifier_walks_the_filled_tabs_and_saves_version_2(candidate: FlaskClient, portal: Portal) -> None:
    candidature_id = _saved(candidate)
    first = candidate.get(f"/inscription/{candidature_id}/modifier")
    assert first.status_code == 200
    assert "modification de la candidature (version 1)" in text(first)
    identification = press(candidate, first)
    assert 'value="1 rue des champs"' in text(identification)
    changed = press(candidate, identification, values={"identification.street": "2 rue des champs"})
    recap = through_tabs(candidate, changed)
    page = text(recap)
    assert "2 rue des champs 25000" in page
    assert '<th scope="row">Type de droit</th>' in page  # the acquis came back from the saved candidature
    saved = press(candidate, recap, None, action="/inscription/enregistrer")
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/inscription/{candidature_id}/numero"
    numero = text(candidate.get(saved.headers["Location"]))
    assert "Version : 02" in numero
    assert "Votre numéro d'inscription : <strong>001</strong>" in numero
    token = portal.accounts.login(ACCRALL["email"], PASSWORD).session_token
    assert portal.candidatures.mon_inscription(token, candidature_id).version == 2


@pytest.mark.rule("CAN-12")
def test_a_concurrent_modification_is_refused_with_the_conflict_message(candidate: FlaskClient) -> None:
    candidature_id = _saved(candidate)
    first = through_tabs(candidate, candidate.get(f"/inscription/{candidature_id}/modifier"))
    second = through_tabs(candidate, candidate.get(f"/inscription/{candidature_id}/modifier"))
    assert press(candidate, first, None, action="/inscription/enregistrer").status_code == 303
    refused = press(candidate, second, None, action="/inscription/enregistrer")
    assert refused.status_code == 409
    page = text(refused)
    assert "Ces données ont été modifiées entre-temps par une autre action." in page
    assert current_tab(refused) == "Récapitulatif"


@pytest.mark.rule("CAN-12")
@pytest.mark.rule("SVC-04")
def test_after_closing_neither_the_save_nor_modifier_is_possible(
    candidate: FlaskClient, portal: Portal, clock: ManualClock
) -> None:
    candidature_id = _saved(candidate)
    recap = through_tabs(candidate, candidate.get(f"/inscription/{candidature_id}/modifier"))
    _close(portal)
    refused = press(candidate, recap, None, action="/inscription/enregistrer")
    assert refused.status_code == 403
    message = "Le service d'inscription est fermé : cette opération n'est possible que pendant la période d'ouverture."
    assert message in text(refused)
    closed = candidate.get(f"/inscription/{candidature_id}/modifier")
    assert closed.status_code == 403
    assert message in text(closed)
