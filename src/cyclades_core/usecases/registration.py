""" "Je n'ai pas de compte, je le crée" (guide, section 3): account creation, the activation link and its resend,
and the purge of accounts never activated (ACC-01 … ACC-07)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cyclades_core.errors import ActivationExpired, InvalidLink, TooManyRequests
from cyclades_core.model.account import Account, AccountKind, AccountState
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.mail import activation_mail
from cyclades_core.model.passwords import check_new_password
from cyclades_core.model.text import check_form, check_int, lookup_key
from cyclades_core.model.tokens import TokenPurpose, digest, new_token
from cyclades_core.model.values import CandidateNumber, ErrorCollector, email_key, parse_email
from cyclades_core.timeutil import paris
from cyclades_core.usecases.account_forms import AccountCreated, Activation, CreateAccountForm
from cyclades_core.usecases.account_support import (
    AccountPorts,
    AccountSection,
    BreachedPasswordCheck,
    erase_expired_pending,
    identifier_key,
    issue_token,
    mail_account,
    password_context,
    valid_link,
)
from cyclades_core.usecases.identities import IdentityParser

__all__ = ["AccountCreationService"]


class AccountCreationService(AccountSection):
    """Creating and activating an individual candidate's account. Methods raise only
    :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(self, ports: AccountPorts, *, identities: IdentityParser, passwords: BreachedPasswordCheck) -> None:
        super().__init__(ports)
        self._identities = identities
        self._passwords = passwords

    def create_account(self, form: CreateAccountForm, *, source: str | None = None) -> AccountCreated:
        """ACC-01 … ACC-04: validate every field, then create the pending account and queue the activation mail.

        Throttled per ``source`` (the client's address the web layer passes, kept hashed):
        ``creations_per_source_per_hour``, whatever addresses they name, so repeated creations for someone else's
        address are refused to their source and never to the owner's. Without a source (library callers), per
        email: ``creations_per_hour``.

        An account still pending past its 48 h holds the address no longer (ACC-15, « Passé ce délai, vos
        informations seront effacées, vous devrez recommencer votre démarche de création de compte »): it is erased
        and replaced in the same unit of work, whether or not the purge has run yet.

        Raises ValidationError (every wrong field at once), EmailAlreadyUsed, TooManyRequests.
        """
        check_form(form)
        now = self._clock.now()
        errors = ErrorCollector()
        identity = self._identities.parse(form, errors, now, confirmations=form)
        email = errors.attempt(parse_email, form.email, "email")
        if email is not None and email_key(form.email_confirmation or "") != email.key:
            errors.add(
                "email_confirmation",
                "confirmation_mismatch",
                "La confirmation de l'adresse mail ne correspond pas.",
            )
        context = password_context(identity, form)
        password = errors.attempt(check_new_password, form.password, form.password_confirmation, context)
        identity, email, password = errors.checked(identity), errors.checked(email), errors.checked(password)

        hour = timedelta(hours=1)
        if source is not None:
            allowed = self._limiter.hit(
                f"create-source:{digest(source)}", now, self.settings.creations_per_source_per_hour, hour
            )
        else:
            allowed = self._limiter.hit(
                f"create:{identifier_key(email.key)}", now, self.settings.creations_per_hour, hour
            )
        if not allowed:
            raise TooManyRequests(retry_after=3600)
        # After the throttle: a flood of sign-ups is not a flood of corpus lookups (nor of audit rows when it is down).
        self._passwords.refuse_breached(password, "password", now)
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
            expired = uow.accounts.find_by_email(email.key)
            if expired is not None and expired.activation_expired(now):
                erase_expired_pending(uow, expired, now, reason="replaced")  # if activated meanwhile, add refuses below
            uow.accounts.add(account)
            issue_token(uow, account, TokenPurpose.ACTIVATION, token, now, deadline)
            mail_account(uow, account, activation_mail(self.settings.link("activer-mon-compte", token)), now)
            uow.audit.append(AuditRecord.of(now, "account_created", "anonymous", account.id, kind="individual"))
            uow.commit()
        return AccountCreated(account.id, str(account.candidate_number), email.display, deadline)

    def resend_activation(self, email: str) -> None:
        """ACC-06: a new link, the old one revoked, the deadline NOT extended (B6).

        Unknown or already active addresses get the same silent answer, and the same cooldown: a second request for
        an address inside it raises TooManyRequests whether or not a pending account holds the address (counted by
        the address before anything is looked up, so the refusal tells nothing, E2).
        """
        now = self._clock.now()
        key = lookup_key(email_key(email)) if isinstance(email, str) else None
        if key is None:  # no account can hold it
            return
        # The limiter is consulted outside any unit of work: it has its own transactions (one writer at a time).
        if not self._limiter.hit(f"resend:{digest(key)}", now, 1, self.settings.resend_cooldown):
            raise TooManyRequests(retry_after=self.settings.resend_cooldown.total_seconds())
        with self._uow() as uow:
            account = uow.accounts.find_by_email(key)
        deadline = account.activation_deadline if account is not None else None
        if account is None or deadline is None or account.is_active or account.activation_expired(now):
            return
        with self._uow() as uow:
            current = uow.accounts.get(account.id)
            if current is None or current.is_active:
                return
            uow.tokens.revoke_for_account(account.id, (TokenPurpose.ACTIVATION,))
            token = new_token()
            issue_token(uow, account, TokenPurpose.ACTIVATION, token, now, deadline)
            mail_account(
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
            issued = valid_link(uow, token, TokenPurpose.ACTIVATION, self._clock.now(), allow_used=True)
            return issued.account_id

    def activate(self, token: str) -> Activation:
        """ACC-07: the link creates and validates the account, once. A second use reports "already active"."""
        now = self._clock.now()
        with self._uow() as uow:
            issued = valid_link(uow, token, TokenPurpose.ACTIVATION, now, allow_used=True)
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
                    if erase_expired_pending(uow, account, now):
                        uow.commit()
                        erased += 1
                        progressed += 1
            if progressed == 0:
                return erased
