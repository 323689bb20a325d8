"""The form's first tab, « Candidatures précédentes » (CAN-02, issue 17): « 1 - Candidatures précédentes
2 - Identification 3 - Informations candidature … » — the candidate's other candidatures, whatever their session and
state, latest first."""

from __future__ import annotations

import pytest

from cyclades_core.errors import CandidatureNotFound
from cyclades_core.model.candidature import CandidatureState
from tests.candidature_support import guide_portal, open_second_session, register, signed_in

pytestmark = pytest.mark.rule("CAN-02")


def test_a_first_candidature_has_no_previous_one() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    draft = portal.candidatures.start(token, "BTS-2022", "03")
    assert draft.tab == "Candidatures précédentes"
    assert portal.candidatures.candidatures_precedentes(token, draft) == ()


def test_the_tab_lists_the_other_candidatures_with_their_state() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    first = register(portal, token)
    portal.candidatures.withdraw(token, first, confirmed=True)
    draft = portal.candidatures.start(token, "BTS-2022", "03")
    [previous] = portal.candidatures.candidatures_precedentes(token, draft)
    assert (previous.candidature_id, previous.session_label, previous.academie_label) == (
        first, "BTS 2022", "ACADÉMIE DE BESANCON",
    )  # fmt: skip
    assert previous.specialite == "Aéronautique (32025)"
    assert previous.state is CandidatureState.WITHDRAWN
    assert previous.inscription_number == "001"


def test_a_modification_does_not_list_its_own_candidature() -> None:
    portal = guide_portal()
    token = signed_in(portal)
    saved = register(portal, token)
    draft = portal.candidatures.edit(token, saved)
    assert portal.candidatures.candidatures_precedentes(token, draft) == ()


def test_another_candidate_s_draft_shows_nothing() -> None:
    portal = guide_portal()
    owner = signed_in(portal)
    register(portal, owner)
    draft = portal.candidatures.start(owner, open_second_session(portal), "03")
    other = signed_in(portal, email="autre@exemple.fr")
    with pytest.raises(CandidatureNotFound):
        portal.candidatures.candidatures_precedentes(other, draft)
