"""Every password hasher adapter passes the hasher contract (D4), and the upgrade rule holds (D5)."""

from __future__ import annotations

import base64

import pytest

from cyclades_adapters.security import Argon2idHasher, ScryptHasher
from cyclades_core.ports import PasswordHasher
from cyclades_core.testing import PlainHasher
from cyclades_core.testing.contracts import PasswordHasherContract


class TestArgon2id(PasswordHasherContract):
    @pytest.fixture
    def hasher(self) -> PasswordHasher:
        return Argon2idHasher.cheap()


class TestScrypt(PasswordHasherContract):
    @pytest.fixture
    def hasher(self) -> PasswordHasher:
        return ScryptHasher.cheap()


class TestPlainTestHasher(PasswordHasherContract):
    @pytest.fixture
    def hasher(self) -> PasswordHasher:
        return PlainHasher()


def test_argon2_hashes_are_argon2id_with_their_parameters() -> None:
    encoded = Argon2idHasher.cheap().hash("Abcdefg!")
    assert encoded.startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_a_cheap_hash_needs_rehash_under_production_parameters() -> None:
    """D5: weaker stored parameters are detected."""
    assert Argon2idHasher().needs_rehash(Argon2idHasher.cheap().hash("Abcdefg!")) is True
    assert ScryptHasher().needs_rehash(ScryptHasher.cheap().hash("Abcdefg!")) is True


def test_scrypt_at_its_production_parameters_hashes_verifies_and_describes_itself() -> None:
    """D4: n = 2^17, r = 8, p = 1 needs 128 MiB, above hashlib's default maxmem (32 MiB): the hasher raises it. The
    stored string names the algorithm and parameters, with a salt of its own each time."""
    hasher = ScryptHasher()
    first, second = hasher.hash("Abcdefg!1"), hasher.hash("Abcdefg!1")
    assert first != second
    algorithm, log2_n, r, p, salt, digest = first.split("$")
    assert (algorithm, log2_n, r, p) == ("scrypt", "17", "8", "1")
    assert len(base64.b64decode(salt, validate=True)) * 8 >= 32
    assert len(base64.b64decode(digest, validate=True)) == 32
    assert hasher.verify(first, "Abcdefg!1") is True
    assert hasher.verify(first, "Abcdefg!2") is False
    assert hasher.needs_rehash(first) is False
