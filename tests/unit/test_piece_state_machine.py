"""A pièce driven by Hypothesis beside a plain model (checklist N2): upload, delete, validate, manager statuses,
re-upload after Non conforme, the clock past the deadline. A validated pièce never changes except through
Non conforme. Plus H9: validation racing an upload."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cyclades_adapters.memory import MemoryDatabase, MemoryFileStore
from cyclades_core.errors import ForbiddenError, ServiceClosed, ValidationError
from cyclades_core.model.pieces import IllegalPieceTransition, PieceLocked, PieceStatus
from cyclades_core.testing import ManualClock, minimal_pdf, run_concurrently
from cyclades_core.usecases.management import Manager
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import PASSWORD

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
        self.uploads = 0

    def _token(self) -> str:
        return self.portal.accounts.login("pdubois@ac-rennes.fr", PASSWORD).session_token

    @property
    def open(self) -> bool:
        return self.clock.now() < AFTER_DEADLINE - timedelta(days=1)

    @property
    def locked(self) -> bool:
        return self.validated and self.status is not PieceStatus.NON_CONFORME

    def _stored(self):  # type: ignore[no-untyped-def]
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

    @rule(status=st.sampled_from(list(PieceStatus)))
    def review(self, status: PieceStatus) -> None:
        try:
            self.portal.pieces.review(MANAGER, self.candidature_id, "CINSIG01", status)
        except IllegalPieceTransition:
            return
        except ForbiddenError:  # pragma: no cover - the manager is of the right académie
            raise
        self.status = status

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
        assert piece.locked == self.locked


TestOnePiece = OnePiece.TestCase
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
