"""Registering to an exam: the form tab by tab, the save and its versions, Mes inscriptions, withdrawal
(CAN-01 … CAN-14, UNS-01 … UNS-05, POR-02 préinscription).

The draft lives with the caller; every save goes through one unit of work that writes the candidature (or its next
version), the confirmation document, the outbox mail and the audit record together, or nothing.

Over 500 lines on purpose: this is one section of the guide (6 « S'inscrire à un examen », through 12
« Se désinscrire »), whose steps share the draft's checks and the opening policy; what stands on its own already
lives apart (the Récapitulatif in ``recapitulatif``, Mes inscriptions in ``inscriptions``, the tabs in ``forms``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import evolve, frozen

from cyclades_core.errors import (
    CandidatureAlreadyExists,
    CandidatureNotFound,
    CatalogueNotFound,
    ConcurrencyConflict,
    ForbiddenError,
    ValidationError,
    WithdrawalAfterClosing,
)
from cyclades_core.model.account import Account, AccountKind
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import (
    Candidature,
    CandidatureState,
    Position,
)
from cyclades_core.model.catalogue import Academie, ExamSession, RegistrationService
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import candidature_saved_mail, withdrawal_mail
from cyclades_core.model.text import check_choice, check_form, check_int, lookup_key
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import FileStore
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.timeutil import format_datetime
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.catalogue import OpeningPolicy
from cyclades_core.usecases.forms import (
    RECAP_TAB,
    TAB_FORMS,
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
    parse_content,
)
from cyclades_core.usecases.inscriptions import (
    InscriptionCard,
    MesInscriptions,
    PreviousCandidature,
    active_cards,
    exam_name,
    previous_candidatures,
)
from cyclades_core.usecases.mail import queue_mail
from cyclades_core.usecases.ownership import owned_candidature
from cyclades_core.usecases.pieces import sync_pieces
from cyclades_core.usecases.publication import publish_confirmation
from cyclades_core.usecases.recapitulatif import NOT_YET_SAVED, Recapitulatif, build_recapitulatif
from cyclades_core.usecases.service_contact import contact_lines

__all__ = [
    "NOT_YET_SAVED",
    "CandidatureService",
    "InscriptionCard",
    "MesInscriptions",
    "Recapitulatif",
    "SaveConfirmation",
    "draft_from",
]

#: CAN-10, the "N° Inscription" tab's paragraphs, word for word.
KEEP_DOCUMENTS = (
    "Vous devez impérativement prendre connaissance et conserver les documents suivants :",
    "- Le récapitulatif d'inscription",
    "- La liste des pièces justificatives indispensables pour la suite de l'examen.",
    'Ces documents sont mis à votre disposition dans votre espace candidat, menu "Mes documents". Vous pouvez '
    "également éditer la confirmation d'inscription au format pdf à l'aide du bouton \"Visualiser/Imprimer\", ou à "
    "défaut l'enregistrer.",
)
CONTACT_SENTENCE = (
    "Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous dépendez :"
)
WITHDRAWAL_QUESTION = (
    "Confirmez-vous la suppression de cette candidature (désinscription) ? "
    "La candidature ne sera plus visible et un mail vous confirmera la désinscription."
)


@frozen
class SaveConfirmation:
    """Tab "N° Inscription" after "Enregistrer" (CAN-10)."""

    candidature_id: str
    candidate_number: str
    inscription_number: str
    version: int
    saved_at: datetime
    closes_at: datetime
    academie: Academie
    documents: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """``Votre inscription a bien été prise en compte le 06/01/2020 à 16:28.``"""
        return f"Votre inscription a bien été prise en compte le {format_datetime(self.saved_at)}."

    @property
    def closing_sentence(self) -> str:
        return (
            "Vous pourrez consulter et, éventuellement, modifier les données de votre dossier avant la fermeture du "
            f"service fixée le : {format_datetime(self.closes_at)}."
        )

    @property
    def contact(self) -> tuple[str, ...]:
        """``ACADÉMIE DE REIMS`` / ``Rectorat de Reims`` / ``1, Rue Navier`` / … / ``contact@ac-reims.fr``; the
        académie's name alone where its contact is not configured (never a placeholder, DOC-05)."""
        return contact_lines(self.academie)

    @property
    def lines(self) -> tuple[str, ...]:
        return (
            self.sentence,
            f"Votre numéro candidat : {self.candidate_number}",
            f"Votre numéro d'inscription : {self.inscription_number}",
            self.closing_sentence,
        )

    @property
    def documents_paragraph(self) -> tuple[str, ...]:
        """The guide's paragraph on the documents to keep, line by line."""
        return KEEP_DOCUMENTS

    @property
    def contact_sentence(self) -> str:
        """« Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous
        dépendez : », before :attr:`contact`."""
        return CONTACT_SENTENCE

    @property
    def screen(self) -> tuple[str, ...]:
        """The whole "N° Inscription" tab in the guide's order: the lines, the documents to keep, and the service to
        contact (« Pour tout renseignement, vous pouvez contacter le service des examens et concours dont vous
        dépendez : » then the contact)."""
        return (*self.lines, *self.documents_paragraph, self.contact_sentence, *self.contact)


def draft_from(candidature: Candidature, tabs: tuple[str, ...]) -> CandidatureDraft:
    """The draft of "Modifier" (CAN-12): every tab filled from the saved content, based on its version."""
    content = candidature.content
    ident, info, qual = content.identification, content.informations, content.qualification
    address = ident.address
    parents = {e.parent for e in content.epreuves if e.parent}  # computed from their parts
    return CandidatureDraft(
        account_id=candidature.account_id,
        session_id=candidature.session_id,
        academie_code=candidature.academie_code,
        tabs=tabs,
        identification=IdentificationForm(
            country=address.country, street=address.street, complement1=address.complement1,
            complement2=address.complement2, complement3=address.complement3, postal_code=address.postal_code,
            locality=address.locality, pcs_code=ident.pcs_code, nationality_code=ident.nationality_code,
            mobile_phone=ident.mobile_phone, landline_phone=ident.landline_phone, email=ident.email,
        ),
        informations=InformationsForm(
            category_code=info.category_code, establishment=info.establishment, situation=info.situation,
            training_duration_adjustment=info.training_duration_adjustment,
            disability_arrangement=info.disability_arrangement, press_consent=info.press_consent,
            local_authorities_consent=info.local_authorities_consent, renounce_acquis=info.renounce_acquis,
            former_establishment=info.former_establishment,
        ),
        qualification=QualificationForm(
            specialite_code=qual.specialite_code, forme=qual.forme.value, derogation=qual.derogation,
            enseignement=qual.enseignement,
        ),
        acquis=AcquisForm(
            entries=tuple(
                AcquisEntryForm(
                    kind=a.kind.name, year=str(a.year), academie=a.academie, specialite_code=a.specialite_code,
                    grades=tuple(GradeForm(epreuve_code=g.epreuve_code, grade="" if g.grade is None else f"{g.grade:.2f}", kept=g.kept)
                                 for g in a.grades),
                    first_year=str(a.first_year or ""), former_category_code=a.former_category_code or "",
                    former_forme=a.former_forme.value if a.former_forme else "",
                )
                for a in content.acquis
            )
        ),
        diploma=DiplomaForm(diploma_code=content.diploma_code),
        epreuves=EpreuvesForm(
            choices=tuple(
                EpreuveChoiceForm(
                    code=e.code, position=e.position.value, option=e.option, mode=e.mode.value if e.mode else None
                )
                for e in content.epreuves
                if e.code not in parents
                and (not e.mandatory or (e.position is Position.INSCRIT and (e.option or e.mode)))
            )  # an obligatoire's option and mode are the candidate's choice too; its position is computed
        ),
        candidature_id=candidature.id,
        base_version=candidature.version,
    )  # fmt: skip


class CandidatureService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalogue: Catalogue,
        authenticator: SessionAuthenticator,
        files: FileStore | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalogue = catalogue
        self._authenticator = authenticator
        self._files = files
        self.policy = OpeningPolicy(catalogue, clock)

    # -- the form -----------------------------------------------------------------------------------------------

    def start(self, session_token: str, session_id: str, academie_code: str) -> CandidatureDraft:
        """CAN-01 "Démarrer mon inscription": an activated account, while the service is open (SVC-04)."""
        principal = self._authenticator.authenticate(session_token)
        session = self._session(session_id)
        self.policy.require_open(session_id, academie_code)
        with self._uow() as uow:
            account = self._account(uow, principal.account_id)
            _refuse_second(uow, account.id, session.id)
        email = account.email.display if account.email else ""
        return CandidatureDraft(
            account_id=account.id,
            session_id=session.id,
            academie_code=academie_code,
            tabs=(*session.tabs, RECAP_TAB) if RECAP_TAB not in session.tabs else session.tabs,
        ).with_form(_blank_identification(email))

    def edit(self, session_token: str, candidature_id: str) -> CandidatureDraft:
        """CAN-12 "Modifier" (or POR-02, the pupil's préinscription): the saved content as a draft, while open."""
        principal = self._authenticator.authenticate(session_token)
        with self._uow() as uow:
            candidature = owned_candidature(uow, principal.account_id, candidature_id, self._clock.now())
        self.policy.require_open(candidature.session_id, candidature.academie_code)
        if not candidature.visible_to_candidate:
            raise CandidatureNotFound()
        session = self._session(candidature.session_id)
        tabs = (*session.tabs, RECAP_TAB) if RECAP_TAB not in session.tabs else session.tabs
        return draft_from(candidature, tabs)

    def next(self, draft: CandidatureDraft, form: object | None = None) -> CandidatureDraft:
        """ "Suivant" (CAN-02): store ``form`` for the current tab, check the tab, move on. An invalid tab is refused
        with a ValidationError naming its fields; nothing is saved."""
        draft = _checked(draft)
        if form is not None:
            expected = TAB_FORMS.get(draft.tab)
            if expected is None or not isinstance(form, expected[1]):
                raise ValidationError.single(
                    "tab", "wrong_form", f"Ce formulaire n'est pas celui de l'onglet « {draft.tab} »."
                )
            check_form(form, expected[0])
            draft = draft.with_form(form)
        if draft.tab == RECAP_TAB:
            raise ValidationError.single("tab", "last_tab", "Le Récapitulatif est le dernier onglet.")
        if draft.tab in TAB_FORMS:
            parse_content(draft, self._session(draft.session_id), self._catalogue, upto=draft.tab)
        return evolve(draft, current=draft.current + 1)

    def previous(self, draft: CandidatureDraft) -> CandidatureDraft:
        """ "Précédent": back one tab, keeping what was typed."""
        return evolve(_checked(draft), current=max(0, draft.current - 1))

    def recapitulatif(self, session_token: str, draft: CandidatureDraft) -> Recapitulatif:
        """CAN-09: everything entered and the épreuves, in the guide's order, with its warning.

        Only the draft's own candidate sees it: another account's draft is refused as CandidatureNotFound; a draft
        naming a session or académie with no registration service configured is CatalogueNotFound (a forged draft
        must not print a made-up académie)."""
        draft = _checked(draft)
        principal = self._authenticator.authenticate(session_token)
        if principal.account_id != draft.account_id:
            raise CandidatureNotFound()
        session = self._session(draft.session_id)
        self.policy.service(draft.session_id, draft.academie_code)
        content = parse_content(draft, session, self._catalogue)
        if content is None:  # pragma: no cover - parse_content returns the whole content when not stopped early
            raise ValidationError.single("tab", "incomplete", "Le formulaire est incomplet.")
        with self._uow() as uow:
            account = self._account(uow, principal.account_id)
            saved = (
                owned_candidature(uow, account.id, draft.candidature_id, self._clock.now())
                if draft.candidature_id
                else None
            )
        return build_recapitulatif(self._catalogue, account, session, draft.academie_code, content, saved)

    def save(self, session_token: str, draft: CandidatureDraft) -> SaveConfirmation:
        """CAN-10 / CAN-12 "Enregistrer", from the Récapitulatif only, while the service is open.

        A new candidature gets the next inscription number and version 1; a modification must be based on the
        stored version (else ConcurrencyConflict) and raises it by exactly 1. The confirmation is (re)published.
        """
        draft = _checked(draft)
        principal = self._authenticator.authenticate(session_token)
        if principal.account_id != draft.account_id:
            raise CandidatureNotFound()
        if not draft.on_recapitulatif:
            raise ValidationError.single(
                "tab", "not_recapitulatif", "L'enregistrement n'est possible que depuis l'onglet Récapitulatif."
            )
        session = self._session(draft.session_id)
        service = self.policy.require_open(draft.session_id, draft.academie_code)
        academie = self._academie(draft.academie_code)
        content = parse_content(draft, session, self._catalogue)
        if content is None:  # pragma: no cover
            raise ValidationError.single("tab", "incomplete", "Le formulaire est incomplet.")
        now = self._clock.now()
        with self._uow() as uow:
            account = self._account(uow, principal.account_id, lock=True)  # serialised with identity changes (ACC-11)
            if draft.candidature_id is None:
                _refuse_second(uow, account.id, session.id)  # a second « Enregistrer » of one draft included
                candidature = Candidature(
                    id=uuid.uuid4().hex,
                    account_id=account.id,
                    inscription_number=uow.candidatures.next_inscription_number(account.id),
                    session_id=session.id,
                    academie_code=academie.code,
                    state=CandidatureState.ACTIVE,
                    content=content,
                    identity=account.identity,
                    created_at=now,
                    updated_at=now,
                )
                uow.candidatures.add(candidature)
            else:
                current = owned_candidature(uow, account.id, draft.candidature_id, now)
                if (current.session_id, current.academie_code) != (draft.session_id, draft.academie_code):
                    raise CandidatureNotFound()  # a draft cannot move a candidature to another session or académie
                if current.version != draft.base_version:
                    raise ConcurrencyConflict()
                if current.state is CandidatureState.PREINSCRIPTION:
                    candidature = current.validate_preinscription(content, now)
                else:
                    candidature = current.modify(content, now)
                uow.candidatures.update(candidature)
            orphans = sync_pieces(uow, candidature, self._catalogue.piece_rules(session.id))
            publish_confirmation(uow, candidature, now)
            self._mail_saved(uow, account, session, candidature, service, now)
            action = "candidature_saved" if candidature.version == 1 else "candidature_modified"
            uow.audit.append(
                AuditRecord.of(now, action, f"candidate:{account.id}", account.id, candidature=candidature.id,
                               version=candidature.version)
            )  # fmt: skip
            documents = tuple(d.line for d in uow.documents.for_candidature(candidature.id))
            uow.commit()
        for file_id in orphans:  # files of pièces no longer required, once the save is committed
            if self._files is not None:
                self._files.delete(file_id)
        return SaveConfirmation(
            candidature.id, str(account.candidate_number), candidature.inscription_number, candidature.version, now,
            service.period.end, academie, documents,
        )  # fmt: skip

    # -- Mes inscriptions ---------------------------------------------------------------------------------------

    def mes_inscriptions(self, session_token: str) -> MesInscriptions:
        """CAN-13: every active candidature (not withdrawn, set aside or deleted; session not closed). One unit of
        work, which writes nothing unless the session's last-used time is due for its refresh."""
        now = self._clock.now()
        with self._uow() as uow:
            principal, touched = self._authenticator.check(uow, session_token, now, allow_initial=False)
            account = self._account(uow, principal.account_id)
            cards = active_cards(uow, self._catalogue, account, now)
            if touched:
                uow.commit()
        return MesInscriptions(account.home_header(), cards)

    def candidatures_precedentes(self, session_token: str, draft: CandidatureDraft) -> tuple[PreviousCandidature, ...]:
        """The first tab, « Candidatures précédentes » (CAN-02): the candidate's other candidatures, every session
        and state, latest first; empty for a first candidature. Only the draft's own candidate sees them."""
        draft = _checked(draft)
        principal = self._authenticator.authenticate(session_token)
        if principal.account_id != draft.account_id:
            raise CandidatureNotFound()
        with self._uow() as uow:
            return previous_candidatures(uow, self._catalogue, principal.account_id, exclude=draft.candidature_id)

    def mon_inscription(self, session_token: str, candidature_id: str) -> Recapitulatif:
        """ "Mon inscription": the saved Récapitulatif, read-only."""
        principal = self._authenticator.authenticate(session_token)
        with self._uow() as uow:
            account = self._account(uow, principal.account_id)
            candidature = owned_candidature(uow, account.id, candidature_id, self._clock.now())
        if not candidature.visible_to_candidate:
            raise CandidatureNotFound()
        session = self._session(candidature.session_id)
        return build_recapitulatif(
            self._catalogue, account, session, candidature.academie_code, candidature.content, candidature
        )

    def documents(self, session_token: str, candidature_id: str) -> tuple[PublishedDocument, ...]:
        """ "Mes documents" of one candidature (DOC-03)."""
        principal = self._authenticator.authenticate(session_token)
        with self._uow() as uow:
            candidature = owned_candidature(uow, principal.account_id, candidature_id, self._clock.now())
            return tuple(uow.documents.for_candidature(candidature.id))

    def open_document(self, session_token: str, candidature_id: str, kind: DocumentKind) -> PublishedDocument:
        """The candidate opens a document: it is marked seen, which puts out the envelope (CAN-14)."""
        kind = check_choice(kind, DocumentKind, "kind")
        principal = self._authenticator.authenticate(session_token)
        with self._uow() as uow:
            candidature = owned_candidature(uow, principal.account_id, candidature_id, self._clock.now())
            document = uow.documents.get(candidature.id, kind)
            if document is None:
                raise CandidatureNotFound("Ce document n'est pas publié.")
            if document.seen_at is None:
                document = evolve(document, seen_at=self._clock.now())
                uow.documents.publish(document)
            uow.commit()
            return document

    # -- withdrawal ---------------------------------------------------------------------------------------------

    def withdrawal_question(self, session_token: str, candidature_id: str) -> str:
        """UNS-01: the confirmation step before the trash icon acts."""
        self._withdrawable(session_token, candidature_id)
        return WITHDRAWAL_QUESTION

    def withdraw(self, session_token: str, candidature_id: str, *, confirmed: bool) -> None:
        """UNS-01 … UNS-04: an individual candidate withdraws while the service is open, after confirming.

        The candidature disappears from "Mes inscriptions", the manager sees "Désinscrit par le candidat", one
        confirmation mail is queued. Withdrawing again changes nothing (idempotent). After closing:
        WithdrawalAfterClosing.
        """
        if not confirmed:
            raise ValidationError.single("confirmed", "confirmation_required", "Confirmez la désinscription.")
        account_id, candidature = self._withdrawable(session_token, candidature_id)
        if candidature.state is CandidatureState.WITHDRAWN:
            return
        now = self._clock.now()
        session = self._session(candidature.session_id)
        with self._uow() as uow:
            current = owned_candidature(uow, account_id, candidature_id, now)
            if current.state is CandidatureState.WITHDRAWN:
                return
            withdrawn = current.withdraw(now)
            uow.candidatures.update(withdrawn)
            account = self._account(uow, account_id)
            if account.email is not None:
                exam = self._exam_name(session)
                queue_mail(uow, withdrawal_mail(exam, session.label, current.inscription_number), now,
                           recipient=account.email.display, account_id=account.id)  # fmt: skip
            uow.audit.append(
                AuditRecord.of(now, "candidature_withdrawn", f"candidate:{account_id}", account_id,
                               candidature=candidature_id, from_state=current.state.value,
                               to_state=withdrawn.state.value)
            )  # fmt: skip
            uow.commit()

    def _withdrawable(self, session_token: str, candidature_id: str) -> tuple[str, Candidature]:
        principal = self._authenticator.authenticate(session_token)
        with self._uow() as uow:
            account = self._account(uow, principal.account_id)
            candidature = owned_candidature(uow, account.id, candidature_id, self._clock.now())
        if candidature.state is CandidatureState.WITHDRAWN:
            return account.id, candidature
        if not candidature.visible_to_candidate:
            raise CandidatureNotFound()
        category = self._catalogue.category(candidature.content.informations.category_code)
        if account.kind is not AccountKind.INDIVIDUAL or (category is not None and not category.may_withdraw):
            raise ForbiddenError(
                "Seul un candidat individuel peut se désinscrire lui-même. Contactez le service gestionnaire."
            )
        if not self.policy.is_open(candidature.session_id, candidature.academie_code):
            raise WithdrawalAfterClosing()
        return account.id, candidature

    # -- helpers ------------------------------------------------------------------------------------------------

    def _session(self, session_id: str) -> ExamSession:
        session = self._catalogue.session(session_id) if lookup_key(session_id) else None
        if session is None:
            raise CatalogueNotFound("Session inconnue.")
        if session.missing_tabs:
            raise CatalogueNotFound(
                f"Le formulaire de cette session est incomplet : {', '.join(session.missing_tabs)}."
            )
        return session

    def _academie(self, code: str) -> Academie:
        academie = self._catalogue.academie(code) if lookup_key(code) else None
        if academie is None:
            raise CatalogueNotFound("Académie inconnue.")
        return academie

    def _exam_name(self, session: ExamSession) -> str:
        return exam_name(self._catalogue, session)

    @staticmethod
    def _account(uow: UnitOfWork, account_id: str, *, lock: bool = False) -> Account:
        account = uow.accounts.lock(account_id) if lock else uow.accounts.get(account_id)
        if account is None:
            raise CandidatureNotFound("Compte introuvable.")
        return account

    def _mail_saved(
        self,
        uow: UnitOfWork,
        account: Account,
        session: ExamSession,
        candidature: Candidature,
        service: RegistrationService,
        now: datetime,
    ) -> None:
        if account.email is None:
            return
        content = candidature_saved_mail(
            self._exam_name(session), session.label, candidature.inscription_number, candidature.version,
            format_datetime(now), format_datetime(service.period.end),
            f"{self._authenticator.settings.base_url.rstrip('/')}/mes-documents/{candidature.id}",
        )  # fmt: skip
        queue_mail(uow, content, now, recipient=account.email.display, account_id=account.id)


def _blank_identification(email: str) -> IdentificationForm:
    """The Identification tab as it opens: the account's email filled in, the rest to type."""
    return IdentificationForm(
        street="", postal_code="", locality="", pcs_code="", nationality_code="", mobile_phone="", email=email
    )


def _checked(draft: CandidatureDraft) -> CandidatureDraft:
    """A draft comes back from the caller (issue 15): refuse one that no use case could have handed out — a text
    no storage can hold (ValidationError naming the field, e.g. ``identification.street``), a tab index outside its
    list, a version no storage can hold."""
    check_form(draft)
    current = draft.current
    if isinstance(current, bool) or not isinstance(current, int) or not 0 <= current < len(draft.tabs):
        raise ValidationError.single("tab", "unknown_tab", "Cet onglet n'existe pas.")
    if draft.base_version is not None:
        check_int(draft.base_version, "base_version", minimum=1)
    return draft


#: The states in which a candidature still holds its session for its account: a new one is refused (CAN-18); after a
#: withdrawal or a deletion « je devrai créer une nouvelle candidature depuis le même compte candidat » (UNS-03).
_HOLDS_ITS_SESSION = frozenset({CandidatureState.PREINSCRIPTION, CandidatureState.ACTIVE, CandidatureState.SET_ASIDE})


def _refuse_second(uow: UnitOfWork, account_id: str, session_id: str) -> None:
    """CAN-18: one candidature per account and session — a second « Ajouter une nouvelle candidature » for a
    session the account is already registered to, or a second « Enregistrer » of the same draft, is refused."""
    for candidature in uow.candidatures.for_account(account_id):
        if candidature.session_id == session_id and candidature.state in _HOLDS_ITS_SESSION:
            raise CandidatureAlreadyExists()
