"""Tab « Qualification présentée » (CAN-05, issue 17): « je choisis la spécialité que je présente, et éventuellement
l'enseignement auquel je me présente ainsi que la forme de passage (selon la catégorie de candidat sélectionnée) »,
with « Dérogation à la forme de passage : Oui / Non » and « Forme passage finale »."""

from __future__ import annotations

import pytest
from attrs import evolve

from cyclades_adapters import Portal
from cyclades_core.errors import ValidationError
from cyclades_core.model.catalogue import Epreuve, Specialite
from tests.candidature_support import accrall_tabs, fill, guide_portal, signed_in

pytestmark = pytest.mark.rule("CAN-05")


def recap(portal: Portal, token: str, *, category: str = "340", **qualification: object) -> dict[str, dict[str, str]]:
    tabs = accrall_tabs()
    tabs[2] = evolve(tabs[2], category_code=category)  # type: ignore[misc]
    tabs[3] = evolve(tabs[3], **qualification)  # type: ignore[misc]
    if "specialite_code" in qualification:
        tabs[4] = evolve(tabs[4], entries=())  # type: ignore[misc]
        tabs[6] = evolve(tabs[6], choices=())  # type: ignore[misc]
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    result = portal.candidatures.recapitulatif(token, draft)
    return {title: dict(rows) for title, rows in result.sections}


def test_without_a_derogation_the_final_forme_is_the_category_s() -> None:
    portal = guide_portal()
    section = recap(portal, signed_in(portal))["Informations candidature"]
    assert (section["Dérogation forme de passage"], section["Forme de passage finale"]) == ("Non", "Globale")


def test_a_derogation_asks_for_the_forme_the_category_does_not_offer() -> None:
    """EX.SCOLAIRE (340) offers the Globale forme only: with the dérogation, the final forme is Progressive (it was
    Globale whatever the answer)."""
    portal = guide_portal()
    section = recap(portal, signed_in(portal), derogation=True)["Informations candidature"]
    assert (section["Forme de passage"], section["Dérogation forme de passage"]) == ("Globale", "Oui")
    assert section["Forme de passage finale"] == "Progressive"


def test_a_derogation_is_refused_where_the_category_offers_every_forme() -> None:
    portal = guide_portal()
    with pytest.raises(ValidationError) as refused:
        recap(portal, signed_in(portal), category="320", derogation=True)
    assert refused.value.fields == ("qualification.derogation",)


def test_an_enseignement_is_chosen_where_the_specialite_has_several() -> None:
    portal = guide_portal()
    portal.catalogue.configure(
        Specialite(
            "99001",
            "Spécialité à enseignements",
            "BTS",
            (Epreuve("E1", "Culture générale et expression", True, "U1"),),
            enseignements=("Enseignement A", "Enseignement B"),
        )
    )
    token = signed_in(portal)
    with pytest.raises(ValidationError) as refused:
        recap(portal, token, specialite_code="99001")
    assert refused.value.fields == ("qualification.enseignement",)
    shown = recap(portal, token, specialite_code="99001", enseignement="Enseignement B")["Qualification présentée"]
    assert shown["Enseignement"] == "Enseignement B"


def test_a_specialite_without_enseignements_takes_none() -> None:
    portal = guide_portal()
    with pytest.raises(ValidationError) as refused:
        recap(portal, signed_in(portal), enseignement="Enseignement A")
    assert refused.value.fields == ("qualification.enseignement",)
    assert "Enseignement" not in recap(portal, signed_in(portal, email="b@exemple.fr"))["Qualification présentée"]
