"""Password hashers: argon2id (production, extra ``argon2``) and stdlib scrypt (no extra dependency); the
breached-password corpus as local Pwned Passwords range files."""

from cyclades_adapters.security.breached import RangeFileBreachedPasswords
from cyclades_adapters.security.hashers import Argon2idHasher, ScryptHasher

__all__ = ["Argon2idHasher", "RangeFileBreachedPasswords", "ScryptHasher"]
