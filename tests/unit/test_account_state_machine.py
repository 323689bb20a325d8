"""The account lifecycle driven by Hypothesis beside a plain model (checklist N1).

Rules: create (duplicate emails by case included), resend, activate, login right or wrong, advance the clock,
purge, request and consume a reset, change email, attach a candidature, delete. After every step the real portal
must agree with the model and the invariants must hold.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import define, field
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import (
    AccountHasCandidatures,
    ActivationExpired,
    EmailAlreadyUsed,
    InvalidCredentials,
    InvalidLink,
    SessionExpired,
    TooManyRequests,
)
from cyclades_core.model.account import AccountState
from cyclades_core.model.mail import MailKind
from cyclades_core.model.values import email_key
from cyclades_core.testing import ManualClock, link_in, make_candidature
from cyclades_core.usecases import AccountSettings
from tests.conftest import PASSWORD, T0, form, fresh_portal

EMAILS = ["ana@exemple.fr", "ANA@Exemple.FR", "bob@exemple.fr"]
NEW_PASSWORD = "Nouv3au*Mdp"
SETTINGS = AccountSettings(creations_per_hour=10_000, reset_requests_per_minute=10_000)


@define
class ModelAccount:
    """What the model knows of one account."""

    account_id: str
    created_at: object
    active: bool = False
    password: str = PASSWORD
    candidature: bool = False
    sessions: list[str] = field(factory=list)
    activation_link: str | None = None
    reset_link: str | None = None


class AccountLifecycle(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.clock = ManualClock(T0)
        self.portal: Portal = fresh_portal(SETTINGS, clock=self.clock)
        self.model: dict[str, ModelAccount] = {}  # email key -> account
        self.dead_sessions: list[str] = []
        self.candidatures = 0
        self.versions: dict[str, int] = {}  # account id -> the version last seen

    @property
    def db(self) -> MemoryDatabase:
        assert isinstance(self.portal.storage, MemoryDatabase)
        return self.portal.storage

    def _latest_link(self, recipient_key: str, kinds: tuple[MailKind, ...]) -> str | None:
        found = [
            m
            for m in self.portal.outbox.pending(100_000)
            if m.kind in kinds and email_key(m.recipient) == recipient_key
        ]
        return link_in(found[-1]) if found else None

    def _expired(self, account: ModelAccount) -> bool:
        return not account.active and self.clock.now() > account.created_at + timedelta(hours=48)  # type: ignore[operator]

    @rule(email=st.sampled_from(EMAILS))
    def create(self, email: str) -> None:
        key = email_key(email)
        try:
            created = self.portal.accounts.create_account(form(email=email))
        except EmailAlreadyUsed:
            assert key in self.model
            assert self.model[key].active or not self._expired(self.model[key])
            return
        # ACC-15: an account left pending past its 48 h is replaced at once, purge or not.
        assert key not in self.model or (not self.model[key].active and self._expired(self.model[key]))
        account = ModelAccount(created.account_id, self.clock.now())
        account.activation_link = self._latest_link(key, (MailKind.ACTIVATION,))
        self.model[key] = account

    @rule(email=st.sampled_from(EMAILS))
    def resend(self, email: str) -> None:
        key = email_key(email)
        try:
            self.portal.accounts.resend_activation(email)
        except TooManyRequests:
            return
        account = self.model.get(key)
        if account is not None and not account.active and not self._expired(account):
            account.activation_link = self._latest_link(key, (MailKind.ACTIVATION, MailKind.ACTIVATION_RESEND))

    @rule(email=st.sampled_from(EMAILS))
    def activate(self, email: str) -> None:
        account = self.model.get(email_key(email))
        if account is None or account.activation_link is None:
            return
        try:
            outcome = self.portal.accounts.activate(account.activation_link)
        except (ActivationExpired, InvalidLink):
            assert not account.active
            assert self._expired(account)
            return
        assert not self._expired(account) or account.active
        assert outcome.already_active == account.active
        account.active = True

    @rule(email=st.sampled_from(EMAILS), right=st.booleans())
    def login(self, email: str, right: bool) -> None:
        account = self.model.get(email_key(email))
        password = account.password if (account and right) else "Wrong*Pass9"
        try:
            result = self.portal.accounts.login(email, password)
        except InvalidCredentials:
            return  # wrong, unknown, pending or throttled
        assert account is not None
        assert account.active
        assert right
        account.sessions.append(result.session_token)

    @rule(delta=st.sampled_from([timedelta(seconds=1), timedelta(hours=1), timedelta(hours=47)]))
    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    @rule()
    def purge(self) -> None:
        erased = self.portal.accounts.purge_unactivated()
        doomed = [key for key, account in self.model.items() if self._expired(account)]
        assert erased == len(doomed)
        now = self.clock.now()
        assert (
            not [  # N1: no pending account past its 48 h survives a purge
                a
                for a in self.db.accounts.rows.values()
                if a.state is AccountState.PENDING and a.activation_deadline < now
            ]
        )
        for key in doomed:
            self.dead_sessions.extend(self.model.pop(key).sessions)

    @rule(email=st.sampled_from(EMAILS))
    def request_reset(self, email: str) -> None:
        self.portal.accounts.request_password_reset(email)
        account = self.model.get(email_key(email))
        if account is not None and account.active:
            account.reset_link = self._latest_link(email_key(email), (MailKind.PASSWORD_RESET,))

    @rule(email=st.sampled_from(EMAILS))
    def consume_reset(self, email: str) -> None:
        account = self.model.get(email_key(email))
        if account is None or account.reset_link is None:
            return
        try:
            self.portal.accounts.reset_password(account.reset_link, NEW_PASSWORD, NEW_PASSWORD)
        except (InvalidLink, InvalidCredentials):
            account.reset_link = None
            return
        account.password = NEW_PASSWORD
        account.reset_link = None
        self.dead_sessions.extend(account.sessions)
        account.sessions = []

    @rule(email=st.sampled_from(EMAILS), new_email=st.sampled_from(EMAILS))
    def change_email(self, email: str, new_email: str) -> None:
        key, new_key = email_key(email), email_key(new_email)
        account = self.model.get(key)
        if account is None or not account.sessions:
            return
        try:
            self.portal.accounts.change_email(account.sessions[-1], account.password, new_email, new_email)
        except EmailAlreadyUsed:
            assert new_key in self.model
            assert new_key != key
            return
        except SessionExpired:
            self.dead_sessions.append(account.sessions.pop())
            return
        assert new_key == key or new_key not in self.model
        account.reset_link = account.activation_link = None  # F3: an email change revokes outstanding links
        self.model[new_key] = self.model.pop(key)

    @rule(email=st.sampled_from(EMAILS))
    def attach_candidature(self, email: str) -> None:
        account = self.model.get(email_key(email))
        if account is None or not account.active or account.candidature:
            return
        with self.portal.unit_of_work() as uow:
            stored = uow.accounts.get(account.account_id)
            assert stored is not None
            uow.candidatures.add(make_candidature(stored))
            uow.commit()
        account.candidature = True

    @precondition(lambda self: any(a.sessions for a in self.model.values()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(k for k, a in self.model.items() if a.sessions)))
        account = self.model[key]
        try:
            self.portal.accounts.delete_account(account.sessions[-1])
        except AccountHasCandidatures:
            assert account.candidature
            return
        except SessionExpired:
            self.dead_sessions.append(account.sessions.pop())
            return
        assert not account.candidature
        self.dead_sessions.extend(self.model.pop(key).sessions)

    @invariant()
    def storage_agrees_with_the_model(self) -> None:
        rows = self.db.accounts.rows
        assert {a.account_id for a in self.model.values()} == set(rows)
        for key, account in self.model.items():
            stored = rows[account.account_id]
            assert stored.email is not None
            assert stored.email.key == key
            assert (stored.state is AccountState.ACTIVE) == account.active
        keys = [a.email.key for a in rows.values() if a.email]
        assert len(keys) == len(set(keys))

    @invariant()
    def versions_only_move_up_by_whole_steps(self) -> None:
        """N1: an account's version starts at 1 and never goes back; each write raises it by one (the storage
        refuses any other), so the versions an account goes through are contiguous."""
        for account_id, account in self.db.accounts.rows.items():
            assert account.version >= max(1, self.versions.get(account_id, 1))
            self.versions[account_id] = account.version

    @invariant()
    def no_session_survives_its_account_or_a_reset(self) -> None:
        from cyclades_core.model.tokens import digest

        for token in self.dead_sessions:
            assert digest(token) not in self.db.tokens.rows

    @invariant()
    def every_candidature_has_its_account_and_every_mail_a_reason(self) -> None:
        owners = {c.account_id for c in self.db.candidatures.rows.values()}
        assert owners <= set(self.db.accounts.rows)
        for message in self.db.outbox.rows.values():
            assert message.account_id is None or message.account_id in self.db.accounts.rows


TestAccountLifecycle = AccountLifecycle.TestCase
TestAccountLifecycle.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)
