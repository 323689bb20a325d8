"""Save throughput: the library's save of a candidature versus the raw driver writing the same rows in one
transaction, and versus the plain SQLAlchemy ORM over the same tables (what a user would write instead), in one
process (issues 10 and 19). Targets (issue 19, quiet machine): SQLite ≥ 0.75 at ``synchronous=FULL`` and ≥ 0.55 at
``synchronous=OFF`` (CPU only, ``--sqlite-sync OFF``), PostgreSQL ≥ 0.85 of the raw throughput.

Fair comparators (issue 19): every candidate has its own identity and content (so no parse cache hits on a text
another candidature shares, and with 1,000 candidatures in turn, more than the 512 documents the caches hold, every
read parses, as in a process reading rows another one wrote); the raw PostgreSQL side sends the library's own
single-statement modification (the versioned update, the version snapshot and the épreuve rows as data-modifying
CTEs), with the same other statements; each round runs the three sides in a random order; the load average is
printed before and after each run, and a run above 1.5 is marked noisy.

A save, as the candidature use case writes it: lock the account, read the candidature, update it with new content
(a new landline number each time, so the content is encoded afresh), insert the version snapshot, replace its 15
épreuve positions (rows, in one batch), republish the confirmation document, queue the outbox mail, append the audit
record — one transaction.

Run: ``.venv/bin/python benchmarks/bench_save.py [--postgres URL] [--candidatures N] [--runs 3] [--sqlite-sync FULL]``;
writes ``results/save.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sqlite3
import statistics
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from _bench import finish, interleaved, letters, print_load_before, spread
from attrs import evolve
from sqlalchemy import create_engine, delete, event
from sqlalchemy.orm import DeclarativeBase, Session

from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql import schema as t
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature, EpreuvePosition, Position
from cyclades_core.model.catalogue import EvaluationMode
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.testing import make_account, make_candidature

SAVES = 2000
#: Saves go over this many candidatures in turn (2,000 saves of one row would measure its dead versions on
#: PostgreSQL, not a save). More than the adapter's parse cache holds (512 documents), so every read of a candidature
#: parses its content, as in a process that did not write it; ``--candidatures 100`` measures the warm case.
CANDIDATURES = 1000
ROUNDS = 20
#: ``PRAGMA synchronous`` on the three sides' SQLite connections (``--sqlite-sync``).
SQLITE_SYNC = "FULL"
SUBJECT = "[CYCLADES] Modification de votre inscription"


def fifteen_positions(candidature: Candidature) -> Candidature:
    rows = tuple(
        EpreuvePosition(f"E{i}", f"Épreuve {i}", f"U{i}", True, 1, None, Position.INSCRIT, EvaluationMode.PONCTUEL)
        for i in range(15)
    )
    return evolve(candidature, content=evolve(candidature.content, epreuves=rows))


def setup(database: SqlDatabase, count: int = 1) -> Candidature:
    return setup_many(database, count)[0]


def setup_many(database: SqlDatabase, count: int) -> list[Candidature]:
    """``count`` candidates, each with one candidature of 15 épreuves and its confirmation."""
    database.upgrade()
    made = []
    with database.unit_of_work() as uow:
        for i in range(count):
            account = make_account(email=f"c{i}-{uuid.uuid4().hex[:6]}@exemple.fr")
            name = letters(i)
            account = evolve(account, identity=evolve(account.identity, birth_name=f"NOM{name}", first_names=name))
            candidature = fifteen_positions(make_candidature(account))
            address = evolve(candidature.content.identification.address, street=f"{i} rue des {name.lower()}")
            identification = evolve(candidature.content.identification, address=address)
            candidature = evolve(candidature, content=evolve(candidature.content, identification=identification))
            uow.accounts.add(account)
            uow.candidatures.add(candidature)
            uow.documents.publish(
                PublishedDocument(candidature.id, DocumentKind.CONFIRMATION, 1, candidature.updated_at, "system")
            )
            made.append(candidature)
        uow.commit()
    return made


def library_save(database: SqlDatabase, candidature_id: str, account_id: str) -> None:
    with database.unit_of_work() as uow:
        assert uow.accounts.lock(account_id) is not None
        current = uow.candidatures.get(candidature_id)
        assert current is not None
        now = current.updated_at + timedelta(seconds=1)
        identification = evolve(current.content.identification, landline_phone=f"01{current.version:08d}")
        saved = current.modify(evolve(current.content, identification=identification), now)
        uow.candidatures.update(saved)
        uow.documents.publish(PublishedDocument(saved.id, DocumentKind.CONFIRMATION, saved.version, now, "system"))
        uow.outbox.add(
            OutboxMessage(
                uuid.uuid4().hex,
                MailKind.CANDIDATURE_MODIFIED,
                saved.account_id,
                "a@exemple.fr",
                SUBJECT,
                "corps",
                now,
            )
        )
        uow.audit.append(
            AuditRecord.of(now, "candidature_modified", "candidate", saved.account_id, version=saved.version)
        )
        uow.commit()


#: The raw sides read and write the candidature row the library writes: the same columns, the JSON documents as
#: their text (copied, not parsed), and a version snapshot of the same shape and size as the library's.
SELECT_SQL = (
    "SELECT account_id, inscription_number, session_id, academie_code, created_at, specialite_code, state,"
    " CAST(identity AS TEXT), CAST(content AS TEXT), version FROM candidatures WHERE id=%s"
)
UPDATE_SQL = (
    "UPDATE candidatures SET specialite_code=%s, state=%s, version=%s, identity=%s, content=%s, updated_at=%s"
    " WHERE id=%s AND version=%s"
)


def snapshot(candidature_id: str, row: Any, version: int, now: datetime) -> str:
    """The whole candidature as JSON, assembled around the row's own JSON texts."""
    account_id, number, session_id, academie_code, created_at, _, state, identity, content, _ = row
    created = created_at if isinstance(created_at, str) else created_at.isoformat()
    return (
        f'{{"id":"{candidature_id}","account_id":"{account_id}","inscription_number":"{number}","session_id":"{session_id}",'
        f'"academie_code":"{academie_code}","state":"{state}","created_at":"{created}",'
        f'"updated_at":"{now.isoformat()}","version":{version},"content":{content},"identity":{identity}}}'
    )


#: On SQLite, the 15 épreuve rows in one multi-row INSERT, as the library writes them.
EPREUVES_SQL = (
    "INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode) VALUES "
    + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * 15)
)


#: On PostgreSQL, as the library writes them: one array per column (psycopg re-parses statements of more than 50
#: parameters on every execution, so 15 rows × 6 values would cost both sides more CPU than the insert itself).
EPREUVES_ARRAYS_SQL = (
    "INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode)"
    " SELECT %s, * FROM unnest(%s::integer[], %s::text[], %s::text[], %s::varchar[], %s::varchar[])"
)


def halfway(candidatures: list[Candidature]) -> list[Candidature]:
    """The candidatures in the order the raw side goes over them: from the middle. Both sides save as many per
    round; starting together, the raw side would always save the rows the library had just written (hot in every
    cache) while the library found rows last written a whole turn before. From the middle, each side finds every row
    as long after the other side's write."""
    return candidatures[len(candidatures) // 2 :] + candidatures[: len(candidatures) // 2]


def epreuve_arrays() -> tuple[list[object], ...]:
    return (list(range(15)), [f"E{i}" for i in range(15)], [None] * 15, ["INSCRIT"] * 15, ["PONCTUEL"] * 15)


def epreuve_rows(candidature_id: str) -> list[object]:
    return [v for i in range(15) for v in (candidature_id, i, f"E{i}", None, "INSCRIT", "PONCTUEL")]


class RawSqlite:
    """The same rows with sqlite3 directly: prepared statements, one transaction."""

    def __init__(self, path: str, candidatures: list[Candidature]) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={SQLITE_SYNC}")
        # The schema's foreign keys enforced, as on the library's connections (no orphan row, F5).
        self.db.execute("PRAGMA foreign_keys=ON")
        self.next = itertools.cycle([(c.id, c.account_id) for c in halfway(candidatures)]).__next__

    def save(self) -> None:
        self.id, self.account_id = self.next()
        c = self.db
        c.execute("BEGIN IMMEDIATE")
        assert c.execute("SELECT * FROM accounts WHERE id=?", (self.account_id,)).fetchone() is not None
        row = c.execute(SELECT_SQL.replace("%s", "?"), (self.id,)).fetchone()
        version = row[-1] + 1
        now = datetime.now(UTC).replace(tzinfo=None)
        stamp = now.isoformat(" ")
        assert (
            c.execute(
                UPDATE_SQL.replace("%s", "?"), (row[5], row[6], version, row[7], row[8], stamp, self.id, row[-1])
            ).rowcount
            == 1
        )
        c.execute(
            "INSERT INTO candidature_versions (candidature_id, version, snapshot) VALUES (?,?,?)",
            (self.id, version, snapshot(self.id, row, version, now)),
        )
        c.execute("DELETE FROM candidature_epreuves WHERE candidature_id=?", (self.id,))
        c.execute(EPREUVES_SQL.replace("%s", "?"), epreuve_rows(self.id))
        c.execute(
            "UPDATE documents SET version=?, updated_at=?, published_by=?, seen_at=? WHERE candidature_id=?"
            " AND kind='CONFIRMATION'",
            (version, stamp, "system", None, self.id),
        )
        c.execute(
            "INSERT INTO outbox (id, kind, account_id, recipient, subject, body, created_at, attempts) VALUES (?,?,?,?,?,?,?,0)",
            (uuid.uuid4().hex, "candidature_modified", self.account_id, "a@exemple.fr", SUBJECT, "corps", stamp),
        )
        c.execute(
            "INSERT INTO audit (at, action, actor, account_id, details) VALUES (?,?,?,?,?)",
            (stamp, "candidature_modified", "candidate", self.account_id, json.dumps([["version", str(version)]])),
        )
        c.execute("COMMIT")


#: The library's own modification on PostgreSQL, one statement: the versioned update (the fixed columns checked), the
#: version snapshot, the épreuve rows upserted by position and the surplus deleted, each part conditional on the update.
MODIFY_PG_SQL = (
    "WITH upd AS ("
    " UPDATE candidatures SET specialite_code = %s, state = %s, version = %s, identity = %s::json, content = %s::json,"
    " updated_at = %s WHERE id = %s AND version = %s AND account_id = %s AND inscription_number = %s"
    " AND session_id = %s AND academie_code = %s AND created_at = %s RETURNING id),"
    " ver AS (INSERT INTO candidature_versions (candidature_id, version, snapshot) SELECT id, %s, %s::json FROM upd),"
    " surplus AS (DELETE FROM candidature_epreuves WHERE candidature_id IN (SELECT id FROM upd) AND seq >= %s),"
    " rows AS (INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode)"
    " SELECT upd.id, e.* FROM upd, unnest(%s::integer[], %s::text[], %s::text[], %s::varchar[], %s::varchar[]) AS e"
    " ON CONFLICT (candidature_id, seq) DO UPDATE SET code = excluded.code, option = excluded.option,"
    " position = excluded.position, mode = excluded.mode)"
    " SELECT count(*) FROM upd"
)


class RawPostgres:
    """The same rows with psycopg directly, the same statements as the library sends (one cursor, reused)."""

    def __init__(self, url: str, candidatures: list[Candidature]) -> None:
        import psycopg

        self.db = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self.cursor = self.db.cursor()
        self.next = itertools.cycle([(c.id, c.account_id) for c in halfway(candidatures)]).__next__

    def save(self) -> None:
        self.id, self.account_id = self.next()
        with self.db.transaction():
            c = self.cursor
            c.execute("SELECT * FROM accounts WHERE id=%s FOR UPDATE", (self.account_id,))
            assert c.fetchone() is not None
            # The documents as their text, copied as they are (as on SQLite): no JSON parsing or encoding on this side.
            row = c.execute(SELECT_SQL, (self.id,)).fetchone()
            assert row is not None
            account_id, number, session_id, academie_code, created_at, specialite, state, identity, content, old = row
            version = old + 1
            now = datetime.now(UTC)
            c.execute(
                MODIFY_PG_SQL,
                (
                    specialite, state, version, identity, content, now, self.id, old, account_id, number, session_id,
                    academie_code, created_at, version, snapshot(self.id, row, version, now), 15, *epreuve_arrays(),
                ),
            )  # fmt: skip
            assert c.fetchone()[0] == 1  # type: ignore[index]
            c.execute(
                "UPDATE documents SET version=%s, updated_at=%s, published_by=%s, seen_at=%s WHERE candidature_id=%s"
                " AND kind='CONFIRMATION'",
                (version, now, "system", None, self.id),
            )
            c.execute(
                "INSERT INTO outbox (id, kind, account_id, recipient, subject, body, created_at, attempts) VALUES (%s,%s,%s,%s,%s,%s,%s,0)",
                (uuid.uuid4().hex, "candidature_modified", self.account_id, "a@exemple.fr", SUBJECT, "corps", now),
            )
            c.execute(
                "INSERT INTO audit (at, action, actor, account_id, details) VALUES (%s,%s,%s,%s,%s)",
                (now, "candidature_modified", "candidate", self.account_id, json.dumps([["version", str(version)]])),
            )


class _Base(DeclarativeBase):
    pass


class OrmAccount(_Base):
    __table__ = t.accounts


class OrmCandidature(_Base):
    __table__ = t.candidatures
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": t.candidatures.c.version}  # optimistic locking


class OrmVersion(_Base):
    __table__ = t.candidature_versions


class OrmEpreuve(_Base):
    __table__ = t.candidature_epreuves


class OrmDocument(_Base):
    __table__ = t.documents


class OrmOutbox(_Base):
    __table__ = t.outbox


class OrmAudit(_Base):
    __table__ = t.audit


class PlainOrm:
    """What a user would write instead: the plain SQLAlchemy ORM over the same tables, optimistic locking by the
    version column, the JSON documents parsed and encoded by SQLAlchemy's JSON type, a Session per save."""

    def __init__(self, url: str, candidatures: list[Candidature]) -> None:
        self.engine = create_engine(url)
        if url.startswith("sqlite"):

            @event.listens_for(self.engine, "connect")
            def pragmas(connection: Any, _: Any) -> None:
                for pragma in (
                    "journal_mode=WAL",
                    f"synchronous={SQLITE_SYNC}",
                    "foreign_keys=ON",
                    "busy_timeout=30000",
                ):
                    connection.execute(f"PRAGMA {pragma}")

        third = len(candidatures) // 3  # a third of a turn apart from each of the two other sides
        order = candidatures[third:] + candidatures[:third]
        self.next = itertools.cycle([(c.id, c.account_id) for c in order]).__next__

    def save(self) -> None:
        candidature_id, account_id = self.next()
        with Session(self.engine) as session, session.begin():
            assert session.get(OrmAccount, account_id, with_for_update=True) is not None
            row = session.get(OrmCandidature, candidature_id)
            assert row is not None
            now = datetime.now(UTC)
            content = dict(row.content)
            content["identification"] = {**content["identification"], "landline_phone": f"01{row.version:08d}"}
            row.content, row.updated_at = content, now
            session.flush()  # the versioned UPDATE: version = version + 1 WHERE version = the one read
            session.add(
                OrmVersion(
                    candidature_id=candidature_id, version=row.version,
                    snapshot={
                        "id": row.id, "account_id": row.account_id, "inscription_number": row.inscription_number,
                        "session_id": row.session_id, "academie_code": row.academie_code, "state": row.state,
                        "created_at": row.created_at.isoformat(), "updated_at": now.isoformat(), "version": row.version,
                        "content": content, "identity": row.identity,
                    },
                )
            )  # fmt: skip
            session.execute(delete(OrmEpreuve).where(OrmEpreuve.candidature_id == candidature_id))
            session.add_all(
                OrmEpreuve(
                    candidature_id=candidature_id, seq=i, code=e["code"], option=e.get("option"), position=e["position"],
                    mode=e.get("mode"),
                )
                for i, e in enumerate(content["epreuves"])
            )  # fmt: skip
            document = session.get(OrmDocument, (candidature_id, "CONFIRMATION"))
            assert document is not None
            document.version, document.updated_at, document.published_by, document.seen_at = (
                row.version,
                now,
                "system",
                None,
            )
            session.add(
                OrmOutbox(
                    id=uuid.uuid4().hex, kind="candidature_modified", account_id=account_id, recipient="a@exemple.fr",
                    subject=SUBJECT, body="corps", created_at=now, attempts=0,
                )
            )  # fmt: skip
            session.add(
                OrmAudit(
                    at=now, action="candidature_modified", actor="candidate", account_id=account_id,
                    details=[["version", str(row.version)]],
                )
            )  # fmt: skip


def measure(sides: dict[str, Callable[[], None]], runs: int) -> dict[str, Any]:
    """``runs`` runs of ROUNDS rounds; in each round the sides run SAVES // ROUNDS saves each, in a random order.
    Returns saves per second per side and the ratios to raw, each as median [min–max] over the runs."""
    per_s: dict[str, list[float]] = {name: [] for name in sides}
    loads = []
    for run in range(runs):
        load = print_load_before()
        times = interleaved(sides, rounds=ROUNDS, per_round=SAVES // ROUNDS)
        finish(load)
        loads.append(load.as_dict())
        for name, values in times.items():
            per_s[name].append(1 / statistics.fmean(values))
        print(
            f"  run {run + 1}: " + ", ".join(f"{name} {per_s[name][-1]:.0f}/s" for name in sides)
            + f"; library ÷ raw {per_s['library'][-1] / per_s['raw'][-1]:.3f}" + (" (noisy)" if load.noisy else ""),
            flush=True,
        )  # fmt: skip
    ratio = [lib / raw for lib, raw in zip(per_s["library"], per_s["raw"], strict=True)]
    orm = [lib / o for lib, o in zip(per_s["library"], per_s["orm"], strict=True)]
    return {
        "saves_per_s": {name: {"median": round(statistics.median(v)), "min": round(min(v)), "max": round(max(v))}
                        for name, v in per_s.items()},
        "ratio": {"median": statistics.median(ratio), "min": min(ratio), "max": max(ratio)},
        "ratio_text": spread(ratio), "library_vs_orm_text": spread(orm),
        "runs": loads, "quiet_runs": sum(not load["noisy"] for load in loads),
    }  # fmt: skip


def rotating(database: SqlDatabase, candidatures: list[Candidature]) -> Callable[[], None]:
    """Library saves over the candidatures in turn, as the raw comparators go over them."""
    turn = itertools.cycle(candidatures).__next__

    def save() -> None:
        candidature = turn()
        library_save(database, candidature.id, candidature.account_id)

    return save


def main() -> None:
    global SQLITE_SYNC
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--candidatures", type=int, default=CANDIDATURES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-sync", choices=("FULL", "OFF"), default="FULL")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    SQLITE_SYNC = args.sqlite_sync
    count = args.candidatures
    results: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp())
    if args.only != "postgresql":
        print(f"SQLite, synchronous={SQLITE_SYNC}", flush=True)
        url = f"sqlite:///{folder / 'bench.db'}"
        database = SqlDatabase(url)
        candidatures = setup_many(database, count)
        if SQLITE_SYNC == "OFF":  # the library's connections: the same durability as the two other sides
            event.listen(database.engine, "connect", lambda c, _: c.execute("PRAGMA synchronous=OFF"))
            database.engine.dispose()
        raw = RawSqlite(str(folder / "bench.db"), candidatures)
        orm = PlainOrm(url, candidatures)
        sides = {"library": rotating(database, candidatures), "raw": raw.save, "orm": orm.save}
        for _ in range(count):  # each candidature saved once by each side before timing
            for side in sides.values():
                side()
        target = 0.75 if SQLITE_SYNC == "FULL" else 0.55
        results["sqlite"] = {**measure(sides, args.runs), "target": target, "synchronous": SQLITE_SYNC}
        database.dispose()
        orm.engine.dispose()
    if args.postgres and args.only != "sqlite":
        print("PostgreSQL", flush=True)
        pg = SqlDatabase(args.postgres)
        from sqlalchemy import text

        from cyclades_adapters.sql.schema import metadata

        with pg.engine.begin() as c:
            c.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
            metadata.drop_all(c)
            c.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
        candidatures = setup_many(pg, count)
        raw_pg = RawPostgres(args.postgres, candidatures)
        orm = PlainOrm(args.postgres, candidatures)
        sides = {"library": rotating(pg, candidatures), "raw": raw_pg.save, "orm": orm.save}
        for _ in range(count):
            for side in sides.values():
                side()
        results["postgresql"] = {**measure(sides, args.runs), "target": 0.85}
        pg.dispose()
        orm.engine.dispose()
    print(f"{count} candidatures in turn, distinct identities and contents, {args.runs} runs")
    print(
        f"{'engine':<11} {'library/s':>18} {'raw/s':>18} {'orm/s':>18} {'library ÷ raw':>20} {'library ÷ orm':>20} target"
    )
    for engine, r in results.items():
        cells = [f"{r['saves_per_s'][n]['median']} [{r['saves_per_s'][n]['min']}–{r['saves_per_s'][n]['max']}]"
                 for n in ("library", "raw", "orm")]  # fmt: skip
        print(
            f"{engine:<11} {cells[0]:>18} {cells[1]:>18} {cells[2]:>18} {r['ratio_text']:>20}"
            f" {r['library_vs_orm_text']:>20} ≥ {r['target']} (quiet runs {r['quiet_runs']} of {args.runs})"
        )
    results["candidatures"] = count
    name = "save.json" if SQLITE_SYNC == "FULL" else "save-sync-off.json"
    out = Path(__file__).parent / "results" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
