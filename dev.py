#!/usr/bin/env python3
"""Developer entry point that needs nothing but Python 3.11.

    python3 dev.py demo    # set up .venv and run `cyclades demo` (SQLite, PDFs and .eml files in demo-output/)
    python3 dev.py test    # set up .venv and run the whole test suite
    python3 dev.py check   # ruff, ruff format --check, mypy --strict, import-linter
    python3 dev.py wheel   # build the sdist and wheel, install the wheel outside the repo, run the demo and the
                           # shipped contract suites from it (scripts/check_wheel.py)

The virtualenv lives in ``.venv`` (or ``$CYCLADES_VENV``) and is reinstalled when ``pyproject.toml`` changes.
Extra arguments are passed to the command run (``python3 dev.py test -k login``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("CYCLADES_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, check=False)  # noqa: S603
    if completed.returncode:
        raise SystemExit(completed.returncode)


def ensure_venv() -> None:
    stamp = VENV / ".cyclades-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    stamp.write_text(wanted)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"demo", "test", "check", "wheel"}:
        print(__doc__)
        raise SystemExit(2)
    command, extra = argv[0], argv[1:]
    ensure_venv()
    if command == "demo":
        run(BIN / "cyclades", "demo", *(extra or ["--dir", "demo-output"]))
    elif command == "test":
        run(PYTHON, "-m", "pytest", *extra)
    elif command == "wheel":
        run(PYTHON, ROOT / "scripts" / "check_wheel.py", *extra)
    else:
        run(BIN / "ruff", "check", "src", "tests", "scripts", "benchmarks", "examples", "dev.py")
        run(BIN / "ruff", "format", "--check", "src", "tests", "scripts", "benchmarks", "examples", "dev.py")
        run(BIN / "mypy")
        run(BIN / "mypy", "--strict", "examples/dict_storage")  # the outside adapter the docs quote
        run(BIN / "lint-imports")


if __name__ == "__main__":
    main(sys.argv[1:])
