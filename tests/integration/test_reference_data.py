"""The reference data shipped with the package: Etalab's communes and départements, INSEE countries (issue 3)."""

from __future__ import annotations

import pytest

from cyclades_adapters.files import FileBirthplaceDirectory, FileCatalogue


@pytest.fixture(scope="module")
def directory() -> FileBirthplaceDirectory:
    return FileBirthplaceDirectory()


@pytest.mark.rule("ACC-01")
class TestBirthplaces:
    def test_all_37590_communes_are_loaded(self, directory: FileBirthplaceDirectory) -> None:
        assert directory.commune_count == 37_590

    def test_109_departements_with_the_com_shown_as_the_guide_shows_them(
        self, directory: FileBirthplaceDirectory
    ) -> None:
        departements = directory.departements()
        assert len(departements) == 109
        calvados, aube = directory.departement("014"), directory.departement("010")
        assert calvados is not None
        assert aube is not None
        assert calvados.label == "014 - Calvados"
        assert aube.label.upper() == "010 - AUBE"
        assert {"02A", "02B", "971", "976", "975", "987", "988"} <= {d.code for d in departements}

    def test_search_is_by_prefix_ignoring_case_and_accents(self, directory: FileBirthplaceDirectory) -> None:
        assert "MAY-SUR-ORNE" in [c.name for c in directory.search_communes("014", "may sur")]
        assert [c.name for c in directory.search_communes("025", "besanc")] == ["BESANCON"]
        assert [c.name for c in directory.search_communes("024", "PÉRIG")] == ["PERIGUEUX"]
        assert directory.search_communes("010", "Troyes")[0].code == "10387"
        assert len(directory.search_communes("075", "paris", limit=50)) > 20  # arrondissements municipaux

    def test_a_commune_deleguee_sharing_its_nouvelle_s_name_is_shown_once(
        self, directory: FileBirthplaceDirectory
    ) -> None:
        assert [c.code for c in directory.search_communes("008", "Bazeilles")] == ["08053"]

    def test_countries_start_with_france_and_nationalities_follow(self, directory: FileBirthplaceDirectory) -> None:
        france = directory.country("99100")
        assert france is not None
        assert france.name == "FRANCE (DONT OUTRE-MER)"
        assert len(directory.countries()) >= 190
        nationalities = {n.code: n.label for n in FileCatalogue.default().nationalities()}
        assert nationalities["99100"] == "Française"
        assert nationalities["99350"] == "Marocaine"
