"""Use cases (application services). Each takes its ports by constructor injection.

The account services (one per section of the guide: AccountCreationService, SessionService, PasswordResetService,
MyAccountService; AccountService is their 0.1 facade), their forms and results are re-exported here; the others live
in their modules: ``catalogue`` (CatalogueService, OpeningPolicy), ``candidatures`` (CandidatureService) with
``forms`` (the tabs), ``management`` (ManagerService, EstablishmentService), ``pieces`` (PieceService),
``documents`` (DocumentService), ``mail`` (OutboxService, MailRelay, ReminderService), ``audit`` (AuditService),
``reference`` (ReferenceService: countries, départements, communes, nationalities). The forms, results and enums an
integrator types are also importable from :mod:`cyclades_core` itself (the documented place).
"""

from cyclades_core.usecases.accounts import (
    AccountCreated,
    AccountCreationService,
    AccountService,
    AccountSettings,
    AccountView,
    Activation,
    CreateAccountForm,
    HomeView,
    IdentityForm,
    LoginResult,
    MyAccountService,
    PasswordResetService,
    PersonalData,
    Principal,
    ResetRequested,
    ScolaireCredentials,
    ScolaireRegistrationForm,
    SessionAuthenticator,
    SessionService,
)

__all__ = [
    "AccountCreated",
    "AccountCreationService",
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
    "ScolaireRegistrationForm",
    "SessionAuthenticator",
    "SessionService",
]
