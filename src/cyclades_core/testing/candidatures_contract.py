"""Contract suite of the candidature repository (``uow.candidatures``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from cyclades_core.errors import (
    AccountNotFound,
    ConcurrencyConflict,
    ConflictError,
)
from cyclades_core.model.candidature import (
    CandidatureState,
    EpreuvePosition,
    ListPosition,
    Position,
    count_epreuves,
)
from cyclades_core.model.catalogue import EvaluationMode
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import StorageSuite
from cyclades_core.testing.support import make_account, make_candidature, run_concurrently


class CandidatureRepositoryContract(StorageSuite):
    """``uow.candidatures``: numbering, versions, search, counts. Fixture: ``uow_factory``."""

    def test_has_any_candidature_is_false_for_a_fresh_account(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            assert uow.candidatures.has_any(account.id) is False

    def test_candidatures_are_numbered_per_candidate_and_read_back(self, uow_factory: UnitOfWorkFactory) -> None:
        """CAN-10: 001, 002… per candidate; has_any turns true (ACC-11)."""
        first, other = self._active_account(uow_factory), self._active_account(uow_factory, "other@exemple.fr")
        with uow_factory() as uow:
            assert uow.candidatures.has_any(first.id) is False
            assert uow.candidatures.next_inscription_number(first.id) == "001"
            one = make_candidature(first, inscription_number="001")
            uow.candidatures.add(one)
            assert uow.candidatures.next_inscription_number(first.id) == "002"
            two = make_candidature(first, inscription_number="002", session_id="BTS-2023")
            uow.candidatures.add(two)
            uow.candidatures.add(make_candidature(other, inscription_number="001"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.candidatures.get(one.id) == one
            assert [c.inscription_number for c in uow.candidatures.for_account(first.id)] == ["001", "002"]
            assert uow.candidatures.has_any(first.id) is True
            assert uow.candidatures.get("missing") is None

    def test_a_candidature_needs_its_account_and_a_free_number(self, uow_factory: UnitOfWorkFactory) -> None:
        """F5: no orphan; unique (candidate, inscription number)."""
        ghost = make_account(email="ghost@exemple.fr")
        with pytest.raises(AccountNotFound), uow_factory() as uow:
            uow.candidatures.add(make_candidature(ghost))
        account = self._active_account(uow_factory)
        with uow_factory() as uow:
            uow.candidatures.add(make_candidature(account, inscription_number="001"))
            uow.commit()
        with pytest.raises(ConflictError), uow_factory() as uow:
            uow.candidatures.add(make_candidature(account, inscription_number="001"))

    def test_versions_rise_by_one_and_a_stale_save_is_a_conflict(self, uow_factory: UnitOfWorkFactory) -> None:
        """G3 / CAN-12: two tabs based on one version; the second is refused; every version is kept."""
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.commit()
        now = candidature.updated_at + timedelta(minutes=1)
        first_tab = candidature.modify(candidature.content, now)
        second_tab = candidature.modify(candidature.content, now + timedelta(seconds=1))
        with uow_factory() as uow:
            uow.candidatures.update(first_tab)
            uow.commit()
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.candidatures.update(second_tab)
        with uow_factory() as uow:
            assert uow.candidatures.get(candidature.id) == first_tab
            assert [c.version for c in uow.candidatures.history(candidature.id)] == [1, 2]

    @pytest.mark.parametrize(
        "change",
        [{"academie_code": "03"}, {"session_id": "BTS-2030"}, {"inscription_number": "009"}],
        ids=["academie", "session", "number"],
    )
    def test_what_is_fixed_at_creation_cannot_be_updated(
        self, uow_factory: UnitOfWorkFactory, change: dict[str, str]
    ) -> None:
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.commit()
        modified = candidature.modify(candidature.content, candidature.updated_at + timedelta(minutes=1))
        moved = evolve(modified, **change)  # type: ignore[arg-type]
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.candidatures.update(moved)
        with uow_factory() as uow:
            assert uow.candidatures.get(candidature.id) == candidature

    def test_sixteen_concurrent_saves_from_one_version_have_one_winner(self, uow_factory: UnitOfWorkFactory) -> None:
        """G3: exactly 1 success, 15 conflicts, final version 2."""
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.commit()

        def save(i: int) -> int:
            with uow_factory() as uow:
                uow.candidatures.update(candidature.modify(candidature.content, candidature.updated_at + timedelta(i)))
                uow.commit()
            return i

        results = run_concurrently(save, 16)
        assert sum(isinstance(r, int) for r in results) == 1
        assert all(isinstance(r, ConcurrencyConflict) for r in results if not isinstance(r, int))
        with uow_factory() as uow:
            stored = uow.candidatures.get(candidature.id)
            assert stored is not None
            assert stored.version == 2

    def test_the_managers_search_filters_by_academie_session_specialite_and_state(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = self._active_account(uow_factory)
        lyon = make_candidature(account, inscription_number="001", academie_code="10")
        reims = make_candidature(account, inscription_number="002", academie_code="19", session_id="BTS-2023")
        with uow_factory() as uow:
            uow.candidatures.add(lyon)
            uow.candidatures.add(reims)
            uow.candidatures.update(reims.withdraw(reims.updated_at))
            uow.commit()
        with uow_factory() as uow:
            search = uow.candidatures.search
            assert [c.id for c in search(academie_codes=["10"])] == [lyon.id]
            assert {c.id for c in search(academie_codes=["10", "19"])} == {lyon.id, reims.id}
            assert [c.id for c in search(academie_codes=["10", "19"], session_id="BTS-2023")] == [reims.id]
            assert [c.id for c in search(academie_codes=["10", "19"], state=CandidatureState.WITHDRAWN)] == [reims.id]
            assert [c.id for c in search(academie_codes=["10", "19"], specialite_code="31310")] != []
            assert search(academie_codes=["10"], specialite_code="99999") == []

    def test_the_managers_list_pages_in_order_without_losing_or_repeating_a_candidature(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        """MGR-05 by pages: ordered by session, académie, creation instant and id (ties on the instant included);
        each page starts strictly after the last one's position."""
        start = datetime(2021, 11, 15, 10, 0, tzinfo=UTC)
        made = []
        for i in range(7):
            account = self._active_account(uow_factory, f"page{i}@exemple.fr")
            made.append(make_candidature(
                account, academie_code="10" if i % 2 else "19", session_id="BTS-2022" if i < 5 else "BTS-2023",
                now=start + timedelta(minutes=i // 3),
            ))  # fmt: skip
        with uow_factory() as uow:
            for candidature in made:
                uow.candidatures.add(candidature)
            uow.commit()
        expected = [c.id for c in sorted(made, key=ListPosition.of)]
        with uow_factory() as uow:
            search = uow.candidatures.search
            assert [c.id for c in search(academie_codes=["10", "19"])] == expected
            pages, after = [], None
            while page := search(academie_codes=["10", "19"], after=after, limit=3):
                pages.append([c.id for c in page])
                after = ListPosition.of(page[-1])
            assert [len(p) for p in pages] == [3, 3, 1]
            assert [i for p in pages for i in p] == expected
            assert search(academie_codes=["10", "19"], limit=0) == []
            with pytest.raises(ValueError, match="limit"):
                search(academie_codes=["10"], limit=-1)
            second = search(academie_codes=["10"], session_id="BTS-2022", after=ListPosition.of(made[1]))
            assert [c.id for c in second] == [made[3].id]

    def test_effectifs_par_epreuve_count_the_current_version_of_active_candidatures(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = self._active_account(uow_factory), self._active_account(uow_factory, "other@exemple.fr")
        one, two = make_candidature(first), make_candidature(second)
        withdrawn = make_candidature(second, inscription_number="002")
        elsewhere = make_candidature(first, inscription_number="002", academie_code="19")
        later = make_candidature(first, inscription_number="003", session_id="BTS-2023")
        rows = (
            EpreuvePosition("E1", "Culture générale", "U1", True, 1, None, Position.BENEFICE, None, None, 15.0,
                            2021, "BESANCON"),
            EpreuvePosition("EF1", "Langue vivante 2", None, False, 2, None, Position.INSCRIT,
                            EvaluationMode.PONCTUEL, "Russe"),
        )  # fmt: skip
        with uow_factory() as uow:
            for candidature in (one, two, withdrawn, elsewhere, later):
                uow.candidatures.add(candidature)
            uow.candidatures.update(withdrawn.withdraw(withdrawn.updated_at))
            modified = two.modify(evolve(two.content, epreuves=rows), two.updated_at + timedelta(minutes=1))
            uow.candidatures.update(modified)
            uow.commit()
        with uow_factory() as uow:
            counts = uow.candidatures.epreuve_counts(session_id="BTS-2022", academie_codes=["10"])
            both = uow.candidatures.epreuve_counts(session_id="BTS-2022", academie_codes=["10", "19"])
        assert [(c.code, c.option, c.position, c.mode, c.candidates) for c in counts] == [
            ("E1", None, Position.BENEFICE, None, 1),
            ("E1", None, Position.INSCRIT, EvaluationMode.PONCTUEL, 1),
            ("EF1", "Russe", Position.INSCRIT, EvaluationMode.PONCTUEL, 1),
        ]
        assert both == count_epreuves([one, modified, elsewhere])

    def test_effectifs_follow_a_table_of_epreuves_that_grows_and_shrinks(self, uow_factory: UnitOfWorkFactory) -> None:
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        first = candidature.content.epreuves[0]
        more = tuple(evolve(first, code=f"E{i}") for i in range(1, 5))
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.commit()
        current = candidature
        for table in (more, more[:2], ()):
            current = current.modify(evolve(current.content, epreuves=table), current.updated_at + timedelta(1))
            with uow_factory() as uow:
                uow.candidatures.update(current)
                uow.commit()
            with uow_factory() as uow:
                counts = uow.candidatures.epreuve_counts(session_id="BTS-2022", academie_codes=["10"])
            assert counts == count_epreuves([current])
            assert [c.code for c in counts] == [e.code for e in table]
