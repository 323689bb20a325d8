"""The managing service's accounts (back office): a login, the académies it manages, a password hash, and its
sessions. Only a digest of a session token is ever stored, as for candidates (C5), in a table of its own: a manager's
token never opens a candidate's session, nor a candidate's token a manager's."""

from __future__ import annotations

import re
from datetime import datetime

from attrs import evolve, field, frozen

__all__ = ["LOGIN_MAX_LENGTH", "ManagerAccount", "ManagerSessionToken", "manager_login_key"]

#: A login fits the audit trail's actor column with its ``manager:`` prefix.
LOGIN_MAX_LENGTH = 64
_LOGIN = re.compile(rf"[a-z0-9][a-z0-9._-]{{1,{LOGIN_MAX_LENGTH - 1}}}")


def manager_login_key(text: object) -> str | None:
    """The stored form of a typed login: stripped, lower case, 2 to 64 of ``a-z 0-9 . _ -`` starting with a letter or
    a digit; ``None`` for anything else (no manager has it)."""
    if not isinstance(text, str):
        return None
    key = text.strip().lower()
    return key if _LOGIN.fullmatch(key) else None


@frozen(kw_only=True)
class ManagerAccount:
    """A person of the managing service: what the storage keeps. ``disabled_at`` set: it can no longer log in, and
    its login stays reserved (the audit trail names one person per login, forever)."""

    login: str
    name: str
    academie_codes: tuple[str, ...]
    password_hash: str = field(repr=False)
    created_at: datetime
    disabled_at: datetime | None = None
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def disable(self, at: datetime) -> ManagerAccount:
        """The next version, disabled at ``at`` (unchanged when already disabled, but for the version)."""
        return evolve(self, disabled_at=self.disabled_at or at, version=self.version + 1)

    def with_password(self, password_hash: str) -> ManagerAccount:
        """The next version, with a new password hash (a change, or a rehash with stronger parameters)."""
        return evolve(self, password_hash=password_hash, version=self.version + 1)


@frozen
class ManagerSessionToken:
    """A stored manager session: the token's digest, its manager's login, an absolute expiry, and its last use
    (idle timeout)."""

    digest: str
    login: str
    issued_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return now > self.expires_at
