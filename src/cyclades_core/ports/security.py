"""Security ports: password hashing, throttling, candidate numbers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from attrs import frozen

__all__ = ["BreachedPasswords", "CandidateNumberAllocator", "PasswordHasher", "RateLimiter", "ThrottlePolicy"]


class PasswordHasher(Protocol):
    """A slow salted hash (D4). The encoded string names its algorithm and parameters."""

    def hash(self, password: str) -> str:
        """A new self-describing hash with a fresh random salt: two calls give different strings."""
        ...

    def verify(self, encoded: str, password: str) -> bool:
        """Whether ``password`` matches; ``False`` (never an exception) for a malformed ``encoded``."""
        ...

    def needs_rehash(self, encoded: str) -> bool:
        """Whether ``encoded`` was made with weaker parameters than the current ones (D5)."""
        ...


class BreachedPasswords(Protocol):
    """A corpus of breached passwords (D3), asked by k-anonymity: an adapter sends or looks up only the first five
    hex digits of the password's SHA-1, never the password. Optional: without one, only the built-in blocklist of
    common passwords applies.

    ``breached`` raises (any exception: ``OSError``, ``TimeoutError``…) when it cannot answer; the use cases then
    follow ``AccountSettings.breached_passwords_unavailable`` — ``"open"`` (accept, and log a warning) or
    ``"closed"`` (refuse for now) — an explicit decision of the deployment.
    """

    def breached(self, password: str) -> bool:
        """Whether ``password`` appears in the corpus."""
        ...


@frozen
class ThrottlePolicy:
    """Consecutive failures allowed before delays, and the delays: ``base_delay`` doubling up to ``max_delay``.

    Never a permanent lockout (C3): once the delay has passed one more attempt is allowed.
    """

    free_failures: int = 5
    base_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(minutes=15)

    def delay_after(self, failures: int) -> timedelta:
        if failures < self.free_failures:
            return timedelta(0)
        exponent = min(failures - self.free_failures, 16)
        delay: timedelta = self.base_delay * (2**exponent)
        return min(delay, self.max_delay)


class RateLimiter(Protocol):
    """Counters for throttling, keyed by strings the use cases build (``login:<account id>``, ``reset:<key>``…).

    Not transactional: a refused attempt must count even when the use case rolls back. Safe under concurrency.
    """

    def blocked_until(self, key: str, now: datetime, policy: ThrottlePolicy) -> datetime | None:
        """The instant until which ``key`` is throttled after its consecutive failures, or ``None``."""
        ...

    def record_failure(self, key: str, now: datetime) -> int:
        """Count one more consecutive failure; returns the new count."""
        ...

    def clear(self, key: str) -> None:
        """Reset the consecutive failures (a success)."""
        ...

    def hit(self, key: str, now: datetime, limit: int, window: timedelta) -> bool:
        """Record one event; ``True`` when at most ``limit`` events (this one included) fall within ``window``
        before ``now``. A refused event is not recorded."""
        ...

    def expire(self, before: datetime) -> int:
        """Forget every event and failure count last touched before ``before`` (housekeeping: keys hold hashed
        identifiers, kept no longer than throttling needs them); returns how many entries went."""
        ...


class CandidateNumberAllocator(Protocol):
    def allocate(self, year: int) -> str:
        """A never-before-returned 11-digit candidate number (ACC-09, A7), ``0`` + the 2-digit year + 8 digits.

        Safe across threads and processes; a number lost to a rolled-back creation is never reused.
        """
        ...
