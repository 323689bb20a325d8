"""Contract suite of the catalogue port."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cyclades_core.errors import NotFoundError
from cyclades_core.model.catalogue import (
    Academie,
    Announcement,
    CandidateCategory,
    Contact,
    Diploma,
    Domain,
    Epreuve,
    Establishment,
    Exam,
    ExamSession,
    FormeDePassage,
    Nationality,
    Pcs,
    Period,
    RegistrationService,
    Situation,
    Specialite,
)
from cyclades_core.ports.catalogue import Catalogue


def _catalogue_items() -> dict[str, Any]:
    contact = Contact("Rectorat de Lyon", ("92 rue de Marseille", "69007 LYON"), "0472807070", "dec@ac-lyon.fr")
    period = Period(datetime(2021, 11, 1, 7, tzinfo=UTC), datetime(2021, 11, 29, 17, tzinfo=UTC))
    return {
        "exam": Exam("BTS", "BREVET DE TECHNICIEN SUPERIEUR", Domain.EXAMEN),
        "session": ExamSession("T-2022", "BTS", "BTS 2022", 2022, 6),
        "older": ExamSession("T-2021", "BTS", "BTS 2021", 2021, 6),
        "lyon": Academie("T10", "LYON", contact),
        "besancon": Academie("T03", "BESANCON", contact),
        "service": RegistrationService("T-2022", "T10", period),
        "banque_2016": Specialite("T9991", "Banque", "BTS", (Epreuve("E1", "Culture générale", True, "U1"),), 2016),
        "banque_2023": Specialite(
            "T9991", "Banque - conseiller de clientèle", "BTS", (Epreuve("E1", "Culture générale", True, "U10"),), 2023
        ),
        "category": CandidateCategory("T320", "FORMATION CONTINUE", (FormeDePassage.GLOBALE,)),
        "diplomas": [Diploma("00012", "BACCALAURÉAT GÉNÉRAL", "Bac général"), Diploma("00099", "AUTRES CAS")],
        "pcs": Pcs("64", "Chauffeurs"),
        "nationality": Nationality("99100", "Française"),
        "announcement": Announcement("a1", "Maintenance", period),
    }


class CatalogueContract:
    """Fixture: ``catalogue``, an empty (or freshly loaded) adapter whose ``put`` works."""

    @pytest.fixture
    def catalogue(self) -> Catalogue:
        raise NotImplementedError

    def _fill(self, catalogue: Catalogue) -> dict[str, Any]:
        items = _catalogue_items()
        for key in ("exam", "session", "older", "lyon", "besancon", "service", "banque_2016", "banque_2023"):
            catalogue.put(items[key])
        for key in ("category", "pcs", "nationality", "announcement"):
            catalogue.put(items[key])
        for diploma in items["diplomas"]:
            catalogue.put(diploma)
        return items

    def test_items_are_read_back_by_their_keys(self, catalogue: Catalogue) -> None:
        items = self._fill(catalogue)
        assert items["exam"] in catalogue.exams()
        assert catalogue.session("T-2022") == items["session"]
        assert [s.id for s in catalogue.sessions("BTS") if s.id.startswith("T-")] == ["T-2022", "T-2021"]
        assert catalogue.academie("T10") == items["lyon"]
        assert catalogue.service("T-2022", "T10") == items["service"]
        assert catalogue.service("T-2022", "T03") is None
        assert items["service"] in catalogue.services("T-2022")
        assert catalogue.category("T320") == items["category"]
        assert items["pcs"] in catalogue.pcs()
        assert items["nationality"] in catalogue.nationalities()
        assert items["announcement"] in catalogue.announcements()
        codes = [d.code for d in catalogue.diplomas()]
        assert codes.index("00012") < codes.index("00099")

    def test_a_put_replaces_the_item_with_the_same_key(self, catalogue: Catalogue) -> None:
        items = self._fill(catalogue)
        moved = RegistrationService(
            "T-2022", "T10", Period(datetime(2021, 11, 2, 7, tzinfo=UTC), datetime(2021, 11, 30, 17, tzinfo=UTC))
        )
        catalogue.put(moved)
        assert catalogue.service("T-2022", "T10") == moved
        assert len([s for s in catalogue.services("T-2022") if s.academie_code == "T10"]) == 1
        assert items["service"] != moved

    def test_a_specialite_is_read_in_the_version_valid_for_the_session(self, catalogue: Catalogue) -> None:
        self._fill(catalogue)
        old, new = catalogue.specialite("T9991", 2022), catalogue.specialite("T9991", 2023)
        assert old is not None
        assert new is not None
        assert old.epreuves[0].unit == "U1"
        assert new.epreuves[0].unit == "U10"
        assert catalogue.specialite("T9991", 2015) is None
        assert [s.valid_from_year for s in catalogue.specialites("BTS", 2024) if s.code == "T9991"] == [2023]

    def test_references_must_exist(self, catalogue: Catalogue) -> None:
        """MGR-01: a service needs its session and académie, a session its exam, a spécialité its exam."""
        items = _catalogue_items()
        with pytest.raises(NotFoundError):
            catalogue.put(ExamSession("X-2022", "NOPE", "X 2022", 2022, 6))
        catalogue.put(items["exam"])
        catalogue.put(items["session"])
        with pytest.raises(NotFoundError):
            catalogue.put(items["service"])
        with pytest.raises(NotFoundError):
            catalogue.put(Specialite("99999", "Inconnue", "NOPE", ()))
        assert catalogue.service("T-2022", "T10") is None

    def test_the_establishments_and_situations_lists_are_read_back(self, catalogue: Catalogue) -> None:
        """CAN-04: « Choisir mon établissement (par ex. CNED, INDIVIDUELS 025) » per académie, in name order, and
        « Situation à l'inscription » in code order; an establishment needs its académie."""
        self._fill(catalogue)
        with pytest.raises(NotFoundError):
            catalogue.put(Establishment("0250013D", "LP P-ADRIEN PARIS - BESANCON", "NOPE"))
        assert catalogue.establishments("T03") == []
        catalogue.put(Establishment("0250013D", "LP P-ADRIEN PARIS - BESANCON", "T03"))
        catalogue.put(Establishment("02500005", "INDIV BESANCON", "T03"))
        catalogue.put(Establishment("0690001A", "LYCEE DU PARC", "T10"))
        assert [e.label for e in catalogue.establishments("T03")] == [
            "INDIV BESANCON (02500005)", "LP P-ADRIEN PARIS - BESANCON (0250013D)",
        ]  # fmt: skip
        catalogue.put(Situation("T02", "Salarié"))
        catalogue.put(Situation("T01", "Etudiant"))
        assert [s.code for s in catalogue.situations() if s.code.startswith("T")] == ["T01", "T02"]
