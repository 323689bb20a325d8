"""Issue 17, fidelity to the guide: the Récapitulatif, the confirmation d'inscription, the "N° Inscription" tab and
"Mes documents" field by field (CAN-09, CAN-10, CAN-17, DOC-01, DOC-03, DOC-05, DOC-06), on the in-memory adapter,
each document read back by text extraction."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest
from attrs import evolve

from cyclades_adapters import Portal
from cyclades_adapters.pdf import ReportlabRenderer
from cyclades_core.errors import CandidatureNotFound, ConfigurationError, ConflictError, ValidationError
from cyclades_core.model.catalogue import Contact
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.pieces import PieceStatus
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.testing import ManualClock, minimal_pdf
from cyclades_core.usecases.candidatures import CONTACT_SENTENCE, KEEP_DOCUMENTS
from cyclades_core.usecases.forms import AcquisForm, CandidatureDraft
from cyclades_core.usecases.management import Manager
from cyclades_core.usecases.recapitulatif import masculine_nationality
from cyclades_core.usecases.service_contact import unprintable_contacts
from tests.candidature_support import (
    DURING,
    accrall_tabs,
    acquis_e1,
    dubois_tabs,
    fill,
    guide_portal,
    register,
    replace,
    signed_in,
)
from tests.conftest import PASSWORD

BESANCON = Manager("gest-besancon", ("03",))
ONLINE = "A déposer en ligne entre le lundi 01 novembre 2021 et le mercredi 15 décembre 2021 23:59 (heure/Paris)"


def fill_upto(portal: Portal, draft: CandidatureDraft, tabs: list[object]) -> CandidatureDraft:
    for tab_form in tabs:
        draft = portal.candidatures.next(draft, tab_form)
    return draft


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
def portal(clock: ManualClock) -> Portal:
    return guide_portal(clock, renderer=ReportlabRenderer())


@pytest.fixture
def accrall(portal: Portal) -> tuple[str, str]:
    token = signed_in(portal)
    return token, register(portal, token, accrall_tabs())


@pytest.fixture
def dubois(portal: Portal) -> tuple[str, str]:
    token = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    return token, register(portal, token, dubois_tabs())


# -- the Récapitulatif --------------------------------------------------------------------------------------------


@pytest.mark.rule("CAN-09")
class TestRecapitulatif:
    def test_the_references_block_gives_creation_destination_and_origin(
        self, portal: Portal, accrall: tuple[str, str], clock: ManualClock
    ) -> None:
        """The guide's Récapitulatif tab: « N° candidat 02235030277 Académie de destination: - », « N° inscription
        004 Académie d'origine: - », « Créée le 31/08/2022 15:13 N° candidature d'origine: - ». « Créée le » is the
        creation, distinct from the last save (« Version : 2 du … »)."""
        token, candidature_id = accrall
        clock.advance(minutes=5)
        token = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        portal.candidatures.save(token, fill(portal, portal.candidatures.edit(token, candidature_id), [None] * 7))
        recap = portal.candidatures.mon_inscription(token, candidature_id)
        assert dict(recap.references) == {
            "N° candidat": recap.candidate_number, "Académie de destination": "-", "N° inscription": "001",
            "Académie d'origine": "-", "Créée le": "15/11/2021 11:00", "N° candidature d'origine": "-",
        }  # fmt: skip
        text = pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        for expected in (
            "Académie de destination : -", "Académie d'origine : -", "N° candidature d'origine : -",
            "Créée le : 15/11/2021 11:00", "Version : 2 du 15/11/2021 à 11:05",
        ):  # fmt: skip
            assert expected in text, expected

    def test_the_session_is_written_as_the_guide_writes_it(self, portal: Portal, accrall: tuple[str, str]) -> None:
        """The guide's RECAPITULATIF D'INSCRIPTION: « Inscription n° : 001 Session : 2023 ACADÉMIE DE LILLE »."""
        token, candidature_id = accrall
        text = pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        assert "Inscription n° : 001 Session : 2022 ACADÉMIE DE BESANCON" in text
        assert "BTS 2022" not in text

    def test_the_nationality_is_written_as_the_recapitulatif_writes_it(
        self, portal: Portal, accrall: tuple[str, str], dubois: tuple[str, str]
    ) -> None:
        """The guide's Récapitulatif: « Nationalité Français »; its confirmation: « Nationalité : Française »."""
        token, candidature_id = accrall
        assert (
            portal.candidatures.mon_inscription(token, candidature_id).section("Identification du candidat")[
                "Nationalité"
            ]
            == "Français"
        )
        assert "Nationalité : Français " in pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        token, candidature_id = dubois
        confirmation = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
        assert "Nationalité : Française" in confirmation

    def test_masculine_forms_of_the_shipped_nationalities(self) -> None:
        """« Nationalité Français »: the catalogue's labels are feminine (« Française »); the Récapitulatif writes
        the masculine."""
        pairs = {
            "Française": "Français", "Italienne": "Italien", "Marocaine": "Marocain", "Allemande": "Allemand",
            "Espagnole": "Espagnol", "Grecque": "Grec", "Turque": "Turc", "Belge": "Belge", "Suisse": "Suisse",
            "Tchèque": "Tchèque", "Lettone": "Letton", "Congolaise (RDC)": "Congolais (RDC)", "Kazakhe": "Kazakh",
            "Ouzbèke": "Ouzbek", "Afghane": "Afghan", "Chinoise": "Chinois", "Sud-Africaine": "Sud-Africain",
        }  # fmt: skip
        assert {label: masculine_nationality(label) for label in pairs} == pairs

    def test_the_acquis_line_gives_what_was_presented_and_the_type_of_right(
        self, portal: Portal, accrall: tuple[str, str]
    ) -> None:
        """« Déjà présenté : BREVET DE TECHNICIEN SUPERIEUR Aéronautique (depuis 2017) Type de droit : notes
        conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON - … »."""
        token, candidature_id = accrall
        text = pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        assert "Déjà présenté : BREVET DE TECHNICIEN SUPERIEUR Aéronautique" in text
        assert (
            "Type de droit : notes conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON" in text
        )

    def test_the_former_establishment_and_the_acquis_history_as_the_guide_writes_them(
        self, portal: Portal, clock: ManualClock
    ) -> None:
        """The guide's Récapitulatif: « Votre ancien établissement LP FERNAND LEGERE - AUDINCOURT CEDEX (0250001R) »
        and « Déjà présenté : BREVET DE TECHNICIEN SUPERIEUR Aéronautique (depuis 2017) Type de droit : notes
        conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON - Ancienne catégorie : SCOLAIRE
        Ancienne forme de passage : Globale ». They stay through « Modifier »."""
        token = signed_in(portal)
        [entry] = acquis_e1().entries
        tabs = replace(accrall_tabs(), 2, former_establishment="LP FERNAND LEGERE - AUDINCOURT CEDEX (0250001R)")
        tabs = replace(tabs, 4, entries=(evolve(entry, first_year="2017", former_category_code="100",
                                                former_forme="Globale"),))  # fmt: skip
        candidature_id = register(portal, token, tabs)
        clock.advance(minutes=5)
        token = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        portal.candidatures.save(token, fill(portal, portal.candidatures.edit(token, candidature_id), [None] * 7))
        recap = portal.candidatures.mon_inscription(token, candidature_id)
        assert recap.version == 2
        assert recap.section("Informations candidature")["Votre ancien établissement"] == (
            "LP FERNAND LEGERE - AUDINCOURT CEDEX (0250001R)"
        )
        text = pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        for expected in (
            "Votre établissement : INDIV BESANCON (02500005) Votre ancien établissement : LP FERNAND LEGERE - "
            "AUDINCOURT CEDEX (0250001R)",
            "Déjà présenté : BREVET DE TECHNICIEN SUPERIEUR Aéronautique (depuis 2017) Type de droit : notes "
            "conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON - Ancienne catégorie : "
            "SCOLAIRE Ancienne forme de passage : Globale",
        ):
            assert expected in text, expected

    def test_without_them_the_recapitulatif_says_so_with_a_dash(self, portal: Portal, accrall: tuple[str, str]) -> None:
        token, candidature_id = accrall
        recap = portal.candidatures.mon_inscription(token, candidature_id)
        assert recap.section("Informations candidature")["Votre ancien établissement"] == "-"
        assert dict(recap.section("Acquis déclarés"))["Déjà présenté"] == "BREVET DE TECHNICIEN SUPERIEUR Aéronautique"

    def test_a_wrong_acquis_history_is_refused_field_by_field(self, portal: Portal) -> None:
        token = signed_in(portal)
        draft = fill_upto(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs()[:4])
        [entry] = acquis_e1().entries
        wrong = AcquisForm(entries=(evolve(entry, first_year="2030", former_category_code="999", former_forme="X"),))
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.next(draft, wrong)
        assert set(refused.value.fields) == {
            "acquis.entries[0].first_year", "acquis.entries[0].former_category_code", "acquis.entries[0].former_forme"
        }  # fmt: skip

    def test_the_epreuves_show_a_mode_only_where_the_guide_does_and_no_unit(
        self, portal: Portal, accrall: tuple[str, str]
    ) -> None:
        """The guide's Récapitulatif: « E2 - Anglais Inscrit Ponctuel », « E2-A - Compréhension orale Inscrit
        Ponctuel », « E3 - Etude mathématique et scientifique Inscrit » (no mode: its parts are units), « EF2 -
        Engagement étudiant Non Inscrit » (no mode), « E1 - Culture générale et expression Académie d'obtention:
        BESANCON Bénéfice Note: 15.00 Année d'obtention: 2021 »; no Unité column (the confirmation has one)."""
        token, candidature_id = accrall
        text = pdf_text(portal.documents.render_recapitulatif(token, candidature_id).data)
        assert "E2 - Anglais Inscrit Ponctuel E2-A - Compréhension orale Inscrit Ponctuel" in text
        [(_, mandatory, _), _] = portal.candidatures.mon_inscription(token, candidature_id).epreuves
        modes = {e.code: e.mode.value if e.mode else None for e in mandatory}
        assert (modes["E2"], modes["E3"], modes["E4"], modes["E6"]) == ("Ponctuel", None, None, None)
        assert re.search(r"EF2 - Engagement étudiant Non Inscrit (?!Ponctuel)", text)
        assert "Bénéfice Note: 15.00 Année d'obtention: 2021" in text
        assert "Unité" not in text
        assert "U31" not in text


# -- the Récapitulatif printed before saving ----------------------------------------------------------------------


@pytest.mark.rule("CAN-17")
class TestRecapitulatifBeforeSaving:
    def test_visualiser_imprimer_on_the_recapitulatif_tab_prints_the_draft(self, portal: Portal) -> None:
        """The Récapitulatif tab's buttons: « Précédent Suivant Enregistrer Annuler Visualiser/imprimer Quitter »;
        « Attention ! A ce stade, la candidature n'est pas encore enregistrée »."""
        token = signed_in(portal)
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        printed = portal.documents.render_draft_recapitulatif(token, draft)
        text = pdf_text(printed.data)
        for expected in (
            "RECAPITULATIF D'INSCRIPTION", "Attention ! A ce stade, la candidature n'est pas encore enregistrée",
            "Session : 2022", "ACADÉMIE DE BESANCON", "Spécialité : Aéronautique", "Nom de famille : ACCRALL",
            "Créée le : -", "E2-A - Compréhension orale Inscrit Ponctuel", "Page 1 / ",
        ):  # fmt: skip
            assert expected in text, expected
        assert "Version :" not in text
        assert "Code de vérification" not in text  # nothing official before the save
        assert printed.filename.endswith("-non-enregistre.pdf")
        assert portal.candidatures.mes_inscriptions(token).cards == ()  # printing saved nothing

    def test_another_candidate_s_draft_is_not_printed(self, portal: Portal) -> None:
        token = signed_in(portal)
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        with pytest.raises(CandidatureNotFound):
            portal.documents.render_draft_recapitulatif(other, draft)


# -- the confirmation d'inscription -------------------------------------------------------------------------------


def _placed(data: bytes) -> list[tuple[str, float, float, str]]:
    """Every piece of text of the first page with its position on the page and its font."""
    placed: list[tuple[str, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            name = str(font.get("/BaseFont", "")) if font else ""
            placed.append((text.strip(), cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3], name))

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return placed


@pytest.mark.rule("DOC-01")
class TestConfirmation:
    def test_the_fields_the_guide_s_example_shows(self, portal: Portal, dubois: tuple[str, str]) -> None:
        """The guide's confirmation: « Recteur 1 chemin de l'olivier 25000 BESANCON Tél : 03 83 03 03 03 Mél :
        sactBesancon@ac-besancon.fr Nom d'utilisateur : Nationalité : Française … », « EF2 - Certification
        professionnelle UF2 Non Inscrit Ponctuel »."""
        token, candidature_id = dubois
        text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
        for expected in (
            "Nom d'utilisateur : Nationalité : Française", "Tél : 03 83 03 03 03", "Mél : sactBesancon@ac-besancon.fr",
            "EF2 - Certification professionnelle UF2 Non Inscrit Ponctuel", "E1 - Culture générale et expression U1",
            "Page 1 / 1", "Code de vérification :",
        ):  # fmt: skip
            assert expected in text, expected
        assert "Tel :" not in text  # the service block's label is « Tél : »

    def test_three_columns_candidate_exam_service_and_the_return_date_in_bold(
        self, portal: Portal, dubois: tuple[str, str]
    ) -> None:
        """The guide's three-column block (the candidate, the exam, the issuing service « Recteur ») and « A
        RENVOYER IMPERATIVEMENT POUR LE DIMANCHE 31 OCTOBRE 2021 » in bold."""
        token, candidature_id = dubois
        placed = _placed(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)

        def at(start: str) -> tuple[float, float, str]:
            return next((x, y, font) for text, x, y, font in placed if text.startswith(start))

        candidate, exam, service = at("MONSIEUR DUBOIS Pierre"), at("Diplôme possédé"), at("Recteur")
        assert max(candidate[1], exam[1], service[1]) - min(candidate[1], exam[1], service[1]) < 2  # one row
        assert candidate[0] < exam[0] < service[0]  # candidate, exam, service from left to right
        assert at("Nom d'utilisateur")[0] == candidate[0]  # under the candidate's name
        assert at("Tél : 03 83 03 03 03")[0] == service[0]  # under the service
        assert "Bold" in at("A RENVOYER IMPERATIVEMENT POUR LE MERCREDI 15 DÉCEMBRE 2021")[2]
        assert "Bold" not in at("Forme de passage")[2]


# -- the "N° Inscription" tab ------------------------------------------------------------------------------------


@pytest.mark.rule("CAN-10")
def test_the_n_inscription_tab_says_which_documents_to_keep_and_whom_to_contact(portal: Portal) -> None:
    """The guide's "N° Inscription" tab: « Vous devez impérativement prendre connaissance et conserver les documents
    suivants : - Le récapitulatif d'inscription - La liste des pièces justificatives indispensables pour la suite de
    l'examen. Ces documents sont mis à votre disposition … » and « Pour tout renseignement, vous pouvez contacter le
    service des examens et concours dont vous dépendez : » then the service."""
    token = signed_in(portal)
    saved = portal.candidatures.save(
        token, fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
    )
    assert saved.screen == (*saved.lines, *KEEP_DOCUMENTS, CONTACT_SENTENCE, *saved.contact)
    assert KEEP_DOCUMENTS == (
        "Vous devez impérativement prendre connaissance et conserver les documents suivants :",
        "- Le récapitulatif d'inscription",
        "- La liste des pièces justificatives indispensables pour la suite de l'examen.",
        'Ces documents sont mis à votre disposition dans votre espace candidat, menu "Mes documents". Vous pouvez '
        "également éditer la confirmation d'inscription au format pdf à l'aide du bouton \"Visualiser/Imprimer\", ou "
        "à défaut l'enregistrer.",
    )
    assert CONTACT_SENTENCE == (
        "Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous dépendez :"
    )
    assert saved.contact[:3] == ("ACADÉMIE DE BESANCON", "Recteur", "1 chemin de l'olivier")


# -- no placeholder on a document --------------------------------------------------------------------------------


PLACEHOLDER = Contact(
    name="Rectorat de l'académie de Besançon", address=("Division des examens et concours", "Adresse à compléter"),
    phone="0000000000", email="ce.examens@ac-besancon.fr", placeholder=True,
)  # fmt: skip


def _without_contact(portal: Portal, contact: Contact) -> Catalogue:
    catalogue: Catalogue = portal.catalogue.catalogue
    academie = catalogue.academie("03")
    assert academie is not None
    catalogue.put(evolve(academie, contact=contact))
    return catalogue


@pytest.mark.rule("DOC-05")
class TestNoPlaceholder:
    @pytest.mark.parametrize(
        "contact", [PLACEHOLDER, Contact(name="", address=(), phone="", email="")], ids=["placeholder", "none"]
    )
    @pytest.mark.parametrize("kind", [DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES])
    def test_rendering_refuses_a_placeholder_contact_naming_the_academie(
        self, portal: Portal, accrall: tuple[str, str], contact: Contact, kind: DocumentKind
    ) -> None:
        """Issue 17: « A document must never print a placeholder: … rendering refuses it with a ConfigurationError
        naming the académie » (the confirmation printed « Adresse à compléter » and « Tel : 0000000000 »)."""
        token, candidature_id = accrall
        _without_contact(portal, contact)
        with pytest.raises(ConfigurationError, match=r"ACADÉMIE DE BESANCON \(03\).*service gestionnaire"):
            portal.documents.render(token, candidature_id, kind)

    def test_the_n_inscription_tab_names_the_academie_without_a_placeholder(self, portal: Portal) -> None:
        token = signed_in(portal)
        _without_contact(portal, PLACEHOLDER)
        saved = portal.candidatures.save(
            token, fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        )
        assert saved.contact == ("ACADÉMIE DE BESANCON",)

    def test_catalogue_check_lists_the_academies_without_a_contact(self, portal: Portal) -> None:
        """`catalogue check` fails on a placeholder: the sentence it prints names the académie. By default it checks
        the académies a session opens a service in (the guide's example: Besançon, Lyon, Toulouse); ``every``
        checks them all."""
        catalogue = _without_contact(portal, PLACEHOLDER)
        besancon = (
            "ACADÉMIE DE BESANCON (03) : les coordonnées du service gestionnaire ne sont pas renseignées ; aucun "
            "document de cette académie ne peut être imprimé."
        )
        served = unprintable_contacts(catalogue)
        assert besancon in served
        assert all(p.startswith(("ACADÉMIE DE BESANCON (03)", "ACADÉMIE DE LYON (10)", "ACADÉMIE DE TOULOUSE (16)"))
                   for p in served)  # fmt: skip
        every = unprintable_contacts(catalogue, every=True)
        assert besancon in every
        assert set(served) <= set(every)
        catalogue.put(evolve(catalogue.academie("03"), contact=Contact(  # type: ignore[arg-type]
            name="Recteur", address=("1 chemin de l'olivier", "25000 BESANCON"), phone="03 83 03 03 03",
            email="sactBesancon@ac-besancon.fr",
        )))  # fmt: skip
        assert besancon not in unprintable_contacts(catalogue, every=True)


# -- Mes documents: no stub ---------------------------------------------------------------------------------------


def _deposit(portal: Portal, token: str, candidature_id: str) -> None:
    for code in ("CINSIG01", "RELNOT01"):
        portal.pieces.upload(token, candidature_id, code, "piece.pdf", [minimal_pdf()])
    portal.pieces.validate(token, candidature_id, ONLINE)


@pytest.mark.rule("DOC-06")
class TestNoStub:
    def test_only_documents_with_their_real_content_are_offered(self) -> None:
        """Issue 17: the Convocation, Relevé de notes and Notification printed only a title, a header and a name;
        « No stub may remain »: they are not offered until the library holds their content."""
        assert [kind.name for kind in DocumentKind] == [
            "CONFIRMATION", "DEMANDE_PIECES", "RELANCE_PIECES", "RECAPITULATIF"
        ]  # fmt: skip

    def test_every_kind_a_manager_publishes_prints_its_content(self, portal: Portal, accrall: tuple[str, str]) -> None:
        """« Les documents mis à ma disposition au fur et à mesure de la session … : Confirmation d'inscription,
        Demande de pièces justificatives, Relance de pièces justificatives … »: each prints more than a title."""
        token, candidature_id = accrall
        expected = {
            DocumentKind.CONFIRMATION: "E2 - Anglais U2 Inscrit Ponctuel E2-A - Compréhension orale Inscrit Ponctuel",
            DocumentKind.DEMANDE_PIECES: "CINSIG01 : Confirmation d'inscription signée : à déposer en ligne",
            DocumentKind.RELANCE_PIECES: "CINSIG01 : Confirmation d'inscription signée : à déposer en ligne",
            DocumentKind.RECAPITULATIF: "Nom de famille : ACCRALL",
        }
        for kind in DocumentKind:
            portal.documents.publish(BESANCON, candidature_id, kind)
            assert expected[kind] in pdf_text(portal.documents.render(token, candidature_id, kind).data), kind

    def test_a_published_recapitulatif_verifies_at_the_version_it_prints(
        self, portal: Portal, accrall: tuple[str, str]
    ) -> None:
        """« Version : 1 du 19/07/2022 à 12:01 » (the guide's RECAPITULATIF D'INSCRIPTION): the code printed on a
        Récapitulatif the managing service published answers for that version, whatever the publication count."""
        token, candidature_id = accrall
        for _ in range(2):
            portal.documents.publish(BESANCON, candidature_id, DocumentKind.RECAPITULATIF)
        text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.RECAPITULATIF).data)
        code = re.search(r"Code de vérification : ([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})", text)
        number = re.search(r"N° candidat : (\d{11})", text)
        assert code is not None
        assert number is not None
        assert "Version : 1 du 15/11/2021 à 11:00" in text
        assert portal.documents.verify(code[1], DocumentKind.RECAPITULATIF, number[1], "001", 1) is True

    def test_the_relance_has_its_own_title_and_lists_the_pieces_still_awaited(
        self, portal: Portal, accrall: tuple[str, str]
    ) -> None:
        """« Relance de pièces justificatives » (the guide's list of documents), not « DEMANDE DE PIECES
        JUSTIFICATIVES »: the pièces sent back Non conforme, with the manager's comment, and the return address; a
        pièce deposited and validated is no longer asked for."""
        token, candidature_id = accrall
        _deposit(portal, token, candidature_id)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.RECUE)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.NON_CONFORME, comment="Pièce illisible")
        portal.documents.publish(BESANCON, candidature_id, DocumentKind.RELANCE_PIECES)
        text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.RELANCE_PIECES).data)
        assert text.startswith("RELANCE DE PIECES JUSTIFICATIVES ACADÉMIE DE BESANCON - Session BTS 2022")
        assert "DEMANDE DE PIECES" not in text
        assert "CINSIG01 : Confirmation d'inscription signée : à déposer en ligne avant le 15/12/2021 à 23:59 - Non " \
               "conforme : Pièce illisible" in text  # fmt: skip
        assert "RELNOT01" not in text
        assert "Adresse de retour des pièces Recteur 1 chemin de l'olivier 25000 BESANCON" in text

    def test_a_relance_with_nothing_awaited_is_refused(self, portal: Portal, accrall: tuple[str, str]) -> None:
        token, candidature_id = accrall
        _deposit(portal, token, candidature_id)
        with pytest.raises(ConflictError, match="rien à relancer"):
            portal.documents.publish(BESANCON, candidature_id, DocumentKind.RELANCE_PIECES)
        assert [d.kind for d in portal.candidatures.documents(token, candidature_id)] == [
            DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES
        ]  # fmt: skip
