""" "Modifier mon compte" and "Supprimer mon compte" (guide, sections 4 and 5), and the right of access: the account
as shown, its password, email and identity changed, its deletion, and the export of its personal data (ACC-11,
ACC-12, L3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cyclades_core.errors import (
    AccountHasCandidatures,
    ConcurrencyConflict,
    EmailAlreadyUsed,
    TooManyRequests,
    ValidationError,
)
from cyclades_core.model.account import Account
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature
from cyclades_core.model.mail import account_deleted_mail, email_changed_mail, password_changed_mail
from cyclades_core.model.text import check_form
from cyclades_core.model.tokens import TokenPurpose
from cyclades_core.model.values import ErrorCollector, email_key, mask_email, parse_email
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.usecases.account_forms import AccountView, IdentityForm, PersonalData, Principal
from cyclades_core.usecases.account_support import (
    LINK_PURPOSES,
    AccountPorts,
    AccountSection,
    BreachedPasswordCheck,
    check_new_account_password,
    erase_expired_pending,
    get_account,
    mail_account,
)
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.identities import IdentityParser
from cyclades_core.usecases.login_throttle import LoginThrottle
from cyclades_core.usecases.service_contact import contact_lines

__all__ = ["MyAccountService"]


#: Audit actions kept out of the right-of-access export: refusals of another account's objects (L4), whose presence
#: would tell the prober that the id it tried exists.
_SECURITY_ONLY = frozenset({"authz_fail"})


class MyAccountService(AccountSection):
    """What a signed-in candidate does with their own account. Methods raise only
    :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(
        self,
        ports: AccountPorts,
        *,
        authenticator: SessionAuthenticator,
        identities: IdentityParser,
        passwords: BreachedPasswordCheck,
        catalogue: Catalogue | None = None,
    ) -> None:
        super().__init__(ports)
        self._authenticator = authenticator
        self._identities = identities
        self._passwords = passwords
        self._catalogue = catalogue

    def account(self, session_token: str) -> AccountView:
        """ "Modifier mon compte" shows the account first, whether its identity can still change (ACC-11), and then
        the managing services to contact for a correction (« dont les coordonnées sont indiquées en haut de la
        page »): one per académie of the account's candidatures, latest first (with a catalogue)."""
        with self._uow() as uow:
            principal, touched = self._authenticator.check(uow, session_token, self._clock.now(), allow_initial=False)
            account = get_account(uow, principal.account_id)
            candidatures = uow.candidatures.for_account(account.id)
            if touched:
                uow.commit()
        return AccountView.of(
            account, identity_frozen=bool(candidatures), service_contacts=self._service_contacts(candidatures)
        )

    def _service_contacts(self, candidatures: Sequence[Candidature]) -> tuple[tuple[str, ...], ...]:
        if self._catalogue is None:
            return ()
        latest = sorted(candidatures, key=lambda c: c.created_at, reverse=True)
        academies = (self._catalogue.academie(code) for code in dict.fromkeys(c.academie_code for c in latest))
        return tuple(contact_lines(academie) for academie in academies if academie is not None)

    def export_my_data(self, session_token: str) -> PersonalData:
        """Right of access (L3): everything held about the signed-in account, read in one transaction. Password
        hashes and tokens stay out; another account's data never comes in."""
        now = self._clock.now()
        with self._uow() as uow:
            principal = self._authenticator.principal(uow, session_token, now, allow_initial=False)
            account = get_account(uow, principal.account_id)
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

    def change_password(
        self, session_token: str, current_password: str, new_password: str, confirmation: str, *,
        source: str | None = None,
    ) -> None:  # fmt: skip
        """ACC-11 / D6: requires the current password, throttled like a login (see :meth:`change_email`); ends the
        other sessions and outstanding reset links. Also the scolaire candidate's change of its initial password
        (C6)."""
        principal, account = self._reauthenticate(session_token, current_password, allow_initial=True, source=source)
        check_new_account_password(account, new_password, confirmation)
        if new_password == current_password:
            raise ValidationError.single(
                "new_password", "unchanged", "Le nouveau mot de passe doit être différent de l'actuel."
            )
        now = self._clock.now()
        self._passwords.refuse_breached(new_password, "new_password", now, account.id)
        password_hash = self._hasher.hash(new_password)
        with self._uow() as uow:
            uow.accounts.update(account.change_password(password_hash))
            uow.tokens.revoke_for_account(
                account.id, (TokenPurpose.RESET, TokenPurpose.SESSION), keep=principal.session_digest
            )
            mail_account(uow, account, password_changed_mail(), now)
            uow.audit.append(AuditRecord.of(now, "password_changed", f"candidate:{account.id}", account.id))
            uow.commit()

    def change_email(
        self, session_token: str, current_password: str, new_email: str, confirmation: str, *,
        source: str | None = None,
    ) -> None:  # fmt: skip
        """ACC-11 / F3: re-authentication, uniqueness kept, the old address told, outstanding links revoked.

        Decision: the new address is used at once (no second confirmation loop); the old one is told by mail.

        The current password is throttled as a login of the account is (ACC-14, C3): its failures count under the
        login's counters (per account, and per account and source with a ``source``, the client's address), and
        past ``login_throttle.free_failures`` even the right password is refused with TooManyRequests, unchecked,
        until the delay ends; failures are audited as the login's (``kind=reauth``). Whoever holds a session cannot
        guess the password without limit.
        """
        _, account = self._reauthenticate(session_token, current_password, allow_initial=False, source=source)
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
            holder = uow.accounts.find_by_email(email.key)
            if holder is not None and holder.id != account.id and holder.activation_expired(now):
                erase_expired_pending(uow, holder, now, reason="replaced")  # ACC-15: its 48 h are over
            try:
                uow.accounts.update(account.change_email(email))
            except EmailAlreadyUsed:
                raise EmailAlreadyUsed(field="new_email") from None
            uow.tokens.revoke_for_account(account.id, LINK_PURPOSES)
            if old is not None and old.key != email.key:
                mail_account(uow, account, email_changed_mail(mask_email(email.display)), now)
            uow.audit.append(AuditRecord.of(now, "email_changed", f"candidate:{account.id}", account.id))
            uow.commit()

    def update_identity(self, session_token: str, form: IdentityForm) -> AccountView:
        """ACC-11: every identity field can change until the first candidature exists; then IdentityFrozen."""
        now = self._clock.now()
        check_form(form)
        errors = ErrorCollector()
        identity = self._identities.parse(form, errors, now, confirmations=form)
        identity = errors.checked(identity)
        with self._uow() as uow:
            principal = self._authenticator.principal(uow, session_token, now, allow_initial=False)
            account = get_account(uow, principal.account_id, lock=True)  # serialised with a first save (ACC-11)
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
            principal = self._authenticator.principal(uow, session_token, now, allow_initial=False)
            account = get_account(uow, principal.account_id)
            if uow.candidatures.has_any(account.id):
                raise AccountHasCandidatures()
            uow.tokens.revoke_for_account(account.id, tuple(TokenPurpose))
            uow.outbox.discard_for_account(account.id)
            if not uow.accounts.remove(account.id, account.version):
                raise ConcurrencyConflict()
            if account.email is not None:
                mail_account(uow, None, account_deleted_mail(), now, recipient=account.email.display)
            uow.audit.append(AuditRecord.of(now, "account_deleted", f"candidate:{account.id}", account.id))
            uow.commit()

    def _reauthenticate(
        self, session_token: str, password: str, *, allow_initial: bool, source: str | None
    ) -> tuple[Principal, Account]:
        """The signed-in account, once its current password is checked under the login's throttle (the same keys
        as :meth:`SessionService.login` for this account: one budget of guesses for both doors). An empty (or
        non-text) password is a missing field, not a guess: refused before anything is counted."""
        if not isinstance(password, str) or not password:
            raise ValidationError.single("current_password", "required", "Ce champ est obligatoire.")
        now = self._clock.now()
        with self._uow() as uow:
            principal = self._authenticator.principal(uow, session_token, now, allow_initial=allow_initial)
            account = get_account(uow, principal.account_id)
            uow.commit()
        throttle = LoginThrottle(self._limiter, self.settings, "login")
        counters = throttle.counters(account.id, source, now)
        if throttle.throttled(counters, now):  # refused unchecked, and not counted (C3)
            self._audit_failure(now, account, "authn_login_lock", "throttled")
            raise TooManyRequests()
        if not self._hasher.verify(account.password_hash, password):
            self._audit_failure(now, account, throttle.failed(counters, now), "password")
            raise ValidationError.single("current_password", "wrong_password", "Le mot de passe actuel est incorrect.")
        throttle.succeeded(counters)
        return principal, account

    def _audit_failure(self, now: datetime, account: Account, action: str, reason: str) -> None:
        with self._uow() as uow:
            actor = f"candidate:{account.id}"
            uow.audit.append(AuditRecord.of(now, action, actor, account.id, kind="reauth", reason=reason))
            uow.commit()
