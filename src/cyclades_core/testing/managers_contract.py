"""Contract suite of the managing service's accounts and sessions (``uow.managers``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from cyclades_core.errors import ConcurrencyConflict, ConflictError, ManagerLoginTaken
from cyclades_core.model.managers import ManagerAccount, ManagerSessionToken
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import T0, StorageSuite
from cyclades_core.testing.support import run_concurrently


def manager_account(login: str = "gest.rennes", *codes: str) -> ManagerAccount:
    return ManagerAccount(
        login=login, name="Service des examens", academie_codes=codes or ("14", "03"),
        password_hash="$test$not-a-real-hash", created_at=T0,
    )  # fmt: skip


def manager_session(digest: str, login: str = "gest.rennes", hours: int = 12) -> ManagerSessionToken:
    return ManagerSessionToken(digest, login, T0, T0 + timedelta(hours=hours))


class ManagerRepositoryContract(StorageSuite):
    """``uow.managers``: unique logins, versions, sessions by digest, rollback. Fixture: ``uow_factory``."""

    def _add(self, uow_factory: UnitOfWorkFactory, *managers: ManagerAccount) -> None:
        with uow_factory() as uow:
            for manager in managers:
                uow.managers.add(manager)
            uow.commit()

    def test_a_manager_reads_back_as_written_and_all_are_listed_by_login(self, uow_factory: UnitOfWorkFactory) -> None:
        second, first = manager_account("gest.toulouse", "16"), manager_account("gest.amiens", "19", "01")
        self._add(uow_factory, second, first)
        with uow_factory() as uow:
            assert uow.managers.get("gest.amiens") == first
            assert uow.managers.get("gest.amiens").academie_codes == ("19", "01")  # type: ignore[union-attr]
            assert uow.managers.get("gest.absent") is None
            assert list(uow.managers.all()) == [first, second]

    def test_a_login_is_taken_once_even_by_a_disabled_manager(self, uow_factory: UnitOfWorkFactory) -> None:
        manager = manager_account()
        self._add(uow_factory, manager)
        with uow_factory() as uow:
            uow.managers.update(manager.disable(T0 + timedelta(days=1)))
            uow.commit()
        with uow_factory() as uow, pytest.raises(ManagerLoginTaken) as taken:
            uow.managers.add(manager_account(manager.login, "16"))
        assert taken.value.field == "login"
        with uow_factory() as uow:
            stored = uow.managers.get(manager.login)
            assert stored is not None
            assert (stored.academie_codes, stored.disabled_at, stored.version) == (
                ("14", "03"),
                T0 + timedelta(days=1),
                2,
            )

    def test_concurrent_additions_of_one_login_have_one_winner(self, uow_factory: UnitOfWorkFactory) -> None:
        def add(index: int) -> bool:
            with uow_factory() as uow:
                uow.managers.add(manager_account("gest.course", f"{index:02d}"))
                uow.commit()
                return True

        results = run_concurrently(add, 16)
        assert sum(r is True for r in results) == 1
        assert all(r is True or isinstance(r, ManagerLoginTaken) for r in results), results
        with uow_factory() as uow:
            assert len(uow.managers.all()) == 1

    def test_an_update_needs_the_next_version(self, uow_factory: UnitOfWorkFactory) -> None:
        manager = manager_account()
        self._add(uow_factory, manager)
        changed = manager.with_password("$test$new")
        with uow_factory() as uow:
            uow.managers.update(changed)
            uow.commit()
        for stale in (changed, evolve(changed, version=4), manager_account("gest.absent").with_password("x")):
            with uow_factory() as uow, pytest.raises(ConcurrencyConflict):
                uow.managers.update(stale)
        with uow_factory() as uow:
            assert uow.managers.get(manager.login) == changed

    def test_nothing_is_kept_without_a_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.managers.add(manager_account())
            uow.managers.add_session(manager_session("d-rolled-back"))
        with uow_factory() as uow:
            assert (uow.managers.get("gest.rennes"), uow.managers.get_session("d-rolled-back")) == (None, None)

    def test_sessions_are_read_touched_revoked_and_expired(self, uow_factory: UnitOfWorkFactory) -> None:
        self._add(uow_factory, manager_account(), manager_account("gest.other", "16"))
        with uow_factory() as uow:
            uow.managers.add_session(manager_session("d1"))
            uow.managers.add_session(manager_session("d2"))
            uow.managers.add_session(manager_session("d3", "gest.other"))
            uow.managers.add_session(manager_session("d4", "gest.other", hours=100))
            uow.commit()
        with uow_factory() as uow:
            assert uow.managers.get_session("d1") == manager_session("d1")
            assert uow.managers.get_session("absent") is None
            uow.managers.touch_session("d1", T0 + timedelta(minutes=5))
            uow.managers.touch_session("absent", T0)
            uow.commit()
        with uow_factory() as uow:
            touched = uow.managers.get_session("d1")
            assert touched is not None
            assert touched.last_used_at == T0 + timedelta(minutes=5)
            assert uow.managers.revoke_sessions("gest.rennes") == 2
            uow.managers.revoke_session("absent")
            uow.commit()
        with uow_factory() as uow:
            assert [uow.managers.get_session(d) is not None for d in ("d1", "d2", "d3", "d4")] == [
                False, False, True, True,
            ]  # fmt: skip
            assert uow.managers.remove_expired_sessions(T0 + timedelta(hours=12)) == 0
            assert uow.managers.remove_expired_sessions(T0 + timedelta(hours=12, seconds=1)) == 1
            uow.managers.revoke_session("d4")
            uow.commit()
        with uow_factory() as uow:
            assert (uow.managers.get_session("d3"), uow.managers.get_session("d4")) == (None, None)

    def test_a_session_needs_its_manager_and_a_fresh_digest(self, uow_factory: UnitOfWorkFactory) -> None:
        self._add(uow_factory, manager_account())
        with uow_factory() as uow:
            uow.managers.add_session(manager_session("d1"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.managers.add_session(manager_session("d1"))
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.managers.add_session(manager_session("d2", "gest.absent"))
        with uow_factory() as uow:
            assert uow.managers.get_session("d1") == manager_session("d1")
            assert uow.managers.get_session("d2") is None
