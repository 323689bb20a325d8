""" "Se connecter" (guide, section 3): login with an email, a Cyclades login or a candidate number, its throttling
(C2 … C4), the sessions (C5) and the home page after login, "Mes inscriptions" (ACC-08, ACC-13)."""

from __future__ import annotations

from cyclades_core.errors import InvalidCredentials
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.tokens import TokenPurpose, digest, new_token
from cyclades_core.ports.catalogue import Catalogue
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
from cyclades_core.usecases.login_throttle import LoginThrottle

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
        password = password if isinstance(password, str) else ""  # a caller's None: a wrong password, not a crash
        now = self._clock.now()
        with self._uow() as uow:
            account = find_by_identifier(uow, identifier)
        throttle = LoginThrottle(self._limiter, self.settings, "login")
        # Keyed by the resolved account whatever identifier form was typed (C2); an unknown identifier by its
        # normalised, hashed text, with the same counters, so that the limiter's work does not tell them apart.
        subject = account.id if account is not None else f"unknown:{identifier_key(identifier)}"
        counters = throttle.counters(subject, source, now)
        throttled = throttle.throttled(counters, now)
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
                action = throttle.failed(counters, now)
                reason = "unknown" if account is None else ("pending" if not account.is_active else "password")
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
        throttle.succeeded(counters)
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
