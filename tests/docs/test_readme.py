"""The README's snippets run as written, and its two commands are the ones CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_python_snippets_run_in_order() -> None:
    snippets = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert len(snippets) >= 2
    namespace: dict[str, object] = {}
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation


def test_the_python_snippets_pass_mypy_strict_as_written(tmp_path: Path) -> None:
    """An integrator copies them into a project checked with ``mypy --strict`` (``for_field`` may answer None)."""
    program = tmp_path / "readme_snippets.py"
    program.write_text("\n".join(re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)), encoding="utf-8")
    checked = subprocess.run(  # noqa: S603 - our own interpreter, on our own documentation
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         str(program)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_main_example_uses_the_section_services_it_recommends() -> None:
    """The README calls ``portal.accounts`` the 0.1 facade and recommends the section services: its examples use
    those (``registration``, ``sessions``…)."""
    code = "\n".join(re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL))
    assert "portal.accounts." not in code
    assert "portal.registration.create_account(" in code
    assert "portal.sessions.login(" in code


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
