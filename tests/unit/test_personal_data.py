"""Right of access (checklist L3, GDPR art. 15): one export holds everything the portal keeps about the account —
and nothing of another account, no password, no token."""

from __future__ import annotations

import json

import pytest
from attrs import evolve

from cyclades_adapters import Portal
from cyclades_adapters.edge import personal_data_json
from cyclades_core.errors import CandidatureNotFound, SessionExpired
from cyclades_core.model.documents import DocumentKind
from cyclades_core.testing import ManualClock
from cyclades_core.usecases.forms import IdentificationForm
from tests.candidature_support import DURING, dubois_tabs, fill, guide_portal, register, signed_in
from tests.conftest import PASSWORD
from tests.unit.test_pieces_and_documents import upload


@pytest.fixture
def portal() -> Portal:
    return guide_portal(ManualClock(DURING))


def test_the_export_holds_every_personal_datum_of_the_account_and_nothing_else(portal: Portal) -> None:
    token = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    candidature_id = register(portal, token, dubois_tabs())
    draft = portal.candidatures.edit(token, candidature_id)
    assert isinstance(draft.identification, IdentificationForm)
    changed = evolve(draft, identification=evolve(draft.identification, locality="Dole"), current=0)
    portal.candidatures.save(token, fill(portal, changed, [None] * 7))
    upload(portal, token, candidature_id, "CINSIG01", name="confirmation-signee.pdf")
    other = signed_in(portal, email="marie.curie@exemple.fr", birth_name="CURIE", first_names="Marie")
    other_candidature = register(portal, other)
    upload(portal, other, other_candidature, "CINSIG01", name="curie-secret.pdf")

    with pytest.raises(CandidatureNotFound):  # a probe of another's id: logged, but not in the prober's export
        portal.documents.render(token, other_candidature, DocumentKind.CONFIRMATION)

    data = portal.accounts.export_my_data(token)
    text = personal_data_json(data)
    exported = json.loads(text)

    account = portal.accounts.account(token)
    assert exported["account"]["candidate_number"] == account.candidate_number
    assert exported["account"]["email"] == "pdubois@ac-rennes.fr"
    assert exported["account"]["identity"]["birth_name"] == "DUBOIS"
    assert exported["account"]["identity"]["first_names"] == "Pierre"
    assert exported["account"]["identity"]["birth_date"] == "2004-11-28"
    [candidature] = exported["candidatures"]
    assert candidature["id"] == candidature_id
    assert candidature["version"] == 2
    assert candidature["content"]["identification"]["address"]["locality"] == "Dole"
    assert [v["version"] for v in exported["versions"]] == [1, 2]
    assert exported["versions"][0]["content"]["identification"]["address"]["locality"] == "Besançon"
    assert {d["kind"] for d in exported["documents"]} >= {DocumentKind.CONFIRMATION.value}
    groups = portal.pieces.mes_justificatifs(token, candidature_id)
    assert sorted(p["code"] for p in exported["pieces"]) == sorted(p.code for g in groups for p in g.pieces)
    [piece] = exported["pieces"]
    assert piece["file"]["display_name"] == "confirmation-signee.pdf"
    assert (exported["establishment_code"], exported["must_change_password"]) == (None, False)
    actions = {record["action"] for record in exported["audit"]}
    assert "authz_fail" not in actions
    assert {"authn_login_success", "account_activated"} <= actions
    assert exported["exported_at"].endswith("+00:00")

    for foreign in ("marie.curie@exemple.fr", "CURIE", other_candidature, "curie-secret.pdf"):
        assert foreign not in text
    assert PASSWORD not in text
    assert token not in text
    assert "plain$" not in text
    assert "password_hash" not in text


def test_the_export_needs_a_live_session(portal: Portal) -> None:
    with pytest.raises(SessionExpired):
        portal.accounts.export_my_data("not-a-session")
