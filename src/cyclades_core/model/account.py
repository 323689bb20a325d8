"""The candidate account aggregate and its lifecycle (ACC-01 … ACC-14, POR-02).

``Account`` is frozen: every intention-named method returns the next version of the account (``version + 1``),
which the repository stores only if the stored version is still the one it was read at (optimistic concurrency).
The lifecycle is a plain transition table; an illegal move raises a named error.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from attrs import evolve, field, frozen

from cyclades_core.errors import IdentityFrozen, IllegalAccountTransition  # re-exported here
from cyclades_core.model.values import CandidateNumber, Civility, EmailAddress
from cyclades_core.timeutil import format_date

__all__ = [
    "FRANCE",
    "Account",
    "AccountKind",
    "AccountState",
    "BirthPlace",
    "Identity",
    "IllegalAccountTransition",
]

#: INSEE code of "FRANCE (DONT OUTRE-MER)"; a birth in France needs a département and a commune of the directory.
FRANCE = "99100"


class AccountKind(Enum):
    """POR-02: an individual creates its account; a scolaire one is created by its establishment."""

    INDIVIDUAL = "individual"
    SCOLAIRE = "scolaire"


class AccountState(Enum):
    PENDING = "pending"  # "Votre compte est en cours de création."
    ACTIVE = "active"


class AccountEvent(Enum):
    ACTIVATE = "activate"
    CHANGE_IDENTITY = "change_identity"
    CHANGE_EMAIL = "change_email"
    CHANGE_PASSWORD = "change_password"
    REHASH_PASSWORD = "rehash_password"
    CORRECT_IDENTITY = "correct_identity"


_TRANSITIONS: dict[tuple[AccountState, AccountEvent], AccountState] = {
    (AccountState.PENDING, AccountEvent.ACTIVATE): AccountState.ACTIVE,
    (AccountState.ACTIVE, AccountEvent.CHANGE_IDENTITY): AccountState.ACTIVE,
    (AccountState.ACTIVE, AccountEvent.CHANGE_EMAIL): AccountState.ACTIVE,
    (AccountState.ACTIVE, AccountEvent.CHANGE_PASSWORD): AccountState.ACTIVE,
    (AccountState.ACTIVE, AccountEvent.REHASH_PASSWORD): AccountState.ACTIVE,
    (AccountState.ACTIVE, AccountEvent.CORRECT_IDENTITY): AccountState.ACTIVE,
}


@frozen
class BirthPlace:
    """Pays, département (DOM ou COM) and commune de naissance.

    In France the département and commune come from the birthplace directory (codes); abroad the commune is the
    name as written and there is no département.
    """

    country_code: str
    country_name: str
    departement_code: str | None
    departement_name: str | None
    commune_code: str | None
    commune_name: str


@frozen
class Identity:
    """État civil as on the identity document (ACC-01). Frozen once a candidature exists (ACC-11)."""

    civility: Civility
    birth_name: str
    usage_name: str | None
    first_names: str
    birth_date: date
    birth_place: BirthPlace

    @property
    def display_name(self) -> str:
        """``ACCRALL Dack``, as "Mes inscriptions" shows it."""
        return f"{self.birth_name.upper()} {self.first_names}"


@frozen
class Account:
    id: str
    kind: AccountKind
    state: AccountState
    candidate_number: CandidateNumber
    identity: Identity
    email: EmailAddress | None
    login: str | None
    password_hash: str
    created_at: datetime
    activation_deadline: datetime | None
    activated_at: datetime | None = None
    must_change_password: bool = False
    initial_password_expires_at: datetime | None = None
    establishment_code: str | None = None
    version: int = field(default=1)

    # -- queries ------------------------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.state is AccountState.ACTIVE

    def activation_expired(self, now: datetime) -> bool:
        """ACC-05: valid up to the deadline included (created + 172 800 s), expired one second after."""
        return (
            self.state is AccountState.PENDING
            and self.activation_deadline is not None
            and now > self.activation_deadline
        )

    def initial_password_expired(self, now: datetime) -> bool:
        return (
            self.must_change_password
            and self.initial_password_expires_at is not None
            and now > self.initial_password_expires_at
        )

    def home_header(self) -> str:
        """ACC-13: ``N°Candidat: 02235030276 ACCRALL Dack Né(e) le 28/11/2004``."""
        return (
            f"N°Candidat: {self.candidate_number} {self.identity.display_name} "
            f"Né(e) le {format_date(self.identity.birth_date)}"
        )

    # -- intentions: each returns the next version --------------------------------------------------------------

    def _next(self, event: AccountEvent, **changes: object) -> Account:
        target = _TRANSITIONS.get((self.state, event))
        if target is None:
            raise IllegalAccountTransition()
        return evolve(self, state=target, version=self.version + 1, **changes)  # type: ignore[arg-type]

    def activate(self, now: datetime) -> Account:
        return self._next(AccountEvent.ACTIVATE, activated_at=now, activation_deadline=None)

    def activate_with_password(self, now: datetime, password_hash: str) -> Account:
        """Activation by a "Mot de passe oublié" link (issue 15): the link proves the mailbox as the activation link
        does, and the password it sets replaces the one chosen at creation (perhaps by someone else)."""
        return self._next(
            AccountEvent.ACTIVATE, activated_at=now, activation_deadline=None, password_hash=password_hash
        )

    def change_identity(self, identity: Identity, *, has_candidatures: bool) -> Account:
        if has_candidatures:
            raise IdentityFrozen()
        return self._next(AccountEvent.CHANGE_IDENTITY, identity=identity)

    def correct_identity(self, identity: Identity) -> Account:
        """MGR-04: the managing service corrects a frozen identity on the candidate's request."""
        return self._next(AccountEvent.CORRECT_IDENTITY, identity=identity)

    def change_email(self, email: EmailAddress) -> Account:
        return self._next(AccountEvent.CHANGE_EMAIL, email=email)

    def change_password(self, password_hash: str) -> Account:
        return self._next(
            AccountEvent.CHANGE_PASSWORD,
            password_hash=password_hash,
            must_change_password=False,
            initial_password_expires_at=None,
        )

    def rehash_password(self, password_hash: str) -> Account:
        """D5: same password, stronger parameters; only after a successful verification."""
        return self._next(AccountEvent.REHASH_PASSWORD, password_hash=password_hash)
