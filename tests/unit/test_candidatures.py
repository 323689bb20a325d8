"""Registering to an exam: the form tab by tab, épreuves, save, versions, Mes inscriptions (CAN-01 … CAN-14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from cyclades_adapters import Portal
from cyclades_adapters.edge import structure_form, unstructure_form
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import (
    CandidatureAlreadyExists,
    CandidatureNotFound,
    CatalogueNotFound,
    ConcurrencyConflict,
    IdentityFrozen,
    InvalidCredentials,
    ServiceClosed,
    ValidationError,
)
from cyclades_core.model.candidature import CandidatureState, Position
from cyclades_core.model.catalogue import EvaluationMode, ExamSession
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import ManualClock, run_concurrently
from cyclades_core.usecases.candidatures import NOT_YET_SAVED
from cyclades_core.usecases.forms import AcquisForm, CandidatureDraft, EpreuveChoiceForm
from tests.candidature_support import (
    AERO,
    AFTER,
    DURING,
    accrall_tabs,
    acquis_e1,
    dubois_tabs,
    fill,
    guide_portal,
    identification,
    open_second_session,
    register,
    replace,
    signed_in,
)
from tests.conftest import PASSWORD, form, mails
from tests.unit.test_modify_and_delete import identity_form


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
def portal(clock: ManualClock) -> Portal:
    return guide_portal(clock)


@pytest.fixture
def token(portal: Portal) -> str:
    return signed_in(portal)


def db(portal: Portal) -> MemoryDatabase:
    assert isinstance(portal.storage, MemoryDatabase)
    return portal.storage


@pytest.mark.rule("CAN-01")
class TestStarting:
    def test_an_activated_account_starts_while_the_service_is_open(self, portal: Portal, token: str) -> None:
        draft = portal.candidatures.start(token, "BTS-2022", "03")
        assert (draft.session_id, draft.academie_code, draft.tab) == ("BTS-2022", "03", "Candidatures précédentes")
        assert draft.identification is not None
        assert draft.identification.email == "accrall@ac-rennes.fr"

    def test_an_unactivated_account_cannot_even_log_in(self, portal: Portal) -> None:
        portal.accounts.create_account(form())
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)

    def test_not_before_the_opening_nor_where_nothing_is_configured(
        self, portal: Portal, token: str, clock: ManualClock
    ) -> None:
        with pytest.raises(CatalogueNotFound):
            portal.candidatures.start(token, "BTS-2022", "01")
        clock.set(AFTER)
        token = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        with pytest.raises(ServiceClosed):
            portal.candidatures.start(token, "BTS-2022", "03")


@pytest.mark.rule("CAN-02")
class TestTabs:
    def test_the_tabs_follow_the_session_s_order(self, portal: Portal, token: str) -> None:
        draft = portal.candidatures.start(token, "BTS-2022", "03")
        assert draft.tabs == (
            "Candidatures précédentes", "Identification", "Informations candidature", "Qualification présentée",
            "Acquis", "Diplôme possédé", "Epreuves", "Récapitulatif",
        )  # fmt: skip

    def test_suivant_refuses_an_invalid_tab_naming_its_fields(self, portal: Portal, token: str) -> None:
        draft = portal.candidatures.next(portal.candidatures.start(token, "BTS-2022", "03"))
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.next(draft, identification(mobile_phone="", postal_code="ABC", pcs_code="00"))
        assert set(refused.value.fields) == {
            "identification.mobile_phone", "identification.postal_code", "identification.pcs_code",
        }  # fmt: skip
        assert draft.tab == "Identification"

    def test_precedent_keeps_what_was_typed_and_nothing_is_saved_before_enregistrer(
        self, portal: Portal, token: str
    ) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        back = portal.candidatures.previous(portal.candidatures.previous(draft))
        assert back.tab == "Diplôme possédé"
        assert back.diploma == draft.diploma
        assert db(portal).candidatures.rows == {}
        with pytest.raises(ValidationError, match="Récapitulatif"):
            portal.candidatures.save(token, back)
        assert db(portal).candidatures.rows == {}

    def test_the_tab_list_is_data_of_the_session(self, portal: Portal, token: str) -> None:
        portal.catalogue.configure(
            ExamSession("BTS-2022", "BTS", "BTS 2022", 2022, 6, tabs=(
                "Modalités d'inscription", "Candidatures précédentes", "Identification", "Informations candidature",
                "Qualification présentée", "Acquis", "Informations supplémentaires", "Titre pour inscription",
                "Diplôme possédé", "Epreuves", "Récapitulatif", "Conditions d'inscription",
            ))
        )  # fmt: skip
        draft = portal.candidatures.start(token, "BTS-2022", "03")
        assert draft.tabs[0] == "Modalités d'inscription"
        tabs = accrall_tabs()
        sequence = [None, None, *tabs[1:5], None, None, *tabs[5:]]
        draft = fill(portal, draft, sequence)
        assert portal.candidatures.save(token, draft).inscription_number == "001"

    def test_the_tabs_parsed_are_the_session_s_not_the_draft_s(self, portal: Portal, token: str) -> None:
        """A draft comes back from the client: dropping a tab from its list does not skip that tab's checks."""
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        tabs = tuple(t for t in draft.tabs if t not in ("Identification", "Epreuves"))
        forged = evolve(draft, tabs=tabs, current=len(tabs) - 1, identification=None, epreuves=None)
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.save(token, forged)
        assert refused.value.fields == ("identification",)
        assert db(portal).candidatures.rows == {}

    def test_a_session_without_acquis_and_epreuves_tabs_keeps_the_default_epreuves(
        self, portal: Portal, token: str
    ) -> None:
        portal.catalogue.configure(
            ExamSession("BTS-2022", "BTS", "BTS 2022", 2022, 6, tabs=(
                "Identification", "Informations candidature", "Qualification présentée", "Diplôme possédé",
                "Récapitulatif",
            ))
        )  # fmt: skip
        draft = portal.candidatures.start(token, "BTS-2022", "03")
        tabs = accrall_tabs()
        draft = fill(portal, draft, [tabs[1], tabs[2], tabs[3], tabs[5]])
        saved = portal.candidatures.save(token, draft)
        with portal.unit_of_work() as uow:
            stored = uow.candidatures.get(saved.candidature_id)
        assert stored is not None
        assert stored.content.acquis == ()
        assert {p.position for p in stored.content.epreuves} <= {Position.INSCRIT, Position.NON_INSCRIT}

    def test_a_session_lacking_a_tab_the_candidature_needs_is_refused_when_configured(
        self, portal: Portal, token: str
    ) -> None:
        incomplete = ExamSession("BTS-2022", "BTS", "BTS 2022", 2022, 6, tabs=(
            "Identification", "Informations candidature", "Qualification présentée",
        ))  # fmt: skip
        with pytest.raises(ValidationError, match="Diplôme possédé") as refused:
            portal.catalogue.configure(incomplete)
        assert refused.value.fields == ("tabs",)
        portal.catalogue.catalogue.put(incomplete)  # one stored by other means is read, and refused at use
        with pytest.raises(CatalogueNotFound, match="Diplôme possédé"):
            portal.candidatures.start(token, "BTS-2022", "03")

    def test_a_draft_survives_serialization_between_requests(self, portal: Portal, token: str) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        kept = unstructure_form(draft)
        assert structure_form(CandidatureDraft, kept) == draft


@pytest.mark.rule("CAN-03")
class TestIdentification:
    def test_both_phone_forms_are_accepted_and_the_landline_is_optional(self, portal: Portal, token: str) -> None:
        draft = portal.candidatures.next(portal.candidatures.start(token, "BTS-2022", "03"))
        for mobile, landline in (("0623456789", None), ("+33623456789", "+33123456789"), ("0623456789", "0123456789")):
            portal.candidatures.next(draft, identification(mobile_phone=mobile, landline_phone=landline))

    def test_mobile_and_email_are_mandatory(self, portal: Portal, token: str) -> None:
        draft = portal.candidatures.next(portal.candidatures.start(token, "BTS-2022", "03"))
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.next(draft, identification(mobile_phone=" ", email=""))
        assert set(refused.value.fields) == {"identification.mobile_phone", "identification.email"}

    def test_the_identity_is_the_account_s_read_only(self, portal: Portal, token: str) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        identity = portal.candidatures.recapitulatif(token, draft).section("Identification du candidat")
        assert identity["Nom de famille"] == "ACCRALL"
        assert identity["Prénoms"] == "Dack"
        assert identity["Date de naissance"] == "28/11/2004"
        assert identity["Commune de naissance"] == "MAY-SUR-ORNE"
        assert identity["Nationalité"] == "Français"  # as the guide's Récapitulatif writes it (issue 17)


@pytest.mark.rule("CAN-04")
def test_informations_candidature_with_consents_defaulting_to_non(portal: Portal, token: str) -> None:
    tabs = replace(dubois_tabs(), 2, disability_arrangement=True)
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
    info = portal.candidatures.recapitulatif(token, draft).section("Informations candidature")
    assert info["Catégorie du candidat"] == "FORMATION CONTINUE"
    assert info["Votre établissement"] == "LP P-ADRIEN PARIS - BESANCON (0250013D)"
    assert info["Demande d'aménagement(s) d'épreuves au titre du handicap"] == "Oui"
    assert [v for k, v in info.items() if k.startswith("Communication")] == ["Non", "Non"]
    with pytest.raises(ValidationError) as refused:
        fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), replace(dubois_tabs(), 2, category_code="9"))
    assert refused.value.fields == ("informations.category_code",)


@pytest.mark.rule("CAN-05")
def test_the_formes_de_passage_offered_depend_on_the_category(portal: Portal, token: str) -> None:
    """EX.SCOLAIRE may present only Globale; FORMATION CONTINUE Globale or Progressive."""
    with pytest.raises(ValidationError) as refused:
        fill(
            portal, portal.candidatures.start(token, "BTS-2022", "03"), replace(accrall_tabs(), 3, forme="Progressive")
        )
    assert refused.value.fields == ("qualification.forme",)
    assert "Globale" in refused.value.errors[0].message
    draft = fill(
        portal, portal.candidatures.start(token, "BTS-2022", "03"), replace(dubois_tabs(), 3, forme="Progressive")
    )
    info = portal.candidatures.recapitulatif(token, draft).section("Informations candidature")
    assert (info["Forme de passage"], info["Dérogation forme de passage"], info["Forme de passage finale"]) == (
        "Progressive", "Non", "Progressive",
    )  # fmt: skip
    assert portal.candidatures.recapitulatif(token, draft).section("Qualification présentée")["Spécialité"] == (
        "Banque - conseiller de clientèle"
    )


@pytest.mark.rule("CAN-06")
class TestAcquis:
    def positions(self, portal: Portal, token: str, tabs: list[object]) -> dict[str, Position]:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
        recap = portal.candidatures.recapitulatif(token, draft)
        return {e.code: e.position for _, mandatory, optional in recap.epreuves for e in (*mandatory, *optional)}

    def test_a_kept_grade_turns_the_epreuve_into_benefice_as_the_guide_shows_it(
        self, portal: Portal, token: str
    ) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        [first_group, _] = portal.candidatures.recapitulatif(token, draft).epreuves
        e1 = first_group[1][0]
        assert (e1.title, e1.position.value, e1.benefice_details, e1.grade_academie) == (
            "E1 - Culture générale et expression", "Bénéfice", "Note: 15.00 Année d'obtention: 2021", "BESANCON",
        )  # fmt: skip

    def test_unticking_the_acquis_means_retaking_the_epreuve(self, portal: Portal, token: str) -> None:
        tabs = accrall_tabs()
        tabs[4] = acquis_e1(kept=False)
        assert self.positions(portal, token, tabs)["E1"] is Position.INSCRIT

    @pytest.mark.parametrize(
        ("grade", "year", "specialite"),
        [("9.99", "2021", AERO), ("15", "2016", AERO), ("15", "2021", "31310")],
        ids=["below 10", "more than five years", "another spécialité"],
    )
    def test_a_grade_is_kept_only_at_ten_within_five_years_in_the_same_specialite(
        self, portal: Portal, token: str, grade: str, year: str, specialite: str
    ) -> None:
        tabs = accrall_tabs()
        tabs[4] = acquis_e1(grade=grade, year=year, specialite=specialite)
        assert self.positions(portal, token, tabs)["E1"] is Position.INSCRIT

    def test_five_years_back_still_counts(self, portal: Portal, token: str) -> None:
        tabs = accrall_tabs()
        tabs[4] = acquis_e1(grade="10", year="2017")
        assert self.positions(portal, token, tabs)["E1"] is Position.BENEFICE

    def test_renouncing_acquis_retakes_every_epreuve(self, portal: Portal, token: str) -> None:
        tabs = replace(accrall_tabs(), 2, renounce_acquis=True)
        assert self.positions(portal, token, tabs)["E1"] is Position.INSCRIT

    def test_a_wrong_grade_or_year_is_named(self, portal: Portal, token: str) -> None:
        tabs = accrall_tabs()
        bad = acquis_e1(grade="21", year="2030")
        bad = AcquisForm(entries=(evolve(bad.entries[0], academie=""),))
        with pytest.raises(ValidationError) as refused:
            fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), [*tabs[:4], bad])
        assert set(refused.value.fields) == {
            "acquis.entries[0].year", "acquis.entries[0].academie", "acquis.entries[0].grades[0].grade",
        }  # fmt: skip


@pytest.mark.rule("CAN-07")
def test_the_diploma_held_is_mandatory_and_shown_with_its_short_label(portal: Portal, token: str) -> None:
    with pytest.raises(ValidationError) as refused:
        fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), replace(accrall_tabs(), 5, diploma_code=""))
    assert refused.value.fields == ("diploma.diploma_code",)
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
    assert portal.candidatures.recapitulatif(token, draft).section("Diplôme possédé") == {
        "Diplôme possédé": "BACCALAURÉAT GÉNÉRAL - Bac général"
    }


@pytest.mark.rule("CAN-08")
class TestEpreuves:
    def test_the_guide_s_aeronautique_table(self, portal: Portal, token: str) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        first, second = portal.candidatures.recapitulatif(token, draft).epreuves
        assert first[0] == "Session normale 1er groupe"
        rows = [(e.title, e.position.value, e.mode.value if e.mode else None) for e in first[1]]
        assert rows[:4] == [
            ("E1 - Culture générale et expression", "Bénéfice", None),
            ("E2 - Anglais", "Inscrit", "Ponctuel"),  # one unit, U2: the guide's « E2 - Anglais Inscrit Ponctuel »
            ("E2-A - Compréhension orale", "Inscrit", "Ponctuel"),
            ("E2-B - Expression orale en continu et en interaction", "Inscrit", "Ponctuel"),
        ]
        assert [(e.title, e.position.value) for e in first[2]] == [
            ("EF1 - Langue vivante 2 - Russe", "Inscrit"), ("EF2 - Engagement étudiant", "Non Inscrit"),
        ]  # fmt: skip
        assert second[0] == "Session normale 2nd groupe"
        assert [(e.title, e.position.value, e.mode) for e in second[1]] == [
            ("ECT - Epreuves de contrôle", "Inscrit", EvaluationMode.PONCTUEL)
        ]

    def test_an_inscrit_epreuve_with_options_needs_one(self, portal: Portal, token: str) -> None:
        tabs = replace(dubois_tabs(), 6, choices=(EpreuveChoiceForm(code="EF1", position="Inscrit"),))
        with pytest.raises(ValidationError) as refused:
            fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
        assert refused.value.fields == ("epreuves.EF1",)
        assert "Allemand" in refused.value.errors[0].message

    def test_modes_must_be_allowed_for_the_category_and_unknown_epreuves_are_named(
        self, portal: Portal, token: str
    ) -> None:
        tabs = replace(dubois_tabs(), 6, choices=(
            EpreuveChoiceForm(code="EF3", position="Inscrit", mode="CCF"), EpreuveChoiceForm(code="EF9"),
        ))  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
        assert set(refused.value.fields) == {"epreuves.EF3", "epreuves.EF9"}

    def test_obligatoires_stay_inscrit_whatever_is_chosen(self, portal: Portal, token: str) -> None:
        tabs = replace(dubois_tabs(), 6, choices=(EpreuveChoiceForm(code="E3", position="Non Inscrit"),))
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), tabs)
        [(_, mandatory, optional)] = portal.candidatures.recapitulatif(token, draft).epreuves
        assert {e.code: e.position for e in mandatory}["E3"] is Position.INSCRIT
        assert all(e.position is Position.NON_INSCRIT for e in optional)


@pytest.mark.rule("CAN-09")
def test_the_recapitulatif_follows_the_guide_s_order_and_warns(portal: Portal, token: str) -> None:
    draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
    recap = portal.candidatures.recapitulatif(token, draft)
    assert [title for title, _ in recap.sections] == [
        "Qualification présentée", "Identification du candidat", "Adresse et contact", "Situation du candidat",
        "Informations candidature", "Diplôme possédé", "Acquis déclarés",
    ]  # fmt: skip
    assert recap.warning == NOT_YET_SAVED == "Attention ! A ce stade, la candidature n'est pas encore enregistrée"
    assert recap.section("Adresse et contact")["Adresse"] == "1 rue des champs 25000 BESANÇON FRANCE (DONT OUTRE-MER)"
    assert recap.section("Situation du candidat") == {
        "Catégorie socio-professionnelle du candidat ou d'un représentant légal": "Chauffeurs"
    }


@pytest.mark.rule("CAN-10")
class TestSave:
    def test_enregistrer_gives_number_version_sentence_closing_contact_and_documents(
        self, portal: Portal, token: str
    ) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        saved = portal.candidatures.save(token, draft)
        assert (saved.inscription_number, saved.version) == ("001", 1)
        assert saved.sentence == "Votre inscription a bien été prise en compte le 15/11/2021 à 11:00."
        assert saved.closing_sentence == (
            "Vous pourrez consulter et, éventuellement, modifier les données de votre dossier avant la fermeture du "
            "service fixée le : 29/11/2021 à 18:00."
        )
        assert saved.contact[:2] == ("ACADÉMIE DE BESANCON", "Recteur")
        assert saved.documents == (
            "Confirmation d'inscription [PDF] : Version n°1 mis à jour le 15/11/2021 11:00",
            "Demande pièces justificatives [PDF] : Version n°1 mis à jour le 15/11/2021 11:00",
        )
        assert len(saved.candidate_number) == 11
        [mail] = mails(portal, MailKind.CANDIDATURE_SAVED)
        assert mail.subject == "[CYCLADES] Confirmation d'inscription"

    @pytest.mark.rule("CAN-18")
    def test_one_candidature_per_session_a_second_enregistrer_of_the_same_draft_is_refused(
        self, portal: Portal, token: str
    ) -> None:
        """A double click on « Enregistrer » (or the form sent again) must not register the candidate twice; nor may
        « Ajouter une nouvelle candidature » open a second one for a session the account is registered to."""
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        saved = portal.candidatures.save(token, draft)
        with pytest.raises(CandidatureAlreadyExists) as refused:
            portal.candidatures.save(token, draft)
        assert refused.value.http_status == 409
        assert "« Mes inscriptions »" in refused.value.message
        with pytest.raises(CandidatureAlreadyExists):
            portal.candidatures.start(token, "BTS-2022", "16")
        assert [c.inscription_number for c in portal.candidatures.mes_inscriptions(token).cards] == ["001"]
        portal.candidatures.withdraw(token, saved.candidature_id, confirmed=True)  # UNS-03: then a new one is possible
        again = portal.candidatures.save(token, fill(portal, portal.candidatures.start(token, "BTS-2022", "03"),
                                                     accrall_tabs()))  # fmt: skip
        assert again.inscription_number == "002"

    @pytest.mark.rule("CAN-18")
    def test_sixteen_concurrent_saves_of_one_new_draft_register_once(self, portal: Portal, token: str) -> None:
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        results = run_concurrently(lambda _: portal.candidatures.save(token, draft), 16)
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        assert all(isinstance(r, CandidatureAlreadyExists) for r in results if isinstance(r, BaseException))

    def test_numbers_are_per_candidate(self, portal: Portal, token: str) -> None:
        first = portal.candidatures.save(
            token, fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        )
        second = portal.candidatures.save(
            token, fill(portal, portal.candidatures.start(token, open_second_session(portal), "10"), dubois_tabs())
        )
        other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        third = portal.candidatures.save(
            other, fill(portal, portal.candidatures.start(other, "BTS-2022", "03"), dubois_tabs())
        )
        assert (first.inscription_number, second.inscription_number, third.inscription_number) == ("001", "002", "001")

    @pytest.mark.parametrize(
        ("table", "method"),
        [("_Candidatures", "add"), ("_Documents", "publish"), ("_Outbox", "add"), ("_Audit", "append")],
    )
    def test_a_save_is_all_or_nothing(
        self, portal: Portal, token: str, monkeypatch: pytest.MonkeyPatch, table: str, method: str
    ) -> None:
        """G4: a failure after each step of the save leaves no candidature, no document, no mail, no record."""
        from cyclades_adapters.memory import storage

        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        original = getattr(getattr(storage, table), method)

        def fail_after(self: object, *args: object) -> None:
            original(self, *args)
            raise RuntimeError("disk full")

        before = (len(mails(portal)), len(db(portal).audit.rows))
        monkeypatch.setattr(getattr(storage, table), method, fail_after)
        with pytest.raises(RuntimeError, match="disk full"):
            portal.candidatures.save(token, draft)
        monkeypatch.undo()
        assert db(portal).candidatures.rows == {}
        assert db(portal).candidature_versions.rows == {}
        assert db(portal).documents.rows == {}
        assert (len(mails(portal)), len(db(portal).audit.rows)) == before

    def test_a_save_with_an_incomplete_mandatory_tab_is_refused(self, portal: Portal, token: str) -> None:
        """G5: a draft whose Identification lost its mobile phone cannot be saved; nothing changes."""
        draft = fill(portal, portal.candidatures.start(token, "BTS-2022", "03"), accrall_tabs())
        assert draft.identification is not None
        broken = evolve(draft, identification=evolve(draft.identification, mobile_phone=""))
        with pytest.raises(ValidationError) as refused:
            portal.candidatures.save(token, broken)
        assert refused.value.fields == ("identification.mobile_phone",)
        assert db(portal).candidatures.rows == {}


@pytest.mark.rule("CAN-11")
def test_after_the_save_the_account_identity_is_frozen(portal: Portal, token: str) -> None:
    register(portal, token)
    with pytest.raises(IdentityFrozen):
        portal.accounts.update_identity(token, identity_form(first_names="Jack"))


@pytest.mark.rule("CAN-12")
class TestModify:
    def test_each_save_raises_the_version_by_one_and_republishes_the_confirmation(
        self, portal: Portal, token: str, clock: ManualClock
    ) -> None:
        """G2 / M1: k saves → version k + 1; the confirmation carries the same version and the save time."""
        candidature_id = register(portal, token)
        for expected in (2, 3, 4):
            clock.advance(minutes=7)
            draft = portal.candidatures.edit(token, candidature_id)
            draft = fill(portal, draft, replace(accrall_tabs(), 1, landline_phone=f"012345678{expected}"))
            saved = portal.candidatures.save(token, draft)
            assert saved.version == expected
        confirmation, demande = portal.candidatures.documents(token, candidature_id)
        assert (confirmation.kind, confirmation.version, confirmation.updated_at) == (
            DocumentKind.CONFIRMATION, 4, clock.now(),
        )  # fmt: skip
        assert (demande.kind, demande.version) == (DocumentKind.DEMANDE_PIECES, 4)
        with portal.unit_of_work() as uow:
            assert [c.version for c in uow.candidatures.history(candidature_id)] == [1, 2, 3, 4]
        assert len(mails(portal, MailKind.CANDIDATURE_MODIFIED)) == 3

    def test_modifier_keeps_the_mode_chosen_for_an_obligatoire(self, portal: Portal, token: str) -> None:
        """CAN-12: « Modifier » opens the saved content — the mode the candidate chose for an obligatoire included
        (it came back as the category's first mode, so an unchanged save changed the candidature)."""
        catalogue = portal.catalogue.catalogue
        specialite = catalogue.specialite(AERO, 2022)
        assert specialite is not None
        both = (("*", (EvaluationMode.PONCTUEL, EvaluationMode.CCF)),)
        epreuves = tuple(evolve(e, modes=both) if e.code == "E3-A" else e for e in specialite.epreuves)
        portal.catalogue.configure(evolve(specialite, epreuves=epreuves))
        tabs = accrall_tabs()
        chosen = (*tabs[6].choices, EpreuveChoiceForm(code="E3-A", position="Inscrit", mode="CCF"))  # type: ignore[attr-defined]
        candidature_id = register(portal, token, replace(tabs, 6, choices=chosen))
        draft = portal.candidatures.edit(token, candidature_id)
        while not draft.on_recapitulatif:
            draft = portal.candidatures.next(draft)
        assert portal.candidatures.save(token, draft).version == 2
        with portal.unit_of_work() as uow:
            first, second = uow.candidatures.history(candidature_id)
        modes = {e.code: e.mode for e in second.content.epreuves}
        assert modes["E3-A"] is EvaluationMode.CCF
        assert second.content.epreuves == first.content.epreuves

    def test_two_tabs_from_one_version_the_second_is_a_conflict(self, portal: Portal, token: str) -> None:
        candidature_id = register(portal, token)
        first = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
        second = fill(
            portal, portal.candidatures.edit(token, candidature_id), replace(accrall_tabs(), 1, locality="Dole")
        )
        portal.candidatures.save(token, first)
        with pytest.raises(ConcurrencyConflict):
            portal.candidatures.save(token, second)
        assert portal.candidatures.mon_inscription(token, candidature_id).version == 2

    def test_sixteen_concurrent_saves_from_one_version_give_one_success(self, portal: Portal, token: str) -> None:
        """G3: 1 success, 15 conflicts, final version 2."""
        candidature_id = register(portal, token)
        draft = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
        results = run_concurrently(lambda _: portal.candidatures.save(token, draft), 16)
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, BaseException))
        assert portal.candidatures.mon_inscription(token, candidature_id).version == 2

    def test_after_closing_it_is_read_only(self, portal: Portal, token: str, clock: ManualClock) -> None:
        candidature_id = register(portal, token)
        draft = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
        clock.set(AFTER - timedelta(seconds=1))
        token = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        clock.set(AFTER)
        with pytest.raises(ServiceClosed):
            portal.candidatures.save(token, draft)
        with pytest.raises(ServiceClosed):
            portal.candidatures.edit(token, candidature_id)
        assert portal.candidatures.mon_inscription(token, candidature_id).version == 1

    def test_another_candidate_s_candidature_looks_missing(self, portal: Portal, token: str) -> None:
        """L4: object-scoped access."""
        candidature_id = register(portal, token)
        other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        for call in (portal.candidatures.edit, portal.candidatures.mon_inscription, portal.candidatures.documents):
            with pytest.raises(CandidatureNotFound):
                call(other, candidature_id)

    def test_another_candidate_cannot_read_a_recapitulatif_through_a_forged_draft(
        self, portal: Portal, token: str
    ) -> None:
        """L4: the draft names its account; the Récapitulatif is shown to that account's session only."""
        candidature_id = register(portal, token)
        draft = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
        other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
        with pytest.raises(CandidatureNotFound):
            portal.candidatures.recapitulatif(other, draft)
        other_draft = portal.candidatures.start(other, "BTS-2022", "03")
        forged = evolve(draft, account_id=other_draft.account_id)
        with pytest.raises(CandidatureNotFound):  # the candidature itself is still someone else's
            portal.candidatures.recapitulatif(other, forged)

    def test_a_draft_cannot_move_a_candidature_to_another_academie(self, portal: Portal, token: str) -> None:
        """L4: session and académie come from the stored candidature, not from the client's draft."""
        candidature_id = register(portal, token)
        draft = fill(portal, portal.candidatures.edit(token, candidature_id), accrall_tabs())
        with pytest.raises(CandidatureNotFound):
            portal.candidatures.save(token, evolve(draft, academie_code="16"))
        recap = portal.candidatures.mon_inscription(token, candidature_id)
        assert recap.version == 1


@pytest.mark.rule("CAN-13")
class TestMesInscriptions:
    def test_active_candidatures_are_listed_whatever_the_domain(self, portal: Portal, token: str) -> None:
        register(portal, token)
        register(portal, token, dubois_tabs(), academie="10", session=open_second_session(portal))
        home = portal.candidatures.mes_inscriptions(token)
        assert home.header.startswith("N°Candidat: ")
        assert [(c.inscription_number, c.academie_label, c.specialite) for c in home.cards] == [
            ("001", "ACADÉMIE DE BESANCON", "Aéronautique (32025)"),
            ("002", "ACADÉMIE DE LYON", "Banque - conseiller de clientèle (31310)"),
        ]
        assert all(c.can_modify and c.can_withdraw for c in home.cards)

    def test_closed_sessions_are_hidden(self, portal: Portal, token: str) -> None:
        register(portal, token)
        session = portal.catalogue.catalogue.session("BTS-2022")
        assert session is not None
        portal.catalogue.configure(evolve(session, closed=True))
        assert portal.candidatures.mes_inscriptions(token).empty_message == "Vous n'avez aucune candidature active."

    def test_a_closed_service_leaves_the_card_read_only(self, portal: Portal, token: str, clock: ManualClock) -> None:
        register(portal, token)
        clock.set(AFTER - timedelta(minutes=1))
        token = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        clock.set(AFTER)
        [card] = portal.candidatures.mes_inscriptions(token).cards
        assert (card.can_modify, card.can_withdraw) == (False, False)


@pytest.mark.rule("CAN-14")
def test_the_envelope_shows_until_the_documents_are_opened(portal: Portal, token: str) -> None:
    candidature_id = register(portal, token)
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert card.envelope is True
    opened = portal.candidatures.open_document(token, candidature_id, DocumentKind.CONFIRMATION)
    assert opened.seen_at is not None
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert card.envelope is True  # the demande de pièces is still to see
    portal.candidatures.open_document(token, candidature_id, DocumentKind.DEMANDE_PIECES)
    [card] = portal.candidatures.mes_inscriptions(token).cards
    assert card.envelope is False
    assert card.state is CandidatureState.ACTIVE
