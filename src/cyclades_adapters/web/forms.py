"""Reading a submitted form into the core's commands, and the choices the forms offer (reference lists).

The fields of a command are read by name from ``request.form`` (an absent field is the empty string, an empty
optional field ``None``) and built through :func:`cyclades_adapters.edge.structure_form`, which refuses anything
else; the core then checks every value and names every wrong field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import attrs
from flask import request

from cyclades_adapters.edge import structure_form
from cyclades_adapters.web.app import portal
from cyclades_core import Civility

__all__ = [
    "IDENTITY_FIELDS",
    "IDENTITY_OPTIONAL",
    "SEARCH_COMMUNE",
    "birthplace_choices",
    "civilities",
    "read_form",
    "submitted",
]

T = TypeVar("T")

FRANCE = "99100"
#: « Pays de naissance* : France (dont Outre-mer) »: the account forms write France as the guide does (INSEE's
#: upper-case label elsewhere, as the Récapitulatif prints it).
FRANCE_LABEL = "France (dont Outre-mer)"
#: The fields of an identity form (creation, « Modifier mes informations », the manager's correction), the optional
#: ones, and the submit button that asks for the communes of the chosen département (no JavaScript needed).
IDENTITY_FIELDS = (
    "civility", "birth_name", "birth_name_confirmation", "usage_name", "first_names", "birth_date",
    "birth_date_confirmation", "birth_country", "birth_departement", "birth_commune",
)  # fmt: skip
IDENTITY_OPTIONAL = ("usage_name", "birth_departement")
SEARCH_COMMUNE = "rechercher-commune"


def submitted(names: Iterable[str]) -> dict[str, str]:
    """The submitted values of ``names`` (``""`` when absent), for re-displaying a refused form."""
    return {name: request.form.get(name, "") for name in names}


def read_form(cls: type[T], values: Mapping[str, str] | None = None, *, optional: Sequence[str] = ()) -> T:
    """The command ``cls`` from the request's form fields (or ``values``): ValidationError naming each wrong field."""
    source = values if values is not None else request.form
    payload: dict[str, object] = {}
    for spec in attrs.fields(cls):  # type: ignore[arg-type]
        raw = source.get(spec.name, "")
        text = raw if isinstance(raw, str) else ""
        payload[spec.name] = None if (spec.name in optional and not text.strip()) else text
    return structure_form(cls, payload)


def civilities() -> list[tuple[str, str]]:
    return [(c.value, c.value) for c in Civility]


def birthplace_choices(values: Mapping[str, str]) -> dict[str, object]:
    """The birth-place lists of an identity form: countries, départements, and the communes of the chosen
    département matching what was typed (the search works without JavaScript: a submit button asks for it)."""
    reference = portal().reference
    departement = values.get("birth_departement", "")
    query = values.get("birth_commune", "")
    communes = reference.communes(departement, query, limit=50) if departement else []
    return {
        "countries": [(c.code, FRANCE_LABEL if c.code == FRANCE else c.name) for c in reference.countries()],
        "departements": [(d.code, d.label) for d in reference.departements()],
        "communes": [(c.name, c.name) for c in communes],
        "france": FRANCE,
    }
