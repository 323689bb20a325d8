"""Contract suite of the unit of work (K1): atomic, rolled back by default and on error."""

from __future__ import annotations

import pytest

from cyclades_core.errors import EmailAlreadyUsed
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import StorageSuite, issued_token, outbox_message
from cyclades_core.testing.support import make_account


class UnitOfWorkContract(StorageSuite):
    """The unit of work itself: commit, rollback, atomic batches. Fixture: ``uow_factory``."""

    def test_a_committed_write_is_visible_to_the_next_unit_of_work(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == account

    def test_it_rolls_back_by_default(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(outbox_message(account.id))
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None
            assert uow.outbox.pending(10) == []

    def test_it_rolls_back_on_error(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()

        def failing_use_case() -> None:
            with uow_factory() as uow:
                uow.accounts.add(account)
                uow.tokens.add(issued_token(account.id, "d1"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            failing_use_case()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None
            assert uow.tokens.get("d1") is None

    def test_an_explicit_rollback_forgets_the_writes(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.rollback()
            assert uow.accounts.get(account.id) is None

    def test_a_batch_with_one_violation_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        """K2: the third insert breaks a unique rule; the whole unit of work is refused."""
        with uow_factory() as uow:
            uow.accounts.add(make_account(email="first@exemple.fr"))
            uow.commit()
        batch = [
            make_account(email="a@exemple.fr"),
            make_account(email="b@exemple.fr"),
            make_account(email="FIRST@exemple.fr"),
        ]

        def add_batch() -> None:
            with uow_factory() as uow:
                for account in batch:
                    uow.accounts.add(account)
                uow.commit()

        with pytest.raises(EmailAlreadyUsed):
            add_batch()
        with uow_factory() as uow:
            assert all(uow.accounts.get(a.id) is None for a in batch)
