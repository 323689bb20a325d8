"""The SQL schema (SQLAlchemy Core). Migrations in ``migrations/`` must produce exactly this (a test checks it).

Uniqueness and integrity live here, not in prior reads: unique email key, candidate number and login; unique
(candidate, inscription number); (candidature, version) as a primary key; foreign keys from tokens and
candidatures to their account. Indexes cover every lookup the use cases make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = ["UtcDateTime", "metadata"]


class UtcDateTime(TypeDecorator[datetime]):
    """Instants in UTC on every engine: SQLite keeps them as naive UTC text, PostgreSQL as timestamptz; both come
    back timezone-aware in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: cyclades stores only timezone-aware instants")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    # On SQLite, one step each way instead of two (this decorator's, then DATETIME's regex-based one): the text is
    # SQLAlchemy's own storage format for DATETIME, ``2021-11-15 10:00:00.000000``, so both paths agree. An instant
    # already in UTC is written as its ISO text without the offset, and such a text is read back by parsing it with
    # ``+00:00`` appended (several times faster than ``replace(tzinfo=…)``; both give ``datetime.UTC`` itself). Any
    # other ISO text (an offset, a date alone, a shorter fraction) takes the general path.
    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not UTC:
                value = self.process_bind_param(value, dialect).replace(tzinfo=UTC)
            return value.isoformat(" ", "microseconds")[:26]  # "YYYY-MM-DD HH:MM:SS.ffffff", the offset left out

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | None) -> datetime | None:
            if value is None:
                return None
            if len(value) in (19, 26):  # "YYYY-MM-DD HH:MM:SS[.ffffff]", as written: no offset, no date alone
                return datetime.fromisoformat(f"{value}+00:00")
            return self.process_result_value(datetime.fromisoformat(value), dialect)  # any other ISO text

        return process


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _utc(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, UtcDateTime(), nullable=nullable)


accounts = Table(
    "accounts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("candidate_number", String(11), nullable=False, unique=True),
    Column("email_display", String(254)),
    Column("email_key", String(254), unique=True),
    Column("login", String(80), unique=True),
    Column("password_hash", Text, nullable=False),
    Column("identity", JSON, nullable=False),
    _utc("created_at"),
    _utc("activation_deadline", True),
    _utc("activated_at", True),
    Column("must_change_password", Boolean, nullable=False, default=False),
    _utc("initial_password_expires_at", True),
    Column("establishment_code", String(16)),
    Column("version", Integer, nullable=False),
    Index("ix_accounts_pending", "state", "activation_deadline"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    _utc("issued_at"),
    _utc("expires_at"),
    _utc("used_at", True),
    _utc("last_used_at", True),
    Index("ix_tokens_expires_at", "expires_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("account_id", String(32), index=True),  # no foreign key: a deletion confirmation outlives its account
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    _utc("created_at"),
    _utc("sent_at", True),
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    _utc("next_attempt_at", True),
    _utc("claimed_until", True),
    Column("last_error", String(200)),  # an SMTP code and class or an exception's type: never the address
    _utc("dead_at", True),
    Index("ix_outbox_pending", "sent_at", "seq"),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    _utc("at"),
    Column("action", String(64), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("account_id", String(32), index=True),
    Column("details", JSON, nullable=False),
    Index("ix_audit_at", "at"),
)

candidatures = Table(
    "candidatures",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("inscription_number", String(3), nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("academie_code", String(8), nullable=False),
    Column("specialite_code", String(8), nullable=False),
    Column("state", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("identity", JSON, nullable=False),
    Column("content", JSON, nullable=False),
    _utc("created_at"),
    _utc("updated_at"),
    UniqueConstraint("account_id", "inscription_number", name="uq_candidatures_inscription"),
    Index("ix_candidatures_manager", "academie_code", "session_id", "state"),
    # The managing service's list, page by page: its order, so a page reads its rows and no more.
    Index("ix_candidatures_list", "session_id", "academie_code", "created_at", "id"),
)

candidature_versions = Table(
    "candidature_versions",
    metadata,
    Column("candidature_id", String(32), ForeignKey("candidatures.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("snapshot", JSON, nullable=False),
)

#: The épreuves table of each candidature's current version, one row per épreuve (its content also holds them):
#: the managing service counts candidates per épreuve, option, position and mode without reading documents.
candidature_epreuves = Table(
    "candidature_epreuves",
    metadata,
    Column("candidature_id", String(32), ForeignKey("candidatures.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("code", Text, nullable=False),  # the catalogue bounds neither codes nor option labels
    Column("option", Text),
    Column("position", String(16), nullable=False),
    Column("mode", String(16)),
)

documents = Table(
    "documents",
    metadata,
    Column("candidature_id", String(32), ForeignKey("candidatures.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    _utc("updated_at"),
    Column("published_by", String(80), nullable=False),
    _utc("seen_at", True),
)

pieces = Table(
    "pieces",
    metadata,
    Column("candidature_id", String(32), ForeignKey("candidatures.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
)

allocator = Table(
    "number_allocator",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("next_value", Integer, nullable=False),
)

throttle_failures = Table(
    "throttle_failures",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    _utc("last_failure"),
)

throttle_events = Table(
    "throttle_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    _utc("at"),
    Index("ix_throttle_events_key_at", "key", "at"),
)

catalogue_items = Table(
    "catalogue_items",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("data", JSON, nullable=False),
)

catalogue_revision = Table(
    "catalogue_revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
)

#: The managing service's accounts (back office), keyed by their login; a disabled one is kept (its login reserved).
managers = Table(
    "managers",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("academie_codes", JSON, nullable=False),  # a list of académie codes
    Column("password_hash", Text, nullable=False),
    _utc("created_at"),
    _utc("disabled_at", True),
    Column("version", Integer, nullable=False),
)

#: Their sessions: only a token's digest, apart from the candidates' tokens (one never finds the other).
manager_sessions = Table(
    "manager_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("login", String(64), ForeignKey("managers.login", ondelete="CASCADE"), nullable=False, index=True),
    _utc("issued_at"),
    _utc("expires_at"),
    _utc("last_used_at", True),
    Index("ix_manager_sessions_expires_at", "expires_at"),
)
