"""The confirmation d'inscription of a candidature saved 500 times against one saved once (issue 19): rendering it
must not read and parse every past version. Target: ≤ 1.1×, on SQLite.

Two candidates on one SQLite file: one candidature saved once, the other modified 499 times (a different street
each time, so every version differs). The two confirmations are rendered in turn, in a random order per round
(``portal.documents.render``: the session check, the reads, the PDF). A third column times what the render used to
read at 500 versions: the whole history, parsed.

Run: ``.venv/bin/python benchmarks/bench_confirmation_versions.py [--runs 3] [--versions 500]``; writes
``results/confirmation_versions.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _bench import finish, interleaved, print_load_before, spread
from bench_read_pages import KEY, signed_in

from cyclades_adapters import build_portal
from cyclades_adapters.cli.demo import _catalogue, _identification
from cyclades_adapters.security import Argon2idHasher
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.model.documents import DocumentKind
from cyclades_core.usecases import AccountSettings

ROUNDS = 30
TARGET = 1.1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--versions", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    portal = build_portal(
        f"sqlite:///{folder / 'versions.db'}", migrate=True, hasher=Argon2idHasher.cheap(),
        catalogue=_catalogue(datetime.now(UTC)), settings=AccountSettings(creations_per_hour=100_000), environ={},
        document_key=KEY,
    )  # fmt: skip
    assert isinstance(portal.storage, SqlDatabase)
    database = portal.storage
    tokens = [signed_in(portal, i) for i in range(2)]
    ids = [portal.candidatures.mes_inscriptions(token).cards[0].candidature_id for token in tokens]
    token, candidature_id = tokens[1], ids[1]
    for version in range(2, args.versions + 1):
        draft = portal.candidatures.edit(token, candidature_id)
        draft = portal.candidatures.next(draft)  # the first tab, kept
        draft = portal.candidatures.next(draft, _identification("lecture1@exemple.fr", f"{version} rue des champs"))
        for _ in range(5):
            draft = portal.candidatures.next(draft)
        portal.candidatures.save(token, draft)
    with database.unit_of_work() as uow:
        saved = [uow.candidatures.get(i) for i in ids]
        assert [c.version for c in saved if c is not None] == [1, args.versions], "the candidatures' versions"

    def render(i: int) -> Any:
        return lambda: portal.documents.render(tokens[i], ids[i], DocumentKind.CONFIRMATION)

    def history() -> None:
        with database.unit_of_work() as uow:
            assert len(list(uow.candidatures.history(candidature_id))) >= args.versions

    sides = {
        "render at 1 version": render(0),
        f"render at {args.versions} versions": render(1),
        "history read": history,
    }
    interleaved(sides, rounds=3, per_round=1)  # warm-up (and the first render's « vu »)
    ratios, ms, loads = [], {name: [] for name in sides}, []
    for run in range(args.runs):
        load = print_load_before()
        times = interleaved(sides, rounds=ROUNDS, per_round=1)
        finish(load)
        loads.append(load.as_dict())
        means = {name: statistics.fmean(values) for name, values in times.items()}
        for name, mean in means.items():
            ms[name].append(mean * 1000)
        ratios.append(means[f"render at {args.versions} versions"] / means["render at 1 version"])
        print(f"  run {run + 1}: " + ", ".join(f"{name} {mean * 1000:.2f} ms" for name, mean in means.items()))
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"{'side':<28} {'ms':>22}")
    for name, values in ms.items():
        print(f"{name:<28} {spread(values):>22}")
    quiet = sum(not load["noisy"] for load in loads)
    verdict = "met" if statistics.median(ratios) <= TARGET else "MISSED"
    print(
        f"ratio {args.versions} ÷ 1 version: {spread(ratios)} (target ≤ {TARGET}: {verdict}); quiet runs {quiet} of {args.runs}"
    )
    result = {
        "versions": args.versions, "ms": {name: {"median": statistics.median(v), "min": min(v), "max": max(v)} for name, v in ms.items()},
        "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}, "target": TARGET,
        "runs": loads, "quiet_runs": quiet,
    }  # fmt: skip
    out = Path(__file__).parent / "results" / "confirmation_versions.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
