"""Check the distribution as an integrator receives it (issue 16): build the sdist and, from it, the wheel; install
the wheel in fresh virtualenvs in a temporary directory outside the repository; run the installed ``cyclades demo``
and the shipped contract suites against the shipped adapters, with the repository nowhere on ``sys.path``.

    python scripts/check_wheel.py            # run by .ci/run through ``python3 dev.py wheel``
    python scripts/check_wheel.py --keep     # leave the temporary directory for inspection

Steps, each timed:

1. ``python -m build`` (in its isolated build environment) builds the sdist, then the wheel from
   the unpacked sdist — so a file missing from the sdist breaks the wheel too. The sdist must hold the docs, the
   tests, the changelog, the licence and the README.
2. The core alone: a venv with the wheel and no extra. ``import cyclades_core`` works, cattrs, click and SQLAlchemy
   are absent, ``build_portal()`` raises a ConfigurationError naming the ``portal`` extra, and the ``cyclades``
   command says in one line that it needs the ``cli`` extra (exit 5). Then the
   ``portal`` extra: ``build_portal()`` on memory creates an account.
3. Everything: a venv with ``[all,testing]``. ``cyclades demo --dir <tmp>/demo`` plays the guide's journeys on
   SQLite; then pytest runs a test module written into the temporary directory that subclasses the shipped
   contract suites (``cyclades_core.testing.contracts``) for the shipped adapters — memory, SQLite, files, hashers,
   the upload inspector — and checks that both packages were imported from the venv.

The interpreter running this script provides pip (``pip --python``), so the venvs are created without pip of
their own. Dependencies come from the configured indexes (PyPI, or the local mirrors ``pip`` is set up with).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import venv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDIST_MUST_HOLD = (
    "docs/", "tests/", "examples/", "benchmarks/", "scripts/", "CHANGELOG.md", "LICENSE", "README.md", "pyproject.toml", "src/"
)  # fmt: skip

CORE_ONLY = """
import importlib.util, sys
import cyclades_core
from cyclades_core.errors import CycladesError
assert cyclades_core.__version__ != "0+unknown", cyclades_core.__version__
for name in ("cattrs", "click", "rich", "sqlalchemy", "psycopg", "pytest"):
    assert importlib.util.find_spec(name) is None, f"{name} is installed without its extra"
from cyclades_adapters import build_portal
from cyclades_core.errors import ConfigurationError
try:
    build_portal(environ={})
except ConfigurationError as missing:
    assert "cyclades[portal]" in missing.message, missing.message
else:
    raise AssertionError("build_portal() without the portal extra")
print("core", cyclades_core.__version__, "from", cyclades_core.__file__)
"""

PORTAL = """
import cyclades_adapters
from cyclades_adapters import build_portal
from cyclades_core.usecases import CreateAccountForm
portal = build_portal(environ={})
created = portal.accounts.create_account(CreateAccountForm(
    civility="Monsieur", birth_name="ACCRALL", birth_name_confirmation="ACCRALL", usage_name=None,
    first_names="Dack", birth_date="28/11/2004", birth_date_confirmation="28/11/2004", birth_country="99100",
    birth_departement="014", birth_commune="MAY-SUR-ORNE", email="accrall@ac-rennes.fr",
    email_confirmation="accrall@ac-rennes.fr", password="Vol*Plane7x", password_confirmation="Vol*Plane7x",
))
print("portal", cyclades_adapters.__version__, "account", created.candidate_number)
"""

# Written into the temporary directory and run there: it imports installed packages only.
INSTALLED_SUITES = '''
"""The shipped contract suites against the shipped adapters, from the installed wheel."""

from pathlib import Path

import pytest

import cyclades_adapters
import cyclades_core
from cyclades_adapters.files import FileBirthplaceDirectory, FileCatalogue, FileSystemFileStore
from cyclades_adapters.files import ParserUploadInspector
from cyclades_adapters.memory import (
    MemoryBirthplaceDirectory,
    MemoryCandidateNumberAllocator,
    MemoryCatalogue,
    MemoryDatabase,
    MemoryFileStore,
    MemoryRateLimiter,
    SignatureScanner,
)
from cyclades_adapters.security import Argon2idHasher, ScryptHasher
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.testing import UploadInspectorContract
from cyclades_core.testing.contracts import (
    BirthplaceDirectoryContract,
    CandidateNumberAllocatorContract,
    CatalogueContract,
    FileScannerContract,
    FileStoreContract,
    PasswordHasherContract,
    RateLimiterContract,
    StorageContract,
)


def test_both_packages_come_from_the_virtualenv_not_the_repository():
    prefix = Path(__import__("sys").prefix).resolve()
    for package in (cyclades_core, cyclades_adapters):
        assert prefix in Path(package.__file__).resolve().parents, package.__file__
    assert cyclades_core.__version__ == cyclades_adapters.__version__ != "0+unknown"


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def uow_factory(self):
        return MemoryDatabase().unit_of_work


class TestSqliteStorage(StorageContract):
    @pytest.fixture
    def uow_factory(self, tmp_path):
        database = SqlDatabase(f"sqlite:///{tmp_path / 'cyclades.db'}")
        database.upgrade()  # the migrations shipped in the wheel
        yield database.unit_of_work
        database.dispose()


class TestMemoryRateLimiter(RateLimiterContract):
    @pytest.fixture
    def limiter(self):
        return MemoryRateLimiter()


class TestMemoryCandidateNumbers(CandidateNumberAllocatorContract):
    @pytest.fixture
    def allocator(self):
        return MemoryCandidateNumberAllocator()


class TestMemoryBirthplaces(BirthplaceDirectoryContract):
    @pytest.fixture
    def directory(self):
        return MemoryBirthplaceDirectory()


class TestShippedBirthplaces(BirthplaceDirectoryContract):
    @pytest.fixture
    def directory(self):
        return FileBirthplaceDirectory()


class TestMemoryCatalogue(CatalogueContract):
    @pytest.fixture
    def catalogue(self):
        return MemoryCatalogue()


class TestShippedCatalogue(CatalogueContract):
    @pytest.fixture
    def catalogue(self):
        return FileCatalogue.default()


class TestMemoryFileStore(FileStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryFileStore()


class TestFileSystemFileStore(FileStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return FileSystemFileStore(tmp_path / "pieces")


class TestSignatureScanner(FileScannerContract):
    @pytest.fixture
    def scanner(self):
        return SignatureScanner(max_bytes=1024)


class TestArgon2id(PasswordHasherContract):
    @pytest.fixture
    def hasher(self):
        return Argon2idHasher.cheap()


class TestScrypt(PasswordHasherContract):
    @pytest.fixture
    def hasher(self):
        return ScryptHasher.cheap()


class TestParserUploadInspector(UploadInspectorContract):
    @pytest.fixture
    def inspector(self):
        return ParserUploadInspector()
'''


WEB = """
from cyclades_adapters import build_portal
from cyclades_adapters.web import WebSettings, create_app

client = create_app(build_portal(), WebSettings(secret_key=b"k" * 32)).test_client()
pages = ["/", "/connexion", "/creer-mon-compte", "/ouverture-des-services", "/gestion/connexion",
         "/static/site.css"]
for path in pages:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
print(f"{len(pages)} pages served from the installed wheel")
"""


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"== {title}", flush=True)
    started = time.perf_counter()
    yield
    print(f"   {title}: {time.perf_counter() - started:.1f} s", flush=True)


def run(command: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``command`` and return its stdout; on failure print everything and stop with its exit code."""
    shown = " ".join(str(part) if "\n" not in str(part) else "<script>" for part in command)
    print(f"+ {shown}", flush=True)
    completed = subprocess.run(  # noqa: S603 - our own interpreters and fixed arguments
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        print(completed.stdout, completed.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"check_wheel: failed ({completed.returncode}): {shown}")
    return completed.stdout


def outside_env(venv_dir: Path) -> dict[str, str]:
    """The environment of a command run from a venv: no PYTHONPATH, no project variables, the venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env = {k: v for k, v in env.items() if not k.startswith("CYCLADES_")}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def make_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=False, clear=True).create(where)
    return where / "bin" / "python"


def pip_install(python: Path, *requirements: str, cwd: Path) -> None:
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", *requirements], cwd=cwd)


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = {name.partition("/")[2] for name in archive.getnames()}
    missing = [wanted for wanted in SDIST_MUST_HOLD if not any(n == wanted or n.startswith(wanted) for n in names)]
    if missing:
        raise SystemExit(f"check_wheel: the sdist lacks {missing}")
    print(f"   sdist: {len(names)} entries, docs, tests and changelog included", flush=True)


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cyclades-wheel-")).resolve()
    if ROOT in work.parents:
        raise SystemExit("check_wheel: the temporary directory must be outside the repository")
    started = time.perf_counter()
    try:
        with step("build the sdist, then the wheel from it"):
            run([sys.executable, "-m", "build", "--outdir", work / "dist", ROOT], cwd=work)
            [sdist] = (work / "dist").glob("cyclades-*.tar.gz")
            [wheel] = (work / "dist").glob("cyclades-*.whl")
            check_sdist(sdist)
            print(f"   {wheel.name}", flush=True)

        with step("the core alone, then the portal extra"):
            python = make_venv(work / "core")
            pip_install(python, str(wheel), cwd=work)
            env = outside_env(work / "core")
            print("  ", run([python, "-c", CORE_ONLY], cwd=work, env=env).strip(), flush=True)
            command = subprocess.run(  # noqa: S603 - the venv's own script
                [str(work / "core" / "bin" / "cyclades"), "--help"],
                cwd=work, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if command.returncode != 5 or "cyclades[cli]" not in command.stderr or "Traceback" in command.stderr:
                raise SystemExit(f"check_wheel: cyclades without the cli extra: {command.returncode} {command.stderr}")
            print(f"   cyclades without click: exit 5, {command.stderr.strip()!r}", flush=True)
            pip_install(python, f"{wheel}[portal]", cwd=work)
            print("  ", run([python, "-c", PORTAL], cwd=work, env=env).strip(), flush=True)

        with step("install the wheel with [all,testing]"):
            python = make_venv(work / "all")
            pip_install(python, f"{wheel}[all,testing]", cwd=work)
            env = outside_env(work / "all")

        with step("cyclades demo"):
            out = run([work / "all" / "bin" / "cyclades", "demo", "--dir", work / "demo"], cwd=work, env=env)
            print(textwrap.indent(out.strip().splitlines()[-1] if out.strip() else "(no output)", "   "), flush=True)
            made = sorted(path.suffix for path in (work / "demo").rglob("*") if path.is_file())
            if ".pdf" not in made or ".eml" not in made:
                raise SystemExit(f"check_wheel: the demo left no PDF or no mail in {work / 'demo'}")

        with step("the web portal's pages (templates and style sheet shipped in the wheel)"):
            print("  ", run([python, "-c", WEB], cwd=work, env=env).strip(), flush=True)

        with step("the shipped contract suites"):
            suites = work / "suites"
            suites.mkdir()
            (suites / "test_installed_adapters.py").write_text(INSTALLED_SUITES)
            out = run(
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", suites],
                cwd=suites,
                env=env,
            )
            print(textwrap.indent(out.strip().splitlines()[-1], "   "), flush=True)
    finally:
        if options.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"check_wheel: OK in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
