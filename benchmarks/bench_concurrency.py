"""N application processes (1, 2, 4) saving the same candidatures against one PostgreSQL (issues 10 and 19):
throughput, conflicts and errors. Target: 0 errors.

Contention (issue 19): every worker saves the same 10 candidatures, picked at random. A save is what a candidate's
"Modifier" does: the candidature read in one unit of work (the form opened), then saved in another (the account
locked, the versioned update, the version snapshot, the épreuve rows, the confirmation, the outbox mail, the audit
record). When another process saved in between, the versioned update refuses the stale version with
ConcurrencyConflict: an expected outcome (the candidate is told the candidature changed and reopens it), counted as
a conflict. Anything else is an error.

Run: ``.venv/bin/python benchmarks/bench_concurrency.py postgresql+psycopg://… [--candidatures 10]``; writes
``results/concurrency.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _bench import finish, print_load_before
from bench_save import setup_many
from sqlalchemy import text

from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata

SECONDS = 5
WORKER = """
import json, random, sys, time, uuid
from datetime import timedelta
from attrs import evolve
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.errors import ConcurrencyConflict
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import MailKind, OutboxMessage
database = SqlDatabase(sys.argv[1])
targets = json.loads(sys.argv[3])
rng = random.Random()
deadline = time.perf_counter() + float(sys.argv[2])
saves = conflicts = errors = 0
while time.perf_counter() < deadline:
    candidature_id, account_id = rng.choice(targets)
    try:
        with database.unit_of_work() as uow:  # the form opened
            current = uow.candidatures.get(candidature_id)
        with database.unit_of_work() as uow:  # the form saved
            uow.accounts.lock(account_id)
            now = current.updated_at + timedelta(seconds=1)
            identification = evolve(current.content.identification, landline_phone=f"01{rng.randrange(10**8):08d}")
            saved = current.modify(evolve(current.content, identification=identification), now)
            uow.candidatures.update(saved)
            uow.documents.publish(PublishedDocument(saved.id, DocumentKind.CONFIRMATION, saved.version, now, "system"))
            uow.outbox.add(OutboxMessage(uuid.uuid4().hex, MailKind.CANDIDATURE_MODIFIED, account_id, "a@exemple.fr",
                                         "[CYCLADES] Modification", "corps", now))
            uow.audit.append(AuditRecord.of(now, "candidature_modified", "candidate", account_id, version=saved.version))
            uow.commit()
        saves += 1
    except ConcurrencyConflict:
        conflicts += 1
    except Exception as error:
        errors += 1
        print(type(error).__name__, error, file=sys.stderr)
print(saves, conflicts, errors)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--candidatures", type=int, default=10)
    args = parser.parse_args()
    database = SqlDatabase(args.url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
        metadata.drop_all(connection)
        connection.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
    targets = json.dumps([(c.id, c.account_id) for c in setup_many(database, args.candidatures)])
    database.dispose()
    env_path = str(Path(__file__).parent)
    report: dict[str, object] = {"candidatures": args.candidatures}
    load = print_load_before()
    for processes in (1, 2, 4):
        started = time.perf_counter()
        workers = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-c", WORKER, args.url, str(SECONDS), targets],
                stdout=subprocess.PIPE,
                text=True,
                cwd=env_path,
            )
            for _ in range(processes)
        ]
        outputs = [w.communicate()[0].split() for w in workers]
        elapsed = time.perf_counter() - started
        saves, conflicts, errors = (sum(int(o[i]) for o in outputs) for i in range(3))
        report[str(processes)] = {
            "saves_per_s": round(saves / SECONDS), "conflicts_per_s": round(conflicts / SECONDS),
            "conflict_share": round(conflicts / max(1, saves + conflicts), 3), "errors": errors,
            "wall_s": round(elapsed, 1),
        }  # fmt: skip
        print(f"{processes} processes: {report[str(processes)]}", flush=True)
    finish(load)
    report.update(load.as_dict())
    out = Path(__file__).parent / "results" / "concurrency.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
