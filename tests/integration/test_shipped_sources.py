"""The shipped reference data is rebuilt from cited sources, and never prints a placeholder (issue 17).

Guide: « Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous dépendez : » —
the contact printed under that sentence, and on the confirmation d'inscription, must be the service's real one.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cyclades_adapters.files import FileCatalogue
from cyclades_core.model.catalogue import Academie, Contact

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "cyclades_adapters" / "data"
PLACEHOLDERS = ("Adresse à compléter", "0000000000", "à compléter")


@pytest.fixture(scope="module")
def academies() -> dict[str, Academie]:
    return {a.code: a for a in FileCatalogue.default().academies()}


def contact_values(contact: Contact) -> list[str]:
    return [contact.name, *contact.address, contact.phone or "", contact.email or ""]


def rebuild(script: str, tmp_path: Path, *args: str) -> Path:
    """Run ``scripts/<script>`` writing into ``tmp_path`` (a copy of SOURCES.md is updated there)."""
    sources_md = tmp_path / "SOURCES.md"
    shutil.copy(DATA / "SOURCES.md", sources_md)
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / script), "--sources-md", str(sources_md), *args],
        check=True,
        capture_output=True,
    )
    return sources_md


@pytest.mark.rule("DOC-05")
@pytest.mark.rule("MGR-01")
class TestAcademieContacts:
    def test_no_shipped_contact_holds_a_placeholder_value(self, academies: dict[str, Academie]) -> None:
        """DOC-05: « Adresse à compléter » and « Tel : 0000000000 » were printed on confirmations."""
        assert len(academies) == 34
        for academie in academies.values():
            for value in contact_values(academie.contact):
                assert not any(p in value for p in PLACEHOLDERS), (academie.code, value)

    def test_an_academie_without_a_sourced_contact_carries_no_contact_values(
        self, academies: dict[str, Academie]
    ) -> None:
        unknown = [a for a in academies.values() if a.contact.placeholder]
        assert {"10", "02", "07", "43", "40"} <= {a.code for a in unknown}  # Lyon, Aix-Marseille, Dijon, …
        for academie in unknown:
            assert academie.contact == Contact.unknown()
            assert academie.contact.lines() == ()

    def test_the_guide_s_two_contacts_are_kept_word_for_word(self, academies: dict[str, Academie]) -> None:
        assert academies["03"].contact.lines() == (
            "Recteur",
            "1 chemin de l'olivier",
            "25000 BESANCON",
            "Tel : 03 83 03 03 03",
            "sactBesancon@ac-besancon.fr",
        )
        assert academies["19"].contact.lines() == (
            "Rectorat de Reims",
            "1, Rue Navier",
            "51082 REIMS CEDEX",
            "Tel : 0326056969",
            "contact@ac-reims.fr",
        )

    def test_a_partial_contact_prints_only_the_fields_its_source_gives(self, academies: dict[str, Academie]) -> None:
        """Paris, Créteil and Versailles share the SIEC (Arcueil); its page gives the postal address only."""
        for code in ("01", "24", "25"):
            contact = academies[code].contact
            assert contact.placeholder is False
            assert (contact.phone, contact.email) == (None, None)
            assert contact.lines() == ("SIEC - Maison des examens", "7, rue Ernest Renan", "94749 Arcueil Cedex")
        assert academies["08"].contact.lines() == (  # from the DEC's letterhead on a 2021 circular
            "Rectorat de Grenoble",
            "Division des Examens et Concours",
            "7, place Bir-Hakeim",
            "CS 81065",
            "38021 Grenoble Cedex 1",
        )
        toulouse = academies["16"].contact
        assert toulouse.lines() == (
            "Rectorat de l'académie de Toulouse",
            "75 rue Saint-Roch",
            "CS 87703 - 31077 Toulouse Cedex 4",
            "Dec5@ac-toulouse.fr",  # from another page: each field is cited where it was read
        )
        assert academies["06"].contact.phone is None
        assert academies["06"].contact.email == "ce.dec3bts@ac-clermont.fr"

    def test_a_rectorat_s_general_address_is_shipped_where_no_examinations_service_one_was_found(
        self, academies: dict[str, Academie]
    ) -> None:
        """As the guide's own Reims contact (« Rectorat de Reims, 1, Rue Navier… »): the rectorat's postal address read
        on the académie's own pages; the médiateurs' lines those pages give are not the service's and are not kept."""
        assert academies["04"].contact.lines() == (
            "Rectorat de l'académie de Bordeaux", "5, rue Joseph de Carayon-Latour", "CS 81499 33060 Bordeaux cedex",
        )  # fmt: skip
        assert academies["12"].contact.lines()[1:] == (
            "9 rue des Brice - Rond-point Marguerite", "C.S. 30 013", "54035 NANCY CEDEX",
        )  # fmt: skip
        assert academies["18"].contact.lines() == ("Rectorat", "21 rue St Etienne", "45043 Orléans Cedex 1")
        assert academies["70"].contact.lines() == (
            "Rectorat de la région académique Normandie", "168, rue Caponière", "BP 46184", "14061 Caen cedex",
        )  # fmt: skip
        for code in ("04", "12", "18", "70"):
            assert (academies[code].contact.phone, academies[code].contact.email) == (None, None)

    def test_every_shipped_contact_is_cited_in_sources_md(self, academies: dict[str, Academie]) -> None:
        sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
        assert "https://siec.education.fr/candidats/examens/BP/reclamations" in sources
        for academie in academies.values():
            listed = f"{academie.code} {academie.name}"
            assert listed in sources, listed
        assert "No public source found here" in sources

    def test_the_shipped_file_is_what_the_script_builds_from_its_source(self, tmp_path: Path) -> None:
        output = tmp_path / "academies.toml"
        sources_md = rebuild("build_academie_contacts.py", tmp_path, "--output", str(output))
        shipped = DATA / "catalogue" / "academies.toml"
        assert output.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
        assert sources_md.read_text(encoding="utf-8") == (DATA / "SOURCES.md").read_text(encoding="utf-8")

    def test_the_script_refuses_a_placeholder_in_its_source(self, tmp_path: Path) -> None:
        source = tmp_path / "academies.toml"
        source.write_text(
            '[[academie]]\ncode = "10"\nname = "LYON"\n\n[academie.contact]\nname = "Rectorat"\n'
            'address = ["Adresse à compléter"]\n\n[[academie.source]]\nurl = ""\ntitle = "x"\ndate = "x"\n'
            'fields = "x"\n',
            encoding="utf-8",
        )
        with pytest.raises(subprocess.CalledProcessError) as refused:
            rebuild("build_academie_contacts.py", tmp_path, "--source", str(source), "--output", str(tmp_path / "o"))
        assert b"placeholder" in refused.value.stderr


def annexe_i() -> dict[str, list[tuple[str, str, str]]]:
    """The shipped units file, by spécialité: (épreuve, kind, units) in the annex's order."""
    rows: dict[str, list[tuple[str, str, str]]] = {}
    with (DATA / "bts-annexe-i.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            rows.setdefault(row["specialite"], []).append((row["epreuve"], row["kind"], row["units"]))
    return rows


@pytest.mark.rule("CAN-05")
@pytest.mark.rule("MGR-01")
class TestBtsUnits:
    """The spécialités' units as the arrêté of 3 June 2022 (Annexe I) gives them, rebuilt from the cited text."""

    def test_named_specialites_have_the_units_the_annex_gives(self) -> None:
        units = annexe_i()
        assert len(units) == 16
        assert units["Assurance"] == [
            ("E1", "generale", ""),
            ("E2", "generale", ""),
            ("E3", "professionnelle", "U31 U32"),
            ("E4", "professionnelle", "U41 U42"),
            ("E5", "professionnelle", ""),
        ]
        assert units["Biotechnologies"][0] == ("E1", "generale", "U11 U12")
        assert units["Biotechnologies"][4] == ("E5", "professionnelle", "U51 U52 U53 U54")
        assert units["Architectures en métal : conception et réalisation"][4] == ("E5", "professionnelle", "E51 E52")
        assert units["Communication"][4] == ("E5", "professionnelle", "1 écrit ; 1 pratique E5b")  # as written

    def test_the_guide_s_banque_specialite_agrees_with_the_annex(self) -> None:
        """« Banque-Conseiller de clientèle | E1, E2 | E3, E4 (U41, U42), E5 » against the shipped 31310."""
        banque = FileCatalogue.default().specialite("31310", 2022)
        assert banque is not None
        shipped = {e.code: e.unit for e in banque.epreuves if e.mandatory and e.code[1:2].isdigit()}
        sub_units = {e.parent: [] for e in banque.epreuves if e.parent}
        for epreuve in banque.epreuves:
            if epreuve.parent:
                sub_units[epreuve.parent].append(epreuve.unit)
        annex = annexe_i()["Banque-Conseiller de clientèle"]
        assert [code for code, _, _ in annex] == sorted(c for c in shipped if "-" not in c)
        for code, _, units in annex:
            assert (units.split() if units else [f"U{code[1:]}"]) == sub_units.get(code, [shipped[code]])

    def test_the_shipped_file_is_what_the_script_builds_from_its_source(self, tmp_path: Path) -> None:
        output = tmp_path / "bts-annexe-i.csv"
        sources_md = rebuild("build_bts_specialites.py", tmp_path, "--output", str(output))
        assert output.read_text(encoding="utf-8") == (DATA / "bts-annexe-i.csv").read_text(encoding="utf-8")
        assert sources_md.read_text(encoding="utf-8") == (DATA / "SOURCES.md").read_text(encoding="utf-8")

    def test_the_source_cites_the_text_and_sources_md_says_what_is_not_sourced(self) -> None:
        source = (ROOT / "scripts" / "sources" / "bts-arrete-2022-06-03-annexe-i.txt").read_text(encoding="utf-8")
        assert "https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000045862662" in source
        assert "ESRS2209042A" in source
        sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
        assert "Listed, units not sourced" in sources
        assert "Codes and épreuve titles not sourced" in sources
