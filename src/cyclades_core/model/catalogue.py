"""The exam catalogue: exams, sessions, académies, registration services, spécialités and their épreuves, and the
reference lists the forms choose from (SVC-01 … SVC-04, POR-01, MGR-01).

Everything here is data, not code: integrators load their own through the catalogue port.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum

from attrs import field, frozen
from dateutil import tz

from cyclades_core.errors import FieldError, ValidationError
from cyclades_core.timeutil import PARIS, ensure_utc, paris

__all__ = [
    "ENGLISH_MONTHS",
    "FRENCH_MONTHS",
    "FRENCH_WEEKDAYS",
    "Academie",
    "Announcement",
    "CandidateCategory",
    "CatalogueItem",
    "Contact",
    "DepositMode",
    "Diploma",
    "Domain",
    "Epreuve",
    "Establishment",
    "EvaluationMode",
    "Exam",
    "ExamSession",
    "FormeDePassage",
    "Nationality",
    "Pcs",
    "Period",
    "PieceCondition",
    "PieceRule",
    "ReferenceItem",
    "RegistrationService",
    "Situation",
    "Specialite",
    "format_long_date",
    "parse_paris_datetime",
]

FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: The portal labels a session's month "JUN 2022" (section 2 of the guide).
ENGLISH_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: The tabs of the guide's BTS form (CAN-02); a session may list others.
DEFAULT_TABS = (
    "Candidatures précédentes",
    "Identification",
    "Informations candidature",
    "Qualification présentée",
    "Acquis",
    "Diplôme possédé",
    "Epreuves",
    "Récapitulatif",
)
#: The tabs without which no candidature can be made (the Récapitulatif is added when a session omits it).
CONTENT_TABS = ("Identification", "Informations candidature", "Qualification présentée", "Diplôme possédé")


class Domain(Enum):
    EXAMEN = "Examen"
    CONCOURS = "Concours"


class EvaluationMode(Enum):
    PONCTUEL = "Ponctuel"
    CCF = "CCF"


class FormeDePassage(Enum):
    GLOBALE = "Globale"
    PROGRESSIVE = "Progressive"


def format_long_date(instant: datetime, *, weekday: bool = False, time: bool = True) -> str:
    """``01 novembre 2021 08:00`` (or ``jeudi 05 avril 2018 23:59``) in Paris time, as the guide writes it."""
    local = paris(instant)
    text = f"{local.day:02d} {FRENCH_MONTHS[local.month - 1]} {local.year}"
    if weekday:
        text = f"{FRENCH_WEEKDAYS[local.weekday()]} {text}"
    if time:
        text = f"{text} {local.hour:02d}:{local.minute:02d}"
    return text


_PARIS_INPUT = re.compile(r"(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})")


def parse_paris_datetime(raw: str, field_name: str) -> datetime:
    """``01/11/2021 08:00`` in Paris time → the UTC instant.

    A local time that does not exist (the spring-forward gap) or exists twice (the autumn fall-back hour) is refused
    with a clear error naming the field, never guessed.
    """
    match = _PARIS_INPUT.fullmatch(raw.strip()) if raw.isascii() else None
    if match is None:
        raise ValidationError.single(field_name, "invalid_format", "La date doit être au format JJ/MM/AAAA HH:MM.")
    day, month, year, hour, minute = (int(part) for part in match.groups())
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    except ValueError:
        raise ValidationError.single(field_name, "invalid_date", "Cette date n'existe pas.") from None
    if not tz.datetime_exists(local):
        raise ValidationError.single(
            field_name,
            "nonexistent_local_time",
            f"L'heure {hour:02d}:{minute:02d} n'existe pas le {day:02d}/{month:02d}/{year} à Paris "
            "(passage à l'heure d'été).",
        )
    if tz.datetime_ambiguous(local):
        raise ValidationError.single(
            field_name,
            "ambiguous_local_time",
            f"L'heure {hour:02d}:{minute:02d} existe deux fois le {day:02d}/{month:02d}/{year} à Paris "
            "(passage à l'heure d'hiver) ; choisissez une autre heure.",
        )
    return ensure_utc(local)


@frozen
class Period:
    """``[start, end)`` in UTC: open at ``start``, closed at ``end`` exactly (SVC-04)."""

    start: datetime = field(converter=ensure_utc)
    end: datetime = field(converter=ensure_utc)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError.single("end", "end_before_start", "La fin de la période doit suivre son début.")

    def contains(self, instant: datetime) -> bool:
        return self.start <= ensure_utc(instant) < self.end

    @classmethod
    def from_paris(cls, start: str, end: str) -> Period:
        """Build from Paris local times typed ``JJ/MM/AAAA HH:MM``; every wrong bound is named."""
        errors: list[FieldError] = []
        bounds: list[datetime] = []
        for name, raw in (("start", start), ("end", end)):
            try:
                bounds.append(parse_paris_datetime(raw, name))
            except ValidationError as refused:
                errors.extend(refused.errors)
        if errors:
            raise ValidationError(errors)
        return cls(bounds[0], bounds[1])


@frozen
class Contact:
    """The managing service's contact, shown on documents and after saving (CAN-10)."""

    name: str
    address: tuple[str, ...]
    #: ``None`` where no public source gives it: documents print only what exists.
    phone: str | None = None
    email: str | None = None
    #: True where no real contact is known (an académie shipped without one): never printed, refused at rendering.
    placeholder: bool = False

    @classmethod
    def unknown(cls) -> Contact:
        """What an académie configured without a contact carries: no values at all, ``placeholder`` set."""
        return cls("", (), placeholder=True)

    def lines(self) -> tuple[str, ...]:
        phone = (f"Tel : {self.phone}",) if self.phone else ()
        email = (self.email,) if self.email else ()
        return (*filter(None, (self.name, *self.address)), *phone, *email)


@frozen
class Academie:
    """An académie, a vice-rectorat or a centre abroad."""

    code: str
    name: str  # as CYCLADES writes it: "BESANCON", "LYON"
    #: The managing service; :meth:`Contact.unknown` (``placeholder`` set, no values) where none is configured.
    contact: Contact = field(factory=Contact.unknown)
    abroad: bool = False
    #: The full label where it is not "ACADÉMIE DE <name>" (vice-rectorats, centres abroad).
    title: str | None = None

    @property
    def label(self) -> str:
        """``ACADÉMIE DE LYON``, ``ACADÉMIE D'AMIENS``, or the title (``VICE-RECTORAT DE POLYNESIE FRANCAISE``)."""
        if self.title:
            return self.title
        name = self.name.upper()
        return f"ACADÉMIE D'{name}" if name[:1] in "AEIOUYÉÈ" else f"ACADÉMIE DE {name}"


@frozen
class Exam:
    code: str
    name: str  # BREVET DE TECHNICIEN SUPERIEUR
    domain: Domain = Domain.EXAMEN


@frozen
class ExamSession:
    """A session of an exam (SVC-01): ``BTS 2022`` of month ``2022-06``, with the tabs of its form (CAN-02)."""

    id: str
    exam_code: str
    label: str
    year: int
    month: int
    tabs: tuple[str, ...] = field(default=DEFAULT_TABS, converter=tuple)
    closed: bool = False

    @property
    def missing_tabs(self) -> tuple[str, ...]:
        """The :data:`CONTENT_TABS` this session does not list: none for a session candidates can use. Checked when
        a session is configured, and again when a candidature starts (a stored session is read as it is)."""
        return tuple(tab for tab in CONTENT_TABS if tab not in self.tabs)

    @property
    def month_code(self) -> str:
        """``2022-06``."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def month_label(self) -> str:
        """``JUN 2022``."""
        return f"{ENGLISH_MONTHS[self.month - 1]} {self.year}"


@frozen
class RegistrationService:
    """The registration service of one session in one académie, with its Grand Public period (SVC-01)."""

    session_id: str
    academie_code: str
    period: Period

    def is_open(self, instant: datetime) -> bool:
        return self.period.contains(instant)


@frozen
class Epreuve:
    """An épreuve of a spécialité (CAN-08): ``E4-A`` of ``E4``, unit ``U41``, obligatoire, group 1.

    ``modes`` maps a candidate-category code (or ``*`` for every other category) to the evaluation modes allowed.
    """

    code: str
    label: str
    mandatory: bool
    unit: str | None = None
    group: int = 1
    parent: str | None = None
    modes: tuple[tuple[str, tuple[EvaluationMode, ...]], ...] = (("*", (EvaluationMode.PONCTUEL,)),)
    options: tuple[str, ...] = ()

    def modes_for(self, category_code: str) -> tuple[EvaluationMode, ...]:
        allowed = dict(self.modes)
        return allowed.get(category_code, allowed.get("*", ()))


@frozen
class Specialite:
    """A spécialité (5-digit code) with its épreuves, valid from a session on (a new arrêté, new units)."""

    code: str
    name: str
    exam_code: str
    epreuves: tuple[Epreuve, ...]
    valid_from_year: int = 0
    #: « éventuellement l'enseignement auquel je me présente »: where a spécialité has several, the candidate
    #: chooses one on tab Qualification présentée.
    enseignements: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Banque - conseiller de clientèle (31310)``."""
        return f"{self.name} ({self.code})"

    def epreuve(self, code: str) -> Epreuve | None:
        return next((e for e in self.epreuves if e.code == code), None)


@frozen
class CandidateCategory:
    """Catégorie du candidat (CAN-04): ``FORMATION CONTINUE`` (320), its formes de passage, withdrawal right."""

    code: str
    label: str
    formes: tuple[FormeDePassage, ...] = (FormeDePassage.GLOBALE,)
    may_withdraw: bool = True


@frozen
class ReferenceItem:
    """A coded entry of a reference list (PCS, nationality…)."""

    code: str
    label: str


@frozen
class Diploma:
    """Diplôme possédé (CAN-07): ``BACCALAURÉAT GÉNÉRAL`` with its code ``00012`` and its short label."""

    code: str
    label: str
    short_label: str = ""


@frozen
class Announcement:
    """A message of the portal home (POR-01), shown only while its period contains now."""

    id: str
    message: str
    period: Period


@frozen
class Pcs(ReferenceItem):
    """Catégorie socio-professionnelle (INSEE PCS, e.g. ``64`` Chauffeurs)."""


@frozen
class Nationality(ReferenceItem):
    """Nationalité, coded like the INSEE country (``99100`` Française)."""


@frozen
class Situation(ReferenceItem):
    """« Situation à l'inscription » (tab Informations candidature, CAN-04): a list the managing service
    configures; when it holds values, the candidate picks one of them."""


@frozen
class Establishment:
    """An établissement d'inscription of an académie: « Choisir mon établissement d'inscription (par ex. CNED,
    INDIVIDUELS 025) » (CAN-04). ``code`` is its UAI (``0250013D``); the form shows ``label``."""

    code: str
    name: str
    academie_code: str

    @property
    def label(self) -> str:
        """``LP P-ADRIEN PARIS - BESANCON (0250013D)``, as the guide's Récapitulatif writes it."""
        return f"{self.name} ({self.code})"


class DepositMode(Enum):
    EN_LIGNE = "en ligne"
    COURRIER = "courrier"
    AUTRES = "autres modalités"


class PieceCondition(Enum):
    """When a session's rule asks for the pièce, from the candidature's answers."""

    ALWAYS = "always"
    DISABILITY = "disability"  # a disability arrangement is requested (CAN-04)
    ACQUIS = "acquis"  # acquis are declared (CAN-06)
    FOREIGN_DIPLOMA = "foreign_diploma"  # DIPLOMES TITRES ETRANGERS (CAN-07)


@frozen
class PieceRule:
    """A pièce a session requires (MGR-01): ``CINSIG01`` "Confirmation d'inscription signée", deposited online in
    ``period`` or sent by post before ``period.end``."""

    session_id: str
    code: str
    label: str
    group: str  # "Confirmation d'inscription"
    mode: DepositMode
    period: Period  # online: the deposit period; by post / other: only its end (the deadline) matters
    condition: PieceCondition = PieceCondition.ALWAYS

    @property
    def heading(self) -> str:
        """JUS-01, as the guide writes it: ``A déposer en ligne entre le jeudi 05 avril 2018 et le mardi 30
        octobre 2018 23:59 (heure/Paris)``."""
        end = format_long_date(self.period.end, weekday=True)
        if self.mode is DepositMode.EN_LIGNE:
            start = format_long_date(self.period.start, weekday=True, time=False)
            return f"A déposer en ligne entre le {start} et le {end} (heure/Paris)"
        if self.mode is DepositMode.COURRIER:
            return f"A envoyer par voie postale avant le {end} (heure/Paris)"
        return f"A fournir selon les modalités indiquées par le service gestionnaire avant le {end} (heure/Paris)"


#: Everything the catalogue port stores.
CatalogueItem = (
    Exam | ExamSession | Academie | RegistrationService | Specialite | CandidateCategory | Diploma | Pcs
    | Nationality | Announcement | PieceRule | Situation | Establishment
)  # fmt: skip
