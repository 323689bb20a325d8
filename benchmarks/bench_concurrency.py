"""N application processes (1, 2, 4) saving candidatures against one PostgreSQL (issue 10): throughput and errors
(target: 0 errors). Run: ``.venv/bin/python benchmarks/bench_concurrency.py postgresql+psycopg://…``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata

SECONDS = 5
WORKER = """
import sys, time
sys.path.insert(0, sys.argv[3])
from bench_save import library_save, setup
from cyclades_adapters.sql import SqlDatabase
database = SqlDatabase(sys.argv[1])
candidature = setup(database)
deadline = time.perf_counter() + float(sys.argv[2])
saves = errors = 0
while time.perf_counter() < deadline:
    try:
        library_save(database, candidature.id, candidature.account_id)
        saves += 1
    except Exception:
        errors += 1
print(saves, errors)
"""


def main() -> None:
    url = sys.argv[1]
    database = SqlDatabase(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
        metadata.drop_all(connection)
        connection.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
    database.upgrade()
    here = str(Path(__file__).parent)
    report = {}
    for processes in (1, 2, 4):
        started = time.perf_counter()
        workers = [
            subprocess.Popen([sys.executable, "-c", WORKER, url, str(SECONDS), here], stdout=subprocess.PIPE, text=True)  # noqa: S603
            for _ in range(processes)
        ]
        outputs = [w.communicate()[0].split() for w in workers]
        elapsed = time.perf_counter() - started
        saves = sum(int(o[0]) for o in outputs)
        errors = sum(int(o[1]) for o in outputs)
        report[processes] = {"saves_per_s": round(saves / SECONDS), "errors": errors, "wall_s": round(elapsed, 1)}
        print(processes, report[processes], flush=True)
    out = Path(__file__).parent / "results" / "concurrency.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
