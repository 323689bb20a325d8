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


WITHOUT_PYTEST = """
import sys
sys.modules["pytest"] = None
from datetime import UTC, datetime
from cyclades_core.testing import ManualClock, link_in, minimal_pdf
print(ManualClock(datetime(2022, 1, 10, tzinfo=UTC)).now().date(), link_in.__name__, minimal_pdf()[:5])
try:
    from cyclades_core.testing import StorageContract
except ImportError:
    print("suites: pytest needed")
"""


def test_the_helpers_of_cyclades_core_testing_import_without_pytest() -> None:
    """README.md and docs/getting-started.md import ``link_in`` and ``ManualClock`` from ``cyclades_core.testing`` on
    installs that bring no pytest (``cyclades[portal]``, ``cyclades[all]``): the contract suites load on first use."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", WITHOUT_PYTEST], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "2022-01-10 link_in b'%PDF-'",
        "suites: pytest needed",
    ]


def test_every_name_of_cyclades_core_testing_still_imports_from_it_with_pytest() -> None:
    import cyclades_core.testing as testing
    from cyclades_core.testing import StorageContract, UploadInspectorContract, contracts, inspection_contract

    assert StorageContract is contracts.StorageContract
    assert UploadInspectorContract is inspection_contract.UploadInspectorContract
    assert inspection_contract.minimal_pdf is testing.minimal_pdf
    for name in testing.__all__:
        assert getattr(testing, name) is not None, name
    assert set(testing.__all__) <= set(dir(testing))
    assert set(contracts.__all__) - {"T0"} <= set(testing.__all__)
