"""Lookups stay flat as tables grow (issues 10 and 19): login lookup by each identifier kind and "Mes inscriptions"
at 10k and 1M accounts, on SQLite and PostgreSQL. Target: latency at 1M ≤ 1.5 × latency at 10k.

Fair (issue 19): every account has its own identity and every candidature its own content (distinct names, emails
and streets: no parse cache hit on a text another row shares); a lookup is timed whole, unit of work included, and
"Mes inscriptions" is the use case itself (``portal.candidatures.mes_inscriptions``: the session check, the
account, the candidatures, their documents, the cards); both sizes are loaded side by side (two SQLite files, two
PostgreSQL schemas) and the lookups alternate between them in a random order, so both sizes see the same machine.

Rows are bulk-loaded with the driver (the library's own inserts are measured by ``bench_save.py``). Run:
``.venv/bin/python benchmarks/bench_scale.py [--postgres URL] [--sizes 10000 1000000] [--runs 3]``; writes
``results/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _bench import finish, letters, print_load_before, spread
from attrs import evolve
from bench_read_pages import KEY
from sqlalchemy import create_engine, text

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.cli.demo import BESANCON, SESSION, _catalogue
from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql._common import JSON_CONVERTER
from cyclades_adapters.sql.candidatures import _candidature_documents, _candidature_row
from cyclades_core.model.tokens import digest
from cyclades_core.testing import make_account, make_candidature

LOOKUPS = 2000


def load(database: SqlDatabase, size: int) -> list[tuple[str, str, str, str]]:
    """``size`` accounts (one in ten with a Cyclades login), one candidature for every account, each with its own
    identity and content; a session for each sampled account. Returns the samples (email, number, login, token)."""
    template = make_account(email="x@exemple.fr")
    template = evolve(template, identity=evolve(template.identity, birth_name="NAMEMARK", first_names="FIRSTMARK"))
    identity = JSON_CONVERTER.unstructure(template.identity)
    candidature = evolve(make_candidature(template), session_id=SESSION, academie_code=BESANCON)
    crow = _candidature_row(candidature, _candidature_documents(candidature))
    samples: list[tuple[str, str, str, str]] = []
    tokens: list[tuple[Any, ...]] = []
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
        token_sql = (
            "INSERT INTO tokens (digest, purpose, account_id, issued_at, expires_at) VALUES ("
            + ", ".join([mark] * 5)
            + ")"
        )
        created = "2021-10-01 08:00:00.000000" if database.dialect == "sqlite" else template.created_at
        issued = datetime.now(UTC) - timedelta(seconds=30)
        far = issued + timedelta(days=1)
        if database.dialect == "sqlite":
            issued, far = (d.isoformat(" ", "microseconds")[:26] for d in (issued, far))  # type: ignore[assignment]
        identity_json, content_json = json.dumps(identity), str(crow["content"])
        for start in range(0, size, batch):
            accounts, cands = [], []
            for i in range(start, min(size, start + batch)):
                number = f"0{22:02d}{i:08d}"
                email = f"c{i}@exemple.fr"
                login = f"nom{i}.prenom1" if i % 10 == 0 else None
                name = letters(i, 5)
                own_identity = identity_json.replace("NAMEMARK", f"NOM{name}").replace("FIRSTMARK", name)
                own_content = content_json.replace("accrall", f"c{i}").replace(
                    "1 rue des champs", f"{i} rue des champs"
                )
                accounts.append((f"a{i}", "individual", "active", number, email, email, login, "h", own_identity,
                                 created, False, 1))  # fmt: skip
                cands.append((f"c{i}", f"a{i}", "001", SESSION, BESANCON, "31310", "ACTIVE", 1, own_identity,
                              own_content, created, created))  # fmt: skip
                if i % max(1, size // 500) == 0:
                    samples.append((email, number, login or f"nom{i - i % 10}.prenom1", f"tok{i}"))
                    tokens.append((digest(f"tok{i}"), "session", f"a{i}", issued, far))
            cursor.executemany(account_sql, accounts)
            cursor.executemany(cand_sql, cands)
        cursor.executemany(token_sql, tokens)
    return samples


def lookups(portal: Portal, samples: list[tuple[str, str, str, str]]) -> dict[str, Callable[[int], object]]:
    """Each lookup timed whole: its unit of work, the query, the row's parsing; "Mes inscriptions" as the use case."""
    database = portal.storage
    assert isinstance(database, SqlDatabase)

    def find(method: str, field: int) -> Callable[[int], object]:
        def run(i: int) -> object:
            with database.unit_of_work() as uow:
                found = getattr(uow.accounts, method)(samples[i][field])
            assert found is not None
            return found

        return run

    def mes_inscriptions(i: int) -> object:
        cards = portal.candidatures.mes_inscriptions(samples[i][3]).cards
        assert cards
        return cards

    return {
        "email": find("find_by_email", 0), "candidate_number": find("find_by_candidate_number", 1),
        "login": find("find_by_login", 2), "mes_inscriptions": mes_inscriptions,
    }  # fmt: skip


def timed(
    portals: dict[int, Portal], samples: dict[int, list[tuple[str, str, str, str]]], rng: random.Random
) -> dict[int, dict[str, float]]:
    """LOOKUPS of each kind at each size, the sizes and kinds in a random order each time; median ms per kind."""
    calls = {size: lookups(portal, samples[size]) for size, portal in portals.items()}
    plan = [(size, kind) for size in portals for kind in calls[size] for _ in range(LOOKUPS)]
    rng.shuffle(plan)
    results: dict[int, dict[str, list[float]]] = {size: {kind: [] for kind in calls[size]} for size in portals}
    for size, kind in plan:
        i = rng.randrange(len(samples[size]))
        start = time.perf_counter()
        calls[size][kind](i)
        results[size][kind].append((time.perf_counter() - start) * 1000)
    return {size: {kind: statistics.median(v) for kind, v in kinds.items()} for size, kinds in results.items()}


def fresh(url: str, schema: str | None) -> SqlDatabase:
    if schema is not None:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()
    database = SqlDatabase(url, schema=schema)
    database.upgrade()
    return database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())  # about 2 GB at 1M accounts: removed at the end
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    engines: dict[str, Callable[[int], tuple[str, str | None]]] = {}
    if args.only != "postgresql":
        engines["sqlite"] = lambda size: (f"sqlite:///{folder / f'scale{size}.db'}", None)
    if args.postgres and args.only != "sqlite":
        engines["postgresql"] = lambda size: (args.postgres, f"bench_scale_{size}")
    report: dict[str, Any] = {}
    rng = random.Random(19)  # noqa: S311 - a benchmark's reproducible order
    catalogue = _catalogue(datetime.now(UTC))
    small, large = min(args.sizes), max(args.sizes)
    for engine, where in engines.items():
        portals, samples, load_s = {}, {}, {}
        for size in (small, large):
            url, schema = where(size)
            database = fresh(url, schema)
            started = time.perf_counter()
            samples[size] = load(database, size)
            if engine == "postgresql":
                with database.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            load_s[size] = round(time.perf_counter() - started, 1)
            database.dispose()
            full = url if schema is None else f"{url}{'&' if '?' in url else '?'}schema={schema}"
            portals[size] = build_portal(full, catalogue=catalogue, environ={}, document_key=KEY)
            print(f"{engine}: {size} accounts loaded in {load_s[size]} s", flush=True)
        timed(portals, {s: v[:50] for s, v in samples.items()}, rng)  # warm-up: code paths, pools, page caches
        ratios: dict[str, list[float]] = {}
        per_run, loads = [], []
        for run_number in range(args.runs):
            load_avg = print_load_before()
            medians = timed(portals, samples, rng)
            finish(load_avg)
            loads.append(load_avg.as_dict())
            per_run.append(medians)
            for kind in medians[small]:
                ratios.setdefault(kind, []).append(medians[large][kind] / medians[small][kind])
            print(
                f"  run {run_number + 1}: "
                + ", ".join(f"{k} {medians[small][k]:.3f} → {medians[large][k]:.3f} ms" for k in medians[small]),
                flush=True,
            )
        for portal in portals.values():
            assert isinstance(portal.storage, SqlDatabase)
            portal.storage.dispose()
        report[engine] = {
            "sizes": [small, large], "load_s": load_s, "median_ms_per_run": per_run,
            "ratio_large_over_small": {kind: {"median": statistics.median(v), "min": min(v), "max": max(v)}
                                       for kind, v in ratios.items()},
            "ratios_text": {kind: spread(v) for kind, v in ratios.items()},
            "runs": loads, "quiet_runs": sum(not load["noisy"] for load in loads),
        }  # fmt: skip
        print(f"{engine}: {large} ÷ {small}: " + ", ".join(f"{k} {t}" for k, t in report[engine]["ratios_text"].items())
              + f" (target ≤ 1.5; quiet runs {report[engine]['quiet_runs']} of {args.runs})", flush=True)  # fmt: skip
    out = Path(__file__).parent / "results" / "scale.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
