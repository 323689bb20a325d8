"""Acquis give a Bénéfice or a Dispense (CAN-16, issue 17).

The guide, tab "Acquis": « je déclare mes acquis (type, année, académie, notes obtenues) me permettant d'être
dispensé d'une ou plusieurs épreuves », with four boxes (this BTS, another BTS, another diploma, the VAE); its
Récapitulatif shows « Type de droit : notes conservées dans la spécialité présentée » for the same BTS. A grade kept
in the same spécialité is a Bénéfice (grade, year, académie); another spécialité's unit obtained, another diploma or
the VAE dispense the épreuve, without a grade.
"""

from __future__ import annotations

import pytest

from cyclades_adapters import Portal
from cyclades_core.errors import ValidationError
from cyclades_core.model.candidature import AcquisKind, EpreuvePosition, Position
from cyclades_core.usecases.forms import AcquisEntryForm, AcquisForm, GradeForm
from tests.candidature_support import AERO, BANQUE, accrall_tabs, fill, guide_portal, signed_in

pytestmark = pytest.mark.rule("CAN-16")


@pytest.fixture
def portal() -> Portal:
    return guide_portal()


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal)


def epreuves(portal: Portal, token: str, *entries: AcquisEntryForm) -> dict[str, EpreuvePosition]:
    tabs = accrall_tabs()
    tabs[4] = AcquisForm(entries=entries)
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    recap = portal.candidatures.recapitulatif(token, draft)
    return {e.code: e for _, mandatory, optional in recap.epreuves for e in (*mandatory, *optional)}


def entry(kind: str, epreuve: str, grade: str, specialite: str | None = None) -> AcquisEntryForm:
    return AcquisEntryForm(
        kind=kind, year="2020", academie="Lyon", specialite_code=specialite,
        grades=(GradeForm(epreuve_code=epreuve, grade=grade),),
    )  # fmt: skip


def test_the_same_bts_keeps_the_grade_with_the_guide_s_type_de_droit(portal: Portal, token: str) -> None:
    e1 = epreuves(portal, token, entry("SAME_BTS", "E1", "15.00", AERO))["E1"]
    assert (e1.position, e1.grade, e1.benefice_details) == (
        Position.BENEFICE, 15.0, "Note: 15.00 Année d'obtention: 2020",
    )  # fmt: skip
    assert AcquisKind.SAME_BTS.right_type == "notes conservées dans la spécialité présentée"


def test_a_unit_obtained_in_another_specialite_dispenses_the_same_unit_without_a_grade(
    portal: Portal, token: str
) -> None:
    """U1 « Culture générale et expression » obtained (12/20) in Banque dispenses E1 (U1) of Aéronautique; it was
    ignored before ("another spécialité" gave nothing)."""
    e1 = epreuves(portal, token, entry("OTHER_BTS", "E1", "12", BANQUE))["E1"]
    assert (e1.position, e1.grade, e1.benefice_details, e1.grade_academie) == (
        Position.DISPENSE, None, None, "LYON",
    )  # fmt: skip
    assert AcquisKind.OTHER_BTS.right_type == "unités obtenues dans une autre spécialité"


@pytest.mark.parametrize(("epreuve", "grade"), [("E1", "9.5"), ("E2", "14")], ids=["below 10", "not the same unit"])
def test_another_specialite_s_epreuve_dispenses_nothing_else(
    portal: Portal, token: str, epreuve: str, grade: str
) -> None:
    """Banque's E2 (U2 « Langue vivante 1 - Anglais ») is not Aéronautique's E2 (« Anglais », no unit); a unit below
    10/20 is not obtained."""
    positions = epreuves(portal, token, entry("OTHER_BTS", epreuve, grade, BANQUE))
    assert positions[epreuve].position is Position.INSCRIT


@pytest.mark.parametrize("kind", ["OTHER_DIPLOMA", "VAE"])
def test_another_diploma_or_the_vae_dispense_the_declared_epreuve_without_a_grade(
    portal: Portal, token: str, kind: str
) -> None:
    """A dispense needs no grade: an empty grade was refused (« La note doit être comprise entre 0 et 20 »)."""
    e1 = epreuves(portal, token, entry(kind, "E1", ""))["E1"]
    assert (e1.position, e1.grade, e1.benefice_details) == (Position.DISPENSE, None, None)


def test_a_vae_dispense_is_never_shown_as_a_benefice_with_a_grade(portal: Portal, token: str) -> None:
    """The bug: a VAE entry with a grade in the presented spécialité showed as Bénéfice « Note: 15.00 »."""
    e1 = epreuves(portal, token, entry("VAE", "E1", "15.00", AERO))["E1"]
    assert (e1.position, e1.grade) == (Position.DISPENSE, None)
    assert AcquisKind.VAE.right_type == "dispense au titre de la validation des acquis de l'expérience"


def test_another_bts_s_unit_needs_its_grade(portal: Portal, token: str) -> None:
    with pytest.raises(ValidationError) as refused:
        epreuves(portal, token, entry("OTHER_BTS", "E1", "", BANQUE))
    assert refused.value.fields == ("acquis.entries[0].grades[0].grade",)


def test_renouncing_acquis_retakes_a_dispensed_epreuve(portal: Portal, token: str) -> None:
    from attrs import evolve

    tabs = accrall_tabs()
    tabs[2] = evolve(tabs[2], renounce_acquis=True)  # type: ignore[misc]
    tabs[4] = AcquisForm(entries=(entry("OTHER_DIPLOMA", "E1", ""),))
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    recap = portal.candidatures.recapitulatif(token, draft)
    positions = {e.code: e.position for _, mandatory, optional in recap.epreuves for e in (*mandatory, *optional)}
    assert positions["E1"] is Position.INSCRIT


def test_a_dispensed_candidature_saves_and_reads_back(portal: Portal, token: str) -> None:
    tabs = accrall_tabs()
    tabs[4] = AcquisForm(entries=(entry("OTHER_DIPLOMA", "E1", ""),))
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    saved = portal.candidatures.save(token, draft)
    again = portal.candidatures.edit(token, saved.candidature_id)
    assert again.acquis is not None
    assert again.acquis.entries[0].grades[0].grade == ""
    recap = portal.candidatures.mon_inscription(token, saved.candidature_id)
    positions = {e.code: e.position for _, mandatory, optional in recap.epreuves for e in (*mandatory, *optional)}
    assert positions["E1"] is Position.DISPENSE
