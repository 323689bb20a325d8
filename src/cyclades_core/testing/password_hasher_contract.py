"""Contract suite of the password hasher port."""

from __future__ import annotations

import pytest

from cyclades_core.ports.security import PasswordHasher


class PasswordHasherContract:
    """Fixture: ``hasher`` (its cheapest profile is fine)."""

    @pytest.fixture
    def hasher(self) -> PasswordHasher:
        raise NotImplementedError

    def test_a_hash_verifies_its_password_only(self, hasher: PasswordHasher) -> None:
        encoded = hasher.hash("Abcdefg!")
        assert hasher.verify(encoded, "Abcdefg!") is True
        assert hasher.verify(encoded, "abcdefg!") is False
        assert hasher.verify(encoded, "Abcdefg!x") is False

    def test_two_hashes_of_one_password_differ(self, hasher: PasswordHasher) -> None:
        """D4: a fresh salt each time; the string is self-describing and holds no plaintext."""
        first, second = hasher.hash("Abcdefg!"), hasher.hash("Abcdefg!")
        assert first != second
        assert "Abcdefg!" not in first
        assert "$" in first

    def test_a_malformed_hash_never_verifies_and_needs_rehash(self, hasher: PasswordHasher) -> None:
        for broken in ("", "nonsense", "$argon2id$v=19$", "scrypt$1$1$1$$"):
            assert hasher.verify(broken, "Abcdefg!") is False
            assert hasher.needs_rehash(broken) is True
        assert hasher.needs_rehash(hasher.hash("Abcdefg!")) is False

    def test_unicode_passwords_round_trip(self, hasher: PasswordHasher) -> None:
        encoded = hasher.hash("Éléphant«œ»!")
        assert hasher.verify(encoded, "Éléphant«œ»!") is True
        assert hasher.verify(encoded, "Elephant«œ»!") is False
