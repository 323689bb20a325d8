"""« Situation à l'inscription » and « Choisir mon établissement d'inscription (par ex. CNED, INDIVIDUELS 025) » are
lists in the guide (tab Informations candidature, CAN-04; issue 17): the catalogue holds them, and where it lists the
académie's établissements (or the situations) the value must be one of them."""

from __future__ import annotations

import pytest
from attrs import evolve

from cyclades_adapters import Portal
from cyclades_core.errors import ValidationError
from cyclades_core.model.catalogue import Situation
from tests.candidature_support import accrall_tabs, fill, guide_portal, signed_in

pytestmark = pytest.mark.rule("CAN-04")


def informations(portal: Portal, token: str, academie: str = "03", **changes: object) -> dict[str, str]:
    tabs = accrall_tabs()
    tabs[2] = evolve(tabs[2], **changes)  # type: ignore[misc]
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", academie), tabs)
    return portal.candidatures.recapitulatif(token, draft).section("Informations candidature")


def test_the_guide_s_establishments_of_besancon_are_listed() -> None:
    portal = guide_portal()
    labels = [e.label for e in portal.catalogue.catalogue.establishments("03")]
    assert labels == [
        "INDIV BESANCON (02500005)",
        "LP FERNAND LEGERE - AUDINCOURT CEDEX (0250001R)",
        "LP P-ADRIEN PARIS - BESANCON (0250013D)",
    ]


def test_an_establishment_outside_the_list_is_refused_naming_the_field() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    with pytest.raises(ValidationError) as refused:
        informations(portal, token, establishment="LYCEE IMAGINAIRE (9999999Z)")
    assert refused.value.fields == ("informations.establishment",)


def test_the_establishment_s_code_alone_is_kept_as_its_label() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    section = informations(portal, token, establishment="0250013D")
    assert section["Votre établissement"] == "LP P-ADRIEN PARIS - BESANCON (0250013D)"


def test_where_no_list_is_configured_the_typed_establishment_is_kept() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    assert portal.catalogue.catalogue.establishments("16") == []
    section = informations(portal, token, academie="16", establishment="CNED")
    assert section["Votre établissement"] == "CNED"


def test_a_situation_must_be_one_of_the_configured_values() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    assert informations(portal, token, situation="Etudiant")  # nothing configured: the text is kept
    portal.catalogue.configure(Situation("01", "Etudiant"), Situation("02", "Salarié"))
    with pytest.raises(ValidationError) as refused:
        informations(portal, token, situation="Retraité")
    assert refused.value.fields == ("informations.situation",)
    informations(portal, token, situation="02")


def test_an_establishment_registers_pupils_only_under_one_of_the_academie_s_codes() -> None:
    """Review finding: the pupil's établissement code was only checked for its format; where the académie lists its
    établissements it must be one of them (the candidature's « Etablissement » already is)."""
    from tests.unit.test_withdrawal_and_management import preinscription

    portal = guide_portal()
    with pytest.raises(ValidationError) as refused:
        portal.establishments.register("BTS-2022", "03", [preinscription(establishment_code="9999999Z")])
    assert refused.value.fields == ("pupils[0].pupil.establishment_code",)
    [papillon] = portal.establishments.register("BTS-2022", "03", [preinscription()])  # 0250013D is listed
    assert papillon.login.startswith("dupont.marie")
