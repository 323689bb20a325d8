"""The catalogue port: exams, sessions, académies, services, spécialités and reference lists (MGR-01).

Configuration data, read far more than written; not part of the unit of work. Adapters must pass
:class:`cyclades_core.testing.contracts.CatalogueContract`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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

__all__ = ["Catalogue"]


class Catalogue(Protocol):
    def put(self, item: CatalogueItem) -> None:
        """Add or replace one item, keyed by its natural key (code, id, (session, académie), (code, valid_from_year)).

        Referential integrity is checked: a session needs its exam, a service its session and académie, a
        spécialité its exam; otherwise :class:`~cyclades_core.errors.NotFoundError` and nothing changes.
        """
        ...

    def exams(self) -> Sequence[Exam]:
        """Every exam, in code order."""
        ...

    def sessions(self, exam_code: str) -> Sequence[ExamSession]:
        """The exam's sessions, most recent first."""
        ...

    def session(self, session_id: str) -> ExamSession | None: ...

    def academies(self) -> Sequence[Academie]:
        """Every académie and centre abroad, in code order."""
        ...

    def academie(self, code: str) -> Academie | None: ...

    def services(self, session_id: str) -> Sequence[RegistrationService]:
        """The session's registration services, in académie-code order."""
        ...

    def service(self, session_id: str, academie_code: str) -> RegistrationService | None: ...

    def specialites(self, exam_code: str, year: int) -> Sequence[Specialite]:
        """The spécialités of the exam as they stand for a session of ``year`` (the latest version valid from a
        year ≤ ``year``), in name order."""
        ...

    def specialite(self, code: str, year: int) -> Specialite | None:
        """The version of the spécialité valid for a session of ``year``, or ``None``."""
        ...

    def categories(self) -> Sequence[CandidateCategory]: ...

    def category(self, code: str) -> CandidateCategory | None: ...

    def diplomas(self) -> Sequence[Diploma]:
        """In the order they were configured (the order of the form's list)."""
        ...

    def pcs(self) -> Sequence[Pcs]: ...

    def nationalities(self) -> Sequence[Nationality]: ...

    def piece_rules(self, session_id: str) -> Sequence[PieceRule]:
        """The pièces justificatives the session requires (MGR-01), in the order configured."""
        ...

    def situations(self) -> Sequence[Situation]:
        """« Situation à l'inscription »: the configured values in code order; empty when none is configured."""
        ...

    def establishments(self, academie_code: str) -> Sequence[Establishment]:
        """The établissements d'inscription of the académie, in name order; empty when none is configured."""
        ...

    def announcements(self) -> Sequence[Announcement]:
        """Every announcement, current or not, by start."""
        ...
