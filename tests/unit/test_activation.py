"""Activation within 48 hours, resend, purge of unactivated accounts (ACC-04 … ACC-07; checklist B1 … B10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import ActivationExpired, InvalidCredentials, InvalidLink, TooManyRequests
from cyclades_core.model.account import AccountState
from cyclades_core.model.mail import MailKind
from cyclades_core.model.tokens import digest
from cyclades_core.testing import CountingHasher, ManualClock, run_concurrently
from cyclades_core.usecases import AccountSettings
from tests.conftest import PASSWORD, activation_token, form, fresh_portal, mails

HOURS_48 = timedelta(seconds=172_800)


def audit_actions(database: MemoryDatabase, account_id: str) -> list[str]:
    return [r.action for r in database.audit.rows.values() if r.account_id == account_id]


@pytest.mark.rule("ACC-07")
class TestActivation:
    def test_the_link_activates_the_account_and_login_works(self, portal: Portal, database: MemoryDatabase) -> None:
        created = portal.accounts.create_account(form())
        activation = portal.accounts.activate(activation_token(portal))
        assert activation.already_active is False
        assert database.accounts.rows[created.account_id].state is AccountState.ACTIVE
        assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).account_id == created.account_id

    def test_a_second_use_reports_already_active_without_a_second_event(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        """B3: single use; the second is a no-op that says so."""
        created = portal.accounts.create_account(form())
        token = activation_token(portal)
        portal.accounts.activate(token)
        again = portal.accounts.activate(token)
        assert again.already_active is True
        assert "déjà activé" in again.message
        assert audit_actions(database, created.account_id).count("account_activated") == 1

    @pytest.mark.parametrize("token", ["", "forged-token", "x" * 43, "../../etc/passwd"])
    def test_a_forged_link_is_refused_clearly(self, portal: Portal, token: str) -> None:
        portal.accounts.create_account(form())
        with pytest.raises(InvalidLink, match="Ce lien n'est pas valide"):
            portal.accounts.activate(token)

    def test_the_stored_token_is_a_digest_never_the_mailed_value(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        """B1: ≥128 bits from a CSPRNG; only the SHA-256 digest is stored (the unsent mail carries the link,
        necessarily, until the relay delivers it)."""
        portal.accounts.create_account(form())
        token = activation_token(portal)
        assert len(token) >= 43
        outside_the_outbox = [row for row in database.all_rows() if row not in database.outbox.rows.items()]
        assert token not in repr(outside_the_outbox)
        assert digest(token) in database.tokens.rows
        portal.relay.run_until_idle()  # delivered: the outbox forgets the body, and the link with it
        assert token not in repr(database.all_rows())

    def test_a_reset_token_cannot_activate_and_an_activation_token_cannot_reset(self, portal: Portal) -> None:
        """B1: tokens are bound to their purpose."""
        portal.accounts.create_account(form())
        activation = activation_token(portal)
        with pytest.raises(InvalidLink):
            portal.accounts.reset_password(activation, "Tq9#mLpw", "Tq9#mLpw")
        portal.accounts.activate(activation)
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        reset = [m for m in mails(portal) if m.kind is MailKind.PASSWORD_RESET][-1]
        from cyclades_core.testing import link_in

        with pytest.raises(InvalidLink):
            portal.accounts.activate(link_in(reset))

    def test_checking_a_link_never_consumes_it(self, portal: Portal, database: MemoryDatabase) -> None:
        """B5: 100 reads (a mail scanner following the link) change nothing; activation still works after."""
        created = portal.accounts.create_account(form())
        token = activation_token(portal)
        for _ in range(100):
            assert portal.accounts.check_activation_link(token) == created.account_id
        assert database.accounts.rows[created.account_id].state is AccountState.PENDING
        assert portal.accounts.activate(token).already_active is False

    def test_16_concurrent_activations_make_one_transition(self) -> None:
        """B4: 16 threads × 30 trials → 1 transition and 1 audit record per trial."""
        for _ in range(30):
            portal = fresh_portal()
            created = portal.accounts.create_account(form())
            token = activation_token(portal)
            results = run_concurrently(lambda _: portal.accounts.activate(token), 16)
            fresh = [r for r in results if not isinstance(r, BaseException) and not r.already_active]
            assert len(fresh) == 1
            assert all(not isinstance(r, BaseException) for r in results)
            assert isinstance(portal.storage, MemoryDatabase)
            assert audit_actions(portal.storage, created.account_id).count("account_activated") == 1


@pytest.mark.rule("ACC-05")
class TestTheDeadline:
    def test_valid_at_exactly_48_hours_invalid_one_second_later(self, clock: ManualClock) -> None:
        """B2: valid at created + 172 800 s, invalid at created + 172 801 s."""
        for offset, ok in ((HOURS_48, True), (HOURS_48 + timedelta(seconds=1), False)):
            start = clock.now()
            moving = ManualClock(start)
            portal = fresh_portal(clock=moving)
            portal.accounts.create_account(form())
            moving.advance(offset)
            if ok:
                assert portal.accounts.activate(activation_token(portal)).already_active is False
            else:
                with pytest.raises(ActivationExpired, match="48h"):
                    portal.accounts.activate(activation_token(portal))

    def test_the_deadline_is_absolute_time_across_the_dst_change(self) -> None:
        """B2: created 2021-10-30 10:00 Paris → deadline 2021-11-01 09:00 Paris (the clocks went back)."""
        paris = ZoneInfo("Europe/Paris")
        clock = ManualClock(datetime(2021, 10, 30, 10, 0, tzinfo=paris).astimezone(UTC))
        portal = fresh_portal(clock=clock)
        created = portal.accounts.create_account(form())
        assert created.activation_deadline.astimezone(paris) == datetime(2021, 11, 1, 9, 0, tzinfo=paris)

    def test_the_purge_erases_the_account_and_leaves_no_personal_data(self, clock: ManualClock) -> None:
        """B7: no account row, no token, no pending mail with the address; the email can register again."""
        portal = fresh_portal(clock=clock)
        created = portal.accounts.create_account(form())
        portal.accounts.resend_activation("accrall@ac-rennes.fr")
        clock.advance(HOURS_48 + timedelta(seconds=1))
        assert portal.accounts.purge_unactivated() == 1
        assert isinstance(portal.storage, MemoryDatabase)
        dump = repr(list(portal.storage.all_rows()))
        for personal in ("accrall@ac-rennes.fr", "ACCRALL", "Dack", "MAY-SUR-ORNE", "2004", created.candidate_number):
            assert personal not in dump
        assert audit_actions(portal.storage, created.account_id)[-1] == "account_purged"
        portal.accounts.create_account(form())

    def test_the_purge_keeps_accounts_within_their_deadline_and_active_ones(
        self, portal: Portal, clock: ManualClock
    ) -> None:
        portal.accounts.create_account(form(email="early@exemple.fr"))
        portal.accounts.activate(activation_token(portal))
        clock.advance(hours=30)
        portal.accounts.create_account(form(email="late@exemple.fr"))
        clock.advance(hours=20)
        assert portal.accounts.purge_unactivated() == 0
        clock.advance(hours=30)
        assert portal.accounts.purge_unactivated() == 1
        assert portal.accounts.login("early@exemple.fr", PASSWORD)

    def test_activation_racing_the_purge_is_all_or_nothing(self) -> None:
        """B8: at the deadline ± 1 ms, either (activated, kept) or (refused, erased); 200 trials."""
        for trial in range(200):
            clock = ManualClock(datetime(2021, 10, 1, 8, tzinfo=UTC))
            portal = fresh_portal(clock=clock)
            created = portal.accounts.create_account(form())
            token = activation_token(portal)
            clock.advance(HOURS_48 + timedelta(milliseconds=1 if trial % 2 else -1))

            def act(i: int) -> object:
                return portal.accounts.activate(token) if i == 0 else portal.accounts.purge_unactivated()

            activation, purged = run_concurrently(act, 2)
            assert isinstance(portal.storage, MemoryDatabase)
            kept = created.account_id in portal.storage.accounts.rows
            if isinstance(activation, BaseException):
                assert isinstance(activation, (ActivationExpired, InvalidLink))
                assert not kept
                assert purged == 1
            else:
                assert kept
                assert purged == 0

    def test_two_purges_erase_each_account_once(self, clock: ManualClock) -> None:
        """B9: two workers over 1 000 expired accounts → 1 000 erasures, no duplicates, no errors."""
        portal = fresh_portal(clock=clock, settings=AccountSettings(creations_per_hour=10_000))
        for i in range(1000):
            portal.accounts.create_account(form(email=f"p{i}@exemple.fr"))
        clock.advance(hours=49)
        counts = run_concurrently(lambda _: portal.accounts.purge_unactivated(batch_size=100), 2)
        assert sorted(counts) == sorted(c for c in counts if isinstance(c, int))
        assert sum(c for c in counts if isinstance(c, int)) == 1000
        assert isinstance(portal.storage, MemoryDatabase)
        assert [r.action for r in portal.storage.audit.rows.values()].count("account_purged") == 1000
        assert portal.storage.accounts.rows == {}


@pytest.mark.rule("ACC-06")
class TestResend:
    def test_a_resend_mails_a_new_link_and_revokes_the_old_one(self, portal: Portal) -> None:
        portal.accounts.create_account(form())
        old = activation_token(portal)
        portal.accounts.resend_activation("ACCRALL@ac-rennes.fr")
        new = activation_token(portal)
        assert new != old
        assert [m.subject for m in mails(portal)] == ["[CYCLADES] Activer mon compte"] * 2
        with pytest.raises(InvalidLink):
            portal.accounts.activate(old)
        assert portal.accounts.activate(new).already_active is False

    def test_a_resend_does_not_extend_the_deadline(self, portal: Portal, clock: ManualClock) -> None:
        """B6: after a resend at 47 h, activation at 48 h + 1 s fails."""
        portal.accounts.create_account(form())
        clock.advance(hours=47)
        portal.accounts.resend_activation("accrall@ac-rennes.fr")
        clock.advance(hours=1, seconds=1)
        with pytest.raises(ActivationExpired):
            portal.accounts.activate(activation_token(portal))

    def test_resends_are_rate_limited_by_a_cooldown(self, portal: Portal, clock: ManualClock) -> None:
        """B6: resends at t=0, 60 s and 200 s send 2 mails with a 180 s cooldown."""
        portal.accounts.create_account(form())
        portal.accounts.resend_activation("accrall@ac-rennes.fr")
        clock.advance(seconds=60)
        with pytest.raises(TooManyRequests):
            portal.accounts.resend_activation("accrall@ac-rennes.fr")
        clock.advance(seconds=140)
        portal.accounts.resend_activation("accrall@ac-rennes.fr")
        assert len(mails(portal, MailKind.ACTIVATION_RESEND)) == 2

    def test_unknown_and_active_addresses_get_the_same_silence(self, portal: Portal) -> None:
        portal.accounts.resend_activation("nobody@exemple.fr")
        portal.accounts.create_account(form())
        portal.accounts.activate(activation_token(portal))
        portal.accounts.resend_activation("accrall@ac-rennes.fr")
        assert len(mails(portal)) == 1

    def test_the_cooldown_answers_alike_whether_a_pending_account_holds_the_address(
        self, portal: Portal, clock: ManualClock
    ) -> None:
        """E2: a second resend inside the cooldown was refused (429) only for an address a pending account holds,
        which told a prober that someone had just signed up with it; now any address gets the same answers."""
        portal.accounts.create_account(form())
        answers: dict[str, list[str]] = {}
        for address in ("accrall@ac-rennes.fr", "nobody@exemple.fr"):
            for _ in range(2):
                try:
                    portal.accounts.resend_activation(address)
                    answers.setdefault(address, []).append("ok")
                except TooManyRequests:
                    answers.setdefault(address, []).append("429")
        assert answers == {"accrall@ac-rennes.fr": ["ok", "429"], "nobody@exemple.fr": ["ok", "429"]}
        assert len(mails(portal, MailKind.ACTIVATION_RESEND)) == 1


@pytest.mark.rule("ACC-04")
def test_no_login_before_activation_and_the_same_failure_as_a_wrong_password(
    portal: Portal, hasher: CountingHasher
) -> None:
    """B10: an unactivated account gives the generic failure, after the same single hasher verification."""
    portal.accounts.create_account(form())
    hasher.reset()
    with pytest.raises(InvalidCredentials) as pending:
        portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
    pending_calls = hasher.verify_calls
    portal.accounts.activate(activation_token(portal))
    hasher.reset()
    with pytest.raises(InvalidCredentials) as wrong:
        portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
    assert (pending.value.code, pending.value.message) == (wrong.value.code, wrong.value.message)
    assert pending_calls == hasher.verify_calls == 1
