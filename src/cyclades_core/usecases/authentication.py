"""Who a session token belongs to (C5, C6): the one piece every service that acts for a signed-in candidate uses.

Candidatures, documents and pièces take a :class:`SessionAuthenticator` rather than an account service, so that no
service calls another service's public method to do its work.
"""

from __future__ import annotations

from datetime import datetime

from cyclades_core.errors import PasswordChangeRequired, SessionExpired
from cyclades_core.model.tokens import TokenPurpose, digest
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.usecases.account_forms import Principal
from cyclades_core.usecases.account_settings import AccountSettings

__all__ = ["SessionAuthenticator"]


class SessionAuthenticator:
    """Checks a session's idle and absolute timeouts and touches it. Raises only SessionExpired and
    PasswordChangeRequired.

    The session's last-used time is written only when it is older than ``settings.session_touch_interval`` (the
    step), so that a page that only reads writes nothing on most requests. The idle timeout stays a bound:
    with an idle timeout N and a step S, a session unused for more than N is always refused, and a session unused
    for at most N - S is always accepted (its stored last use lags the real one by less than S). Between the two it
    depends on when the last refresh fell: at worst a session is refused once unused for just over N - S.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, settings: AccountSettings) -> None:
        self._uow = uow
        self._clock = clock
        self.settings = settings

    def authenticate(self, session_token: str, *, allow_initial_password: bool = False) -> Principal:
        """The account behind a session, in a unit of work of its own.

        Raises SessionExpired, or PasswordChangeRequired while an initial password is unchanged (C6).
        """
        with self._uow() as uow:
            principal, touched = self.check(uow, session_token, self._clock.now(), allow_initial=allow_initial_password)
            if touched:
                uow.commit()
            return principal

    def principal_in(self, uow: UnitOfWork, session_token: str) -> Principal:
        """:meth:`authenticate` inside the caller's unit of work (to scope its reads); the caller commits."""
        return self.principal(uow, session_token, self._clock.now(), allow_initial=False)

    def principal(self, uow: UnitOfWork, session_token: str, now: datetime, *, allow_initial: bool) -> Principal:
        """The check itself, in the caller's unit of work, which commits (the refresh of the last-used time, when
        one is due, is written in it). An expired session is revoked (and that committed)."""
        return self.check(uow, session_token, now, allow_initial=allow_initial)[0]

    def check(
        self, uow: UnitOfWork, session_token: str, now: datetime, *, allow_initial: bool
    ) -> tuple[Principal, bool]:
        """:meth:`principal`, and whether it wrote the refresh of the session's last-used time in ``uow``: a read
        page commits only then, and otherwise leaves its unit of work without a write to commit."""
        issued = uow.tokens.get(digest(session_token))
        if issued is None or issued.purpose is not TokenPurpose.SESSION:
            raise SessionExpired()
        last = issued.last_used_at or issued.issued_at
        account = uow.accounts.get(issued.account_id)
        if account is None or issued.expired(now) or now - last > self.settings.session_idle_timeout:
            uow.tokens.revoke(issued.digest)
            uow.commit()
            raise SessionExpired()
        if account.must_change_password and not allow_initial:
            raise PasswordChangeRequired()
        touched = now - last >= self.settings.session_touch_interval
        if touched:
            uow.tokens.touch(issued.digest, now)
        return Principal(account.id, issued.digest, account.must_change_password), touched
