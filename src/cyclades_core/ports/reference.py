"""Reference data the account needs: countries, départements and communes of birth (ACC-01).

The catalogue issue brings the whole Etalab list; this port is what the account use cases read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

__all__ = ["BirthplaceDirectory", "Commune", "Country", "Departement"]


@frozen
class Country:
    code: str  # INSEE code, "99100" for FRANCE (DONT OUTRE-MER)
    name: str


@frozen
class Departement:
    code: str  # three characters as the guide shows them: "014", "02A", "971", "975" (COM)
    name: str

    @property
    def label(self) -> str:
        """``014 - Calvados``, as the creation form shows it."""
        return f"{self.code} - {self.name}"


@frozen
class Commune:
    code: str  # INSEE code, e.g. "14408"
    name: str
    departement_code: str


class BirthplaceDirectory(Protocol):
    def country(self, code: str) -> Country | None:
        """The country with this INSEE code, or ``None``."""
        ...

    def countries(self) -> Sequence[Country]:
        """Every country the directory knows, France (``99100``) included (``portal.reference.countries()``)."""
        ...

    def departement(self, code: str) -> Departement | None:
        """The département, DOM or COM with this code, or ``None``."""
        ...

    def departements(self) -> Sequence[Departement]:
        """Every département, DOM and COM the directory knows (``portal.reference.departements()``)."""
        ...

    def commune(self, departement_code: str, code_or_name: str) -> Commune | None:
        """The commune of that département with this INSEE code or exact name (case- and accent-insensitive)."""
        ...

    def search_communes(self, departement_code: str, query: str, limit: int = 20) -> Sequence[Commune]:
        """Communes of the département whose name starts with ``query`` (case- and accent-insensitive)."""
        ...
