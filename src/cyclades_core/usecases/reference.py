"""``portal.reference``: the reference lists the forms offer (ACC-01, the Identification tab).

Countries, départements and communes of birth come from the :class:`~cyclades_core.ports.reference.BirthplaceDirectory`
port, nationalities from the catalogue. Every item is keyed by its code (INSEE code of a country or a commune,
three-character département code, nationality code): a form sends the code back, never the label it shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from cyclades_core.errors import ValidationError
from cyclades_core.model.catalogue import Nationality
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.reference import BirthplaceDirectory, Commune, Country, Departement

__all__ = ["MAX_COMMUNES", "ReferenceService"]

#: The most communes one search returns (a list to choose from, not an export).
MAX_COMMUNES = 100


class ReferenceService:
    def __init__(self, *, birthplaces: BirthplaceDirectory, catalogue: Catalogue) -> None:
        self._birthplaces = birthplaces
        self._catalogue = catalogue

    def countries(self) -> Sequence[Country]:
        """Every country of birth, France (``99100``) included, as the directory orders them."""
        return list(self._birthplaces.countries())

    def departements(self) -> Sequence[Departement]:
        """Every département, DOM and COM, by code (``Departement.label`` is ``014 - Calvados``)."""
        return sorted(self._birthplaces.departements(), key=lambda d: d.code)

    def communes(self, departement: str, query: str = "", limit: int = 20) -> Sequence[Commune]:
        """The communes of ``departement`` (its code, ``014``) whose name starts with ``query``, ignoring case,
        accents and hyphens, by name; at most ``limit`` (1 to :data:`MAX_COMMUNES`). An unknown département or a
        query no commune matches gives an empty list; a ``limit`` out of range is a ValidationError on ``limit``."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_COMMUNES:
            raise ValidationError.single(
                "limit", "out_of_range", f"Le nombre de communes demandé va de 1 à {MAX_COMMUNES}."
            )
        if not isinstance(departement, str) or not isinstance(query, str) or not departement.isprintable():
            return []
        if self._birthplaces.departement(departement) is None:
            return []
        return list(self._birthplaces.search_communes(departement, query, limit))

    def nationalities(self) -> Sequence[Nationality]:
        """The nationalities of the Identification tab (``Nationality.code`` is what the form sends)."""
        return list(self._catalogue.nationalities())
