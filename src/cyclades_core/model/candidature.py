"""The candidature: what a candidate registers to an exam with, its épreuves and its lifecycle (CAN-01 … CAN-15,
UNS-01 … UNS-05, MGR-04, MGR-05).

The form's tabs are parsed into frozen values (:class:`Identification`, :class:`Informations`, …); the épreuves'
positions are computed from the spécialité, the category and the acquis (:func:`compute_positions`); the saved
:class:`Candidature` is a frozen aggregate whose lifecycle is a plain transition table.

Slightly over 500 lines on purpose: the tab values, the épreuves' positions (Bénéfice, Dispense) and the aggregate
are read together whenever a rule of the form changes; the state machine is the small part at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum

from attrs import evolve, frozen

from cyclades_core.errors import IllegalCandidatureTransition  # re-exported here
from cyclades_core.model.account import Identity
from cyclades_core.model.catalogue import EvaluationMode, FormeDePassage, Specialite

__all__ = [
    "Acquis",
    "AcquisKind",
    "Address",
    "Candidature",
    "CandidatureContent",
    "CandidatureState",
    "EpreuveChoice",
    "EpreuveCount",
    "EpreuvePosition",
    "Identification",
    "IllegalCandidatureTransition",
    "Informations",
    "KeptGrade",
    "ListPosition",
    "Position",
    "Qualification",
    "UnitOf",
    "compute_positions",
    "count_epreuves",
]

#: A kept grade counts for this many years after the year it was obtained (CAN-06).
BENEFICE_YEARS = 5


class Position(Enum):
    """An épreuve's position: Inscrit, Non Inscrit, Bénéfice (a grade kept: grade, year and académie shown) or
    Dispense (no grade: a unit obtained in another spécialité, another diploma, or the VAE; CAN-16)."""

    INSCRIT = "Inscrit"
    NON_INSCRIT = "Non Inscrit"
    BENEFICE = "Bénéfice"
    DISPENSE = "Dispense"


@frozen
class Address:
    country: str
    street: str  # Numéro, rue, voie
    postal_code: str
    locality: str
    complement1: str | None = None
    complement2: str | None = None
    complement3: str | None = None

    def lines(self) -> tuple[str, ...]:
        """``1 rue des champs`` / ``25000 BESANCON`` / ``FRANCE (DONT OUTRE-MER)``."""
        complements = tuple(c for c in (self.complement1, self.complement2, self.complement3) if c)
        return (self.street, *complements, f"{self.postal_code} {self.locality.upper()}", self.country)


@frozen
class Identification:
    """Tab "Identification" (CAN-03): the identity comes from the account, read-only; the rest is typed here."""

    address: Address
    pcs_code: str
    nationality_code: str
    mobile_phone: str
    email: str
    landline_phone: str | None = None


@frozen
class Informations:
    """Tab "Informations candidature" (CAN-04)."""

    category_code: str
    establishment: str  # "INDIV BESANCON (02500005)": label with its code
    situation: str | None = None
    training_duration_adjustment: bool = False
    disability_arrangement: bool = False
    press_consent: bool = False
    local_authorities_consent: bool = False
    renounce_acquis: bool = False
    #: « Votre ancien établissement LP FERNAND LEGERE - AUDINCOURT CEDEX (0250001R) » (the guide's Récapitulatif):
    #: where a former pupil was taught, label with its code.
    former_establishment: str | None = None


@frozen
class Qualification:
    """Tab "Qualification présentée" (CAN-05)."""

    specialite_code: str
    forme: FormeDePassage
    derogation: bool = False
    enseignement: str | None = None

    @property
    def forme_finale(self) -> FormeDePassage:
        """« Forme passage finale »: the category's forme, or with a « Dérogation à la forme de passage » the other
        one, which the category does not offer (the managing service examines the request)."""
        if not self.derogation:
            return self.forme
        return next(f for f in FormeDePassage if f is not self.forme)


class AcquisKind(Enum):
    """The four boxes of tab "Acquis" (CAN-06)."""

    SAME_BTS = "Je me suis déjà présenté(e) à ce BTS lors d'une session précédente et je n'ai pas obtenu le diplôme"
    OTHER_BTS = (
        "Je me suis déjà présenté(e) à un autre BTS lors d'une session précédente et je n'ai pas obtenu le diplôme"
    )
    OTHER_DIPLOMA = "J'ai obtenu un autre diplôme (inclus certification en langue anglaise)"
    VAE = "J'ai des dispenses d'épreuve au titre de la validation des acquis de l'expérience"

    @property
    def right_type(self) -> str:
        """The Récapitulatif's « Type de droit » (CAN-16): the guide's « notes conservées dans la spécialité
        présentée » for the same BTS (a Bénéfice, grade kept); a dispense, without grade, for the others."""
        return _RIGHT_TYPES[self]

    @property
    def gives(self) -> Position:
        """What a kept entry of this kind gives an épreuve: a Bénéfice for the same BTS, a Dispense otherwise."""
        return Position.BENEFICE if self is AcquisKind.SAME_BTS else Position.DISPENSE


_RIGHT_TYPES = {
    AcquisKind.SAME_BTS: "notes conservées dans la spécialité présentée",
    AcquisKind.OTHER_BTS: "unités obtenues dans une autre spécialité",
    AcquisKind.OTHER_DIPLOMA: "dispense au titre d'un autre diplôme",
    AcquisKind.VAE: "dispense au titre de la validation des acquis de l'expérience",
}


@frozen
class KeptGrade:
    """One épreuve of an acquis; ``kept=False`` is the unticked box: the candidate retakes the épreuve. ``grade`` is
    ``None`` for a dispense declared without a grade (another diploma, VAE)."""

    epreuve_code: str
    grade: float | None
    kept: bool = True


@frozen
class Acquis:
    kind: AcquisKind
    year: int
    academie: str  # "BESANCON"
    specialite_code: str | None
    grades: tuple[KeptGrade, ...]
    #: The Récapitulatif's « Déjà présenté : … (depuis 2017) … - Ancienne catégorie : SCOLAIRE Ancienne forme de
    #: passage : Globale »: the first session presented, the category code and the forme de passage of then.
    first_year: int | None = None
    former_category_code: str | None = None
    former_forme: FormeDePassage | None = None


@frozen
class EpreuveChoice:
    """What the candidate chose on tab "Epreuves" for one épreuve (CAN-08)."""

    code: str
    position: Position
    option: str | None = None
    mode: EvaluationMode | None = None


@frozen
class EpreuvePosition:
    """One row of the épreuves table: ``E1 - Culture générale et expression | Bénéfice | Note: 15.00 …``."""

    code: str
    label: str
    unit: str | None
    mandatory: bool
    group: int
    parent: str | None
    position: Position
    mode: EvaluationMode | None = None
    option: str | None = None
    grade: float | None = None
    grade_year: int | None = None
    grade_academie: str | None = None

    @property
    def title(self) -> str:
        """``EF1 - Langue vivante 2 - Russe``."""
        label = f"{self.label} - {self.option}" if self.option else self.label
        return f"{self.code} - {label}"

    @property
    def recapitulatif_mode(self) -> str:
        """The mode as the Récapitulatif writes it: « Ponctuel » for an épreuve taken (Inscrit), blank for one not
        taken (« EF2 - Engagement étudiant | Non Inscrit »), kept or dispensed (the confirmation's table shows every
        mode)."""
        return self.mode.value if self.mode is not None and self.position is Position.INSCRIT else ""

    @property
    def benefice_details(self) -> str | None:
        """``Note: 15.00 Année d'obtention: 2021``."""
        if self.position is not Position.BENEFICE or self.grade is None:
            return None
        return f"Note: {self.grade:.2f} Année d'obtention: {self.grade_year}"


def _benefice(
    code: str, specialite: Specialite, acquis: tuple[Acquis, ...], session_year: int, renounce: bool
) -> tuple[Acquis, KeptGrade] | None:
    """The best kept grade ≥ 10/20 for this épreuve, from the same spécialité, within the last five years."""
    if renounce:
        return None
    best: tuple[Acquis, KeptGrade] | None = None
    for item in acquis:
        if item.kind.gives is not Position.BENEFICE:
            continue
        if item.specialite_code != specialite.code or not 0 <= session_year - item.year <= BENEFICE_YEARS:
            continue
        for grade in item.grades:
            if (
                grade.epreuve_code == code
                and grade.kept
                and grade.grade is not None
                and grade.grade >= 10
                and (best is None or best[1].grade is None or grade.grade > best[1].grade)
            ):
                best = (item, grade)
    return best


#: The unit an épreuve of another spécialité validates, as ``(unit code, épreuve label)``: ``(spécialité code,
#: épreuve code) -> unit`` (``None`` when the catalogue does not know it). A unit is the same in two spécialités when
#: both its code and its épreuve's label are (U1 « Culture générale et expression » is common to the BTS; a U3 of
#: another spécialité is another unit).
UnitOf = Callable[[str, str], "tuple[str, str] | None"]


def _fold(label: str) -> str:
    return " ".join(label.casefold().split())


def _dispense(
    epreuve_unit: tuple[str, str] | None,
    code: str,
    specialite: Specialite,
    acquis: tuple[Acquis, ...],
    renounce: bool,
    unit_of: UnitOf | None,
) -> Acquis | None:
    """The acquis that dispenses this épreuve (CAN-16): a unit obtained (kept, ≥ 10/20) in another spécialité that
    validates the same unit; or an épreuve the candidate declares dispensed for another diploma or the VAE."""
    if renounce:
        return None
    for item in acquis:
        for grade in (g for g in item.grades if g.kept):
            if item.kind is AcquisKind.OTHER_BTS:
                if item.specialite_code in (None, specialite.code) or unit_of is None or epreuve_unit is None:
                    continue
                obtained = grade.grade is not None and grade.grade >= 10
                if obtained and unit_of(item.specialite_code, grade.epreuve_code) == epreuve_unit:
                    return item
            elif item.kind in (AcquisKind.OTHER_DIPLOMA, AcquisKind.VAE) and grade.epreuve_code == code:
                return item
    return None


def compute_positions(
    specialite: Specialite,
    category_code: str,
    acquis: tuple[Acquis, ...],
    choices: tuple[EpreuveChoice, ...],
    session_year: int,
    *,
    renounce_acquis: bool = False,
    unit_of: UnitOf | None = None,
) -> tuple[tuple[EpreuvePosition, ...], dict[str, str]]:
    """The épreuves table (CAN-08) and the problems found, keyed by épreuve code.

    Obligatoires are Inscrit unless kept as Bénéfice (same BTS) or dispensed (CAN-16: another spécialité's unit,
    through ``unit_of``; another diploma; the VAE); facultatives are what the candidate chose (Non Inscrit by
    default); an Inscrit épreuve with options needs one of them; modes must be allowed for the category (the first
    allowed one by default). A parent épreuve (E4 of E4-A, E4-B) takes the position of its children, without mode
    unless it is itself one unit (E2, U2, of the parts E2-A, E2-B): then with its parts' mode.
    """
    chosen = {c.code: c for c in choices}
    problems: dict[str, str] = {}
    rows: list[EpreuvePosition] = []
    parents = {e.parent for e in specialite.epreuves if e.parent}
    for epreuve in specialite.epreuves:
        if epreuve.code in parents:
            continue
        choice = chosen.get(epreuve.code)
        allowed = epreuve.modes_for(category_code)
        kept = _benefice(epreuve.code, specialite, acquis, session_year, renounce_acquis) if epreuve.mandatory else None
        if kept is not None:
            item, grade = kept
            rows.append(
                EpreuvePosition(
                    epreuve.code, epreuve.label, epreuve.unit, True, epreuve.group, epreuve.parent,
                    Position.BENEFICE, grade=grade.grade, grade_year=item.year, grade_academie=item.academie,
                )
            )  # fmt: skip
            continue
        dispensed = (
            _dispense(
                (epreuve.unit, _fold(epreuve.label)) if epreuve.unit else None,
                epreuve.code,
                specialite,
                acquis,
                renounce_acquis,
                unit_of,
            )
            if epreuve.mandatory
            else None
        )
        if dispensed is not None:
            rows.append(
                EpreuvePosition(
                    epreuve.code, epreuve.label, epreuve.unit, True, epreuve.group, epreuve.parent,
                    Position.DISPENSE, grade_year=dispensed.year,
                    grade_academie=dispensed.academie if dispensed.kind is AcquisKind.OTHER_BTS else None,
                )
            )  # fmt: skip
            continue
        if epreuve.mandatory:
            position = Position.INSCRIT
        elif choice is None:
            position = Position.NON_INSCRIT
        elif choice.position is Position.BENEFICE:
            problems[epreuve.code] = "Une épreuve facultative ne peut pas être conservée en bénéfice."
            position = Position.NON_INSCRIT
        elif choice.position is Position.DISPENSE:
            problems[epreuve.code] = "Une épreuve facultative ne fait pas l'objet d'une dispense."
            position = Position.NON_INSCRIT
        else:
            position = choice.position
        option = choice.option if choice else None
        mode = choice.mode if choice and choice.mode else (allowed[0] if allowed else None)
        if position is Position.INSCRIT:
            if epreuve.options and option not in epreuve.options:
                problems[epreuve.code] = f"Choisissez une option : {', '.join(epreuve.options)}."
            if mode not in allowed:
                modes = ", ".join(m.value for m in allowed) or "aucun"
                problems[epreuve.code] = f"Mode d'évaluation non autorisé pour votre catégorie ({modes})."
        else:
            option = None
            mode = mode if position is Position.NON_INSCRIT and allowed else None
        rows.append(
            EpreuvePosition(
                epreuve.code, epreuve.label, epreuve.unit, epreuve.mandatory, epreuve.group, epreuve.parent,
                position, mode, option,
            )
        )  # fmt: skip
    unknown = set(chosen) - {e.code for e in specialite.epreuves}
    for code in sorted(unknown):
        problems[code] = "Cette épreuve n'existe pas dans la spécialité."
    return _with_parents(specialite, rows), problems


def _with_parents(specialite: Specialite, rows: list[EpreuvePosition]) -> tuple[EpreuvePosition, ...]:
    by_code = {r.code: r for r in rows}
    ordered: list[EpreuvePosition] = []
    for epreuve in specialite.epreuves:
        if epreuve.code in by_code:
            ordered.append(by_code[epreuve.code])
            continue
        children = [r for r in rows if r.parent == epreuve.code]
        if not children:
            continue
        if all(c.position is Position.DISPENSE for c in children):
            position = Position.DISPENSE
        elif all(c.position in (Position.BENEFICE, Position.DISPENSE) for c in children):
            position = Position.BENEFICE
        elif any(c.position is Position.INSCRIT for c in children):
            position = Position.INSCRIT
        else:
            position = Position.NON_INSCRIT
        # A parent that is itself one unit (« E2 - Anglais », U2, its parts E2-A and E2-B without units of their
        # own) is evaluated as one: it shows its parts' mode (the guide's « E2 - Anglais Inscrit Ponctuel »). A
        # parent whose parts are units (E3 → U31, U32, U33) shows none (« E3 - … Inscrit »).
        modes = {c.mode for c in children if c.position is Position.INSCRIT}
        mode = modes.pop() if epreuve.unit and position is Position.INSCRIT and len(modes) == 1 else None
        ordered.append(
            EpreuvePosition(
                epreuve.code, epreuve.label, epreuve.unit, epreuve.mandatory, epreuve.group, None, position, mode
            )
        )
    return tuple(ordered)


@frozen
class CandidatureContent:
    """Everything a save records: the tabs, parsed, and the computed épreuves table."""

    identification: Identification
    informations: Informations
    qualification: Qualification
    acquis: tuple[Acquis, ...]
    diploma_code: str
    epreuves: tuple[EpreuvePosition, ...]


class CandidatureState(Enum):
    PREINSCRIPTION = "Préinscription"  # created by an establishment, awaiting the pupil's validation (POR-02)
    ACTIVE = "Inscrit"
    WITHDRAWN = "Désinscrit par le candidat"  # UNS-05
    WITHDRAWN_BY_MANAGER = "Désinscrit par le gestionnaire"  # UNS-04
    SET_ASIDE = "Écartée"  # MGR-04
    DELETED = "Supprimée par le gestionnaire"  # MGR-04


class CandidatureEvent(Enum):
    VALIDATE_PREINSCRIPTION = "validate_preinscription"
    MODIFY = "modify"
    WITHDRAW = "withdraw"
    WITHDRAW_BY_MANAGER = "withdraw_by_manager"
    SET_ASIDE = "set_aside"
    DELETE = "delete"
    REINSTATE = "reinstate"


_S, _E = CandidatureState, CandidatureEvent
_TRANSITIONS: dict[tuple[CandidatureState, CandidatureEvent], CandidatureState] = {
    (_S.PREINSCRIPTION, _E.VALIDATE_PREINSCRIPTION): _S.ACTIVE,
    (_S.PREINSCRIPTION, _E.SET_ASIDE): _S.SET_ASIDE,
    (_S.PREINSCRIPTION, _E.DELETE): _S.DELETED,
    (_S.PREINSCRIPTION, _E.WITHDRAW_BY_MANAGER): _S.WITHDRAWN_BY_MANAGER,
    (_S.ACTIVE, _E.MODIFY): _S.ACTIVE,
    (_S.ACTIVE, _E.WITHDRAW): _S.WITHDRAWN,
    (_S.ACTIVE, _E.WITHDRAW_BY_MANAGER): _S.WITHDRAWN_BY_MANAGER,
    (_S.ACTIVE, _E.SET_ASIDE): _S.SET_ASIDE,
    (_S.ACTIVE, _E.DELETE): _S.DELETED,
    (_S.SET_ASIDE, _E.REINSTATE): _S.ACTIVE,
    (_S.SET_ASIDE, _E.DELETE): _S.DELETED,
}


@frozen
class Candidature:
    """A saved candidature. ``version`` starts at 1 and each save raises it by exactly 1 (CAN-12)."""

    id: str
    account_id: str
    inscription_number: str  # "001", per candidate
    session_id: str
    academie_code: str
    state: CandidatureState
    content: CandidatureContent
    identity: Identity  # the account's identity as copied in (CAN-03), frozen with it (CAN-11)
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def visible_to_candidate(self) -> bool:
        """CAN-13 / UNS-02: withdrawn, set-aside and deleted candidatures are not shown."""
        return self.state in (CandidatureState.ACTIVE, CandidatureState.PREINSCRIPTION)

    def _next(self, event: CandidatureEvent, now: datetime, **changes: object) -> Candidature:
        target = _TRANSITIONS.get((self.state, event))
        if target is None:
            raise IllegalCandidatureTransition()
        return evolve(self, state=target, version=self.version + 1, updated_at=now, **changes)  # type: ignore[arg-type]

    def modify(self, content: CandidatureContent, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.MODIFY, now, content=content)

    def validate_preinscription(self, content: CandidatureContent, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.VALIDATE_PREINSCRIPTION, now, content=content)

    def withdraw(self, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.WITHDRAW, now)

    def withdraw_by_manager(self, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.WITHDRAW_BY_MANAGER, now)

    def set_aside(self, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.SET_ASIDE, now)

    def reinstate(self, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.REINSTATE, now)

    def delete(self, now: datetime) -> Candidature:
        return self._next(CandidatureEvent.DELETE, now)

    def correct_identity(self, identity: Identity, now: datetime) -> Candidature:
        """MGR-04: the managing service corrects the identity on request (the account follows)."""
        return evolve(self, identity=identity, version=self.version + 1, updated_at=now)


@frozen(order=True)
class ListPosition:
    """Where a page of the managing service's list ends: the sort key of its last candidature. The list is ordered by
    session, académie, creation instant and id; the next page holds the candidatures strictly after this key."""

    session_id: str
    academie_code: str
    created_at: datetime
    candidature_id: str

    @classmethod
    def of(cls, candidature: Candidature) -> ListPosition:
        return cls(candidature.session_id, candidature.academie_code, candidature.created_at, candidature.id)


@frozen
class EpreuveCount:
    """Effectifs par épreuve: how many active candidatures hold épreuve ``code`` (with this option) in this position
    and mode — what the managing service needs to organise the épreuves of a session."""

    code: str
    option: str | None
    position: Position
    mode: EvaluationMode | None
    candidates: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The order of a listing: épreuve, option, position, mode."""
        return (self.code, self.option or "", self.position.value, self.mode.value if self.mode else "")


def count_epreuves(candidatures: Iterable[Candidature]) -> tuple[EpreuveCount, ...]:
    """The effectifs of these candidatures, in :attr:`EpreuveCount.key` order (the reference every storage matches)."""
    counts: dict[tuple[str, str | None, Position, EvaluationMode | None], int] = {}
    for candidature in candidatures:
        for row in candidature.content.epreuves:
            key = (row.code, row.option, row.position, row.mode)
            counts[key] = counts.get(key, 0) + 1
    found = (EpreuveCount(code, option, position, mode, n) for (code, option, position, mode), n in counts.items())
    return tuple(sorted(found, key=lambda c: c.key))
