"""Contract suite of the account repository (``uow.accounts``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from cyclades_core.errors import (
    ConcurrencyConflict,
    DuplicateAccount,
    EmailAlreadyUsed,
)
from cyclades_core.model.account import AccountState
from cyclades_core.model.values import EmailAddress, email_key
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import T0, StorageSuite
from cyclades_core.testing.support import make_account, run_concurrently


class AccountRepositoryContract(StorageSuite):
    """``uow.accounts``: identifiers, uniqueness, versions, removal. Fixture: ``uow_factory``."""

    def test_accounts_are_found_by_each_identifier(self, uow_factory: UnitOfWorkFactory) -> None:
        by_mail = make_account(email="Paul.Martin@Exemple.fr")
        by_login = make_account(email=None, login="dupont.marie3", state=AccountState.ACTIVE)
        with uow_factory() as uow:
            uow.accounts.add(by_mail)
            uow.accounts.add(by_login)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.find_by_email(email_key("paul.martin@exemple.FR")) == by_mail
            assert uow.accounts.find_by_login("dupont.marie3") == by_login
            assert uow.accounts.find_by_candidate_number(str(by_login.candidate_number)) == by_login
            assert uow.accounts.find_by_email(email_key("nobody@exemple.fr")) is None
            assert uow.accounts.find_by_login("nobody.here1") is None
            assert uow.accounts.find_by_candidate_number("00000000000") is None

    def test_the_email_is_unique_whatever_its_case(self, uow_factory: UnitOfWorkFactory) -> None:
        """ACC-02 / A2."""
        with uow_factory() as uow:
            uow.accounts.add(make_account(email="A@b.fr"))
            uow.commit()
        with pytest.raises(EmailAlreadyUsed), uow_factory() as uow:
            uow.accounts.add(make_account(email="a@B.FR"))

    def test_lookalike_emails_are_distinct_accounts(self, uow_factory: UnitOfWorkFactory) -> None:
        """A2: ``mike`` and ``mıke`` (dotless i) are two people."""
        with uow_factory() as uow:
            uow.accounts.add(make_account(email="mike@example.org"))
            uow.accounts.add(make_account(email="mıke@example.org"))
            uow.commit()

    def test_login_and_candidate_number_are_unique(self, uow_factory: UnitOfWorkFactory) -> None:
        first = make_account(email=None, login="dupont.marie1", candidate_number="02230000001")
        with uow_factory() as uow:
            uow.accounts.add(first)
            uow.commit()
        with pytest.raises(DuplicateAccount), uow_factory() as uow:
            uow.accounts.add(make_account(email=None, login="dupont.marie1"))
        with pytest.raises(DuplicateAccount), uow_factory() as uow:
            uow.accounts.add(make_account(email="other@exemple.fr", candidate_number="02230000001"))

    def test_concurrent_creations_of_one_email_give_exactly_one_account(self, uow_factory: UnitOfWorkFactory) -> None:
        """A1: 32 threads behind a barrier, the storage's own uniqueness decides."""
        accounts = [make_account(email="Same@Exemple.fr") for _ in range(32)]

        def create(i: int) -> str:
            with uow_factory() as uow:
                uow.accounts.add(accounts[i])
                uow.commit()
            return accounts[i].id

        results = run_concurrently(create, 32)
        created = [r for r in results if isinstance(r, str)]
        assert len(created) == 1
        assert all(isinstance(r, EmailAlreadyUsed) for r in results if not isinstance(r, str))
        with uow_factory() as uow:
            assert uow.accounts.find_by_email(email_key("same@exemple.fr")) is not None

    def test_an_update_must_carry_the_next_version(self, uow_factory: UnitOfWorkFactory) -> None:
        """Optimistic concurrency: two writers from one read, the second is a conflict and changes nothing."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        first = account.activate(T0)
        second = evolve(account, version=account.version + 1, password_hash="other")
        with uow_factory() as uow:
            uow.accounts.update(first)
            uow.commit()
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.accounts.update(second)
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == first

    def test_updating_a_removed_account_is_a_conflict(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.accounts.update(account.activate(T0))

    def test_changing_to_a_taken_email_is_refused(self, uow_factory: UnitOfWorkFactory) -> None:
        mine, theirs = make_account(email="mine@exemple.fr"), make_account(email="theirs@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(mine.activate(T0))
            uow.accounts.add(theirs)
            uow.commit()
        with uow_factory() as uow:
            current = uow.accounts.get(mine.id)
        assert current is not None
        with pytest.raises(EmailAlreadyUsed), uow_factory() as uow:
            uow.accounts.update(current.change_email(EmailAddress("Theirs@exemple.fr", email_key("Theirs@exemple.fr"))))
        with uow_factory() as uow:
            assert uow.accounts.get(mine.id) == current

    def test_a_changed_email_frees_the_old_one(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account(email="old@exemple.fr", state=AccountState.ACTIVE)
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.accounts.update(account.change_email(EmailAddress("new@exemple.fr", "new@exemple.fr")))
            uow.accounts.add(make_account(email="old@exemple.fr"))
            uow.commit()
        with uow_factory() as uow:
            moved = uow.accounts.find_by_email("new@exemple.fr")
            assert moved is not None
            assert moved.id == account.id

    def test_lock_reads_the_account_like_get(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account(email="locked@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.lock(account.id) == account
            assert uow.accounts.lock("missing") is None
            uow.accounts.update(evolve(account, version=account.version + 1))
            uow.commit()

    def test_get_many_reads_the_existing_accounts_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        accounts = [make_account(email=f"many{i}@exemple.fr") for i in range(3)]
        with uow_factory() as uow:
            for account in accounts:
                uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            ids = [accounts[2].id, "missing", accounts[0].id, accounts[0].id]
            assert dict(uow.accounts.get_many(ids)) == {accounts[2].id: accounts[2], accounts[0].id: accounts[0]}
            assert dict(uow.accounts.get_many([])) == {}
            many = [make_account(email=f"bulk{i}@exemple.fr") for i in range(1200)]  # more than one IN list
            for account in many:
                uow.accounts.add(account)
            assert len(uow.accounts.get_many([a.id for a in many])) == 1200

    def test_removing_an_account_frees_its_email(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account(email="gone@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.remove(account.id, account.version) is True
            assert uow.accounts.remove(account.id, account.version) is False
            uow.accounts.add(make_account(email="GONE@exemple.fr"))
            uow.commit()

    def test_an_account_changed_since_it_was_read_is_not_removed(self, uow_factory: UnitOfWorkFactory) -> None:
        """B8: a purge that read the pending account loses to an activation written meanwhile."""
        account = make_account(email="racing@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            uow.accounts.update(evolve(account, version=account.version + 1))
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.remove(account.id, account.version) is False
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is not None

    def test_pending_expired_lists_only_pending_accounts_past_their_deadline(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        late = make_account(email="late@exemple.fr")
        fresh = make_account(email="fresh@exemple.fr", created_at=T0 + timedelta(hours=10))
        active = make_account(email="active@exemple.fr", state=AccountState.ACTIVE)
        with uow_factory() as uow:
            for account in (late, fresh, active):
                uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.accounts.pending_expired(T0 + timedelta(hours=48), 10)) == []
            assert list(uow.accounts.pending_expired(T0 + timedelta(hours=48, seconds=1), 10)) == [late.id]
            assert set(uow.accounts.pending_expired(T0 + timedelta(hours=60), 10)) == {late.id, fresh.id}
            assert len(uow.accounts.pending_expired(T0 + timedelta(hours=60), 1)) == 1
