"""A small built-in birthplace directory: the places of the guide's examples and a few more.

It keeps the in-memory default self-contained; the catalogue issue ships the complete Etalab data set behind the
same port.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from cyclades_core.ports.reference import Commune, Country, Departement

__all__ = ["SAMPLE_COMMUNES", "SAMPLE_COUNTRIES", "SAMPLE_DEPARTEMENTS", "MemoryBirthplaceDirectory"]

SAMPLE_COUNTRIES = (
    Country("99100", "FRANCE (DONT OUTRE-MER)"),
    Country("99109", "ALLEMAGNE"),
    Country("99131", "BELGIQUE"),
    Country("99134", "ESPAGNE"),
    Country("99127", "ITALIE"),
    Country("99350", "MAROC"),
    Country("99351", "TUNISIE"),
    Country("99352", "ALGERIE"),
    Country("99341", "SENEGAL"),
)
SAMPLE_DEPARTEMENTS = (
    Departement("010", "AUBE"),
    Departement("014", "CALVADOS"),
    Departement("024", "DORDOGNE"),
    Departement("025", "DOUBS"),
    Departement("035", "ILLE-ET-VILAINE"),
    Departement("059", "NORD"),
    Departement("069", "RHONE"),
    Departement("075", "PARIS"),
    Departement("971", "GUADELOUPE"),
    Departement("975", "SAINT-PIERRE-ET-MIQUELON"),
)
SAMPLE_COMMUNES = (
    Commune("10387", "TROYES", "010"),
    Commune("14408", "MAY-SUR-ORNE", "014"),
    Commune("14118", "CAEN", "014"),
    Commune("24322", "PERIGUEUX", "024"),
    Commune("25056", "BESANCON", "025"),
    Commune("25031", "AUDINCOURT", "025"),
    Commune("35238", "RENNES", "035"),
    Commune("59350", "LILLE", "059"),
    Commune("69123", "LYON", "069"),
    Commune("75056", "PARIS", "075"),
    Commune("97105", "BASSE-TERRE", "971"),
    Commune("97502", "SAINT-PIERRE", "975"),
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, hyphens as spaces: ``"May-sur-Orne"`` → ``"may sur orne"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


class MemoryBirthplaceDirectory:
    def __init__(
        self,
        countries: Iterable[Country] = SAMPLE_COUNTRIES,
        departements: Iterable[Departement] = SAMPLE_DEPARTEMENTS,
        communes: Iterable[Commune] = SAMPLE_COMMUNES,
    ) -> None:
        self._countries = {c.code: c for c in countries}
        self._departements = {d.code: d for d in departements}
        self._communes: dict[str, list[Commune]] = {}
        for commune in communes:
            self._communes.setdefault(commune.departement_code, []).append(commune)

    def country(self, code: str) -> Country | None:
        return self._countries.get(code)

    def countries(self) -> Sequence[Country]:
        return list(self._countries.values())

    def departement(self, code: str) -> Departement | None:
        return self._departements.get(code)

    def departements(self) -> Sequence[Departement]:
        return sorted(self._departements.values(), key=lambda d: d.code)

    def commune(self, departement_code: str, code_or_name: str) -> Commune | None:
        wanted = fold(code_or_name)
        return next(
            (c for c in self._communes.get(departement_code, ()) if c.code == code_or_name or fold(c.name) == wanted),
            None,
        )

    def search_communes(self, departement_code: str, query: str, limit: int = 20) -> Sequence[Commune]:
        prefix = fold(query)
        found = [c for c in self._communes.get(departement_code, ()) if fold(c.name).startswith(prefix)]
        return sorted(found, key=lambda c: c.name)[:limit]
