"""Issue 16: the account services mirror the guide's sections (``portal.registration``, ``sessions``,
``password_reset``, ``my_account``); ``portal.accounts`` stays as the 0.1 facade over the same objects, and the
services acting for a signed-in candidate depend on the session authenticator, not on an account service."""

from __future__ import annotations

import inspect

import pytest

from cyclades_adapters import Portal
from cyclades_core.errors import InvalidCredentials, SessionExpired
from cyclades_core.model.mail import MailKind
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.candidatures import CandidatureService
from cyclades_core.usecases.documents import DocumentService
from cyclades_core.usecases.management import EstablishmentService, ManagerService
from cyclades_core.usecases.pieces import PieceService
from tests.conftest import PASSWORD, activation_token, form, last_link

NEW_PASSWORD = "Tq9#mLpw-autre"


def test_the_facade_delegates_to_the_section_services_the_portal_exposes(portal: Portal) -> None:
    sections = portal.accounts.sections
    assert sections.registration is portal.registration
    assert sections.sessions is portal.sessions
    assert sections.password_reset is portal.password_reset
    assert sections.my_account is portal.my_account
    assert portal.accounts.settings is portal.sessions.settings is portal.my_account.settings


def test_the_account_journey_through_the_section_services(portal: Portal) -> None:
    created = portal.registration.create_account(form())
    assert portal.registration.activate(activation_token(portal)).already_active is False
    session = portal.sessions.login(created.email, PASSWORD).session_token
    assert portal.sessions.home(session).header.startswith(f"N°Candidat: {created.candidate_number}")
    assert portal.my_account.account(session).email == created.email
    portal.my_account.change_password(session, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    portal.sessions.logout(session)
    with pytest.raises(SessionExpired):
        portal.sessions.authenticate(session)
    portal.password_reset.request_password_reset(created.email)
    portal.password_reset.reset_password(last_link(portal, MailKind.PASSWORD_RESET), PASSWORD, PASSWORD)
    with pytest.raises(InvalidCredentials):
        portal.sessions.login(created.email, NEW_PASSWORD)
    session = portal.sessions.login(created.email, PASSWORD).session_token
    portal.my_account.delete_account(session)
    with pytest.raises(InvalidCredentials):
        portal.sessions.login(created.email, PASSWORD)


@pytest.mark.parametrize("service", [CandidatureService, DocumentService, PieceService])
def test_the_services_acting_for_a_candidate_take_the_authenticator(service: type) -> None:
    """No service calls another service's public method: they share the small SessionAuthenticator instead."""
    parameters = inspect.signature(service).parameters
    assert "accounts" not in parameters
    assert parameters["authenticator"].annotation in (SessionAuthenticator, "SessionAuthenticator")


@pytest.mark.parametrize(("service", "piece"), [(ManagerService, "identities"), (EstablishmentService, "scolaire")])
def test_management_takes_the_account_pieces_it_needs(service: type, piece: str) -> None:
    parameters = inspect.signature(service).parameters
    assert "accounts" not in parameters
    assert piece in parameters
