"""A pièce driven by Hypothesis beside a plain model (checklist N2): upload, delete, validate, manager statuses,
re-upload after Non conforme, the clock past the deadline. A validated pièce never changes except through
Non conforme. Plus H9: validation racing an upload.

The manager's statuses follow JUS-07 (issue 17): « Lorsque le gestionnaire contrôle les pièces justificatives, il
peut leur changer leur statut et éventuellement indiquer une date de réception » — any status (none included) to any
other, once the candidate validated the pièce; each change audited from → to, and never a mail (I2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cyclades_adapters.memory import MemoryDatabase, MemoryFileStore
from cyclades_core.errors import ForbiddenError, ServiceClosed, ValidationError
from cyclades_core.model.pieces import REVIEW_STATUSES, IllegalPieceTransition, Piece, PieceLocked, PieceStatus
from cyclades_core.testing import ManualClock, minimal_pdf, run_concurrently
from cyclades_core.usecases.management import Manager
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import PASSWORD, mails

PDF = minimal_pdf()
MANAGER = Manager("gest", ("03",))
HEADING = "A déposer en ligne entre le lundi 01 novembre 2021 et le mercredi 15 décembre 2021 23:59 (heure/Paris)"
AFTER_DEADLINE = DURING + timedelta(days=31)


class OnePiece(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.clock = ManualClock(DURING)
        self.portal = guide_portal(self.clock)
        signed_in(self.portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        self.candidature_id = register(self.portal, self._token(), dubois_tabs())
        self.has_file = False
        self.file_name: str | None = None
        self.validated = False
        self.status: PieceStatus | None = None
        self.received_on: date | None = None
        self.comment: str | None = None
        self.reviews: list[tuple[str, str]] = []
        self.uploads = 0

    def _token(self) -> str:
        return self.portal.accounts.login("pdubois@ac-rennes.fr", PASSWORD).session_token

    @property
    def open(self) -> bool:
        return self.clock.now() < AFTER_DEADLINE - timedelta(days=1)

    @property
    def locked(self) -> bool:
        return self.validated and self.status is not PieceStatus.NON_CONFORME

    def _stored(self) -> Piece:
        assert isinstance(self.portal.storage, MemoryDatabase)
        return self.portal.storage.pieces.rows[(self.candidature_id, "CINSIG01")]

    @rule()
    def upload(self) -> None:
        self.uploads += 1
        name = f"scan{self.uploads}.pdf"
        try:
            self.portal.pieces.upload(self._token(), self.candidature_id, "CINSIG01", name, [PDF])
        except PieceLocked:
            assert self.locked
            return
        except ServiceClosed:
            assert not self.open
            return
        assert self.open
        assert not self.locked
        self.has_file, self.file_name, self.validated, self.status = True, name, False, None
        self.received_on = self.comment = None

    @rule()
    def delete(self) -> None:
        try:
            self.portal.pieces.delete_file(self._token(), self.candidature_id, "CINSIG01")
        except PieceLocked:
            assert self.locked
            assert self.has_file
            return
        except ServiceClosed:
            assert not self.open
            assert self.has_file
            return
        if self.has_file:
            assert not self.locked
            self.has_file, self.file_name, self.validated = False, None, False

    @rule()
    def validate(self) -> None:
        try:
            self.portal.pieces.validate(self._token(), self.candidature_id, HEADING)
        except ValidationError:  # JUS-04: missing means no file, or the file sent back Non conforme
            assert not self.has_file or self.status is PieceStatus.NON_CONFORME
            return
        assert self.has_file
        assert self.status is not PieceStatus.NON_CONFORME
        self.validated = True

    @rule(
        status=st.sampled_from(REVIEW_STATUSES),
        received_on=st.none() | st.dates(date(2021, 11, 1), date(2021, 11, 15)),
        comment=st.none() | st.just("Pièce illisible"),
    )
    def review(self, status: PieceStatus | None, received_on: date | None, comment: str | None) -> None:
        outbox = len(mails(self.portal))
        try:
            self.portal.pieces.review(
                MANAGER, self.candidature_id, "CINSIG01", status, received_on=received_on, comment=comment
            )
        except ValidationError:  # no status carries neither a date nor a comment
            assert status is None
            assert received_on is not None or comment is not None
            return
        except IllegalPieceTransition:  # an online pièce is controlled once validated, whatever its status
            assert not self.validated
            return
        except ForbiddenError:  # pragma: no cover - the manager is of the right académie
            raise
        finally:
            assert len(mails(self.portal)) == outbox  # I2: « Je ne reçois pas de mail automatique »
        assert self.validated
        assert not (status is None and (received_on is not None or comment is not None))
        name: dict[PieceStatus | None, str] = {None: "aucun", **{s: s.value for s in PieceStatus}}
        self.reviews.append((name[self.status], name[status]))
        self.status = status
        self.received_on = None if status is None else received_on or self.received_on
        self.comment = None if status is None else comment

    @precondition(lambda self: self.open)
    @rule()
    def pass_the_deadline(self) -> None:
        self.clock.set(AFTER_DEADLINE)

    @invariant()
    def the_piece_is_what_the_model_says(self) -> None:
        piece = self._stored()
        assert (piece.file is not None) == self.has_file
        assert (piece.file.display_name if piece.file else None) == self.file_name
        assert (piece.validated_at is not None) == self.validated
        assert piece.status is self.status
        assert (piece.received_on, piece.comment) == (self.received_on, self.comment)
        assert piece.locked == self.locked
        assert isinstance(self.portal.storage, MemoryDatabase)
        records = [dict(r.details) for r in self.portal.storage.audit.rows.values() if r.action == "piece_reviewed"]
        assert [(r["from_status"], r["to_status"]) for r in records] == self.reviews


TestOnePiece = pytest.mark.rule("JUS-07")(pytest.mark.rule("I1")(pytest.mark.rule("H8")(OnePiece.TestCase)))
TestOnePiece.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


def test_validation_racing_an_upload_never_leaves_an_unvalidated_piece_in_a_validated_group() -> None:
    """H9: 2 threads × 200 trials; a validated group never holds a file that arrived after the validation."""
    for _ in range(200):
        store = MemoryFileStore()
        portal = guide_portal(ManualClock(DURING), file_store=store)
        token = signed_in(portal)
        candidature_id = register(portal, token)
        portal.pieces.upload(token, candidature_id, "CINSIG01", "a.pdf", [PDF])
        portal.pieces.upload(token, candidature_id, "RELNOT01", "b.pdf", [PDF])

        def act(i: int, portal=portal, token=token, candidature_id=candidature_id) -> object:  # type: ignore[no-untyped-def]
            if i == 0:
                return portal.pieces.validate(token, candidature_id, HEADING)
            return portal.pieces.upload(token, candidature_id, "RELNOT01", "c.pdf", [PDF])

        run_concurrently(act, 2)
        assert isinstance(portal.storage, MemoryDatabase)
        pieces = [p for (cid, _), p in portal.storage.pieces.rows.items() if cid == candidature_id]
        validated = [p.validated_at is not None for p in pieces]
        assert all(p.file is not None for p in pieces)
        assert all(validated)  # the new file either came first and was validated, or was refused as locked
        assert {p.file.file_id for p in pieces if p.file} == set(store.ids())  # no orphan left by the loser
