"""Contract suites: what every adapter of a port must do. Public API, versioned; never renamed.

Subclass a suite in a test module and provide its one fixture::

    class TestMyStorage(StorageContract):
        @pytest.fixture
        def uow_factory(self) -> UnitOfWorkFactory:
            return MyDatabase(...).unit_of_work

The memory adapters pass them in ``tests/contracts``; the SQL adapters and any integrator's must pass them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import evolve

from cyclades_core.errors import (
    AccountNotFound,
    ConcurrencyConflict,
    ConflictError,
    DuplicateAccount,
    EmailAlreadyUsed,
    FileTooLarge,
    NotFoundError,
)
from cyclades_core.model.account import Account, AccountState
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import (
    CandidatureState,
    EpreuvePosition,
    ListPosition,
    Position,
    count_epreuves,
)
from cyclades_core.model.catalogue import (
    Academie,
    Announcement,
    CandidateCategory,
    Contact,
    Diploma,
    Domain,
    Epreuve,
    EvaluationMode,
    Exam,
    ExamSession,
    FormeDePassage,
    Nationality,
    Pcs,
    Period,
    RegistrationService,
    Specialite,
)
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.model.pieces import ScanVerdict
from cyclades_core.model.tokens import IssuedToken, TokenPurpose
from cyclades_core.model.values import EmailAddress, email_key
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.files import FileScanner, FileStore
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.ports.security import (
    BreachedPasswords,
    CandidateNumberAllocator,
    PasswordHasher,
    RateLimiter,
    ThrottlePolicy,
)
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing.support import make_account, make_candidature, run_concurrently

__all__ = [
    "BirthplaceDirectoryContract",
    "CandidateNumberAllocatorContract",
    "CatalogueContract",
    "FileScannerContract",
    "FileStoreContract",
    "PasswordHasherContract",
    "RateLimiterContract",
    "StorageContract",
]

T0 = datetime(2021, 10, 1, 8, 0, tzinfo=UTC)


def _message(account_id: str | None, n: int = 0) -> OutboxMessage:
    return OutboxMessage(
        id=f"m{n}-{account_id}",
        kind=MailKind.ACTIVATION,
        account_id=account_id,
        recipient="accrall@ac-rennes.fr",
        subject="[CYCLADES] Activer mon compte",
        body="Bonjour",
        created_at=T0 + timedelta(seconds=n),
    )


def _token(account_id: str, digest: str, purpose: TokenPurpose = TokenPurpose.ACTIVATION) -> IssuedToken:
    return IssuedToken(digest, purpose, account_id, T0, T0 + timedelta(hours=48))


class StorageContract:
    """The unit of work and every repository it carries (K1). Fixture: ``uow_factory``."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        raise NotImplementedError("subclass the contract and return your adapter's unit-of-work factory")

    # -- the unit of work ---------------------------------------------------------------------------------------

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
            uow.outbox.add(_message(account.id))
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None
            assert uow.outbox.pending(10) == []

    def test_it_rolls_back_on_error(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()

        def failing_use_case() -> None:
            with uow_factory() as uow:
                uow.accounts.add(account)
                uow.tokens.add(_token(account.id, "d1"))
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

    # -- accounts -----------------------------------------------------------------------------------------------

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

    # -- tokens -------------------------------------------------------------------------------------------------

    def test_a_token_is_read_without_being_consumed(self, uow_factory: UnitOfWorkFactory) -> None:
        """B5: reading many times changes nothing; then exactly one claim wins."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(_token(account.id, "digest-1"))
            uow.commit()
        for _ in range(100):
            with uow_factory() as uow:
                token = uow.tokens.get("digest-1")
                assert token is not None
                assert token.used_at is None
        with uow_factory() as uow:
            assert uow.tokens.mark_used("digest-1", T0) is True
            assert uow.tokens.mark_used("digest-1", T0) is False
            assert uow.tokens.mark_used("unknown", T0) is False
            uow.commit()
        with uow_factory() as uow:
            used = uow.tokens.get("digest-1")
            assert used is not None
            assert used.used_at == T0

    def test_concurrent_claims_of_one_token_have_one_winner(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(_token(account.id, "digest-race"))
            uow.commit()

        def claim(_: int) -> bool:
            with uow_factory() as uow:
                won = uow.tokens.mark_used("digest-race", T0)
                uow.commit()
                return won

        assert sorted(r is True for r in run_concurrently(claim, 16)) == [False] * 15 + [True]

    def test_tokens_are_revoked_by_account_and_purpose(self, uow_factory: UnitOfWorkFactory) -> None:
        account, other = make_account(email="x@exemple.fr"), make_account(email="y@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.accounts.add(other)
            uow.tokens.add(_token(account.id, "act"))
            uow.tokens.add(_token(account.id, "reset", TokenPurpose.RESET))
            uow.tokens.add(_token(account.id, "s1", TokenPurpose.SESSION))
            uow.tokens.add(_token(account.id, "s2", TokenPurpose.SESSION))
            uow.tokens.add(_token(other.id, "s3", TokenPurpose.SESSION))
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.revoke_for_account(account.id, (TokenPurpose.SESSION, TokenPurpose.RESET), keep="s1") == 2
            uow.commit()
        with uow_factory() as uow:
            assert [uow.tokens.get(d) is not None for d in ("act", "reset", "s1", "s2", "s3")] == [
                True,
                False,
                True,
                False,
                True,
            ]
            uow.tokens.revoke("act")
            uow.tokens.revoke("absent")
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.get("act") is None

    def test_sessions_are_touched_and_expired_tokens_removed(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(_token(account.id, "s", TokenPurpose.SESSION))
            uow.tokens.add(IssuedToken("late", TokenPurpose.RESET, account.id, T0, T0 + timedelta(hours=100)))
            uow.tokens.touch("s", T0 + timedelta(minutes=5))
            uow.commit()
        with uow_factory() as uow:
            touched = uow.tokens.get("s")
            assert touched is not None
            assert touched.last_used_at == T0 + timedelta(minutes=5)
            assert uow.tokens.remove_expired(T0 + timedelta(hours=48)) == 0
            assert uow.tokens.remove_expired(T0 + timedelta(hours=48, seconds=1)) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.get("s") is None
            assert uow.tokens.get("late") is not None

    # -- outbox and audit ---------------------------------------------------------------------------------------

    def test_the_outbox_keeps_order_marks_sent_once_and_discards_by_account(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            for n in range(3):
                uow.outbox.add(_message(account.id, n))
            uow.outbox.add(_message(None, 9))
            uow.commit()
        with uow_factory() as uow:
            pending = uow.outbox.pending(10)
            assert [m.id for m in pending] == [f"m{n}-{account.id}" for n in range(3)] + ["m9-None"]
            assert uow.outbox.mark_sent(pending[0].id, T0) is True
            assert uow.outbox.mark_sent(pending[0].id, T0) is False
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.discard_for_account(account.id) == 3  # the sent one too (erasure, B7)
            uow.commit()
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.pending(10)] == ["m9-None"]

    def test_a_delivered_message_keeps_neither_its_body_nor_its_recipient(self, uow_factory: UnitOfWorkFactory) -> None:
        """L1 / B7: once sent, the row holds no link and no address; erasing the account drops it altogether."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(_message(account.id, 1))
            uow.outbox.add(_message(None, 2))
            uow.commit()
        with uow_factory() as uow:
            for message in uow.outbox.claim(T0, 10, timedelta(minutes=5)):
                assert uow.outbox.mark_sent(message.id, T0 + timedelta(seconds=1)) is True
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.pending(10) == []
            assert uow.outbox.discard_for_account(account.id) == 1
            uow.commit()
        with uow_factory() as uow:
            uow.outbox.add(_message(None, 3))
            with pytest.raises(ConflictError):  # the delivered row is still there, without its address
                uow.outbox.add(_message(None, 2))
            assert uow.outbox.mark_sent("m3-None", T0) is True
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.failed(10) == []
            assert uow.outbox.discard_for_account(account.id) == 0
            assert uow.outbox.mark_sent("m2-None", T0) is False

    def test_a_failure_records_its_reason_and_a_dead_letter_is_never_claimed_again(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        """J2: attempts and ``last_error`` are stored; a dead letter leaves the queue, keeps its reason, loses its
        body and address, and the operator still lists it; erasure drops it."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            for n in range(3):
                uow.outbox.add(_message(account.id, n))
            uow.commit()
        lease = timedelta(minutes=5)
        later = T0 + timedelta(minutes=1)
        with uow_factory() as uow:
            first, second, third = uow.outbox.claim(T0, 10, lease)
            uow.outbox.mark_failed(first.id, later, "smtp 451 4.7.1")
            uow.outbox.mark_dead(second.id, T0, "smtp 550 5.1.1 recipient refused")
            uow.commit()
        with uow_factory() as uow:
            failed = {m.id: m for m in uow.outbox.failed(10)}
            assert list(failed) == [first.id, second.id]
            retry, dead = failed[first.id], failed[second.id]
            assert (retry.attempts, retry.last_error, retry.next_attempt_at, retry.dead_at) == (
                1, "smtp 451 4.7.1", later, None,
            )  # fmt: skip
            assert (retry.recipient, retry.body) == ("accrall@ac-rennes.fr", "Bonjour")  # still to be sent
            assert (dead.attempts, dead.last_error, dead.dead_at, dead.is_dead) == (
                1, "smtp 550 5.1.1 recipient refused", T0, True,
            )  # fmt: skip
            assert (dead.recipient, dead.body, dead.claimed_until) == ("", "", None)
            assert [m.id for m in uow.outbox.pending(10)] == [first.id, third.id]
            assert [m.id for m in uow.outbox.claim(later + lease, 10, lease)] == [first.id, third.id]
            uow.outbox.mark_failed(first.id, later + lease, "timeout (send)")
            uow.commit()
        with uow_factory() as uow:
            [retry, dead] = uow.outbox.failed(10)
            assert (retry.attempts, retry.last_error) == (2, "timeout (send)")
            assert uow.outbox.discard_for_account(account.id) == 3
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.failed(10) == []

    def test_a_duplicate_message_id_is_a_conflict_that_spares_the_rest(self, uow_factory: UnitOfWorkFactory) -> None:
        """A deterministic id makes a mail "never twice"; the refusal leaves the caller's transaction usable."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.outbox.add(_message(account.id, 1))
            with pytest.raises(ConflictError):
                uow.outbox.add(_message(account.id, 1))
            uow.outbox.add(_message(account.id, 2))
            uow.commit()
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.pending(10)] == [f"m1-{account.id}", f"m2-{account.id}"]

    def test_claims_lease_messages_and_failures_wait_for_their_next_attempt(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            for n in range(3):
                uow.outbox.add(_message(account.id, n))
            uow.commit()
        lease = timedelta(minutes=5)
        with uow_factory() as uow:
            first = uow.outbox.claim(T0, 2, lease)
            uow.commit()
        assert [m.id for m in first] == [f"m0-{account.id}", f"m1-{account.id}"]
        assert all(m.claimed_until == T0 + lease for m in first)
        with uow_factory() as uow:
            assert [m.id for m in uow.outbox.claim(T0, 10, lease)] == [f"m2-{account.id}"]
            uow.outbox.mark_failed(first[0].id, T0 + timedelta(minutes=1), "smtp 421")
            uow.outbox.mark_sent(first[1].id, T0)
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.claim(T0 + timedelta(seconds=30), 10, lease) == []
            [retry] = uow.outbox.claim(T0 + timedelta(minutes=1), 10, lease)  # the failed one, due again
            assert (retry.id, retry.attempts) == (first[0].id, 1)
            [expired] = uow.outbox.claim(T0 + lease, 10, lease)  # m2's lease ran out (a relay crashed)
            assert expired.id == f"m2-{account.id}"
            uow.commit()

    def test_four_concurrent_relays_never_claim_one_message_twice(self, uow_factory: UnitOfWorkFactory) -> None:
        """J3: 4 relays over 1 000 messages → 1 000 distinct claims."""
        with uow_factory() as uow:
            for n in range(1000):
                uow.outbox.add(_message(None, n))
            uow.commit()

        def relay(_: int) -> list[str]:
            taken: list[str] = []
            while True:
                with uow_factory() as uow:
                    batch = uow.outbox.claim(T0, 25, timedelta(minutes=5))
                    for message in batch:
                        uow.outbox.mark_sent(message.id, T0)
                    uow.commit()
                if not batch:
                    return taken
                taken.extend(m.id for m in batch)

        results = run_concurrently(relay, 4)
        claimed = [m for r in results if isinstance(r, list) for m in r]
        assert all(isinstance(r, list) for r in results), results
        assert len(claimed) == len(set(claimed)) == 1000

    def test_the_audit_log_appends_and_rolls_back_with_the_change(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.audit.append(AuditRecord.of(T0, "account_created", "anonymous", "acc-1"))
            uow.audit.append(AuditRecord.of(T0, "account_activated", "candidate", "acc-1", note="ok\r\nFAKE ENTRY"))
            uow.commit()
        with uow_factory() as uow:
            uow.audit.append(AuditRecord.of(T0, "ghost", "anonymous", "acc-1"))
        with uow_factory() as uow:
            records = uow.audit.for_account("acc-1")
        assert [r.action for r in records] == ["account_created", "account_activated"]
        assert records[1].details == (("note", "ok\\x0d\\x0aFAKE ENTRY"),)
        assert not hasattr(uow.audit, "update")
        assert not hasattr(uow.audit, "delete")

    def test_the_retention_purge_removes_only_older_records(self, uow_factory: UnitOfWorkFactory) -> None:
        """I4: records older than the cutoff go, newer ones stay, and appending goes on after a purge."""
        with uow_factory() as uow:
            for days in (0, 100, 400):
                uow.audit.append(AuditRecord.of(T0 + timedelta(days=days), f"day{days}", "system", "acc-r"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.audit.expire_before(T0 + timedelta(days=100)) == 1
            uow.audit.append(AuditRecord.of(T0 + timedelta(days=500), "day500", "system", "acc-r"))
            uow.commit()
        with uow_factory() as uow:
            assert [r.action for r in uow.audit.for_account("acc-r")] == ["day100", "day400", "day500"]

    def test_has_any_candidature_is_false_for_a_fresh_account(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            assert uow.candidatures.has_any(account.id) is False

    # -- candidatures and documents -----------------------------------------------------------------------------

    def _active_account(self, uow_factory: UnitOfWorkFactory, email: str = "cand@exemple.fr") -> Account:
        account = make_account(email=email, state=AccountState.ACTIVE)
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        return account

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

    def test_documents_are_republished_in_place(self, uow_factory: UnitOfWorkFactory) -> None:
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        at = candidature.updated_at
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.CONFIRMATION, 1, at, "system"))
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.DEMANDE_PIECES, 1, at, "system"))
            uow.commit()
        later = at + timedelta(hours=1)
        with uow_factory() as uow:
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.CONFIRMATION, 2, later, "system"))
            uow.commit()
        with uow_factory() as uow:
            confirmation = uow.documents.get(candidature.id, DocumentKind.CONFIRMATION)
            assert confirmation is not None
            assert (confirmation.version, confirmation.updated_at) == (2, later)
            assert [d.kind for d in uow.documents.for_candidature(candidature.id)] == [
                DocumentKind.DEMANDE_PIECES,
                DocumentKind.CONFIRMATION,
            ]
            assert uow.documents.get(candidature.id, DocumentKind.CONVOCATION) is None


class RateLimiterContract:
    """Fixture: ``limiter``, a fresh adapter."""

    @pytest.fixture
    def limiter(self) -> RateLimiter:
        raise NotImplementedError

    def test_hits_are_counted_within_a_sliding_window(self, limiter: RateLimiter) -> None:
        window = timedelta(seconds=180)
        assert limiter.hit("k", T0, 1, window) is True
        assert limiter.hit("k", T0 + timedelta(seconds=60), 1, window) is False
        assert limiter.hit("k", T0 + timedelta(seconds=200), 1, window) is True
        assert limiter.hit("other", T0, 1, window) is True

    def test_consecutive_failures_throttle_with_rising_delays_then_clear(self, limiter: RateLimiter) -> None:
        policy = ThrottlePolicy(free_failures=3, base_delay=timedelta(minutes=1), max_delay=timedelta(minutes=4))
        for _ in range(2):
            limiter.record_failure("acc", T0)
        assert limiter.blocked_until("acc", T0, policy) is None
        assert limiter.record_failure("acc", T0) == 3
        assert limiter.blocked_until("acc", T0, policy) == T0 + timedelta(minutes=1)
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=1), policy) is None
        limiter.record_failure("acc", T0 + timedelta(minutes=1))
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=2), policy) == T0 + timedelta(minutes=3)
        limiter.clear("acc")
        assert limiter.blocked_until("acc", T0 + timedelta(minutes=2), policy) is None

    def test_expiry_forgets_only_what_was_last_touched_before_the_cutoff(self, limiter: RateLimiter) -> None:
        policy = ThrottlePolicy(free_failures=1, base_delay=timedelta(hours=2), max_delay=timedelta(hours=2))
        limiter.hit("old", T0, 1, timedelta(days=30))
        limiter.hit("new", T0 + timedelta(days=2), 1, timedelta(days=30))
        limiter.record_failure("old-failure", T0)
        limiter.record_failure("new-failure", T0 + timedelta(days=2))
        assert limiter.expire(T0 + timedelta(days=1)) == 2
        later = T0 + timedelta(days=2, minutes=1)
        assert limiter.hit("old", later, 1, timedelta(days=30)) is True  # forgotten
        assert limiter.hit("new", later, 1, timedelta(days=30)) is False  # kept
        assert limiter.blocked_until("old-failure", later, policy) is None
        assert limiter.blocked_until("new-failure", later, policy) is not None

    def test_concurrent_hits_never_exceed_the_limit(self, limiter: RateLimiter) -> None:
        results = run_concurrently(lambda _: limiter.hit("flood", T0, 5, timedelta(minutes=1)), 16)
        assert results.count(True) == 5


class PasswordHasherContract:
    """Fixture: ``hasher`` (its cheapest profile is fine)."""

    @pytest.fixture
    def hasher(self) -> PasswordHasher:
        raise NotImplementedError

    def test_a_hash_verifies_its_password_only(self, hasher: PasswordHasher) -> None:
        encoded = hasher.hash("Abcdefg!")
        assert hasher.verify(encoded, "Abcdefg!") is True
        assert hasher.verify(encoded, "abcdefg!") is False
        assert hasher.verify(encoded, "Abcdefg!x") is False

    def test_two_hashes_of_one_password_differ(self, hasher: PasswordHasher) -> None:
        """D4: a fresh salt each time; the string is self-describing and holds no plaintext."""
        first, second = hasher.hash("Abcdefg!"), hasher.hash("Abcdefg!")
        assert first != second
        assert "Abcdefg!" not in first
        assert "$" in first

    def test_a_malformed_hash_never_verifies_and_needs_rehash(self, hasher: PasswordHasher) -> None:
        for broken in ("", "nonsense", "$argon2id$v=19$", "scrypt$1$1$1$$"):
            assert hasher.verify(broken, "Abcdefg!") is False
            assert hasher.needs_rehash(broken) is True
        assert hasher.needs_rehash(hasher.hash("Abcdefg!")) is False

    def test_unicode_passwords_round_trip(self, hasher: PasswordHasher) -> None:
        encoded = hasher.hash("Éléphant«œ»!")
        assert hasher.verify(encoded, "Éléphant«œ»!") is True
        assert hasher.verify(encoded, "Elephant«œ»!") is False


class BreachedPasswordsContract:
    """Fixture: ``corpus``, holding :data:`KNOWN_BREACHED` and able to answer for :data:`NOT_BREACHED`."""

    KNOWN_BREACHED = "P@ssw0rd"
    NOT_BREACHED = "Zq8#vraiment-improbable-5Xk"

    @pytest.fixture
    def corpus(self) -> BreachedPasswords:
        raise NotImplementedError

    def test_a_breached_password_is_found_and_a_clean_one_is_not(self, corpus: BreachedPasswords) -> None:
        assert corpus.breached(self.KNOWN_BREACHED) is True
        assert corpus.breached(self.NOT_BREACHED) is False


class CandidateNumberAllocatorContract:
    """Fixture: ``allocator``."""

    @pytest.fixture
    def allocator(self) -> CandidateNumberAllocator:
        raise NotImplementedError

    def test_numbers_have_eleven_digits_and_the_year(self, allocator: CandidateNumberAllocator) -> None:
        number = allocator.allocate(2022)
        assert len(number) == 11
        assert number.isdigit()
        assert number.startswith("022")

    def test_numbers_are_never_given_twice_even_concurrently(self, allocator: CandidateNumberAllocator) -> None:
        """A7: 10 000 numbers, 16 threads at once among them, all distinct."""
        numbers = [allocator.allocate(2022) for _ in range(9_000)]
        batches = run_concurrently(lambda _: [allocator.allocate(2022) for _ in range(63)], 16)
        for batch in batches:
            assert isinstance(batch, list)
            numbers.extend(batch)
        assert len(numbers) == 10_008
        assert len(set(numbers)) == len(numbers)


class BirthplaceDirectoryContract:
    """Fixture: ``directory``. Holds at least the guide's places (Calvados, MAY-SUR-ORNE, Aube, TROYES)."""

    @pytest.fixture
    def directory(self) -> BirthplaceDirectory:
        raise NotImplementedError

    def test_france_and_its_departements_are_known(self, directory: BirthplaceDirectory) -> None:
        france = directory.country("99100")
        assert france is not None
        assert france.name == "FRANCE (DONT OUTRE-MER)"
        calvados = directory.departement("014")
        assert calvados is not None
        assert calvados.name.upper() == "CALVADOS"
        assert directory.country("00000") is None
        assert directory.departement("999") is None

    def test_a_commune_is_found_by_code_or_name_within_its_departement(self, directory: BirthplaceDirectory) -> None:
        by_name = directory.commune("014", "may-sur-orne")
        assert by_name is not None
        assert by_name.code == "14408"
        by_code = directory.commune("014", "14408")
        assert by_code is not None
        assert by_code.code == "14408"
        assert directory.commune("010", "MAY-SUR-ORNE") is None

    def test_communes_are_searched_by_prefix_ignoring_case_and_accents(self, directory: BirthplaceDirectory) -> None:
        names = [c.name for c in directory.search_communes("014", "may sur")]
        assert "MAY-SUR-ORNE" in names
        assert [c.name for c in directory.search_communes("010", "TROY")][:1] == ["TROYES"]
        assert list(directory.search_communes("010", "zzzz")) == []


def _catalogue_items() -> dict[str, Any]:
    contact = Contact("Rectorat de Lyon", ("92 rue de Marseille", "69007 LYON"), "0472807070", "dec@ac-lyon.fr")
    period = Period(datetime(2021, 11, 1, 7, tzinfo=UTC), datetime(2021, 11, 29, 17, tzinfo=UTC))
    return {
        "exam": Exam("BTS", "BREVET DE TECHNICIEN SUPERIEUR", Domain.EXAMEN),
        "session": ExamSession("T-2022", "BTS", "BTS 2022", 2022, 6),
        "older": ExamSession("T-2021", "BTS", "BTS 2021", 2021, 6),
        "lyon": Academie("T10", "LYON", contact),
        "besancon": Academie("T03", "BESANCON", contact),
        "service": RegistrationService("T-2022", "T10", period),
        "banque_2016": Specialite("T9991", "Banque", "BTS", (Epreuve("E1", "Culture générale", True, "U1"),), 2016),
        "banque_2023": Specialite(
            "T9991", "Banque - conseiller de clientèle", "BTS", (Epreuve("E1", "Culture générale", True, "U10"),), 2023
        ),
        "category": CandidateCategory("T320", "FORMATION CONTINUE", (FormeDePassage.GLOBALE,)),
        "diplomas": [Diploma("00012", "BACCALAURÉAT GÉNÉRAL", "Bac général"), Diploma("00099", "AUTRES CAS")],
        "pcs": Pcs("64", "Chauffeurs"),
        "nationality": Nationality("99100", "Française"),
        "announcement": Announcement("a1", "Maintenance", period),
    }


class CatalogueContract:
    """Fixture: ``catalogue``, an empty (or freshly loaded) adapter whose ``put`` works."""

    @pytest.fixture
    def catalogue(self) -> Catalogue:
        raise NotImplementedError

    def _fill(self, catalogue: Catalogue) -> dict[str, Any]:
        items = _catalogue_items()
        for key in ("exam", "session", "older", "lyon", "besancon", "service", "banque_2016", "banque_2023"):
            catalogue.put(items[key])
        for key in ("category", "pcs", "nationality", "announcement"):
            catalogue.put(items[key])
        for diploma in items["diplomas"]:
            catalogue.put(diploma)
        return items

    def test_items_are_read_back_by_their_keys(self, catalogue: Catalogue) -> None:
        items = self._fill(catalogue)
        assert items["exam"] in catalogue.exams()
        assert catalogue.session("T-2022") == items["session"]
        assert [s.id for s in catalogue.sessions("BTS") if s.id.startswith("T-")] == ["T-2022", "T-2021"]
        assert catalogue.academie("T10") == items["lyon"]
        assert catalogue.service("T-2022", "T10") == items["service"]
        assert catalogue.service("T-2022", "T03") is None
        assert items["service"] in catalogue.services("T-2022")
        assert catalogue.category("T320") == items["category"]
        assert items["pcs"] in catalogue.pcs()
        assert items["nationality"] in catalogue.nationalities()
        assert items["announcement"] in catalogue.announcements()
        codes = [d.code for d in catalogue.diplomas()]
        assert codes.index("00012") < codes.index("00099")

    def test_a_put_replaces_the_item_with_the_same_key(self, catalogue: Catalogue) -> None:
        items = self._fill(catalogue)
        moved = RegistrationService(
            "T-2022", "T10", Period(datetime(2021, 11, 2, 7, tzinfo=UTC), datetime(2021, 11, 30, 17, tzinfo=UTC))
        )
        catalogue.put(moved)
        assert catalogue.service("T-2022", "T10") == moved
        assert len([s for s in catalogue.services("T-2022") if s.academie_code == "T10"]) == 1
        assert items["service"] != moved

    def test_a_specialite_is_read_in_the_version_valid_for_the_session(self, catalogue: Catalogue) -> None:
        self._fill(catalogue)
        old, new = catalogue.specialite("T9991", 2022), catalogue.specialite("T9991", 2023)
        assert old is not None
        assert new is not None
        assert old.epreuves[0].unit == "U1"
        assert new.epreuves[0].unit == "U10"
        assert catalogue.specialite("T9991", 2015) is None
        assert [s.valid_from_year for s in catalogue.specialites("BTS", 2024) if s.code == "T9991"] == [2023]

    def test_references_must_exist(self, catalogue: Catalogue) -> None:
        """MGR-01: a service needs its session and académie, a session its exam, a spécialité its exam."""
        items = _catalogue_items()
        with pytest.raises(NotFoundError):
            catalogue.put(ExamSession("X-2022", "NOPE", "X 2022", 2022, 6))
        catalogue.put(items["exam"])
        catalogue.put(items["session"])
        with pytest.raises(NotFoundError):
            catalogue.put(items["service"])
        with pytest.raises(NotFoundError):
            catalogue.put(Specialite("99999", "Inconnue", "NOPE", ()))
        assert catalogue.service("T-2022", "T10") is None


def _infinite(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    while True:
        yield chunk


class FileStoreContract:
    """Fixture: ``store``, an empty adapter."""

    @pytest.fixture
    def store(self) -> FileStore:
        raise NotImplementedError

    def test_a_file_is_stored_under_a_generated_id_and_read_back(self, store: FileStore) -> None:
        file_id, size = store.put([b"%PDF-1.4\n", b"hello"], 1024)
        assert size == 14
        assert store.get(file_id) == b"%PDF-1.4\nhello"
        assert list(store.ids()) == [file_id]
        other, _ = store.put([b"x"], 1024)
        assert other != file_id
        store.delete(file_id)
        store.delete(file_id)
        assert list(store.ids()) == [other]

    def test_an_infinite_stream_stops_at_the_limit_and_leaves_nothing(self, store: FileStore) -> None:
        """H1: bytes consumed ≤ limit + one chunk; FileTooLarge; the store stays empty."""
        consumed = 0

        def counted() -> Iterator[bytes]:
            nonlocal consumed
            for chunk in _infinite():
                consumed += len(chunk)
                yield chunk

        with pytest.raises(FileTooLarge):
            store.put(counted(), 5 * 1024 * 1024)
        assert consumed <= 5 * 1024 * 1024 + 65536
        assert list(store.ids()) == []

    def test_an_id_from_outside_never_reaches_another_file(self, store: FileStore) -> None:
        store.put([b"secret"], 1024)
        for hostile in ("../../etc/passwd", "", ".", "..", "/etc/passwd", "a" * 300, "x\x00y"):
            with pytest.raises(NotFoundError):
                store.get(hostile)
            store.delete(hostile)
        assert len(store.ids()) == 1


class FileScannerContract:
    """Fixture: ``scanner``. It must report the EICAR test file and fail closed beyond its limit."""

    @pytest.fixture
    def scanner(self) -> FileScanner:
        raise NotImplementedError

    def test_the_eicar_test_file_is_infected(self, scanner: FileScanner) -> None:
        eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
        assert len(eicar) == 68
        verdict, _ = scanner.scan(eicar)
        assert verdict is ScanVerdict.INFECTED

    def test_an_ordinary_file_is_clean_and_an_oversized_one_is_not_scanned(self, scanner: FileScanner) -> None:
        assert scanner.scan(b"%PDF-1.4\nbonjour")[0] is ScanVerdict.CLEAN
        assert scanner.scan(b"x" * (scanner.max_bytes + 1))[0] is ScanVerdict.NOT_SCANNED
