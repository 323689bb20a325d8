"""A caller's value of the wrong Python type (integrator review, finding 8): where a public use case receives it —
a form field declared ``str``, an identifier, a password, a session token, a document kind — it answers with the
CycladesError it gives for a wrong value, never an AttributeError from deep inside. mypy --strict flags these calls;
the answers hold for callers without it."""

from __future__ import annotations

from typing import Any

import pytest

from cyclades_adapters import Portal
from cyclades_core import DocumentKind, Manager
from cyclades_core.errors import InvalidCredentials, InvalidManagerCredentials, SessionExpired, ValidationError
from tests.candidature_support import guide_portal, register, signed_in
from tests.conftest import PASSWORD, form

NOT_TEXT: Any = 20041128  # typed Any: what an untyped caller passes


@pytest.fixture
def portal() -> Portal:
    return guide_portal()


def test_a_number_in_a_text_field_of_a_form_is_refused_naming_the_field(portal: Portal) -> None:
    with pytest.raises(ValidationError) as refused:
        portal.registration.create_account(form(birth_date=NOT_TEXT, birth_date_confirmation=NOT_TEXT))
    assert refused.value.fields == ("birth_date", "birth_date_confirmation")
    error = refused.value.for_field("birth_date")
    assert error is not None
    assert (error.code, error.message) == ("invalid_text", "Ce champ doit être un texte.")
    with pytest.raises(ValidationError) as empty:  # None stays « Ce champ est obligatoire. », as before
        portal.registration.create_account(form(birth_name=None))
    assert empty.value.fields == ("birth_name",)
    assert portal.outbox.pending() == []


@pytest.mark.parametrize(("identifier", "password"), [(None, None), (NOT_TEXT, PASSWORD), ("x@y.fr", None)])
def test_login_with_no_text_is_the_usual_refusal(portal: Portal, identifier: Any, password: Any) -> None:
    with pytest.raises(InvalidCredentials):
        portal.sessions.login(identifier, password)
    with pytest.raises(InvalidCredentials):
        portal.accounts.login(identifier, password)  # the 0.1 facade
    with pytest.raises(InvalidManagerCredentials):
        portal.managers.login(identifier, password)


def test_a_session_token_that_is_not_text_is_an_expired_session(portal: Portal) -> None:
    for token in (None, NOT_TEXT):
        with pytest.raises(SessionExpired):
            portal.sessions.home(token)
        with pytest.raises(SessionExpired):
            portal.candidatures.mes_inscriptions(token)


def test_a_document_kind_given_as_text_is_refused_naming_kind(portal: Portal) -> None:
    token = signed_in(portal)
    candidature_id = register(portal, token)
    kind: Any = "CONFIRMATION"
    for call in (
        lambda: portal.documents.render(token, candidature_id, kind),
        lambda: portal.candidatures.open_document(token, candidature_id, kind),
        lambda: portal.documents.publish(Manager("gest-besancon", ("03",)), candidature_id, kind),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.fields == ("kind",)
    assert portal.documents.render(token, candidature_id, DocumentKind.CONFIRMATION).data.startswith(b"%PDF")


@pytest.mark.parametrize("current", [None, NOT_TEXT, ""])
def test_a_missing_current_password_is_a_missing_field_not_a_guess(portal: Portal, current: Any) -> None:
    """« Modifier mon compte »: no current password (or not text) is « Ce champ est obligatoire. », refused before
    the login's throttle counts anything (an AttributeError escaped before)."""
    token = signed_in(portal)
    for call in (
        lambda: portal.my_account.change_password(token, current, "Nouv3au*Mdp", "Nouv3au*Mdp"),
        lambda: portal.my_account.change_email(token, current, "autre@exemple.fr", "autre@exemple.fr"),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert [(e.field, e.code) for e in refused.value.errors] == [("current_password", "required")]
    for _ in range(10):  # none of these counted: the right password still works at once
        with pytest.raises(ValidationError):
            portal.my_account.change_email(token, current, "autre@exemple.fr", "autre@exemple.fr")
    portal.my_account.change_email(token, PASSWORD, "autre@exemple.fr", "autre@exemple.fr")
    assert portal.my_account.account(token).email == "autre@exemple.fr"
