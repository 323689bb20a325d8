"""A session's last-used time is written only once it is a step old (issue 19): the read pages (``home``,
``mes_inscriptions``, ``account``) commit nothing on most requests, and the idle timeout stays a bound (C5):
refused once unused for more than N, accepted while unused for at most N minus the step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import (
    MemoryCandidateNumberAllocator,
    MemoryDatabase,
    MemoryRateLimiter,
    MemoryUnitOfWork,
)
from cyclades_core.errors import SessionExpired
from cyclades_core.model.tokens import digest
from cyclades_core.testing import ManualClock
from cyclades_core.usecases import AccountSettings
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import DOCUMENT_KEY

SETTINGS = AccountSettings()
IDLE = SETTINGS.session_idle_timeout
STEP = SETTINGS.session_touch_interval
SECOND = timedelta(seconds=1)


class _CountedUnitOfWork(MemoryUnitOfWork):
    def __init__(self, db: MemoryDatabase, commits: list[int]) -> None:
        super().__init__(db)
        self._commits = commits

    def commit(self) -> None:
        self._commits.append(1)
        super().commit()


class _Counted:
    """The memory storage's unit-of-work factory, counting the commits."""

    def __init__(self) -> None:
        self.database = MemoryDatabase()
        self.commits: list[int] = []

    def __call__(self) -> _CountedUnitOfWork:
        return _CountedUnitOfWork(self.database, self.commits)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
def storage() -> _Counted:
    return _Counted()


@pytest.fixture
def portal(clock: ManualClock, storage: _Counted) -> Portal:
    return guide_portal(
        clock,
        uow=storage,
        rate_limiter=MemoryRateLimiter(),
        numbers=MemoryCandidateNumberAllocator(),
        document_key=DOCUMENT_KEY,
    )


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")


def _last_used(storage: _Counted, token: str) -> object:
    return storage.database.tokens.rows[digest(token)].last_used_at


@pytest.mark.rule("C5")
def test_the_read_pages_commit_nothing_within_the_step(
    portal: Portal, token: str, storage: _Counted, clock: ManualClock
) -> None:
    register(portal, token, dubois_tabs())
    clock.advance(STEP)
    portal.accounts.home(token)  # refreshes: the step has passed since the save's refresh (or the login)
    refreshed = _last_used(storage, token)
    assert refreshed == clock.now()
    before = len(storage.commits)
    clock.advance(STEP - SECOND)
    assert portal.accounts.home(token).candidatures
    assert portal.candidatures.mes_inscriptions(token).cards
    portal.my_account.account(token)
    portal.accounts.authenticate(token)
    assert len(storage.commits) == before
    assert _last_used(storage, token) == refreshed


@pytest.mark.rule("C5")
def test_a_read_page_refreshes_the_session_once_the_step_has_passed(
    portal: Portal, token: str, storage: _Counted, clock: ManualClock
) -> None:
    clock.advance(STEP)
    before = len(storage.commits)
    portal.candidatures.mes_inscriptions(token)
    assert len(storage.commits) == before + 1
    assert _last_used(storage, token) == clock.now()


@pytest.mark.rule("C5")
def test_uses_more_often_than_the_step_keep_the_session_alive(portal: Portal, token: str, clock: ManualClock) -> None:
    for _ in range(2 * IDLE // (STEP - SECOND)):
        clock.advance(STEP - SECOND)
        portal.accounts.home(token)


@pytest.mark.rule("C5")
def test_a_session_unused_for_the_idle_timeout_minus_the_step_is_accepted(
    portal: Portal, token: str, storage: _Counted, clock: ManualClock
) -> None:
    """The worst case of the lower edge: the last use fell just within the step, so it was not recorded."""
    recorded = _last_used(storage, token)
    clock.advance(STEP - SECOND)
    portal.accounts.home(token)
    assert _last_used(storage, token) == recorded  # not refreshed
    clock.advance(IDLE - STEP)
    portal.accounts.home(token)


@pytest.mark.rule("C5")
def test_a_session_unused_for_more_than_the_idle_timeout_is_refused_even_just_refreshed(
    portal: Portal, token: str, storage: _Counted, clock: ManualClock
) -> None:
    """The upper edge: a use that refreshed the session, then N and one second without use."""
    clock.advance(STEP)
    portal.accounts.home(token)
    assert _last_used(storage, token) == clock.now()
    clock.advance(IDLE)
    portal.accounts.home(token)  # exactly N: accepted, as before issue 19
    clock.advance(IDLE + SECOND)
    with pytest.raises(SessionExpired):
        portal.accounts.home(token)


@pytest.mark.rule("C5")
def test_after_an_unrecorded_use_the_session_ends_just_over_the_idle_timeout_minus_the_step(
    portal: Portal, token: str, clock: ManualClock
) -> None:
    """The bound stated by SessionAuthenticator: at worst, refused once unused for just over N minus the step."""
    clock.advance(STEP - SECOND)
    portal.accounts.home(token)  # not recorded
    clock.advance(IDLE - STEP + 2 * SECOND)
    with pytest.raises(SessionExpired):
        portal.candidatures.mes_inscriptions(token)


def test_the_step_must_be_shorter_than_the_idle_timeout() -> None:
    with pytest.raises(ValueError, match="session_touch_interval"):
        AccountSettings(session_touch_interval=timedelta(minutes=30))
