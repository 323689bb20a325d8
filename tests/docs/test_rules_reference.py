"""docs/rules.md cannot drift: for every rule ID it lists, the test files it names are exactly those that name the ID.

Regenerate the column after adding tests with ``python -m tests.docs.test_rules_reference``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
ROW = re.compile(r"^\| (?P<id>[A-Z]{3}-\d{2}) \| (?P<rule>.*?) \| (?P<where>.*?) \| (?P<tests>.*?) \|$")


def proving_files(rule_id: str) -> list[str]:
    """Test files that name the rule ID (marker, test name or docstring), this file excepted."""
    here = Path(__file__).resolve()
    return [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.resolve() != here and rule_id in path.read_text(encoding="utf-8")
    ]


def rows() -> list[re.Match[str]]:
    return [m for line in DOC.read_text(encoding="utf-8").splitlines() if (m := ROW.match(line))]


def render_tests(rule_id: str) -> str:
    files = proving_files(rule_id)
    return ", ".join(f"`{f}`" for f in files) if files else "— not yet"


def test_every_catalogue_rule_is_listed_once() -> None:
    """Each ID once; and, where the catalogue (``../shared/spec/rules.md``) sits beside the checkout, each of its IDs."""
    ids = [m["id"] for m in rows()]
    assert len(ids) == len(set(ids))
    catalogue = ROOT.parent / "shared" / "spec" / "rules.md"
    if catalogue.exists():
        wanted = set(re.findall(r"\*\*([A-Z]{3}-\d{2})", catalogue.read_text(encoding="utf-8")))
        assert wanted <= set(ids), f"not listed in docs/rules.md: {sorted(wanted - set(ids))}"


def test_the_listed_tests_are_the_tests_that_name_the_rule() -> None:
    stale = {m["id"]: (m["tests"], render_tests(m["id"])) for m in rows() if m["tests"] != render_tests(m["id"])}
    assert not stale, f"docs/rules.md is stale; run python -m tests.docs.test_rules_reference: {stale}"


def regenerate() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        match = ROW.match(line)
        out.append(
            f"| {match['id']} | {match['rule']} | {match['where']} | {render_tests(match['id'])} |" if match else line
        )
    DOC.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    regenerate()
