"""Small pieces the account services share (as :mod:`~cyclades_core.usecases.ownership` is for candidatures): reading
an account, issuing and checking links, queueing an account's mail, resolving what a visitor typed, the password
context and the breached-password check. No service calls another service's public method: they call these."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.errors import AccountNotFound, ActivationExpired, InvalidLink, LinkExpired, ValidationError
from cyclades_core.model.account import Account, AccountState, Identity
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.mail import MailContent
from cyclades_core.model.passwords import PasswordContext, check_new_password
from cyclades_core.model.text import lookup_key
from cyclades_core.model.tokens import IssuedToken, TokenPurpose, digest
from cyclades_core.model.values import IdentifierKind, classify_identifier, email_key
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.security import BreachedPasswords, CandidateNumberAllocator, PasswordHasher, RateLimiter
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.usecases.account_forms import CreateAccountForm
from cyclades_core.usecases.account_settings import AccountSettings
from cyclades_core.usecases.mail import queue_mail

__all__ = [
    "BREACHED_MESSAGE",
    "BREACH_CHECK_UNAVAILABLE",
    "LINK_PURPOSES",
    "AccountPorts",
    "AccountSection",
    "BreachedPasswordCheck",
    "can_reset",
    "check_new_account_password",
    "find_by_identifier",
    "get_account",
    "identifier_key",
    "issue_token",
    "mail_account",
    "password_context",
    "valid_link",
]

BREACHED_MESSAGE = "Ce mot de passe figure dans des fuites de données connues. Veuillez en choisir un autre."
BREACH_CHECK_UNAVAILABLE = (
    "La vérification du mot de passe est momentanément indisponible. Veuillez réessayer plus tard."
)
#: The purposes of the links a mail carries (activation, reset): revoked together when the address changes.
LINK_PURPOSES = (TokenPurpose.ACTIVATION, TokenPurpose.RESET)


@frozen(kw_only=True)
class AccountPorts:
    """The ports and the settings every account service shares, gathered once (:meth:`AccountSections.build
    <cyclades_core.usecases.accounts.AccountSections.build>`)."""

    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    numbers: CandidateNumberAllocator
    limiter: RateLimiter
    settings: AccountSettings


class AccountSection:
    """Base of the account services of the guide's sections: the shared ports, as attributes."""

    def __init__(self, ports: AccountPorts) -> None:
        self._uow = ports.uow
        self._clock = ports.clock
        self._hasher = ports.hasher
        self._numbers = ports.numbers
        self._limiter = ports.limiter
        self.settings = ports.settings


def get_account(uow: UnitOfWork, account_id: str, *, lock: bool = False) -> Account:
    """The account, locked for the rest of the unit of work when ``lock``; AccountNotFound when it is gone."""
    account = uow.accounts.lock(account_id) if lock else uow.accounts.get(account_id)
    if account is None:
        raise AccountNotFound()
    return account


def valid_link(uow: UnitOfWork, token: str, purpose: TokenPurpose, now: datetime, *, allow_used: bool) -> IssuedToken:
    """The issued link behind ``token``: InvalidLink when unknown, of another purpose or (unless ``allow_used``)
    used; ActivationExpired or LinkExpired when an unused one is past its expiry."""
    issued = uow.tokens.get(digest(token))
    if issued is None or issued.purpose is not purpose or (issued.used_at is not None and not allow_used):
        raise InvalidLink()
    if issued.used_at is None and issued.expired(now):
        raise ActivationExpired() if purpose is TokenPurpose.ACTIVATION else LinkExpired()
    return issued


def issue_token(
    uow: UnitOfWork, account: Account, purpose: TokenPurpose, token: str, now: datetime, expires_at: datetime
) -> None:
    """Store a new link or session; only its digest is kept."""
    uow.tokens.add(IssuedToken(digest(token), purpose, account.id, now, expires_at))


def mail_account(
    uow: UnitOfWork, account: Account | None, content: MailContent, now: datetime, *, recipient: str | None = None
) -> None:
    """Queue a mail to the account's address (or to ``recipient``), in the caller's unit of work (transactional
    outbox); nothing when there is no address."""
    to = recipient or (account.email.display if account is not None and account.email is not None else None)
    if to is not None:
        queue_mail(uow, content, now, recipient=to, account_id=account.id if account is not None else None)


def identifier_key(identifier: str) -> str:
    """A throttling key for what a visitor typed: its normalised form, hashed. The counters need only equality, and
    the typed address may be a non-user's (L1: no email kept in clear outside its account)."""
    return digest(email_key(identifier if isinstance(identifier, str) else ""))


def find_by_identifier(uow: UnitOfWork, identifier: str) -> Account | None:
    """The account an identifier names; ``None`` for an unknown one, for text no storage can hold (issue 15) and for
    anything but a ``str``."""
    text = lookup_key(identifier.strip()) if isinstance(identifier, str) else None
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


def can_reset(account: Account, now: datetime) -> bool:
    """Whether "Mot de passe oublié" mails a link for ``account``: an active one, or an unactivated one within its
    48 h — the link then activates it, so that an address taken by someone else's unactivated sign-up can be
    claimed by its owner (issue 15)."""
    pending = account.state is AccountState.PENDING and not account.activation_expired(now)
    return account.email is not None and (account.is_active or pending)


def password_context(identity: Identity | None, form: CreateAccountForm | None) -> PasswordContext:
    """What a new password must not contain (ACC-03): the names and birth date of the account or of the form."""
    if identity is not None:
        names = tuple(n for n in (identity.birth_name, identity.usage_name, identity.first_names) if n)
        return PasswordContext(names=names, birth_date=identity.birth_date)
    if form is not None:
        return PasswordContext(names=tuple(n for n in (form.birth_name, form.usage_name, form.first_names) if n))
    return PasswordContext()


def check_new_account_password(account: Account, new_password: str, confirmation: str) -> None:
    """ACC-03 for an existing account's new password (change or reset): the policy, the confirmation, and none of
    the account's names or birth date; ValidationError on ``new_password`` / ``new_password_confirmation``."""
    check_new_password(
        new_password,
        confirmation,
        password_context(account.identity, None),
        field="new_password",
        confirmation_field="new_password_confirmation",
    )


class BreachedPasswordCheck:
    """D3: a new password found in the breached-password corpus is refused, when a corpus is configured."""

    def __init__(
        self, *, uow: UnitOfWorkFactory, settings: AccountSettings, breached: BreachedPasswords | None
    ) -> None:
        self._uow = uow
        self._settings = settings
        self._breached = breached

    def refuse_breached(self, password: str, field: str, now: datetime, account_id: str | None = None) -> str:
        """The password, or ValidationError on ``field``. If the corpus cannot answer, follow
        ``settings.breached_passwords_unavailable``: accept and log, or refuse for now."""
        if self._breached is None:
            return password
        try:
            breached = self._breached.breached(password)
        except Exception as failure:  # whatever the adapter met (timeout, I/O, a bug), the decision is the same
            if self._settings.breached_passwords_unavailable == "closed":
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


def erase_expired_pending(uow: UnitOfWork, account: Account, now: datetime, *, reason: str | None = None) -> bool:
    """Erase an account left pending past its deadline, with its links and mails (B7), if it is still the version
    read (an activation racing the erasure wins, B8). Returns whether it was erased; the caller commits."""
    uow.tokens.revoke_for_account(account.id, tuple(TokenPurpose))
    uow.outbox.discard_for_account(account.id)
    if not uow.accounts.remove(account.id, account.version):
        return False
    details = {"reason": reason} if reason else {}
    uow.audit.append(AuditRecord.of(now, "account_purged", "system", account.id, **details))
    return True
