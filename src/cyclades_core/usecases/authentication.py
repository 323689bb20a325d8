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
    PasswordChangeRequired."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, settings: AccountSettings) -> None:
        self._uow = uow
        self._clock = clock
        self.settings = settings

    def authenticate(self, session_token: str, *, allow_initial_password: bool = False) -> Principal:
        """The account behind a session, in a unit of work of its own.

        Raises SessionExpired, or PasswordChangeRequired while an initial password is unchanged (C6).
        """
        with self._uow() as uow:
            principal = self.principal(uow, session_token, self._clock.now(), allow_initial=allow_initial_password)
            uow.commit()
            return principal

    def principal_in(self, uow: UnitOfWork, session_token: str) -> Principal:
        """:meth:`authenticate` inside the caller's unit of work (to scope its reads); the caller commits."""
        return self.principal(uow, session_token, self._clock.now(), allow_initial=False)

    def principal(self, uow: UnitOfWork, session_token: str, now: datetime, *, allow_initial: bool) -> Principal:
        """The check itself, in the caller's unit of work. An expired session is revoked (and that committed)."""
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
        uow.tokens.touch(issued.digest, now)
        return Principal(account.id, issued.digest, account.must_change_password)
