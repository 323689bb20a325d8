"""The candidature repository of the SQL storage (``uow.candidatures``): rows, versions, épreuve rows, searches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    tuple_,
    update,
)

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import CONTENTS, IDENTITIES, JSON_CONVERTER, Repository, bind_columns
from cyclades_adapters.sql.prepared import Encoded, PreparedSet, dumps
from cyclades_core.errors import AccountNotFound, ConcurrencyConflict
from cyclades_core.model.candidature import Candidature, CandidatureState, EpreuveCount, ListPosition, Position
from cyclades_core.model.catalogue import EvaluationMode


def _candidature_row(c: Candidature, documents: dict[str, Any]) -> dict[str, Any]:
    """The row, with the JSON documents of :func:`_candidature_documents` (encoded once per write)."""
    return {
        "id": c.id,
        "account_id": c.account_id,
        "inscription_number": c.inscription_number,
        "session_id": c.session_id,
        "academie_code": c.academie_code,
        "specialite_code": c.content.qualification.specialite_code,
        "state": c.state.name,
        "version": c.version,
        "identity": documents["identity"],
        "content": documents["content"],
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


#: The columns every candidature read selects, the JSON documents as their text (for the parse caches).
_C = t.candidatures.c
_CANDIDATURE_COLUMNS = (
    _C.id, _C.account_id, _C.inscription_number, _C.session_id, _C.academie_code, _C.state,
    cast(_C.identity, Text).label("identity"), cast(_C.content, Text).label("content"), _C.created_at,
    _C.updated_at, _C.version,
)  # fmt: skip


def _candidature(row: Sequence[Any]) -> Candidature:
    """From a row of :data:`_CANDIDATURE_COLUMNS`."""
    id_, account_id, number, session_id, academie_code, state, identity, content, created, updated, version = row
    return Candidature(
        id=id_,
        account_id=account_id,
        inscription_number=number,
        session_id=session_id,
        academie_code=academie_code,
        state=CandidatureState[state],
        content=CONTENTS.get(content),
        identity=IDENTITIES.get(identity),
        created_at=created,
        updated_at=updated,
        version=version,
    )


def _candidature_documents(c: Candidature) -> dict[str, Encoded]:
    """The candidature's JSON texts, encoded once per write: the row's content and identity and the version
    snapshot (the whole candidature). The parse caches learn the written texts."""
    plain: dict[str, Any] = JSON_CONVERTER.unstructure(c)
    content, identity = Encoded(dumps(plain.pop("content"))), Encoded(dumps(plain.pop("identity")))
    CONTENTS.put(content, c.content)
    IDENTITIES.put(identity, c.identity)
    # The snapshot embeds the two texts just encoded instead of encoding them again: {…the other fields…, …}.
    snapshot = Encoded(f'{dumps(plain)[:-1]},"content":{content},"identity":{identity}}}')
    return {"content": content, "identity": identity, "snapshot": snapshot}


#: A candidature's columns that an update may change; the others are fixed at creation and checked by the WHERE.
_MUTABLE = ("specialite_code", "state", "version", "identity", "content", "updated_at")
_FIXED = ("account_id", "inscription_number", "session_id", "academie_code", "created_at")
_EPREUVE_COLUMNS = ("candidature_id", "seq", "code", "option", "position", "mode")
_EPREUVES_PER_INSERT = 100  # 600 parameters: far below every driver's limit
_ARRAY_BINDS = (
    bindparam("seqs", type_=ARRAY(Integer())), bindparam("codes", type_=ARRAY(Text())),
    bindparam("options", type_=ARRAY(Text())), bindparam("positions", type_=ARRAY(String())),
    bindparam("modes", type_=ARRAY(String())),
)  # fmt: skip
_HOT = PreparedSet({
    "get_candidature": select(*_CANDIDATURE_COLUMNS).where(_C.id == bindparam("b_id")),
    "update_candidature": update(t.candidatures)
        .where(_C.id == bindparam("b_id"), _C.version == bindparam("b_version"),
               *(_C[column] == bindparam(f"b_{column}", type_=_C[column].type) for column in _FIXED))
        .values(bind_columns(t.candidatures, *_MUTABLE)),
    "insert_version": insert(t.candidature_versions)
        .values(bind_columns(t.candidature_versions, "candidature_id", "version", "snapshot")),
    "delete_epreuves": delete(t.candidature_epreuves).where(t.candidature_epreuves.c.candidature_id == bindparam("b_id")),
    # The whole table of épreuves in one statement: on SQLite one multi-row INSERT (prepared per row count); on
    # PostgreSQL one array per column, unnested by the server (six parameters whatever the count, so psycopg keeps
    # the statement's parsed form: it re-parses statements of more than 50 parameters on every execution).
    "insert_epreuves": lambda rows: insert(t.candidature_epreuves).values([
        {column: bindparam(f"{column}_{i}", type_=t.candidature_epreuves.c[column].type) for column in _EPREUVE_COLUMNS}
        for i in range(rows)
    ]),
    "insert_epreuves_arrays": text(
        "INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode) "
        "SELECT :candidature_id, * FROM unnest(:seqs, :codes, :options, :positions, :modes)"
    ).bindparams(bindparam("candidature_id", type_=String()), *_ARRAY_BINDS),
    # PostgreSQL, a modification in one statement: each part runs only if the versioned update matched its row; the
    # épreuve rows are upserted by position and the surplus deleted (disjoint rows: no conflict between the parts).
    "update_candidature_pg": text(
        "WITH upd AS ("
        " UPDATE candidatures SET specialite_code = :specialite_code, state = :state, version = :version,"
        " identity = :identity, content = :content, updated_at = :updated_at"
        " WHERE id = :b_id AND version = :b_version AND account_id = :b_account_id"
        " AND inscription_number = :b_inscription_number AND session_id = :b_session_id"
        " AND academie_code = :b_academie_code AND created_at = :b_created_at RETURNING id),"
        " ver AS (INSERT INTO candidature_versions (candidature_id, version, snapshot)"
        " SELECT id, :version, :snapshot FROM upd),"
        " surplus AS (DELETE FROM candidature_epreuves WHERE candidature_id IN (SELECT id FROM upd) AND seq >= :count),"
        " rows AS (INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode)"
        " SELECT upd.id, e.* FROM upd, unnest(:seqs, :codes, :options, :positions, :modes) AS e"
        " ON CONFLICT (candidature_id, seq) DO UPDATE SET code = excluded.code, option = excluded.option,"
        " position = excluded.position, mode = excluded.mode)"
        " SELECT count(*) FROM upd"
    ).bindparams(
        *(bindparam(column, type_=_C[column].type) for column in _MUTABLE),
        *(bindparam(f"b_{column}", type_=_C[column].type) for column in _FIXED),
        bindparam("b_id", type_=String()), bindparam("b_version", type_=Integer()),
        bindparam("snapshot", type_=t.candidature_versions.c.snapshot.type), bindparam("count", type_=Integer()),
        *_ARRAY_BINDS,
    ),
})  # fmt: skip


def _epreuve_rows(candidature: Candidature) -> list[tuple[int, str, str | None, str, str | None]]:
    """The current version's épreuve rows: (seq, code, option, position, mode). ``_name_`` rather than ``.name``: a
    plain attribute, not Enum's slower property (a save writes dozens)."""
    return [
        (seq, e.code, e.option, e.position._name_, e.mode._name_ if e.mode else None)
        for seq, e in enumerate(candidature.content.epreuves)
    ]


def _epreuve_arrays(candidature: Candidature) -> dict[str, Any]:
    """The épreuve rows as one array per column (PostgreSQL's ``unnest``)."""
    rows = _epreuve_rows(candidature)
    seqs, codes, options, positions, modes = (list(column) for column in zip(*rows, strict=True)) if rows else ([],) * 5
    return {"seqs": seqs, "codes": codes, "options": options, "positions": positions, "modes": modes,
            "count": len(rows)}  # fmt: skip


class _Candidatures(Repository):
    statements = _HOT

    def has_any(self, account_id: str) -> bool:
        statement = select(t.candidatures.c.id).where(t.candidatures.c.account_id == account_id).limit(1)
        return self._c.execute(statement).first() is not None

    def add(self, candidature: Candidature) -> None:
        if self._c.execute(select(t.accounts.c.id).where(t.accounts.c.id == candidature.account_id)).first() is None:
            raise AccountNotFound()
        documents = _candidature_documents(candidature)
        self._write(insert(t.candidatures), _candidature_row(candidature, documents))
        self._snapshot(candidature, documents["snapshot"])
        self._epreuves(candidature, replace=False)

    def _epreuves(self, candidature: Candidature, *, replace: bool) -> None:
        """The current version's épreuves as rows, in one batch."""
        if replace:
            self._run("delete_epreuves", {"b_id": candidature.id})
        connection = self._c
        if not candidature.content.epreuves:
            return
        if connection.dialect.name == "postgresql":
            self._run("insert_epreuves_arrays", {"candidature_id": candidature.id, **_epreuve_arrays(candidature)})
            return
        # The rows' values flattened in the statement's parameter order (row by row, columns in table order, as
        # ``_EPREUVE_COLUMNS``): plain strings and integers, handed to the driver without a mapping of 90 names.
        rows = _epreuve_rows(candidature)
        for start in range(0, len(rows), _EPREUVES_PER_INSERT):
            chunk = rows[start : start + _EPREUVES_PER_INSERT]
            values = [value for row in chunk for value in (candidature.id, *row)]
            _HOT.get("insert_epreuves", connection.dialect, len(chunk)).execute_values(connection, values)

    def _snapshot(self, candidature: Candidature, snapshot: Encoded) -> None:
        self._run(
            "insert_version", {"candidature_id": candidature.id, "version": candidature.version, "snapshot": snapshot}
        )

    def get(self, candidature_id: str) -> Candidature | None:
        rows = self._fetch("get_candidature", {"b_id": candidature_id})
        return _candidature(rows[0]) if rows else None

    def update(self, candidature: Candidature) -> None:
        documents = _candidature_documents(candidature)  # once, for the row and for the version
        row = _candidature_row(candidature, documents)
        params = {column: row[column] for column in _MUTABLE}
        params.update({f"b_{column}": row[column] for column in _FIXED})
        params.update(b_id=candidature.id, b_version=candidature.version - 1)
        if self._c.dialect.name == "postgresql":
            # One round trip: the row, its version snapshot and its épreuve rows, all conditional on the update.
            params.update(snapshot=documents["snapshot"], **_epreuve_arrays(candidature))
            if self._run("update_candidature_pg", params).fetchone()[0] != 1:
                raise ConcurrencyConflict()
            return
        if self._run("update_candidature", params).rowcount != 1:
            raise ConcurrencyConflict()
        self._snapshot(candidature, documents["snapshot"])
        self._epreuves(candidature, replace=True)

    def for_account(self, account_id: str) -> Sequence[Candidature]:
        statement = (
            select(*_CANDIDATURE_COLUMNS)
            .where(t.candidatures.c.account_id == account_id)
            .order_by(t.candidatures.c.inscription_number)
        )
        return [_candidature(row) for row in self._c.execute(statement)]

    def next_inscription_number(self, account_id: str) -> str:
        statement = select(func.max(t.candidatures.c.inscription_number)).where(
            t.candidatures.c.account_id == account_id
        )
        highest = self._c.execute(statement).scalar()
        return f"{int(highest or 0) + 1:03d}"

    def history(self, candidature_id: str) -> Sequence[Candidature]:
        statement = (
            select(t.candidature_versions.c.snapshot)
            .where(t.candidature_versions.c.candidature_id == candidature_id)
            .order_by(t.candidature_versions.c.version)
        )
        return [JSON_CONVERTER.structure(s, Candidature) for s in self._c.execute(statement).scalars()]

    def search(
        self,
        *,
        academie_codes: Sequence[str],
        session_id: str | None = None,
        specialite_code: str | None = None,
        state: CandidatureState | None = None,
        after: ListPosition | None = None,
        limit: int | None = None,
    ) -> Sequence[Candidature]:
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be ≥ 0, not {limit}")
        c = t.candidatures.c
        statement = select(*_CANDIDATURE_COLUMNS).where(c.academie_code.in_(list(academie_codes)))
        if session_id is not None:
            statement = statement.where(c.session_id == session_id)
        if specialite_code is not None:
            statement = statement.where(c.specialite_code == specialite_code)
        if state is not None:
            statement = statement.where(c.state == state.name)
        key = (c.session_id, c.academie_code, c.created_at, c.id)
        if after is not None:
            # A row-value comparison (SQLite ≥ 3.15, PostgreSQL): the rows strictly after the last one of a page.
            bound = (after.session_id, after.academie_code, after.created_at, after.candidature_id)
            typed = (literal(value, column.type) for value, column in zip(bound, key, strict=True))
            statement = statement.where(tuple_(*key) > tuple_(*typed))
        statement = statement.order_by(*key).limit(limit)
        return [_candidature(row) for row in self._c.execute(statement)]

    def epreuve_counts(self, *, session_id: str, academie_codes: Sequence[str]) -> Sequence[EpreuveCount]:
        e, c = t.candidature_epreuves.c, t.candidatures.c
        statement = (
            select(e.code, e.option, e.position, e.mode, func.count())
            .select_from(t.candidature_epreuves.join(t.candidatures, e.candidature_id == c.id))
            .where(c.session_id == session_id, c.academie_code.in_(list(academie_codes)),
                   c.state == CandidatureState.ACTIVE.name)
            .group_by(e.code, e.option, e.position, e.mode)
        )  # fmt: skip
        found = (
            EpreuveCount(code, option, Position[position], EvaluationMode[mode] if mode else None, count)
            for code, option, position, mode, count in self._c.execute(statement)
        )
        return tuple(sorted(found, key=lambda count: count.key))
