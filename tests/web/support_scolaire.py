"""Helpers of the tests of Mes inscriptions, désinscription and the scolaire pages: a candidature saved through the
core for the signed-in browser (the form's pages are another section's), a pupil registered by its establishment."""

from __future__ import annotations

from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core import ScolaireCredentials, ScolaireRegistrationForm
from cyclades_core.usecases.forms import (
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    InformationsForm,
    QualificationForm,
)
from cyclades_core.usecases.management import PreinscriptionForm
from tests.candidature_support import accrall_tabs, fill, identification

__all__ = ["NEW_PASSWORD", "papillon", "register_accrall", "session_cookie"]

NEW_PASSWORD = "Tq9#mLpw"
SESSION = "BTS-2022"
BESANCON = "03"


def session_cookie(client: FlaskClient) -> str:
    """The core's session token the browser holds (``cyclades_session``)."""
    cookie = client.get_cookie("cyclades_session")
    assert cookie is not None, "the browser is not signed in"
    assert cookie.value, "the browser is not signed in"
    return cookie.value


def register_accrall(client: FlaskClient, portal: Portal) -> str:
    """The guide's example (section 6) saved for the signed-in browser: ACCRALL Dack, Aéronautique, Besançon."""
    token = session_cookie(client)
    draft = fill(portal, portal.candidatures.start(token, SESSION, BESANCON), accrall_tabs())
    return portal.candidatures.save(token, draft).candidature_id


def preinscription() -> PreinscriptionForm:
    """DUPONT Marie, a pupil of LP P-ADRIEN PARIS - BESANCON, préinscrite in BTS Banque by its establishment."""
    return PreinscriptionForm(
        pupil=ScolaireRegistrationForm(
            civility="Madame", birth_name="DUPONT", first_names="Marie", birth_date="02/03/2005",
            birth_country="99100", birth_departement="025", birth_commune="BESANCON",
            establishment_code="0250013D", email=None,
        ),
        identification=identification(email="marie.dupont@exemple.fr"),
        informations=InformationsForm(category_code="100", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        qualification=QualificationForm(specialite_code="31310"),
        diploma=DiplomaForm(diploma_code="00013"),
        epreuves=EpreuvesForm(choices=(EpreuveChoiceForm(code="EF1", position="Inscrit", option="Espagnol"),)),
    )  # fmt: skip


def papillon(portal: Portal) -> ScolaireCredentials:
    """The establishment registers the pupil: its papillon de connexion (login ``dupont.marie1``)."""
    [credentials] = portal.establishments.register(SESSION, BESANCON, [preinscription()])
    return credentials
