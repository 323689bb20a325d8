"""Adapters to the machine itself."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["SystemClock"]


class SystemClock:
    """The server's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)
