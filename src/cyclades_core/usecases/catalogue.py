"""Reading and configuring the catalogue: "Ouverture des services" (SVC-01 … SVC-04), the portal's announcements
(POR-01) and the managing service's configuration (MGR-01)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import frozen

from cyclades_core.errors import CatalogueNotFound, ServiceClosed, ValidationError
from cyclades_core.model.catalogue import (
    Academie,
    Announcement,
    CatalogueItem,
    Domain,
    ExamSession,
    Period,
    RegistrationService,
    format_long_date,
)
from cyclades_core.model.text import check_form, lookup_key
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock

__all__ = ["RESIDENCE_HINT", "CatalogueService", "OpeningPolicy", "ServiceOpening"]

#: SVC-03, the guide's words.
RESIDENCE_HINT = "Vous devez sélectionner l'académie correspondant à votre lieu de résidence."


@frozen
class ServiceOpening:
    """One line of "Ouverture des services" and, once chosen, its sentence (SVC-02): a period open now, or one
    still to come (``upcoming``); a period that has ended is not shown (SVC-05)."""

    session: ExamSession
    academie: Academie
    service: RegistrationService
    open_now: bool
    upcoming: bool = False

    @property
    def label(self) -> str:
        """``ACADÉMIE DE LYON - (JUN 2022)``."""
        return f"{self.academie.label} - ({self.session.month_label})"

    @property
    def selection_label(self) -> str:
        """``ACADÉMIE DE BESANCON - (2022-06)``, as "M'inscrire" shows the chosen académie."""
        return f"{self.academie.label} - ({self.session.month_code})"

    @property
    def sentence(self) -> str:
        """``Les inscriptions sont ouvertes du 01 novembre 2021 08:00 au 29 novembre 2021 18:00 (heure de Paris).``,
        the guide's sentence for an open period; ``Les inscriptions seront ouvertes du … au … (heure de Paris).`` for
        one still to come."""
        period = self.service.period
        verb = "seront" if self.upcoming else "sont"
        return (
            f"Les inscriptions {verb} ouvertes du {format_long_date(period.start)} "
            f"au {format_long_date(period.end)} (heure de Paris)."
        )

    @classmethod
    def at(
        cls, session: ExamSession, academie: Academie, service: RegistrationService, now: datetime
    ) -> ServiceOpening | None:
        """The line to show at ``now``: ``None`` once the period has ended (SVC-05)."""
        if service.period.end <= now:
            return None
        return cls(session, academie, service, service.is_open(now), upcoming=now < service.period.start)


def _service(catalogue: Catalogue, session_id: str, academie_code: str) -> RegistrationService | None:
    """The configured service; ``None`` for codes no catalogue can hold (issue 15: lookups are total)."""
    if lookup_key(session_id) is None or lookup_key(academie_code) is None:
        return None
    return catalogue.service(session_id, academie_code)


class OpeningPolicy:
    """The one answer to "is this registration service open now?" for every use case (SVC-04)."""

    def __init__(self, catalogue: Catalogue, clock: Clock) -> None:
        self._catalogue = catalogue
        self._clock = clock

    def service(self, session_id: str, academie_code: str) -> RegistrationService:
        """The configured service; CatalogueNotFound when none is configured for that choice."""
        service = _service(self._catalogue, session_id, academie_code)
        if service is None:
            raise CatalogueNotFound("Aucun service d'inscription n'est ouvert pour ce choix.")
        return service

    def is_open(self, session_id: str, academie_code: str) -> bool:
        service = _service(self._catalogue, session_id, academie_code)
        return service is not None and service.is_open(self._clock.now())

    def require_open(self, session_id: str, academie_code: str) -> RegistrationService:
        """The service, if open now (``[start, end)``); otherwise ServiceClosed (or CatalogueNotFound)."""
        service = self.service(session_id, academie_code)
        if not service.is_open(self._clock.now()):
            raise ServiceClosed()
        return service


class CatalogueService:
    def __init__(self, *, catalogue: Catalogue, clock: Clock) -> None:
        self.catalogue = catalogue
        self._clock = clock
        self.policy = OpeningPolicy(catalogue, clock)

    # -- the candidate's side ---------------------------------------------------------------------------------

    def openings(self, domain: Domain, exam_code: str, session_id: str) -> Sequence[ServiceOpening]:
        """SVC-02: the académies with a period open now or still to come for the choice Domaine – Examen – Session.

        Empty when nothing is ("Si aucune donnée n'est affichée, c'est qu'aucun service n'est ouvert", SVC-05): a
        period that has ended is not listed.
        """
        exam = next((e for e in self.catalogue.exams() if e.code == exam_code and e.domain is domain), None)
        session = self.catalogue.session(session_id) if lookup_key(session_id) else None
        if exam is None or session is None or session.exam_code != exam.code:
            return []
        now = self._clock.now()
        found = []
        for service in self.catalogue.services(session_id):
            academie = self.catalogue.academie(service.academie_code)
            opening = ServiceOpening.at(session, academie, service, now) if academie is not None else None
            if opening is not None:
                found.append(opening)
        return found

    def opening(self, session_id: str, academie_code: str) -> ServiceOpening | None:
        """SVC-02 / CAN-01: the chosen académie's registration dates, or ``None`` when nothing is configured or the
        period has ended (SVC-05)."""
        service = _service(self.catalogue, session_id, academie_code)
        if service is None:
            return None
        session = self.catalogue.session(session_id)
        academie = self.catalogue.academie(academie_code)
        if session is None or academie is None:
            return None
        return ServiceOpening.at(session, academie, service, self._clock.now())

    def current_announcements(self) -> Sequence[Announcement]:
        """POR-01: only the announcements whose period contains now."""
        now = self._clock.now()
        return [a for a in self.catalogue.announcements() if a.period.contains(now)]

    # -- the managing service's side (MGR-01) -------------------------------------------------------------------

    def configure(self, *items: CatalogueItem) -> None:
        """Add or replace catalogue items, in order (exams before their sessions, sessions before services).

        A session must list the tabs a candidature needs (:data:`~cyclades_core.model.catalogue.CONTENT_TABS`),
        else a ValidationError naming ``tabs``. A text no storage can hold is refused naming its field; nothing is
        configured when one item is refused."""
        for item in items:
            check_form(item)
        for item in items:
            if isinstance(item, ExamSession) and item.missing_tabs:
                raise ValidationError.single(
                    "tabs", "missing_tabs",
                    f"Les onglets de la session doivent comprendre : {', '.join(item.missing_tabs)}.",
                )  # fmt: skip
            self.catalogue.put(item)

    def open_service(self, session_id: str, academie_code: str, start: str, end: str) -> RegistrationService:
        """Configure a Grand Public period typed in Paris time (``01/11/2021 08:00``); a local time that does not
        exist or is ambiguous at a DST change is refused, naming ``start`` or ``end``."""
        check_form({"session_id": session_id, "academie_code": academie_code, "start": start, "end": end})
        service = RegistrationService(session_id, academie_code, Period.from_paris(start, end))
        self.catalogue.put(service)
        return service

    def announce(self, announcement_id: str, message: str, start: str, end: str) -> Announcement:
        check_form({"announcement_id": announcement_id, "message": message, "start": start, "end": end})
        announcement = Announcement(announcement_id, message, Period.from_paris(start, end))
        self.catalogue.put(announcement)
        return announcement
