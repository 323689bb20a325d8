"""Every name the README and the docs import in their Python examples is importable from the place they name
(issue 16): an integrator who copies an import line from the documentation gets the name."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def imports(page: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every ``from module import name`` and (module, None) for every ``import module`` of the
    page's ``python`` blocks; relative imports and the integrator's own modules (``my_project``) left out."""
    found: list[tuple[str, str | None]] = []
    for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL):
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found += [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(alias.name, None) for alias in node.names]
    return [(module, name) for module, name in found if module.split(".")[0] in {"cyclades_core", "cyclades_adapters"}]


def test_the_readme_and_the_docs_import_the_public_api() -> None:
    every = {page.name: imports(page) for page in PAGES}
    assert len(every["README.md"]) >= 5
    assert sum(map(len, every.values())) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_documented_import_works(page: Path) -> None:
    for module, name in imports(page):
        imported = importlib.import_module(module)
        if name is not None:
            assert hasattr(imported, name), f"{page.name}: from {module} import {name}"
