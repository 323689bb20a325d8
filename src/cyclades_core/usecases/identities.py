"""Parsing an identity as typed (ACC-01, ACC-11, POR-02, MGR-04): civility, names, birth date and birth place, every
wrong field recorded at once. Shared by the account creation, "Modifier mon compte", the scolaire registration and
the managing service's corrections."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from cyclades_core.model.account import FRANCE, BirthPlace, Identity
from cyclades_core.model.values import ErrorCollector, parse_birth_date, parse_civility, parse_person_name
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.timeutil import paris
from cyclades_core.usecases.account_forms import IdentityFields, IdentityForm

__all__ = ["IdentityParser"]


class IdentityParser:
    """Reads identity forms against the birthplace directory (countries, départements, communes)."""

    def __init__(self, *, birthplaces: BirthplaceDirectory) -> None:
        self._birthplaces = birthplaces

    def parse_identity(self, form: IdentityForm, errors: ErrorCollector, now: datetime) -> Identity | None:
        """Parse an identity form with its confirmations, recording refusals in ``errors``."""
        return self.parse(form, errors, now, confirmations=form)

    def parse(
        self, form: IdentityFields, errors: ErrorCollector, now: datetime, *, confirmations: object | None
    ) -> Identity | None:
        """The identity, or ``None`` with every refusal in ``errors``. ``confirmations`` (a form with
        ``birth_name_confirmation`` and ``birth_date_confirmation``) are checked when given."""
        today = paris(now).date()
        civility = errors.attempt(parse_civility, form.civility, "civility")
        birth_name = errors.attempt(parse_person_name, form.birth_name, "birth_name")
        usage_name = errors.attempt(parse_person_name, form.usage_name, "usage_name", required=False)
        first_names = errors.attempt(parse_person_name, form.first_names, "first_names")
        birth_date = errors.attempt(parse_birth_date, form.birth_date, today, "birth_date")
        if confirmations is not None:
            name_confirmation = getattr(confirmations, "birth_name_confirmation", None)
            if birth_name is not None and fold_name(name_confirmation) != fold_name(birth_name):
                errors.add(
                    "birth_name_confirmation",
                    "confirmation_mismatch",
                    "La confirmation du nom de naissance ne correspond pas.",
                )
            date_confirmation = getattr(confirmations, "birth_date_confirmation", None)
            if birth_date is not None and (date_confirmation or "").strip() != (form.birth_date or "").strip():
                errors.add(
                    "birth_date_confirmation",
                    "confirmation_mismatch",
                    "La confirmation de la date de naissance ne correspond pas.",
                )
        place = self._parse_birth_place(form, errors)
        if civility is None or birth_name is None or first_names is None or birth_date is None or place is None:
            return None
        return Identity(civility, birth_name, usage_name, first_names, birth_date, place)

    def _parse_birth_place(self, form: IdentityFields, errors: ErrorCollector) -> BirthPlace | None:
        country = self._birthplaces.country((form.birth_country or "").strip())
        if country is None:
            errors.add("birth_country", "unknown_country", "Veuillez sélectionner un pays de naissance.")
            return None
        if country.code != FRANCE:
            commune_name = errors.attempt(parse_person_name, form.birth_commune, "birth_commune")
            return (
                None if commune_name is None else BirthPlace(country.code, country.name, None, None, None, commune_name)
            )
        departement = self._birthplaces.departement((form.birth_departement or "").strip())
        if departement is None:
            errors.add(
                "birth_departement",
                "unknown_departement",
                "Veuillez sélectionner le département, DOM ou COM de naissance.",
            )
            return None
        commune = self._birthplaces.commune(departement.code, (form.birth_commune or "").strip())
        if commune is None:
            errors.add("birth_commune", "unknown_commune", "Cette commune n'existe pas dans le département choisi.")
            return None
        return BirthPlace(country.code, country.name, departement.code, departement.name, commune.code, commune.name)


def fold_name(value: str | None) -> str:
    """A name as compared with its confirmation: spaces collapsed, apostrophes unified, case folded."""
    return unicodedata.normalize("NFC", " ".join((value or "").split())).replace("’", "'").casefold()
