"""The password policy: the guide's rule (ACC-03, D1) and the blocklists beside it (D2)."""

from __future__ import annotations

import contextlib
import gzip
from datetime import date
from importlib import resources

import pytest
from hypothesis import given

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import ValidationError
from cyclades_core.model.mail import MailKind
from cyclades_core.model.passwords import (
    COMMON_MESSAGE,
    CONTEXT_MESSAGE,
    POLICY_MESSAGE,
    PasswordContext,
    check_new_password,
    policy_errors,
)
from cyclades_core.testing import ManualClock, PlainHasher, link_in
from cyclades_core.usecases import AccountSettings
from tests.conftest import PASSWORD, T0, activation_token, form, mails
from tests.strategies import hostile_text, valid_passwords

NO_CONTEXT = PasswordContext()
ACCRALL = PasswordContext(names=("ACCRALL", "Dack"), birth_date=date(2004, 11, 28))


def refusal(password: str, context: PasswordContext = NO_CONTEXT) -> str:
    with pytest.raises(ValidationError) as refused:
        check_new_password(password, password, context)
    error = refused.value.for_field("password")
    assert error is not None
    return error.message


@pytest.mark.rule("ACC-03")
class TestTheGuidesRule:
    def test_eight_characters_with_upper_lower_and_special_are_enough(self) -> None:
        """D1: ``Abcdefg!`` meets the rule as written (its skeleton is a sequence, hence the other example)."""
        assert check_new_password("Tq9#mLpw", "Tq9#mLpw", NO_CONTEXT) == "Tq9#mLpw"

    @pytest.mark.parametrize(
        "password",
        ["Tq9#mLp", "tq9#mlpw", "TQ9#MLPW", "Tq9xmLpw", "Tq9 mLpw", "Tq9#mLpwXz4!kR2?vN8s_"],
        ids=["7 chars", "no upper", "no lower", "no special", "space is not special", "21 chars"],
    )
    def test_every_breach_gets_the_guide_s_sentence(self, password: str) -> None:
        assert refusal(password) == POLICY_MESSAGE

    def test_length_boundaries_are_7_8_20_21_code_points(self) -> None:
        eight, twenty = "Tq9#mLpw", "Tq9#mLpwXz4!kR2?vN8s"
        assert len(twenty) == 20
        check_new_password(eight, eight, NO_CONTEXT)
        check_new_password(twenty, twenty, NO_CONTEXT)
        assert refusal(eight[:7]) == POLICY_MESSAGE
        assert refusal(twenty + "q") == POLICY_MESSAGE

    def test_accented_letters_count_as_letters_and_code_points_not_bytes(self) -> None:
        password = "Zébrûlöt«œ»9"
        assert check_new_password(password, password, NO_CONTEXT) == password

    def test_control_characters_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="non autorisés"):
            check_new_password("Tq9#mLpw\x00", "Tq9#mLpw\x00", NO_CONTEXT)

    def test_the_confirmation_must_match_and_is_named(self) -> None:
        with pytest.raises(ValidationError) as refused:
            check_new_password("Tq9#mLpw", "Tq9#mLpW", NO_CONTEXT)
        assert refused.value.fields == ("password_confirmation",)

    @given(valid_passwords)
    def test_passwords_meeting_the_rule_are_refused_only_by_the_blocklists(self, password: str) -> None:
        assert policy_errors(password) == []
        try:
            assert check_new_password(password, password, NO_CONTEXT) == password
        except ValidationError as refused:
            assert [e.code for e in refused.errors] == ["password_common"]

    @given(hostile_text, hostile_text)
    def test_the_check_is_total(self, password: str, confirmation: str) -> None:
        """N4: only ValidationError escapes, whatever the input."""
        with contextlib.suppress(ValidationError):
            check_new_password(password, confirmation, ACCRALL)


class TestBlocklists:
    def test_common_passwords_are_refused_whatever_their_dressing(self) -> None:
        """D2: ``Azerty123!``-style entries."""
        for password in ("Azerty123!", "Password1!", "Motdepasse1!", "Soleil2024*", "P@ssw0rd!", "Qwerty!12"):
            assert refusal(password) == COMMON_MESSAGE, password

    def test_the_list_holds_thousands_of_entries_that_would_meet_the_policy_once_dressed(self) -> None:
        """D2: at least 3 000 common passwords, each refused once capitalised and given a special character."""
        data = resources.files("cyclades_core").joinpath("data/common-passwords.txt.gz").read_bytes()
        entries = [w for w in gzip.decompress(data).decode().split() if 7 <= len(w) <= 18 and w.isalpha()]
        assert len(entries) >= 3000
        for word in entries[:3000]:
            dressed = word.capitalize() + "!"
            with pytest.raises(ValidationError):
                check_new_password(dressed, dressed, NO_CONTEXT)

    def test_context_words_are_refused(self) -> None:
        """D2: ``Accrall2004!`` for ACCRALL born in 2004, the portal's name, an académie."""
        assert refusal("Accrall2004!", ACCRALL) == CONTEXT_MESSAGE
        assert refusal("Xy!Dack7Qpw", ACCRALL) == CONTEXT_MESSAGE
        assert refusal("Kq2811!zzTw", ACCRALL) == CONTEXT_MESSAGE
        assert refusal("Cyclades!99x") == CONTEXT_MESSAGE
        assert refusal("Besançon!42q") == CONTEXT_MESSAGE

    def test_sequences_are_refused(self) -> None:
        for password in ("Abcdefg!", "Azertyu!", "Qwertyu*1", "Aaaaaaa!", "!Zyxwvut"):
            assert refusal(password) == COMMON_MESSAGE, password


class _Corpus:
    """A fake breached-password corpus: one known password, or no answer at all."""

    def __init__(self, known: str = "", fails: bool = False) -> None:
        self.known, self.fails, self.asked = known, fails, 0

    def breached(self, password: str) -> bool:
        self.asked += 1
        if self.fails:
            raise TimeoutError("corpus unreachable")
        return password == self.known


def _portal(corpus: _Corpus, unavailable: str = "open") -> Portal:
    return build_portal(
        clock=ManualClock(T0), hasher=PlainHasher(), environ={}, breached_passwords=corpus,
        settings=AccountSettings(base_url="https://cyclades.exemple.fr", breached_passwords_unavailable=unavailable),
    )  # fmt: skip


class TestBreachedPasswords:
    """D3: an optional corpus of breached passwords, with an explicit decision when it cannot answer."""

    def test_a_breached_password_is_refused_at_creation_change_and_reset(self) -> None:
        portal = _portal(_Corpus(known=PASSWORD))
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(form())
        assert [(e.field, e.code) for e in refused.value.errors] == [("password", "password_breached")]
        assert "fuites de données" in str(refused.value)

        clean = _portal(_Corpus(known="Tq9#mLpw"))
        clean.accounts.create_account(form())
        clean.accounts.activate(activation_token(clean))
        session = clean.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        with pytest.raises(ValidationError) as changing:
            clean.accounts.change_password(session, PASSWORD, "Tq9#mLpw", "Tq9#mLpw")
        assert changing.value.fields == ("new_password",)
        clean.accounts.request_password_reset("accrall@ac-rennes.fr")
        link = link_in(mails(clean, MailKind.PASSWORD_RESET)[-1])
        with pytest.raises(ValidationError) as resetting:
            clean.accounts.reset_password(link.split("=")[-1], "Tq9#mLpw", "Tq9#mLpw")
        assert resetting.value.fields == ("new_password",)
        clean.accounts.change_password(session, PASSWORD, "Autre#Mdp7", "Autre#Mdp7")

    def test_an_unanswering_corpus_fails_open_with_a_logged_warning_by_default(self) -> None:
        portal = _portal(_Corpus(fails=True))
        created = portal.accounts.create_account(form())
        assert created.candidate_number
        assert isinstance(portal.storage, MemoryDatabase)
        warnings = [r for r in portal.storage.audit.rows.values() if r.action == "password_breach_check_unavailable"]
        assert [dict(r.details)["error"] for r in warnings] == ["TimeoutError"]

    def test_an_unanswering_corpus_refuses_for_now_when_the_deployment_says_closed(self) -> None:
        corpus = _Corpus(fails=True)
        portal = _portal(corpus, unavailable="closed")
        with pytest.raises(ValidationError) as refused:
            portal.accounts.create_account(form())
        assert [(e.field, e.code) for e in refused.value.errors] == [("password", "password_check_unavailable")]
        assert corpus.asked == 1

    def test_the_decision_is_one_of_two_words(self) -> None:
        with pytest.raises(ValueError, match="breached_passwords_unavailable"):
            AccountSettings(breached_passwords_unavailable="maybe")  # type: ignore[arg-type]

    def test_a_password_the_policy_refuses_is_not_sent_to_the_corpus(self) -> None:
        corpus = _Corpus()
        with pytest.raises(ValidationError):
            _portal(corpus).accounts.create_account(form(password="court"))
        assert corpus.asked == 0
