"""Contract suite of the rate limiter port."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cyclades_core.ports.security import (
    RateLimiter,
    ThrottlePolicy,
)
from cyclades_core.testing._storage_suite import T0
from cyclades_core.testing.support import run_concurrently


class RateLimiterContract:
    """Fixture: ``limiter``, a fresh adapter."""

    @pytest.fixture
    def limiter(self) -> RateLimiter:
        raise NotImplementedError

    def test_hits_are_counted_within_a_sliding_window(self, limiter: RateLimiter) -> None:
        window = timedelta(seconds=180)
        assert limiter.hit("k", T0, 1, window) is True
        assert limiter.hit("k", T0 + timedelta(seconds=60), 1, window) is False
        assert limiter.hit("k", T0 + timedelta(seconds=200), 1, window) is True
        assert limiter.hit("other", T0, 1, window) is True

    def test_consecutive_failures_throttle_with_rising_delays_then_clear(self, limiter: RateLimiter) -> None:
        policy = ThrottlePolicy(free_failures=3, base_delay=timedelta(minutes=1), max_delay=timedelta(minutes=4))
        for _ in range(2):
            limiter.record_failure("acc", T0)
        assert limiter.blocked_until("acc", T0, policy) is None
        assert limiter.record_failure("acc", T0) == 3
        assert limiter.blocked_until("acc", T0, policy) == T0 + timedelta(minutes=1)
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=1), policy) is None
        limiter.record_failure("acc", T0 + timedelta(minutes=1))
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=2), policy) == T0 + timedelta(minutes=3)
        limiter.clear("acc")
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=2), policy) is None

    def test_expiry_forgets_only_what_was_last_touched_before_the_cutoff(self, limiter: RateLimiter) -> None:
        policy = ThrottlePolicy(free_failures=1, base_delay=timedelta(hours=2), max_delay=timedelta(hours=2))
        limiter.hit("old", T0, 1, timedelta(days=30))
        limiter.hit("new", T0 + timedelta(days=2), 1, timedelta(days=30))
        limiter.record_failure("old-failure", T0)
        limiter.record_failure("new-failure", T0 + timedelta(days=2))
        assert limiter.expire(T0 + timedelta(days=1)) == 2
        later = T0 + timedelta(days=2, minutes=1)
        assert limiter.hit("old", later, 1, timedelta(days=30)) is True  # forgotten
        assert limiter.hit("new", later, 1, timedelta(days=30)) is False  # kept
        assert limiter.blocked_until("old-failure", later, policy) is None
        assert limiter.blocked_until("new-failure", later, policy) is not None

    def test_concurrent_hits_never_exceed_the_limit(self, limiter: RateLimiter) -> None:
        results = run_concurrently(lambda _: limiter.hit("flood", T0, 5, timedelta(minutes=1)), 16)
        assert results.count(True) == 5
