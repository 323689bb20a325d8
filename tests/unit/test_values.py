"""Input parsers: allow-lists (A5), email keys (A2), identifier classification (C1), masking (E8), fuzzing (N4)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyclades_core.errors import ValidationError
from cyclades_core.model.values import (
    IdentifierKind,
    classify_identifier,
    email_key,
    mask_email,
    parse_birth_date,
    parse_civility,
    parse_email,
    parse_landline_phone,
    parse_mobile_phone,
    parse_person_name,
    parse_postal_code,
)
from tests.strategies import hostile_text, local_parts

TODAY = date(2021, 10, 4)


class TestEmail:
    @pytest.mark.rule("ACC-02")
    def test_the_key_ignores_case_and_the_display_keeps_the_typed_local_part(self) -> None:
        """A2: ``A@b.fr`` and ``a@B.FR`` collide; the display form keeps the local part, lower-cases the domain."""
        first, second = parse_email("A@b.fr"), parse_email("a@B.FR")
        assert first.key == second.key
        assert first.display == "A@b.fr"
        assert second.display == "a@b.fr"

    def test_a_dotless_i_is_another_address(self) -> None:
        """A2: Django's CVE-2019-19844 fixture."""
        assert parse_email("mike@example.org").key != parse_email("mıke@example.org").key

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "   ",
            "plainaddress",
            "a@b",
            '"quoted"@exemple.fr',
            "a b@exemple.fr",
            "a@exemple.fr\r\nBcc: x@y.fr",
            f"{'a' * 64}@exemple.fr",
            f"a@{'b' * 250}.fr",
            "a@[127.0.0.1]",
            "<a@exemple.fr>",
        ],
    )
    def test_malformed_addresses_are_refused_naming_the_field(self, raw: str) -> None:
        with pytest.raises(ValidationError) as refused:
            parse_email(raw, "email")
        assert refused.value.fields == ("email",)

    def test_unicode_addresses_are_accepted(self) -> None:
        assert parse_email("françois@exemple.fr").display == "françois@exemple.fr"

    @given(hostile_text)
    def test_the_key_is_idempotent(self, raw: str) -> None:
        """A2: ``key(key(x)) == key(x)``."""
        assert email_key(email_key(raw)) == email_key(raw)

    @given(hostile_text)
    def test_the_parser_is_total(self, raw: str) -> None:
        """A5 / N4: a value or a ValidationError, never another exception; normalisation is idempotent."""
        try:
            parsed = parse_email(raw)
        except ValidationError as refused:
            assert refused.fields == ("email",)
        else:
            assert parse_email(parsed.display) == parsed


class TestNames:
    @pytest.mark.rule("ACC-01")
    def test_identity_is_kept_as_on_the_document_in_nfc(self) -> None:
        decomposed = "Me\u0301lanie"
        assert parse_person_name(decomposed, "first_names") == "Mélanie"
        assert parse_person_name("  D'Ornano   de  la   Tour ", "birth_name") == "D'Ornano de la Tour"
        assert parse_person_name("N’Diaye", "birth_name") == "N'Diaye"
        assert parse_person_name("Jean-Œdipe", "first_names") == "Jean-Œdipe"

    @pytest.mark.parametrize("raw", ["Dack3", "<script>", "a/b", "'Dack", "-Dack", "Dack\x00", "x" * 81])
    def test_other_characters_are_refused(self, raw: str) -> None:
        with pytest.raises(ValidationError) as refused:
            parse_person_name(raw, "birth_name")
        assert refused.value.fields == ("birth_name",)

    def test_an_empty_optional_name_is_none(self) -> None:
        assert parse_person_name("  ", "usage_name", required=False) is None

    @given(hostile_text)
    def test_the_parser_is_total_and_idempotent(self, raw: str) -> None:
        try:
            parsed = parse_person_name(raw, "birth_name")
        except ValidationError as refused:
            assert refused.fields == ("birth_name",)
        else:
            assert parse_person_name(parsed, "birth_name") == parsed


class TestDatesAndChoices:
    @pytest.mark.rule("ACC-01")
    def test_the_birth_date_is_jj_mm_aaaa(self) -> None:
        assert parse_birth_date("28/11/2004", TODAY) == date(2004, 11, 28)
        assert parse_birth_date("29/02/2004", TODAY) == date(2004, 2, 29)

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("2004-11-28", "invalid_format"),
            ("28/11/04", "invalid_format"),
            ("31/02/2004", "invalid_date"),
            ("29/02/2003", "invalid_date"),
            ("05/10/2021", "in_future"),
            ("01/01/1899", "too_old"),
            ("２８/11/2004", "invalid_format"),
            ("", "required"),
        ],
    )
    def test_wrong_dates_are_refused_with_a_reason(self, raw: str, code: str) -> None:
        with pytest.raises(ValidationError) as refused:
            parse_birth_date(raw, TODAY)
        error = refused.value.for_field("birth_date")
        assert error is not None
        assert error.code == code

    @given(hostile_text)
    def test_the_date_parser_is_total(self, raw: str) -> None:
        try:
            parse_birth_date(raw, TODAY)
        except ValidationError as refused:
            assert refused.fields == ("birth_date",)

    def test_civility_is_monsieur_or_madame(self) -> None:
        assert parse_civility("Monsieur").label == "MONSIEUR"
        assert parse_civility("MADAME").label == "MADAME"
        with pytest.raises(ValidationError):
            parse_civility("Docteur")


class TestPhonesAndPostalCodes:
    def test_the_guide_s_phone_examples_are_accepted(self) -> None:
        assert parse_mobile_phone("0623456789") == "0623456789"
        assert parse_mobile_phone("+33623456789") == "0623456789"
        assert parse_landline_phone("0123456789") == "0123456789"
        assert parse_landline_phone("+33123456789") == "0123456789"
        assert parse_landline_phone("") is None
        assert parse_postal_code("35000") == "35000"

    @pytest.mark.parametrize(
        "raw",
        ["0023456789", "062345678", "06234567890", "+3306234567", "0123456789", "٠٦٢٣٤٥٦٧٨٩", "+33123456789",
         "+0123456789", "+1234567", "+1234567890123456", "+49 151 1234 567x"],
    )  # fmt: skip
    def test_other_mobile_numbers_are_refused(self, raw: str) -> None:
        with pytest.raises(ValidationError) as refused:
            parse_mobile_phone(raw)
        assert "Exemples : 0623456789 ou +33623456789" in refused.value.errors[0].message

    @pytest.mark.rule("CAN-03")
    @pytest.mark.parametrize(
        ("raw", "stored"),
        [("+4915112345678", "+4915112345678"), ("+49 151 1234 5678", "+4915112345678"),
         ("+1 514-555-0199", "+15145550199"), ("+262 692 12 34 56", "+262692123456"),
         ("+33 6 23 45 67 89", "0623456789")],
    )  # fmt: skip
    def test_a_number_abroad_is_accepted_in_the_international_form(self, raw: str, stored: str) -> None:
        """Candidates abroad register too (« académies ou centres d'examen à l'étranger », guide section 2): a
        mobile number of another country is accepted in its international (E.164) form; French ones keep the
        national form."""
        assert parse_mobile_phone(raw) == stored
        assert parse_landline_phone(raw) == stored

    @given(hostile_text)
    def test_phone_and_postal_parsers_are_total(self, raw: str) -> None:
        for parser in (parse_mobile_phone, parse_landline_phone, parse_postal_code):
            with contextlib.suppress(ValidationError):
                parser(raw)


class TestIdentifiers:
    @pytest.mark.rule("ACC-08")
    @pytest.mark.parametrize(
        ("raw", "kind"),
        [
            ("accrall@ac-rennes.fr", IdentifierKind.EMAIL),
            ("02235030276", IdentifierKind.CANDIDATE_NUMBER),
            ("dupont.marie3", IdentifierKind.CYCLADES_LOGIN),
            ("Dupont.Marie3", IdentifierKind.CYCLADES_LOGIN),
            ("le-gall.anne-sophie12", IdentifierKind.CYCLADES_LOGIN),
            ("0223503027", IdentifierKind.UNKNOWN),
            ("dupont", IdentifierKind.UNKNOWN),
            ("", IdentifierKind.UNKNOWN),
            ("٠٢٢٣٥٠٣٠٢٧٦", IdentifierKind.UNKNOWN),
        ],
    )
    def test_each_identifier_has_one_kind(self, raw: str, kind: IdentifierKind) -> None:
        assert classify_identifier(raw) is kind

    @given(hostile_text)
    def test_classification_is_total(self, raw: str) -> None:
        """C1: exactly one kind or UNKNOWN for any text, never an exception."""
        assert isinstance(classify_identifier(raw), IdentifierKind)


class TestMask:
    @pytest.mark.rule("ACC-10")
    def test_the_guide_s_example(self) -> None:
        assert mask_email("paul.martin@l.com") == "paul.***@l.com"

    @given(local_parts)
    def test_the_whole_local_part_is_never_shown(self, local: str) -> None:
        """E8: deterministic, and a local part longer than one character never appears whole."""
        masked = mask_email(f"{local}@l.com")
        assert masked == mask_email(f"{local}@l.com")
        assert masked.endswith("***@l.com")
        if len(local) > 1:
            assert not masked.startswith(local + "*")

    @given(st.text())
    def test_mask_is_total(self, raw: str) -> None:
        assert "***" in mask_email(raw)
