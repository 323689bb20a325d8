"""Time is a port: no ``datetime.now()`` anywhere in the core."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = ["Clock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC. Trusted: it is the server's clock, never the client's."""
        ...
