"""Withdrawal (UNS-01 … UNS-05), the managing service's acts (MGR-04, MGR-05) and préinscriptions (POR-02)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import (
    CandidatureNotFound,
    ForbiddenError,
    IdentityFrozen,
    PasswordChangeRequired,
    ValidationError,
    WithdrawalAfterClosing,
)
from cyclades_core.model.candidature import CandidatureState, Position
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import ManualClock
from cyclades_core.usecases.forms import (
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    InformationsForm,
    QualificationForm,
)
from cyclades_core.usecases.management import Manager, PreinscriptionForm
from tests.candidature_support import (
    AFTER,
    BANQUE,
    DURING,
    dubois_tabs,
    fill,
    guide_portal,
    identification,
    open_second_session,
    register,
    signed_in,
)
from tests.conftest import PASSWORD, mails
from tests.unit.test_login import pupil
from tests.unit.test_modify_and_delete import identity_form

BESANCON = Manager("gest-besancon", ("03",))
LYON = Manager("gest-lyon", ("10",))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
def portal(clock: ManualClock) -> Portal:
    return guide_portal(clock)


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")


@pytest.fixture
def candidature_id(portal: Portal, token: str) -> str:
    """DUBOIS Pierre registers to BTS Banque in Besançon."""
    return register(portal, token, dubois_tabs())


def audit(portal: Portal, action: str) -> list[dict[str, str]]:
    assert isinstance(portal.storage, MemoryDatabase)
    return [dict(r.details) | {"actor": r.actor} for r in portal.storage.audit.rows.values() if r.action == action]


def after_closing(portal: Portal, clock: ManualClock, email: str = "pdubois@ac-rennes.fr") -> str:
    clock.set(AFTER - timedelta(minutes=1))
    token = portal.accounts.login(email, PASSWORD).session_token
    clock.set(AFTER + timedelta(minutes=1))
    return token


@pytest.mark.rule("UNS-01")
class TestWithdrawal:
    def test_an_individual_withdraws_while_open_after_confirming(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        question = portal.candidatures.withdrawal_question(token, candidature_id)
        assert "désinscription" in question
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.withdraw(token, candidature_id, confirmed=False)
        assert refused.value.fields == ("confirmed",)
        portal.candidatures.withdraw(token, candidature_id, confirmed=True)

    def test_a_scolaire_candidate_cannot_withdraw_alone(self, portal: Portal) -> None:
        [papillon] = portal.establishments.register("BTS-2022", "03", [preinscription()])
        session = portal.accounts.login(papillon.login, papillon.initial_password).session_token
        portal.accounts.change_password(session, papillon.initial_password, "Tq9#mLpw", "Tq9#mLpw")
        [card] = portal.candidatures.mes_inscriptions(session).cards
        assert card.can_withdraw is False
        with pytest.raises(ForbiddenError, match="candidat individuel"):
            portal.candidatures.withdraw(session, card.candidature_id, confirmed=True)


@pytest.mark.rule("UNS-02")
def test_the_withdrawn_candidature_disappears_and_one_mail_confirms_it(
    portal: Portal, token: str, candidature_id: str
) -> None:
    """G6: withdrawing twice makes one state change and one mail."""
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    assert portal.candidatures.mes_inscriptions(token).cards == ()
    [mail] = mails(portal, MailKind.WITHDRAWAL)
    assert (mail.recipient, mail.subject) == ("pdubois@ac-rennes.fr", "[CYCLADES] Confirmation de votre désinscription")
    assert len(audit(portal, "candidature_withdrawn")) == 1
    with pytest.raises(CandidatureNotFound):
        portal.candidatures.mon_inscription(token, candidature_id)


@pytest.mark.rule("UNS-03")
def test_after_a_mistaken_withdrawal_a_new_candidature_gets_a_new_number(
    portal: Portal, token: str, candidature_id: str
) -> None:
    """G7: the old one stays withdrawn; it is never revived."""
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    again = register(portal, token, dubois_tabs())
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert (card.candidature_id, card.inscription_number) == (again, "002")
    rows = {r.candidature_id: r.state for r in portal.management.candidatures(BESANCON)}
    assert rows[candidature_id] is CandidatureState.WITHDRAWN


@pytest.mark.rule("UNS-04")
def test_after_closing_only_the_managing_service_can_withdraw(
    portal: Portal, token: str, candidature_id: str, clock: ManualClock
) -> None:
    late = after_closing(portal, clock)
    with pytest.raises(WithdrawalAfterClosing, match="service gestionnaire"):
        portal.candidatures.withdraw(late, candidature_id, confirmed=True)
    withdrawn = portal.management.withdraw(BESANCON, candidature_id, "Demande écrite du candidat")
    assert withdrawn.state is CandidatureState.WITHDRAWN_BY_MANAGER
    [record] = audit(portal, "candidature_withdrawn_by_manager")
    assert (record["actor"], record["from_state"], record["to_state"]) == (
        "manager:gest-besancon", "Inscrit", "Désinscrit par le gestionnaire",
    )  # fmt: skip


@pytest.mark.rule("UNS-05")
def test_the_manager_sees_desinscrit_par_le_candidat(portal: Portal, token: str, candidature_id: str) -> None:
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    [row] = portal.management.candidatures(BESANCON)
    assert row.state_label == "Désinscrit par le candidat"


@pytest.mark.rule("MGR-04")
class TestManagerActs:
    def test_setting_aside_and_deleting_hide_the_candidature_and_are_audited(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        portal.management.set_aside(BESANCON, candidature_id, "Dossier incomplet")
        assert portal.candidatures.mes_inscriptions(token).cards == ()
        portal.management.reinstate(BESANCON, candidature_id, "Pièce reçue")
        assert len(portal.candidatures.mes_inscriptions(token).cards) == 1
        portal.management.delete(BESANCON, candidature_id, "Doublon")
        assert portal.candidatures.mes_inscriptions(token).cards == ()
        [set_aside] = audit(portal, "candidature_set_aside")
        assert set_aside["reason"] == "Dossier incomplet"
        assert set_aside["actor"] == "manager:gest-besancon"
        assert audit(portal, "candidature_deleted")[0]["to_state"] == "Supprimée par le gestionnaire"

    def test_the_journal_of_a_candidature_lists_its_acts_oldest_first_for_its_own_managers_only(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """I3: the back office reads one candidature's audit trail: the save, the acts with their reasons, the
        refusal of another académie's manager; never another candidature's records."""
        other = register(portal, token, dubois_tabs(), academie="10", session=open_second_session(portal))
        portal.management.set_aside(BESANCON, candidature_id, "Dossier incomplet")
        with pytest.raises(ForbiddenError):
            portal.management.set_aside(LYON, candidature_id, "x")
        with pytest.raises(ForbiddenError):
            portal.management.journal(LYON, candidature_id)
        journal = portal.management.journal(BESANCON, candidature_id)
        actions = [record.action for record in journal]
        assert actions[0] == "candidature_saved"
        assert "candidature_set_aside" in actions
        assert actions.count("authz_fail") == 2  # the set-aside and the journal refused to Lyon
        assert [r.at for r in journal] == sorted(r.at for r in journal)
        assert all(dict(r.details).get("candidature", candidature_id) == candidature_id for r in journal)
        assert other not in {dict(r.details).get("candidature") for r in journal}
        with pytest.raises(CandidatureNotFound):
            portal.management.journal(BESANCON, "inconnue")

    def test_illegal_moves_are_refused_by_name(self, portal: Portal, candidature_id: str) -> None:
        portal.management.delete(BESANCON, candidature_id, "Doublon")
        with pytest.raises(ForbiddenError) as refused:
            portal.management.set_aside(BESANCON, candidature_id, "x")
        assert refused.value.code == "illegal_candidature_transition"

    def test_a_manager_acts_only_on_its_own_academie(self, portal: Portal, candidature_id: str) -> None:
        """I1: another académie's manager → refused, and authz_fail logged."""
        with pytest.raises(ForbiddenError, match="votre académie"):
            portal.management.set_aside(LYON, candidature_id, "x")
        assert portal.management.candidatures(LYON) == []
        with pytest.raises(ForbiddenError):
            portal.management.candidatures(LYON, academie_code="03")
        assert [r["actor"] for r in audit(portal, "authz_fail")] == ["manager:gest-lyon"] * 2

    def test_the_identity_is_corrected_on_request_for_the_account_and_its_candidatures(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """ACC-11: frozen for the candidate, corrected by the managing service."""
        correction = identity_form(birth_name="DUBOIS", birth_name_confirmation="DUBOIS", first_names="Pierre Louis")
        with pytest.raises(IdentityFrozen):
            portal.accounts.update_identity(token, correction)
        portal.management.correct_identity(BESANCON, candidature_id, correction, "Erreur de saisie (courrier du 12/11)")
        assert portal.accounts.account(token).identity.first_names == "Pierre Louis"
        recap = portal.candidatures.mon_inscription(token, candidature_id)
        assert recap.section("Identification du candidat")["Prénoms"] == "Pierre Louis"
        assert audit(portal, "identity_corrected")[0]["reason"].startswith("Erreur de saisie")

    def test_the_corrected_identity_reaches_the_documents_and_every_candidature_must_be_managed(
        self, portal: Portal, token: str, candidature_id: str
    ) -> None:
        """ACC-11 / I1: a service corrects an identity only when it manages every candidature of the account; the
        confirmation is republished with the new version."""
        register(portal, token, dubois_tabs(), academie="10", session=open_second_session(portal))
        correction = identity_form(birth_name="DUBOIS", birth_name_confirmation="DUBOIS", first_names="Pierre Louis")
        with pytest.raises(ForbiddenError, match="autre académie"):
            portal.management.correct_identity(BESANCON, candidature_id, correction, "Erreur de saisie")
        assert portal.accounts.account(token).identity.first_names == "Pierre"
        rectorats = Manager("gest-besancon-lyon", ("03", "10"))
        portal.management.correct_identity(rectorats, candidature_id, correction, "Erreur de saisie")
        assert portal.accounts.account(token).identity.first_names == "Pierre Louis"
        confirmation = portal.candidatures.documents(token, candidature_id)[0]
        assert (confirmation.kind, confirmation.version) == (DocumentKind.CONFIRMATION, 2)


@pytest.mark.rule("MGR-05")
def test_the_manager_lists_candidatures_with_their_state_and_filters(
    portal: Portal, token: str, candidature_id: str
) -> None:
    other = signed_in(portal)
    register(portal, other)  # ACCRALL Dack, Aéronautique, Besançon
    rows = portal.management.candidatures(BESANCON)
    assert {(r.name, r.specialite_code, r.state_label) for r in rows} == {
        ("DUBOIS Pierre", BANQUE, "Inscrit"), ("ACCRALL Dack", "32025", "Inscrit"),
    }  # fmt: skip
    assert [r.name for r in portal.management.candidatures(BESANCON, specialite_code=BANQUE)] == ["DUBOIS Pierre"]
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    withdrawn = portal.management.candidatures(BESANCON, state=CandidatureState.WITHDRAWN)
    assert [r.candidature_id for r in withdrawn] == [candidature_id]
    assert portal.management.candidatures(BESANCON, session_id="BTS-2030") == []


@pytest.mark.rule("MGR-05")
def test_the_manager_s_list_comes_by_pages_in_order_with_each_candidate_number(
    portal: Portal, clock: ManualClock, token: str, candidature_id: str
) -> None:
    for i in range(4):
        clock.advance(minutes=1)
        register(portal, signed_in(portal, email=f"page{i}@exemple.fr", birth_name=f"PAGE{'X' * i}"))
    everything = portal.management.candidatures(BESANCON)
    assert len(everything) == 5
    assert [r.created_at for r in everything] == sorted(r.created_at for r in everything)
    assert all(r.candidate_number.isdigit() for r in everything)
    pages, after = [], None
    while page := portal.management.candidatures(BESANCON, after=after, limit=2):
        pages.append(page)
        after = page[-1]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [r for p in pages for r in p] == everything
    # A page kept between requests by its position alone (the back office signs it into its link) gives the same.
    assert portal.management.candidatures(BESANCON, after=pages[0][-1].position, limit=2) == pages[1]
    for limit in (0, 1001):
        with pytest.raises(ValidationError) as refused:
            portal.management.candidatures(BESANCON, limit=limit)
        assert refused.value.fields == ("limit",)


def test_the_manager_counts_candidates_per_epreuve_option_position_and_mode(
    portal: Portal, token: str, candidature_id: str
) -> None:
    """Effectifs par épreuve, from the active candidatures of the manager's académies only."""
    other = signed_in(portal)
    register(portal, other)  # ACCRALL Dack: E1 kept (Bénéfice), EF1 Russe in Ponctuel
    counts = {(c.code, c.option, c.position): c.candidates for c in portal.management.effectifs(BESANCON, "BTS-2022")}
    assert counts[("EF1", "Allemand", Position.INSCRIT)] == 1
    assert counts[("EF1", "Russe", Position.INSCRIT)] == 1
    assert counts[("E1", None, Position.BENEFICE)] == 1
    assert counts[("E1", None, Position.INSCRIT)] == 1  # DUBOIS Pierre takes E1
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    after = {(c.code, c.option, c.position) for c in portal.management.effectifs(BESANCON, "BTS-2022")}
    assert ("EF1", "Allemand", Position.INSCRIT) not in after
    assert portal.management.effectifs(LYON, "BTS-2022") == ()
    with pytest.raises(ForbiddenError):
        portal.management.effectifs(LYON, "BTS-2022", academie_code="03")


def preinscription(**pupil_overrides: str | None) -> PreinscriptionForm:
    return PreinscriptionForm(
        pupil=pupil(**pupil_overrides),
        identification=identification(email="marie.dupont@exemple.fr"),
        informations=InformationsForm(category_code="100", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        qualification=QualificationForm(specialite_code=BANQUE),
        diploma=DiplomaForm(diploma_code="00013"),
        epreuves=EpreuvesForm(choices=(EpreuveChoiceForm(code="EF1", position="Inscrit", option="Espagnol"),)),
    )


@pytest.mark.rule("POR-02")
class TestPreinscription:
    def test_the_pupil_logs_in_with_the_papillon_and_validates_the_preinscription(self, portal: Portal) -> None:
        [papillon] = portal.establishments.register("BTS-2022", "03", [preinscription()])
        session = portal.accounts.login(papillon.login, papillon.initial_password).session_token
        with pytest.raises(PasswordChangeRequired):
            portal.candidatures.mes_inscriptions(session)
        portal.accounts.change_password(session, papillon.initial_password, "Tq9#mLpw", "Tq9#mLpw")
        [card] = portal.candidatures.mes_inscriptions(session).cards
        assert card.state is CandidatureState.PREINSCRIPTION
        draft = fill(portal, portal.candidatures.edit(session, card.candidature_id), [None] * 7)
        validated = portal.candidatures.save(session, draft)
        assert validated.version == 2
        [card] = portal.candidatures.mes_inscriptions(session).cards
        assert card.state is CandidatureState.ACTIVE

    def test_one_wrong_pupil_creates_nobody(self, portal: Portal) -> None:
        bad = PreinscriptionForm(
            pupil=pupil(first_names="Paul"),
            identification=identification(mobile_phone="12"),
            informations=InformationsForm(category_code="100", establishment="0250013D"),
            qualification=QualificationForm(specialite_code=BANQUE),
            diploma=DiplomaForm(diploma_code="00013"),
        )
        with pytest.raises(ValidationError) as refused:
            portal.establishments.register("BTS-2022", "03", [preinscription(), bad])
        assert refused.value.fields == ("pupils[1].identification.mobile_phone",)
        assert isinstance(portal.storage, MemoryDatabase)
        assert portal.storage.accounts.rows == {}

    def test_an_email_given_twice_or_already_used_creates_nobody(self, portal: Portal) -> None:
        """ACC-02 for a list: checked before the first account is created, so no papillon is lost."""
        twice = [
            preinscription(email="m.dupont@exemple.fr"),
            preinscription(first_names="Paul", email="M.Dupont@exemple.fr"),
        ]
        with pytest.raises(ValidationError) as refused:
            portal.establishments.register("BTS-2022", "03", twice)
        assert refused.value.fields == ("pupils[1].pupil.email",)
        assert isinstance(portal.storage, MemoryDatabase)
        assert portal.storage.accounts.rows == {}
        portal.establishments.register("BTS-2022", "03", [preinscription(email="m.dupont@exemple.fr")])
        with pytest.raises(ValidationError) as refused:
            portal.establishments.register(
                "BTS-2022", "03", [preinscription(first_names="Paul"), preinscription(email="m.dupont@exemple.fr")]
            )
        assert refused.value.fields == ("pupils[1].pupil.email",)
        assert len(portal.storage.accounts.rows) == 1

    def test_a_pupil_with_a_wrong_identity_creates_nobody(self, portal: Portal) -> None:
        """The accounts are checked with the candidatures, before the first one is created."""
        with pytest.raises(ValidationError) as refused:
            portal.establishments.register(
                "BTS-2022", "03", [preinscription(), preinscription(birth_date="31/02/2006", email="x@")]
            )
        assert refused.value.fields == ("pupils[1].pupil.birth_date", "pupils[1].pupil.email")
        assert isinstance(portal.storage, MemoryDatabase)
        assert portal.storage.accounts.rows == {}
