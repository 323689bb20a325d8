#!/usr/bin/env python3
"""Developer entry point that needs nothing but Python 3.11.

    python3 dev.py demo    # set up .venv and run `cyclades demo` (SQLite, PDFs and .eml files in demo-output/)
    python3 dev.py serve   # set up .venv and run the web portal on http://127.0.0.1:8000/ with the guide's BTS 2022
                           # session open (SQLite, mails as .eml files and uploads in serve-data/; Ctrl+C stops it)
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
import shutil
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
    try:
        completed = subprocess.run([str(part) for part in command], cwd=ROOT, check=False)  # noqa: S603
    except KeyboardInterrupt:  # Ctrl+C stops `dev.py serve`: the child has had it too
        raise SystemExit(130) from None
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


def ensure_chromium() -> None:
    """The browser tests (tests/browser) drive Debian's Chromium at /usr/bin/chromium through Playwright (never a
    browser build of Playwright's own). When it is missing and apt-get can run as root, install it; under CI=true a
    Chromium that cannot be had fails the run (the browser tests would fail anyway), elsewhere they skip."""
    chromium = Path("/usr/bin/chromium")
    ci = os.environ.get("CI", "").lower() == "true"
    if chromium.exists():
        if ci:
            print(f"+ browser tests: {chromium} present", flush=True)
        return
    apt_get = shutil.which("apt-get")
    if apt_get is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        message = f"{chromium} is missing and cannot be installed here (apt-get as root needed)"
        if ci:
            raise SystemExit(f"dev.py: {message}: the browser tests cannot run under CI=true")
        print(f"dev.py: {message}: the browser tests will skip", flush=True)
        return
    print(f"+ browser tests: {chromium} missing, installing Debian's chromium and chromium-driver", flush=True)
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        [apt_get, "update", "-q"],
        [apt_get, "install", "-y", "-q", "--no-install-recommends", "chromium", "chromium-driver"],
    ):
        print("+", " ".join(command), flush=True)
        subprocess.run(command, env=environ, check=False)  # noqa: S603
    if not chromium.exists():
        if ci:
            raise SystemExit(f"dev.py: apt-get did not install {chromium}: the browser tests cannot run under CI=true")
        print(f"dev.py: apt-get did not install {chromium}: the browser tests will skip", flush=True)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"demo", "serve", "test", "check", "wheel"}:
        print(__doc__)
        raise SystemExit(2)
    command, extra = argv[0], argv[1:]
    ensure_venv()
    if command == "demo":
        run(BIN / "cyclades", "demo", *(extra or ["--dir", "demo-output"]))
    elif command == "serve":
        # http on this machine only: cookies without Secure; every other option can be passed after `serve`.
        run(BIN / "cyclades", "serve", "--demo", "--insecure-cookies", "--data-dir", "serve-data", *extra)
    elif command == "test":
        ensure_chromium()
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
