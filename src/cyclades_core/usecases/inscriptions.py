""" "Mes inscriptions" (CAN-13, CAN-14): the cards of a candidate's active candidatures.

Shared by :meth:`CandidatureService.mes_inscriptions <cyclades_core.usecases.candidatures.CandidatureService.
mes_inscriptions>` and the home page after login (:meth:`SessionService.home
<cyclades_core.usecases.sessions.SessionService.home>`, ACC-13), so that both list the same candidatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import frozen

from cyclades_core.model.account import Account, AccountKind
from cyclades_core.model.candidature import Candidature, CandidatureState
from cyclades_core.model.catalogue import ExamSession
from cyclades_core.model.documents import PublishedDocument
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.storage import UnitOfWork

__all__ = [
    "NO_ACTIVE_CANDIDATURE",
    "InscriptionCard",
    "MesInscriptions",
    "PreviousCandidature",
    "active_cards",
    "exam_name",
    "previous_candidatures",
]

#: ACC-13, the guide's sentence when no candidature is active.
NO_ACTIVE_CANDIDATURE = "Vous n'avez aucune candidature active."


@frozen
class InscriptionCard:
    """One active candidature on "Mes inscriptions" (CAN-13), with its envelope (CAN-14)."""

    candidature_id: str
    inscription_number: str
    exam: str
    session_label: str
    academie_label: str
    specialite: str
    state: CandidatureState
    version: int
    envelope: bool
    can_modify: bool
    can_withdraw: bool


@frozen
class MesInscriptions:
    header: str
    cards: tuple[InscriptionCard, ...]

    @property
    def empty_message(self) -> str | None:
        return None if self.cards else NO_ACTIVE_CANDIDATURE


def exam_name(catalogue: Catalogue, session: ExamSession) -> str:
    return next((e.name for e in catalogue.exams() if e.code == session.exam_code), session.exam_code)


def active_cards(uow: UnitOfWork, catalogue: Catalogue, account: Account, now: datetime) -> tuple[InscriptionCard, ...]:
    """The cards of every active candidature of ``account`` (not withdrawn, set aside or deleted; session not
    closed), read in the caller's unit of work."""
    cards = []
    for candidature in uow.candidatures.for_account(account.id):
        session = catalogue.session(candidature.session_id)
        if session is None or session.closed or not candidature.visible_to_candidate:
            continue
        documents = uow.documents.for_candidature(candidature.id)
        cards.append(_card(catalogue, account, session, candidature, documents, now))
    return tuple(cards)


def _card(
    catalogue: Catalogue,
    account: Account,
    session: ExamSession,
    candidature: Candidature,
    documents: Sequence[PublishedDocument],
    now: datetime,
) -> InscriptionCard:
    service = catalogue.service(candidature.session_id, candidature.academie_code)
    open_now = service is not None and service.is_open(now)
    specialite = catalogue.specialite(candidature.content.qualification.specialite_code, session.year)
    category = catalogue.category(candidature.content.informations.category_code)
    academie = catalogue.academie(candidature.academie_code)
    return InscriptionCard(
        candidature_id=candidature.id,
        inscription_number=candidature.inscription_number,
        exam=exam_name(catalogue, session),
        session_label=session.label,
        academie_label=academie.label if academie else candidature.academie_code,
        specialite=specialite.label if specialite else candidature.content.qualification.specialite_code,
        state=candidature.state,
        version=candidature.version,
        envelope=any(d.seen_at is None for d in documents),
        can_modify=open_now,
        can_withdraw=open_now
        and account.kind is AccountKind.INDIVIDUAL
        and candidature.state is CandidatureState.ACTIVE
        and (category is None or category.may_withdraw),
    )


@frozen
class PreviousCandidature:
    """One line of the form's first tab, « Candidatures précédentes »: a candidature the account already holds,
    whatever its session and state (CAN-02)."""

    candidature_id: str
    exam: str
    session_label: str
    year: int
    academie_label: str
    specialite: str  # its label, ``Banque - conseiller de clientèle (31310)``
    inscription_number: str
    state: CandidatureState
    created_at: datetime

    @property
    def state_label(self) -> str:
        return self.state.value


def previous_candidatures(
    uow: UnitOfWork, catalogue: Catalogue, account_id: str, *, exclude: str | None = None
) -> tuple[PreviousCandidature, ...]:
    """The account's candidatures other than ``exclude`` (the one being modified), latest session first, read in the
    caller's unit of work."""
    found = []
    for candidature in uow.candidatures.for_account(account_id):
        session = catalogue.session(candidature.session_id)
        if candidature.id == exclude or session is None:
            continue
        code = candidature.content.qualification.specialite_code
        specialite = catalogue.specialite(code, session.year)
        academie = catalogue.academie(candidature.academie_code)
        found.append(
            PreviousCandidature(
                candidature.id, exam_name(catalogue, session), session.label, session.year,
                academie.label if academie else candidature.academie_code,
                specialite.label if specialite else code, candidature.inscription_number,
                candidature.state, candidature.created_at,
            )
        )  # fmt: skip
    return tuple(sorted(found, key=lambda p: (p.year, p.created_at, p.candidature_id), reverse=True))
