"""The in-memory and file-backed catalogues pass the catalogue contract (MGR-01)."""

from __future__ import annotations

import pytest

from cyclades_adapters.files import FileCatalogue
from cyclades_adapters.memory import MemoryCatalogue
from cyclades_core.ports import Catalogue
from cyclades_core.testing.contracts import CatalogueContract


@pytest.mark.rule("MGR-01")
class TestMemoryCatalogue(CatalogueContract):
    @pytest.fixture
    def catalogue(self) -> Catalogue:
        return MemoryCatalogue()


@pytest.mark.rule("MGR-01")
class TestEmptyFileCatalogue(CatalogueContract):
    @pytest.fixture
    def catalogue(self) -> Catalogue:
        return FileCatalogue.from_paths()


@pytest.mark.rule("MGR-01")
class TestShippedFileCatalogue(CatalogueContract):
    """The shipped data loaded first, the contract's own items on top."""

    @pytest.fixture
    def catalogue(self) -> Catalogue:
        return FileCatalogue.default()
