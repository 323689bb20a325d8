"""A catalogue held in dictionaries behind a lock, with the port's referential integrity.

Shared by the in-memory adapter and the file-backed one (which fills it from data files).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from cyclades_core.errors import CatalogueNotFound
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

__all__ = ["DictCatalogue"]


class DictCatalogue:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._exams: dict[str, Exam] = {}
        self._sessions: dict[str, ExamSession] = {}
        self._academies: dict[str, Academie] = {}
        self._services: dict[tuple[str, str], RegistrationService] = {}
        self._specialites: dict[tuple[str, int], Specialite] = {}
        self._categories: dict[str, CandidateCategory] = {}
        self._diplomas: dict[str, Diploma] = {}
        self._pcs: dict[str, Pcs] = {}
        self._nationalities: dict[str, Nationality] = {}
        self._announcements: dict[str, Announcement] = {}
        self._piece_rules: dict[tuple[str, str], PieceRule] = {}
        self._situations: dict[str, Situation] = {}
        self._establishments: dict[tuple[str, str], Establishment] = {}

    def put(self, item: CatalogueItem) -> None:
        with self._lock:
            match item:
                case Exam():
                    self._exams[item.code] = item
                case ExamSession():
                    self._require(item.exam_code in self._exams, f"examen {item.exam_code}")
                    self._sessions[item.id] = item
                case Academie():
                    self._academies[item.code] = item
                case RegistrationService():
                    self._require(item.session_id in self._sessions, f"session {item.session_id}")
                    self._require(item.academie_code in self._academies, f"académie {item.academie_code}")
                    self._services[(item.session_id, item.academie_code)] = item
                case Specialite():
                    self._require(item.exam_code in self._exams, f"examen {item.exam_code}")
                    self._specialites[(item.code, item.valid_from_year)] = item
                case CandidateCategory():
                    self._categories[item.code] = item
                case Diploma():
                    self._diplomas[item.code] = item
                case Pcs():
                    self._pcs[item.code] = item
                case Nationality():
                    self._nationalities[item.code] = item
                case Announcement():
                    self._announcements[item.id] = item
                case PieceRule():
                    self._require(item.session_id in self._sessions, f"session {item.session_id}")
                    self._piece_rules[(item.session_id, item.code)] = item
                case Situation():
                    self._situations[item.code] = item
                case Establishment():
                    self._require(item.academie_code in self._academies, f"académie {item.academie_code}")
                    self._establishments[(item.academie_code, item.code)] = item

    @staticmethod
    def _require(present: bool, what: str) -> None:
        if not present:
            raise CatalogueNotFound(f"Élément du catalogue introuvable : {what}.")

    def exams(self) -> Sequence[Exam]:
        with self._lock:
            return sorted(self._exams.values(), key=lambda e: e.code)

    def sessions(self, exam_code: str) -> Sequence[ExamSession]:
        with self._lock:
            found = [s for s in self._sessions.values() if s.exam_code == exam_code]
        return sorted(found, key=lambda s: (s.year, s.month, s.id), reverse=True)

    def session(self, session_id: str) -> ExamSession | None:
        return self._sessions.get(session_id)

    def academies(self) -> Sequence[Academie]:
        with self._lock:
            return sorted(self._academies.values(), key=lambda a: a.code)

    def academie(self, code: str) -> Academie | None:
        return self._academies.get(code)

    def services(self, session_id: str) -> Sequence[RegistrationService]:
        with self._lock:
            found = [s for (sid, _), s in self._services.items() if sid == session_id]
        return sorted(found, key=lambda s: s.academie_code)

    def service(self, session_id: str, academie_code: str) -> RegistrationService | None:
        return self._services.get((session_id, academie_code))

    def specialites(self, exam_code: str, year: int) -> Sequence[Specialite]:
        with self._lock:
            codes = {code for (code, _), s in self._specialites.items() if s.exam_code == exam_code}
        found = [s for s in (self.specialite(code, year) for code in codes) if s is not None]
        return sorted(found, key=lambda s: (s.name, s.code))

    def specialite(self, code: str, year: int) -> Specialite | None:
        with self._lock:
            versions = [s for (c, start), s in self._specialites.items() if c == code and start <= year]
        return max(versions, key=lambda s: s.valid_from_year, default=None)

    def categories(self) -> Sequence[CandidateCategory]:
        with self._lock:
            return list(self._categories.values())

    def category(self, code: str) -> CandidateCategory | None:
        return self._categories.get(code)

    def diplomas(self) -> Sequence[Diploma]:
        with self._lock:
            return list(self._diplomas.values())

    def pcs(self) -> Sequence[Pcs]:
        with self._lock:
            return sorted(self._pcs.values(), key=lambda p: p.code)

    def nationalities(self) -> Sequence[Nationality]:
        with self._lock:
            return sorted(self._nationalities.values(), key=lambda n: n.label)

    def piece_rules(self, session_id: str) -> Sequence[PieceRule]:
        with self._lock:
            return [rule for (sid, _), rule in self._piece_rules.items() if sid == session_id]

    def situations(self) -> Sequence[Situation]:
        with self._lock:
            return sorted(self._situations.values(), key=lambda s: s.code)

    def establishments(self, academie_code: str) -> Sequence[Establishment]:
        with self._lock:
            found = [e for (code, _), e in self._establishments.items() if code == academie_code]
        return sorted(found, key=lambda e: (e.name, e.code))

    def announcements(self) -> Sequence[Announcement]:
        with self._lock:
            return sorted(self._announcements.values(), key=lambda a: (a.period.start, a.id))
