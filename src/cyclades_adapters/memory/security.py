"""In-memory rate limiter and candidate-number allocator: thread-safe, process-local."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

from cyclades_core.ports.security import ThrottlePolicy

__all__ = ["MemoryCandidateNumberAllocator", "MemoryRateLimiter"]


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, datetime]] = {}
        self._events: dict[str, deque[datetime]] = {}

    def blocked_until(self, key: str, now: datetime, policy: ThrottlePolicy) -> datetime | None:
        with self._lock:
            count, last = self._failures.get(key, (0, now))
        until = last + policy.delay_after(count)
        return until if count >= policy.free_failures and now < until else None

    def record_failure(self, key: str, now: datetime) -> int:
        with self._lock:
            count = self._failures.get(key, (0, now))[0] + 1
            self._failures[key] = (count, now)
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def hit(self, key: str, now: datetime, limit: int, window: timedelta) -> bool:
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - window:
                events.popleft()
            if len(events) >= limit:
                return False
            events.append(now)
            return True

    def expire(self, before: datetime) -> int:
        with self._lock:
            gone = [key for key, (_, last) in self._failures.items() if last < before]
            for key in gone:
                del self._failures[key]
            expired = len(gone)
            for key, events in list(self._events.items()):
                while events and events[0] < before:
                    events.popleft()
                    expired += 1
                if not events:
                    del self._events[key]
            return expired


class MemoryCandidateNumberAllocator:
    """``0`` + two digits of the year + an 8-digit sequence per year; never returns a number twice."""

    def __init__(self, start: int = 30_000_000) -> None:
        self._lock = threading.Lock()
        self._start = start
        self._next: dict[int, int] = {}

    def allocate(self, year: int) -> str:
        with self._lock:
            sequence = self._next.get(year, self._start)
            if sequence > 99_999_999:
                raise OverflowError(f"candidate numbers exhausted for {year}")
            self._next[year] = sequence + 1
        return f"0{year % 100:02d}{sequence:08d}"
