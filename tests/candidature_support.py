"""The guide's two candidates, ready to register: ACCRALL Dack (Aéronautique, E1 in Bénéfice) and DUBOIS Pierre
(Banque - conseiller de clientèle, EF1 Allemand and EF3 Engagement étudiant)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from attrs import evolve

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.files import FileCatalogue, example_catalogue_path
from cyclades_core.model.catalogue import Nationality, RegistrationService
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings
from cyclades_core.usecases.forms import (
    AcquisEntryForm,
    AcquisForm,
    CandidatureDraft,
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    GradeForm,
    IdentificationForm,
    InformationsForm,
    QualificationForm,
)
from tests.conftest import PASSWORD, activation_token, form

#: 15/11/2021 11:00 Paris: BTS 2022 is open in Besançon (03), Lyon (10) and Toulouse (16) until 29/11 18:00.
DURING = datetime(2021, 11, 15, 10, 0, tzinfo=UTC)
AFTER = datetime(2021, 11, 29, 17, 0, tzinfo=UTC)
AERO = "32025"
BANQUE = "31310"


def guide_portal(clock: ManualClock | None = None, **adapters: Any) -> Portal:
    catalogue = FileCatalogue.default(example_catalogue_path())
    for code, label in (("99100", "Française"), ("99109", "Allemande")):
        catalogue.put(Nationality(code, label))
    return build_portal(
        clock=clock or ManualClock(DURING),
        hasher=PlainHasher(),
        settings=AccountSettings(base_url="https://cyclades.exemple.fr", creations_per_hour=1000),
        catalogue=catalogue,
        environ={},
        **adapters,
    )


def signed_in(portal: Portal, **overrides: Any) -> str:
    """An activated individual account, logged in; returns the session token."""
    created = portal.accounts.create_account(form(**overrides))
    portal.accounts.activate(activation_token(portal))
    return portal.accounts.login(created.email, overrides.get("password", PASSWORD)).session_token


def identification(**overrides: Any) -> IdentificationForm:
    values: dict[str, Any] = {
        "street": "1 rue des champs",
        "postal_code": "25000",
        "locality": "Besançon",
        "pcs_code": "64",
        "nationality_code": "99100",
        "mobile_phone": "0606060606",
        "email": "accrall@ac-rennes.fr",
    }
    values.update(overrides)
    return IdentificationForm(**values)


def acquis_e1(grade: str = "15.00", year: str = "2021", specialite: str = AERO, kept: bool = True) -> AcquisForm:
    """ACCRALL's acquis: already presented this BTS, E1 graded 15.00 in 2021 at Besançon."""
    return AcquisForm(
        entries=(
            AcquisEntryForm(
                kind="SAME_BTS",
                year=year,
                academie="Besancon",
                specialite_code=specialite,
                grades=(GradeForm(epreuve_code="E1", grade=grade, kept=kept),),
            ),
        )
    )


def accrall_tabs() -> list[object]:
    """The guide's récapitulatif (section 6): EX.SCOLAIRE, Aéronautique, E1 kept (15.00, 2021, BESANCON)."""
    return [
        None,  # Candidatures précédentes
        identification(),
        InformationsForm(category_code="340", establishment="INDIV BESANCON (02500005)"),
        QualificationForm(specialite_code=AERO, forme="Globale"),
        acquis_e1(),
        DiplomaForm(diploma_code="00012"),
        EpreuvesForm(
            choices=(
                EpreuveChoiceForm(code="EF1", position="Inscrit", option="Russe", mode="Ponctuel"),
                EpreuveChoiceForm(code="EF2", position="Non Inscrit"),
            )
        ),
    ]


def dubois_tabs() -> list[object]:
    """The guide's confirmation d'inscription (section 7): FORMATION CONTINUE (320), Banque (31310)."""
    return [
        None,
        identification(street="1 rue du port", email="pdubois@ac-rennes.fr"),
        InformationsForm(category_code="320", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        QualificationForm(specialite_code=BANQUE, forme="Globale"),
        AcquisForm(),
        DiplomaForm(diploma_code="00012"),
        EpreuvesForm(
            choices=(
                EpreuveChoiceForm(code="EF1", position="Inscrit", option="Allemand"),
                EpreuveChoiceForm(code="EF2", position="Non Inscrit"),
                EpreuveChoiceForm(code="EF3", position="Inscrit"),
            )
        ),
    ]


def fill(portal: Portal, draft: CandidatureDraft, tabs: list[object]) -> CandidatureDraft:
    """ "Suivant" through every tab up to the Récapitulatif."""
    for tab_form in tabs:
        draft = portal.candidatures.next(draft, tab_form)
    assert draft.on_recapitulatif
    return draft


def register(
    portal: Portal, token: str, tabs: list[object] | None = None, academie: str = "03", session: str = "BTS-2022"
) -> str:
    draft = fill(portal, portal.candidatures.start(token, session, academie), tabs or accrall_tabs())
    return portal.candidatures.save(token, draft).candidature_id


#: A second session of the BTS, open like the guide's (see :func:`open_second_session`).
SECOND_SESSION = "BTS-2022-S2"


def open_second_session(portal: Portal) -> str:
    """A second session of the BTS open in Besançon and Lyon like the guide's: an account holds one candidature per
    session (CAN-18), so a test that needs two candidatures of one account registers in both sessions."""
    catalogue = portal.catalogue.catalogue
    session = catalogue.session("BTS-2022")
    service = catalogue.service("BTS-2022", "03")
    assert session is not None
    assert service is not None
    portal.catalogue.configure(
        evolve(session, id=SECOND_SESSION, label="BTS 2022 - seconde session"),
        *(RegistrationService(SECOND_SESSION, code, service.period) for code in ("03", "10")),
    )
    return SECOND_SESSION


def replace(tabs: list[object], index: int, **changes: Any) -> list[object]:
    copy = list(tabs)
    copy[index] = evolve(copy[index], **changes)  # type: ignore[misc]
    return copy
