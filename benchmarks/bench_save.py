"""Save throughput: the library's save of a candidature versus the raw driver writing the same rows in one
transaction, interleaved in one process (issue 10). Targets: SQLite ≥ 0.6, PostgreSQL ≥ 0.8 of the raw throughput.

A save, as the candidature use case writes it: lock the account, read the candidature, update it with new content
(a new landline number each time, so the content is encoded afresh), insert the version snapshot, replace its 15
épreuve positions (rows, in one batch), republish the confirmation document, queue the outbox mail, append the audit
record — one transaction.

Run: ``.venv/bin/python benchmarks/bench_save.py [--postgres URL] [--candidatures N]``; writes ``results/save.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from attrs import evolve

from cyclades_adapters.sql import SqlDatabase
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
        for _ in range(count):
            account = make_account(email=f"{uuid.uuid4().hex[:8]}@exemple.fr")
            candidature = fifteen_positions(make_candidature(account))
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
        self.db.execute("PRAGMA synchronous=FULL")
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
            "UPDATE documents SET version=?, updated_at=? WHERE candidature_id=? AND kind='CONFIRMATION'",
            (version, stamp, self.id),
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


class RawPostgres:
    def __init__(self, url: str, candidatures: list[Candidature]) -> None:
        import psycopg

        self.db = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self.next = itertools.cycle([(c.id, c.account_id) for c in halfway(candidatures)]).__next__

    def save(self) -> None:
        self.id, self.account_id = self.next()
        with self.db.transaction():
            c = self.db.cursor()
            c.execute("SELECT * FROM accounts WHERE id=%s FOR UPDATE", (self.account_id,))
            assert c.fetchone() is not None
            # The documents as their text, copied as they are (as on SQLite): no JSON parsing or encoding on this side.
            row = c.execute(SELECT_SQL, (self.id,)).fetchone()
            assert row is not None
            version = row[-1] + 1
            now = datetime.now(UTC)
            c.execute(UPDATE_SQL, (row[5], row[6], version, row[7], row[8], now, self.id, row[-1]))
            c.execute(
                "INSERT INTO candidature_versions (candidature_id, version, snapshot) VALUES (%s,%s,%s)",
                (self.id, version, snapshot(self.id, row, version, now)),
            )
            c.execute("DELETE FROM candidature_epreuves WHERE candidature_id=%s", (self.id,))
            c.execute(EPREUVES_ARRAYS_SQL, (self.id, *epreuve_arrays()))
            c.execute(
                "UPDATE documents SET version=%s, updated_at=%s WHERE candidature_id=%s AND kind='CONFIRMATION'",
                (version, now, self.id),
            )
            c.execute(
                "INSERT INTO outbox (id, kind, account_id, recipient, subject, body, created_at, attempts) VALUES (%s,%s,%s,%s,%s,%s,%s,0)",
                (uuid.uuid4().hex, "candidature_modified", self.account_id, "a@exemple.fr", SUBJECT, "corps", now),
            )
            c.execute(
                "INSERT INTO audit (at, action, actor, account_id, details) VALUES (%s,%s,%s,%s,%s)",
                (now, "candidature_modified", "candidate", self.account_id, json.dumps([["version", str(version)]])),
            )


def measure(library: Any, raw: Any) -> dict[str, float]:
    """Interleaved rounds, so both see the same machine; returns saves per second, their ratio, and the median of the
    rounds' own ratios (each round's library and raw halves ran side by side: a burst of noise moves one round)."""
    lib_time = raw_time = 0.0
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(SAVES // ROUNDS):
            library()
        lib_round = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(SAVES // ROUNDS):
            raw()
        raw_round = time.perf_counter() - start
        lib_time, raw_time = lib_time + lib_round, raw_time + raw_round
        rounds.append(raw_round / lib_round)
    lib, rawr = SAVES / lib_time, SAVES / raw_time
    return {
        "library_tx_s": round(lib), "raw_tx_s": round(rawr), "ratio": round(lib / rawr, 2),
        "median_round_ratio": round(statistics.median(rounds), 2),
    }  # fmt: skip


def rotating(database: SqlDatabase, candidatures: list[Candidature]) -> Callable[[], None]:
    """Library saves over the candidatures in turn, as the raw comparators go over them."""
    turn = itertools.cycle(candidatures).__next__

    def save() -> None:
        candidature = turn()
        library_save(database, candidature.id, candidature.account_id)

    return save


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--candidatures", type=int, default=CANDIDATURES)
    args = parser.parse_args()
    count = args.candidatures
    results: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp())
    database = SqlDatabase(f"sqlite:///{folder / 'bench.db'}")
    candidatures = setup_many(database, count)
    raw = RawSqlite(str(folder / "bench.db"), candidatures)
    library = rotating(database, candidatures)
    for _ in range(count):  # each candidature saved once by each side before timing
        library()
        raw.save()
    results["sqlite"] = {**measure(library, raw.save), "target": 0.6}
    if args.postgres:
        pg = SqlDatabase(args.postgres)
        from sqlalchemy import text

        from cyclades_adapters.sql.schema import metadata

        with pg.engine.begin() as c:
            c.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
            metadata.drop_all(c)
            c.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
        candidatures = setup_many(pg, count)
        raw_pg = RawPostgres(args.postgres, candidatures)
        library = rotating(pg, candidatures)
        for _ in range(count):
            library()
            raw_pg.save()
        results["postgresql"] = {**measure(library, raw_pg.save), "target": 0.8}
    print(f"{count} candidatures in turn")
    print(f"{'engine':<11} {'library tx/s':>13} {'raw tx/s':>9} {'ratio':>6} {'median':>6} target")
    for engine, r in results.items():
        print(
            f"{engine:<11} {r['library_tx_s']:>13} {r['raw_tx_s']:>9} {r['ratio']:>6} {r['median_round_ratio']:>6}"
            f" ≥ {r['target']}"
        )
    results["candidatures"] = count
    out = Path(__file__).parent / "results" / "save.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
