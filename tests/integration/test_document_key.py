"""The documents' verification key (issue 16): required with persistent storage, shared by every process of a
deployment through ``CYCLADES_DOCUMENT_KEY``, rotated with the old key kept verify-only
(``CYCLADES_DOCUMENT_OLD_KEYS``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.cli.main import main
from cyclades_adapters.files import FileCatalogue, example_catalogue_path
from cyclades_adapters.memory import MemoryCandidateNumberAllocator, MemoryDatabase, MemoryRateLimiter
from cyclades_core.errors import ConfigurationError
from cyclades_core.model.catalogue import Nationality
from cyclades_core.model.documents import DocumentKind
from cyclades_core.ports.files import DocumentContent
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings
from tests.candidature_support import DURING, register, signed_in

OLD = "the-old-document-key-2021"
NEW = "the-new-document-key-2022"


class RecordingRenderer:
    """Keeps what each document says: the test reads the printed verification code from it."""

    media_type = "application/pdf"

    def __init__(self) -> None:
        self.printed: list[DocumentContent] = []

    def render(self, content: DocumentContent) -> bytes:
        self.printed.append(content)
        return b"%PDF-1.4\n"


def portal_from(env: Mapping[str, str], renderer: RecordingRenderer | None = None) -> Portal:
    """A process of the deployment: everything it knows of the storage and the key comes from ``env``."""
    catalogue = FileCatalogue.default(example_catalogue_path())
    catalogue.put(Nationality("99100", "Française"))
    return build_portal(
        clock=ManualClock(DURING), hasher=PlainHasher(), catalogue=catalogue, environ=env, migrate=True,
        settings=AccountSettings(base_url="https://cyclades.exemple.fr"), renderer=renderer or RecordingRenderer(),
    )  # fmt: skip


def printed_recapitulatif(env: Mapping[str, str]) -> tuple[str, str]:
    """ACCRALL registers in one process and prints his récapitulatif: (its code, his candidate number)."""
    renderer = RecordingRenderer()
    portal = portal_from(env, renderer)
    token = signed_in(portal)
    portal.documents.render_recapitulatif(token, register(portal, token))
    [content] = renderer.printed
    assert content.verification is not None
    number = next(line for line in content.header if line.startswith("N° candidat"))
    return content.verification, number.rsplit(" ", 1)[-1]


def test_a_missing_key_with_sql_storage_is_a_configuration_error_naming_the_variable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with pytest.raises(ConfigurationError, match="CYCLADES_DOCUMENT_KEY"):
        build_portal(url, hasher=PlainHasher(), environ={}, migrate=True)
    database = MemoryDatabase()
    with pytest.raises(ConfigurationError, match="CYCLADES_DOCUMENT_KEY"):  # an integrator's storage too
        build_portal(
            uow=database.unit_of_work, rate_limiter=MemoryRateLimiter(), numbers=MemoryCandidateNumberAllocator(),
            hasher=PlainHasher(), environ={},
        )  # fmt: skip
    with pytest.raises(ConfigurationError, match="CYCLADES_DOCUMENT_KEY"):
        build_portal(url, hasher=PlainHasher(), environ={"CYCLADES_DOCUMENT_KEY": "too-short"})
    with pytest.raises(ConfigurationError, match="CYCLADES_DOCUMENT_OLD_KEYS"):
        build_portal(
            url, hasher=PlainHasher(), environ={"CYCLADES_DOCUMENT_KEY": NEW, "CYCLADES_DOCUMENT_OLD_KEYS": "x"}
        )
    assert build_portal(hasher=PlainHasher(), environ={}).storage_url == "memory://"  # nothing outlives it


def test_a_code_printed_by_one_process_verifies_in_another_and_after_a_rotation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cyclades.db'}"
    code, number = printed_recapitulatif({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": OLD})
    recap = (DocumentKind.RECAPITULATIF, number, "001", 1)

    other_process = portal_from({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": OLD})
    assert other_process.documents.verify(code, *recap) is True

    rotated = {"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": NEW, "CYCLADES_DOCUMENT_OLD_KEYS": f" {OLD} "}
    after_rotation = portal_from(rotated)
    assert after_rotation.documents.verify(code, *recap) is True  # the old key still verifies…
    assert after_rotation.documents.verify(code, DocumentKind.RECAPITULATIF, number, "001", 2) is False
    forgotten = portal_from({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": NEW})
    assert forgotten.documents.verify(code, *recap) is False  # …only while it is kept


def test_new_documents_are_signed_with_the_new_key_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cyclades.db'}"
    env = {"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": NEW, "CYCLADES_DOCUMENT_OLD_KEYS": OLD}
    code, number = printed_recapitulatif(env)
    recap = (DocumentKind.RECAPITULATIF, number, "001", 1)
    assert portal_from({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": NEW}).documents.verify(code, *recap)
    assert not portal_from({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": OLD}).documents.verify(code, *recap)


def test_the_command_verifies_with_the_deployments_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cyclades.db'}"
    code, number = printed_recapitulatif({"CYCLADES_DATABASE_URL": url, "CYCLADES_DOCUMENT_KEY": OLD})
    args = ["document", "verify", code, "--kind", "RECAPITULATIF", "--candidate", number, "--inscription", "001"]
    monkeypatch.setenv("CYCLADES_DOCUMENT_KEY", NEW)
    monkeypatch.delenv("CYCLADES_DOCUMENT_OLD_KEYS", raising=False)
    assert main([*args, "--version", "1"]) == 1
    monkeypatch.setenv("CYCLADES_DOCUMENT_OLD_KEYS", OLD)
    assert main([*args, "--version", "1"]) == 0
