"""Password hasher adapters.

:class:`Argon2idHasher` is the production choice (argon2-cffi, RFC 9106 low-memory profile by default, ~100 ms
here); :class:`ScryptHasher` needs only the standard library (n=2**17, r=8, p=1, maxmem 256 MiB: checklist D4).
Both produce self-describing strings with a fresh salt and both offer a ``cheap()`` profile for tests only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

__all__ = ["Argon2idHasher", "ScryptHasher"]


class Argon2idHasher:
    def __init__(
        self, *, time_cost: int | None = None, memory_cost: int | None = None, parallelism: int | None = None
    ) -> None:
        try:
            import argon2
        except ImportError as missing:  # pragma: no cover - depends on the installed extras
            raise ImportError("Argon2idHasher needs the 'argon2' extra: pip install 'cyclades[argon2]'") from missing
        options: dict[str, Any] = {}
        if time_cost is not None:
            options["time_cost"] = time_cost
        if memory_cost is not None:
            options["memory_cost"] = memory_cost
        if parallelism is not None:
            options["parallelism"] = parallelism
        self._argon2 = argon2
        self._hasher = argon2.PasswordHasher(type=argon2.Type.ID, **options)

    @classmethod
    def cheap(cls) -> Argon2idHasher:
        """For tests only: the smallest parameters argon2 accepts."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def verify(self, encoded: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(encoded, password))
        except (
            self._argon2.exceptions.VerificationError,
            self._argon2.exceptions.InvalidHashError,
            ValueError,
        ):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        try:
            return bool(self._hasher.check_needs_rehash(encoded))
        except (self._argon2.exceptions.InvalidHashError, ValueError):
            return True


class ScryptHasher:
    """``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>``."""

    def __init__(self, *, log2_n: int = 17, r: int = 8, p: int = 1) -> None:
        self.log2_n, self.r, self.p = log2_n, r, p

    @classmethod
    def cheap(cls) -> ScryptHasher:
        return cls(log2_n=4, r=1, p=1)

    @staticmethod
    def _derive(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
        return hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=salt,
            n=2**log2_n,
            r=r,
            p=p,
            maxmem=256 * 1024 * 1024 + 1024 * 1024,
            dklen=32,
        )

    def hash(self, password: str) -> str:
        salt = secrets.token_bytes(16)
        derived = self._derive(password, salt, self.log2_n, self.r, self.p)
        b64 = base64.b64encode
        return f"scrypt${self.log2_n}${self.r}${self.p}${b64(salt).decode()}${b64(derived).decode()}"

    def _parse(self, encoded: str) -> tuple[int, int, int, bytes, bytes] | None:
        parts = encoded.split("$")
        if len(parts) != 6 or parts[0] != "scrypt":
            return None
        try:
            return (
                int(parts[1]),
                int(parts[2]),
                int(parts[3]),
                base64.b64decode(parts[4]),
                base64.b64decode(parts[5]),
            )
        except ValueError:
            return None

    def verify(self, encoded: str, password: str) -> bool:
        parsed = self._parse(encoded)
        if parsed is None:
            return False
        log2_n, r, p, salt, expected = parsed
        if not (1 <= log2_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        try:
            return hmac.compare_digest(self._derive(password, salt, log2_n, r, p), expected)
        except (ValueError, MemoryError):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        parsed = self._parse(encoded)
        return parsed is None or parsed[:3] != (self.log2_n, self.r, self.p)
