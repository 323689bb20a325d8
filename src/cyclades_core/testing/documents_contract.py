"""Contract suite of the document repository (``uow.documents``)."""

from __future__ import annotations

from datetime import timedelta

from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import StorageSuite
from cyclades_core.testing.support import make_candidature


class DocumentRepositoryContract(StorageSuite):
    """``uow.documents``: published in place. Fixture: ``uow_factory``."""

    def test_documents_are_republished_in_place(self, uow_factory: UnitOfWorkFactory) -> None:
        account = self._active_account(uow_factory)
        candidature = make_candidature(account)
        at = candidature.updated_at
        with uow_factory() as uow:
            uow.candidatures.add(candidature)
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.CONFIRMATION, 1, at, "system"))
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.DEMANDE_PIECES, 1, at, "system"))
            uow.commit()
        later = at + timedelta(hours=1)
        with uow_factory() as uow:
            uow.documents.publish(PublishedDocument(candidature.id, DocumentKind.CONFIRMATION, 2, later, "system"))
            uow.commit()
        with uow_factory() as uow:
            confirmation = uow.documents.get(candidature.id, DocumentKind.CONFIRMATION)
            assert confirmation is not None
            assert (confirmation.version, confirmation.updated_at) == (2, later)
            assert [d.kind for d in uow.documents.for_candidature(candidature.id)] == [
                DocumentKind.DEMANDE_PIECES,
                DocumentKind.CONFIRMATION,
            ]
            assert uow.documents.get(candidature.id, DocumentKind.RELANCE_PIECES) is None
