"""The managing service's control of pièces (issue 17): statuses the way a managing service works (JUS-07), and the
manager's view of a candidature's pièces, files and content (MGR-06); the guide's texts around them (JUS-05).

The guide, « Mes pièces justificatives »: « Lorsque le gestionnaire contrôle les pièces justificatives, il peut leur
changer leur statut et éventuellement indiquer une date de réception. Je vois alors l'information dans cet espace.
Je ne reçois pas de mail automatique. »
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase, MemoryFileStore
from cyclades_core.errors import CandidatureNotFound, ForbiddenError, PieceNotFound, ValidationError
from cyclades_core.model.catalogue import DepositMode, Period
from cyclades_core.model.pieces import (
    MANAGER_INFORMATION,
    NOT_DEMATERIALISED,
    REVIEW_STATUSES,
    IllegalPieceTransition,
    Piece,
    PieceLocked,
    PieceStatus,
    ScanVerdict,
    StoredFile,
)
from cyclades_core.testing import ManualClock, minimal_pdf
from cyclades_core.usecases.management import Manager
from tests.candidature_support import DURING, accrall_tabs, guide_portal, register, replace, signed_in
from tests.conftest import mails

PDF = minimal_pdf()
BESANCON = Manager("gest-besancon", ("03",))
LYON = Manager("gest-lyon", ("10",))
ONLINE = "A déposer en ligne entre le lundi 01 novembre 2021 et le mercredi 15 décembre 2021 23:59 (heure/Paris)"
POSTAL = "A envoyer par voie postale avant le mercredi 15 décembre 2021 23:59 (heure/Paris)"
NAMES: dict[PieceStatus | None, str] = {None: "aucun", **{s: s.value for s in PieceStatus}}


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
    """ACCRALL Dack with a disability arrangement: CINSIG01 and RELNOT01 online, CERMED01 by post."""
    return register(portal, token, replace(accrall_tabs(), 2, disability_arrangement=True))


def validated(portal: Portal, token: str, cid: str) -> None:
    """Both online pièces deposited, then « J'ai fourni toutes mes pièces »."""
    for code in ("CINSIG01", "RELNOT01"):
        portal.pieces.upload(token, cid, code, f"{code.lower()}.pdf", [PDF])
    portal.pieces.validate(token, cid, ONLINE)


class UnreachableScanner:
    """The antivirus cannot be reached: every file is NOT_SCANNED (it fails closed)."""

    max_bytes = 25 * 1024 * 1024

    def scan(self, data: bytes) -> tuple[ScanVerdict, str]:
        return ScanVerdict.NOT_SCANNED, "antivirus injoignable"


def reviews(portal: Portal) -> list[dict[str, Any]]:
    assert isinstance(portal.storage, MemoryDatabase)
    return [dict(r.details) for r in portal.storage.audit.rows.values() if r.action == "piece_reviewed"]


def audit(portal: Portal, action: str) -> list[tuple[str, dict[str, Any]]]:
    assert isinstance(portal.storage, MemoryDatabase)
    return [(r.actor, dict(r.details)) for r in portal.storage.audit.rows.values() if r.action == action]


def candidate_view(portal: Portal, token: str, cid: str, code: str) -> Any:
    return next(p for g in portal.pieces.mes_justificatifs(token, cid) for p in g.pieces if p.code == code)


# -- JUS-07: any status to any other -------------------------------------------------------------------------------


@pytest.mark.rule("JUS-07")
@pytest.mark.rule("MGR-02")
@pytest.mark.rule("I1")
@pytest.mark.rule("I2")
class TestTheTransitionTable:
    """I1, every pair: « il peut leur changer leur statut » — from none, Reçue, Conforme or Non conforme to any of
    them, the same included, on a validated online pièce and on a pièce sent by post; each change audited from → to
    with its reception date and comment, and no mail (I2: « Je ne reçois pas de mail automatique »)."""

    @pytest.mark.parametrize("start", REVIEW_STATUSES, ids=lambda s: NAMES[s])
    @pytest.mark.parametrize("target", REVIEW_STATUSES, ids=lambda s: NAMES[s])
    @pytest.mark.parametrize("code", ["CINSIG01", "CERMED01"], ids=["online", "by-post"])
    def test_every_status_goes_to_every_status(
        self,
        portal: Portal,
        token: str,
        candidature_id: str,
        code: str,
        start: PieceStatus | None,
        target: PieceStatus | None,
    ) -> None:
        validated(portal, token, candidature_id)
        if start is not None:
            portal.pieces.review(BESANCON, candidature_id, code, start, received_on=date(2021, 11, 10))
        before, records = len(mails(portal)), len(reviews(portal))
        comment = "Pièce illisible" if target is not None else None
        received = date(2021, 11, 14) if target is not None else None
        reviewed = portal.pieces.review(BESANCON, candidature_id, code, target, received_on=received, comment=comment)
        assert (reviewed.status, reviewed.received_on, reviewed.comment) == (target, received, comment)
        assert len(mails(portal)) == before
        [record] = reviews(portal)[records:]
        assert (record["from_status"], record["to_status"]) == (NAMES[start], NAMES[target])
        assert record["received_on"] == (received.isoformat() if received else "")
        assert record["comment"] == (comment or "")
        seen = candidate_view(portal, token, candidature_id, code)
        assert (seen.status, seen.comment) == (target.value if target else None, comment)
        if code == "CINSIG01":  # the candidate may deposit again exactly when the pièce is Non conforme
            assert seen.can_deposit is (target is PieceStatus.NON_CONFORME)

    @pytest.mark.parametrize("target", REVIEW_STATUSES, ids=lambda s: NAMES[s])
    def test_an_online_piece_is_controlled_only_once_the_candidate_validated_it(
        self, portal: Portal, token: str, candidature_id: str, target: PieceStatus | None
    ) -> None:
        """« J'ai fourni toutes mes pièces … pour indiquer au gestionnaire que les pièces peuvent être
        contrôlées »: before, there is no file, or one the candidate may still replace."""
        with pytest.raises(IllegalPieceTransition, match="pas encore validé"):
            portal.pieces.review(BESANCON, candidature_id, "CINSIG01", target)
        portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [PDF])
        with pytest.raises(IllegalPieceTransition, match="pas encore validé"):
            portal.pieces.review(BESANCON, candidature_id, "CINSIG01", target)
        assert reviews(portal) == []

    def test_the_model_table_holds_every_pair(self) -> None:
        """The aggregate alone: every (from, to) pair of the table, on a validated online pièce and on a pièce sent
        by post; a reception date not given keeps the recorded one; no status clears it."""
        period = Period(datetime(2021, 11, 1, tzinfo=UTC), datetime(2021, 12, 15, 22, 59, tzinfo=UTC))
        file = StoredFile("f", "a.pdf", "application/pdf", 10, DURING, ScanVerdict.CLEAN)
        online = Piece("c", "CINSIG01", "Confirmation", "g", DepositMode.EN_LIGNE, period, file, DURING)
        postal = Piece("c", "CERMED01", "Certificat", "g", DepositMode.COURRIER, period)
        for piece in (online, postal):
            for start in REVIEW_STATUSES:
                begun = piece.review(start, date(2021, 11, 2) if start else None, None)
                for target in REVIEW_STATUSES:
                    after = begun.review(target, None, "c" if target else None)
                    assert after.status is target
                    assert after.received_on == (date(2021, 11, 2) if start and target else None)
                    assert after.version == begun.version + 1
        with pytest.raises(IllegalPieceTransition):
            postal.review("Reçue", None, None)  # type: ignore[arg-type]


@pytest.mark.rule("JUS-07")
class TestTheGuideSCases:
    def test_a_manager_marks_a_deposited_piece_conforme_without_marking_it_recue_first(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """Issue 17's bug: « a manager cannot mark an uploaded pièce Conforme without first marking it Reçue ».
        Case 4) « Le statut de la pièce est Conforme => Je n'ai rien à faire. »"""
        validated(portal, token, candidature_id)
        portal.pieces.review(BESANCON, candidature_id, "RELNOT01", PieceStatus.CONFORME)
        relnot = candidate_view(portal, token, candidature_id, "RELNOT01")
        assert (relnot.status, relnot.can_deposit, relnot.can_delete) == ("Conforme", False, False)

    def test_a_non_conforme_piece_sent_by_post_is_received_again_then_conforme(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """The guide's own Non conforme example is a pièce sent by post: « Statut : Non conforme  Date de réception
        29/10/2018  Information du gestionnaire  Pièce illisible »; the candidate sends it again, the manager
        receives it (« Le statut « Reçue » n'est pas possible depuis « Non conforme » » was the bug), then finds it
        conforme."""
        portal.pieces.review(BESANCON, candidature_id, "CERMED01", PieceStatus.NON_CONFORME,
                             received_on=date(2021, 11, 12), comment="Pièce illisible")  # fmt: skip
        cermed = candidate_view(portal, token, candidature_id, "CERMED01")
        assert (cermed.status, cermed.received_on, cermed.comment_label, cermed.comment) == (
            "Non conforme",
            "12/11/2021",
            "Information du gestionnaire",
            "Pièce illisible",
        )
        portal.pieces.review(BESANCON, candidature_id, "CERMED01", PieceStatus.RECUE, received_on=date(2021, 11, 15))
        portal.pieces.review(BESANCON, candidature_id, "CERMED01", PieceStatus.CONFORME)
        cermed = candidate_view(portal, token, candidature_id, "CERMED01")
        assert (cermed.status, cermed.received_on, cermed.comment_label) == ("Conforme", "15/11/2021", None)
        assert [(r["from_status"], r["to_status"], r["received_on"]) for r in reviews(portal)] == [
            ("aucun", "Non conforme", "2021-11-12"),
            ("Non conforme", "Reçue", "2021-11-15"),
            ("Reçue", "Conforme", "2021-11-15"),
        ]

    def test_a_mistaken_conforme_corrected_to_non_conforme_lets_the_candidate_deposit_again(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """Case 3) « Je peux redéposer cette pièce et devrais cliquer de nouveau sur J'ai fourni toutes mes
        pièces »: after a Conforme corrected to Non conforme, the re-deposit clears the status (« aucun statut n'est
        positionné »), needs a new validation, and is controlled again."""
        validated(portal, token, candidature_id)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.CONFORME)
        with pytest.raises(PieceLocked):
            portal.pieces.upload(token, candidature_id, "CINSIG01", "autre.pdf", [PDF])
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.NON_CONFORME, comment="Non signée")
        portal.pieces.upload(token, candidature_id, "CINSIG01", "signee.pdf", [PDF])
        cinsig = candidate_view(portal, token, candidature_id, "CINSIG01")
        assert (cinsig.status, cinsig.comment, cinsig.validated_on, cinsig.file_name) == (
            None,
            None,
            None,
            "signee.pdf",
        )
        with pytest.raises(IllegalPieceTransition):  # not yet validated again
            portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.CONFORME)
        portal.pieces.validate(token, candidature_id, ONLINE)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.CONFORME)
        assert candidate_view(portal, token, candidature_id, "CINSIG01").status == "Conforme"
        [(_, deposit)] = [entry for entry in audit(portal, "upload_complete") if "cleared_status" in entry[1]]
        assert deposit["cleared_status"] == "Non conforme"

    def test_a_mistaken_status_is_taken_back_to_none(self, portal: Portal, token: str, candidature_id: str) -> None:
        """Case 1) « La pièce n'a pas encore été contrôlée => aucun statut n'est positionné »: a manager who set a
        status on the wrong pièce takes it back; its reception date and comment go with it."""
        portal.pieces.review(BESANCON, candidature_id, "CERMED01", PieceStatus.RECUE, received_on=date(2021, 11, 12))
        portal.pieces.review(BESANCON, candidature_id, "CERMED01", None)
        cermed = candidate_view(portal, token, candidature_id, "CERMED01")
        assert (cermed.status, cermed.received_on, cermed.comment) == (None, None, None)


@pytest.mark.rule("JUS-07")
@pytest.mark.rule("I1")
class TestWhatStaysRefused:
    def test_another_academie_s_manager_is_refused_and_logged(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """I1: only managers of the candidature's académie change a status; the attempt is ``authz_fail``."""
        validated(portal, token, candidature_id)
        with pytest.raises(ForbiddenError, match="votre académie"):
            portal.pieces.review(LYON, candidature_id, "CINSIG01", PieceStatus.CONFORME)
        assert [actor for actor, _ in audit(portal, "authz_fail")] == ["manager:gest-lyon"]
        assert reviews(portal) == []

    def test_a_piece_the_candidature_does_not_ask_for_has_no_status(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        with pytest.raises(PieceNotFound, match="pas demandée"):
            portal.pieces.review(BESANCON, candidature_id, "ATTEST99", PieceStatus.RECUE)

    @pytest.mark.parametrize("act", ["withdraw", "delete"])
    def test_the_pieces_of_a_withdrawn_or_deleted_candidature_no_longer_change(
        self, portal: Portal, token: str, candidature_id: str, act: str
    ) -> None:
        """« Désinscrit » or « Supprimée par le gestionnaire »: the candidature is over; a set-aside one
        (« Écartée ») may come back, so its pièces are still controlled."""
        validated(portal, token, candidature_id)
        getattr(portal.management, act)(BESANCON, candidature_id, "à la demande du candidat")
        for code in ("CINSIG01", "CERMED01"):
            with pytest.raises(IllegalPieceTransition, match="ne change plus"):
                portal.pieces.review(BESANCON, candidature_id, code, PieceStatus.CONFORME)
        assert reviews(portal) == []

    def test_the_pieces_of_a_set_aside_candidature_are_still_controlled(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        validated(portal, token, candidature_id)
        portal.management.set_aside(BESANCON, candidature_id, "pièces manquantes")
        assert portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.CONFORME).status is not None

    def test_what_is_not_a_status_date_or_comment_is_refused_by_name(
        self, portal: Portal, clock: ManualClock, candidature_id: str
    ) -> None:
        tomorrow = (clock.now() + timedelta(days=1)).date()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"status": "Reçue"}, "status"),
            ({"status": PieceStatus.RECUE, "received_on": tomorrow}, "received_on"),
            ({"status": PieceStatus.RECUE, "received_on": DURING}, "received_on"),
            ({"status": PieceStatus.RECUE, "comment": "x" * 501}, "comment"),
            ({"status": None, "comment": "Pièce illisible"}, "status"),
            ({"status": None, "received_on": date(2021, 11, 2)}, "status"),
        ]
        for arguments, field in cases:
            with pytest.raises(ValidationError) as refused:
                portal.pieces.review(BESANCON, candidature_id, "CERMED01", **arguments)
            assert refused.value.fields == (field,)
        assert reviews(portal) == []


# -- MGR-06: the manager's view ------------------------------------------------------------------------------------


@pytest.mark.rule("MGR-06")
@pytest.mark.rule("JUS-03")
class TestTheManagerSView:
    def test_the_manager_lists_the_pieces_with_status_deposit_date_reception_date_and_file(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """« Lorsque le fichier est ajouté, la date de dépôt est affichée (et visible par le gestionnaire) »."""
        validated(portal, token, candidature_id)
        portal.pieces.review(BESANCON, candidature_id, "CINSIG01", PieceStatus.NON_CONFORME,
                             received_on=date(2021, 11, 15), comment="Pièce illisible")  # fmt: skip
        views = portal.pieces.manager_pieces(BESANCON, candidature_id)
        assert [(v.code, v.heading, v.status_label) for v in views] == [
            ("CINSIG01", ONLINE, "Non conforme"),
            ("RELNOT01", ONLINE, "Aucun statut"),
            ("CERMED01", POSTAL, "Aucun statut"),
        ]
        cinsig, relnot, cermed = views
        assert cinsig.deposited == "Déposé le 15/11/2021 à 11:00"  # 10:00 UTC, Paris time
        assert cinsig.deposited_at is not None
        assert cinsig.deposited_at.utcoffset() == timedelta(hours=1)
        assert (cinsig.received_on, cinsig.comment) == (date(2021, 11, 15), "Pièce illisible")
        assert (cinsig.file_name, cinsig.content_type, cinsig.size) == ("cinsig01.pdf", "application/pdf", len(PDF))
        assert cinsig.scan is ScanVerdict.CLEAN
        assert cinsig.validated_at is not None
        assert (relnot.can_review, cermed.can_review) == (True, True)
        assert (cermed.file_name, cermed.deposited, cermed.mode) == (None, None, DepositMode.COURRIER)

    def test_an_online_piece_not_yet_validated_shows_it_cannot_be_controlled_yet(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [PDF])
        cinsig = portal.pieces.manager_pieces(BESANCON, candidature_id)[0]
        assert (cinsig.file_name, cinsig.validated_at, cinsig.can_review) == ("a.pdf", None, False)

    def test_the_manager_downloads_a_deposited_file_and_the_download_is_audited(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        validated(portal, token, candidature_id)
        assert portal.pieces.manager_file(BESANCON, candidature_id, "CINSIG01") == (
            "cinsig01.pdf", "application/pdf", PDF,
        )  # fmt: skip
        assert audit(portal, "piece_file_read") == [
            ("manager:gest-besancon", {"candidature": candidature_id, "piece": "CINSIG01"})
        ]
        with pytest.raises(PieceNotFound, match="Aucun fichier"):
            portal.pieces.manager_file(BESANCON, candidature_id, "CERMED01")

    def test_a_file_the_antivirus_did_not_pass_is_not_handed_to_the_manager(
        self, clock: ManualClock, store: MemoryFileStore
    ) -> None:
        """H6: the scanner fails closed — an unscanned file is not validated, nor opened on a manager's desk."""
        portal = guide_portal(clock, file_store=store, scanner=UnreachableScanner())
        token = signed_in(portal)
        candidature_id = register(portal, token)
        portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [PDF])
        assert portal.pieces.manager_pieces(BESANCON, candidature_id)[0].scan is ScanVerdict.NOT_SCANNED
        with pytest.raises(ForbiddenError, match="antivirus"):
            portal.pieces.manager_file(BESANCON, candidature_id, "CINSIG01")

    def test_the_manager_reads_the_candidature_as_its_recapitulatif_shows_it(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """« read a candidature's content »: the same Récapitulatif as "Mon inscription", and still after the
        candidature is withdrawn (the managing service keeps its records)."""
        seen_by_candidate = portal.candidatures.mon_inscription(token, candidature_id)
        assert portal.management.candidature(BESANCON, candidature_id) == seen_by_candidate
        portal.management.withdraw(BESANCON, candidature_id, "à la demande du candidat")
        read = portal.management.candidature(BESANCON, candidature_id)
        assert read.inscription_number == seen_by_candidate.inscription_number
        assert read.section("Identification du candidat")["Nom de famille"] == "ACCRALL"

    @pytest.mark.rule("I1")
    def test_another_academie_s_manager_reads_nothing_and_is_logged(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        validated(portal, token, candidature_id)
        for read in (
            lambda: portal.pieces.manager_pieces(LYON, candidature_id),
            lambda: portal.pieces.manager_file(LYON, candidature_id, "CINSIG01"),
            lambda: portal.management.candidature(LYON, candidature_id),
        ):
            with pytest.raises(ForbiddenError, match="votre académie"):
                read()
        assert [(actor, d["target"]) for actor, d in audit(portal, "authz_fail")] == [
            ("manager:gest-lyon", candidature_id)
        ] * 3
        assert audit(portal, "piece_file_read") == []
        with pytest.raises(CandidatureNotFound):
            portal.pieces.manager_pieces(BESANCON, "0" * 32)
        with pytest.raises(CandidatureNotFound):
            portal.management.candidature(BESANCON, "0" * 32)


# -- JUS-05: the guide's texts on "Mes justificatifs" ---------------------------------------------------------------


@pytest.mark.rule("JUS-05")
def test_the_guide_s_heading_under_a_piece_sent_by_post_and_the_label_of_the_manager_s_comment(
    portal: Portal, token: str, candidature_id: str
) -> None:
    """« A envoyer par voie postale avant le mardi 30 octobre 2018 23:59 (heure/Paris) … CINSIG01 : Confirmation
    d'inscription signée — Gestion de la pièce non dématérialisée, à envoyer directement au service administratif —
    Statut : Non conforme  Date de réception 29/10/2018 — Information du gestionnaire  Pièce illisible »."""
    portal.pieces.review(BESANCON, candidature_id, "CERMED01", PieceStatus.NON_CONFORME, comment="Pièce illisible")
    online, postal = portal.pieces.mes_justificatifs(token, candidature_id)
    assert (online.notice, postal.notice) == (None, NOT_DEMATERIALISED)
    assert NOT_DEMATERIALISED == (
        "Gestion de la pièce non dématérialisée, à envoyer directement au service administratif"
    )
    [cermed] = postal.pieces
    assert (cermed.comment_label, cermed.comment) == (MANAGER_INFORMATION, "Pièce illisible")
    assert MANAGER_INFORMATION == "Information du gestionnaire"
    assert [p.comment_label for p in online.pieces] == [None, None]
