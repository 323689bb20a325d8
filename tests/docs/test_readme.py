"""The README's snippets run as written, and its two commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_python_snippets_run_in_order() -> None:
    snippets = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert len(snippets) >= 2
    namespace: dict[str, object] = {}
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation


def test_the_quick_start_commands_are_those_ci_runs() -> None:
    assert "python3 dev.py demo" in README
    assert "python3 dev.py test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in ci
    assert "python3 dev.py check" in ci


def test_the_getting_started_snippets_run() -> None:
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert snippets
    namespace: dict[str, object] = {}
    for snippet in snippets:
        exec(compile(snippet, "getting-started.md", "exec"), namespace)  # noqa: S102 - our own documentation
