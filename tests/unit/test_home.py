"""The home page after login, "Mes inscriptions" (ACC-13, CAN-13): its header and the active candidatures.

Issue 16: ``home()`` said "Vous n'avez aucune candidature active." while a candidature was active.
"""

from __future__ import annotations

import pytest

from cyclades_adapters import Portal
from cyclades_core.testing import ManualClock
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in


@pytest.fixture
def portal() -> Portal:
    return guide_portal(ManualClock(DURING))


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")


@pytest.mark.rule("ACC-13")
def test_home_lists_the_active_candidature_as_mes_inscriptions_does(portal: Portal, token: str) -> None:
    candidature_id = register(portal, token, dubois_tabs())
    home = portal.accounts.home(token)
    assert [card.candidature_id for card in home.candidatures] == [candidature_id]
    assert home.candidatures == portal.candidatures.mes_inscriptions(token).cards
    assert home.empty_message is None
    assert home.header == portal.candidatures.mes_inscriptions(token).header


@pytest.mark.rule("ACC-13")
def test_home_of_a_withdrawn_candidature_says_there_is_none(portal: Portal, token: str) -> None:
    candidature_id = register(portal, token, dubois_tabs())
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    home = portal.accounts.home(token)
    assert home.candidatures == ()
    assert home.empty_message == "Vous n'avez aucune candidature active."
