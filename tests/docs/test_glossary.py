"""docs/glossary.md names the place of each code name: a reader who imports a name from the module the glossary gives
finds it there (integrator review, finding 8: ``AuditLog``, ``HomeView``, ``ManagerService.effectifs`` and
``ManagerService.candidature`` were given wrong modules)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").split("\n## ")[0]  # the first table
MODULE = re.compile(r"`(cyclades_[a-z_.]+)`(?:\s*\(([^)]*)\))?")


def resolves(name: str, module: str) -> bool:
    """``Name`` or ``Name.attribute`` is an attribute of ``module``."""
    found: object = importlib.import_module(module)
    for part in name.split("."):
        if not hasattr(found, part):
            return False
        found = getattr(found, part)
    return True


def rows() -> list[tuple[str, str, str]]:
    """(French term, code cell, place cell) of each row of the first table."""
    table = []
    for line in GLOSSARY.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] != "French (what the user sees)":
            table.append((cells[0], cells[1], cells[2]))
    return table


def test_the_glossary_table_is_read() -> None:
    assert len(rows()) >= 70
    assert sum(bool(MODULE.search(place)) for _, _, place in rows()) >= 30


def test_every_name_the_glossary_places_in_a_module_is_there() -> None:
    every = {"cyclades_core", "cyclades_core.errors"} | {m for _, _, place in rows() for m, _ in MODULE.findall(place)}
    wrong = []
    for term, code, place in rows():
        stated = MODULE.findall(place)
        for module, named in stated:  # `module` (`A`, `B`): A and B are in that very module
            wrong += [(term, name, module) for name in re.findall(r"`([\w.]+)`", named) if not resolves(name, module)]
        # Every class (or Class.attribute) of the code cell is in one of the modules the row names, else somewhere.
        for name in re.findall(r"`([A-Z][\w.]*)`", code):
            if name == "None" or name.split(".")[0].isupper():
                continue  # Python's None; a constant (FRANCE, NOT_DEMATERIALISED) may be a value, not a name
            candidates = [m for m, _ in stated] or sorted(every)
            if not any(resolves(name, module) for module in candidates):
                wrong.append((term, name, " or ".join(candidates)))
    assert wrong == []
