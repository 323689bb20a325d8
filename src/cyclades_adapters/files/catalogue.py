"""The file-backed catalogue: TOML data files, validated when loaded (MGR-01).

A data file holds arrays of tables named after what they configure — ``[[exam]]``, ``[[academie]]``,
``[[session]]``, ``[[service]]``, ``[[specialite]]``, ``[[category]]``, ``[[diploma]]``, ``[[pcs]]``,
``[[nationality]]``, ``[[announcement]]``, ``[[piece]]``, ``[[situation]]``, ``[[establishment]]`` — with exactly the fields of the corresponding core
class. Times are typed in Paris time (``JJ/MM/AAAA HH:MM``). A bad file raises :class:`CatalogueDataError` naming the file, the line (TOML
syntax) or the key path (``service[2].period.end``) and the problem; nothing of a bad load is kept.

The shipped data (académies, BTS spécialités, reference lists) lives in ``cyclades_adapters/data/catalogue``.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cyclades_adapters.common.catalogue import DictCatalogue
from cyclades_core.errors import ConfigurationError, CycladesError, ValidationError
from cyclades_core.model.catalogue import (
    Academie,
    Announcement,
    CandidateCategory,
    CatalogueItem,
    Diploma,
    Establishment,
    Exam,
    ExamSession,
    Nationality,
    Pcs,
    Period,
    PieceRule,
    RegistrationService,
    Situation,
    Specialite,
    parse_paris_datetime,
)

try:
    from cattrs import Converter, transform_error
    from cattrs.errors import BaseValidationError, ForbiddenExtraKeysError
except ModuleNotFoundError as missing:  # the ``portal`` extra (docs/configuration.md, "Installing")
    raise ConfigurationError(
        "Le catalogue en fichiers (FileCatalogue, celui de build_portal par défaut) demande cattrs : "
        "pip install 'cyclades[portal]'."
    ) from missing

__all__ = ["CatalogueDataError", "FileCatalogue", "default_catalogue_paths", "example_catalogue_path", "load_items"]

#: Section name → class, in the order items are applied (what others refer to comes first).
SECTIONS: dict[str, type[Any]] = {
    "exam": Exam,
    "academie": Academie,
    "session": ExamSession,
    "service": RegistrationService,
    "specialite": Specialite,
    "category": CandidateCategory,
    "diploma": Diploma,
    "pcs": Pcs,
    "nationality": Nationality,
    "announcement": Announcement,
    "piece": PieceRule,
    "situation": Situation,
    "establishment": Establishment,
}


class CatalogueDataError(ConfigurationError):
    """A catalogue data file is wrong. ``file``, ``location`` (line or key path) and ``problem`` say where and why."""

    code = "catalogue_data_error"

    def __init__(self, file: str, location: str, problem: str) -> None:
        self.file, self.location, self.problem = file, location, problem
        super().__init__(f"{file} : {location} : {problem}")


def _period(value: Any, _: type) -> Period:
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise ValueError('une période s\'écrit { start = "JJ/MM/AAAA HH:MM", end = "JJ/MM/AAAA HH:MM" }')
    return Period.from_paris(str(value["start"]), str(value["end"]))


def _datetime(value: Any, _: type) -> datetime:
    return parse_paris_datetime(str(value), "date")


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"un texte est attendu, pas {type(value).__name__}")
    return value


def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"un nombre entier est attendu, pas {type(value).__name__}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"true ou false est attendu, pas {type(value).__name__}")
    return value


def _modes(value: Any) -> Any:
    """TOML writes ``modes = { "*" = ["Ponctuel"], "320" = ["Ponctuel", "CCF"] }``; the core keeps pairs."""
    return [[key, modes] for key, modes in value.items()] if isinstance(value, Mapping) else value


def _converter() -> Converter:
    converter = Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(Period, _period)
    converter.register_structure_hook(datetime, _datetime)
    return converter


_CONVERTER = _converter()


def _describe(exception: BaseException, _type: type | None = None) -> str:
    if isinstance(exception, ForbiddenExtraKeysError):
        return f"clé(s) inconnue(s) : {', '.join(sorted(exception.extra_fields))}"
    if isinstance(exception, ValidationError):
        return "; ".join(e.message for e in exception.errors)
    if isinstance(exception, CycladesError):
        return exception.message
    if isinstance(exception, KeyError):
        return "champ obligatoire manquant"
    if isinstance(exception, ValueError | TypeError):
        return str(exception) or type(exception).__name__
    return f"{type(exception).__name__}: {exception}"


def _structure(section: str, index: int, raw: Any, name: str) -> Any:
    cls = SECTIONS[section]
    if not isinstance(raw, Mapping):
        raise CatalogueDataError(name, f"{section}[{index}]", "une table est attendue")
    data = dict(raw)
    if cls is Specialite and isinstance(data.get("epreuves"), list):
        data["epreuves"] = [
            {**e, "modes": _modes(e["modes"])} if isinstance(e, Mapping) and "modes" in e else e
            for e in data["epreuves"]
        ]
    try:
        return _CONVERTER.structure(data, cls)
    except BaseValidationError as refused:
        messages = transform_error(refused, path=f"{section}[{index}]", format_exception=_describe)
        location, _, problem = messages[0].rpartition(" @ ")
        raise CatalogueDataError(name, problem or f"{section}[{index}]", location) from None
    except CycladesError as refused:
        raise CatalogueDataError(name, f"{section}[{index}]", _describe(refused)) from None


def load_items(paths: Iterable[Path | str]) -> list[CatalogueItem]:
    """Parse and validate data files; return their items in application order. Raises CatalogueDataError."""
    found: dict[str, list[CatalogueItem]] = {section: [] for section in SECTIONS}
    for path in paths:
        file = Path(path)
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as missing:
            raise CatalogueDataError(str(file), "fichier", f"lecture impossible ({missing.strerror})") from None
        except UnicodeDecodeError:
            raise CatalogueDataError(str(file), "fichier", "le fichier n'est pas en UTF-8") from None
        except tomllib.TOMLDecodeError as broken:
            raise CatalogueDataError(str(file), "syntaxe TOML", str(broken)) from None
        for section, entries in document.items():
            if section not in SECTIONS:
                raise CatalogueDataError(str(file), section, f"section inconnue (attendues : {', '.join(SECTIONS)})")
            if not isinstance(entries, list):
                raise CatalogueDataError(str(file), section, f"une liste est attendue : [[{section}]]")
            found[section].extend(_structure(section, i, entry, str(file)) for i, entry in enumerate(entries))
    return [item for section in SECTIONS for item in found[section]]


def default_catalogue_paths() -> list[Path]:
    """The catalogue shipped with the package: académies, reference lists, BTS spécialités, nationalities."""
    root = Path(str(resources.files("cyclades_adapters").joinpath("data/catalogue")))
    return [root / "academies.toml", root / "reference.toml", *sorted((root / "specialites").glob("*.toml"))]


def example_catalogue_path() -> Path:
    """The guide's example session (BTS 2022 open in Besançon and Toulouse; the guide's Lyon has no contact to print)."""
    return Path(str(resources.files("cyclades_adapters").joinpath("data/catalogue/examples/guide-bts-2022.toml")))


class FileCatalogue(DictCatalogue):
    """A catalogue filled from data files, then configurable like the in-memory one."""

    @classmethod
    def from_paths(cls, *paths: Path | str | Iterable[Path | str]) -> FileCatalogue:
        """Load every file (a path or an iterable of paths each), all or nothing."""
        flat: list[Path | str] = []
        for entry in paths:
            flat.extend([entry] if isinstance(entry, Path | str) else entry)
        return cls._from_items(load_items(flat), ", ".join(map(str, flat)))

    @classmethod
    def default(cls, *extra: Path | str) -> FileCatalogue:
        """The shipped catalogue, plus ``extra`` files (e.g. your sessions and services)."""
        return cls._from_items([*_shipped_items(), *load_items(extra)], ", ".join(map(str, extra)) or "catalogue")

    @classmethod
    def _from_items(cls, items: list[CatalogueItem], source: str) -> FileCatalogue:
        catalogue = cls()
        staging = DictCatalogue()
        for item in items:  # referential integrity across files, before anything is kept
            try:
                staging.put(item)
            except CycladesError as refused:
                raise CatalogueDataError(source, type(item).__name__, refused.message) from None
        for item in items:
            catalogue.put(item)
        return catalogue


@cache
def _shipped_items() -> tuple[CatalogueItem, ...]:
    """The shipped files, parsed and validated once per process (items are immutable), and the nationalities."""
    data = resources.files("cyclades_adapters").joinpath("data/nationalities.csv").read_text(encoding="utf-8")
    nationalities = [Nationality(row["code"], row["name"]) for row in csv.DictReader(io.StringIO(data))]
    return (*load_items(default_catalogue_paths()), *nationalities)
