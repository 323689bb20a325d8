"""Contract suite of the candidate number allocator port."""

from __future__ import annotations

import pytest

from cyclades_core.ports.security import CandidateNumberAllocator
from cyclades_core.testing.support import run_concurrently


class CandidateNumberAllocatorContract:
    """Fixture: ``allocator``."""

    @pytest.fixture
    def allocator(self) -> CandidateNumberAllocator:
        raise NotImplementedError

    def test_numbers_have_eleven_digits_and_the_year(self, allocator: CandidateNumberAllocator) -> None:
        number = allocator.allocate(2022)
        assert len(number) == 11
        assert number.isdigit()
        assert number.startswith("022")

    def test_numbers_are_never_given_twice_even_concurrently(self, allocator: CandidateNumberAllocator) -> None:
        """A7: 10 000 numbers, 16 threads at once among them, all distinct."""
        numbers = [allocator.allocate(2022) for _ in range(9_000)]
        batches = run_concurrently(lambda _: [allocator.allocate(2022) for _ in range(63)], 16)
        for batch in batches:
            assert isinstance(batch, list)
            numbers.extend(batch)
        assert len(numbers) == 10_008
        assert len(set(numbers)) == len(numbers)
