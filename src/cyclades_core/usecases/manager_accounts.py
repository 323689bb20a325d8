"""The managing service's accounts (back office): the operator provisions them, a manager logs in and gets a session
whose :class:`~cyclades_core.usecases.management.Manager` the :class:`~cyclades_core.usecases.management.ManagerService`
acts for (``Manager.id`` is the login: the audit trail names who acted).

The login is throttled as the candidates' is (C2, C3): one error and one message for an unknown login, a wrong
password, a disabled or throttled account, after exactly one password verification (C4). Sessions expire like the
candidates' (``AccountSettings.session_idle_timeout`` and ``session_absolute_timeout``); only a digest of a token is
stored, in the managers' own table, so a manager's token never opens a candidate's session nor the reverse.

A manager is never deleted, only disabled (:meth:`ManagerAccountService.disable`): its login stays reserved, so an
``actor`` of the audit trail (``manager:<login>``) always names one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import field, frozen

from cyclades_core.errors import InvalidManagerCredentials, ManagerNotFound, ManagerSessionExpired
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.managers import LOGIN_MAX_LENGTH, ManagerAccount, ManagerSessionToken, manager_login_key
from cyclades_core.model.passwords import PasswordContext, check_new_password
from cyclades_core.model.text import INVALID_CHARACTERS, lookup_key, storable
from cyclades_core.model.tokens import digest, new_token
from cyclades_core.model.values import ErrorCollector
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.security import BreachedPasswords
from cyclades_core.ports.storage import UnitOfWork
from cyclades_core.usecases.account_support import AccountPorts, BreachedPasswordCheck
from cyclades_core.usecases.login_throttle import LoginThrottle
from cyclades_core.usecases.management import Manager

__all__ = ["ManagerAccountService", "ManagerSession", "ManagerView"]

NAME_MAX_LENGTH = 200
LOGIN_MESSAGE = (
    f"L'identifiant compte de 2 à {LOGIN_MAX_LENGTH} caractères : lettres sans accent, chiffres, point, tiret ou "
    "tiret bas, en commençant par une lettre ou un chiffre."
)
NO_ACADEMIE_MESSAGE = "Indiquez au moins une académie."
#: The actor of the operator's acts (the command line, a provisioning script).
OPERATOR = "system"


@frozen
class ManagerView:
    """A manager account as the operator sees it (never its password hash)."""

    login: str
    name: str
    academie_codes: tuple[str, ...]
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the manager can log in (not disabled)."""
        return self.disabled_at is None

    @property
    def manager(self) -> Manager:
        """The :class:`Manager` the managing service's use cases take for this account."""
        return Manager(self.login, self.academie_codes)

    @classmethod
    def of(cls, account: ManagerAccount) -> ManagerView:
        return cls(account.login, account.name, account.academie_codes, account.created_at, account.disabled_at)


@frozen
class ManagerSession:
    """A manager logged in: the session token (the web layer keeps it in a cookie; only its digest is stored) and the
    :class:`Manager` it authenticates."""

    session_token: str = field(repr=False)
    manager: Manager


class ManagerAccountService:
    """``portal.managers``: the back office's accounts. Provisioning (:meth:`add`, :meth:`list`, :meth:`disable`,
    :meth:`change_password`) is the operator's; :meth:`login`, :meth:`authenticate` and :meth:`logout` are the back
    office's. Methods raise only :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(self, ports: AccountPorts, *, catalogue: Catalogue, breached: BreachedPasswords | None = None) -> None:
        self._uow = ports.uow
        self._clock = ports.clock
        self._hasher = ports.hasher
        self._limiter = ports.limiter
        self.settings = ports.settings
        self._catalogue = catalogue
        self._passwords = BreachedPasswordCheck(uow=ports.uow, settings=ports.settings, breached=breached)
        self._dummy_hash: str | None = None

    # -- the operator ---------------------------------------------------------------------------------------------

    def add(self, login: str, password: str, academie_codes: Sequence[str], *, name: str = "") -> ManagerView:
        """Provision a manager of these académies. The login is stored stripped and in lower case; it must be free
        (:class:`~cyclades_core.errors.ManagerLoginTaken`, disabled managers included). Every académie code must be
        the catalogue's (ValidationError naming ``academie_codes``). The password follows the candidates' policy
        (ACC-03: the guide's rule, the blocklists, neither the name nor the login inside) and, when a corpus is
        configured, is not a breached one (D3); it is stored hashed."""
        now = self._clock.now()
        key = manager_login_key(login)
        errors = ErrorCollector()
        if key is None:
            errors.add("login", "invalid_login", LOGIN_MESSAGE)
        display = name.strip() if isinstance(name, str) else ""
        if not isinstance(name, str) or not storable(name):
            errors.add("name", "invalid_characters", INVALID_CHARACTERS)
        elif len(display) > NAME_MAX_LENGTH:
            errors.add("name", "invalid_length", f"Le nom compte au plus {NAME_MAX_LENGTH} caractères.")
        codes = self._academies(academie_codes, errors)
        errors.raise_if_any()
        assert key is not None  # noqa: S101 - refused above otherwise
        check_new_password(password, password, PasswordContext(names=(display,) if display else ()), extra_words=(key,))
        self._passwords.refuse_breached(password, "password", now)
        account = ManagerAccount(
            login=key, name=display, academie_codes=codes, password_hash=self._hasher.hash(password), created_at=now
        )
        with self._uow() as uow:
            uow.managers.add(account)  # ManagerLoginTaken: the storage's unique key decides
            uow.audit.append(
                AuditRecord.of(now, "manager_added", OPERATOR, None, manager=key, academie=",".join(codes))
            )
            uow.commit()
        return ManagerView.of(account)

    def list(self) -> Sequence[ManagerView]:
        """Every manager, disabled ones included, by login."""
        with self._uow() as uow:
            return [ManagerView.of(account) for account in uow.managers.all()]

    def disable(self, login: str) -> ManagerView:
        """Disable a manager for good: it can no longer log in and its sessions end at once. Its account is kept
        (never removed), so its login stays reserved and the audit trail's ``manager:<login>`` names one person.
        Disabling a disabled manager changes nothing. Unknown login: :class:`~cyclades_core.errors.ManagerNotFound`."""
        now = self._clock.now()
        with self._uow() as uow:
            account = self._get(uow, login)
            if account.is_active:
                account = account.disable(now)
                uow.managers.update(account)
                uow.audit.append(AuditRecord.of(now, "manager_disabled", OPERATOR, None, manager=account.login))
            uow.managers.revoke_sessions(account.login)
            uow.commit()
        return ManagerView.of(account)

    def change_password(self, login: str, new_password: str) -> ManagerView:
        """The operator sets a manager's new password (the same policy as :meth:`add`, on the field ``password``);
        every session of the manager ends. Unknown login: :class:`~cyclades_core.errors.ManagerNotFound`."""
        now = self._clock.now()
        with self._uow() as uow:
            account = self._get(uow, login)
        context = PasswordContext(names=(account.name,) if account.name else ())
        check_new_password(new_password, new_password, context, extra_words=(account.login,))
        self._passwords.refuse_breached(new_password, "password", now)
        hashed = self._hasher.hash(new_password)
        with self._uow() as uow:
            current = self._get(uow, account.login)
            changed = current.with_password(hashed)
            uow.managers.update(changed)
            uow.managers.revoke_sessions(changed.login)
            uow.audit.append(AuditRecord.of(now, "manager_password_changed", OPERATOR, None, manager=changed.login))
            uow.commit()
        return ManagerView.of(changed)

    # -- the back office ------------------------------------------------------------------------------------------

    def login(self, login: str, password: str, *, source: str | None = None) -> ManagerSession:
        """A manager logs in; a fresh random session token each time.

        Unknown login, wrong password, disabled or throttled manager: the same
        :class:`~cyclades_core.errors.InvalidManagerCredentials`, after exactly one password verification. Failures
        count per typed login (its stored form, hashed: known or not, the same work); after
        ``settings.login_throttle.free_failures`` consecutive failures the login is throttled with doubling delays,
        during which even the right password is not checked. With a ``source`` (the client's address, kept only
        hashed), failures count per login *and source*, a source is limited across logins
        (``login_failures_per_source`` per ``login_source_window``), and once a login has
        ``login_throttle_per_account.free_failures`` failures from every source together, the sources that have
        failed for it get that policy's delays: a third party never holds back the manager's own clean source."""
        password = password if isinstance(password, str) else ""  # a caller's None: a wrong password, not a crash
        now = self._clock.now()
        key = manager_login_key(login)
        with self._uow() as uow:
            account = uow.managers.get(key) if key is not None else None
        throttle = LoginThrottle(self._limiter, self.settings, "manager-login")
        # The typed login's stored form (or its text) hashed: a known and an unknown login cost the same, and no
        # login is kept in clear.
        counters = throttle.counters(digest(key if key is not None else _typed(login)), source, now)
        throttled = throttle.throttled(counters, now)
        if account is None or not account.is_active or throttled:
            self._hasher.verify(self._dummy(), password)
            verified = False
        else:
            verified = self._hasher.verify(account.password_hash, password)
        if not verified or account is None:
            if throttled:
                reason, action = "throttled", "authn_login_lock"
            else:
                action = throttle.failed(counters, now)
                reason = "unknown" if account is None else ("disabled" if not account.is_active else "password")
            with self._uow() as uow:
                uow.audit.append(AuditRecord.of(now, action, "anonymous", None, kind="manager", reason=reason))
                uow.commit()
            raise InvalidManagerCredentials()
        throttle.succeeded(counters)
        rehashed = self._hasher.hash(password) if self._hasher.needs_rehash(account.password_hash) else None
        token = new_token()
        with self._uow() as uow:
            if rehashed is not None:
                current = uow.managers.get(account.login)
                if current is not None and current.password_hash == account.password_hash:
                    uow.managers.update(current.with_password(rehashed))
            expires_at = now + self.settings.session_absolute_timeout
            uow.managers.add_session(ManagerSessionToken(digest(token), account.login, now, expires_at))
            uow.audit.append(
                AuditRecord.of(now, "authn_login_success", f"manager:{account.login}", None, kind="manager")
            )
            uow.commit()
        return ManagerSession(token, Manager(account.login, account.academie_codes))

    def authenticate(self, session_token: str) -> Manager:
        """The manager behind a session token, checking the idle and absolute timeouts and touching the session (its
        last use is written only once older than ``settings.session_touch_interval``, as for candidates).

        Unknown, forged, logged-out, idle or expired token, a candidate's token, a disabled manager:
        :class:`~cyclades_core.errors.ManagerSessionExpired` (an expired session is deleted). Total on any text."""
        if not isinstance(session_token, str):
            raise ManagerSessionExpired()
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.managers.get_session(digest(session_token))
            if session is None:
                raise ManagerSessionExpired()
            account = uow.managers.get(session.login)
            last = session.last_used_at or session.issued_at
            idle = now - last > self.settings.session_idle_timeout
            if account is None or not account.is_active or session.expired(now) or idle:
                uow.managers.revoke_session(session.digest)
                uow.commit()
                raise ManagerSessionExpired()
            if now - last >= self.settings.session_touch_interval:
                uow.managers.touch_session(session.digest, now)
                uow.commit()
        return Manager(account.login, account.academie_codes)

    def logout(self, session_token: str) -> None:
        """End the session (no error when it is already over)."""
        if not isinstance(session_token, str):
            return
        with self._uow() as uow:
            uow.managers.revoke_session(digest(session_token))
            uow.commit()

    def purge_expired_sessions(self) -> int:
        """Housekeeping: drop the manager sessions past their absolute expiry. Returns how many."""
        with self._uow() as uow:
            removed = uow.managers.remove_expired_sessions(self._clock.now())
            uow.commit()
        return removed

    # -- helpers --------------------------------------------------------------------------------------------------

    def _academies(self, academie_codes: Sequence[str], errors: ErrorCollector) -> tuple[str, ...]:
        """The codes, stripped and without repeats, when every one is the catalogue's; else an error on
        ``academie_codes``."""
        if isinstance(academie_codes, str) or not all(isinstance(code, str) for code in academie_codes):
            errors.add("academie_codes", "invalid_choice", NO_ACADEMIE_MESSAGE)
            return ()
        codes = tuple(dict.fromkeys(code.strip() for code in academie_codes))
        if not codes:
            errors.add("academie_codes", "required", NO_ACADEMIE_MESSAGE)
            return ()
        unknown = [code for code in codes if lookup_key(code) is None or self._catalogue.academie(code) is None]
        if unknown:
            shown = ", ".join(code if storable(code) else "?" for code in unknown)
            errors.add("academie_codes", "invalid_choice", f"Académie inconnue : {shown}.")
        return codes

    def _get(self, uow: UnitOfWork, login: str) -> ManagerAccount:
        key = manager_login_key(login)
        account = uow.managers.get(key) if key is not None else None
        if account is None:
            raise ManagerNotFound()
        return account

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(new_token())
        return self._dummy_hash


def _typed(login: object) -> str:
    """What an unknown, malformed login counts under: its stripped lower-case text (any text hashes)."""
    return login.strip().lower() if isinstance(login, str) else ""
