"""Audit records: append-only, pseudonymous (account ids, never emails or names), UTC (C7, I3)."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

__all__ = ["AuditRecord", "escape_log_value"]


def escape_log_value(value: str) -> str:
    """Encode CR, LF and other control characters so that a value can never forge a log line (I3)."""
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in value)


@frozen
class AuditRecord:
    """Who did what, when, to which account. ``details`` are ``(key, value)`` pairs, already escaped."""

    at: datetime
    action: str
    actor: str
    account_id: str | None
    details: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, at: datetime, action: str, actor: str, account_id: str | None, **details: object) -> AuditRecord:
        pairs = tuple((key, escape_log_value(str(value))) for key, value in sorted(details.items()))
        return cls(at=at, action=action, actor=actor, account_id=account_id, details=pairs)
