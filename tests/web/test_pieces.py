"""Guide section 11 on the web: « Mes pièces justificatives » — the pièces by mode of deposit and deadline, the
online deposit streamed to the core, deletion, « J'ai fourni toutes mes pièces », the manager's status and comment,
and every refusal shown next to the pièce's file input."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_adapters.memory import MemoryFileStore
from cyclades_adapters.web.routes.pieces import CHUNK_BYTES, chunks
from cyclades_core import Manager, PieceStatus
from cyclades_core.testing import ManualClock, minimal_pdf
from tests.candidature_support import accrall_tabs, replace
from tests.web.support import ACCRALL, PASSWORD, make_portal, post
from tests.web.support_pieces import (
    DUBOIS,
    PDF,
    PNG,
    UPLOADS,
    action,
    candidate,
    csrf,
    deposit,
    pieces_page,
    session_of,
)

MANAGER = Manager("gestionnaire", ("03",))
ONLINE = re.compile(r"A déposer en ligne entre le \w+ \d\d \w+ 2021 et le \w+ \d\d \w+ 2021 \d\d:\d\d \(heure/Paris\)")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class RecordingStore(MemoryFileStore):
    """The memory store, noting the size of each chunk the core reads from the upload."""

    def __init__(self) -> None:
        super().__init__()
        self.chunk_sizes: list[int] = []

    def put(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[str, int]:
        def noted() -> Iterable[bytes]:
            for chunk in chunks:
                self.chunk_sizes.append(len(chunk))
                yield chunk

        return super().put(noted(), max_bytes)


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def portal(clock: ManualClock, store: MemoryFileStore) -> Portal:
    return make_portal(clock, file_store=store)


@pytest.fixture
def cid(client: FlaskClient, portal: Portal) -> str:
    """ACCRALL Dack's candidature (acquis declared): CINSIG01 and RELNOT01 to deposit online."""
    return candidate(client, portal)


def deposited(portal: Portal, client: FlaskClient, cid: str, code: str) -> str | None:
    """The pièce's file name as the core records it (None: no file)."""
    for group in portal.pieces.mes_justificatifs(session_of(client), cid):
        for piece in group.pieces:
            if piece.code == code:
                return piece.file_name
    raise AssertionError(code)


def error_of(page: str, code: str) -> str:
    """The message shown next to the pièce's file input."""
    found = re.search(rf'<p class="erreur" id="fichier-{code}(?:-erreur)?"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, f"no error next to {code}"
    return found.group(1)


def group_id(portal: Portal, client: FlaskClient, cid: str) -> str:
    return portal.pieces.mes_justificatifs(session_of(client), cid)[0].id


@pytest.mark.rule("JUS-01")
def test_the_pieces_are_grouped_under_the_guides_heading_each_with_its_code_and_label(
    client: FlaskClient, cid: str
) -> None:
    """« Les pièces sont présentées par mode de dépôt (en ligne, courrier ou autres modalités) et par date limite de
    retour (en heure de Paris). »"""
    page = pieces_page(client, cid)
    assert page.count("<h1>") == 1
    assert "Les pièces sont présentées par mode de dépôt (en ligne, courrier ou autres modalités)" in page
    assert ONLINE.search(page)
    assert "<h3>Confirmation d&#39;inscription</h3>" in page
    assert "CINSIG01 : Confirmation d&#39;inscription signée" in page
    assert "RELNOT01 : Relevé de notes de la session précédente" in page


@pytest.mark.rule("JUS-02")
def test_a_piece_sent_by_post_shows_the_guides_notice_and_where_the_return_address_is(
    client: FlaskClient, portal: Portal
) -> None:
    """« L'adresse de retour se trouve sur la demande de pièces justificatives que je peux consulter via Mes
    Documents. »"""
    cid = candidate(client, portal, tabs=replace(accrall_tabs(), 2, disability_arrangement=True))
    page = pieces_page(client, cid)
    assert re.search(r"A envoyer par voie postale avant le \w+ \d\d \w+ 2021 \d\d:\d\d \(heure/Paris\)", page)
    assert "CERMED01 : Certificat médical d&#39;un médecin agréé" in page
    assert "Gestion de la pièce non dématérialisée, à envoyer directement au service administratif" in page
    assert f'<a href="/mes-documents/{cid}">Mes documents</a>' in page
    assert 'id="fichier-CERMED01"' not in page  # nothing to upload for a pièce sent by post


@pytest.mark.rule("JUS-03")
def test_each_online_piece_has_a_labelled_file_input_stating_the_formats_and_size(
    client: FlaskClient, cid: str
) -> None:
    """« Le formulaire précise la taille et les formats de fichiers acceptés. »"""
    page = pieces_page(client, cid)
    assert (
        f'<form method="post" enctype="multipart/form-data" action="/mes-pieces-justificatives/{cid}/deposer'
        '?piece=CINSIG01">'
    ) in page
    assert '<label for="fichier-CINSIG01">' in page
    assert '<input type="file" id="fichier-CINSIG01" name="file"' in page
    assert 'aria-describedby="fichier-CINSIG01-aide"' in page
    assert "Formats acceptés : PDF, JPEG ou PNG. Taille maximale : 5 Mo." in page
    assert "Ajouter" in page
    assert "J'ai fourni toutes mes pièces" not in page  # nothing deposited yet


@pytest.mark.rule("JUS-03")
def test_a_genuine_pdf_is_deposited_listed_with_its_date_and_downloadable(
    client: FlaskClient, portal: Portal, cid: str, store: RecordingStore
) -> None:
    """« Lorsque le fichier est ajouté, la date de dépôt est affichée (…), ainsi qu'un bouton permettant de supprimer
    le document. »"""
    genuine = (UPLOADS / "genuine" / "reportlab_compressed.pdf").read_bytes()
    answer = deposit(client, cid, "CINSIG01", genuine, "confirmation signée.pdf")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/mes-pieces-justificatives/{cid}")
    page = pieces_page(client, cid)
    assert "Votre fichier a été déposé." in page
    assert "Déposé le 10/11/2021" in page
    assert "confirmation-signée.pdf" in page or "confirmation signée.pdf" in page
    assert f'action="/mes-pieces-justificatives/{cid}/supprimer"' in page
    assert len(store.ids()) == 1
    download = client.get(f"/mes-pieces-justificatives/{cid}/fichier/CINSIG01")
    assert download.status_code == 200
    assert download.data == genuine
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"


@pytest.mark.rule("JUS-03")
def test_a_png_is_accepted_too(client: FlaskClient, portal: Portal, cid: str) -> None:
    assert deposit(client, cid, "RELNOT01", PNG, "releve.png").status_code == 303
    assert deposited(portal, client, cid, "RELNOT01") == "releve.png"


@pytest.mark.rule("JUS-06")
def test_the_upload_is_handed_to_the_core_in_chunks_as_it_is_read(
    client: FlaskClient, cid: str, store: RecordingStore
) -> None:
    big = minimal_pdf(pages=1, more=[b"<< /Length 300000 >>\nstream\n" + b"0" * 300_000 + b"\nendstream"])
    deposit(client, cid, "CINSIG01", big, "gros.pdf")
    assert sum(store.chunk_sizes) == len(big)
    assert len(store.chunk_sizes) >= 5
    assert max(store.chunk_sizes) <= CHUNK_BYTES


def test_chunks_reads_a_stream_in_bounded_pieces() -> None:
    assert [len(c) for c in chunks(io.BytesIO(b"x" * 150_000))] == [65536, 65536, 18928]
    assert list(chunks(io.BytesIO(b""))) == []


HOSTILE = [
    ("png_renamed.pdf", None, "L&#39;extension du fichier ne correspond pas à son contenu."),  # a PNG renamed .pdf
    ("pdf_with_junk_prefix.pdf", None, "Format de fichier non accepté"),
    ("js_openaction.pdf", None, None),  # active content (H3)
    ("zip_appended.pdf", None, None),  # a PDF+ZIP polyglot
    ("fake.pdf", b"MZ\x90\x00 this is not a PDF", "Format de fichier non accepté"),
    ("x.pdf.exe", PDF, "L&#39;extension du fichier ne correspond pas à son contenu."),
]


@pytest.mark.rule("JUS-06")
@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_a_hostile_or_fake_file_is_refused_next_to_its_field_and_not_kept(
    client: FlaskClient, portal: Portal, cid: str, store: MemoryFileStore, name: str, data: bytes | None,
    message: str | None,
) -> None:  # fmt: skip
    content = data if data is not None else (UPLOADS / "hostile" / name).read_bytes()
    answer = deposit(client, cid, "CINSIG01", content, name)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'class="resume-erreurs"' in page
    assert '<a href="#fichier-CINSIG01">' in page  # the summary leads to the field
    assert 'aria-invalid="true"' in page
    shown = error_of(page, "CINSIG01")
    if message is not None:
        assert message in shown
    assert "Traceback" not in page
    assert store.ids() == []
    assert deposited(portal, client, cid, "CINSIG01") is None


@pytest.mark.rule("JUS-06")
def test_a_file_with_a_virus_is_refused_next_to_its_field(
    client: FlaskClient, portal: Portal, cid: str, store: MemoryFileStore
) -> None:
    infected = minimal_pdf(more=[b"<< /Length 68 >>\nstream\n" + EICAR + b"\nendstream"])
    answer = deposit(client, cid, "CINSIG01", infected, "piece.pdf")
    assert answer.status_code == 400
    assert "Ce fichier est refusé : il contient un virus." in error_of(answer.get_data(as_text=True), "CINSIG01")
    assert store.ids() == []


def test_a_form_sent_without_a_file_asks_for_one(client: FlaskClient, cid: str, store: MemoryFileStore) -> None:
    answer = deposit(client, cid, "CINSIG01", b"", "")
    assert answer.status_code == 400
    assert "Choisissez le fichier à déposer." in error_of(answer.get_data(as_text=True), "CINSIG01")
    assert store.ids() == []


@pytest.mark.rule("JUS-06")
def test_an_oversized_upload_is_refused_with_413_before_it_is_read_and_nothing_is_stored(
    client: FlaskClient, portal: Portal, cid: str, store: RecordingStore
) -> None:
    """Werkzeug compares the Content-Length with MAX_CONTENT_LENGTH (max_bytes + 64 KiB) before reading the body."""
    token = csrf(client, cid)
    huge = b"%PDF-1.4\n" + b"0" * (portal.pieces.max_bytes + 200 * 1024)
    answer = client.post(
        f"/mes-pieces-justificatives/{cid}/deposer?piece=CINSIG01",
        data={"csrf_token": token, "file": (io.BytesIO(huge), "enorme.pdf")}, content_type="multipart/form-data",
    )  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 413
    assert "Le fichier dépasse la taille maximale (5 Mo)." in error_of(page, "CINSIG01")
    assert 'class="resume-erreurs"' in page
    assert store.chunk_sizes == []  # the core read nothing
    assert store.ids() == []
    assert deposited(portal, client, cid, "CINSIG01") is None


@pytest.mark.rule("JUS-06")
def test_a_file_just_over_the_limit_inside_the_body_margin_is_refused_by_the_core_while_reading(
    client: FlaskClient, portal: Portal, cid: str, store: RecordingStore
) -> None:
    over = b"%PDF-1.4\n" + b"0" * (portal.pieces.max_bytes + 1024)
    answer = deposit(client, cid, "CINSIG01", over, "gros.pdf")
    assert answer.status_code == 400
    assert "Le fichier dépasse la taille maximale (5 Mo)." in error_of(answer.get_data(as_text=True), "CINSIG01")
    assert sum(store.chunk_sizes) <= portal.pieces.max_bytes + CHUNK_BYTES
    assert store.ids() == []


@pytest.mark.rule("JUS-03")
def test_a_deposited_file_can_be_deleted(client: FlaskClient, portal: Portal, cid: str, store: MemoryFileStore) -> None:
    deposit(client, cid, "CINSIG01")
    answer = action(client, cid, "supprimer", code="CINSIG01")
    assert answer.status_code == 303
    page = pieces_page(client, cid)
    assert "Le fichier a été supprimé." in page
    assert "Déposé le" not in page
    assert store.ids() == []
    assert deposited(portal, client, cid, "CINSIG01") is None


@pytest.mark.rule("JUS-04")
def test_j_ai_fourni_toutes_mes_pieces_validates_the_group_then_the_pieces_are_locked(
    client: FlaskClient, portal: Portal, cid: str, store: MemoryFileStore
) -> None:
    """« L'ensemble des pièces est validé, une date de validation est ajoutée pour chaque pièce et je ne peux plus
    les modifier ou les supprimer. »"""
    deposit(client, cid, "CINSIG01")
    page = pieces_page(client, cid)
    assert "J'ai fourni toutes mes pièces" not in page  # RELNOT01 is still missing
    deposit(client, cid, "RELNOT01", PNG, "releve.png")
    page = pieces_page(client, cid)
    assert "J'ai fourni toutes mes pièces</button>" in page
    assert "vous ne pourrez plus les modifier</strong> et vos pièces pourront être étudiées." in page
    assert action(client, cid, "valider", group=group_id(portal, client, cid)).status_code == 303
    page = pieces_page(client, cid)
    assert page.count("Date de validation</dt><dd>10/11/2021") == 2
    assert 'type="file"' not in page
    assert "/supprimer" not in page
    assert "J'ai fourni toutes mes pièces</button>" not in page
    refused = deposit(client, cid, "CINSIG01", PDF, "autre.pdf")
    assert refused.status_code == 403
    assert "Vous avez validé vos pièces : vous ne pouvez plus les modifier" in error_of(
        refused.get_data(as_text=True), "CINSIG01"
    )
    assert action(client, cid, "supprimer", code="CINSIG01").status_code == 403
    assert len(store.ids()) == 2  # both validated files kept, the refused one not


@pytest.mark.rule("JUS-04")
def test_validating_an_incomplete_group_is_refused_next_to_the_group(
    client: FlaskClient, portal: Portal, cid: str
) -> None:
    deposit(client, cid, "CINSIG01")
    answer = action(client, cid, "valider", group=group_id(portal, client, cid))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Toutes les pièces doivent être déposées : RELNOT01" in page
    assert 'class="resume-erreurs"' in page


@pytest.mark.rule("JUS-05")
def test_the_managers_non_conforme_and_comment_are_shown_and_the_piece_can_be_deposited_again(
    client: FlaskClient, portal: Portal, cid: str
) -> None:
    """« Le statut de la pièce est Non Conforme => Le gestionnaire a éventuellement ajouté un commentaire pour
    m'indiquer ce qui ne va pas. Je peux redéposer cette pièce » — « Information du gestionnaire    Pièce
    illisible »."""
    deposit(client, cid, "CINSIG01")
    deposit(client, cid, "RELNOT01")
    action(client, cid, "valider", group=group_id(portal, client, cid))
    received = portal.clock.now().date()
    portal.pieces.review(MANAGER, cid, "CINSIG01", PieceStatus.NON_CONFORME, received_on=received,
                         comment="Pièce illisible")  # fmt: skip
    portal.pieces.review(MANAGER, cid, "RELNOT01", PieceStatus.CONFORME)
    page = pieces_page(client, cid)
    assert "<strong>Non conforme</strong>" in page
    assert "<strong>Conforme</strong>" in page
    assert "Date de réception</dt><dd>10/11/2021" in page
    assert "<dt>Information du gestionnaire</dt><dd>Pièce illisible</dd>" in page
    assert '<input type="file" id="fichier-CINSIG01"' in page  # sent back: it can be deposited again
    assert 'id="fichier-RELNOT01"' not in page
    assert deposit(client, cid, "CINSIG01", PNG, "lisible.png").status_code == 303
    assert deposited(portal, client, cid, "CINSIG01") == "lisible.png"


@pytest.mark.rule("JUS-03")
def test_after_the_deposit_period_an_upload_is_refused_next_to_the_field(
    client: FlaskClient, portal: Portal, clock: ManualClock, cid: str, store: MemoryFileStore
) -> None:
    """« A déposer en ligne entre … et … (heure/Paris) »: outside it, nothing is kept."""
    clock.advance(timedelta(days=46))
    post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD})
    page = pieces_page(client, cid)
    assert 'type="file"' not in page
    answer = deposit(client, cid, "CINSIG01")
    assert answer.status_code == 403
    assert error_of(answer.get_data(as_text=True), "CINSIG01")
    assert store.ids() == []


def test_another_candidates_pieces_are_not_found(client: FlaskClient, portal: Portal, app: object, cid: str) -> None:
    """Ownership is never told apart from absence: 404 pages, never a trace."""
    deposit(client, cid, "CINSIG01")
    other = app.test_client()  # type: ignore[attr-defined]
    candidate(other, portal, DUBOIS)
    for path in (f"/mes-pieces-justificatives/{cid}", f"/mes-pieces-justificatives/{cid}/fichier/CINSIG01"):
        answer = other.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 404
        assert "piece.pdf" not in page
        assert "Traceback" not in page
    refused = deposit_as(other, cid)
    assert refused.status_code == 404
    assert deposited(portal, client, cid, "CINSIG01") == "piece.pdf"


def deposit_as(client: FlaskClient, cid: str) -> object:
    """A deposit into ``cid`` from a browser that has no page of it (its CSRF token from another page)."""
    page = client.get("/mot-de-passe-oublie").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
    assert token is not None
    return client.post(
        f"/mes-pieces-justificatives/{cid}/deposer?piece=CINSIG01",
        data={"csrf_token": token.group(1), "file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data",
    )  # fmt: skip


def test_a_visitor_without_a_session_is_sent_to_the_login(client: FlaskClient) -> None:
    answer = client.get("/mes-pieces-justificatives/abc")
    assert answer.status_code == 302
    assert "/connexion?suite=" in answer.headers["Location"]
