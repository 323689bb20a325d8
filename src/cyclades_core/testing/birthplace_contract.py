"""Contract suite of the birthplace directory port (communes, départements, countries)."""

from __future__ import annotations

import pytest

from cyclades_core.ports.reference import BirthplaceDirectory


class BirthplaceDirectoryContract:
    """Fixture: ``directory``. Holds at least the guide's places (Calvados, MAY-SUR-ORNE, Aube, TROYES)."""

    @pytest.fixture
    def directory(self) -> BirthplaceDirectory:
        raise NotImplementedError

    def test_france_and_its_departements_are_known(self, directory: BirthplaceDirectory) -> None:
        france = directory.country("99100")
        assert france is not None
        assert france.name == "FRANCE (DONT OUTRE-MER)"
        calvados = directory.departement("014")
        assert calvados is not None
        assert calvados.name.upper() == "CALVADOS"
        assert directory.country("00000") is None
        assert directory.departement("999") is None

    def test_a_commune_is_found_by_code_or_name_within_its_departement(self, directory: BirthplaceDirectory) -> None:
        by_name = directory.commune("014", "may-sur-orne")
        assert by_name is not None
        assert by_name.code == "14408"
        by_code = directory.commune("014", "14408")
        assert by_code is not None
        assert by_code.code == "14408"
        assert directory.commune("010", "MAY-SUR-ORNE") is None

    def test_communes_are_searched_by_prefix_ignoring_case_and_accents(self, directory: BirthplaceDirectory) -> None:
        names = [c.name for c in directory.search_communes("014", "may sur")]
        assert "MAY-SUR-ORNE" in names
        assert [c.name for c in directory.search_communes("010", "TROY")][:1] == ["TROYES"]
        assert list(directory.search_communes("010", "zzzz")) == []

    def test_countries_and_departements_are_listed_as_looked_up(self, directory: BirthplaceDirectory) -> None:
        """``portal.reference`` offers these lists (issue 16): each listed item is the one its code looks up."""
        countries = list(directory.countries())
        departements = list(directory.departements())
        assert "99100" in {c.code for c in countries}
        assert {"014", "010"} <= {d.code for d in departements}
        assert all(directory.country(c.code) == c for c in countries)
        assert all(directory.departement(d.code) == d for d in departements)
