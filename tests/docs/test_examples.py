"""The storage adapter of ``examples/dict_storage`` (written outside the package, against the public ports) passes
``StorageContract``, then carries the guide's journey through ``build_portal(uow=…, rate_limiter=…, numbers=…)``:
the proof of ``docs/writing-an-adapter.md`` that every port is pluggable, storage included (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from examples.dict_storage import DictDatabase

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryCandidateNumberAllocator, MemoryRateLimiter
from cyclades_core import CandidatureState, DepositMode, DocumentKind
from cyclades_core.errors import ConfigurationError
from cyclades_core.ports import UnitOfWorkFactory
from cyclades_core.testing import ManualClock, PlainHasher, StorageContract, minimal_pdf
from tests.candidature_support import AFTER, DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import DOCUMENT_KEY


class TestDictStorage(StorageContract):
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return DictDatabase().unit_of_work


def dict_portal(database: DictDatabase, clock: ManualClock) -> Portal:
    return guide_portal(
        clock, uow=database.unit_of_work, rate_limiter=MemoryRateLimiter(), numbers=MemoryCandidateNumberAllocator(),
        document_key=DOCUMENT_KEY,
    )  # fmt: skip


def test_the_guides_journey_runs_on_the_example_storage() -> None:
    database, clock = DictDatabase(), ManualClock(DURING)
    portal = dict_portal(database, clock)
    assert (portal.storage, portal.storage_url) == (None, "external://")
    token = signed_in(portal)  # ACCRALL: created, activated from his mail, logged in
    candidature_id = register(portal, token)
    assert [card.candidature_id for card in portal.sessions.home(token).candidatures] == [candidature_id]
    draft = portal.candidatures.edit(token, candidature_id)
    while not draft.on_recapitulatif:
        draft = portal.candidatures.next(draft, None)
    assert portal.candidatures.save(token, draft).version == 2  # Modifier: version 2

    online = [g for g in portal.pieces.mes_justificatifs(token, candidature_id) if g.mode is DepositMode.EN_LIGNE]
    assert online
    for group in online:
        for piece in group.pieces:
            portal.pieces.upload(token, candidature_id, piece.code, f"{piece.code}.pdf", [minimal_pdf()])
        validated = portal.pieces.validate(token, candidature_id, group.id)  # the group's key, not its heading
        assert all(p.validated_on for p in validated)
    assert portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data.startswith(b"%PDF")

    dubois = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    withdrawn = register(portal, dubois, dubois_tabs())
    portal.candidatures.withdraw(dubois, withdrawn, confirmed=True)
    with database.unit_of_work() as uow:  # what the journey left in the integrator's own tables
        states = {c.id: c.state for c in database.tables["candidatures"].values()}
        assert uow.candidatures.history(candidature_id)[-1].version == 2
    assert states == {candidature_id: CandidatureState.ACTIVE, withdrawn: CandidatureState.WITHDRAWN}
    clock.set(AFTER)
    assert portal.relay.run_until_idle().sent >= 4  # the activation mails, the confirmations, the withdrawal


def test_an_own_storage_needs_its_limiter_and_allocator_and_no_url() -> None:
    database = DictDatabase()
    with pytest.raises(ConfigurationError, match="rate_limiter / numbers"):
        build_portal(uow=database.unit_of_work, hasher=PlainHasher(), environ={}, document_key=DOCUMENT_KEY)
    with pytest.raises(ConfigurationError, match="uow / storage_url"):
        build_portal(
            "memory://", uow=database.unit_of_work, rate_limiter=MemoryRateLimiter(),
            numbers=MemoryCandidateNumberAllocator(), environ={}, document_key=DOCUMENT_KEY,
        )  # fmt: skip


def test_the_lines_the_doc_quotes_are_the_examples() -> None:
    """docs/writing-an-adapter.md quotes the example's key parts: they must not drift from the file that is tested."""
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "writing-an-adapter.md").read_text(encoding="utf-8")
    example = (root / "examples" / "dict_storage" / "dict_storage.py").read_text(encoding="utf-8")
    quoted = re.search(r"The key parts:\n\n```python\n(.*?)```", doc, flags=re.DOTALL)
    assert quoted is not None
    code = {line.split("  #")[0].strip() for line in example.splitlines()}
    for line in quoted.group(1).splitlines():
        assert line.split("  #")[0].strip() in code, line
