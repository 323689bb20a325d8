"""Documents published on a candidature ("Mes documents", DOC-03; CAN-10, CAN-12, CAN-14)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from attrs import frozen

from cyclades_core.timeutil import format_date, paris

__all__ = ["DocumentKind", "PublishedDocument"]


class DocumentKind(Enum):
    """The documents the library can print, each with its real content (issue 17: no stub).

    The guide's list also names the « Notification de mesures d'aménagements », the « Convocation(s) aux épreuves »
    and the « Relevé(s) de notes »: they need what the library does not hold (the decision on the arrangements; the
    épreuves' dates, times and centres; the grades of the session), so they are not offered until it does. Rows of
    those kinds stored by 0.1 are not read (``uow.documents`` lists only the kinds below).
    """

    CONFIRMATION = "Confirmation d'inscription"
    DEMANDE_PIECES = "Demande pièces justificatives"
    RELANCE_PIECES = "Relance de pièces justificatives"
    RECAPITULATIF = "Récapitulatif d'inscription"


@frozen
class PublishedDocument:
    """The latest version of one kind of document on one candidature (a republication replaces it).

    For the confirmation, ``version`` is the candidature's version (G2); for the others it counts publications.
    ``seen_at`` is set when the candidate opens it; an unseen document lights the envelope (CAN-14).
    """

    candidature_id: str
    kind: DocumentKind
    version: int
    updated_at: datetime
    published_by: str
    seen_at: datetime | None = None

    @property
    def line(self) -> str:
        """``Confirmation d'inscription [PDF] : Version n°1 mis à jour le 31/08/2022 15:13``."""
        local = paris(self.updated_at)
        return (
            f"{self.kind.value} [PDF] : Version n°{self.version} mis à jour le "
            f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}"
        )
