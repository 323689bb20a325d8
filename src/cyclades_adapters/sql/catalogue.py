"""The catalogue in SQL, shared by every application process (MGR-01).

Items are JSON documents keyed by kind and natural key; a revision number, bumped by every write, tells a process
when its in-memory snapshot (a :class:`DictCatalogue`) is stale. Reads cost one tiny query; writes check the same
referential integrity as the other adapters.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update

from cyclades_adapters.common.catalogue import DictCatalogue
from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql.database import SqlDatabase
from cyclades_adapters.sql.storage import JSON_CONVERTER
from cyclades_core.model.catalogue import (
    Academie,
    Announcement,
    CandidateCategory,
    CatalogueItem,
    Diploma,
    Establishment,
    Exam,
    ExamSession,
    Nationality,
    Pcs,
    PieceRule,
    RegistrationService,
    Situation,
    Specialite,
)

__all__ = ["SqlCatalogue"]

#: kind → (class, natural key), in the order items are applied (what others refer to comes first).
KINDS: dict[str, tuple[type[Any], Any]] = {
    "exam": (Exam, lambda i: i.code),
    "academie": (Academie, lambda i: i.code),
    "session": (ExamSession, lambda i: i.id),
    "service": (RegistrationService, lambda i: f"{i.session_id}|{i.academie_code}"),
    "specialite": (Specialite, lambda i: f"{i.code}|{i.valid_from_year}"),
    "category": (CandidateCategory, lambda i: i.code),
    "diploma": (Diploma, lambda i: i.code),
    "pcs": (Pcs, lambda i: i.code),
    "nationality": (Nationality, lambda i: i.code),
    "announcement": (Announcement, lambda i: i.id),
    "piece": (PieceRule, lambda i: f"{i.session_id}|{i.code}"),
    "situation": (Situation, lambda i: i.code),
    "establishment": (Establishment, lambda i: f"{i.academie_code}|{i.code}"),
}


def _kind(item: CatalogueItem) -> str:
    return next(name for name, (cls, _) in KINDS.items() if type(item) is cls)


class SqlCatalogue:
    def __init__(self, database: SqlDatabase) -> None:
        self._db = database
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._snapshot = DictCatalogue()

    def _current(self) -> DictCatalogue:
        with self._db.transaction() as connection:
            revision = connection.execute(select(t.catalogue_revision.c.revision)).scalar() or 0
            with self._lock:
                if revision == self._revision:
                    return self._snapshot
            rows = connection.execute(select(t.catalogue_items).order_by(t.catalogue_items.c.seq)).all()
        snapshot = DictCatalogue()
        order = list(KINDS)
        for row in sorted(rows, key=lambda r: (order.index(r.kind), r.seq)):
            snapshot.put(JSON_CONVERTER.structure(row.data, KINDS[row.kind][0]))
        with self._lock:
            self._snapshot, self._revision = snapshot, revision
        return snapshot

    def put(self, item: CatalogueItem) -> None:
        self.load([item])

    def load(self, items: Iterable[CatalogueItem]) -> None:
        """Add or replace many items in one transaction (e.g. the shipped catalogue at installation), all or
        nothing; referential integrity is checked as ``put`` does."""
        batch = list(items)
        staging = self._current()
        for item in batch:
            staging.put(item)  # referential integrity, as the other adapters check it
        with self._db.transaction() as connection:
            seq = connection.execute(select(func.coalesce(func.max(t.catalogue_items.c.seq), 0))).scalar_one()
            for item in batch:
                kind = _kind(item)
                key = KINDS[kind][1](item)
                data = JSON_CONVERTER.unstructure(item)
                where = (t.catalogue_items.c.kind == kind) & (t.catalogue_items.c.key == key)
                if connection.execute(update(t.catalogue_items).where(where).values(data=data)).rowcount == 0:
                    seq += 1
                    connection.execute(insert(t.catalogue_items), {"kind": kind, "key": key, "seq": seq, "data": data})
            bumped = connection.execute(
                update(t.catalogue_revision).values(revision=t.catalogue_revision.c.revision + 1)
            ).rowcount
            if bumped == 0:
                connection.execute(insert(t.catalogue_revision), {"id": 1, "revision": 1})
        with self._lock:
            self._revision = None  # reload on next read: another process may have written in between

    def exams(self) -> Sequence[Exam]:
        return self._current().exams()

    def sessions(self, exam_code: str) -> Sequence[ExamSession]:
        return self._current().sessions(exam_code)

    def session(self, session_id: str) -> ExamSession | None:
        return self._current().session(session_id)

    def academies(self) -> Sequence[Academie]:
        return self._current().academies()

    def academie(self, code: str) -> Academie | None:
        return self._current().academie(code)

    def services(self, session_id: str) -> Sequence[RegistrationService]:
        return self._current().services(session_id)

    def service(self, session_id: str, academie_code: str) -> RegistrationService | None:
        return self._current().service(session_id, academie_code)

    def specialites(self, exam_code: str, year: int) -> Sequence[Specialite]:
        return self._current().specialites(exam_code, year)

    def specialite(self, code: str, year: int) -> Specialite | None:
        return self._current().specialite(code, year)

    def categories(self) -> Sequence[CandidateCategory]:
        return self._current().categories()

    def category(self, code: str) -> CandidateCategory | None:
        return self._current().category(code)

    def diplomas(self) -> Sequence[Diploma]:
        return self._current().diplomas()

    def pcs(self) -> Sequence[Pcs]:
        return self._current().pcs()

    def nationalities(self) -> Sequence[Nationality]:
        return self._current().nationalities()

    def piece_rules(self, session_id: str) -> Sequence[PieceRule]:
        return self._current().piece_rules(session_id)

    def situations(self) -> Sequence[Situation]:
        return self._current().situations()

    def establishments(self, academie_code: str) -> Sequence[Establishment]:
        return self._current().establishments(academie_code)

    def announcements(self) -> Sequence[Announcement]:
        return self._current().announcements()
