"""The birthplace directory on the reference data shipped with the package (Etalab's découpage administratif).

``communes.csv.gz`` holds every commune (communes déléguées and associées, arrondissements municipaux included:
37,590 rows) with its département, on the three-character codes the guide shows (``014``) — a commune déléguée
that shares its commune nouvelle's code and name is shown once; ``departements.csv`` the départements, DOM and COM;
``countries.csv`` the INSEE country codes. Regenerate them with ``python scripts/build_reference_data.py`` (see
``data/SOURCES.md``). Loaded once per process, on first use — not when a directory is built: a process that never
looks a commune up (``cyclades purge``) never pays the ~0.5-1 s of reading and folding 37,590 rows; the first of
several threads asking at once builds the index, the others wait for it. Prefix search is a binary search (well
under 1 ms).
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import threading
import unicodedata
from collections.abc import Sequence
from importlib import resources

from attrs import frozen

from cyclades_core.ports.reference import Commune, Country, Departement

__all__ = ["FileBirthplaceDirectory", "fold", "guide_name"]


def fold(text: str) -> str:
    """Case- and accent-insensitive key, hyphens and apostrophes as spaces (``May-sur-Orne`` → ``may sur orne``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("-", " ").replace("'", " ").replace("’", " ").split())


def guide_name(name: str) -> str:
    """How CYCLADES writes a commune: upper case, no accents (``Périgueux`` → ``PERIGUEUX``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper().replace("Œ", "OE")


def _read(name: str) -> str:
    data = resources.files("cyclades_adapters").joinpath(f"data/{name}").read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


def _csv(name: str) -> csv.DictReader[str]:
    return csv.DictReader(io.StringIO(_read(name)))


@frozen
class _Index:
    countries: dict[str, Country]
    departements: dict[str, Departement]
    by_code: dict[str, Commune]
    #: per département: sorted (folded name, key) pairs, for bisect
    keys: dict[str, list[tuple[str, str]]]
    #: rows of the data file (before folding same-code, same-name pairs)
    rows: int


_LOCK = threading.Lock()
_LOADED: list[_Index] = []


def _index() -> _Index:
    """The process's index, built by the first caller (under a lock: once, whatever the number of threads)."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(_build_index())
    return _LOADED[0]


def _build_index() -> _Index:
    countries = {
        row["code"]: Country(row["code"], row["name"]) for row in csv.DictReader(io.StringIO(_read("countries.csv")))
    }
    departements = {
        row["code"]: Departement(row["code"], row["name"])
        for row in csv.DictReader(io.StringIO(_read("departements.csv")))
    }
    by_code: dict[str, Commune] = {}
    keys: dict[str, list[tuple[str, str]]] = {}
    rows = 0
    for row in _csv("communes.csv.gz"):
        rows += 1
        commune = Commune(row["code"], guide_name(row["name"]), row["departement"])
        key = f"{commune.departement_code}:{commune.code}:{commune.name}"
        if key not in by_code:
            by_code[key] = commune
            keys.setdefault(commune.departement_code, []).append((fold(row["name"]), key))
    for entries in keys.values():
        entries.sort()
    return _Index(countries, departements, by_code, keys, rows)


class FileBirthplaceDirectory:
    """Every country, département (with the COM) and commune; the default directory of :func:`build_portal`."""

    @property
    def _index(self) -> _Index:
        return _index()

    def country(self, code: str) -> Country | None:
        return self._index.countries.get(code)

    def countries(self) -> Sequence[Country]:
        return list(self._index.countries.values())

    def departement(self, code: str) -> Departement | None:
        return self._index.departements.get(code)

    def departements(self) -> Sequence[Departement]:
        return sorted(self._index.departements.values(), key=lambda d: d.code)

    def commune(self, departement_code: str, code_or_name: str) -> Commune | None:
        entries = self._index.keys.get(departement_code, [])
        wanted = fold(code_or_name)
        position = bisect.bisect_left(entries, (wanted, ""))
        if position < len(entries) and entries[position][0] == wanted:
            return self._index.by_code[entries[position][1]]
        return next((self._index.by_code[key] for _, key in entries if key.split(":")[1] == code_or_name.strip()), None)

    def search_communes(self, departement_code: str, query: str, limit: int = 20) -> Sequence[Commune]:
        entries = self._index.keys.get(departement_code, [])
        prefix = fold(query)
        position = bisect.bisect_left(entries, (prefix, ""))
        found: list[Commune] = []
        while position < len(entries) and len(found) < limit and entries[position][0].startswith(prefix):
            found.append(self._index.by_code[entries[position][1]])
            position += 1
        return found

    @property
    def commune_count(self) -> int:
        """Rows loaded from the data file (37,590 for the shipped COG 2026)."""
        return self._index.rows
