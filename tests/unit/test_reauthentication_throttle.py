"""The current password asked by « Modifier mon compte » (ACC-11, D6) is throttled like a login (ACC-14, C3, C7):
whoever holds a session (an unattended computer, a stolen cookie) cannot guess it without limit and then change the
account's address (review of the web portal, finding 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import TooManyRequests, ValidationError
from cyclades_core.testing import CountingHasher, ManualClock
from cyclades_core.usecases import AccountSettings, LoginResult
from tests.conftest import PASSWORD
from tests.unit.test_login import pupil

ActiveAccount = Callable[..., LoginResult]
WRONG = "Wrong*Pass9"
NEW_EMAIL = "attaquant@exemple.fr"
FREE = AccountSettings().login_throttle.free_failures
POLICY = AccountSettings().login_throttle


def _change_email(portal: Portal, session: str, password: str, source: str | None = None) -> None:
    if source is None:
        portal.my_account.change_email(session, password, NEW_EMAIL, NEW_EMAIL)
    else:
        portal.my_account.change_email(session, password, NEW_EMAIL, NEW_EMAIL, source=source)


def _email(portal: Portal, session: str) -> str:
    return portal.my_account.account(session).email or ""


@pytest.mark.rule("ACC-14")
class TestReauthenticationThrottle:
    def test_after_the_free_failures_even_the_right_password_is_refused_unchecked_until_the_delay_ends(
        self, portal: Portal, active_account: ActiveAccount, hasher: CountingHasher, clock: ManualClock
    ) -> None:
        session = active_account().session_token
        for _ in range(FREE):
            with pytest.raises(ValidationError) as refused:
                _change_email(portal, session, WRONG)
            assert refused.value.fields == ("current_password",)
        hasher.reset()
        with pytest.raises(TooManyRequests):
            _change_email(portal, session, PASSWORD)
        assert hasher.verify_calls == 0  # the real hash is not tested while throttled (C3)
        assert _email(portal, session) == "accrall@ac-rennes.fr"
        clock.advance(POLICY.base_delay)
        _change_email(portal, session, PASSWORD)
        assert _email(portal, session) == NEW_EMAIL

    def test_the_password_change_and_the_email_change_share_one_counter(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        session = active_account().session_token
        for attempt in range(FREE):
            if attempt % 2:
                with pytest.raises(ValidationError):
                    _change_email(portal, session, WRONG)
            else:
                with pytest.raises(ValidationError):
                    portal.my_account.change_password(session, WRONG, "Nouv3au*Mdp", "Nouv3au*Mdp")
        with pytest.raises(TooManyRequests):
            portal.my_account.change_password(session, PASSWORD, "Nouv3au*Mdp", "Nouv3au*Mdp")
        with pytest.raises(TooManyRequests):
            _change_email(portal, session, PASSWORD)

    def test_the_delays_double_and_refused_attempts_do_not_count(
        self, portal: Portal, active_account: ActiveAccount, clock: ManualClock
    ) -> None:
        session = active_account().session_token
        for _ in range(FREE):
            with pytest.raises(ValidationError):
                _change_email(portal, session, WRONG)
        for _ in range(3):  # refused by the throttle: they do not stretch the delay (C3)
            with pytest.raises(TooManyRequests):
                _change_email(portal, session, WRONG)
        clock.advance(POLICY.base_delay)
        with pytest.raises(ValidationError):
            _change_email(portal, session, WRONG)
        clock.advance(POLICY.base_delay)  # the next delay is twice as long
        with pytest.raises(TooManyRequests):
            _change_email(portal, session, PASSWORD)
        clock.advance(POLICY.base_delay)
        _change_email(portal, session, PASSWORD)

    def test_a_success_clears_the_counter(self, portal: Portal, active_account: ActiveAccount) -> None:
        session = active_account().session_token
        for _ in range(FREE - 1):
            with pytest.raises(ValidationError):
                _change_email(portal, session, WRONG)
        portal.my_account.change_password(session, PASSWORD, "Nouv3au*Mdp", "Nouv3au*Mdp")
        for _ in range(FREE - 1):
            with pytest.raises(ValidationError):
                _change_email(portal, session, WRONG)
        _change_email(portal, session, "Nouv3au*Mdp")
        assert _email(portal, session) == NEW_EMAIL

    def test_with_a_source_another_source_s_failures_never_hold_the_owner_back(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """As for the login (issue 15): a session thief's failures from its address throttle that address only."""
        thief = active_account().session_token
        owner = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        for _ in range(FREE + 3):
            with pytest.raises((ValidationError, TooManyRequests)):
                _change_email(portal, thief, WRONG, source="203.0.113.7")
        with pytest.raises(TooManyRequests):
            _change_email(portal, thief, PASSWORD, source="203.0.113.7")
        portal.my_account.change_password(owner, PASSWORD, "Nouv3au*Mdp", "Nouv3au*Mdp", source="198.51.100.2")

    def test_the_scolaire_initial_password_change_is_throttled_too(self, portal: Portal) -> None:
        """C6: the forced change of the initial password goes through the same re-authentication."""
        papillon = portal.accounts.register_scolaire(pupil())
        session = portal.accounts.login(papillon.login, papillon.initial_password).session_token
        for _ in range(FREE):
            with pytest.raises(ValidationError):
                portal.my_account.change_password(session, WRONG, "Nouv3au*Mdp", "Nouv3au*Mdp")
        with pytest.raises(TooManyRequests):
            portal.my_account.change_password(session, papillon.initial_password, "Nouv3au*Mdp", "Nouv3au*Mdp")

    def test_failures_are_audited_as_login_failures_without_secrets(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        """C7: ``authn_login_fail`` up to the limit, ``authn_login_fail_max`` when it is reached, ``authn_login_lock``
        for the attempts the throttle refuses; marked ``kind=reauth``, with the account, never the password."""
        result = active_account()
        for _ in range(FREE):
            with pytest.raises(ValidationError):
                _change_email(portal, result.session_token, WRONG)
        with pytest.raises(TooManyRequests):
            _change_email(portal, result.session_token, PASSWORD)
        records = [r for r in database.audit.rows.values() if r.action.startswith("authn_login_f")
                   or r.action == "authn_login_lock"]  # fmt: skip
        assert [r.action for r in records] == ["authn_login_fail"] * (FREE - 1) + [
            "authn_login_fail_max",
            "authn_login_lock",
        ]
        assert {r.account_id for r in records} == {result.account_id}
        assert {r.actor for r in records} == {f"candidate:{result.account_id}"}
        assert all(dict(r.details)["kind"] == "reauth" for r in records)
        dump = repr(records)
        assert WRONG not in dump
        assert PASSWORD not in dump
        assert result.session_token not in dump
