"""Contract suite of the breached-passwords port."""

from __future__ import annotations

import pytest

from cyclades_core.ports.security import BreachedPasswords


class BreachedPasswordsContract:
    """Fixture: ``corpus``, holding :data:`KNOWN_BREACHED` and able to answer for :data:`NOT_BREACHED`."""

    KNOWN_BREACHED = "P@ssw0rd"
    NOT_BREACHED = "Zq8#vraiment-improbable-5Xk"

    @pytest.fixture
    def corpus(self) -> BreachedPasswords:
        raise NotImplementedError

    def test_a_breached_password_is_found_and_a_clean_one_is_not(self, corpus: BreachedPasswords) -> None:
        assert corpus.breached(self.KNOWN_BREACHED) is True
        assert corpus.breached(self.NOT_BREACHED) is False
