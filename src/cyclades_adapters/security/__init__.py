"""Password hashers: argon2id (production, extra ``argon2``) and stdlib scrypt (no extra dependency)."""

from cyclades_adapters.security.hashers import Argon2idHasher, ScryptHasher

__all__ = ["Argon2idHasher", "ScryptHasher"]
