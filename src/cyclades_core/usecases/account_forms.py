"""What a person types into the account pages and what the account services answer (forms and results).

The forms are parsed by the services of each guide section (:mod:`~cyclades_core.usecases.registration`,
:mod:`~cyclades_core.usecases.sessions`, :mod:`~cyclades_core.usecases.password_reset`,
:mod:`~cyclades_core.usecases.my_account`, :mod:`~cyclades_core.usecases.scolaire`); every name here is also
importable from :mod:`cyclades_core.usecases.accounts`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from attrs import field, frozen

from cyclades_core.model.account import Account, AccountKind, AccountState, Identity
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature
from cyclades_core.model.documents import PublishedDocument
from cyclades_core.model.pieces import Piece
from cyclades_core.usecases.inscriptions import NO_ACTIVE_CANDIDATURE, InscriptionCard

__all__ = [
    "AccountCreated",
    "AccountView",
    "Activation",
    "CreateAccountForm",
    "HomeView",
    "IdentityFields",
    "IdentityForm",
    "LoginResult",
    "PersonalData",
    "Principal",
    "ResetRequested",
    "ScolaireCredentials",
    "ScolaireRegistrationForm",
]

# -- forms -----------------------------------------------------------------------------------------------------


class IdentityFields(Protocol):
    """The identity fields every identity form has (confirmations aside)."""

    @property
    def civility(self) -> str: ...
    @property
    def birth_name(self) -> str: ...
    @property
    def usage_name(self) -> str | None: ...
    @property
    def first_names(self) -> str: ...
    @property
    def birth_date(self) -> str: ...
    @property
    def birth_country(self) -> str: ...
    @property
    def birth_departement(self) -> str | None: ...
    @property
    def birth_commune(self) -> str: ...


@frozen(kw_only=True)
class IdentityForm:
    """ "Modifier mon compte", identity part (ACC-11): the fields as typed, confirmations included.

    ``birth_country`` is an INSEE country code (``99100`` for FRANCE (DONT OUTRE-MER)); in France
    ``birth_departement`` is its code (``014``) and ``birth_commune`` a commune of it (code or name); abroad the
    commune is written freely.
    """

    civility: str
    birth_name: str
    birth_name_confirmation: str
    usage_name: str | None = None
    first_names: str
    birth_date: str
    birth_date_confirmation: str
    birth_country: str
    birth_departement: str | None = None
    birth_commune: str


@frozen(kw_only=True)
class CreateAccountForm(IdentityForm):
    """ "Je n'ai pas de compte, je le crée" (ACC-01): the identity fields, then the email and the password, as
    typed. Confirmations are checked, never stored."""

    email: str
    email_confirmation: str
    password: str
    password_confirmation: str


@frozen(kw_only=True)
class ScolaireRegistrationForm:
    """An establishment registers one of its pupils (POR-02): no password typed, no confirmations."""

    establishment_code: str
    civility: str
    birth_name: str
    usage_name: str | None = None
    first_names: str
    birth_date: str
    birth_country: str
    birth_departement: str | None = None
    birth_commune: str
    email: str | None = None


# -- results ---------------------------------------------------------------------------------------------------


@frozen
class AccountCreated:
    account_id: str
    candidate_number: str
    email: str
    activation_deadline: datetime

    @property
    def message(self) -> str:
        """The guide's "Confirmation de réception de mail" window."""
        return (
            "Votre compte est en cours de création.\n"
            "Votre inscription sera possible seulement lorsque votre compte sera activé.\n"
            f"Vous allez recevoir un mail à l'adresse {self.email}, veuillez cliquer sur le lien contenu dans ce "
            "mail pour activer votre compte.\n"
            "Ce lien n'est valable que pour une durée de 48 heures. Passé ce délai, vos informations seront "
            "effacées, vous devrez recommencer votre démarche de création de compte."
        )


@frozen
class Activation:
    account_id: str
    already_active: bool

    @property
    def message(self) -> str:
        if self.already_active:
            return "Votre compte est déjà activé. Vous pouvez vous connecter."
        return "Votre compte est créé et validé. Vous pouvez vous connecter."


@frozen
class LoginResult:
    session_token: str = field(repr=False)
    account_id: str
    must_change_password: bool
    expires_at: datetime


@frozen
class Principal:
    """Who a valid session belongs to."""

    account_id: str
    session_digest: str = field(repr=False)
    must_change_password: bool


@frozen
class ResetRequested:
    """Same type whatever the identifier; ``masked_contact`` as the guide shows it (``paul.***@l.com``)."""

    masked_contact: str | None

    @property
    def message(self) -> str:
        where = (
            f"sur votre mail de contact ({self.masked_contact})" if self.masked_contact else "sur votre mail de contact"
        )
        return (
            f"Vous allez recevoir un mail {where}, veuillez cliquer sur le lien contenu dans ce mail pour modifier "
            "votre mot de passe.\nCe lien n'est valable que pour une durée de 48 heures.\n"
            "Passé ce délai, vous devrez re cliquer sur 'Mot de passe oublié'."
        )


@frozen
class ScolaireCredentials:
    """The "papillon de connexion": handed to the pupil by its establishment, shown once."""

    account_id: str
    login: str
    initial_password: str = field(repr=False)
    candidate_number: str
    expires_at: datetime


@frozen
class AccountView:
    """What an account shows of itself: everything but secrets."""

    id: str
    kind: AccountKind
    state: AccountState
    candidate_number: str
    identity: Identity
    email: str | None
    login: str | None
    created_at: datetime
    activated_at: datetime | None
    version: int
    #: ACC-11: « Dès qu'une candidature existe, seuls l'adresse mail et le mot de passe sont modifiables » (and
    #: ACC-12: the account cannot be deleted) — set by ``MyAccountService.account``.
    identity_frozen: bool = False
    #: ACC-11: « je dois contacter le service gestionnaire dont les coordonnées sont indiquées en haut de la page »:
    #: the managing service of each académie the account has a candidature in (latest first), as the N° Inscription
    #: tab prints it (``ACADÉMIE DE REIMS``, then the contact's lines; the name alone where none is configured).
    service_contacts: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(
        cls, account: Account, *, identity_frozen: bool = False, service_contacts: tuple[tuple[str, ...], ...] = ()
    ) -> AccountView:
        return cls(
            id=account.id,
            kind=account.kind,
            state=account.state,
            candidate_number=str(account.candidate_number),
            identity=account.identity,
            email=account.email.display if account.email else None,
            login=account.login,
            created_at=account.created_at,
            activated_at=account.activated_at,
            version=account.version,
            identity_frozen=identity_frozen,
            service_contacts=service_contacts,
        )


@frozen
class PersonalData:
    """Everything the portal holds about one account (right of access, GDPR art. 15; checklist L3): the account
    without its secrets, every version of every candidature, the pièces' metadata, the published documents, and
    the audit records about the account — except the security log of refused accesses (``authz_fail``), which would
    tell a prober which ids exist. :func:`cyclades_adapters.edge.personal_data_json` renders it as JSON."""

    account: AccountView
    establishment_code: str | None
    must_change_password: bool
    initial_password_expires_at: datetime | None
    candidatures: tuple[Candidature, ...]
    versions: tuple[Candidature, ...]
    pieces: tuple[Piece, ...]
    documents: tuple[PublishedDocument, ...]
    audit: tuple[AuditRecord, ...]
    exported_at: datetime


@frozen
class HomeView:
    """ "Mes inscriptions" (ACC-13), the page after login: the header line and the cards of the active candidatures
    (the same as :meth:`CandidatureService.mes_inscriptions
    <cyclades_core.usecases.candidatures.CandidatureService.mes_inscriptions>`), or the guide's sentence."""

    header: str
    candidatures: tuple[InscriptionCard, ...] = ()

    @property
    def empty_message(self) -> str | None:
        return None if self.candidatures else NO_ACTIVE_CANDIDATURE
