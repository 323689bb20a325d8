"""The document repository of the SQL storage (``uow.documents``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import Repository, bind_columns
from cyclades_adapters.sql.prepared import PreparedSet
from cyclades_core.model.documents import DocumentKind, PublishedDocument

_HOT = PreparedSet({
    "update_document": update(t.documents)
        .where(t.documents.c.candidature_id == bindparam("b_candidature"), t.documents.c.kind == bindparam("b_kind"))
        .values(bind_columns(t.documents, "version", "updated_at", "published_by", "seen_at")),
    "insert_document": insert(t.documents)
        .values(bind_columns(t.documents, "candidature_id", "kind", "version", "updated_at", "published_by", "seen_at")),
})  # fmt: skip
#: The kinds this version prints: rows of a kind it no longer has (0.1's stubs) stay stored, unread.
_KINDS = tuple(kind.name for kind in DocumentKind)


class _Documents(Repository):
    statements = _HOT

    def publish(self, document: PublishedDocument) -> None:
        values = {
            "version": document.version, "updated_at": document.updated_at,
            "published_by": document.published_by, "seen_at": document.seen_at,
        }  # fmt: skip
        key = {"b_candidature": document.candidature_id, "b_kind": document.kind.name}
        if self._run("update_document", {**values, **key}).rowcount == 0:
            self._run("insert_document", {"candidature_id": document.candidature_id, "kind": document.kind.name,
                                          **values})  # fmt: skip

    def _document(self, row: Any) -> PublishedDocument:
        return PublishedDocument(
            row.candidature_id, DocumentKind[row.kind], row.version, row.updated_at, row.published_by, row.seen_at
        )

    def get(self, candidature_id: str, kind: DocumentKind) -> PublishedDocument | None:
        key = and_(t.documents.c.candidature_id == candidature_id, t.documents.c.kind == kind.name)
        row = self._c.execute(select(t.documents).where(key)).first()
        return self._document(row) if row else None

    def for_candidature(self, candidature_id: str) -> Sequence[PublishedDocument]:
        statement = (
            select(t.documents)
            .where(t.documents.c.candidature_id == candidature_id, t.documents.c.kind.in_(_KINDS))
            .order_by(t.documents.c.updated_at, t.documents.c.kind)
        )
        return [self._document(row) for row in self._c.execute(statement)]
