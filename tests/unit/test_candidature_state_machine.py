"""Two browser tabs editing one candidature while the window opens and closes, withdrawals and manager acts,
driven by Hypothesis beside a plain model (checklist N3): versions strictly +1, no lost update, visibility rules."""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import (
    CandidatureNotFound,
    ConcurrencyConflict,
    ForbiddenError,
    ServiceClosed,
    WithdrawalAfterClosing,
)
from cyclades_core.model.candidature import CandidatureState
from cyclades_core.model.documents import DocumentKind
from cyclades_core.testing import ManualClock
from cyclades_core.usecases.forms import CandidatureDraft, IdentificationForm
from cyclades_core.usecases.management import Manager
from tests.candidature_support import AFTER, DURING, dubois_tabs, fill, guide_portal, register, signed_in
from tests.conftest import PASSWORD

MANAGER = Manager("gest", ("03",))
VISIBLE = {CandidatureState.ACTIVE, CandidatureState.PREINSCRIPTION}


class TwoTabs(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.clock = ManualClock(DURING)
        self.portal = guide_portal(self.clock)
        signed_in(self.portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        self.candidature_id = register(self.portal, self._token(), dubois_tabs())
        self.version = 1
        self.confirmed = 1  # the version the confirmation d'inscription was last published for: the last save's
        self.locality = "Besançon"
        self.state = CandidatureState.ACTIVE
        self.tabs: dict[str, CandidatureDraft | None] = {"A": None, "B": None}

    def _token(self) -> str:
        return self.portal.accounts.login("pdubois@ac-rennes.fr", PASSWORD).session_token

    @property
    def open(self) -> bool:
        return self.clock.now() < AFTER

    @rule(tab=st.sampled_from("AB"))
    def open_tab(self, tab: str) -> None:
        try:
            self.tabs[tab] = self.portal.candidatures.edit(self._token(), self.candidature_id)
        except ServiceClosed:
            assert not self.open
            return
        except CandidatureNotFound:
            assert self.state not in VISIBLE
            return
        assert self.open
        assert self.state in VISIBLE
        assert self.tabs[tab].base_version == self.version  # type: ignore[union-attr]

    @rule(tab=st.sampled_from("AB"), locality=st.sampled_from(["Dole", "Pontarlier", "Montbéliard"]))
    def save_tab(self, tab: str, locality: str) -> None:
        draft = self.tabs[tab]
        if draft is None:
            return
        assert isinstance(draft.identification, IdentificationForm)
        changed = evolve(draft, identification=evolve(draft.identification, locality=locality), current=0)
        changed = fill(self.portal, changed, [None] * 7)
        try:
            saved = self.portal.candidatures.save(self._token(), changed)
        except ServiceClosed:
            assert not self.open
            return
        except ConcurrencyConflict:
            assert draft.base_version != self.version or self.state not in VISIBLE
            return
        except ForbiddenError:
            assert self.state not in VISIBLE
            return
        assert self.open
        assert draft.base_version == self.version
        assert saved.version == self.version + 1
        self.version, self.locality = saved.version, locality
        self.confirmed = saved.version
        self.tabs[tab] = None

    @rule(closed=st.booleans())
    def move_clock(self, closed: bool) -> None:
        self.clock.set(AFTER + timedelta(minutes=5) if closed else DURING + timedelta(minutes=5))

    @rule()
    def withdraw(self) -> None:
        try:
            self.portal.candidatures.withdraw(self._token(), self.candidature_id, confirmed=True)
        except WithdrawalAfterClosing:
            assert not self.open
            return
        except CandidatureNotFound:
            assert self.state not in VISIBLE | {CandidatureState.WITHDRAWN}
            return
        if self.state is CandidatureState.ACTIVE:
            self.version += 1
            self.state = CandidatureState.WITHDRAWN
        assert self.state is CandidatureState.WITHDRAWN

    @rule(act=st.sampled_from(["set_aside", "reinstate"]))
    def manager(self, act: str) -> None:
        try:
            changed = getattr(self.portal.management, act)(MANAGER, self.candidature_id, "contrôle")
        except ForbiddenError:
            return
        assert changed.version == self.version + 1
        self.version, self.state = changed.version, changed.state

    @invariant()
    def versions_are_contiguous_and_nothing_is_lost(self) -> None:
        assert isinstance(self.portal.storage, MemoryDatabase)
        stored = self.portal.storage.candidatures.rows[self.candidature_id]
        assert (stored.version, stored.state) == (self.version, self.state)
        assert stored.content.identification.address.locality == self.locality
        with self.portal.unit_of_work() as uow:
            assert [c.version for c in uow.candidatures.history(self.candidature_id)] == list(
                range(1, self.version + 1)
            )

    @invariant()
    def the_confirmation_carries_the_version_of_the_last_save(self) -> None:
        """G2: every save publishes the confirmation d'inscription with the candidature's new version."""
        with self.portal.unit_of_work() as uow:
            confirmation = uow.documents.get(self.candidature_id, DocumentKind.CONFIRMATION)
        assert confirmation is not None
        assert confirmation.version == self.confirmed

    @invariant()
    def mes_inscriptions_shows_it_only_while_visible(self) -> None:
        cards = self.portal.candidatures.mes_inscriptions(self._token()).cards
        assert [c.candidature_id for c in cards] == ([self.candidature_id] if self.state in VISIBLE else [])


TestTwoTabs = TwoTabs.TestCase
TestTwoTabs.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
