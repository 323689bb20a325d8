"""The throttling of logins, shared by the candidates' and the managers' logins (docs/security.md, "Throttling that
cannot be turned against the owner"; C2, C3, issue 15), and by the re-authentication of « Modifier mon compte »,
which counts under the candidates' login keys of the account (docs/security.md, "Re-authentication in « Modifier mon
compte »").

One attempt counts under three limiter keys: ``pair`` (the subject and the source, or the subject alone without a
source), whose consecutive failures decide the delays of ``login_throttle``; with a source, ``source`` (the
source's current window, whatever subject it names) and ``account`` (the subject, from every source), which count
the same failures for their own limits. A third party's failures never hold back the owner's correct password from a
source that has not failed.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.model.tokens import digest
from cyclades_core.ports.security import RateLimiter, ThrottlePolicy
from cyclades_core.usecases.account_settings import AccountSettings

__all__ = ["LoginCounters", "LoginThrottle"]


@frozen
class LoginCounters:
    """The limiter keys of one login attempt (module docstring)."""

    pair: str
    source: str | None = None
    account: str | None = None

    @property
    def shared(self) -> tuple[str, ...]:
        return tuple(key for key in (self.source, self.account) if key is not None)


class LoginThrottle:
    """The keys, the refusal and the counting of login attempts, under a key ``prefix`` per kind of login
    (``login`` for candidates, ``manager-login`` for the back office)."""

    def __init__(self, limiter: RateLimiter, settings: AccountSettings, prefix: str) -> None:
        self._limiter = limiter
        self._settings = settings
        self._prefix = prefix

    def counters(self, subject: str, source: str | None, now: datetime) -> LoginCounters:
        """The keys of an attempt on ``subject`` (already resolved or hashed by the caller) from ``source`` (the
        client's address, kept only hashed)."""
        if source is None:
            return LoginCounters(pair=f"{self._prefix}:{subject}")
        origin = digest(source)
        window = self._settings.login_source_window.total_seconds()
        return LoginCounters(
            pair=f"{self._prefix}:{subject}:{origin}",
            source=f"{self._prefix}-source:{origin}:{int(now.timestamp() // window)}",
            account=f"{self._prefix}-account:{subject}",
        )

    def throttled(self, counters: LoginCounters, now: datetime) -> bool:
        """Whether the attempt is refused without checking the password (C3). The per-subject counter across sources
        refuses only a source that has failed for this subject since its last success there."""
        settings, blocked = self._settings, self._limiter.blocked_until
        if blocked(counters.pair, now, settings.login_throttle) is not None:
            return True
        if counters.source is not None:
            window = settings.login_source_window
            per_source = ThrottlePolicy(settings.login_failures_per_source, window, window)
            if blocked(counters.source, now, per_source) is not None:
                return True
        if counters.account is None or blocked(counters.account, now, settings.login_throttle_per_account) is None:
            return False
        retention = settings.throttle_retention
        return blocked(counters.pair, now, ThrottlePolicy(1, retention, retention)) is not None  # has it failed?

    def failed(self, counters: LoginCounters, now: datetime) -> str:
        """Count a failure under every key; the audit action it is (``authn_login_fail`` or, once the free failures
        are spent, ``authn_login_fail_max``)."""
        failures = self._limiter.record_failure(counters.pair, now)
        for key in counters.shared:
            self._limiter.record_failure(key, now)
        return "authn_login_fail_max" if failures >= self._settings.login_throttle.free_failures else "authn_login_fail"

    def succeeded(self, counters: LoginCounters) -> None:
        """A success clears the pair's failures and the subject's across sources."""
        self._limiter.clear(counters.pair)
        if counters.account is not None:
            self._limiter.clear(counters.account)
