"""Instants are stored in UTC; the guide shows them in Paris time. These helpers are the only place that converts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["PARIS", "ensure_utc", "format_date", "format_datetime", "paris"]

PARIS = ZoneInfo("Europe/Paris")


def ensure_utc(instant: datetime) -> datetime:
    """Return ``instant`` in UTC; a naive datetime is refused, since its meaning would be a guess."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: cyclades stores only timezone-aware instants")
    return instant.astimezone(UTC)


def paris(instant: datetime) -> datetime:
    return ensure_utc(instant).astimezone(PARIS)


def format_date(day: date) -> str:
    """``28/11/2004``: the guide's JJ/MM/AAAA."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_datetime(instant: datetime) -> str:
    """``06/01/2020 à 16:28`` in Paris time, as the guide writes it."""
    local = paris(instant)
    return f"{format_date(local.date())} à {local.hour:02d}:{local.minute:02d}"
