"""Contract suite of the outbox (``uow.outbox``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cyclades_core.errors import ConflictError
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import T0, StorageSuite, outbox_message
from cyclades_core.testing.support import make_account, run_concurrently


class OutboxContract(StorageSuite):
    """``uow.outbox``: order, claims and leases, failures, dead letters. Fixture: ``uow_factory``."""

    def test_the_outbox_keeps_order_marks_sent_once_and_discards_by_account(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            for n in range(3):
                uow.outbox.add(outbox_message(account.id, n))
            uow.outbox.add(outbox_message(None, 9))
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
            uow.outbox.add(outbox_message(account.id, 1))
            uow.outbox.add(outbox_message(None, 2))
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
            uow.outbox.add(outbox_message(None, 3))
            with pytest.raises(ConflictError):  # the delivered row is still there, without its address
                uow.outbox.add(outbox_message(None, 2))
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
                uow.outbox.add(outbox_message(account.id, n))
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
            uow.outbox.add(outbox_message(account.id, 1))
            with pytest.raises(ConflictError):
                uow.outbox.add(outbox_message(account.id, 1))
            uow.outbox.add(outbox_message(account.id, 2))
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
                uow.outbox.add(outbox_message(account.id, n))
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
                uow.outbox.add(outbox_message(None, n))
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
