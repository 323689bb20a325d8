"""Use cases (application services). Each takes its ports by constructor injection."""

from cyclades_core.usecases.accounts import (
    AccountCreated,
    AccountService,
    AccountSettings,
    AccountView,
    Activation,
    CreateAccountForm,
    HomeView,
    IdentityForm,
    LoginResult,
    Principal,
    ResetRequested,
    ScolaireCredentials,
    ScolaireRegistrationForm,
)

__all__ = [
    "AccountCreated",
    "AccountService",
    "AccountSettings",
    "AccountView",
    "Activation",
    "CreateAccountForm",
    "HomeView",
    "IdentityForm",
    "LoginResult",
    "Principal",
    "ResetRequested",
    "ScolaireCredentials",
    "ScolaireRegistrationForm",
]
