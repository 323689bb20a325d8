"""Scolaire candidates (POR-02): the account an establishment creates for a pupil, with a Cyclades login and an
initial password to change at first login (C6). Used by the establishments' préinscription
(:class:`~cyclades_core.usecases.management.EstablishmentService`)."""

from __future__ import annotations

import secrets
import string
import uuid

from cyclades_core.errors import DuplicateAccount, EmailAlreadyUsed
from cyclades_core.model.account import Account, AccountKind, AccountState, Identity
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.passwords import policy_errors, skeleton_words
from cyclades_core.model.text import check_form
from cyclades_core.model.values import CandidateNumber, EmailAddress, ErrorCollector, parse_email
from cyclades_core.timeutil import paris
from cyclades_core.usecases.account_forms import ScolaireCredentials, ScolaireRegistrationForm
from cyclades_core.usecases.account_support import AccountPorts, AccountSection
from cyclades_core.usecases.identities import IdentityParser

__all__ = ["ESTABLISHMENT_CODE_MAX", "ScolaireRegistrar"]


#: An establishment's code (UAI, e.g. ``0250013D``) has 8 characters; longer codes are refused.
ESTABLISHMENT_CODE_MAX = 16


class ScolaireRegistrar(AccountSection):
    """Checks and creates scolaire accounts. Methods raise only :class:`~cyclades_core.errors.CycladesError`."""

    def __init__(self, ports: AccountPorts, *, identities: IdentityParser) -> None:
        super().__init__(ports)
        self._identities = identities

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
        identity = self._identities.parse(form, errors, self._clock.now(), confirmations=None)
        email = errors.attempt(parse_email, form.email, "email") if form.email and form.email.strip() else None
        code = (form.establishment_code or "").strip()
        if not code:
            errors.add("establishment_code", "required", "Le code de l'établissement est obligatoire.")
        elif not code.isalnum() or len(code) > ESTABLISHMENT_CODE_MAX:
            errors.add("establishment_code", "invalid", "Le code de l'établissement est invalide.")
        return errors.checked(identity), email


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
