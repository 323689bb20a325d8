"""Logging of the library's events on the standard :mod:`logging` module, under ``cyclades.*`` loggers.

Every :class:`AuditRecord` a unit of work *commits* is also logged on ``cyclades.audit``: the audit trail is where the
use cases already describe their security and business events (C7, H10, I3), so the log says the same, once it is
durable — a record rolled back with its unit of work is never logged. :func:`logging_unit_of_work` wraps any
:data:`UnitOfWorkFactory` (memory, SQL, an integrator's) to do it; ``build_portal`` applies it.

What a record carries (``extra``): ``action``, ``actor_kind`` (``anonymous``, ``candidate``, ``manager``,
``establishment``, ``system``: never the actor's id, a manager's id being chosen by the integrator), ``account_id``
(a random UUID, not a personal datum), ``at`` (the record's UTC time, ISO 8601) and ``details``: only the keys of
:data:`LOGGED_DETAILS`, and only when the value looks like a code or an id. Free text (a manager's reason or
comment, a scanner's message) never reaches the log; emails, names, birth dates, passwords and tokens are never in
an audit record to begin with. See ``docs/operations.md``, "Logging".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from cyclades_core.model.audit import AuditRecord
from cyclades_core.ports.storage import (
    AccountRepository,
    AuditLog,
    CandidatureRepository,
    DocumentRepository,
    ManagerRepository,
    Outbox,
    PieceRepository,
    TokenStore,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "AUDIT_LOGGER",
    "LOGGED_DETAILS",
    "WARNING_ACTIONS",
    "audit_extra",
    "log_storage_opened",
    "logging_unit_of_work",
]

AUDIT_LOGGER = "cyclades.audit"
STORAGE_LOGGER = "cyclades.storage"

audit_log = logging.getLogger(AUDIT_LOGGER)
storage_log = logging.getLogger(STORAGE_LOGGER)

#: Detail keys whose values are codes, ids, states, counts or outcomes: the only ones logged.
LOGGED_DETAILS = frozenset(
    {
        "by", "candidature", "document", "error", "from_state", "from_status", "kind", "mailed", "piece", "pieces",
        "size", "target", "to_state", "to_status", "version", "virusscan", "academie",
    }
)  # fmt: skip
#: ``reason`` is a code in the authentication events (``unknown``, ``password``, ``throttled``…) but a manager's
#: free text elsewhere: it is logged for these actions only.
REASON_CODE_ACTIONS = frozenset({"authn_login_fail", "authn_login_fail_max", "authn_login_lock"})
#: Refusals and failures, logged at WARNING; every other committed record at INFO.
WARNING_ACTIONS = frozenset(
    {"authz_fail", "authn_login_fail", "authn_login_fail_max", "authn_login_lock", "password_breach_check_unavailable"}
)
#: What a logged detail value may look like: a code, an id, a number, a list of codes.
_CODE = re.compile(r"[A-Za-z0-9_.,:\-]{1,100}")


def _level(record: AuditRecord) -> int:
    if record.action in WARNING_ACTIONS:
        return logging.WARNING
    if record.action == "upload_validation" and dict(record.details).get("virusscan") == "FAILED":
        return logging.WARNING
    return logging.INFO


def audit_extra(record: AuditRecord) -> dict[str, object]:
    """The ``extra`` fields of an audit record's log line, personal data and free text left out."""
    allowed = LOGGED_DETAILS | ({"reason"} if record.action in REASON_CODE_ACTIONS else set())
    details = {key: value for key, value in record.details if key in allowed and _CODE.fullmatch(value)}
    return {
        "action": record.action,
        "actor_kind": record.actor.partition(":")[0],
        "account_id": record.account_id,
        "at": record.at.isoformat(),
        "details": details,
    }


def _log(record: AuditRecord) -> None:
    extra = audit_extra(record)
    audit_log.log(_level(record), "audit %s (%s)", record.action, extra["actor_kind"], extra=extra)


class _CollectingAuditLog:
    """The audit log of a wrapped unit of work: appends go through and are kept until the commit says they are
    durable."""

    def __init__(self, inner: AuditLog, pending: list[AuditRecord]) -> None:
        self._inner = inner
        self._pending = pending

    def append(self, record: AuditRecord) -> None:
        self._inner.append(record)
        self._pending.append(record)

    def expire_before(self, cutoff: datetime) -> int:
        return self._inner.expire_before(cutoff)

    def for_account(self, account_id: str) -> Sequence[AuditRecord]:
        return self._inner.for_account(account_id)


class _LoggingUnitOfWork:
    """A unit of work that logs the audit records it commits; everything else is the wrapped one's."""

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner
        self._pending: list[AuditRecord] = []

    @property
    def accounts(self) -> AccountRepository:
        return self._inner.accounts

    @property
    def tokens(self) -> TokenStore:
        return self._inner.tokens

    @property
    def outbox(self) -> Outbox:
        return self._inner.outbox

    @property
    def audit(self) -> AuditLog:
        return _CollectingAuditLog(self._inner.audit, self._pending)

    @property
    def candidatures(self) -> CandidatureRepository:
        return self._inner.candidatures

    @property
    def documents(self) -> DocumentRepository:
        return self._inner.documents

    @property
    def pieces(self) -> PieceRepository:
        return self._inner.pieces

    @property
    def managers(self) -> ManagerRepository:
        return self._inner.managers

    def __enter__(self) -> Self:
        self._inner = self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pending.clear()  # whatever was not committed is rolled back by the wrapped unit of work
        self._inner.__exit__(exc_type, exc, traceback)

    def commit(self) -> None:
        self._inner.commit()
        committed = tuple(self._pending)
        self._pending.clear()
        for record in committed:
            _log(record)

    def rollback(self) -> None:
        self._pending.clear()
        self._inner.rollback()


class _LoggingFactory:
    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self.wrapped = factory

    def __call__(self) -> UnitOfWork:
        return _LoggingUnitOfWork(self.wrapped())


def logging_unit_of_work(factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """``factory``, with the audit records of every committed unit of work logged on ``cyclades.audit`` (a factory
    already wrapped is returned as it is)."""
    return factory if isinstance(factory, _LoggingFactory) else _LoggingFactory(factory)


def log_storage_opened(storage_url: str, extra: Mapping[str, object] | None = None) -> None:
    """Log the storage a portal was built on: its scheme only (never a host, user or password of the URL)."""
    scheme = urlsplit(storage_url).scheme or "unknown"
    storage_log.info("portal built on %s storage", scheme, extra={"storage_scheme": scheme, **(extra or {})})
