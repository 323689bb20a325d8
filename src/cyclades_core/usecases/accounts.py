"""The candidate account lifecycle (POR-02, ACC-01 … ACC-14).

:class:`AccountService` is the application service: it parses what a person typed, applies the rules, and writes
through one unit of work per change, mails included (transactional outbox). Slow work (password hashing) happens
outside units of work; what it read is then written back under an optimistic version check.
"""

from __future__ import annotations

import secrets
import string
import unicodedata
import uuid
from datetime import datetime, timedelta
from typing import Literal, Protocol

from attrs import field, frozen
from attrs.validators import in_

from cyclades_core.errors import (
    AccountHasCandidatures,
    AccountNotFound,
    ActivationExpired,
    ConcurrencyConflict,
    DuplicateAccount,
    EmailAlreadyUsed,
    InvalidCredentials,
    InvalidLink,
    LinkExpired,
    PasswordChangeRequired,
    SessionExpired,
    TooManyRequests,
    ValidationError,
)
from cyclades_core.model.account import (
    FRANCE,
    Account,
    AccountKind,
    AccountState,
    BirthPlace,
    Identity,
)
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature
from cyclades_core.model.documents import PublishedDocument
from cyclades_core.model.mail import (
    MailContent,
    account_deleted_mail,
    activation_mail,
    email_changed_mail,
    password_changed_mail,
    reset_mail,
)
from cyclades_core.model.passwords import PasswordContext, check_new_password, policy_errors, skeleton_words
from cyclades_core.model.pieces import Piece
from cyclades_core.model.text import check_form, check_int, lookup_key
from cyclades_core.model.tokens import IssuedToken, TokenPurpose, digest, new_token
from cyclades_core.model.values import (
    CandidateNumber,
    EmailAddress,
    ErrorCollector,
    IdentifierKind,
    classify_identifier,
    email_key,
    mask_email,
    parse_birth_date,
    parse_civility,
    parse_email,
    parse_person_name,
)
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.ports.security import (
    BreachedPasswords,
    CandidateNumberAllocator,
    PasswordHasher,
    RateLimiter,
    ThrottlePolicy,
)
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.timeutil import paris
from cyclades_core.usecases.mail import queue_mail

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
    "PersonalData",
    "Principal",
    "ResetRequested",
    "ScolaireCredentials",
    "ScolaireRegistrationForm",
]

NO_ACTIVE_CANDIDATURE = "Vous n'avez aucune candidature active."
BREACHED_MESSAGE = "Ce mot de passe figure dans des fuites de données connues. Veuillez en choisir un autre."
BREACH_CHECK_UNAVAILABLE = (
    "La vérification du mot de passe est momentanément indisponible. Veuillez réessayer plus tard."
)
#: Audit actions kept out of the right-of-access export: refusals of another account's objects (L4), whose presence
#: would tell the prober that the id it tried exists.
_SECURITY_ONLY = frozenset({"authz_fail"})


@frozen(kw_only=True)
class AccountSettings:
    """Every time limit and switch of the account lifecycle, with the guide's defaults."""

    base_url: str = "http://localhost:8000"
    activation_ttl: timedelta = timedelta(hours=48)
    reset_ttl: timedelta = timedelta(hours=48)
    session_idle_timeout: timedelta = timedelta(minutes=30)
    session_absolute_timeout: timedelta = timedelta(hours=12)
    initial_password_ttl: timedelta = timedelta(days=90)
    resend_cooldown: timedelta = timedelta(seconds=180)
    reset_requests_per_minute: int = 5
    #: Throttling counters untouched for this long are forgotten by the purge (longer than every throttling window).
    throttle_retention: timedelta = timedelta(days=1)
    #: When the breached-password corpus cannot answer (D3): "open" accepts the password and logs a warning
    #: (``password_breach_check_unavailable``), "closed" refuses it for now. A decision of the deployment.
    breached_passwords_unavailable: Literal["open", "closed"] = field(default="open", validator=in_(("open", "closed")))
    #: Reset requests per minute from one source (the client address the web layer passes), whatever they name (E4).
    reset_requests_per_source_per_minute: int = 20
    #: Account creations per hour from one source (the ``source=`` the web layer passes): a flood is refused for its
    #: source, never for the address it names, so nobody can keep the owner of an address from signing up.
    creations_per_source_per_hour: int = 20
    #: Account creations per hour per email, only for callers that pass no ``source`` (library use, scripts).
    creations_per_hour: int = 5
    #: Consecutive login failures per account and source (per account alone when no ``source`` is passed) (C3).
    login_throttle: ThrottlePolicy = field(factory=ThrottlePolicy)
    #: Failed logins from one source, whatever they name, per window of ``login_source_window`` (fixed windows
    #: aligned on the clock); beyond, the source's attempts are refused until the next window.
    login_failures_per_source: int = 50
    login_source_window: timedelta = timedelta(minutes=15)
    #: Failed logins against one account from every source together: once past ``free_failures`` (NIST: at most
    #: 100), the sources that have already failed for the account get these delays; a source that has not is never
    #: refused by it.
    login_throttle_per_account: ThrottlePolicy = field(factory=lambda: ThrottlePolicy(free_failures=100))
    show_masked_contact: bool = True

    def link(self, path: str, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path}?jeton={token}"


# -- commands --------------------------------------------------------------------------------------------------


class _IdentityFields(Protocol):
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

    @classmethod
    def of(cls, account: Account) -> AccountView:
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
    """ "Mes inscriptions" (ACC-13): the header line and the active candidatures, or the guide's sentence."""

    header: str
    candidatures: tuple[str, ...] = ()

    @property
    def empty_message(self) -> str | None:
        return None if self.candidatures else NO_ACTIVE_CANDIDATURE


#: An establishment's code (UAI, e.g. ``0250013D``) has 8 characters; longer codes are refused.
ESTABLISHMENT_CODE_MAX = 16

# -- the service -----------------------------------------------------------------------------------------------

_SESSION_PURPOSES = (TokenPurpose.SESSION,)
_LINK_PURPOSES = (TokenPurpose.ACTIVATION, TokenPurpose.RESET)


class AccountService:
    """Every act of the candidate account. Methods raise only :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        hasher: PasswordHasher,
        numbers: CandidateNumberAllocator,
        limiter: RateLimiter,
        birthplaces: BirthplaceDirectory,
        settings: AccountSettings | None = None,
        breached: BreachedPasswords | None = None,
    ) -> None:
        self._breached = breached
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._numbers = numbers
        self._limiter = limiter
        self._birthplaces = birthplaces
        self.settings = settings or AccountSettings()
        self._dummy_hash: str | None = None

    # -- creation and activation ------------------------------------------------------------------------------

    def create_account(self, form: CreateAccountForm, *, source: str | None = None) -> AccountCreated:
        """ACC-01 … ACC-04: validate every field, then create the pending account and queue the activation mail.

        Throttled per ``source`` (the client's address the web layer passes, kept hashed):
        ``creations_per_source_per_hour``, whatever addresses they name, so repeated creations for someone else's
        address are refused to their source and never to the owner's. Without a source (library callers), per
        email: ``creations_per_hour``.

        Raises ValidationError (every wrong field at once), EmailAlreadyUsed, TooManyRequests.
        """
        check_form(form)
        now = self._clock.now()
        errors = ErrorCollector()
        identity = self._parse_identity(form, errors, now, confirmations=form)
        email = errors.attempt(parse_email, form.email, "email")
        if email is not None and email_key(form.email_confirmation or "") != email.key:
            errors.add(
                "email_confirmation",
                "confirmation_mismatch",
                "La confirmation de l'adresse mail ne correspond pas.",
            )
        context = _password_context(identity, form)
        password = errors.attempt(check_new_password, form.password, form.password_confirmation, context)
        identity, email, password = errors.checked(identity), errors.checked(email), errors.checked(password)

        hour = timedelta(hours=1)
        if source is not None:
            allowed = self._limiter.hit(
                f"create-source:{digest(source)}", now, self.settings.creations_per_source_per_hour, hour
            )
        else:
            allowed = self._limiter.hit(
                f"create:{_identifier_key(email.key)}", now, self.settings.creations_per_hour, hour
            )
        if not allowed:
            raise TooManyRequests(retry_after=3600)
        # After the throttle: a flood of sign-ups is not a flood of corpus lookups (nor of audit rows when it is down).
        self._refuse_breached(password, "password", now)
        password_hash = self._hasher.hash(form.password)
        deadline = now + self.settings.activation_ttl
        account = Account(
            id=uuid.uuid4().hex,
            kind=AccountKind.INDIVIDUAL,
            state=AccountState.PENDING,
            candidate_number=CandidateNumber(self._numbers.allocate(paris(now).year)),
            identity=identity,
            email=email,
            login=None,
            password_hash=password_hash,
            created_at=now,
            activation_deadline=deadline,
        )
        token = new_token()
        with self._uow() as uow:
            uow.accounts.add(account)
            self._issue(uow, account, TokenPurpose.ACTIVATION, token, now, deadline)
            self._mail(uow, account, activation_mail(self.settings.link("activer-mon-compte", token)), now)
            uow.audit.append(AuditRecord.of(now, "account_created", "anonymous", account.id, kind="individual"))
            uow.commit()
        return AccountCreated(account.id, str(account.candidate_number), email.display, deadline)

    def resend_activation(self, email: str) -> None:
        """ACC-06: a new link, the old one revoked, the deadline NOT extended (B6).

        Unknown or already active addresses get the same silent answer. Raises TooManyRequests inside the
        cooldown.
        """
        now = self._clock.now()
        with self._uow() as uow:
            key = lookup_key(email_key(email))
            account = uow.accounts.find_by_email(key) if key else None
        deadline = account.activation_deadline if account is not None else None
        if account is None or deadline is None or account.is_active or account.activation_expired(now):
            return
        # The limiter is consulted outside any unit of work: it has its own transactions (one writer at a time).
        if not self._limiter.hit(f"resend:{account.id}", now, 1, self.settings.resend_cooldown):
            raise TooManyRequests(retry_after=self.settings.resend_cooldown.total_seconds())
        with self._uow() as uow:
            current = uow.accounts.get(account.id)
            if current is None or current.is_active:
                return
            uow.tokens.revoke_for_account(account.id, (TokenPurpose.ACTIVATION,))
            token = new_token()
            self._issue(uow, account, TokenPurpose.ACTIVATION, token, now, deadline)
            self._mail(
                uow,
                account,
                activation_mail(self.settings.link("activer-mon-compte", token), resend=True),
                now,
            )
            uow.audit.append(AuditRecord.of(now, "activation_resent", "anonymous", account.id))
            uow.commit()

    def check_activation_link(self, token: str) -> str:
        """Read-only check of an activation link (B5): returns the account id, consumes nothing.

        Raises InvalidLink or ActivationExpired.
        """
        with self._uow() as uow:
            issued = self._valid_link(uow, token, TokenPurpose.ACTIVATION, self._clock.now(), allow_used=True)
            return issued.account_id

    def activate(self, token: str) -> Activation:
        """ACC-07: the link creates and validates the account, once. A second use reports "already active"."""
        now = self._clock.now()
        with self._uow() as uow:
            issued = self._valid_link(uow, token, TokenPurpose.ACTIVATION, now, allow_used=True)
            account = uow.accounts.get(issued.account_id)
            if account is None:
                raise InvalidLink()
            if account.is_active:
                return Activation(account.id, already_active=True)
            if account.activation_expired(now):
                raise ActivationExpired()
            if not uow.tokens.mark_used(issued.digest, now):
                return Activation(account.id, already_active=True)
            uow.accounts.update(account.activate(now))
            uow.tokens.revoke_for_account(account.id, (TokenPurpose.ACTIVATION,), keep=issued.digest)
            uow.audit.append(AuditRecord.of(now, "account_activated", "candidate", account.id))
            uow.commit()
            return Activation(account.id, already_active=False)

    def purge_unactivated(self, batch_size: int = 500) -> int:
        """ACC-05: erase every account still pending after its deadline, leaving no personal data (B7).

        Each account goes in its own unit of work, re-checked there, so a racing activation wins or loses cleanly
        (B8) and two purges never erase one account twice (B9). Returns how many accounts this call erased. The
        throttling counters untouched for ``settings.throttle_retention`` go too (L1).
        """
        check_int(batch_size, "batch_size", minimum=1, maximum=100_000)
        now = self._clock.now()
        self._limiter.expire(now - self.settings.throttle_retention)
        erased = 0
        while True:
            with self._uow() as uow:
                candidates = list(uow.accounts.pending_expired(now, batch_size))
            if not candidates:
                return erased
            progressed = 0
            for account_id in candidates:
                with self._uow() as uow:
                    account = uow.accounts.get(account_id)
                    if account is None or not account.activation_expired(now):
                        continue
                    uow.tokens.revoke_for_account(account_id, tuple(TokenPurpose))
                    uow.outbox.discard_for_account(account_id)
                    if uow.accounts.remove(account_id, account.version):
                        uow.audit.append(AuditRecord.of(now, "account_purged", "system", account_id))
                        uow.commit()
                        erased += 1
                        progressed += 1
            if progressed == 0:
                return erased

    # -- scolaire candidates ----------------------------------------------------------------------------------

    def register_scolaire(self, form: ScolaireRegistrationForm) -> ScolaireCredentials:
        """POR-02: an establishment creates the account of a pupil, who must not create one.

        The account is active at once, with a Cyclades login ``nom.prenomX`` and a random initial password that
        expires and must be changed at first login (C6).
        """
        now = self._clock.now()
        identity, email = self.check_scolaire(form)
        initial_password = _initial_password()
        password_hash = self._hasher.hash(initial_password)
        expires_at = now + self.settings.initial_password_ttl
        base = _login_base(identity)
        number = CandidateNumber(self._numbers.allocate(paris(now).year))
        for suffix in range(1, 10_000):
            account = Account(
                id=uuid.uuid4().hex,
                kind=AccountKind.SCOLAIRE,
                state=AccountState.ACTIVE,
                candidate_number=number,
                identity=identity,
                email=email,
                login=f"{base}{suffix}",
                password_hash=password_hash,
                created_at=now,
                activation_deadline=None,
                activated_at=now,
                must_change_password=True,
                initial_password_expires_at=expires_at,
                establishment_code=form.establishment_code.strip(),
            )
            try:
                with self._uow() as uow:
                    if uow.accounts.find_by_login(account.login or "") is not None:
                        continue
                    uow.accounts.add(account)
                    uow.audit.append(
                        AuditRecord.of(
                            now,
                            "account_created",
                            f"establishment:{account.establishment_code}",
                            account.id,
                            kind="scolaire",
                        )
                    )
                    uow.commit()
            except EmailAlreadyUsed:
                raise
            except DuplicateAccount:
                continue
            return ScolaireCredentials(account.id, account.login or "", initial_password, str(number), expires_at)
        raise DuplicateAccount()

    def check_scolaire(self, form: ScolaireRegistrationForm) -> tuple[Identity, EmailAddress | None]:
        """The checks of :meth:`register_scolaire`, writing nothing: the identity and the optional email, or one
        ValidationError naming every wrong field (an establishment checks a whole list before creating any)."""
        check_form(form)
        errors = ErrorCollector()
        identity = self._parse_identity(form, errors, self._clock.now(), confirmations=None)
        email = errors.attempt(parse_email, form.email, "email") if form.email and form.email.strip() else None
        code = (form.establishment_code or "").strip()
        if not code:
            errors.add("establishment_code", "required", "Le code de l'établissement est obligatoire.")
        elif not code.isalnum() or len(code) > ESTABLISHMENT_CODE_MAX:
            errors.add("establishment_code", "invalid", "Le code de l'établissement est invalide.")
        return errors.checked(identity), email

    # -- login and sessions -----------------------------------------------------------------------------------

    def login(self, identifier: str, password: str, *, source: str | None = None) -> LoginResult:
        """ACC-08: log in with an email, a Cyclades login or a candidate number.

        Unknown identifier, wrong password, unactivated or throttled account: the same InvalidCredentials, after
        exactly one password verification (C4). Failures count per resolved account whatever the identifier used
        (C2); after ``free_failures`` consecutive failures the account is throttled with doubling delays (C3),
        during which even the right password is not checked.

        ``source`` is the client's address, as the web layer knows it (kept only hashed). With one, failures count
        per account *and source*, so a third party's failures never hold back the owner's correct password from a
        source that has not failed (issue 15); a source is also limited across accounts
        (``login_failures_per_source`` per ``login_source_window``), and once an account has
        ``login_throttle_per_account.free_failures`` failures from all sources together, the sources that have
        failed for it get that policy's delays. Without one (library callers), the counter is per account alone.
        """
        now = self._clock.now()
        with self._uow() as uow:
            account = _find_by_identifier(uow, identifier)
        counters = self._login_counters(account, identifier, source, now)
        policy = self.settings.login_throttle
        throttled = self._login_throttled(counters, now)
        usable = account is not None and account.is_active and not throttled
        if account is None or not usable:
            self._hasher.verify(self._dummy(), password)
            verified = False
        else:
            verified = self._hasher.verify(account.password_hash, password)
        if not verified or account is None:
            # Attempts refused by the throttle do not count: they cannot stretch the delay into a lockout (C3).
            if throttled:
                reason, action = "throttled", "authn_login_lock"
            else:
                failures = self._limiter.record_failure(counters.pair, now)
                for key in counters.shared:
                    self._limiter.record_failure(key, now)
                reason = "unknown" if account is None else ("pending" if not account.is_active else "password")
                action = "authn_login_fail_max" if failures >= policy.free_failures else "authn_login_fail"
            with self._uow() as uow:
                uow.audit.append(
                    AuditRecord.of(now, action, "anonymous", account.id if account else None, reason=reason)
                )
                uow.commit()
            raise InvalidCredentials()
        if account.initial_password_expired(now):
            raise InvalidCredentials(
                "Votre mot de passe initial a expiré. Rapprochez-vous de votre établissement d'inscription."
            )
        self._limiter.clear(counters.pair)
        if counters.account is not None:
            self._limiter.clear(counters.account)
        rehashed = self._hasher.hash(password) if self._hasher.needs_rehash(account.password_hash) else None
        token = new_token()
        expires_at = now + self.settings.session_absolute_timeout
        with self._uow() as uow:
            if rehashed is not None:
                current = uow.accounts.get(account.id)
                if current is not None and current.password_hash == account.password_hash:
                    uow.accounts.update(current.rehash_password(rehashed))
            self._issue(uow, account, TokenPurpose.SESSION, token, now, expires_at)
            uow.audit.append(AuditRecord.of(now, "authn_login_success", f"candidate:{account.id}", account.id))
            uow.commit()
        return LoginResult(token, account.id, account.must_change_password, expires_at)

    def _login_counters(
        self, account: Account | None, identifier: str, source: str | None, now: datetime
    ) -> _LoginCounters:
        """The throttling keys of one login attempt (docs/security.md, "Throttling"). Keyed by the resolved account
        whatever identifier form was typed (C2); an unknown identifier by its normalised, hashed text, with the same
        counters as an account so that the limiter work does not tell them apart."""
        subject = account.id if account is not None else f"unknown:{_identifier_key(identifier)}"
        if source is None:
            return _LoginCounters(pair=f"login:{subject}")
        origin = digest(source)
        window = self.settings.login_source_window.total_seconds()
        return _LoginCounters(
            pair=f"login:{subject}:{origin}",
            source=f"login-source:{origin}:{int(now.timestamp() // window)}",
            account=f"login-account:{subject}",
        )

    def _login_throttled(self, counters: _LoginCounters, now: datetime) -> bool:
        """Whether the attempt is refused without checking the password (C3). The per-account counter across sources
        refuses only a source that has failed for this account since its last success there: a third party's
        failures never hold back the owner's correct password from a clean source."""
        blocked = self._limiter.blocked_until
        if blocked(counters.pair, now, self.settings.login_throttle) is not None:
            return True
        if counters.source is not None:
            window = self.settings.login_source_window
            per_source = ThrottlePolicy(self.settings.login_failures_per_source, window, window)
            if blocked(counters.source, now, per_source) is not None:
                return True
        if counters.account is None or blocked(counters.account, now, self.settings.login_throttle_per_account) is None:
            return False
        retention = self.settings.throttle_retention
        return blocked(counters.pair, now, ThrottlePolicy(1, retention, retention)) is not None  # has it failed?

    def authenticate(self, session_token: str, *, allow_initial_password: bool = False) -> Principal:
        """The account behind a session, checking the idle and absolute timeouts (C5) and touching the session.

        Raises SessionExpired, or PasswordChangeRequired while an initial password is unchanged (C6).
        """
        with self._uow() as uow:
            principal = self._principal(uow, session_token, self._clock.now(), allow_initial_password)
            uow.commit()
            return principal

    def principal_in(self, uow: UnitOfWork, session_token: str) -> Principal:
        """:meth:`authenticate` inside the caller's unit of work (other services use it to scope their reads)."""
        return self._principal(uow, session_token, self._clock.now(), False)

    def logout(self, session_token: str) -> None:
        with self._uow() as uow:
            uow.tokens.revoke(digest(session_token))
            uow.commit()

    def home(self, session_token: str) -> HomeView:
        """ACC-13: "Mes inscriptions" header and the active candidatures."""
        with self._uow() as uow:
            principal = self._principal(uow, session_token, self._clock.now(), False)
            account = self._account(uow, principal.account_id)
            uow.commit()
        return HomeView(account.home_header())

    def account(self, session_token: str) -> AccountView:
        """ "Modifier mon compte" shows the account first."""
        with self._uow() as uow:
            principal = self._principal(uow, session_token, self._clock.now(), False)
            account = self._account(uow, principal.account_id)
            uow.commit()
        return AccountView.of(account)

    def _refuse_breached(self, password: str, field: str, now: datetime, account_id: str | None = None) -> str:
        """D3: refuse a password found in the breached-password corpus, when one is configured. If the corpus
        cannot answer, follow ``settings.breached_passwords_unavailable``: accept and log, or refuse for now."""
        if self._breached is None:
            return password
        try:
            breached = self._breached.breached(password)
        except Exception as failure:  # whatever the adapter met (timeout, I/O, a bug), the decision is the same
            if self.settings.breached_passwords_unavailable == "closed":
                raise ValidationError.single(field, "password_check_unavailable", BREACH_CHECK_UNAVAILABLE) from None
            with self._uow() as uow:
                uow.audit.append(
                    AuditRecord.of(now, "password_breach_check_unavailable", "system", account_id,
                                   error=type(failure).__name__)
                )  # fmt: skip
                uow.commit()
            return password
        if breached:
            raise ValidationError.single(field, "password_breached", BREACHED_MESSAGE)
        return password

    def export_my_data(self, session_token: str) -> PersonalData:
        """Right of access (L3): everything held about the signed-in account, read in one transaction. Password
        hashes and tokens stay out; another account's data never comes in."""
        now = self._clock.now()
        with self._uow() as uow:
            principal = self._principal(uow, session_token, now, False)
            account = self._account(uow, principal.account_id)
            candidatures = tuple(uow.candidatures.for_account(account.id))
            versions = tuple(v for c in candidatures for v in uow.candidatures.history(c.id))
            pieces = tuple(p for c in candidatures for p in uow.pieces.for_candidature(c.id))
            documents = tuple(d for c in candidatures for d in uow.documents.for_candidature(c.id))
            audit = tuple(r for r in uow.audit.for_account(account.id) if r.action not in _SECURITY_ONLY)
            uow.commit()
        return PersonalData(
            AccountView.of(account), account.establishment_code, account.must_change_password,
            account.initial_password_expires_at, candidatures, versions, pieces, documents, audit, now,
        )  # fmt: skip

    # -- password reset ---------------------------------------------------------------------------------------

    def request_password_reset(self, identifier: str, *, source: str | None = None) -> ResetRequested:
        """ACC-10: "Mot de passe oublié". Mails a single-use link to the address on record (never the typed one).

        Nothing in the answer or in the work done tells whether an account exists (E2, issue 15):

        - The answer is decided from the typed identifier alone, before anything is looked up
          (:meth:`_reset_outcome`): for an email, the mask of its normalised key (``Paul.Martin@Exemple.fr`` →
          ``paul.***@exemple.fr``, whoever owns it); for a candidate number or a Cyclades login, no mask (the
          message then says "sur votre mail de contact"), since only a lookup could find an address to mask.
          ``settings.show_masked_contact=False`` shows no mask at all.
        - The work is the same: the same limiter counters, one lookup, then one unit of work that reads the account,
          revokes its earlier links and appends a ``password_reset_requested`` audit record (without an account
          when there is none to mail); only then, for an active account — or an unactivated one within its 48 h,
          whose link will also activate it — the new link and its mail in the outbox.

        A later request revokes earlier links. Throttled per identifier, per account and, when the web layer passes
        the client's address as ``source``, per source (E4); a refused request only queues no mail. A request the
        source limit refuses counts against nothing else. The source is kept only hashed, until the limiter's
        counters expire.
        """
        now = self._clock.now()
        outcome = self._reset_outcome(identifier)
        minute = timedelta(minutes=1)
        per_minute = self.settings.reset_requests_per_minute
        # The source first: a request it refuses touches no other counter, so one source cannot use up the
        # per-identifier allowance of many victims (E4).
        per_source = self.settings.reset_requests_per_source_per_minute
        if source is not None and not self._limiter.hit(f"reset-source:{digest(source)}", now, per_source, minute):
            return outcome
        typed_key = _identifier_key(identifier)
        allowed = self._limiter.hit(f"reset:{typed_key}", now, per_minute, minute)
        with self._uow() as uow:
            found = _find_by_identifier(uow, identifier)
        # Without an account the typed identifier stands in for it, so every request hits the same counters.
        per_account = f"reset-account:{found.id if found is not None else typed_key}"
        if not allowed or not self._limiter.hit(per_account, now, per_minute, minute):
            return outcome
        token = new_token()
        with self._uow() as uow:
            current = uow.accounts.get(found.id if found is not None else typed_key)
            account = current if current is not None and _can_reset(current, now) else None
            uow.tokens.revoke_for_account(account.id if account is not None else typed_key, (TokenPurpose.RESET,))
            if account is not None:
                expires_at = now + self.settings.reset_ttl
                if account.activation_deadline is not None:  # unactivated: the link ends with the account's 48 h
                    expires_at = min(expires_at, account.activation_deadline)
                self._issue(uow, account, TokenPurpose.RESET, token, now, expires_at)
                self._mail(uow, account, reset_mail(self.settings.link("modifier-mon-mot-de-passe", token)), now)
            uow.audit.append(
                AuditRecord.of(now, "password_reset_requested", "anonymous", account.id if account else None,
                               mailed=account is not None)
            )  # fmt: skip
            uow.commit()
        return outcome

    def _reset_outcome(self, identifier: str) -> ResetRequested:
        """What "Mot de passe oublié" answers, from the typed identifier alone (E2, E8): the same string for the
        same input whether or not an account exists. An email shows the mask of its normalised key (the guide's
        ``paul.***@l.com``); a candidate number or a Cyclades login shows none, as any other text does."""
        typed = identifier.strip()
        if not self.settings.show_masked_contact or classify_identifier(typed) is not IdentifierKind.EMAIL:
            return ResetRequested(None)
        return ResetRequested(mask_email(email_key(typed)))

    def check_reset_link(self, token: str) -> str:
        """Read-only check of a reset link (B5); returns the account id. Raises InvalidLink or LinkExpired."""
        with self._uow() as uow:
            return self._valid_link(uow, token, TokenPurpose.RESET, self._clock.now(), allow_used=False).account_id

    def reset_password(self, token: str, new_password: str, confirmation: str) -> None:
        """ACC-10: set a new password (ACC-03 policy) through a reset link, which works once (E6).

        Ends every session and logs nobody in (E7); queues the "password changed" mail. The link of an unactivated
        account also activates it (it proves the mailbox, as the activation link does): the owner of an address
        someone else signed up with sets their own password (issue 15). Such a link ends with the activation
        deadline.
        """
        now = self._clock.now()
        with self._uow() as uow:
            issued = self._valid_link(uow, token, TokenPurpose.RESET, now, allow_used=False)
            account = self._account(uow, issued.account_id)
        check_new_password(
            new_password,
            confirmation,
            _password_context(account.identity, None),
            field="new_password",
            confirmation_field="new_password_confirmation",
        )
        self._refuse_breached(new_password, "new_password", now, account.id)
        password_hash = self._hasher.hash(new_password)
        with self._uow() as uow:
            if not uow.tokens.mark_used(issued.digest, now):
                raise InvalidLink()
            current = self._account(uow, account.id)
            if current.activation_expired(now):
                raise LinkExpired()
            if current.is_active:
                uow.accounts.update(current.change_password(password_hash))
            else:  # an unactivated account: the link proved the mailbox, as the activation link does (issue 15)
                uow.accounts.update(current.activate_with_password(now, password_hash))
                uow.audit.append(AuditRecord.of(now, "account_activated", "candidate", account.id, by="reset"))
            uow.tokens.revoke_for_account(account.id, (TokenPurpose.RESET, TokenPurpose.SESSION), keep=issued.digest)
            self._mail(uow, current, password_changed_mail(), now)
            uow.audit.append(AuditRecord.of(now, "password_reset", "anonymous", account.id))
            uow.commit()
        # The new password is unknown to whoever failed before: the account's counters start afresh (a source's
        # own delay for this account, keyed by a source this call does not know, runs out by itself).
        self._limiter.clear(f"login:{account.id}")
        self._limiter.clear(f"login-account:{account.id}")

    # -- modify and delete ------------------------------------------------------------------------------------

    def change_password(self, session_token: str, current_password: str, new_password: str, confirmation: str) -> None:
        """ACC-11 / D6: requires the current password; ends the other sessions and outstanding reset links."""
        principal, account = self._reauthenticate(session_token, current_password, allow_initial=True)
        check_new_password(
            new_password,
            confirmation,
            _password_context(account.identity, None),
            field="new_password",
            confirmation_field="new_password_confirmation",
        )
        if new_password == current_password:
            raise ValidationError.single(
                "new_password", "unchanged", "Le nouveau mot de passe doit être différent de l'actuel."
            )
        now = self._clock.now()
        self._refuse_breached(new_password, "new_password", now, account.id)
        password_hash = self._hasher.hash(new_password)
        with self._uow() as uow:
            uow.accounts.update(account.change_password(password_hash))
            uow.tokens.revoke_for_account(
                account.id, (TokenPurpose.RESET, TokenPurpose.SESSION), keep=principal.session_digest
            )
            self._mail(uow, account, password_changed_mail(), now)
            uow.audit.append(AuditRecord.of(now, "password_changed", f"candidate:{account.id}", account.id))
            uow.commit()

    def change_email(self, session_token: str, current_password: str, new_email: str, confirmation: str) -> None:
        """ACC-11 / F3: re-authentication, uniqueness kept, the old address told, outstanding links revoked.

        Decision: the new address is used at once (no second confirmation loop); the old one is told by mail.
        """
        _, account = self._reauthenticate(session_token, current_password, allow_initial=False)
        email = parse_email(new_email, "new_email")
        if email_key(confirmation or "") != email.key:
            raise ValidationError.single(
                "new_email_confirmation",
                "confirmation_mismatch",
                "La confirmation de l'adresse mail ne correspond pas.",
            )
        now = self._clock.now()
        old = account.email
        with self._uow() as uow:
            uow.accounts.update(account.change_email(email))
            uow.tokens.revoke_for_account(account.id, _LINK_PURPOSES)
            if old is not None and old.key != email.key:
                self._mail(uow, account, email_changed_mail(mask_email(email.display)), now)
            uow.audit.append(AuditRecord.of(now, "email_changed", f"candidate:{account.id}", account.id))
            uow.commit()

    def update_identity(self, session_token: str, form: IdentityForm) -> AccountView:
        """ACC-11: every identity field can change until the first candidature exists; then IdentityFrozen."""
        now = self._clock.now()
        check_form(form)
        errors = ErrorCollector()
        identity = self._parse_identity(form, errors, now, confirmations=form)
        identity = errors.checked(identity)
        with self._uow() as uow:
            principal = self._principal(uow, session_token, now, False)
            account = self._account(uow, principal.account_id, lock=True)  # serialised with a first save (ACC-11)
            updated = account.change_identity(identity, has_candidatures=uow.candidatures.has_any(account.id))
            uow.accounts.update(updated)
            uow.audit.append(AuditRecord.of(now, "identity_changed", f"candidate:{account.id}", account.id))
            uow.commit()
        return AccountView.of(updated)

    def delete_account(self, session_token: str) -> None:
        """ACC-12: refused while a candidature is attached, with the guide's message; otherwise erases the
        account's data, ends its sessions, revokes its links and drops its pending mails (F6), then confirms."""
        now = self._clock.now()
        with self._uow() as uow:
            principal = self._principal(uow, session_token, now, False)
            account = self._account(uow, principal.account_id)
            if uow.candidatures.has_any(account.id):
                raise AccountHasCandidatures()
            uow.tokens.revoke_for_account(account.id, tuple(TokenPurpose))
            uow.outbox.discard_for_account(account.id)
            if not uow.accounts.remove(account.id, account.version):
                raise ConcurrencyConflict()
            if account.email is not None:
                self._mail(uow, None, account_deleted_mail(), now, recipient=account.email.display)
            uow.audit.append(AuditRecord.of(now, "account_deleted", f"candidate:{account.id}", account.id))
            uow.commit()

    def purge_expired_tokens(self) -> int:
        """Housekeeping: drop links and sessions past their absolute expiry."""
        with self._uow() as uow:
            removed = uow.tokens.remove_expired(self._clock.now())
            uow.commit()
            return removed

    # -- helpers ----------------------------------------------------------------------------------------------

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(new_token())
        return self._dummy_hash

    def _reauthenticate(self, session_token: str, password: str, *, allow_initial: bool) -> tuple[Principal, Account]:
        with self._uow() as uow:
            principal = self._principal(uow, session_token, self._clock.now(), allow_initial)
            account = self._account(uow, principal.account_id)
            uow.commit()
        if not self._hasher.verify(account.password_hash, password):
            raise ValidationError.single("current_password", "wrong_password", "Le mot de passe actuel est incorrect.")
        return principal, account

    def _principal(self, uow: UnitOfWork, session_token: str, now: datetime, allow_initial: bool) -> Principal:
        issued = uow.tokens.get(digest(session_token))
        if issued is None or issued.purpose is not TokenPurpose.SESSION:
            raise SessionExpired()
        last = issued.last_used_at or issued.issued_at
        account = uow.accounts.get(issued.account_id)
        if account is None or issued.expired(now) or now - last > self.settings.session_idle_timeout:
            uow.tokens.revoke(issued.digest)
            uow.commit()
            raise SessionExpired()
        if account.must_change_password and not allow_initial:
            raise PasswordChangeRequired()
        uow.tokens.touch(issued.digest, now)
        return Principal(account.id, issued.digest, account.must_change_password)

    @staticmethod
    def _account(uow: UnitOfWork, account_id: str, *, lock: bool = False) -> Account:
        account = uow.accounts.lock(account_id) if lock else uow.accounts.get(account_id)
        if account is None:
            raise AccountNotFound()
        return account

    @staticmethod
    def _valid_link(
        uow: UnitOfWork, token: str, purpose: TokenPurpose, now: datetime, *, allow_used: bool
    ) -> IssuedToken:
        issued = uow.tokens.get(digest(token))
        if issued is None or issued.purpose is not purpose or (issued.used_at is not None and not allow_used):
            raise InvalidLink()
        if issued.used_at is None and issued.expired(now):
            raise ActivationExpired() if purpose is TokenPurpose.ACTIVATION else LinkExpired()
        return issued

    @staticmethod
    def _issue(
        uow: UnitOfWork,
        account: Account,
        purpose: TokenPurpose,
        token: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        uow.tokens.add(IssuedToken(digest(token), purpose, account.id, now, expires_at))

    @staticmethod
    def _mail(
        uow: UnitOfWork, account: Account | None, content: MailContent, now: datetime, *, recipient: str | None = None
    ) -> None:
        to = recipient or (account.email.display if account is not None and account.email is not None else None)
        if to is not None:
            queue_mail(uow, content, now, recipient=to, account_id=account.id if account is not None else None)

    def parse_identity(self, form: IdentityForm, errors: ErrorCollector, now: datetime) -> Identity | None:
        """Parse an identity form with its confirmations, recording refusals in ``errors`` (for other services)."""
        return self._parse_identity(form, errors, now, confirmations=form)

    def _parse_identity(
        self, form: _IdentityFields, errors: ErrorCollector, now: datetime, *, confirmations: object | None
    ) -> Identity | None:
        today = paris(now).date()
        civility = errors.attempt(parse_civility, form.civility, "civility")
        birth_name = errors.attempt(parse_person_name, form.birth_name, "birth_name")
        usage_name = errors.attempt(parse_person_name, form.usage_name, "usage_name", required=False)
        first_names = errors.attempt(parse_person_name, form.first_names, "first_names")
        birth_date = errors.attempt(parse_birth_date, form.birth_date, today, "birth_date")
        if confirmations is not None:
            name_confirmation = getattr(confirmations, "birth_name_confirmation", None)
            if birth_name is not None and _fold_name(name_confirmation) != _fold_name(birth_name):
                errors.add(
                    "birth_name_confirmation",
                    "confirmation_mismatch",
                    "La confirmation du nom de naissance ne correspond pas.",
                )
            date_confirmation = getattr(confirmations, "birth_date_confirmation", None)
            if birth_date is not None and (date_confirmation or "").strip() != (form.birth_date or "").strip():
                errors.add(
                    "birth_date_confirmation",
                    "confirmation_mismatch",
                    "La confirmation de la date de naissance ne correspond pas.",
                )
        place = self._parse_birth_place(form, errors)
        if civility is None or birth_name is None or first_names is None or birth_date is None or place is None:
            return None
        return Identity(civility, birth_name, usage_name, first_names, birth_date, place)

    def _parse_birth_place(self, form: _IdentityFields, errors: ErrorCollector) -> BirthPlace | None:
        country = self._birthplaces.country((form.birth_country or "").strip())
        if country is None:
            errors.add("birth_country", "unknown_country", "Veuillez sélectionner un pays de naissance.")
            return None
        if country.code != FRANCE:
            commune_name = errors.attempt(parse_person_name, form.birth_commune, "birth_commune")
            return (
                None if commune_name is None else BirthPlace(country.code, country.name, None, None, None, commune_name)
            )
        departement = self._birthplaces.departement((form.birth_departement or "").strip())
        if departement is None:
            errors.add(
                "birth_departement",
                "unknown_departement",
                "Veuillez sélectionner le département, DOM ou COM de naissance.",
            )
            return None
        commune = self._birthplaces.commune(departement.code, (form.birth_commune or "").strip())
        if commune is None:
            errors.add("birth_commune", "unknown_commune", "Cette commune n'existe pas dans le département choisi.")
            return None
        return BirthPlace(country.code, country.name, departement.code, departement.name, commune.code, commune.name)


@frozen
class _LoginCounters:
    """The limiter keys of one login attempt: ``pair`` (account and source, or the account alone without a source),
    whose consecutive failures decide the delays of ``login_throttle``; with a source, ``source`` (the source's
    current window, every account) and ``account`` (every source, for this account) count the same failures
    for their own limits (:meth:`AccountService._login_throttled`)."""

    pair: str
    source: str | None = None
    account: str | None = None

    @property
    def shared(self) -> tuple[str, ...]:
        return tuple(key for key in (self.source, self.account) if key is not None)


def _fold_name(value: str | None) -> str:
    return unicodedata.normalize("NFC", " ".join((value or "").split())).replace("’", "'").casefold()


def _password_context(identity: Identity | None, form: CreateAccountForm | None) -> PasswordContext:
    if identity is not None:
        names = tuple(n for n in (identity.birth_name, identity.usage_name, identity.first_names) if n)
        return PasswordContext(names=names, birth_date=identity.birth_date)
    if form is not None:
        return PasswordContext(names=tuple(n for n in (form.birth_name, form.usage_name, form.first_names) if n))
    return PasswordContext()


def _identifier_key(identifier: str) -> str:
    """A throttling key for what a visitor typed: its normalised form, hashed. The counters need only equality, and
    the typed address may be a non-user's (L1: no email kept in clear outside its account)."""
    return digest(email_key(identifier))


def _can_reset(account: Account, now: datetime) -> bool:
    """Whether "Mot de passe oublié" mails a link for ``account``: an active one, or an unactivated one within its
    48 h — the link then activates it, so that an address taken by someone else's unactivated sign-up can be
    claimed by its owner (issue 15)."""
    pending = account.state is AccountState.PENDING and not account.activation_expired(now)
    return account.email is not None and (account.is_active or pending)


def _find_by_identifier(uow: UnitOfWork, identifier: str) -> Account | None:
    """The account an identifier names; ``None`` for an unknown one, and for text no storage can hold (issue 15)."""
    text = lookup_key(identifier.strip())
    if text is None:
        return None
    kind = classify_identifier(text)
    if kind is IdentifierKind.EMAIL:
        return uow.accounts.find_by_email(email_key(text))
    if kind is IdentifierKind.CANDIDATE_NUMBER:
        return uow.accounts.find_by_candidate_number(text)
    if kind is IdentifierKind.CYCLADES_LOGIN:
        return uow.accounts.find_by_login(text.lower())
    return None


def _login_base(identity: Identity) -> str:
    def slug(text: str) -> str:
        words = skeleton_words(text)
        return "-".join(w for w in words if w.isalpha()) or "candidat"

    first = identity.first_names.split()[0] if identity.first_names.split() else identity.first_names
    return f"{slug(identity.birth_name)}.{slug(first)}"


def _initial_password() -> str:
    """Random, 16 characters, meeting ACC-03 (upper, lower, digit, special)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = [secrets.choice(alphabet) for _ in range(13)]
        body += [
            secrets.choice(string.ascii_uppercase),
            secrets.choice(string.ascii_lowercase),
            secrets.choice("!*./-"),
        ]
        secrets.SystemRandom().shuffle(body)
        candidate = "".join(body)
        if not policy_errors(candidate):
            return candidate
