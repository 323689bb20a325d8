"""The documents every change of a candidature republishes (CAN-10, CAN-12, MGR-04)."""

from __future__ import annotations

from datetime import datetime

from cyclades_core.model.candidature import Candidature
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.ports.storage import UnitOfWork

__all__ = ["publish_confirmation"]


def publish_confirmation(uow: UnitOfWork, candidature: Candidature, now: datetime) -> None:
    """The confirmation (and the demande de pièces when pièces are required) carry the candidature's version;
    republishing replaces them (G2)."""
    kinds = [DocumentKind.CONFIRMATION]
    if uow.pieces.for_candidature(candidature.id):
        kinds.append(DocumentKind.DEMANDE_PIECES)
    for kind in kinds:
        uow.documents.publish(PublishedDocument(candidature.id, kind, candidature.version, now, "system"))
