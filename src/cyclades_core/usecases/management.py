"""The managing service's acts on candidatures (MGR-04, MGR-05, MGR-06, UNS-04, UNS-05) and the establishments'
préinscriptions (POR-02).

A manager acts only on the académies it manages: anything else is refused as if the candidature did not exist for
it, and logged (``authz_fail``). Every act is audited with who, when, what, and the state from → to.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NoReturn

from attrs import field, frozen

from cyclades_core.errors import (
    CandidatureNotFound,
    CatalogueNotFound,
    EmailAlreadyUsed,
    FieldError,
    ForbiddenError,
    ValidationError,
)
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature, CandidatureState, EpreuveCount, ListPosition
from cyclades_core.model.text import check_form, check_text, lookup_key
from cyclades_core.model.values import ErrorCollector
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.usecases.account_forms import (
    IdentityForm,
    ScolaireCredentials,
    ScolaireRegistrationForm,
)
from cyclades_core.usecases.forms import (
    RECAP_TAB,
    AcquisForm,
    CandidatureDraft,
    DiplomaForm,
    EpreuvesForm,
    IdentificationForm,
    InformationsForm,
    QualificationForm,
    parse_content,
)
from cyclades_core.usecases.identities import IdentityParser
from cyclades_core.usecases.ownership import check_manager, managed_candidature, refuse_manager
from cyclades_core.usecases.publication import publish_confirmation
from cyclades_core.usecases.recapitulatif import Recapitulatif, build_recapitulatif
from cyclades_core.usecases.scolaire import ScolaireRegistrar

__all__ = ["CandidatureRow", "EstablishmentService", "Manager", "ManagerService", "PreinscriptionForm"]


@frozen
class Manager:
    """A person of the managing service, and the académies it manages."""

    id: str
    academie_codes: tuple[str, ...]


#: The managing service's list comes by pages of this many rows unless asked otherwise, and at most MAX_PAGE_SIZE.
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000


@frozen
class CandidatureRow:
    """One line of the manager's list (MGR-05)."""

    candidature_id: str
    candidate_number: str
    name: str
    inscription_number: str
    session_id: str
    academie_code: str
    specialite_code: str
    state: CandidatureState
    version: int
    created_at: datetime

    @property
    def position(self) -> ListPosition:
        """Where this row stands in the list: pass the last row of a page as ``after`` for the next page."""
        return ListPosition(self.session_id, self.academie_code, self.created_at, self.candidature_id)

    @property
    def state_label(self) -> str:
        """``Désinscrit par le candidat``…"""
        return self.state.value


class ManagerService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, clock: Clock, identities: IdentityParser, catalogue: Catalogue
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._identities = identities
        self._catalogue = catalogue

    def candidatures(
        self,
        manager: Manager,
        *,
        session_id: str | None = None,
        specialite_code: str | None = None,
        state: CandidatureState | None = None,
        academie_code: str | None = None,
        after: CandidatureRow | ListPosition | None = None,
        limit: int = PAGE_SIZE,
    ) -> list[CandidatureRow]:
        """MGR-05: the candidatures of the manager's académies with their state, filtered, by pages of at most
        ``limit`` rows (1 to :data:`MAX_PAGE_SIZE`) in the order of :class:`CandidatureRow.position`: session,
        académie, creation instant, then id. The next page starts ``after`` the last row of this one (the row, or its
        :class:`ListPosition` kept between requests); a page shorter than ``limit`` is the last."""
        check_manager(manager)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValidationError.single(
                "limit", "out_of_range", f"Le nombre de lignes par page doit être compris entre 1 et {MAX_PAGE_SIZE}."
            )
        if academie_code is not None and academie_code not in manager.academie_codes:
            with self._uow() as uow:
                self._refuse(uow, manager, None, "list", academie_code)
        codes = [academie_code] if academie_code else list(manager.academie_codes)
        filters = (session_id, specialite_code, *codes)
        if any(value is not None and lookup_key(value) is None for value in filters):
            return []  # a filter no storage can hold matches nothing
        with self._uow() as uow:
            found = uow.candidatures.search(
                academie_codes=codes, session_id=session_id, specialite_code=specialite_code, state=state,
                after=after.position if isinstance(after, CandidatureRow) else after, limit=limit,
            )  # fmt: skip
            accounts = uow.accounts.get_many({c.account_id for c in found})
        return [
            CandidatureRow(
                c.id, str(accounts[c.account_id].candidate_number) if c.account_id in accounts else "-",
                c.identity.display_name, c.inscription_number, c.session_id, c.academie_code,
                c.content.qualification.specialite_code, c.state, c.version, c.created_at,
            )
            for c in found
        ]  # fmt: skip

    def effectifs(
        self, manager: Manager, session_id: str, *, academie_code: str | None = None
    ) -> Sequence[EpreuveCount]:
        """Effectifs par épreuve: how many active candidatures of the session, in the manager's académies (or in
        one of them), hold each épreuve with each option, position and mode — to organise the épreuves."""
        check_manager(manager)
        if academie_code is not None and academie_code not in manager.academie_codes:
            with self._uow() as uow:
                self._refuse(uow, manager, None, "effectifs", academie_code)
        codes = [academie_code] if academie_code else list(manager.academie_codes)
        if lookup_key(session_id) is None or any(lookup_key(code) is None for code in codes):
            return ()
        with self._uow() as uow:
            return uow.candidatures.epreuve_counts(session_id=session_id, academie_codes=codes)

    def candidature(self, manager: Manager, candidature_id: str) -> Recapitulatif:
        """MGR-06: read a candidature's content as its Récapitulatif shows it (the candidate's answers, its
        numbers, version and épreuves), whatever its state. Another académie's candidature is refused
        (ForbiddenError) and logged ``authz_fail``; an unknown one is CandidatureNotFound."""
        with self._uow() as uow:
            candidature = self._managed(uow, manager, candidature_id)
            account = uow.accounts.get(candidature.account_id)
        session = self._catalogue.session(candidature.session_id)
        if account is None or session is None:
            raise CatalogueNotFound("Cette candidature ne peut pas être lue : son compte ou sa session manque.")
        return build_recapitulatif(
            self._catalogue, account, session, candidature.academie_code, candidature.content, candidature
        )

    def set_aside(self, manager: Manager, candidature_id: str, reason: str) -> Candidature:
        """MGR-04: set a candidature aside ("écartée"): it leaves "Mes inscriptions"."""
        return self._act(manager, candidature_id, "candidature_set_aside", Candidature.set_aside, reason)

    def reinstate(self, manager: Manager, candidature_id: str, reason: str) -> Candidature:
        return self._act(manager, candidature_id, "candidature_reinstated", Candidature.reinstate, reason)

    def delete(self, manager: Manager, candidature_id: str, reason: str) -> Candidature:
        """MGR-04: delete a candidature (kept, in state "Supprimée par le gestionnaire", for the record)."""
        return self._act(manager, candidature_id, "candidature_deleted", Candidature.delete, reason)

    def withdraw(self, manager: Manager, candidature_id: str, reason: str) -> Candidature:
        """UNS-04: after closing, the candidate asks the managing service, which withdraws it."""
        return self._act(
            manager,
            candidature_id,
            "candidature_withdrawn_by_manager",
            Candidature.withdraw_by_manager,
            reason,
        )

    def correct_identity(self, manager: Manager, candidature_id: str, form: IdentityForm, reason: str) -> Candidature:
        """MGR-04 / ACC-11: on the candidate's request, correct the frozen identity of the account and of its
        candidatures, in one unit of work."""
        now = self._clock.now()
        check_text(reason, "reason")
        errors = check_form(form, errors=ErrorCollector())
        identity = errors.checked(self._identities.parse_identity(form, errors, now))
        with self._uow() as uow:
            candidature = self._managed(uow, manager, candidature_id)
            account = uow.accounts.lock(candidature.account_id)  # no new candidature meanwhile (ACC-11)
            if account is None:
                raise CandidatureNotFound()
            candidatures = uow.candidatures.for_account(account.id)
            if any(c.academie_code not in manager.academie_codes for c in candidatures):
                raise ForbiddenError(
                    "Ce candidat a aussi une candidature dans une autre académie : "
                    "la correction relève des services de chacune."
                )
            uow.accounts.update(account.correct_identity(identity))
            corrected = candidature
            for other in candidatures:
                updated = other.correct_identity(identity, now)
                uow.candidatures.update(updated)
                publish_confirmation(uow, updated, now)  # the documents show the corrected identity
                if other.id == candidature_id:
                    corrected = updated
            uow.audit.append(
                AuditRecord.of(now, "identity_corrected", f"manager:{manager.id}", account.id,
                               candidature=candidature_id, reason=reason)
            )  # fmt: skip
            uow.commit()
        return corrected

    # -- helpers ------------------------------------------------------------------------------------------------

    def _act(
        self,
        manager: Manager,
        candidature_id: str,
        action: str,
        transition: Callable[[Candidature, datetime], Candidature],
        reason: str,
    ) -> Candidature:
        now = self._clock.now()
        check_text(reason, "reason")
        with self._uow() as uow:
            candidature = self._managed(uow, manager, candidature_id)
            changed = transition(candidature, now)
            uow.candidatures.update(changed)
            uow.audit.append(
                AuditRecord.of(now, action, f"manager:{manager.id}", candidature.account_id, candidature=candidature_id,
                               from_state=candidature.state.value, to_state=changed.state.value, reason=reason)
            )  # fmt: skip
            uow.commit()
        return changed

    def journal(self, manager: Manager, candidature_id: str) -> Sequence[AuditRecord]:
        """MGR-04 / I3: the audit trail of one candidature of the manager's académies, oldest first — the acts on
        it and the refusals about it (its records name it as ``candidature`` or ``target``). Another académie's:
        ForbiddenError (logged ``authz_fail``); unknown: CandidatureNotFound."""
        with self._uow() as uow:
            candidature = self._managed(uow, manager, candidature_id)
            records = uow.audit.for_account(candidature.account_id)
        return [
            record for record in records
            if candidature.id in (dict(record.details).get("candidature"), dict(record.details).get("target"))
        ]  # fmt: skip

    def _managed(self, uow: UnitOfWork, manager: Manager, candidature_id: str) -> Candidature:
        return managed_candidature(uow, manager, candidature_id, self._clock.now())

    def _refuse(self, uow: UnitOfWork, manager: Manager, account_id: str | None, what: str, academie: str) -> NoReturn:
        refuse_manager(uow, manager, account_id, what, academie, self._clock.now())


@frozen(kw_only=True)
class PreinscriptionForm:
    """One pupil an establishment registers (POR-02): the account part and the candidature's tabs."""

    pupil: ScolaireRegistrationForm
    identification: IdentificationForm
    informations: InformationsForm
    qualification: QualificationForm
    diploma: DiplomaForm
    epreuves: EpreuvesForm = field(factory=EpreuvesForm)


class EstablishmentService:
    """Establishments register their pupils: an account with a Cyclades login, and a candidature in
    préinscription that the pupil validates after logging in with the papillon (POR-02)."""

    def __init__(
        self, *, uow: UnitOfWorkFactory, clock: Clock, catalogue: Catalogue, scolaire: ScolaireRegistrar
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalogue = catalogue
        self._scolaire = scolaire

    def register(
        self, session_id: str, academie_code: str, pupils: Sequence[PreinscriptionForm]
    ) -> list[ScolaireCredentials]:
        """Check every pupil's candidature first (nothing is created if one is wrong), then create each account and
        its préinscription. Returns the papillons, in order."""
        check_form(list(pupils), "pupils")
        session = self._catalogue.session(session_id) if lookup_key(session_id) and lookup_key(academie_code) else None
        if session is None or self._catalogue.service(session_id, academie_code) is None:
            raise CatalogueNotFound("Aucun service d'inscription n'est configuré pour ce choix.")
        tabs = (*session.tabs, RECAP_TAB) if RECAP_TAB not in session.tabs else session.tabs
        listed = {e.code for e in self._catalogue.establishments(academie_code)}
        contents = []
        emails: dict[str, list[int]] = {}
        for index, pupil in enumerate(pupils):
            if listed and (pupil.pupil.establishment_code or "").strip() not in listed:
                raise ValidationError.single(
                    f"pupils[{index}].pupil.establishment_code", "invalid_choice",
                    "Cet établissement n'est pas un établissement d'inscription de l'académie.",
                )  # fmt: skip
            draft = CandidatureDraft(
                account_id="", session_id=session_id, academie_code=academie_code, tabs=tabs,
                identification=pupil.identification, informations=pupil.informations,
                qualification=pupil.qualification, acquis=AcquisForm(), diploma=pupil.diploma, epreuves=pupil.epreuves,
            )  # fmt: skip
            try:
                content = parse_content(draft, session, self._catalogue)
            except ValidationError as refused:
                raise refused.prefixed(f"pupils[{index}].") from None
            try:
                _, email = self._scolaire.check_scolaire(pupil.pupil)
            except ValidationError as refused:
                raise refused.prefixed(f"pupils[{index}].pupil.") from None
            if email is not None:
                emails.setdefault(email.key, []).append(index)
            contents.append(content)
        self._refuse_used_emails(emails)
        papillons = []
        for pupil, content in zip(pupils, contents, strict=True):
            papillon = self._scolaire.register_scolaire(pupil.pupil)
            now = self._clock.now()
            with self._uow() as uow:
                account = uow.accounts.get(papillon.account_id)
                if account is None or content is None:  # pragma: no cover - created just above
                    raise CandidatureNotFound()
                candidature = Candidature(
                    id=uuid.uuid4().hex, account_id=account.id,
                    inscription_number=uow.candidatures.next_inscription_number(account.id),
                    session_id=session_id, academie_code=academie_code, state=CandidatureState.PREINSCRIPTION,
                    content=content, identity=account.identity, created_at=now, updated_at=now,
                )  # fmt: skip
                uow.candidatures.add(candidature)
                uow.audit.append(
                    AuditRecord.of(now, "preinscription_created", f"establishment:{pupil.pupil.establishment_code}",
                                   account.id, candidature=candidature.id)
                )  # fmt: skip
                uow.commit()
            papillons.append(papillon)
        return papillons

    def _refuse_used_emails(self, emails: dict[str, list[int]]) -> None:
        """ACC-02 before anything is created: an email given twice in the list, or already an account's."""
        with self._uow() as uow:
            used = {key for key in emails if uow.accounts.find_by_email(key) is not None}
        refused = sorted(
            index for key, indexes in emails.items() for index in (indexes if key in used else indexes[1:])
        )
        if refused:
            raise ValidationError(
                FieldError(f"pupils[{index}].pupil.email", "email_already_used", EmailAlreadyUsed.default_message)
                for index in refused
            )
