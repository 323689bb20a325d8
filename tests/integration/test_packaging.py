"""Packaging (issue 16): the command without its extra, the version from the metadata, the core's dependencies.

The wheel itself, installed with ``[all,testing]`` in a fresh virtualenv outside the repository, is checked by
``scripts/check_wheel.py`` (run by ``.ci/run`` through ``python3 dev.py wheel``).
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires, version

from packaging.requirements import Requirement

import cyclades_adapters
import cyclades_core
from cyclades_adapters.console import EXIT_CONFIGURATION, MISSING_CLI_EXTRA

# ``sys.modules[name] = None`` makes ``import name`` raise ModuleNotFoundError, as on an install without the extra.
WITHOUT_CLICK = """
import sys
sys.modules["click"] = None
from cyclades_adapters.console import main
raise SystemExit(main(["--help"]))
"""


def test_the_command_without_the_cli_extra_says_so_in_one_line_and_exits_with_the_configuration_code() -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", WITHOUT_CLICK], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == EXIT_CONFIGURATION == 5
    assert completed.stderr.strip().splitlines() == [MISSING_CLI_EXTRA]
    assert "pip install 'cyclades[cli]'" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""


def test_the_command_with_the_cli_extra_runs_through_the_same_entry_point() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "from cyclades_adapters.console import main; raise SystemExit(main(['--help']))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "purge" in completed.stdout


WITHOUT_CATTRS = """
import sys
sys.modules["cattrs"] = None
from cyclades_adapters import build_portal
from cyclades_core.errors import ConfigurationError
try:
    build_portal(environ={})
except ConfigurationError as missing:
    print(missing.message)
"""


def test_build_portal_without_the_portal_extra_is_a_configuration_error_naming_it() -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", WITHOUT_CATTRS], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "pip install 'cyclades[portal]'" in completed.stdout


def test_both_packages_report_the_version_of_the_installed_distribution() -> None:
    installed = version("cyclades")
    assert cyclades_core.__version__ == installed
    assert cyclades_adapters.__version__ == installed
    assert installed != "0+unknown"


def test_the_core_needs_only_attrs_dateutil_and_email_validator_and_psycopg_binary_is_optional() -> None:
    parsed = [Requirement(text) for text in requires("cyclades") or []]
    unconditional = {requirement.name for requirement in parsed if requirement.marker is None}
    assert unconditional == {"attrs", "python-dateutil", "email-validator"}

    def extra(name: str) -> list[Requirement]:
        return [r for r in parsed if r.marker is not None and r.marker.evaluate({"extra": name})]

    sql = {r.name: r for r in extra("sql")}
    assert sql["psycopg"].extras == set()  # the system's libpq; the self-contained build is an extra of its own
    assert {r.name: r.extras for r in extra("postgresql-binary")} == {"psycopg": {"binary"}}
    assert "cattrs" in sql
    assert "cattrs" in {r.name for r in extra("portal")}
    assert {r.name for r in extra("testing")} == {"pytest"}
