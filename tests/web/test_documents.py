"""Guide sections 9 « Mes documents » and 10 « Les formulaires » on the web: the published documents of one
candidature with their version and update time, each downloaded as a PDF attachment."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core import DocumentKind, Manager
from cyclades_core.testing import ManualClock
from tests.candidature_support import dubois_tabs
from tests.web.support_pieces import DUBOIS, candidate, session_of

MANAGER = Manager("gestionnaire", ("03",))


@pytest.fixture
def cid(client: FlaskClient, portal: Portal) -> str:
    return candidate(client, portal)


def documents_page(client: FlaskClient, cid: str) -> str:
    answer = client.get(f"/mes-documents/{cid}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


@pytest.mark.rule("DOC-03")
def test_the_published_documents_are_listed_with_their_version_and_update_time(
    client: FlaskClient, portal: Portal, cid: str
) -> None:
    """« Confirmation d'inscription [PDF] : Version n°1 mis à jour le 31/08/2022 15:13 »"""
    page = documents_page(client, cid)
    assert page.count("<h1>") == 1
    assert "Liste des documents publiés" in page
    documents = page.count("</a> : Version n°")
    assert documents >= 1
    # « - Cliquer sur le lien pour ouvrir/télécharger le document. » before each document, as the guide lists them
    assert page.count("Cliquer sur le lien pour ouvrir/télécharger le document.") == documents
    link = (
        f'<a href="/mes-documents/{cid}/confirmation-inscription.pdf" download>Confirmation d&#39;inscription [PDF]</a>'
    )
    assert link in page
    assert re.search(r"</a> : Version n°1 mis à jour le 10/11/2021 10:00", page)  # 09:00 UTC is 10:00 in Paris


@pytest.mark.rule("DOC-03")
def test_a_document_the_manager_publishes_appears_with_its_version(
    client: FlaskClient, portal: Portal, clock: ManualClock, cid: str
) -> None:
    """« Soit automatiquement lors de mon inscription — Soit par le gestionnaire durant le suivi des inscriptions
    et de la session »."""
    page = documents_page(client, cid)
    assert "Demande pièces justificatives [PDF]</a> : Version n°1 mis à jour le 10/11/2021 10:00" in page
    assert "Relance de pièces justificatives" not in page
    clock.advance(timedelta(minutes=20))  # within the session's idle limit
    portal.documents.publish(MANAGER, cid, DocumentKind.DEMANDE_PIECES)
    portal.documents.publish(MANAGER, cid, DocumentKind.RELANCE_PIECES)
    page = documents_page(client, cid)
    assert "Demande pièces justificatives [PDF]</a> : Version n°2 mis à jour le 10/11/2021 10:20" in page
    assert f'href="/mes-documents/{cid}/relance-pieces-justificatives.pdf"' in page
    assert "Relance de pièces justificatives [PDF]</a> : Version n°1 mis à jour le 10/11/2021 10:20" in page
    for slug in ("demande-pieces-justificatives", "relance-pieces-justificatives"):
        answer = client.get(f"/mes-documents/{cid}/{slug}.pdf")
        assert answer.status_code == 200
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert answer.data.startswith(b"%PDF-")


@pytest.mark.rule("DOC-04")
def test_les_formulaires_are_not_used_for_the_bts(client: FlaskClient, cid: str) -> None:
    """« Actuellement, cette section n'est pas utilisée dans le cadre du BTS. »"""
    page = documents_page(client, cid)
    assert '<h2 id="formulaires">Les formulaires</h2>' in page
    assert "Actuellement, cette section n&#39;est pas utilisée dans le cadre du BTS." in page or (
        "Actuellement, cette section n'est pas utilisée dans le cadre du BTS." in page
    )


@pytest.mark.rule("DOC-03")
def test_the_confirmation_downloads_as_a_pdf_attachment_never_cached(
    client: FlaskClient, portal: Portal, cid: str
) -> None:
    answer = client.get(f"/mes-documents/{cid}/confirmation-inscription.pdf")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = re.search(r"filename=([^;]+)", disposition)
    assert name is not None
    assert re.fullmatch(r"confirmation-[0-9A-Za-z-]+-v1\.pdf", name.group(1))
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.data.startswith(b"%PDF-")
    assert b"Traceback" not in answer.data


def test_opening_a_document_marks_it_seen(client: FlaskClient, portal: Portal, cid: str) -> None:
    """CAN-14: an unseen document lights the envelope; opening it puts the envelope out."""

    def seen() -> dict[DocumentKind, bool]:
        return {d.kind: d.seen_at is not None for d in portal.candidatures.documents(session_of(client), cid)}

    assert seen() == {DocumentKind.CONFIRMATION: False, DocumentKind.DEMANDE_PIECES: False}
    client.get(f"/mes-documents/{cid}/confirmation-inscription.pdf")
    assert seen() == {DocumentKind.CONFIRMATION: True, DocumentKind.DEMANDE_PIECES: False}


def test_a_document_not_published_or_of_an_unknown_kind_is_not_found(client: FlaskClient, cid: str) -> None:
    for path in (f"/mes-documents/{cid}/relance-pieces-justificatives.pdf", f"/mes-documents/{cid}/autre.pdf",
                 f"/mes-documents/{cid}/..%2Fetc.pdf"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Traceback" not in answer.get_data(as_text=True)


@pytest.mark.rule("DOC-03")
def test_another_candidates_documents_are_not_found(client: FlaskClient, portal: Portal, app: Flask, cid: str) -> None:
    """Ownership is never told apart from absence (the core raises CandidatureNotFound): a 404 page, no trace."""
    other = app.test_client()
    own = candidate(other, portal, DUBOIS, dubois_tabs())
    assert other.get(f"/mes-documents/{own}").status_code == 200
    for path in (f"/mes-documents/{cid}", f"/mes-documents/{cid}/confirmation-inscription.pdf"):
        answer = other.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 404, path
        assert answer.headers["Content-Type"].startswith("text/html")
        assert "<h1>" in page
        assert "ACCRALL" not in page
        assert "Traceback" not in page


def test_a_visitor_without_a_session_is_sent_to_the_login(client: FlaskClient) -> None:
    answer = client.get("/mes-documents/abc/confirmation-inscription.pdf")
    assert answer.status_code == 302
    assert "/connexion?suite=" in answer.headers["Location"]


@pytest.mark.rule("DOC-05")
def test_a_candidature_of_an_academie_without_a_printable_contact_gets_a_french_error_page(
    client: FlaskClient, portal: Portal
) -> None:
    """DOC-05: no placeholder is printed; the page says so in French, never a trace. The shipped example opens no
    such académie: the integrator's own catalogue opens Lyon here, whose contact is not shipped."""
    portal.catalogue.open_service("BTS-2022", "10", "01/11/2021 08:00", "29/11/2021 18:00")
    cid = candidate(client, portal, academie="10")
    answer = client.get(f"/mes-documents/{cid}/confirmation-inscription.pdf")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "<h1>" in page
    assert "les coordonnées du service gestionnaire ne sont pas renseignées" in page
    assert "Traceback" not in page
