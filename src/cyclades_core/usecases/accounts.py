"""The candidate account (POR-02, ACC-01 … ACC-14), one service per section of the guide:

- "Créer un compte" (section 3), the activation link, its resend, the purge: :class:`AccountCreationService`,
  ``portal.registration``;
- "Se connecter" (section 3), sessions, the home page "Mes inscriptions": :class:`SessionService`,
  ``portal.sessions``;
- "Mot de passe oublié" (section 3): :class:`PasswordResetService`, ``portal.password_reset``;
- "Modifier mon compte" (section 4), "Supprimer mon compte" (section 5), the export of personal data:
  :class:`MyAccountService`, ``portal.my_account``;
- the scolaire candidate's account, created by an establishment: :class:`ScolaireRegistrar`, used by
  ``portal.establishments``.

They share small pieces, not each other's methods: :class:`~cyclades_core.usecases.authentication.SessionAuthenticator`
(who a session token belongs to; candidatures, documents and pièces take it too),
:class:`~cyclades_core.usecases.identities.IdentityParser`, :mod:`~cyclades_core.usecases.account_support`, and one
:class:`AccountSettings`. :class:`AccountSections` builds them all from the ports.

:class:`AccountService` (``portal.accounts``) is the facade of version 0.1, kept so that code written against it
keeps working: every method delegates to the section's service, with no logic of its own. New code should use the
section services. The forms and results are re-exported here from :mod:`~cyclades_core.usecases.account_forms`.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.model.account import Identity
from cyclades_core.model.values import EmailAddress, ErrorCollector
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.ports.security import BreachedPasswords, CandidateNumberAllocator, PasswordHasher, RateLimiter
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.usecases.account_forms import (
    AccountCreated,
    AccountView,
    Activation,
    CreateAccountForm,
    HomeView,
    IdentityForm,
    LoginResult,
    PersonalData,
    Principal,
    ResetRequested,
    ScolaireCredentials,
    ScolaireRegistrationForm,
)
from cyclades_core.usecases.account_settings import AccountSettings
from cyclades_core.usecases.account_support import AccountPorts, BreachedPasswordCheck
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.identities import IdentityParser
from cyclades_core.usecases.my_account import MyAccountService
from cyclades_core.usecases.password_reset import PasswordResetService
from cyclades_core.usecases.registration import AccountCreationService
from cyclades_core.usecases.scolaire import ScolaireRegistrar
from cyclades_core.usecases.sessions import SessionService

__all__ = [
    "AccountCreated",
    "AccountCreationService",
    "AccountPorts",
    "AccountSections",
    "AccountService",
    "AccountSettings",
    "AccountView",
    "Activation",
    "CreateAccountForm",
    "HomeView",
    "IdentityForm",
    "LoginResult",
    "MyAccountService",
    "PasswordResetService",
    "PersonalData",
    "Principal",
    "ResetRequested",
    "ScolaireCredentials",
    "ScolaireRegistrar",
    "ScolaireRegistrationForm",
    "SessionAuthenticator",
    "SessionService",
]


@frozen(kw_only=True)
class AccountSections:
    """The account services of every guide section and the pieces they share, built once from the ports."""

    registration: AccountCreationService
    sessions: SessionService
    password_reset: PasswordResetService
    my_account: MyAccountService
    scolaire: ScolaireRegistrar
    authenticator: SessionAuthenticator
    identities: IdentityParser
    settings: AccountSettings

    @classmethod
    def build(
        cls,
        ports: AccountPorts,
        *,
        birthplaces: BirthplaceDirectory,
        catalogue: Catalogue,
        breached: BreachedPasswords | None = None,
    ) -> AccountSections:
        authenticator = SessionAuthenticator(uow=ports.uow, clock=ports.clock, settings=ports.settings)
        identities = IdentityParser(birthplaces=birthplaces)
        passwords = BreachedPasswordCheck(uow=ports.uow, settings=ports.settings, breached=breached)
        return cls(
            registration=AccountCreationService(ports, identities=identities, passwords=passwords),
            sessions=SessionService(ports, authenticator=authenticator, catalogue=catalogue),
            password_reset=PasswordResetService(ports, passwords=passwords),
            my_account=MyAccountService(
                ports, authenticator=authenticator, identities=identities, passwords=passwords, catalogue=catalogue
            ),
            scolaire=ScolaireRegistrar(ports, identities=identities),
            authenticator=authenticator,
            identities=identities,
            settings=ports.settings,
        )


class AccountService:
    """``portal.accounts``: the facade of version 0.1 over the account services of each guide section.

    Delegation only; new code should use ``portal.registration``, ``portal.sessions``, ``portal.password_reset``
    and ``portal.my_account`` (or :class:`AccountSections`). Built from the ports as in 0.1 (``catalogue`` is new:
    the home page lists the active candidatures), or over existing sections with :meth:`over`.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        hasher: PasswordHasher,
        numbers: CandidateNumberAllocator,
        limiter: RateLimiter,
        birthplaces: BirthplaceDirectory,
        catalogue: Catalogue,
        settings: AccountSettings | None = None,
        breached: BreachedPasswords | None = None,
    ) -> None:
        ports = AccountPorts(
            uow=uow,
            clock=clock,
            hasher=hasher,
            numbers=numbers,
            limiter=limiter,
            settings=settings or AccountSettings(),
        )
        self._set(AccountSections.build(ports, birthplaces=birthplaces, catalogue=catalogue, breached=breached))

    @classmethod
    def over(cls, sections: AccountSections) -> AccountService:
        """The facade over sections already built (the composition root shares them with the ``Portal``)."""
        facade = cls.__new__(cls)
        facade._set(sections)
        return facade

    def _set(self, sections: AccountSections) -> None:
        self.sections = sections
        self.settings = sections.settings
        self._registration = sections.registration
        self._sessions = sections.sessions
        self._reset = sections.password_reset
        self._mine = sections.my_account
        self._scolaire = sections.scolaire

    # -- "Créer un compte": AccountCreationService -----------------------------------------------------------------

    def create_account(self, form: CreateAccountForm, *, source: str | None = None) -> AccountCreated:
        """:meth:`AccountCreationService.create_account`."""
        return self._registration.create_account(form, source=source)

    def resend_activation(self, email: str) -> None:
        """:meth:`AccountCreationService.resend_activation`."""
        self._registration.resend_activation(email)

    def check_activation_link(self, token: str) -> str:
        """:meth:`AccountCreationService.check_activation_link`."""
        return self._registration.check_activation_link(token)

    def activate(self, token: str) -> Activation:
        """:meth:`AccountCreationService.activate`."""
        return self._registration.activate(token)

    def purge_unactivated(self, batch_size: int = 500) -> int:
        """:meth:`AccountCreationService.purge_unactivated`."""
        return self._registration.purge_unactivated(batch_size)

    # -- scolaire candidates: ScolaireRegistrar -----------------------------------------------------------------

    def register_scolaire(self, form: ScolaireRegistrationForm) -> ScolaireCredentials:
        """:meth:`ScolaireRegistrar.register_scolaire`."""
        return self._scolaire.register_scolaire(form)

    def check_scolaire(self, form: ScolaireRegistrationForm) -> tuple[Identity, EmailAddress | None]:
        """:meth:`ScolaireRegistrar.check_scolaire`."""
        return self._scolaire.check_scolaire(form)

    # -- "Se connecter": SessionService ------------------------------------------------------------------------

    def login(self, identifier: str, password: str, *, source: str | None = None) -> LoginResult:
        """:meth:`SessionService.login`."""
        return self._sessions.login(identifier, password, source=source)

    def authenticate(self, session_token: str, *, allow_initial_password: bool = False) -> Principal:
        """:meth:`SessionService.authenticate`."""
        return self._sessions.authenticate(session_token, allow_initial_password=allow_initial_password)

    def principal_in(self, uow: UnitOfWork, session_token: str) -> Principal:
        """:meth:`SessionService.principal_in`."""
        return self._sessions.principal_in(uow, session_token)

    def logout(self, session_token: str) -> None:
        """:meth:`SessionService.logout`."""
        self._sessions.logout(session_token)

    def home(self, session_token: str) -> HomeView:
        """:meth:`SessionService.home`."""
        return self._sessions.home(session_token)

    def purge_expired_tokens(self) -> int:
        """:meth:`SessionService.purge_expired_tokens`."""
        return self._sessions.purge_expired_tokens()

    # -- "Mot de passe oublié": PasswordResetService -------------------------------------------------------------

    def request_password_reset(self, identifier: str, *, source: str | None = None) -> ResetRequested:
        """:meth:`PasswordResetService.request_password_reset`."""
        return self._reset.request_password_reset(identifier, source=source)

    def check_reset_link(self, token: str) -> str:
        """:meth:`PasswordResetService.check_reset_link`."""
        return self._reset.check_reset_link(token)

    def reset_password(self, token: str, new_password: str, confirmation: str) -> None:
        """:meth:`PasswordResetService.reset_password`."""
        self._reset.reset_password(token, new_password, confirmation)

    # -- "Modifier mon compte", "Supprimer mon compte", right of access: MyAccountService -----------------------

    def account(self, session_token: str) -> AccountView:
        """:meth:`MyAccountService.account`."""
        return self._mine.account(session_token)

    def change_password(self, session_token: str, current_password: str, new_password: str, confirmation: str) -> None:
        """:meth:`MyAccountService.change_password`."""
        self._mine.change_password(session_token, current_password, new_password, confirmation)

    def change_email(self, session_token: str, current_password: str, new_email: str, confirmation: str) -> None:
        """:meth:`MyAccountService.change_email`."""
        self._mine.change_email(session_token, current_password, new_email, confirmation)

    def update_identity(self, session_token: str, form: IdentityForm) -> AccountView:
        """:meth:`MyAccountService.update_identity`."""
        return self._mine.update_identity(session_token, form)

    def delete_account(self, session_token: str) -> None:
        """:meth:`MyAccountService.delete_account`."""
        self._mine.delete_account(session_token)

    def export_my_data(self, session_token: str) -> PersonalData:
        """:meth:`MyAccountService.export_my_data`."""
        return self._mine.export_my_data(session_token)

    # -- for other services (0.1): use IdentityParser ----------------------------------------------------------

    def parse_identity(self, form: IdentityForm, errors: ErrorCollector, now: datetime) -> Identity | None:
        """:meth:`IdentityParser.parse_identity`."""
        return self.sections.identities.parse_identity(form, errors, now)
