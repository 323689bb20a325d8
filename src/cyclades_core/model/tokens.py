"""Single-use links and sessions (B1, E5, C5). Only a SHA-256 digest of a token is ever stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import Enum

from attrs import frozen

__all__ = ["IssuedToken", "TokenPurpose", "digest", "new_token"]

TOKEN_BYTES = 32  # 256 bits, 43 URL-safe characters


class TokenPurpose(Enum):
    ACTIVATION = "activation"
    RESET = "reset"
    SESSION = "session"


def new_token() -> str:
    """A fresh CSPRNG token of 256 bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What the token store keeps: the token never is. Anything but a ``str`` (a caller's ``None``) digests as the
    empty text, which no token is: it finds nothing, as an unknown token does."""
    text = token if isinstance(token, str) else ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@frozen
class IssuedToken:
    """A stored token: bound to one purpose and one account, with an absolute expiry.

    ``used_at`` marks a consumed single-use link (kept so that a second activation can say "already active");
    for sessions ``last_used_at`` drives the idle timeout.
    """

    digest: str
    purpose: TokenPurpose
    account_id: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    last_used_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return now > self.expires_at
