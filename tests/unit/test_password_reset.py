"""'Mot de passe oublié' (ACC-10; checklist E1 … E8) and password change (ACC-03 on change, D6)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import InvalidCredentials, InvalidLink, LinkExpired, SessionExpired, ValidationError
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.testing import CountingHasher, ManualClock, PlainHasher, link_in, run_concurrently
from cyclades_core.usecases import AccountSettings, LoginResult, ResetRequested
from tests.conftest import PASSWORD, T0, activation_token, form, fresh_portal, last_link, mails

ActiveAccount = Callable[..., LoginResult]
NEW = "Nouv3au*Mdp"


@pytest.mark.rule("ACC-10")
class TestForgottenPassword:
    def test_each_identifier_kind_mails_the_address_on_record_with_the_masked_contact(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase, clock: ManualClock
    ) -> None:
        """E1: email, candidate number or Cyclades login; the mail goes to the stored address. The mask comes from
        what was typed (issue 15): an email shows its own, a candidate number none (only a lookup could find one)."""
        session = active_account(email="paul.martin@l.com")
        number = str(database.accounts.rows[session.account_id].candidate_number)
        by_email = portal.accounts.request_password_reset("PAUL.MARTIN@L.COM")
        assert by_email.masked_contact == "paul.***@l.com"
        assert "sur votre mail de contact (paul.***@l.com)" in by_email.message
        clock.advance(minutes=2)  # one link per account per reset_cooldown
        by_number = portal.accounts.request_password_reset(number)
        assert by_number.masked_contact is None
        assert "sur votre mail de contact, veuillez cliquer" in by_number.message
        resets = mails(portal, MailKind.PASSWORD_RESET)
        assert [m.recipient for m in resets] == ["paul.martin@l.com"] * 2
        assert "https://cyclades.exemple.fr/modifier-mon-mot-de-passe?jeton=" in resets[0].body

    @pytest.mark.parametrize("blank", ["", "   ", "\t"])
    def test_an_empty_identifier_is_refused_as_a_mandatory_field(self, portal: Portal, blank: str) -> None:
        """« Identifiant de connexion : * »: the field is mandatory; an empty one was answered « Vous allez recevoir
        un mail… » as if something had been typed. The refusal names the field and says nothing of any account."""
        with pytest.raises(ValidationError) as refused:
            portal.password_reset.request_password_reset(blank)
        assert [(e.field, e.code, e.message) for e in refused.value.errors] == [
            ("login", "required", "Ce champ est obligatoire.")
        ]
        assert mails(portal) == []

    @pytest.mark.parametrize(
        ("look_alike", "resets_to_karl"),
        [("\u212aarl@exemple.fr", 1), ("KARL@EXEMPLE.FR\u200b", 0), ("ka\u0131rl@exemple.fr", 0),
         ("k\u0430rl@exemple.fr", 0)],
        ids=["kelvin-sign-folds-to-k", "zero-width", "dotless-i", "cyrillic-a"],
    )  # fmt: skip
    def test_a_look_alike_email_never_gets_the_owner_s_link(
        self, portal: Portal, active_account: ActiveAccount, look_alike: str, resets_to_karl: int
    ) -> None:
        """E1 (Django's unicode collision, CVE-2019-19844): whatever a look-alike address resolves to, a reset link is
        only ever mailed to the address on record, never to the string submitted."""
        active_account(email="karl@exemple.fr")
        before = len(mails(portal, MailKind.PASSWORD_RESET))
        portal.accounts.request_password_reset(look_alike)
        resets = mails(portal, MailKind.PASSWORD_RESET)[before:]
        assert [m.recipient for m in resets] == ["karl@exemple.fr"] * resets_to_karl
        assert look_alike not in repr(mails(portal))

    def test_the_link_sets_a_new_password_once(self, portal: Portal, active_account: ActiveAccount) -> None:
        active_account()
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        token = last_link(portal, MailKind.PASSWORD_RESET)
        portal.accounts.reset_password(token, NEW, NEW)
        assert portal.accounts.login("accrall@ac-rennes.fr", NEW)
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        with pytest.raises(InvalidLink):
            portal.accounts.reset_password(token, "Autre*Mdp42", "Autre*Mdp42")
        assert [m.kind for m in mails(portal)][-1] is MailKind.PASSWORD_CHANGED

    def test_the_link_is_valid_48_hours_to_the_second(self, clock: ManualClock) -> None:
        """E5: valid at +172 800 s, invalid at +172 801 s."""
        for offset, ok in ((172_800, True), (172_801, False)):
            moving = ManualClock(clock.now())
            portal = fresh_portal(clock=moving)
            portal.accounts.create_account(form())
            portal.accounts.activate(activation_token(portal))
            portal.accounts.request_password_reset("accrall@ac-rennes.fr")
            moving.advance(seconds=offset)
            token = last_link(portal, MailKind.PASSWORD_RESET)
            if ok:
                portal.accounts.reset_password(token, NEW, NEW)
            else:
                with pytest.raises(LinkExpired, match="48 heures"):
                    portal.accounts.reset_password(token, NEW, NEW)

    def test_a_later_request_invalidates_earlier_links(
        self, portal: Portal, active_account: ActiveAccount, clock: ManualClock
    ) -> None:
        active_account()
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        first = last_link(portal, MailKind.PASSWORD_RESET)
        clock.advance(minutes=2)  # past reset_cooldown: within it, a request would keep the first link
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        with pytest.raises(InvalidLink):
            portal.accounts.check_reset_link(first)
        portal.accounts.reset_password(last_link(portal, MailKind.PASSWORD_RESET), NEW, NEW)

    def test_the_new_password_follows_the_policy(self, portal: Portal, active_account: ActiveAccount) -> None:
        """ACC-03 applies to every reset."""
        active_account()
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        token = last_link(portal, MailKind.PASSWORD_RESET)
        for bad, field in (("court", "new_password"), ("Azerty123!", "new_password"), ("Accrall!2x", "new_password")):
            with pytest.raises(ValidationError) as refused:
                portal.accounts.reset_password(token, bad, bad)
            assert refused.value.fields == (field,)
        with pytest.raises(ValidationError) as refused:
            portal.accounts.reset_password(token, NEW, NEW + "x")
        assert refused.value.fields == ("new_password_confirmation",)
        portal.accounts.reset_password(token, NEW, NEW)  # refusals did not burn the link

    def test_a_reset_ends_every_session_and_logs_nobody_in(self, portal: Portal, active_account: ActiveAccount) -> None:
        """E7 / C5: three sessions, a reset, none of them survives; no session is returned."""
        sessions = [active_account().session_token]
        sessions += [portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token for _ in range(2)]
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        assert portal.accounts.reset_password(last_link(portal, MailKind.PASSWORD_RESET), NEW, NEW) is None
        for session in sessions:
            with pytest.raises(SessionExpired):
                portal.accounts.authenticate(session)

    def test_sixteen_concurrent_resets_with_one_link_have_one_winner(self) -> None:
        """E6: 16 threads × 30 trials → 1 success, 1 'password changed' mail, the final hash matches that one."""
        for _ in range(30):
            portal = fresh_portal()
            portal.accounts.create_account(form())
            portal.accounts.activate(activation_token(portal))
            portal.accounts.request_password_reset("accrall@ac-rennes.fr")
            token = last_link(portal, MailKind.PASSWORD_RESET)
            candidates = [f"Mdp*{i:02d}Qzx" for i in range(16)]
            results = run_concurrently(
                lambda i: portal.accounts.reset_password(token, candidates[i], candidates[i]), 16
            )
            winners = [i for i, r in enumerate(results) if not isinstance(r, BaseException)]
            assert len(winners) == 1
            assert all(isinstance(r, InvalidLink) for r in results if isinstance(r, BaseException))
            assert len(mails(portal, MailKind.PASSWORD_CHANGED)) == 1
            assert isinstance(portal.storage, MemoryDatabase)
            [account] = portal.storage.accounts.rows.values()
            verifier = PlainHasher()
            assert [i for i, p in enumerate(candidates) if verifier.verify(account.password_hash, p)] == winners


@pytest.mark.rule("ACC-14")
class TestNoMoreThanTheGuideSays:
    def test_unknown_unactivated_and_known_identifiers_get_the_same_outcome_type(
        self, portal: Portal, active_account: ActiveAccount, hasher: CountingHasher
    ) -> None:
        """E2: same type; for an email, the mask of what was typed; no mail for an unknown account. An unactivated
        account within its 48 h gets its link, which will activate it (issue 15: an address squatted by someone
        else's sign-up is claimed by its owner)."""
        active_account()
        portal.accounts.create_account(form(email="pending@exemple.fr"))
        before = len(mails(portal))
        outcomes = [
            portal.accounts.request_password_reset(identifier)
            for identifier in ("nobody@exemple.fr", "pending@exemple.fr", "99999999999", "accrall@ac-rennes.fr")
        ]
        assert all(type(o) is ResetRequested for o in outcomes)
        assert outcomes[0].masked_contact == "nob***@exemple.fr"
        assert [m.recipient for m in mails(portal)[before:]] == ["pending@exemple.fr", "accrall@ac-rennes.fr"]

    def test_the_masked_contact_can_be_switched_off(self, active_account: ActiveAccount) -> None:
        portal = fresh_portal(AccountSettings(show_masked_contact=False))
        portal.accounts.create_account(form())
        portal.accounts.activate(activation_token(portal))
        assert portal.accounts.request_password_reset("accrall@ac-rennes.fr").masked_contact is None

    def test_a_flood_of_requests_queues_at_most_five_mails_and_never_locks_the_account(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """E4: 50 requests in one minute → ≤ 5 mails; login still works."""
        active_account()
        for _ in range(50):
            portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        assert len(mails(portal, MailKind.PASSWORD_RESET)) <= 5
        assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)

    def test_one_source_asking_for_many_accounts_is_limited_too(
        self, portal: Portal, active_account: ActiveAccount, clock: ManualClock
    ) -> None:
        """E4 per source: 30 accounts asked for from one client address in a minute → 20 mails; another address is
        not held back; a minute later the first may ask again. Every outcome has the same type."""
        emails = [f"flood{i}@exemple.fr" for i in range(31)]
        for email in emails:
            active_account(email=email)
        before = len(mails(portal, MailKind.PASSWORD_RESET))
        outcomes = [portal.accounts.request_password_reset(e, source="203.0.113.7") for e in emails[:30]]
        assert all(type(o) is ResetRequested for o in outcomes)
        assert len(mails(portal, MailKind.PASSWORD_RESET)) - before == 20
        portal.accounts.request_password_reset(emails[30], source="198.51.100.1")
        assert len(mails(portal, MailKind.PASSWORD_RESET)) - before == 21
        clock.advance(minutes=1, seconds=1)
        portal.accounts.request_password_reset(emails[25], source="203.0.113.7")
        assert len(mails(portal, MailKind.PASSWORD_RESET)) - before == 22
        assert portal.accounts.login(emails[29], PASSWORD)

    def test_requests_refused_for_their_source_do_not_use_up_the_victims_allowance(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """E4: one source asking 5 times for each of 10 accounts gets 20 requests through at most, which can use up
        the allowance of 4 accounts (5 each) and no more: the owners of the other 6, asking from elsewhere in the
        same minute, still get a link."""
        victims = [f"victim{i}@exemple.fr" for i in range(10)]
        for email in victims:
            active_account(email=email)
        before = len(mails(portal, MailKind.PASSWORD_RESET))
        for email in victims:
            for _ in range(5):
                portal.accounts.request_password_reset(email, source="203.0.113.66")
        flooded = len(mails(portal, MailKind.PASSWORD_RESET)) - before
        assert flooded <= 20
        for i, email in enumerate(victims):
            portal.accounts.request_password_reset(email, source=f"198.51.100.{i}")
        mailed = {m.recipient for m in mails(portal, MailKind.PASSWORD_RESET)[before + flooded :]}
        assert mailed == set(victims[4:])

    def test_a_request_only_writes_the_outbox_and_never_waits_for_the_mail_server(self) -> None:
        """E3: delivery is asynchronous. With a mailer that blocks until released, the request still returns (it
        never calls the mailer); only the relay does, later."""
        release, calls = threading.Event(), []

        class BlockingMailer:
            def send(self, message: OutboxMessage) -> None:
                calls.append(message.kind)
                release.wait(5)

        portal = build_portal(
            clock=ManualClock(T0), hasher=PlainHasher(), mailer=BlockingMailer(), environ={},
            settings=AccountSettings(base_url="https://cyclades.exemple.fr"),
        )  # fmt: skip
        portal.accounts.create_account(form())
        portal.accounts.activate(activation_token(portal))
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        assert calls == []
        pending = mails(portal, MailKind.PASSWORD_RESET)
        assert len(pending) == 1
        assert pending[0].sent_at is None
        release.set()
        portal.relay.run_until_idle()
        assert MailKind.PASSWORD_RESET in calls


@pytest.mark.rule("ACC-03")
class TestPasswordChange:
    def test_a_change_needs_the_current_password_and_follows_the_policy(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """D6: wrong current password refused; the policy applies; a mail tells the owner."""
        session = active_account().session_token
        with pytest.raises(ValidationError) as refused:
            portal.accounts.change_password(session, "Wrong*Pass9", NEW, NEW)
        assert refused.value.fields == ("current_password",)
        with pytest.raises(ValidationError) as refused:
            portal.accounts.change_password(session, PASSWORD, "abcdefgh", "abcdefgh")
        assert refused.value.fields == ("new_password",)
        portal.accounts.change_password(session, PASSWORD, NEW, NEW)
        assert mails(portal)[-1].kind is MailKind.PASSWORD_CHANGED
        assert portal.accounts.login("accrall@ac-rennes.fr", NEW)

    def test_a_change_invalidates_reset_links_and_other_sessions_but_keeps_this_one(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """D6 / E5 / C5."""
        session = active_account().session_token
        other = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        token = last_link(portal, MailKind.PASSWORD_RESET)
        portal.accounts.change_password(session, PASSWORD, NEW, NEW)
        with pytest.raises(InvalidLink):
            portal.accounts.reset_password(token, "Autre*Mdp42", "Autre*Mdp42")
        with pytest.raises(SessionExpired):
            portal.accounts.authenticate(other)
        assert portal.accounts.authenticate(session)


def test_an_email_change_invalidates_reset_links(portal: Portal, active_account: ActiveAccount) -> None:
    """E5: one test per trigger — here the email change."""
    session = active_account().session_token
    portal.accounts.request_password_reset("accrall@ac-rennes.fr")
    reset = [m for m in mails(portal) if m.kind is MailKind.PASSWORD_RESET][-1]
    portal.accounts.change_email(session, PASSWORD, "nouvelle@exemple.fr", "nouvelle@exemple.fr")
    with pytest.raises(InvalidLink):
        portal.accounts.reset_password(link_in(reset), NEW, NEW)


@pytest.mark.rule("E4")
def test_within_the_cooldown_another_request_neither_mails_nor_revokes_the_link(
    portal: Portal, active_account: ActiveAccount, clock: ManualClock
) -> None:
    """Review finding: every allowed request revoked the earlier link and mailed a new one, so another source could
    keep the owner's link revoked and queue 300 mails an hour to them. One link per account per cooldown."""
    active_account()
    portal.accounts.request_password_reset("accrall@ac-rennes.fr", source="198.51.100.2")
    owners = last_link(portal, MailKind.PASSWORD_RESET)
    for _ in range(5):
        clock.advance(seconds=20)
        portal.accounts.request_password_reset("ACCRALL@ac-rennes.fr", source="203.0.113.7")
    assert portal.accounts.check_reset_link(owners)  # still valid
    assert len(mails(portal, MailKind.PASSWORD_RESET)) == 1
    clock.advance(minutes=2)
    portal.accounts.request_password_reset("accrall@ac-rennes.fr", source="203.0.113.7")
    assert len(mails(portal, MailKind.PASSWORD_RESET)) == 2  # after the cooldown, a new link as before (E5)
