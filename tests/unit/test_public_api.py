"""One public API (issue 16): every error in ``cyclades_core.errors`` under one base per HTTP status, the public names
importable from ``cyclades_core`` and ``cyclades_adapters`` without loading the heavy modules, the reference lists
on the portal, and identifiers (never display texts) as keys."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

import cyclades_adapters
import cyclades_core
from cyclades_adapters import Portal
from cyclades_core import errors
from cyclades_core.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    CycladesError,
    EmailAlreadyUsed,
    ForbiddenError,
    InvalidInput,
    NotFoundError,
    PasswordChangeRequired,
    TooManyRequests,
    Unavailable,
    ValidationError,
)

STATUS: dict[type[CycladesError], int] = {
    InvalidInput: 400,
    AuthenticationError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    TooManyRequests: 429,
    Unavailable: 503,
    ConfigurationError: 500,
}


def core_error_classes() -> Iterator[type[CycladesError]]:
    for info in pkgutil.walk_packages(cyclades_core.__path__, "cyclades_core."):
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and issubclass(value, CycladesError):
                yield value


def test_every_error_of_the_core_is_defined_and_listed_in_cyclades_core_errors() -> None:
    classes = set(core_error_classes())
    assert len(classes) >= 35
    for cls in classes:
        assert (cls.__module__, cls.__name__ in errors.__all__) == ("cyclades_core.errors", True), cls
        assert getattr(cyclades_core, cls.__name__) is cls  # and importable from the package


def test_every_error_sits_under_exactly_one_base_and_carries_its_status() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        if not isinstance(cls, type) or not issubclass(cls, CycladesError) or cls is CycladesError:
            continue
        bases = [base for base in STATUS if issubclass(cls, base)]
        assert len(bases) == 1, (name, bases)
        assert cls.http_status == STATUS[bases[0]], name


def test_the_errors_found_by_the_integrator_are_where_it_looked() -> None:
    assert issubclass(PasswordChangeRequired, AuthenticationError)
    assert PasswordChangeRequired.http_status == 401
    assert EmailAlreadyUsed().field == "email"
    assert EmailAlreadyUsed(field="new_email").field == "new_email"
    assert errors.ActivationExpired().field == "token"  # the link's argument
    assert ValidationError.single("limit", "out_of_range", "…").field is None  # its fields are in .errors
    from cyclades_core.model.pieces import IllegalPieceTransition

    assert IllegalPieceTransition is errors.IllegalPieceTransition


def test_every_public_name_resolves() -> None:
    for package in (cyclades_core, cyclades_adapters):
        for name in package.__all__:
            assert getattr(package, name) is not None, (package.__name__, name)
    assert {"DocumentKind", "PieceStatus", "CandidatureState", "Position", "Manager", "CandidatureDraft"} <= set(
        cyclades_core.__all__
    )
    assert {"build_portal", "Portal", "MemoryDatabase", "SqlDatabase", "SmtpMailer"} <= set(cyclades_adapters.__all__)


def test_importing_the_packages_is_cheap() -> None:
    """Names load on first use: the two packages import neither SQLAlchemy, the PDF libraries nor the use cases."""
    code = (
        "import sys, cyclades_core, cyclades_adapters\n"
        "heavy = {'sqlalchemy', 'reportlab', 'pikepdf', 'cyclades_core.usecases', 'cyclades_adapters.bootstrap'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_the_portal_offers_the_reference_lists_keyed_by_code(portal: Portal) -> None:
    communes = portal.reference.communes("014", "may-sur")
    assert [(c.code, c.name) for c in communes] == [("14408", "MAY-SUR-ORNE")]
    assert portal.reference.communes("014", "MAY", limit=1)[0].departement_code == "014"
    assert portal.reference.communes("999", "a") == []
    assert portal.reference.communes("014", "\x00") == []
    assert "99100" in {c.code for c in portal.reference.countries()}
    departements = portal.reference.departements()
    assert "014" in {d.code for d in departements}
    assert [d.code for d in departements] == sorted(d.code for d in departements)
    assert all(n.code for n in portal.reference.nationalities())
    with pytest.raises(ValidationError) as refused:
        portal.reference.communes("014", "may", limit=0)
    assert refused.value.fields == ("limit",)


def test_build_portal_takes_an_adapter_for_every_port() -> None:
    """Issue 16: the hexagon is open on its driven side; storage, limiter and allocator included."""
    import typing

    import cyclades_core.ports as ports
    from cyclades_adapters.bootstrap import build_portal

    hints = typing.get_type_hints(build_portal)
    accepted = {arg for hint in hints.values() for arg in typing.get_args(hint)}
    driven = {
        getattr(ports, name)
        for name in ports.__all__
        if name.endswith(("Factory", "Store", "Scanner", "Inspector", "Renderer", "Directory", "Limiter", "Allocator"))
        or name in {"Catalogue", "Clock", "Mailer", "PasswordHasher", "BreachedPasswords"}
    }
    driven.discard(ports.TokenStore)  # reached through the unit of work, like the other repositories
    assert len(driven) == 13
    assert {port.__name__ if isinstance(port, type) else repr(port) for port in driven - accepted} == set()
