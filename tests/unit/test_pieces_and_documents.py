"""Mes justificatifs, deposits, validation and the manager's review (JUS-01 … JUS-06, MGR-02), and Mes documents
(DOC-02 … DOC-04, MGR-03, CAN-15)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase, MemoryFileStore, SignatureScanner
from cyclades_core.errors import (
    CandidatureNotFound,
    ConfigurationError,
    FileTooLarge,
    ForbiddenError,
    PieceNotFound,
    ServiceClosed,
    ValidationError,
)
from cyclades_core.model.catalogue import DepositMode, Period, PieceRule
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.pieces import PieceLocked, PieceStatus
from cyclades_core.testing import ManualClock, minimal_pdf, minimal_png
from cyclades_core.usecases.documents import FORMULAIRES_MESSAGE
from cyclades_core.usecases.management import Manager
from cyclades_core.usecases.pieces import PieceService
from tests.candidature_support import DURING, accrall_tabs, dubois_tabs, guide_portal, register, replace, signed_in
from tests.conftest import mails

PDF = minimal_pdf()
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
WITH_EICAR = minimal_pdf(more=[b"<< /Length 68 >>\nstream\n" + EICAR + b"\nendstream"])  # past the inspector
ONLINE = "A déposer en ligne entre le lundi 01 novembre 2021 et le mercredi 15 décembre 2021 23:59 (heure/Paris)"
BESANCON = Manager("gest-besancon", ("03",))
DEPOSIT_ENDS = datetime(2021, 12, 15, 22, 59, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
def store() -> MemoryFileStore:
    return MemoryFileStore()


@pytest.fixture
def portal(clock: ManualClock, store: MemoryFileStore) -> Portal:
    return guide_portal(clock, file_store=store)


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal)


@pytest.fixture
def candidature_id(portal: Portal, token: str) -> str:
    """ACCRALL Dack's Aéronautique candidature: acquis declared, so CINSIG01 and RELNOT01 are asked online."""
    return register(portal, token)


def upload(portal: Portal, token: str, cid: str, code: str, data: bytes = PDF, name: str = "piece.pdf") -> None:
    portal.pieces.upload(token, cid, code, name, [data])


def sent_back(portal: Portal, token: str, cid: str) -> None:
    """Both pièces deposited and validated, then CINSIG01 received and sent back Non conforme."""
    deposit_all(portal, token, cid)
    portal.pieces.validate(token, cid, ONLINE)
    portal.pieces.review(BESANCON, cid, "CINSIG01", PieceStatus.RECUE)
    portal.pieces.review(BESANCON, cid, "CINSIG01", PieceStatus.NON_CONFORME, comment="Pièce illisible")


def deposit_all(portal: Portal, token: str, cid: str) -> None:
    for code in ("CINSIG01", "RELNOT01"):
        upload(portal, token, cid, code)


@pytest.mark.rule("JUS-01")
class TestMesJustificatifs:
    def test_pieces_are_grouped_by_mode_and_deadline_under_the_guide_s_heading(
        self, portal: Portal, token: str
    ) -> None:
        candidature_id = register(portal, token, replace(accrall_tabs(), 2, disability_arrangement=True))
        groups = portal.pieces.mes_justificatifs(token, candidature_id)
        assert [(g.heading, [p.title for p in g.pieces]) for g in groups] == [
            (ONLINE, ["CINSIG01 : Confirmation d'inscription signée",
                      "RELNOT01 : Relevé de notes de la session précédente"]),
            ("A envoyer par voie postale avant le mercredi 15 décembre 2021 23:59 (heure/Paris)",
             ["CERMED01 : Certificat médical d'un médecin agréé (aménagement d'épreuves)"]),
        ]  # fmt: skip

    def test_the_guide_s_own_heading(self) -> None:
        period = Period(datetime(2018, 4, 5, 6, tzinfo=UTC), datetime(2018, 10, 30, 22, 59, tzinfo=UTC))
        rule = PieceRule(
            "S", "CINSIG01", "Confirmation d'inscription signée", "Confirmation", DepositMode.EN_LIGNE, period
        )
        assert rule.heading == (
            "A déposer en ligne entre le jeudi 05 avril 2018 et le mardi 30 octobre 2018 23:59 (heure/Paris)"
        )

    def test_the_pieces_follow_the_answers(self, portal: Portal, token: str) -> None:
        """No acquis, no disability: only the signed confirmation."""
        candidature_id = register(portal, token, dubois_tabs())
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        assert [p.code for p in group.pieces] == ["CINSIG01"]


@pytest.mark.rule("JUS-02")
def test_the_demande_de_pieces_carries_the_return_address(portal: Portal, token: str) -> None:
    candidature_id = register(portal, token, replace(accrall_tabs(), 2, disability_arrangement=True))
    text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.DEMANDE_PIECES).data)
    assert "DEMANDE DE PIECES JUSTIFICATIVES" in text
    assert "CERMED01" in text
    assert "à envoyer par voie postale avant le 15/12/2021 à 23:59" in text
    assert "Adresse de retour des pièces" in text
    assert "1 chemin de l'olivier" in text


@pytest.mark.rule("JUS-03")
class TestDeposit:
    def test_a_file_is_deposited_with_its_date_and_can_be_deleted(
        self, portal: Portal, token: str, candidature_id: str, store: MemoryFileStore
    ) -> None:
        view = portal.pieces.upload(
            token, candidature_id, "CINSIG01", "ma confirmation.pdf", iter([PDF[:10], PDF[10:]])
        )
        assert (view.deposited, view.file_name, view.can_delete) == (
            "Déposé le 15/11/2021",
            "ma confirmation.pdf",
            True,
        )
        assert portal.pieces.file(token, candidature_id, "CINSIG01") == ("ma confirmation.pdf", "application/pdf", PDF)
        portal.pieces.delete_file(token, candidature_id, "CINSIG01")
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        assert group.pieces[0].file_name is None
        assert store.ids() == []

    def test_dates_shown_are_paris_dates(
        self, portal: Portal, token: str, candidature_id: str, clock: ManualClock
    ) -> None:
        """23:30 UTC on 15 November is already 16 November in Paris: the guide's dates are Paris dates."""
        clock.set(datetime(2021, 11, 15, 23, 30, tzinfo=UTC))
        token = portal.accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x").session_token
        deposit_all(portal, token, candidature_id)
        validated = portal.pieces.validate(token, candidature_id, ONLINE)
        assert [(v.deposited, v.validated_on) for v in validated] == [("Déposé le 16/11/2021", "16/11/2021")] * 2

    def test_a_withdrawn_candidature_s_pieces_can_no_longer_change(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        upload(portal, token, candidature_id, "CINSIG01")
        portal.candidatures.withdraw(token, candidature_id, confirmed=True)
        for call in (
            lambda: upload(portal, token, candidature_id, "RELNOT01"),
            lambda: portal.pieces.delete_file(token, candidature_id, "CINSIG01"),
            lambda: portal.pieces.validate(token, candidature_id, ONLINE),
        ):
            with pytest.raises(CandidatureNotFound):
                call()

    def test_a_piece_code_the_candidature_does_not_ask_for_is_a_piece_not_found(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """The candidature is found (and the candidate's): the error names the pièce, not the candidature."""
        for call in (
            lambda: upload(portal, token, candidature_id, "NOPE"),
            lambda: portal.pieces.delete_file(token, candidature_id, "NOPE"),
            lambda: upload(portal, token, candidature_id, ""),
        ):
            with pytest.raises(PieceNotFound) as refused:
                call()
            assert not isinstance(refused.value, CandidatureNotFound)
            assert (refused.value.code, refused.value.http_status) == ("piece_not_found", 404)
            assert refused.value.message == "Cette pièce n'est pas demandée pour cette candidature."
        with pytest.raises(CandidatureNotFound):  # a candidature that is not the caller's stays that
            upload(portal, token, "0" * 32, "NOPE")

    def test_the_form_states_formats_and_size(self, portal: Portal) -> None:
        assert portal.pieces.accepted == "Formats acceptés : PDF, JPEG ou PNG. Taille maximale : 5 Mo."

    def test_only_inside_the_deposit_period(
        self, portal: Portal, token: str, candidature_id: str, clock: ManualClock
    ) -> None:
        """H7: ±1 s around the deadline."""
        clock.set(DEPOSIT_ENDS - timedelta(seconds=1))
        fresh = portal.accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x").session_token
        upload(portal, fresh, candidature_id, "CINSIG01")
        clock.set(DEPOSIT_ENDS)
        with pytest.raises(ServiceClosed):
            upload(portal, fresh, candidature_id, "RELNOT01")

    def test_a_postal_piece_cannot_be_deposited_online(self, portal: Portal, token: str) -> None:
        candidature_id = register(portal, token, replace(accrall_tabs(), 2, disability_arrangement=True))
        with pytest.raises(ForbiddenError, match="en ligne"):
            upload(portal, token, candidature_id, "CERMED01")


@pytest.mark.rule("JUS-06")
class TestWhatIsAccepted:
    def test_an_oversized_stream_is_refused_without_keeping_anything(
        self, portal: Portal, token: str, candidature_id: str, store: MemoryFileStore
    ) -> None:
        """H1: an endless upload; at most limit + one chunk read; nothing stored, nothing recorded."""

        def endless() -> Iterator[bytes]:
            while True:
                yield b"%PDF" + b"x" * 65532

        with pytest.raises(FileTooLarge):
            portal.pieces.upload(token, candidature_id, "CINSIG01", "big.pdf", endless())
        assert store.ids() == []
        assert store.bytes_read <= portal.pieces.max_bytes + 65536

    def test_content_decides_and_a_refused_file_is_not_kept(
        self, portal: Portal, token: str, candidature_id: str, store: MemoryFileStore
    ) -> None:
        png = minimal_png()
        with pytest.raises(ValidationError) as refused:
            upload(portal, token, candidature_id, "CINSIG01", png, "scan.pdf")
        assert refused.value.fields == ("file",)
        assert store.ids() == []
        upload(portal, token, candidature_id, "CINSIG01", png, "scan.png")
        assert len(store.ids()) == 1

    def test_an_infected_file_is_refused_and_logged(self, portal: Portal, token: str, candidature_id: str) -> None:
        """H6 / H10: EICAR → refused, upload_validation virusscan FAILED audited."""
        with pytest.raises(ValidationError, match="virus"):
            upload(portal, token, candidature_id, "CINSIG01", WITH_EICAR)
        assert isinstance(portal.storage, MemoryDatabase)
        records = [dict(r.details) for r in portal.storage.audit.rows.values() if r.action == "upload_validation"]
        assert records[0]["virusscan"] == "FAILED"
        upload(portal, token, candidature_id, "CINSIG01")
        portal.pieces.delete_file(token, candidature_id, "CINSIG01")
        actions = [(r.action, dict(r.details).get("virusscan")) for r in portal.storage.audit.rows.values()]
        assert [a for a in actions if a[0].startswith("upload")] == [
            ("upload_validation", "FAILED"), ("upload_validation", "passed"), ("upload_complete", "clean"),
            ("upload_delete", None),
        ]  # fmt: skip

    def test_an_unscanned_file_cannot_be_validated(self, clock: ManualClock) -> None:
        """H6: the scanner fails closed; only CLEAN can be validated."""

        class Unavailable(SignatureScanner):
            def scan(self, data: bytes) -> tuple:  # type: ignore[type-arg]
                from cyclades_core.model.pieces import ScanVerdict

                return ScanVerdict.NOT_SCANNED, "délai dépassé"

        portal = guide_portal(clock, scanner=Unavailable())
        token = signed_in(portal)
        candidature_id = register(portal, token)
        deposit_all(portal, token, candidature_id)
        with pytest.raises(ValidationError, match="antivirus"):
            portal.pieces.validate(token, candidature_id, ONLINE)

    def test_a_withdrawal_during_the_scan_refuses_the_deposit(self, clock: ManualClock) -> None:
        """The candidature is checked again when the deposit is recorded: it may have been withdrawn meanwhile."""
        withdraw: list[object] = []

        class Slow(SignatureScanner):
            def scan(self, data: bytes) -> tuple:  # type: ignore[type-arg]
                for act in withdraw:
                    act()  # type: ignore[operator]
                return super().scan(data)

        store = MemoryFileStore()
        portal = guide_portal(clock, scanner=Slow(), file_store=store)
        token = signed_in(portal)
        candidature_id = register(portal, token)
        withdraw.append(lambda: portal.candidatures.withdraw(token, candidature_id, confirmed=True))
        with pytest.raises(CandidatureNotFound):
            upload(portal, token, candidature_id, "CINSIG01")
        assert store.ids() == []

    def test_the_upload_limit_cannot_exceed_the_scanner_s(self) -> None:
        """H6: configuration check."""
        with pytest.raises(ConfigurationError, match=r"scanner\.max_bytes"):
            PieceService(uow=None, clock=None, authenticator=None, store=MemoryFileStore(),  # type: ignore[arg-type]
                         inspector=None, scanner=SignatureScanner(max_bytes=1024), max_bytes=2048)  # fmt: skip
        with pytest.raises(ConfigurationError, match=r"max_bytes .*au moins 1 octet"):
            PieceService(uow=None, clock=None, authenticator=None, store=MemoryFileStore(),  # type: ignore[arg-type]
                         inspector=None, scanner=SignatureScanner(), max_bytes=0)  # fmt: skip

    def test_build_portal_sets_the_upload_limit_and_checks_it_as_the_service_does(self, clock: ManualClock) -> None:
        """Integrator review, finding 4 (H1, H6): ``max_upload_bytes`` reaches ``portal.pieces`` (a deposit over it
        is refused); a limit above the scanner's, or under one byte, is refused naming the argument."""
        portal = guide_portal(clock, max_upload_bytes=64 * 1024)
        assert portal.pieces.max_bytes == 64 * 1024
        assert portal.pieces.accepted.endswith("Taille maximale : 0.0625 Mo.")
        token = signed_in(portal)
        candidature_id = register(portal, token)
        with pytest.raises(FileTooLarge):
            upload(portal, token, candidature_id, "CINSIG01", minimal_pdf(more=[b"% " + b"x" * 70_000]))
        upload(portal, token, candidature_id, "CINSIG01")  # under the limit
        with pytest.raises(ConfigurationError, match=r"^max_upload_bytes : .*\(scanner\.max_bytes = 1024 octets\)"):
            guide_portal(clock, scanner=SignatureScanner(max_bytes=1024), max_upload_bytes=2048)
        with pytest.raises(ConfigurationError, match=r"^max_upload_bytes : .*26214400 octets"):  # the default scanner's
            guide_portal(clock, max_upload_bytes=26214400 + 1)
        for wrong in (0, -1):
            with pytest.raises(ConfigurationError, match=r"^max_upload_bytes : .*au moins 1 octet"):
                guide_portal(clock, max_upload_bytes=wrong)
        larger = guide_portal(clock, scanner=SignatureScanner(max_bytes=50 << 20), max_upload_bytes=50 << 20)
        assert larger.pieces.max_bytes == 50 << 20
        assert guide_portal(clock).pieces.max_bytes == 5 << 20  # the default, unchanged


@pytest.mark.rule("JUS-04")
class TestValidation:
    def test_only_when_every_piece_of_the_group_has_a_file(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        upload(portal, token, candidature_id, "CINSIG01")
        with pytest.raises(ValidationError, match="RELNOT01"):
            portal.pieces.validate(token, candidature_id, ONLINE)
        upload(portal, token, candidature_id, "RELNOT01")
        validated = portal.pieces.validate(token, candidature_id, ONLINE)
        assert [v.validated_on for v in validated] == ["15/11/2021", "15/11/2021"]

    def test_validated_pieces_can_no_longer_change_and_validating_again_changes_nothing(
        self, portal: Portal, token: str, candidature_id: str, clock: ManualClock
    ) -> None:
        deposit_all(portal, token, candidature_id)
        portal.pieces.validate(token, candidature_id, ONLINE)
        with pytest.raises(PieceLocked):
            portal.pieces.delete_file(token, candidature_id, "CINSIG01")
        with pytest.raises(PieceLocked):
            upload(portal, token, candidature_id, "CINSIG01")
        clock.advance(days=1)
        token = portal.accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x").session_token
        again = portal.pieces.validate(token, candidature_id, ONLINE)
        assert [v.validated_on for v in again] == ["15/11/2021", "15/11/2021"]
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        assert group.can_validate is False


@pytest.mark.rule("JUS-05")
class TestReview:
    def test_the_candidate_sees_status_reception_date_and_comment_and_gets_no_mail(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """I2: the outbox is unchanged by any status change."""
        deposit_all(portal, token, candidature_id)
        portal.pieces.validate(token, candidature_id, ONLINE)
        before = len(mails(portal))
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.RECUE, received_on=date(2021, 11, 15))
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.NON_CONFORME, comment="Pièce illisible")
        portal.pieces.review(BESANCON, candidature_id, "RELNOT01", PieceStatus.RECUE)
        portal.pieces.review(BESANCON, candidature_id, "RELNOT01", PieceStatus.CONFORME)
        assert len(mails(portal)) == before
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        cinsig, relnot = group.pieces
        assert (cinsig.status, cinsig.received_on, cinsig.comment) == ("Non conforme", "15/11/2021", "Pièce illisible")
        assert relnot.status == "Conforme"
        assert cinsig.can_deposit is True
        assert relnot.can_deposit is False

    def test_a_non_conforme_piece_is_deposited_again_and_validated_again(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        sent_back(portal, token, candidature_id)
        upload(portal, token, candidature_id, "CINSIG01", name="lisible.pdf")
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        cinsig = group.pieces[0]
        assert (cinsig.status, cinsig.validated_on, cinsig.file_name) == (None, None, "lisible.pdf")
        assert group.can_validate is True
        portal.pieces.validate(token, candidature_id, ONLINE)

    def test_a_non_conforme_piece_is_not_validated_again_without_a_new_file(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """JUS-04 after JUS-05: the rejected file still sits there, but the pièce is missing until replaced."""
        sent_back(portal, token, candidature_id)
        with pytest.raises(ValidationError, match="CINSIG01"):
            portal.pieces.validate(token, candidature_id, ONLINE)
        [group] = portal.pieces.mes_justificatifs(token, candidature_id)
        assert group.pieces[0].status == "Non conforme"


@pytest.mark.rule("MGR-02")
class TestManagerStatusMachine:
    """The transition table itself (JUS-07: any status to any other) is proved in tests/unit/test_piece_review.py."""

    def test_another_academie_s_manager_is_refused_and_every_change_is_audited(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        deposit_all(portal, token, candidature_id)
        portal.pieces.validate(token, candidature_id, ONLINE)
        with pytest.raises(ForbiddenError):
            portal.pieces.review(Manager("gest-lyon", ("10",)), candidature_id, "CINSIG01", PieceStatus.RECUE)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.RECUE)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.NON_CONFORME, comment="ok\r\nFAKE")
        assert isinstance(portal.storage, MemoryDatabase)
        reviews = [dict(r.details) for r in portal.storage.audit.rows.values() if r.action == "piece_reviewed"]
        assert [(r["from_status"], r["to_status"]) for r in reviews] == [("aucun", "Reçue"), ("Reçue", "Non conforme")]
        assert reviews[1]["comment"] == "ok\\x0d\\x0aFAKE"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace(" | ", " ").split())  # wrapped lines and table cells read as one line


@pytest.mark.rule("CAN-15")
def test_visualiser_imprimer_gives_the_confirmation_as_a_pdf(portal: Portal, token: str, candidature_id: str) -> None:
    rendered = portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION)
    assert rendered.media_type == "application/pdf"
    assert rendered.filename.endswith("-001-v1.pdf")
    text = pdf_text(rendered.data)
    expected = [
        "CONFIRMATION D'INSCRIPTION", "BREVET DE TECHNICIEN SUPERIEUR", "Inscription n° : 001", "Session : 2022-06",
        "Version : 1 du 15/11/2021 à 11:00", "EPREUVES OBLIGATOIRES",
        "E1 - Culture générale et expression (Académie d'obtention: BESANCON) U1 Bénéfice Note: 15.00",
        "Né(e) le : 28/11/2004 A : MAY-SUR-ORNE - 014", "EPREUVE(S) FACULTATIVE(S)",
        "EF1 - Langue vivante 2 - Russe UF1 Inscrit Ponctuel",
    ]  # fmt: skip
    assert [e for e in expected if e not in text] == []


@pytest.mark.rule("CAN-15")
def test_rendering_the_current_confirmation_reads_no_past_version(
    portal: Portal, token: str, candidature_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirmation shows the last save: rendering it must not read and parse every past version (the cost grew
    with the candidature's life, issue 19)."""
    from cyclades_adapters.memory import storage

    draft = portal.candidatures.edit(token, candidature_id)
    while not draft.on_recapitulatif:
        draft = portal.candidatures.next(draft)
    portal.candidatures.save(token, draft)  # version 2

    def no_history(self: object, candidature_id: str) -> None:
        raise AssertionError("the history was read")

    monkeypatch.setattr(storage._Candidatures, "history", no_history)
    rendered = portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION)
    assert rendered.filename.endswith("-001-v2.pdf")


@pytest.mark.rule("DOC-02")
def test_the_confirmation_names_its_return_date(portal: Portal, token: str, candidature_id: str) -> None:
    text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data)
    assert "A RENVOYER IMPERATIVEMENT POUR LE MERCREDI 15 DÉCEMBRE 2021" in text
    [group] = portal.pieces.mes_justificatifs(token, candidature_id)
    assert group.pieces[0].title == "CINSIG01 : Confirmation d'inscription signée"


@pytest.mark.rule("DOC-03")
def test_mes_documents_lists_versions_and_update_times(
    portal: Portal, token: str, candidature_id: str, clock: ManualClock
) -> None:
    lines = [d.line for d in portal.candidatures.documents(token, candidature_id)]
    assert lines == [
        "Confirmation d'inscription [PDF] : Version n°1 mis à jour le 15/11/2021 11:00",
        "Demande pièces justificatives [PDF] : Version n°1 mis à jour le 15/11/2021 11:00",
    ]
    clock.advance(minutes=5)
    token = portal.accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x").session_token
    draft = portal.candidatures.edit(token, candidature_id)
    from tests.candidature_support import fill

    portal.candidatures.save(token, fill(portal, draft, [None] * 7))
    first = portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION)
    assert "Version : 2 du 15/11/2021 à 11:05" in pdf_text(first.data)


@pytest.mark.rule("DOC-04")
def test_les_formulaires_is_empty_for_the_bts(portal: Portal, token: str, candidature_id: str) -> None:
    assert portal.documents.formulaires(token, candidature_id) == ()
    assert FORMULAIRES_MESSAGE == "Actuellement, cette section n'est pas utilisée dans le cadre du BTS."


@pytest.mark.rule("MGR-03")
def test_the_manager_publishes_a_document_that_lights_the_envelope(
    portal: Portal, token: str, candidature_id: str
) -> None:
    for kind in (DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES):
        portal.candidatures.open_document(token, candidature_id, kind)
    assert portal.candidatures.mes_inscriptions(token).cards[0].envelope is False
    first = portal.documents.publish(BESANCON, candidature_id, DocumentKind.RELANCE_PIECES)
    again = portal.documents.publish(BESANCON, candidature_id, DocumentKind.RELANCE_PIECES)
    assert (first.version, again.version) == (1, 2)
    assert portal.candidatures.mes_inscriptions(token).cards[0].envelope is True
    text = pdf_text(portal.documents.render(token, candidature_id, DocumentKind.RELANCE_PIECES).data)
    assert "RELANCE DE PIECES JUSTIFICATIVES" in text
    with pytest.raises(ForbiddenError):
        portal.documents.publish(Manager("gest-lyon", ("10",)), candidature_id, DocumentKind.RELANCE_PIECES)


def test_a_candidate_reaches_only_its_own_documents_and_files(portal: Portal, token: str, candidature_id: str) -> None:
    """L4: another candidate's ids answer not found, like missing ones."""
    upload(portal, token, candidature_id, "CINSIG01")
    other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    for call in (
        lambda: portal.documents.render(other, candidature_id, DocumentKind.CONFIRMATION),
        lambda: portal.pieces.file(other, candidature_id, "CINSIG01"),
        lambda: portal.pieces.mes_justificatifs(other, candidature_id),
        lambda: portal.pieces.upload(other, candidature_id, "CINSIG01", "x.pdf", [PDF]),
        lambda: portal.documents.render(other, "missing", DocumentKind.CONFIRMATION),
    ):
        with pytest.raises(CandidatureNotFound):
            call()


def authz_failures(portal: Portal) -> list[tuple[str, str | None, str]]:
    assert isinstance(portal.storage, MemoryDatabase)
    rows = portal.storage.audit.rows.values()
    return [(r.actor, r.account_id, dict(r.details)["target"]) for r in rows if r.action == "authz_fail"]


def test_two_candidates_by_two_documents_each_reach_only_their_own_and_crossings_are_logged(
    portal: Portal, clock: ManualClock
) -> None:
    """L4: the matrix of 2 candidates × 2 documents. A candidate asking for the other's document gets the answer a
    missing id gets (CandidatureNotFound, same message), and the crossing is logged as authz_fail; a missing id is
    not an authorisation failure."""
    people = {}
    for email, name in (("a@exemple.fr", "ALPHA"), ("b@exemple.fr", "BRAVO")):
        token = signed_in(portal, email=email, birth_name=name)
        people[name] = (token, register(portal, token), portal.accounts.account(token).id)
    kinds = (DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES)
    for asker, (token, _, _) in people.items():
        for owner, (_, candidature_id, _) in people.items():
            for kind in kinds:
                if asker == owner:
                    assert portal.documents.render(token, candidature_id, kind).data.startswith(b"%PDF-")
                    continue
                with pytest.raises(CandidatureNotFound) as crossed:
                    portal.documents.render(token, candidature_id, kind)
                with pytest.raises(CandidatureNotFound) as missing:
                    portal.documents.render(token, "0" * 32, kind)
                assert (crossed.value.code, str(crossed.value)) == (missing.value.code, str(missing.value))
    alpha, bravo = people["ALPHA"], people["BRAVO"]
    assert authz_failures(portal) == [
        ("candidate", alpha[2], bravo[1]), ("candidate", alpha[2], bravo[1]),
        ("candidate", bravo[2], alpha[1]), ("candidate", bravo[2], alpha[1]),
    ]  # fmt: skip
    with pytest.raises(CandidatureNotFound):  # G6: nor may one withdraw the other's candidature
        portal.candidatures.withdraw(bravo[0], alpha[1], confirmed=True)
    assert authz_failures(portal)[-1] == ("candidate", bravo[2], alpha[1])
    assert portal.candidatures.mes_inscriptions(alpha[0]).cards[0].candidature_id == alpha[1]


def test_another_academie_s_manager_is_refused_and_logged_on_pieces_and_documents(
    portal: Portal, token: str, candidature_id: str
) -> None:
    """I1: status changes and publications are refused outside the manager's académies, and logged."""
    upload(portal, token, candidature_id, "CINSIG01")
    lyon = Manager("gest-lyon", ("10",))
    with pytest.raises(ForbiddenError, match="votre académie"):
        portal.pieces.review(lyon, candidature_id, "CINSIG01", PieceStatus.RECUE)
    with pytest.raises(ForbiddenError, match="votre académie"):
        portal.documents.publish(lyon, candidature_id, DocumentKind.RELANCE_PIECES)
    assert [(actor, target) for actor, _, target in authz_failures(portal)] == [
        ("manager:gest-lyon", candidature_id), ("manager:gest-lyon", candidature_id),
    ]  # fmt: skip
    with pytest.raises(CandidatureNotFound):
        portal.pieces.review(lyon, "0" * 32, "CINSIG01", PieceStatus.RECUE)
