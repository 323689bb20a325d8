"""The shipped catalogue data and the validation of data files (MGR-01)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclades_adapters.files import CatalogueDataError, FileCatalogue, example_catalogue_path
from cyclades_core.model.catalogue import EvaluationMode, FormeDePassage


@pytest.fixture(scope="module")
def shipped() -> FileCatalogue:
    return FileCatalogue.default()


@pytest.mark.rule("MGR-01")
class TestShippedData:
    def test_every_current_academie_and_vice_rectorat_is_there(self, shipped: FileCatalogue) -> None:
        codes = {a.code for a in shipped.academies()}
        assert {"01", "02", "03", "09", "10", "16", "19", "24", "25", "43", "70", "40", "41", "42", "44"} <= codes
        assert len(codes) == 34
        assert "05" not in codes  # Caen and Rouen became Normandie (70)
        assert shipped.academie("20") is not None
        assert shipped.academie("20").label == "ACADÉMIE D'AMIENS"  # type: ignore[union-attr]

    def test_contacts_are_real_where_the_guide_gives_them_and_marked_otherwise(self, shipped: FileCatalogue) -> None:
        reims = shipped.academie("19")
        assert reims is not None
        assert reims.contact.lines() == (
            "Rectorat de Reims",
            "1, Rue Navier",
            "51082 REIMS CEDEX",
            "Tel : 0326056969",
            "contact@ac-reims.fr",
        )
        assert reims.contact.placeholder is False
        lyon = shipped.academie("10")  # no public source found: no contact values at all (DOC-05)
        assert lyon is not None
        assert lyon.contact.placeholder is True
        assert lyon.contact.lines() == ()

    def test_the_banque_specialite_is_the_guide_s_own(self, shipped: FileCatalogue) -> None:
        banque = shipped.specialite("31310", 2022)
        assert banque is not None
        assert banque.label == "Banque - conseiller de clientèle (31310)"
        rows = [(e.code, e.label, e.unit, e.mandatory) for e in banque.epreuves]
        assert rows == [
            ("E1", "Culture générale et expression", "U1", True),
            ("E2", "Langue vivante 1 - Anglais", "U2", True),
            ("E3", "Gestion de la relation client", "U3", True),
            ("E4", "Dévelop.suivi.activ.commercia.", None, True),
            ("E4-A", "Étude de cas", "U41", True),
            ("E4-B", "Analyse situation commerciale", "U42", True),
            ("E5", "Env.éco.jur.orga.activ.bancai.", "U5", True),
            ("C-ANGL", "Certification en langue anglaise", "ANG", True),
            ("EF1", "Langue vivante 2", "UF1", False),
            ("EF2", "Certification professionnelle", "UF2", False),
            ("EF3", "Engagement étudiant", "UF3", False),
        ]
        assert "Allemand" in banque.epreuve("EF1").options  # type: ignore[union-attr]
        assert banque.epreuve("E4-A").parent == "E4"  # type: ignore[union-attr]
        assert banque.epreuve("E1").modes_for("320") == (EvaluationMode.PONCTUEL,)  # type: ignore[union-attr]

    def test_the_aeronautique_specialite_follows_the_guide_s_recapitulatif(self, shipped: FileCatalogue) -> None:
        aero = next(s for s in shipped.specialites("BTS", 2022) if s.name == "Aéronautique")
        assert [e.code for e in aero.epreuves] == [
            "E1",
            "E2",
            "E2-A",
            "E2-B",
            "E3",
            "E3-A",
            "E3-B",
            "E3-C",
            "E4",
            "E4-A",
            "E4-B",
            "E5",
            "E6",
            "E6-A",
            "E6-B",
            "EF1",
            "EF2",
            "ECT",
        ]
        ect = aero.epreuve("ECT")
        assert ect is not None
        assert (ect.label, ect.group) == ("Epreuves de contrôle", 2)
        assert "Russe" in aero.epreuve("EF1").options  # type: ignore[union-attr]

    def test_reference_lists(self, shipped: FileCatalogue) -> None:
        assert [d.label for d in shipped.diplomas()][:2] == ["BACCALAURÉAT GÉNÉRAL", "BACCALAURÉAT PROFESSIONNEL"]
        assert len(shipped.diplomas()) == 11
        assert shipped.diplomas()[0].code == "00012"
        assert ("64", "Chauffeurs") in [(p.code, p.label) for p in shipped.pcs()]
        formation_continue = shipped.category("320")
        assert formation_continue is not None
        assert formation_continue.label == "FORMATION CONTINUE"
        assert FormeDePassage.PROGRESSIVE in formation_continue.formes
        assert shipped.sessions("BTS") == []  # sessions are the integrator's configuration

    def test_the_guide_s_example_session_loads_beside_it(self) -> None:
        catalogue = FileCatalogue.default(example_catalogue_path())
        assert [s.academie_code for s in catalogue.services("BTS-2022")] == ["03", "16"]


class TestBadFiles:
    def write(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "mine.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def refusal(self, *paths: Path) -> CatalogueDataError:
        with pytest.raises(CatalogueDataError) as refused:
            FileCatalogue.default(*paths)
        return refused.value

    def test_a_syntax_error_names_the_file_and_the_line(self, tmp_path: Path) -> None:
        error = self.refusal(self.write(tmp_path, '[[session]]\nid = "X"\nlabel = \n'))
        assert error.file.endswith("mine.toml")
        assert "line 3" in error.problem

    def test_a_wrong_value_names_the_key_path(self, tmp_path: Path) -> None:
        text = (
            '[[session]]\nid = "BTS-2022"\nexam_code = "BTS"\nlabel = "BTS 2022"\nyear = 2022\nmonth = 6\n\n'
            '[[service]]\nsession_id = "BTS-2022"\nacademie_code = "10"\n'
            'period = { start = "01/11/2021 08:00", end = "31/10/2021 02:30" }\n'
        )
        error = self.refusal(self.write(tmp_path, text))
        assert error.location == "service[0].period"
        assert "existe deux fois" in error.problem

    def test_unknown_keys_sections_and_missing_fields_are_named(self, tmp_path: Path) -> None:
        extra = self.refusal(self.write(tmp_path, '[[exam]]\ncode = "X"\nname = "Y"\ncolour = "red"\n'))
        assert "colour" in extra.problem
        section = self.refusal(self.write(tmp_path, '[[examen]]\ncode = "X"\n'))
        assert section.location == "examen"
        missing = self.refusal(self.write(tmp_path, '[[academie]]\ncode = "99"\n'))  # a contact is optional
        assert missing.location == "academie[0].name"
        assert "manquant" in missing.problem
        typed = self.refusal(self.write(tmp_path, '[[exam]]\ncode = 12\nname = "Y"\n'))
        assert typed.location == "exam[0].code"

    def test_a_reference_to_nothing_refuses_the_whole_load(self, tmp_path: Path) -> None:
        text = (
            '[[service]]\nsession_id = "NOPE"\nacademie_code = "10"\n'
            'period = { start = "01/11/2021 08:00", end = "29/11/2021 18:00" }\n'
        )
        error = self.refusal(self.write(tmp_path, text))
        assert "NOPE" in error.problem

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        error = self.refusal(tmp_path / "absent.toml")
        assert error.file.endswith("absent.toml")
        assert error.code == "catalogue_data_error"
