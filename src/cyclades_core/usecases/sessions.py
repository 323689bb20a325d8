""" "Se connecter" (guide, section 3): login with an email, a Cyclades login or a candidate number, its throttling
(C2 … C4), the sessions (C5) and the home page after login, "Mes inscriptions" (ACC-08, ACC-13)."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.errors import InvalidCredentials
from cyclades_core.model.account import Account
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.tokens import TokenPurpose, digest, new_token
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.security import ThrottlePolicy
from cyclades_core.ports.storage import UnitOfWork
from cyclades_core.usecases.account_forms import HomeView, LoginResult, Principal
from cyclades_core.usecases.account_support import (
    AccountPorts,
    AccountSection,
    find_by_identifier,
    get_account,
    identifier_key,
    issue_token,
)
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.inscriptions import active_cards

__all__ = ["SessionService"]


class SessionService(AccountSection):
    """Logging in and out, the session checks, the home page. Methods raise only
    :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(self, ports: AccountPorts, *, authenticator: SessionAuthenticator, catalogue: Catalogue) -> None:
        super().__init__(ports)
        self._authenticator = authenticator
        self._catalogue = catalogue
        self._dummy_hash: str | None = None

    def login(self, identifier: str, password: str, *, source: str | None = None) -> LoginResult:
        """ACC-08: log in with an email, a Cyclades login or a candidate number.

        Unknown identifier, wrong password, unactivated or throttled account: the same InvalidCredentials, after
        exactly one password verification (C4). Failures count per resolved account whatever the identifier used
        (C2); after ``free_failures`` consecutive failures the account is throttled with doubling delays (C3),
        during which even the right password is not checked.

        ``source`` is the client's address, as the web layer knows it (kept only hashed). With one, failures count
        per account *and source*, so a third party's failures never hold back the owner's correct password from a
        source that has not failed (issue 15); a source is also limited across accounts
        (``login_failures_per_source`` per ``login_source_window``), and once an account has
        ``login_throttle_per_account.free_failures`` failures from all sources together, the sources that have
        failed for it get that policy's delays. Without one (library callers), the counter is per account alone.
        """
        now = self._clock.now()
        with self._uow() as uow:
            account = find_by_identifier(uow, identifier)
        counters = self._login_counters(account, identifier, source, now)
        policy = self.settings.login_throttle
        throttled = self._login_throttled(counters, now)
        usable = account is not None and account.is_active and not throttled
        if account is None or not usable:
            self._hasher.verify(self._dummy(), password)
            verified = False
        else:
            verified = self._hasher.verify(account.password_hash, password)
        if not verified or account is None:
            # Attempts refused by the throttle do not count: they cannot stretch the delay into a lockout (C3).
            if throttled:
                reason, action = "throttled", "authn_login_lock"
            else:
                failures = self._limiter.record_failure(counters.pair, now)
                for key in counters.shared:
                    self._limiter.record_failure(key, now)
                reason = "unknown" if account is None else ("pending" if not account.is_active else "password")
                action = "authn_login_fail_max" if failures >= policy.free_failures else "authn_login_fail"
            with self._uow() as uow:
                uow.audit.append(
                    AuditRecord.of(now, action, "anonymous", account.id if account else None, reason=reason)
                )
                uow.commit()
            raise InvalidCredentials()
        if account.initial_password_expired(now):
            raise InvalidCredentials(
                "Votre mot de passe initial a expiré. Rapprochez-vous de votre établissement d'inscription."
            )
        self._limiter.clear(counters.pair)
        if counters.account is not None:
            self._limiter.clear(counters.account)
        rehashed = self._hasher.hash(password) if self._hasher.needs_rehash(account.password_hash) else None
        token = new_token()
        expires_at = now + self.settings.session_absolute_timeout
        with self._uow() as uow:
            if rehashed is not None:
                current = uow.accounts.get(account.id)
                if current is not None and current.password_hash == account.password_hash:
                    uow.accounts.update(current.rehash_password(rehashed))
            issue_token(uow, account, TokenPurpose.SESSION, token, now, expires_at)
            uow.audit.append(AuditRecord.of(now, "authn_login_success", f"candidate:{account.id}", account.id))
            uow.commit()
        return LoginResult(token, account.id, account.must_change_password, expires_at)

    def _login_counters(
        self, account: Account | None, identifier: str, source: str | None, now: datetime
    ) -> _LoginCounters:
        """The throttling keys of one login attempt (docs/security.md, "Throttling"). Keyed by the resolved account
        whatever identifier form was typed (C2); an unknown identifier by its normalised, hashed text, with the same
        counters as an account so that the limiter work does not tell them apart."""
        subject = account.id if account is not None else f"unknown:{identifier_key(identifier)}"
        if source is None:
            return _LoginCounters(pair=f"login:{subject}")
        origin = digest(source)
        window = self.settings.login_source_window.total_seconds()
        return _LoginCounters(
            pair=f"login:{subject}:{origin}",
            source=f"login-source:{origin}:{int(now.timestamp() // window)}",
            account=f"login-account:{subject}",
        )

    def _login_throttled(self, counters: _LoginCounters, now: datetime) -> bool:
        """Whether the attempt is refused without checking the password (C3). The per-account counter across sources
        refuses only a source that has failed for this account since its last success there: a third party's
        failures never hold back the owner's correct password from a clean source."""
        blocked = self._limiter.blocked_until
        if blocked(counters.pair, now, self.settings.login_throttle) is not None:
            return True
        if counters.source is not None:
            window = self.settings.login_source_window
            per_source = ThrottlePolicy(self.settings.login_failures_per_source, window, window)
            if blocked(counters.source, now, per_source) is not None:
                return True
        if counters.account is None or blocked(counters.account, now, self.settings.login_throttle_per_account) is None:
            return False
        retention = self.settings.throttle_retention
        return blocked(counters.pair, now, ThrottlePolicy(1, retention, retention)) is not None  # has it failed?

    def authenticate(self, session_token: str, *, allow_initial_password: bool = False) -> Principal:
        """The account behind a session, checking the idle and absolute timeouts (C5) and touching the session.

        Raises SessionExpired, or PasswordChangeRequired while an initial password is unchanged (C6).
        """
        return self._authenticator.authenticate(session_token, allow_initial_password=allow_initial_password)

    def principal_in(self, uow: UnitOfWork, session_token: str) -> Principal:
        """:meth:`authenticate` inside the caller's unit of work."""
        return self._authenticator.principal_in(uow, session_token)

    def logout(self, session_token: str) -> None:
        with self._uow() as uow:
            uow.tokens.revoke(digest(session_token))
            uow.commit()

    def home(self, session_token: str) -> HomeView:
        """ACC-13: "Mes inscriptions", the page after login: the header and the active candidatures' cards. Writes
        nothing unless the session's last-used time is due for its refresh."""
        now = self._clock.now()
        with self._uow() as uow:
            principal, touched = self._authenticator.check(uow, session_token, now, allow_initial=False)
            account = get_account(uow, principal.account_id)
            cards = active_cards(uow, self._catalogue, account, now)
            if touched:
                uow.commit()
        return HomeView(account.home_header(), cards)

    def purge_expired_tokens(self) -> int:
        """Housekeeping: drop links and sessions past their absolute expiry."""
        with self._uow() as uow:
            removed = uow.tokens.remove_expired(self._clock.now())
            uow.commit()
            return removed

    # -- helpers ----------------------------------------------------------------------------------------------

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(new_token())
        return self._dummy_hash


@frozen
class _LoginCounters:
    """The limiter keys of one login attempt: ``pair`` (account and source, or the account alone without a source),
    whose consecutive failures decide the delays of ``login_throttle``; with a source, ``source`` (the source's
    current window, every account) and ``account`` (every source, for this account) count the same failures
    for their own limits (:meth:`SessionService._login_throttled`)."""

    pair: str
    source: str | None = None
    account: str | None = None

    @property
    def shared(self) -> tuple[str, ...]:
        return tuple(key for key in (self.source, self.account) if key is not None)
