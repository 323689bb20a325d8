"""cyclades_core: the pure domain of an exam-registration portal (CYCLADES, BTS).

Models, business rules, use cases and the ports (``typing.Protocol``) that adapters implement. Nothing here performs
I/O of its own: storage, mail, time and hashing all come in through ports. See ``docs/architecture.md``.

The public API, importable from here: the services' input forms (``CreateAccountForm``, the tab forms,
``PreinscriptionForm``, ``Manager``…), their results (``HomeView``, ``SaveConfirmation``, ``PieceGroupView``…), the
enums a caller passes or reads (``DocumentKind``, ``PieceStatus``, ``CandidatureState``, ``Position``…), the reference
items (``Country``, ``Departement``, ``Commune``, ``Nationality``) and every error (also in
:mod:`cyclades_core.errors`). The ports are in :mod:`cyclades_core.ports`, the contract suites in
:mod:`cyclades_core.testing`. Names are loaded on first use: importing this package stays cheap.
"""

from __future__ import annotations

import importlib
import logging as _logging
from typing import TYPE_CHECKING, Any

from cyclades_core import errors
from cyclades_core.errors import (  # every error of cyclades_core.errors.__all__ (a test keeps them equal)
    AccountHasCandidatures,
    AccountNotFound,
    ActivationExpired,
    AuthenticationError,
    CandidatureAlreadyExists,
    CandidatureNotFound,
    CatalogueNotFound,
    ConcurrencyConflict,
    ConfigurationError,
    ConflictError,
    CycladesError,
    DuplicateAccount,
    DuplicateCandidature,
    EmailAlreadyUsed,
    FieldError,
    FileTooLarge,
    ForbiddenError,
    IdentityFrozen,
    IllegalAccountTransition,
    IllegalCandidatureTransition,
    IllegalPieceTransition,
    InvalidCredentials,
    InvalidInput,
    InvalidLink,
    InvalidManagerCredentials,
    LinkExpired,
    MailDeliveryError,
    MailRejected,
    ManagerLoginTaken,
    ManagerNotFound,
    ManagerSessionExpired,
    NotFoundError,
    PasswordChangeRequired,
    PieceLocked,
    PieceNotFound,
    ServiceClosed,
    SessionExpired,
    StorageNotMigrated,
    StorageUnavailable,
    TooManyRequests,
    Unavailable,
    ValidationError,
    WithdrawalAfterClosing,
)

# Every logger of the library is under ``cyclades`` (docs/operations.md, "Logging"); the application routes them. With
# no handler anywhere, Python would fall back to ``logging.lastResort`` and print each WARNING (a failed login's audit
# record) on stderr: a library adds a NullHandler to its top logger instead (the logging HOWTO's advice). A handler the
# application adds, on the root logger or on ``cyclades``, still receives every record.
_logging.getLogger("cyclades").addHandler(_logging.NullHandler())

if TYPE_CHECKING:
    from cyclades_core._version import __version__
    from cyclades_core.model.account import (
        AccountKind,
        AccountState,
    )
    from cyclades_core.model.candidature import (
        AcquisKind,
        CandidatureState,
        ListPosition,
        Position,
    )
    from cyclades_core.model.catalogue import (
        Academie,
        Announcement,
        DepositMode,
        Domain,
        EvaluationMode,
        ExamSession,
        FormeDePassage,
        Nationality,
        Period,
        PieceCondition,
        PieceRule,
        RegistrationService,
        Specialite,
    )
    from cyclades_core.model.documents import (
        DocumentKind,
    )
    from cyclades_core.model.mail import (
        MailKind,
    )
    from cyclades_core.model.pieces import (
        PieceStatus,
    )
    from cyclades_core.model.values import (
        Civility,
    )
    from cyclades_core.ports.reference import (
        Commune,
        Country,
        Departement,
    )
    from cyclades_core.usecases.account_forms import (
        AccountCreated,
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
    from cyclades_core.usecases.account_settings import (
        AccountSettings,
    )
    from cyclades_core.usecases.candidatures import (
        SaveConfirmation,
    )
    from cyclades_core.usecases.catalogue import (
        ServiceOpening,
    )
    from cyclades_core.usecases.documents import (
        RenderedFile,
    )
    from cyclades_core.usecases.forms import (
        AcquisEntryForm,
        AcquisForm,
        CandidatureDraft,
        DiplomaForm,
        EpreuveChoiceForm,
        EpreuvesForm,
        GradeForm,
        IdentificationForm,
        InformationsForm,
        QualificationForm,
    )
    from cyclades_core.usecases.help_texts import (
        FORGOTTEN_PASSWORD_LINK,
        LOGIN_HELP_LINK,
        LOGIN_IDENTIFIER_LABEL,
        LOGIN_PASSWORD_LABEL,
        LOGIN_TITLE,
        NO_ACCOUNT_LINK,
        RESET_IDENTIFIER_HINT,
        RESET_TITLE,
        WHERE_TO_FIND_MY_LOGIN,
        HelpText,
    )
    from cyclades_core.usecases.inscriptions import (
        InscriptionCard,
        MesInscriptions,
    )
    from cyclades_core.usecases.mail import (
        RelayReport,
    )
    from cyclades_core.usecases.management import (
        CandidatureRow,
        Manager,
        PreinscriptionForm,
    )
    from cyclades_core.usecases.manager_accounts import (
        ManagerSession,
        ManagerView,
    )
    from cyclades_core.usecases.pieces import (
        PieceGroupView,
        PieceView,
    )
    from cyclades_core.usecases.recapitulatif import (
        Recapitulatif,
    )


_LAZY: dict[str, str] = {
    "__version__": "cyclades_core._version",  # from the package metadata
    **dict.fromkeys(["ListPosition"], "cyclades_core.model.candidature"),
    **dict.fromkeys(["AcquisKind"], "cyclades_core.model.candidature"),
    **dict.fromkeys(
        [
            "HelpText",
            "WHERE_TO_FIND_MY_LOGIN",
            "LOGIN_TITLE",
            "LOGIN_IDENTIFIER_LABEL",
            "LOGIN_PASSWORD_LABEL",
            "LOGIN_HELP_LINK",
            "FORGOTTEN_PASSWORD_LINK",
            "NO_ACCOUNT_LINK",
            "RESET_TITLE",
            "RESET_IDENTIFIER_HINT",
        ],
        "cyclades_core.usecases.help_texts",
    ),
    **dict.fromkeys(["Civility"], "cyclades_core.model.values"),
    **dict.fromkeys(["AccountKind", "AccountState"], "cyclades_core.model.account"),
    **dict.fromkeys(["CandidatureState", "Position"], "cyclades_core.model.candidature"),
    **dict.fromkeys(
        [
            "Academie",
            "Announcement",
            "DepositMode",
            "Domain",
            "EvaluationMode",
            "ExamSession",
            "FormeDePassage",
            "Nationality",
            "Period",
            "PieceCondition",
            "PieceRule",
            "RegistrationService",
            "Specialite",
        ],
        "cyclades_core.model.catalogue",
    ),
    **dict.fromkeys(["DocumentKind"], "cyclades_core.model.documents"),
    **dict.fromkeys(["MailKind"], "cyclades_core.model.mail"),
    **dict.fromkeys(["PieceStatus"], "cyclades_core.model.pieces"),
    **dict.fromkeys(["Commune", "Country", "Departement"], "cyclades_core.ports.reference"),
    **dict.fromkeys(
        [
            "AccountCreated",
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
        ],
        "cyclades_core.usecases.account_forms",
    ),
    **dict.fromkeys(["AccountSettings"], "cyclades_core.usecases.account_settings"),
    **dict.fromkeys(["SaveConfirmation"], "cyclades_core.usecases.candidatures"),
    **dict.fromkeys(["ServiceOpening"], "cyclades_core.usecases.catalogue"),
    **dict.fromkeys(["RenderedFile"], "cyclades_core.usecases.documents"),
    **dict.fromkeys(
        [
            "AcquisEntryForm",
            "AcquisForm",
            "CandidatureDraft",
            "DiplomaForm",
            "EpreuveChoiceForm",
            "EpreuvesForm",
            "GradeForm",
            "IdentificationForm",
            "InformationsForm",
            "QualificationForm",
        ],
        "cyclades_core.usecases.forms",
    ),
    **dict.fromkeys(["InscriptionCard", "MesInscriptions"], "cyclades_core.usecases.inscriptions"),
    **dict.fromkeys(["RelayReport"], "cyclades_core.usecases.mail"),
    **dict.fromkeys(["CandidatureRow", "Manager", "PreinscriptionForm"], "cyclades_core.usecases.management"),
    **dict.fromkeys(["PieceGroupView", "PieceView"], "cyclades_core.usecases.pieces"),
    **dict.fromkeys(["Recapitulatif"], "cyclades_core.usecases.recapitulatif"),
    **dict.fromkeys(["ManagerSession", "ManagerView"], "cyclades_core.usecases.manager_accounts"),
}

__all__ = [
    "FORGOTTEN_PASSWORD_LINK",
    "LOGIN_HELP_LINK",
    "LOGIN_IDENTIFIER_LABEL",
    "LOGIN_PASSWORD_LABEL",
    "LOGIN_TITLE",
    "NO_ACCOUNT_LINK",
    "RESET_IDENTIFIER_HINT",
    "RESET_TITLE",
    "WHERE_TO_FIND_MY_LOGIN",
    "Academie",
    "AccountCreated",
    "AccountHasCandidatures",
    "AccountKind",
    "AccountNotFound",
    "AccountSettings",
    "AccountState",
    "AccountView",
    "AcquisEntryForm",
    "AcquisForm",
    "AcquisKind",
    "Activation",
    "ActivationExpired",
    "Announcement",
    "AuthenticationError",
    "CandidatureAlreadyExists",
    "CandidatureDraft",
    "CandidatureNotFound",
    "CandidatureRow",
    "CandidatureState",
    "CatalogueNotFound",
    "Civility",
    "Commune",
    "ConcurrencyConflict",
    "ConfigurationError",
    "ConflictError",
    "Country",
    "CreateAccountForm",
    "CycladesError",
    "Departement",
    "DepositMode",
    "DiplomaForm",
    "DocumentKind",
    "Domain",
    "DuplicateAccount",
    "DuplicateCandidature",
    "EmailAlreadyUsed",
    "EpreuveChoiceForm",
    "EpreuvesForm",
    "EvaluationMode",
    "ExamSession",
    "FieldError",
    "FileTooLarge",
    "ForbiddenError",
    "FormeDePassage",
    "GradeForm",
    "HelpText",
    "HomeView",
    "IdentificationForm",
    "IdentityForm",
    "IdentityFrozen",
    "IllegalAccountTransition",
    "IllegalCandidatureTransition",
    "IllegalPieceTransition",
    "InformationsForm",
    "InscriptionCard",
    "InvalidCredentials",
    "InvalidInput",
    "InvalidLink",
    "InvalidManagerCredentials",
    "LinkExpired",
    "ListPosition",
    "LoginResult",
    "MailDeliveryError",
    "MailKind",
    "MailRejected",
    "Manager",
    "ManagerLoginTaken",
    "ManagerNotFound",
    "ManagerSession",
    "ManagerSessionExpired",
    "ManagerView",
    "MesInscriptions",
    "Nationality",
    "NotFoundError",
    "PasswordChangeRequired",
    "Period",
    "PieceCondition",
    "PieceGroupView",
    "PieceLocked",
    "PieceNotFound",
    "PieceRule",
    "PieceStatus",
    "PieceView",
    "Position",
    "PreinscriptionForm",
    "Principal",
    "QualificationForm",
    "Recapitulatif",
    "RegistrationService",
    "RelayReport",
    "RenderedFile",
    "ResetRequested",
    "SaveConfirmation",
    "ScolaireCredentials",
    "ScolaireRegistrationForm",
    "ServiceClosed",
    "ServiceOpening",
    "SessionExpired",
    "Specialite",
    "StorageNotMigrated",
    "StorageUnavailable",
    "TooManyRequests",
    "Unavailable",
    "ValidationError",
    "WithdrawalAfterClosing",
    "__version__",
    "errors",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cyclades_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
