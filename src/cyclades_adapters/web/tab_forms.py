"""Reading the inscription tabs' submitted fields into the core's tab forms (guide section 6), and the Acquis tab's
repeated rows (« Déclarer un acquis », « Ajouter une note », « Supprimer cet acquis »): the pages send every row
back with its count, so the groups work without JavaScript. Nothing here decides: the core checks every form.
"""

from __future__ import annotations

from typing import Any

from attrs import evolve
from flask import request

from cyclades_adapters.web.app import portal
from cyclades_core import (
    AcquisEntryForm,
    AcquisForm,
    AcquisKind,
    CandidatureDraft,
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    GradeForm,
    IdentificationForm,
    InformationsForm,
    QualificationForm,
    Specialite,
)

__all__ = [
    "ACQUIS_KINDS",
    "MAX_ACQUIS",
    "MAX_GRADES",
    "NO",
    "YES",
    "field_value",
    "read_tab",
    "regroup",
    "specialite_of",
    "the_catalogue",
    "without_blanks",
]

#: The four boxes of the « Acquis » tab, in the guide's words, with the Récapitulatif's « Type de droit » each gives
#: (CAN-06, CAN-16); the key is what the core's ``AcquisEntryForm.kind`` takes.
ACQUIS_KINDS = tuple((kind.name, kind.value, kind.right_type) for kind in AcquisKind)
#: Bounds of the repeated groups a page accepts (the counts come back from the browser).
MAX_ACQUIS = 8
MAX_GRADES = 20
YES, NO = "oui", "non"


def field_value(name: str) -> str:
    value = request.form.get(name, "")
    return value if isinstance(value, str) else ""


def _optional(name: str) -> str | None:
    return field_value(name).strip() or None


def _yes(name: str) -> bool:
    return field_value(name) == YES


def the_catalogue() -> Any:
    return portal().catalogue.catalogue


def specialite_of(draft: CandidatureDraft) -> Specialite | None:
    catalogue = the_catalogue()
    exam_session = catalogue.session(draft.session_id)
    if exam_session is None or draft.qualification is None or not draft.qualification.specialite_code:
        return None
    found: Specialite | None = catalogue.specialite(draft.qualification.specialite_code, exam_session.year)
    return found


def _read_acquis() -> AcquisForm:
    entries = []
    for i in range(min(_count("acquis.count"), MAX_ACQUIS)):
        prefix = f"acquis.entries[{i}]."
        grades = tuple(
            GradeForm(
                epreuve_code=field_value(f"{prefix}grades[{j}].epreuve_code"),
                grade=field_value(f"{prefix}grades[{j}].grade"),
                kept=_yes(f"{prefix}grades[{j}].kept"),
            )
            for j in range(min(_count(f"{prefix}grades.count"), MAX_GRADES))
        )
        entries.append(
            AcquisEntryForm(
                kind=field_value(prefix + "kind"), year=field_value(prefix + "year").strip(), academie=field_value(prefix + "academie"),
                specialite_code=_optional(prefix + "specialite_code"), grades=grades,
                first_year=field_value(prefix + "first_year").strip(),
                former_category_code=field_value(prefix + "former_category_code"), former_forme=field_value(prefix + "former_forme"),
            )
        )  # fmt: skip
    return AcquisForm(entries=tuple(entries))


def _count(name: str) -> int:
    return _count_of(field_value(name)) or 0


def without_blanks(form: AcquisForm) -> AcquisForm:
    """What « Suivant » declares: the rows left blank are not declarations."""
    entries = []
    for entry in form.entries:
        grades = tuple(g for g in entry.grades if g.epreuve_code.strip() or g.grade.strip())
        if entry.kind or entry.year or entry.academie.strip() or entry.first_year or grades:
            entries.append(evolve(entry, grades=grades))
    return AcquisForm(entries=tuple(entries))


def _read_epreuves(draft: CandidatureDraft) -> tuple[EpreuvesForm, dict[str, str]]:
    """The choices of the « Epreuves » tab and the aliases from the core's field names to the page's."""
    specialite = specialite_of(draft)
    if specialite is None:
        return EpreuvesForm(), {}
    parents = {e.parent for e in specialite.epreuves if e.parent}
    choices: list[EpreuveChoiceForm] = []
    aliases: dict[str, str] = {}
    for epreuve in specialite.epreuves:
        if epreuve.code in parents:
            continue
        name = f"epreuves.{epreuve.code}"
        option, mode = _optional(f"{name}.option"), _optional(f"{name}.mode")
        if epreuve.mandatory:
            if option is None and mode is None:
                continue
            position = "Inscrit"
        else:
            position = field_value(f"{name}.position") or "Non Inscrit"
        for part in ("position", "option", "mode"):
            aliases[f"epreuves.choices[{len(choices)}].{part}"] = f"{name}.{part}"
        choices.append(EpreuveChoiceForm(code=epreuve.code, position=position, option=option, mode=mode))
    return EpreuvesForm(choices=tuple(choices)), aliases


def read_tab(draft: CandidatureDraft) -> tuple[object | None, dict[str, str]]:
    """The current tab's form as typed (``None`` for a tab without fields) and the error aliases it needs."""
    tab = draft.tab
    if tab == "Identification":
        p = "identification."
        return IdentificationForm(
            country=field_value(p + "country"), street=field_value(p + "street"), complement1=_optional(p + "complement1"),
            complement2=_optional(p + "complement2"), complement3=_optional(p + "complement3"),
            postal_code=field_value(p + "postal_code").strip(), locality=field_value(p + "locality"),
            pcs_code=field_value(p + "pcs_code"), nationality_code=field_value(p + "nationality_code"),
            mobile_phone=field_value(p + "mobile_phone"), landline_phone=_optional(p + "landline_phone"),
            email=field_value(p + "email").strip(),
        ), {}  # fmt: skip
    if tab == "Informations candidature":
        p = "informations."
        return InformationsForm(
            category_code=field_value(p + "category_code"), establishment=field_value(p + "establishment"),
            situation=_optional(p + "situation"), training_duration_adjustment=_yes(p + "training_duration_adjustment"),
            disability_arrangement=_yes(p + "disability_arrangement"), press_consent=_yes(p + "press_consent"),
            local_authorities_consent=_yes(p + "local_authorities_consent"), renounce_acquis=_yes(p + "renounce_acquis"),
            former_establishment=_optional(p + "former_establishment"),
        ), {}  # fmt: skip
    if tab == "Qualification présentée":
        p = "qualification."
        return QualificationForm(
            specialite_code=field_value(p + "specialite_code"), forme=field_value(p + "forme"), derogation=_yes(p + "derogation"),
            enseignement=_optional(p + "enseignement"),
        ), {}  # fmt: skip
    if tab == "Acquis":
        return _read_acquis(), {}
    if tab == "Diplôme possédé":
        return DiplomaForm(diploma_code=field_value("diploma.diploma_code")), {}
    if tab == "Epreuves":
        return _read_epreuves(draft)
    return None, {}


def _blank_entry(draft: CandidatureDraft, kind: str) -> AcquisEntryForm:
    """A new acquis of ``kind``; the same BTS's is of the presented spécialité."""
    specialite = draft.qualification.specialite_code if draft.qualification and kind == "SAME_BTS" else None
    return AcquisEntryForm(kind=kind, year="", academie="", specialite_code=specialite or None,
                           grades=(GradeForm(epreuve_code="", grade=""),))  # fmt: skip


def regroup(draft: CandidatureDraft, form: AcquisForm, action: str) -> AcquisForm | None:
    """« Déclarer un acquis », « Ajouter une note », « Supprimer cet acquis », « Actualiser la liste des épreuves »:
    the Acquis tab's rows, re-rendered (``None`` for a button the tab does not have)."""
    entries = list(form.entries)
    kinds = {f"ajouter-acquis-{k}": k for k, _, _ in ACQUIS_KINDS}
    if action == "actualiser":  # the épreuves of a spécialité just chosen
        pass
    elif action in kinds:
        if len(entries) < MAX_ACQUIS:
            entries.append(_blank_entry(draft, kinds[action]))
    elif action.startswith(("ajouter-note-", "supprimer-acquis-")):
        index = _count_of(action.rsplit("-", 1)[1])
        if index is None or index >= len(entries):
            return None
        if action.startswith("supprimer-acquis-"):
            del entries[index]
        elif len(entries[index].grades) < MAX_GRADES:
            entry = entries[index]
            entries[index] = evolve(entry, grades=(*entry.grades, GradeForm(epreuve_code="", grade="")))
    else:
        return None
    return AcquisForm(entries=tuple(entries))


def _count_of(text: str) -> int | None:
    """A small count or index sent back by the page (at most three digits), else ``None``."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None
