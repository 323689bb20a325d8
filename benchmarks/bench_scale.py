"""Lookups stay flat as tables grow (issue 10): login lookup by each identifier kind and "Mes inscriptions" at 10k
and 1M accounts, on SQLite and PostgreSQL. Target: latency at 1M ≤ 1.5 × latency at 10k.

Rows are bulk-loaded with the driver (the library's own inserts are measured by ``bench_save.py``); the lookups go
through the library's units of work. Run: ``.venv/bin/python benchmarks/bench_scale.py [--postgres URL]
[--sizes 10000 1000000]``; writes ``results/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql._common import JSON_CONVERTER
from cyclades_adapters.sql.candidatures import _candidature_documents, _candidature_row
from cyclades_adapters.sql.schema import metadata
from cyclades_core.testing import make_account, make_candidature

LOOKUPS = 2000


def load(database: SqlDatabase, size: int) -> list[tuple[str, str, str, str]]:
    """``size`` accounts (one in ten with a Cyclades login), one candidature for every account; returns samples."""
    template = make_account(email="x@exemple.fr")
    identity = JSON_CONVERTER.unstructure(template.identity)
    candidature = make_candidature(template)
    crow = _candidature_row(candidature, _candidature_documents(candidature))
    samples = []
    batch = 20_000
    with database.engine.begin() as connection:
        raw = connection.connection.driver_connection
        cursor = raw.cursor()
        mark = "%s" if database.dialect == "postgresql" else "?"
        account_sql = (
            "INSERT INTO accounts (id, kind, state, candidate_number, email_display, email_key, login, password_hash,"
            " identity, created_at, must_change_password, version) VALUES ("
            + ", ".join([mark] * 12) + ")"
        )  # fmt: skip
        cand_sql = (
            "INSERT INTO candidatures (id, account_id, inscription_number, session_id, academie_code, specialite_code,"
            " state, version, identity, content, created_at, updated_at) VALUES (" + ", ".join([mark] * 12) + ")"
        )  # fmt: skip
        created = "2021-10-01 08:00:00.000000" if database.dialect == "sqlite" else template.created_at
        identity_json, content_json = json.dumps(identity), str(crow["content"])
        for start in range(0, size, batch):
            accounts, cands = [], []
            for i in range(start, min(size, start + batch)):
                number = f"0{22:02d}{i:08d}"
                email = f"c{i}@exemple.fr"
                login = f"nom{i}.prenom1" if i % 10 == 0 else None
                accounts.append((f"a{i}", "individual", "active", number, email, email, login, "h", identity_json,
                                 created, False, 1))  # fmt: skip
                cands.append((f"c{i}", f"a{i}", "001", "BTS-2022", "10", "31310", "ACTIVE", 1, identity_json,
                              content_json, created, created))  # fmt: skip
                if i % max(1, size // 500) == 0:
                    samples.append((email, number, login or f"nom{i - i % 10}.prenom1", f"a{i}"))
            cursor.executemany(account_sql, accounts)
            cursor.executemany(cand_sql, cands)
    return samples


def timed(database: SqlDatabase, samples: list[tuple[str, str, str, str]]) -> dict[str, float]:
    rng = random.Random(10)  # noqa: S311 - a benchmark's reproducible sample
    picks = [rng.choice(samples) for _ in range(LOOKUPS)]
    for email, _, _, _ in picks[:200]:  # warm up (code paths, pool, page cache) so both sizes start alike
        with database.unit_of_work() as uow:
            uow.accounts.find_by_email(email)
    results: dict[str, list[float]] = {"email": [], "candidate_number": [], "login": [], "mes_inscriptions": []}
    for email, number, login, account_id in picks:
        with database.unit_of_work() as uow:
            for kind, call in (
                ("email", lambda: uow.accounts.find_by_email(email)),
                ("candidate_number", lambda: uow.accounts.find_by_candidate_number(number)),
                ("login", lambda: uow.accounts.find_by_login(login)),
                ("mes_inscriptions", lambda: uow.candidatures.for_account(account_id)),
            ):
                start = time.perf_counter()
                found: Any = call()
                results[kind].append((time.perf_counter() - start) * 1000)
                assert found
    return {kind: round(statistics.median(values), 4) for kind, values in results.items()}


def fresh(database: SqlDatabase) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
        metadata.drop_all(connection)
        if database.dialect == "postgresql":
            connection.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
    database.upgrade()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 1_000_000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())  # about 2 GB at 1M accounts: removed at the end
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    engines = {"sqlite": f"sqlite:///{folder / 'scale.db'}"}
    if args.postgres:
        engines["postgresql"] = args.postgres
    report: dict[str, Any] = {}
    for engine, url in engines.items():
        database = SqlDatabase(url)
        report[engine] = {}
        for size in args.sizes:
            fresh(database)
            started = time.perf_counter()
            samples = load(database, size)
            if engine == "postgresql":
                with database.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            loaded = time.perf_counter() - started
            report[engine][size] = {**timed(database, samples), "load_s": round(loaded, 1)}
            print(engine, size, report[engine][size], flush=True)
        small, large = (report[engine][s] for s in (min(args.sizes), max(args.sizes)))
        report[engine]["ratio_large_over_small"] = {
            kind: round(large[kind] / small[kind], 2)
            for kind in ("email", "candidate_number", "login", "mes_inscriptions")
        }
        database.dispose()
    print(json.dumps(report, indent=2))
    out = Path(__file__).parent / "results" / "scale.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
