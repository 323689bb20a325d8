"""The pièce repository of the SQL storage (``uow.pieces``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import JSON_CONVERTER, Repository
from cyclades_core.errors import ConcurrencyConflict, ConflictError
from cyclades_core.model.pieces import Piece


class _Pieces(Repository):
    def add(self, piece: Piece) -> None:
        seq = self._c.execute(
            select(func.count()).select_from(t.pieces).where(t.pieces.c.candidature_id == piece.candidature_id)
        ).scalar_one()
        try:
            self._c.execute(
                insert(t.pieces),
                {
                    "candidature_id": piece.candidature_id, "code": piece.code, "seq": seq,
                    "data": JSON_CONVERTER.unstructure(piece), "version": piece.version,
                },
            )  # fmt: skip
        except IntegrityError:
            raise ConflictError("Cette pièce est déjà demandée pour cette candidature.") from None

    def _key(self, candidature_id: str, code: str) -> Any:
        return and_(t.pieces.c.candidature_id == candidature_id, t.pieces.c.code == code)

    def get(self, candidature_id: str, code: str) -> Piece | None:
        data = self._c.execute(select(t.pieces.c.data).where(self._key(candidature_id, code))).scalar()
        return JSON_CONVERTER.structure(data, Piece) if data is not None else None

    def for_candidature(self, candidature_id: str) -> Sequence[Piece]:
        statement = select(t.pieces.c.data).where(t.pieces.c.candidature_id == candidature_id).order_by(t.pieces.c.seq)
        return [JSON_CONVERTER.structure(data, Piece) for data in self._c.execute(statement).scalars()]

    def update(self, piece: Piece) -> None:
        statement = (
            update(t.pieces)
            .where(and_(self._key(piece.candidature_id, piece.code), t.pieces.c.version == piece.version - 1))
            .values(data=JSON_CONVERTER.unstructure(piece), version=piece.version)
        )
        if self._write(statement).rowcount != 1:
            raise ConcurrencyConflict()

    def remove(self, candidature_id: str, code: str) -> bool:
        return bool(self._write(delete(t.pieces).where(self._key(candidature_id, code))).rowcount)

    def due(self, after: datetime, before: datetime) -> Sequence[Piece]:
        """A scan of the pièces' documents (reminders run a few times a day); a deadline column would index it."""
        pieces = (JSON_CONVERTER.structure(d, Piece) for d in self._c.execute(select(t.pieces.c.data)).scalars())
        return [p for p in pieces if p.missing and after < p.period.end <= before]
