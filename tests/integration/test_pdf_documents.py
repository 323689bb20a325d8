"""The laid-out PDF documents (issue 8; DOC-01, DOC-02, CAN-15): the guide's DUBOIS Pierre confirmation field by
field, long content on several pages inside the page box, determinism, embedded fonts, verification codes."""

from __future__ import annotations

import io
import platform
import re
import subprocess
import sys

import pypdf
import pytest

from cyclades_adapters import Portal
from cyclades_adapters.pdf import ReportlabRenderer
from cyclades_core.model.documents import DocumentKind
from cyclades_core.ports.files import DocumentContent, DocumentTable
from cyclades_core.testing import ManualClock
from tests.candidature_support import DURING, accrall_tabs, dubois_tabs, guide_portal, register, signed_in


def text_of(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def portal() -> Portal:
    return guide_portal(
        ManualClock(DURING), renderer=ReportlabRenderer(cache_size=0), document_key=b"0123456789abcdef-key"
    )


@pytest.fixture
def dubois(portal: Portal) -> tuple[str, str]:
    token = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    return token, register(portal, token, dubois_tabs())


@pytest.mark.rule("DOC-01")
def test_the_confirmation_shows_what_the_guide_s_example_shows(portal: Portal, dubois: tuple[str, str]) -> None:
    token, candidature_id = dubois
    text = text_of(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
    expected = [
        "CONFIRMATION D'INSCRIPTION", "BREVET DE TECHNICIEN SUPERIEUR", "Inscription n° : 001", "Session : 2022-06",
        "Version : 1 du 15/11/2021 à 11:00", "Recteur 1 chemin de l'olivier 25000 BESANCON",
        "MONSIEUR DUBOIS Pierre 1 rue du port 25000 BESANÇON", "Nationalité : Française",
        "Né(e) le : 28/11/2004 A : MAY-SUR-ORNE - 014", "Tél. mobile : 06 06 06 06 06", "Mél : pdubois@ac-rennes.fr",
        "VAE : NON", "Diplôme possédé : BACCALAURÉAT GÉNÉRAL Bac général (00012)",
        "Etablissement : LP P-ADRIEN PARIS - BESANCON (0250013D)", "Catégorie du Candidat : FORMATION CONTINUE (320)",
        "Aménagement d'épreuve demandé au titre du handicap : NON",
        "A RENVOYER IMPERATIVEMENT POUR LE MERCREDI 15 DÉCEMBRE 2021",
        "Spécialité : Banque - conseiller de clientèle (31310)", "Forme de passage : Globale", "EPREUVES OBLIGATOIRES",
        "E1 - Culture générale et expression U1 Inscrit Ponctuel", "E2 - Langue vivante 1 - Anglais U2 Inscrit Ponctuel",
        "E3 - Gestion de la relation client U3 Inscrit Ponctuel", "E4 - Dévelop.suivi.activ.commercia. Inscrit",
        "E4-A - Étude de cas U41 Inscrit Ponctuel", "E4-B - Analyse situation commerciale U42 Inscrit Ponctuel",
        "E5 - Env.éco.jur.orga.activ.bancai. U5 Inscrit Ponctuel", "C-ANGL - Certification en langue anglaise ANG Inscrit",
        "EPREUVE(S) FACULTATIVE(S)", "EF1 - Langue vivante 2 - Allemand UF1 Inscrit Ponctuel",
        "EF2 - Certification professionnelle UF2 Non Inscrit Ponctuel", "EF3 - Engagement étudiant UF3 Inscrit Ponctuel",
        "Page 1 / 1", "Code de vérification :",
    ]  # fmt: skip
    assert [e for e in expected if e not in text] == []
    assert re.search(r"N° candidat : \d{11}", text)


@pytest.mark.rule("DOC-02")
def test_the_return_date_names_the_day_as_the_guide_does(portal: Portal, dubois: tuple[str, str]) -> None:
    token, candidature_id = dubois
    text = text_of(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
    assert "A RENVOYER IMPERATIVEMENT POUR LE MERCREDI 15 DÉCEMBRE 2021" in text


@pytest.mark.rule("CAN-15")
def test_the_recapitulatif_and_the_demande_de_pieces_render(portal: Portal) -> None:
    token = signed_in(portal)
    candidature_id = register(portal, token, accrall_tabs())
    recap = text_of(portal.documents.render_recapitulatif(token, candidature_id).data)
    for expected in (
        "RECAPITULATIF D'INSCRIPTION", "Candidature enregistrée le lundi 15 novembre 2021 à 11:00",
        "Version : 1 du 15/11/2021 à 11:00", "Inscription n° : 001", "Session : 2022", "ACADÉMIE DE BESANCON",
        "Spécialité : Aéronautique", "Nom de famille : ACCRALL", "Acquis déclarés",
        "Session normale 1er groupe - Epreuve(s) obligatoire(s)", "Session normale 2nd groupe",
        "ECT - Epreuves de contrôle", "Note: 15.00 Année d'obtention: 2021",
    ):  # fmt: skip
        assert expected in recap, expected
    pieces = text_of(portal.documents.render(token, candidature_id, DocumentKind.DEMANDE_PIECES).data)
    assert "CINSIG01 : Confirmation d'inscription signée" in pieces
    assert "Adresse de retour des pièces" in pieces


def test_the_same_document_gives_the_same_bytes_with_embedded_fonts(portal: Portal, dubois: tuple[str, str]) -> None:
    token, candidature_id = dubois
    first = portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data
    second = portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data
    assert first == second
    assert first.count(b"/FontFile2") == 2  # the regular and bold TrueType fonts, embedded


_RENDER_IN_A_CHILD = """
import hashlib, sys
if sys.argv[1] == "pure-python":
    sys.modules["_rl_accel"] = None  # reportlab falls back to its Python functions
from reportlab.lib import rl_accel
from cyclades_adapters.pdf import ReportlabRenderer
from cyclades_core.ports.files import DocumentContent, DocumentTable
rows = tuple((f"E{i} - Épreuve «œ» n°{i}", f"U{i}", "Inscrit", "Ponctuel", "12,5") for i in range(25))
content = DocumentContent(
    ("CONFIRMATION D'INSCRIPTION", "BREVET DE TECHNICIEN SUPERIEUR"), ("N° candidat : 02141027040",),
    (("", ("Recteur", "1 chemin de l'olivier", "25000 BESANCON")),),
    (DocumentTable("EPREUVES OBLIGATOIRES", ("Epreuve", "Unité", "Position", "Mode", "Note"), rows),), "ABCD-EFGH-IJKL",
)
print(len(rl_accel._c_funcs), hashlib.sha256(ReportlabRenderer().render(content)).hexdigest())
"""


def test_reportlab_s_c_accelerator_changes_no_byte_of_a_document() -> None:
    """The ``pdf`` extra installs rl_accel (CPython): a document must not depend on whether it is there."""
    answers = {
        mode: subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", _RENDER_IN_A_CHILD, mode], capture_output=True, text=True, check=True
        ).stdout.split()
        for mode in ("accelerated", "pure-python")
    }
    assert answers["pure-python"][0] == "0"
    if platform.python_implementation() == "CPython":
        assert int(answers["accelerated"][0]) > 0, "rl_accel is not installed: pip install 'cyclades[pdf]'"
    assert answers["accelerated"][1] == answers["pure-python"][1]


def test_thirty_long_epreuves_flow_onto_pages_without_leaving_the_page_box() -> None:
    long = "Épreuve au libellé particulièrement long pour vérifier le retour à la ligne «œ» n°"
    rows = tuple((f"E{i} - {long}{i}", f"U{i}", "Inscrit", "Ponctuel", "") for i in range(30))
    content = DocumentContent(
        ("CONFIRMATION D'INSCRIPTION", "BREVET DE TECHNICIEN SUPERIEUR"),
        ("N° candidat : 02141027040", "Inscription n° : 001"),
        (("", ("MONSIEUR " + "DUBOIS-" * 12 + " Pierre-Alexandre-Marie",)),),
        (DocumentTable("EPREUVES OBLIGATOIRES", ("Epreuve", "Unité", "Position", "Mode", ""), rows),),
        "ABCD-EFGH-IJKL",
    )
    data = ReportlabRenderer().render(content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    outside: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        x, y = tm[4], tm[5]
        if text.strip() and not (0 <= x <= 595.3 and 0 <= y <= 841.9):
            outside.append((x, y, text))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert outside == []
    text = text_of(data)
    assert f"E29 - {long}29" in text
    assert "Page 2 / " in text


def test_the_verification_code_tells_a_genuine_document_from_an_edited_one(
    portal: Portal, dubois: tuple[str, str]
) -> None:
    token, candidature_id = dubois
    text = text_of(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
    code = re.search(r"Code de vérification : ([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})", text)
    number = re.search(r"N° candidat : (\d{11})", text)
    assert code is not None
    assert number is not None
    verify = portal.documents.verify
    assert verify(code[1], DocumentKind.CONFIRMATION, number[1], "001", 1) is True
    assert verify(code[1].lower(), DocumentKind.CONFIRMATION, number[1], "001", 1) is True
    assert verify(code[1], DocumentKind.CONFIRMATION, number[1], "001", 2) is False  # version edited
    assert verify(code[1], DocumentKind.CONFIRMATION, "02141027040", "001", 1) is False  # candidate edited
    assert verify(code[1], DocumentKind.DEMANDE_PIECES, number[1], "001", 1) is False  # another document


def test_a_line_too_long_for_the_page_wraps_and_short_ones_stay_whole() -> None:
    """Lines that fit are drawn as strings (the cheap path); the others become paragraphs that wrap, in the blocks
    and in the title block alike."""
    long = "MONSIEUR " + " ".join(["DUBOIS-LEFEBVRE"] * 12) + " Pierre"
    title = "CONFIRMATION D'INSCRIPTION AU BREVET DE TECHNICIEN SUPERIEUR SESSION 2022"
    content = DocumentContent((title,), ("N° candidat : 02141027040",), (("Adresse", (long, "court")),), (), "ABCD")
    lines = pypdf.PdfReader(io.BytesIO(ReportlabRenderer().render(content))).pages[0].extract_text().splitlines()
    wrapped = [line for line in lines if "DUBOIS-LEFEBVRE" in line]
    assert len(wrapped) >= 2
    assert " ".join(wrapped) == long
    assert "N° candidat : 02141027040" in lines
    assert "court" in lines
    assert title not in lines
    assert "CONFIRMATION D'INSCRIPTION AU" in " ".join(lines)


def test_a_line_is_laid_out_as_a_paragraph_would_be_at_the_frame_s_edge_and_in_its_spacing() -> None:
    """The body's frame is 12 pt narrower than the page's text width: a line just wider than the frame wraps.
    Runs of whitespace collapse to one space and a blank line takes no room, as in a paragraph."""
    near_edge = "MONSIEUR " + "X" * 78  # about 503 pt at 8.5 pt: wider than the frame (498 pt), narrower than WIDTH
    lines_in = (near_edge, "a  b", "  lead", "x\ty", "", "fin")
    content = DocumentContent(("T",), ("H",), (("Adresse", lines_in),), (), "ABCD")
    lines = pypdf.PdfReader(io.BytesIO(ReportlabRenderer().render(content))).pages[0].extract_text().splitlines()
    assert "MONSIEUR" in lines
    assert "X" * 78 in lines
    assert lines[lines.index("a b") : lines.index("fin") + 1] == ["a b", "lead", "x y", "fin"]


def _counting(renderer: ReportlabRenderer) -> list[DocumentContent]:
    """The contents ``renderer`` really lays out from now on."""
    laid_out: list[DocumentContent] = []
    real = renderer._render

    def render(content: DocumentContent) -> bytes:
        laid_out.append(content)
        return real(content)

    renderer._render = render  # type: ignore[method-assign]
    return laid_out


def _document(verification: str) -> DocumentContent:
    return DocumentContent(("CONFIRMATION D'INSCRIPTION",), ("Version : 1",), (("", ("DUBOIS Pierre",)),),
                           verification=verification)  # fmt: skip


def test_the_same_content_is_laid_out_once_and_given_again_byte_for_byte() -> None:
    renderer = ReportlabRenderer()
    laid_out = _counting(renderer)
    first = renderer.render(_document("ABCD-EFGH-IJKL"))
    again = renderer.render(_document("ABCD-EFGH-IJKL"))  # an equal content, another object
    assert again == first
    assert len(laid_out) == 1
    assert ReportlabRenderer(cache_size=0).render(_document("ABCD-EFGH-IJKL")) == first  # what a render gives


def test_another_content_is_another_document_and_the_oldest_are_forgotten() -> None:
    renderer = ReportlabRenderer(cache_size=2)
    laid_out = _counting(renderer)
    a, b, c = (renderer.render(_document(code)) for code in ("AAAA", "BBBB", "CCCC"))
    assert len({a, b, c}) == 3  # the verification code (or a new version) is part of what is rendered
    renderer.render(_document("CCCC"))
    renderer.render(_document("AAAA"))  # forgotten: two documents are kept, the most recently used
    assert [d.verification for d in laid_out] == ["AAAA", "BBBB", "CCCC", "AAAA"]


def test_a_renderer_without_a_cache_lays_out_every_time() -> None:
    renderer = ReportlabRenderer(cache_size=0)
    laid_out = _counting(renderer)
    renderer.render(_document("AAAA"))
    renderer.render(_document("AAAA"))
    assert len(laid_out) == 2
    with pytest.raises(ValueError, match="cache_size"):
        ReportlabRenderer(cache_size=-1)
