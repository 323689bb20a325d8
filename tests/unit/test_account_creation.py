"""Creating an account (ACC-01, ACC-02, ACC-04, ACC-09; checklist A1, A4, A6, A7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyclades_adapters import Portal
from cyclades_adapters.edge import structure_form
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import EmailAlreadyUsed, TooManyRequests, ValidationError
from cyclades_core.model.account import AccountKind, AccountState
from cyclades_core.model.mail import MailKind
from cyclades_core.model.values import email_key
from cyclades_core.testing import run_concurrently
from cyclades_core.usecases import AccountSettings, CreateAccountForm
from tests.conftest import PASSWORD, T0, form, fresh_portal, mails, stored_accounts
from tests.strategies import hostile_text


def account_count(database: MemoryDatabase) -> int:
    return len(database.accounts.rows)


@pytest.mark.rule("ACC-01")
class TestTheCreationForm:
    def test_the_guide_s_example_creates_a_pending_account(self, portal: Portal, database: MemoryDatabase) -> None:
        created = portal.accounts.create_account(form())
        account = database.accounts.rows[created.account_id]
        assert account.state is AccountState.PENDING
        assert account.kind is AccountKind.INDIVIDUAL
        assert account.identity.display_name == "ACCRALL Dack"
        assert account.identity.birth_place.commune_name == "MAY-SUR-ORNE"
        assert account.identity.birth_place.departement_code == "014"
        assert "Votre compte est en cours de création." in created.message
        assert "accrall@ac-rennes.fr" in created.message

    def test_every_wrong_field_is_named_at_once_and_nothing_is_stored(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        bad = form(
            civility="Docteur",
            birth_name="ACCRALL",
            birth_name_confirmation="ACCRAL",
            first_names="",
            birth_date="28/11/2004",
            birth_date_confirmation="29/11/2004",
            email="accrall@ac-rennes.fr",
            email_confirmation="acrall@ac-rennes.fr",
            password="short",
            password_confirmation="other",
        )
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(bad)
        assert set(refused.value.fields) == {
            "civility",
            "birth_name_confirmation",
            "first_names",
            "birth_date_confirmation",
            "email_confirmation",
            "password",
            "password_confirmation",
        }
        assert account_count(database) == 0
        assert mails(portal) == []

    def test_the_commune_is_searched_within_the_chosen_departement(self, portal: Portal) -> None:
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(form(birth_departement="010"))
        assert refused.value.fields == ("birth_commune",)
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(form(birth_departement="999"))
        assert refused.value.fields == ("birth_departement",)
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(form(birth_country="12345"))
        assert refused.value.fields == ("birth_country",)

    def test_the_commune_can_be_given_by_code_or_name_in_any_case(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        created = portal.accounts.create_account(form(birth_commune="may-sur-orne"))
        assert database.accounts.rows[created.account_id].identity.birth_place.commune_code == "14408"

    def test_a_birth_abroad_has_no_departement_and_a_free_commune(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        created = portal.accounts.create_account(
            form(birth_country="99350", birth_departement=None, birth_commune="Casablanca")
        )
        place = database.accounts.rows[created.account_id].identity.birth_place
        assert (place.country_name, place.departement_code, place.commune_name) == ("MAROC", None, "Casablanca")

    def test_confirmations_are_checked_and_never_stored(self, portal: Portal, database: MemoryDatabase) -> None:
        """A4: the stored account has no confirmation field and no plaintext password."""
        portal.accounts.create_account(form())
        for _, row in database.all_rows():
            text = repr(row)
            assert "confirmation" not in text
            assert PASSWORD not in text

    @settings(max_examples=60)
    @given(st.sampled_from(["birth_name", "birth_date", "email", "password"]), hostile_text)
    def test_a_differing_confirmation_is_refused_naming_it(self, name: str, confirmation: str) -> None:
        """A4 (property): a confirmation that differs from its value is refused by name, and nothing is stored;
        one that is accepted is the same value, up to case and spacing for names and emails."""
        portal = fresh_portal()
        value = getattr(form(), name)
        try:
            portal.accounts.create_account(form(**{name: value, f"{name}_confirmation": confirmation}))
        except ValidationError as refused:
            assert f"{name}_confirmation" in refused.fields
            assert stored_accounts(portal) == 0
        else:
            same = {
                "password": confirmation == value,
                "birth_date": confirmation.strip() == value,
                "email": email_key(confirmation) == email_key(value),
                "birth_name": " ".join(confirmation.split()).casefold() == value.casefold(),
            }
            assert same[name]

    @settings(max_examples=80)
    @given(
        st.sampled_from(["civility", "birth_name", "first_names", "birth_date", "birth_commune", "email"]), hostile_text
    )
    def test_hostile_input_gets_a_domain_error_and_stores_nothing(self, name: str, value: str) -> None:
        """N4: only domain errors escape the use case; nothing is stored on refusal."""
        portal = fresh_portal()
        try:
            portal.accounts.create_account(form(**{name: value}))
        except ValidationError:
            assert stored_accounts(portal) == 0
            assert mails(portal) == []


@pytest.mark.rule("ACC-02")
class TestOneAccountPerEmail:
    def test_a_second_account_with_the_same_email_in_another_case_is_refused(self, portal: Portal) -> None:
        portal.accounts.create_account(form())
        with pytest.raises(EmailAlreadyUsed, match="Un compte existe déjà avec cette adresse mail"):
            portal.accounts.create_account(form(email="ACCRALL@AC-RENNES.FR"))

    def test_32_concurrent_creations_of_one_email_give_exactly_one_account(self) -> None:
        """A1 at the use-case level, 30 trials: the storage decides, not a prior read (throttling set aside)."""
        for _ in range(30):
            portal = fresh_portal(AccountSettings(creations_per_hour=1000))
            results = run_concurrently(
                lambda i: portal.accounts.create_account(form(email="SAME@exemple.fr" if i % 2 else "same@Exemple.fr")),
                32,
            )
            assert sum(not isinstance(r, BaseException) for r in results) == 1
            assert all(isinstance(r, EmailAlreadyUsed) for r in results if isinstance(r, BaseException))
            assert stored_accounts(portal) == 1
            assert len(mails(portal, MailKind.ACTIVATION)) == 1

    def test_creations_for_one_email_are_throttled(self, portal: Portal) -> None:
        """Decision 4: the duplicate error is clear, and creation is throttled."""
        portal.accounts.create_account(form())
        for _ in range(4):
            with pytest.raises(EmailAlreadyUsed):
                portal.accounts.create_account(form())
        with pytest.raises(TooManyRequests):
            portal.accounts.create_account(form())


@pytest.mark.rule("ACC-04")
def test_creation_queues_the_activation_mail_valid_48_hours(portal: Portal) -> None:
    created = portal.accounts.create_account(form())
    [mail] = mails(portal)
    assert mail.subject == "[CYCLADES] Activer mon compte"
    assert mail.recipient == "accrall@ac-rennes.fr"
    assert mail.kind is MailKind.ACTIVATION
    assert "Vous venez de créer un compte sur Cyclades." in mail.body
    assert "Ce lien n'est valable que pour une durée de 48h." in mail.body
    assert "https://cyclades.exemple.fr/activer-mon-compte?jeton=" in mail.body
    assert created.activation_deadline == T0 + timedelta(hours=48)


@pytest.mark.rule("ACC-09")
class TestCandidateNumbers:
    def test_the_number_has_eleven_digits_and_is_given_at_creation(self, portal: Portal) -> None:
        created = portal.accounts.create_account(form())
        assert len(created.candidate_number) == 11
        assert created.candidate_number.isdigit()
        assert created.candidate_number.startswith("021")

    def test_numbers_are_distinct_across_1000_creations_16_of_them_concurrent(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        """A7: assigned by the system, unique (backed by the storage's unique index)."""
        for i in range(984):
            portal.accounts.create_account(form(email=f"c{i}@exemple.fr"))
        run_concurrently(lambda i: portal.accounts.create_account(form(email=f"t{i}@exemple.fr")), 16)
        numbers = {str(a.candidate_number) for a in database.accounts.rows.values()}
        assert len(numbers) == account_count(database) == 1000


class TestMassAssignment:
    def test_unknown_keys_are_refused_at_the_edge(self) -> None:
        """A6: ``state`` or ``candidate_number`` cannot ride along with a creation form."""
        payload = {**_payload(), "state": "active", "candidate_number": "02235030276"}
        with pytest.raises(ValidationError) as refused:
            structure_form(CreateAccountForm, payload)
        assert set(refused.value.fields) == {"state", "candidate_number"}

    def test_missing_and_non_text_values_are_named(self) -> None:
        payload = {**_payload(), "birth_date": 20041128}
        del payload["email"]
        with pytest.raises(ValidationError) as refused:
            structure_form(CreateAccountForm, payload)
        assert set(refused.value.fields) == {"birth_date", "email"}

    def test_a_declared_payload_builds_the_command(self, portal: Portal) -> None:
        command = structure_form(CreateAccountForm, _payload())
        assert command == form()
        portal.accounts.create_account(command)


def _payload() -> dict[str, object]:
    from cyclades_adapters.edge import unstructure_form

    return unstructure_form(form())
