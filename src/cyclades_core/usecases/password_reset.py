""" "Mot de passe oublié" (guide, section 3): the reset link, mailed to the address on record, and the new password
it sets (ACC-10, E1 … E8)."""

from __future__ import annotations

from datetime import timedelta

from cyclades_core.errors import InvalidLink, LinkExpired, ValidationError
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.mail import password_changed_mail, reset_mail
from cyclades_core.model.text import lookup_key
from cyclades_core.model.tokens import TokenPurpose, digest, new_token
from cyclades_core.model.values import IdentifierKind, classify_identifier, email_key, mask_email
from cyclades_core.usecases.account_forms import ResetRequested
from cyclades_core.usecases.account_support import (
    AccountPorts,
    AccountSection,
    BreachedPasswordCheck,
    can_reset,
    check_new_account_password,
    find_by_identifier,
    get_account,
    identifier_key,
    issue_token,
    mail_account,
    valid_link,
)

__all__ = ["PasswordResetService"]


class PasswordResetService(AccountSection):
    """Requesting and using a reset link. Methods raise only :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(self, ports: AccountPorts, *, passwords: BreachedPasswordCheck) -> None:
        super().__init__(ports)
        self._passwords = passwords

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

        An empty identifier is a ValidationError naming ``login`` (the field is mandatory, and says nothing of any
        account). A later request revokes earlier links. Throttled per identifier, per account and, when the web layer passes
        the client's address as ``source``, per source (E4); a refused request only queues no mail. A request the
        source limit refuses counts against nothing else. The source is kept only hashed, until the limiter's
        counters expire.
        """
        if not isinstance(identifier, str) or not identifier.strip():  # « Identifiant de connexion : * »
            raise ValidationError.single("login", "required", "Ce champ est obligatoire.")
        now = self._clock.now()
        outcome = self._reset_outcome(identifier)
        minute = timedelta(minutes=1)
        per_minute = self.settings.reset_requests_per_minute
        # The source first: a request it refuses touches no other counter, so one source cannot use up the
        # per-identifier allowance of many victims (E4).
        per_source = self.settings.reset_requests_per_source_per_minute
        if source is not None and not self._limiter.hit(f"reset-source:{digest(source)}", now, per_source, minute):
            return outcome
        typed_key = identifier_key(identifier)
        allowed = self._limiter.hit(f"reset:{typed_key}", now, per_minute, minute)
        with self._uow() as uow:
            found = find_by_identifier(uow, identifier)
        # Without an account the typed identifier stands in for it, so every request hits the same counters.
        subject = found.id if found is not None else typed_key
        per_account, cooldown = f"reset-account:{subject}", f"reset-mail:{subject}"
        if not allowed or not self._limiter.hit(per_account, now, per_minute, minute):
            return outcome
        # One link per cooldown: a request within it neither mails nor revokes the link already sent (the owner's
        # mailbox cannot be flooded, nor their link kept revoked, by someone else's requests).
        if not self._limiter.hit(cooldown, now, 1, self.settings.reset_cooldown):
            return outcome
        token = new_token()
        with self._uow() as uow:
            current = uow.accounts.get(found.id if found is not None else typed_key)
            account = current if current is not None and can_reset(current, now) else None
            uow.tokens.revoke_for_account(account.id if account is not None else typed_key, (TokenPurpose.RESET,))
            if account is not None:
                expires_at = now + self.settings.reset_ttl
                if account.activation_deadline is not None:  # unactivated: the link ends with the account's 48 h
                    expires_at = min(expires_at, account.activation_deadline)
                issue_token(uow, account, TokenPurpose.RESET, token, now, expires_at)
                mail_account(uow, account, reset_mail(self.settings.link("modifier-mon-mot-de-passe", token)), now)
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
        if lookup_key(typed) is None:  # a surrogate or a control character: nothing to echo (no page could print it)
            return ResetRequested(None)
        if not self.settings.show_masked_contact or classify_identifier(typed) is not IdentifierKind.EMAIL:
            return ResetRequested(None)
        return ResetRequested(mask_email(email_key(typed)))

    def check_reset_link(self, token: str) -> str:
        """Read-only check of a reset link (B5); returns the account id. Raises InvalidLink or LinkExpired."""
        with self._uow() as uow:
            return valid_link(uow, token, TokenPurpose.RESET, self._clock.now(), allow_used=False).account_id

    def reset_password(self, token: str, new_password: str, confirmation: str) -> None:
        """ACC-10: set a new password (ACC-03 policy) through a reset link, which works once (E6).

        Ends every session and logs nobody in (E7); queues the "password changed" mail. The link of an unactivated
        account also activates it (it proves the mailbox, as the activation link does): the owner of an address
        someone else signed up with sets their own password (issue 15). Such a link ends with the activation
        deadline.
        """
        now = self._clock.now()
        with self._uow() as uow:
            issued = valid_link(uow, token, TokenPurpose.RESET, now, allow_used=False)
            account = get_account(uow, issued.account_id)
        check_new_account_password(account, new_password, confirmation)
        self._passwords.refuse_breached(new_password, "new_password", now, account.id)
        password_hash = self._hasher.hash(new_password)
        with self._uow() as uow:
            if not uow.tokens.mark_used(issued.digest, now):
                raise InvalidLink()
            current = get_account(uow, account.id)
            if current.activation_expired(now):
                raise LinkExpired()
            if current.is_active:
                uow.accounts.update(current.change_password(password_hash))
            else:  # an unactivated account: the link proved the mailbox, as the activation link does (issue 15)
                uow.accounts.update(current.activate_with_password(now, password_hash))
                uow.audit.append(AuditRecord.of(now, "account_activated", "candidate", account.id, by="reset"))
            uow.tokens.revoke_for_account(account.id, (TokenPurpose.RESET, TokenPurpose.SESSION), keep=issued.digest)
            mail_account(uow, current, password_changed_mail(), now)
            uow.audit.append(AuditRecord.of(now, "password_reset", "anonymous", account.id))
            uow.commit()
        # The new password is unknown to whoever failed before: the account's counters start afresh (a source's
        # own delay for this account, keyed by a source this call does not know, runs out by itself).
        self._limiter.clear(f"login:{account.id}")
        self._limiter.clear(f"login-account:{account.id}")
