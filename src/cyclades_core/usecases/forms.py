"""The candidature form, tab by tab (CAN-02 … CAN-08): raw forms as typed, the draft the caller holds between
requests, and the parsers that turn each tab into domain values or a ValidationError naming its fields.

Nothing here is stored: a draft lives with the caller (serialize it with ``cyclades_adapters.edge``) until
"Enregistrer" from the Récapitulatif.
"""

from __future__ import annotations

import re
from typing import Any

from attrs import evolve, field, frozen

from cyclades_core.errors import FieldError, ValidationError
from cyclades_core.model.candidature import (
    Acquis,
    AcquisKind,
    Address,
    CandidatureContent,
    EpreuveChoice,
    Identification,
    Informations,
    KeptGrade,
    Position,
    Qualification,
    UnitOf,
    compute_positions,
)
from cyclades_core.model.catalogue import EvaluationMode, ExamSession, FormeDePassage, Specialite
from cyclades_core.model.text import lookup_key
from cyclades_core.model.values import (
    ErrorCollector,
    parse_email,
    parse_landline_phone,
    parse_mobile_phone,
    parse_postal_code,
)
from cyclades_core.ports.catalogue import Catalogue

__all__ = [
    "RECAP_TAB",
    "TAB_FORMS",
    "AcquisEntryForm",
    "AcquisForm",
    "CandidatureDraft",
    "DiplomaForm",
    "EpreuveChoiceForm",
    "EpreuvesForm",
    "GradeForm",
    "IdentificationForm",
    "InformationsForm",
    "QualificationForm",
    "parse_content",
]

RECAP_TAB = "Récapitulatif"
FRANCE_ADDRESS = "FRANCE (DONT OUTRE-MER)"


@frozen(kw_only=True)
class IdentificationForm:
    """Tab "Identification" (CAN-03); the identity itself comes from the account and is not typed here."""

    country: str = FRANCE_ADDRESS
    street: str
    complement1: str | None = None
    complement2: str | None = None
    complement3: str | None = None
    postal_code: str
    locality: str
    pcs_code: str
    nationality_code: str
    mobile_phone: str
    landline_phone: str | None = None
    email: str


@frozen(kw_only=True)
class InformationsForm:
    """Tab "Informations candidature" (CAN-04). Consents default to Non, as the guide's form does."""

    category_code: str
    establishment: str
    situation: str | None = None
    training_duration_adjustment: bool = False
    disability_arrangement: bool = False
    press_consent: bool = False
    local_authorities_consent: bool = False
    renounce_acquis: bool = False
    former_establishment: str | None = None  # « Votre ancien établissement … (code) », optional


@frozen(kw_only=True)
class QualificationForm:
    """Tab "Qualification présentée" (CAN-05)."""

    specialite_code: str
    forme: str = "Globale"
    derogation: bool = False
    enseignement: str | None = None


@frozen(kw_only=True)
class GradeForm:
    epreuve_code: str
    grade: str  # "15.00" or "15,00"
    kept: bool = True


@frozen(kw_only=True)
class AcquisEntryForm:
    kind: str  # an AcquisKind name: SAME_BTS, OTHER_BTS, OTHER_DIPLOMA, VAE
    year: str
    academie: str
    specialite_code: str | None = None
    grades: tuple[GradeForm, ...] = ()
    #: Optional, for the Récapitulatif's « (depuis 2017) … Ancienne catégorie : SCOLAIRE Ancienne forme de passage :
    #: Globale »: the first year presented, the category code and the forme de passage of then.
    first_year: str = ""
    former_category_code: str = ""
    former_forme: str = ""


@frozen(kw_only=True)
class AcquisForm:
    """Tab "Acquis" (CAN-06): no entry means nothing declared ("Sinon veuillez cliquer sur le bouton Suivant")."""

    entries: tuple[AcquisEntryForm, ...] = ()


@frozen(kw_only=True)
class DiplomaForm:
    """Tab "Diplôme possédé" (CAN-07)."""

    diploma_code: str


@frozen(kw_only=True)
class EpreuveChoiceForm:
    code: str
    position: str = "Inscrit"
    option: str | None = None
    mode: str | None = None


@frozen(kw_only=True)
class EpreuvesForm:
    """Tab "Epreuves" (CAN-08): the facultatives chosen, options and modes; obligatoires need nothing."""

    choices: tuple[EpreuveChoiceForm, ...] = ()


#: Tabs with fields → (draft attribute, form class). Other tabs of a session's list only show information.
TAB_FORMS: dict[str, tuple[str, type[Any]]] = {
    "Identification": ("identification", IdentificationForm),
    "Informations candidature": ("informations", InformationsForm),
    "Qualification présentée": ("qualification", QualificationForm),
    "Acquis": ("acquis", AcquisForm),
    "Diplôme possédé": ("diploma", DiplomaForm),
    "Epreuves": ("epreuves", EpreuvesForm),
}


@frozen(kw_only=True)
class CandidatureDraft:
    """The form in progress, held by the caller. ``current`` indexes ``tabs``; nothing is saved yet.

    For a modification (CAN-12) ``candidature_id`` and ``base_version`` say what it was read from.
    """

    account_id: str
    session_id: str
    academie_code: str
    tabs: tuple[str, ...]
    current: int = 0
    identification: IdentificationForm | None = None
    informations: InformationsForm | None = None
    qualification: QualificationForm | None = None
    acquis: AcquisForm | None = field(factory=AcquisForm)
    diploma: DiplomaForm | None = None
    epreuves: EpreuvesForm | None = field(factory=EpreuvesForm)
    candidature_id: str | None = None
    base_version: int | None = None

    @property
    def tab(self) -> str:
        return self.tabs[self.current]

    @property
    def on_recapitulatif(self) -> bool:
        return self.tab == RECAP_TAB

    def with_form(self, form: object) -> CandidatureDraft:
        for attribute, cls in TAB_FORMS.values():
            if isinstance(form, cls):
                return evolve(self, **{attribute: form})
        raise TypeError(f"not a tab form: {type(form).__name__}")

    def form_for(self, tab: str) -> object | None:
        spec = TAB_FORMS.get(tab)
        return getattr(self, spec[0]) if spec else None


# -- parsing ---------------------------------------------------------------------------------------------------


def _text(errors: ErrorCollector, field_name: str, raw: str | None, *, required: bool = True, limit: int = 100) -> str:
    text = " ".join((raw or "").split())
    if not text and required:
        errors.add(field_name, "required", "Ce champ est obligatoire.")
    elif len(text) > limit or any(not ch.isprintable() for ch in text):
        errors.add(field_name, "invalid_text", f"Ce champ doit être un texte d'au plus {limit} caractères.")
    return text


def parse_identification(form: IdentificationForm, catalogue: Catalogue) -> Identification:
    errors = ErrorCollector()
    prefix = "identification."
    country = _text(errors, prefix + "country", form.country)
    street = _text(errors, prefix + "street", form.street)
    complements = [_text(errors, f"{prefix}complement{i}", c, required=False) or None for i, c in
                   enumerate((form.complement1, form.complement2, form.complement3), start=1)]  # fmt: skip
    if country.upper().startswith("FRANCE"):
        postal = errors.attempt(parse_postal_code, form.postal_code, prefix + "postal_code") or ""
    else:
        postal = _text(errors, prefix + "postal_code", form.postal_code, limit=12)
    locality = _text(errors, prefix + "locality", form.locality, limit=60)
    if form.pcs_code not in {p.code for p in catalogue.pcs()}:
        errors.add(prefix + "pcs_code", "invalid_choice", "Sélectionnez une valeur.")
    if form.nationality_code not in {n.code for n in catalogue.nationalities()}:
        errors.add(prefix + "nationality_code", "invalid_choice", "Sélectionnez une nationalité.")
    mobile = errors.attempt(parse_mobile_phone, form.mobile_phone, prefix + "mobile_phone")
    landline = errors.attempt(parse_landline_phone, form.landline_phone, prefix + "landline_phone")
    email = errors.attempt(parse_email, form.email, prefix + "email")
    errors.raise_if_any()
    return Identification(
        Address(country, street, postal, locality, *complements),
        form.pcs_code,
        form.nationality_code,
        errors.checked(mobile),
        errors.checked(email).display,
        landline,
    )


def _listed(errors: ErrorCollector, field_name: str, value: str, choices: list[tuple[str, str]], message: str) -> str:
    """``value`` where no list is configured; else the label of the listed ``(code, label)`` it names (by code or by
    label), or an ``invalid_choice`` error on ``field_name``."""
    if not value or not choices:
        return value
    label = next((label for code, label in choices if value in (code, label)), None)
    if label is None:
        errors.add(field_name, "invalid_choice", message)
        return value
    return label


def parse_informations(form: InformationsForm, catalogue: Catalogue, academie_code: str | None = None) -> Informations:
    """Tab « Informations candidature » (CAN-04). Where the catalogue lists the académie's établissements (or the
    situations), the value must be one of them — its label ``NAME (CODE)`` or its code — and is kept as its label;
    where it lists none, the text typed is kept."""
    errors = ErrorCollector()
    if catalogue.category(form.category_code) is None:
        errors.add("informations.category_code", "invalid_choice", "Sélectionnez votre catégorie de candidat.")
    listed = catalogue.establishments(academie_code) if academie_code and lookup_key(academie_code) else ()
    establishment = _listed(
        errors, "informations.establishment", _text(errors, "informations.establishment", form.establishment, limit=120),
        [(e.code, e.label) for e in listed], "Choisissez votre établissement dans la liste.",
    )  # fmt: skip
    situation = _listed(
        errors, "informations.situation", _text(errors, "informations.situation", form.situation, required=False),
        [(s.code, s.label) for s in catalogue.situations()], "Sélectionnez une valeur.",
    ) or None  # fmt: skip
    former = _text(errors, "informations.former_establishment", form.former_establishment, required=False, limit=120)
    errors.raise_if_any()
    return Informations(
        form.category_code, establishment, situation, form.training_duration_adjustment,
        form.disability_arrangement, form.press_consent, form.local_authorities_consent, form.renounce_acquis,
        former or None,
    )  # fmt: skip


def parse_qualification(
    form: QualificationForm, informations: Informations, session: ExamSession, catalogue: Catalogue
) -> tuple[Qualification, Specialite]:
    errors = ErrorCollector()
    specialite = catalogue.specialite(form.specialite_code, session.year)
    if specialite is None or specialite.exam_code != session.exam_code:
        errors.add("qualification.specialite_code", "invalid_choice", "Choisissez une spécialité.")
    category = catalogue.category(informations.category_code)
    offered = category.formes if category else ()
    forme = next((f for f in FormeDePassage if f.value == form.forme), None)
    if forme is None or forme not in offered:
        choices = ", ".join(f.value for f in offered)
        errors.add(
            "qualification.forme", "invalid_choice", f"Forme de passage proposée pour votre catégorie : {choices}."
        )
    elif form.derogation and all(f in offered for f in FormeDePassage):
        errors.add(
            "qualification.derogation", "not_needed",
            "Votre catégorie propose déjà chaque forme de passage : aucune dérogation n'est nécessaire.",
        )  # fmt: skip
    enseignement = _text(errors, "qualification.enseignement", form.enseignement, required=False) or None
    if specialite is not None and specialite.enseignements and enseignement not in specialite.enseignements:
        errors.add(
            "qualification.enseignement", "invalid_choice",
            f"Choisissez l'enseignement auquel vous vous présentez : {', '.join(specialite.enseignements)}.",
        )  # fmt: skip
    elif specialite is not None and not specialite.enseignements and enseignement is not None:
        errors.add("qualification.enseignement", "invalid_choice", "Cette spécialité ne propose pas d'enseignement.")
    errors.raise_if_any()
    qualification = Qualification(form.specialite_code, errors.checked(forme), form.derogation, enseignement)
    return qualification, errors.checked(specialite)


_GRADE = re.compile(r"(\d{1,2})(?:[.,](\d{1,2}))?")


def parse_acquis(form: AcquisForm, session: ExamSession, catalogue: Catalogue | None = None) -> tuple[Acquis, ...]:
    errors = ErrorCollector()
    found: list[Acquis] = []
    for i, entry in enumerate(form.entries):
        prefix = f"acquis.entries[{i}]."
        kind = AcquisKind.__members__.get(entry.kind)
        if kind is None:
            errors.add(prefix + "kind", "invalid_choice", "Cochez le type d'acquis.")
        year = int(entry.year) if entry.year.isascii() and entry.year.isdigit() and len(entry.year) == 4 else None
        if year is None or not 1990 <= year < session.year:
            errors.add(prefix + "year", "invalid_year", f"L'année doit être comprise entre 1990 et {session.year - 1}.")
        academie = _text(errors, prefix + "academie", entry.academie, limit=60)
        grades: list[KeptGrade] = []
        for j, grade in enumerate(entry.grades):
            if not grade.grade.strip() and kind is not None and kind.gives is Position.DISPENSE:
                # A dispense needs no grade (another diploma, the VAE); another BTS's unit is checked by its grade.
                if kind is AcquisKind.OTHER_BTS:
                    errors.add(f"{prefix}grades[{j}].grade", "required", "Indiquez la note obtenue à cette unité.")
                else:
                    grades.append(KeptGrade(grade.epreuve_code, None, grade.kept))
                continue
            match = _GRADE.fullmatch(grade.grade.strip()) if grade.grade.isascii() else None
            value = float(f"{match.group(1)}.{match.group(2) or 0}") if match else None
            if value is None or value > 20:
                errors.add(f"{prefix}grades[{j}].grade", "invalid_grade", "La note doit être comprise entre 0 et 20.")
            else:
                grades.append(KeptGrade(grade.epreuve_code, value, grade.kept))
        first_year, former_category, former_forme = _acquis_history(errors, prefix, entry, year, catalogue)
        if kind is not None and year is not None:
            found.append(
                Acquis(kind, year, academie.upper(), entry.specialite_code, tuple(grades), first_year, former_category,
                       former_forme)
            )  # fmt: skip
    errors.raise_if_any()
    return tuple(found)


def _acquis_history(
    errors: ErrorCollector, prefix: str, entry: AcquisEntryForm, year: int | None, catalogue: Catalogue | None
) -> tuple[int | None, str | None, FormeDePassage | None]:
    """The optional « (depuis 2017) », « Ancienne catégorie » and « Ancienne forme de passage » of an acquis."""
    first: int | None = None
    raw = entry.first_year.strip()
    if raw:
        first = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
        if first is None or not 1990 <= first <= (year or first):
            errors.add(prefix + "first_year", "invalid_year",
                       "L'année de première présentation doit être comprise entre 1990 et l'année de l'acquis.")  # fmt: skip
            first = None
    category = entry.former_category_code.strip() or None
    if category is not None and catalogue is not None and catalogue.category(category) is None:
        errors.add(prefix + "former_category_code", "invalid_choice", "Sélectionnez l'ancienne catégorie.")
        category = None
    forme = next((f for f in FormeDePassage if f.value == entry.former_forme.strip()), None)
    if entry.former_forme.strip() and forme is None:
        errors.add(prefix + "former_forme", "invalid_choice", "Sélectionnez l'ancienne forme de passage.")
    return first, category, forme


def parse_diploma(form: DiplomaForm, catalogue: Catalogue) -> str:
    if form.diploma_code not in {d.code for d in catalogue.diplomas()}:
        raise ValidationError.single("diploma.diploma_code", "required", "Choisissez votre diplôme ou formation.")
    return form.diploma_code


def parse_choices(form: EpreuvesForm) -> tuple[EpreuveChoice, ...]:
    errors = ErrorCollector()
    choices = []
    for i, choice in enumerate(form.choices):
        position = next((p for p in Position if p.value == choice.position), None)
        mode = next((m for m in EvaluationMode if m.value == choice.mode), None) if choice.mode else None
        if position is None:
            errors.add(f"epreuves.choices[{i}].position", "invalid_choice", "Position : Inscrit ou Non Inscrit.")
        elif choice.mode and mode is None:
            errors.add(f"epreuves.choices[{i}].mode", "invalid_choice", "Mode d'évaluation : Ponctuel ou CCF.")
        else:
            choices.append(EpreuveChoice(choice.code, position, choice.option or None, mode))
    errors.raise_if_any()
    return tuple(choices)


_MISSING_TAB = "Complétez d'abord l'onglet « {} »."


def parse_content(
    draft: CandidatureDraft, session: ExamSession, catalogue: Catalogue, *, upto: str | None = None
) -> CandidatureContent | None:
    """Parse every tab of the draft up to ``upto`` included (all of them by default), in the form's order.

    Returns the whole content when every tab is there and valid, ``None`` when ``upto`` stops earlier; raises one
    ValidationError for the first tab that is missing or wrong, naming its fields.
    """
    stop = upto or RECAP_TAB
    order = [tab for tab in TAB_FORMS if tab in session.tabs]  # the session's tabs, never the client's list
    needed = order[: order.index(stop) + 1] if stop in order else order
    values: dict[str, Any] = {}
    for tab in order:
        if tab not in needed:
            break
        form = draft.form_for(tab)
        if form is None:
            raise ValidationError.single(TAB_FORMS[tab][0], "missing_tab", _MISSING_TAB.format(tab))
        values[tab] = _parse_tab(tab, form, values, session, catalogue, draft.academie_code)
    if len(values) < len(order):
        return None
    if session.missing_tabs:  # a session without one of these tabs cannot make a candidature
        tab = session.missing_tabs[0]
        raise ValidationError.single(TAB_FORMS[tab][0], "missing_tab", _MISSING_TAB.format(tab))
    qualification, specialite = values["Qualification présentée"]
    informations: Informations = values["Informations candidature"]
    acquis = values.get("Acquis", ())  # a session without these tabs: nothing declared, the default épreuves
    positions, problems = compute_positions(
        specialite, informations.category_code, acquis, values.get("Epreuves", ()), session.year,
        renounce_acquis=informations.renounce_acquis, unit_of=_unit_of(catalogue, session),
    )  # fmt: skip
    _raise_problems(problems)
    return CandidatureContent(
        values["Identification"], informations, qualification, acquis, values["Diplôme possédé"], positions
    )


def _unit_of(catalogue: Catalogue, session: ExamSession) -> UnitOf:
    """The unit an épreuve of another spécialité validates, from the catalogue (CAN-16: a unit obtained there
    dispenses the same unit here)."""

    def unit(specialite_code: str, epreuve_code: str) -> tuple[str, str] | None:
        specialite = catalogue.specialite(specialite_code, session.year) if lookup_key(specialite_code) else None
        epreuve = next((e for e in specialite.epreuves if e.code == epreuve_code), None) if specialite else None
        return (epreuve.unit, " ".join(epreuve.label.casefold().split())) if epreuve and epreuve.unit else None

    return unit


def _raise_problems(problems: dict[str, str]) -> None:
    """The épreuves table's problems, each named ``epreuves.<code>``."""
    if problems:
        raise ValidationError(
            FieldError(f"epreuves.{code}", "invalid_epreuve", message) for code, message in problems.items()
        )


def _parse_tab(
    tab: str, form: Any, values: dict[str, Any], session: ExamSession, catalogue: Catalogue, academie_code: str
) -> Any:
    if tab == "Identification":
        return parse_identification(form, catalogue)
    if tab == "Informations candidature":
        return parse_informations(form, catalogue, academie_code)
    if tab == "Qualification présentée":
        if "Informations candidature" not in values:
            raise ValidationError.single("informations", "missing_tab", _MISSING_TAB.format("Informations candidature"))
        return parse_qualification(form, values["Informations candidature"], session, catalogue)
    if tab == "Acquis":
        return parse_acquis(form, session, catalogue)
    if tab == "Diplôme possédé":
        return parse_diploma(form, catalogue)
    choices = parse_choices(form)
    if "Qualification présentée" in values and "Informations candidature" in values:
        _, specialite = values["Qualification présentée"]
        _, problems = compute_positions(
            specialite, values["Informations candidature"].category_code, values.get("Acquis", ()), choices,
            session.year, renounce_acquis=values["Informations candidature"].renounce_acquis,
            unit_of=_unit_of(catalogue, session),
        )  # fmt: skip
        _raise_problems(problems)
    return choices
