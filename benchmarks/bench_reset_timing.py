"""The answer of "Mot de passe oublié" takes the same time whether the account exists (issue 15, item 5; checklist E2):
the median time of ``request_password_reset`` for an existing email versus an unknown one, on SQLite, the two
interleaved in a random order so that drift (cache, load, file growth) falls on both alike. Target: the ratio of
the medians within 1.2 (either way).

The throttling limits are raised so that every call does the full work (a throttled request is cheaper on both
paths alike); the hasher is not involved in a request. The load average is printed before and after: a busy machine
widens the spread, not the ratio.

Run: ``.venv/bin/python benchmarks/bench_reset_timing.py [--calls 200]``; writes ``results/reset_timing.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cyclades_adapters import build_portal
from cyclades_adapters.cli.demo import _identity_form
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import PlainHasher
from cyclades_core.usecases import AccountSettings

EXISTING = "paul.martin@exemple.fr"
UNKNOWN = "paul.marten@exemple.fr"  # same length and domain: the same mask work
TARGET = 1.2


def measure(calls: int, seed: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    try:
        portal = build_portal(
            f"sqlite:///{folder / 'reset.db'}", migrate=True, hasher=PlainHasher(), environ={},
            document_key=b"bench-document-key-0123456789",
            settings=AccountSettings(
                reset_requests_per_minute=1_000_000, reset_requests_per_source_per_minute=1_000_000
            ),
        )  # fmt: skip
        portal.accounts.create_account(_identity_form("MARTIN", "Paul", EXISTING, "Vol*Plane7x"))
        body = next(m.body for m in portal.outbox.pending(10) if m.kind is MailKind.ACTIVATION)
        portal.accounts.activate(re.search(r"jeton=([\w-]+)", body).group(1))  # type: ignore[union-attr]
        for identifier in (EXISTING, UNKNOWN) * 10:  # warm-up: statement caches, connection pool
            portal.accounts.request_password_reset(identifier, source="198.51.100.2")
        order = [EXISTING] * calls + [UNKNOWN] * calls
        random.Random(seed).shuffle(order)  # noqa: S311 - an order of measurements, not a secret
        times: dict[str, list[float]] = {EXISTING: [], UNKNOWN: []}
        for identifier in order:
            started = time.perf_counter()
            portal.accounts.request_password_reset(identifier, source="198.51.100.2")
            times[identifier].append(time.perf_counter() - started)
        mailed = sum(1 for m in portal.outbox.pending(10 * calls) if m.kind is MailKind.PASSWORD_RESET)
        assert mailed == calls + 10, f"every request for the existing account queues its mail ({mailed})"
        existing, unknown = statistics.median(times[EXISTING]), statistics.median(times[UNKNOWN])
        return {
            "calls_each": calls,
            "existing_median_ms": round(existing * 1000, 3),
            "unknown_median_ms": round(unknown * 1000, 3),
            "existing_p90_ms": round(statistics.quantiles(times[EXISTING], n=10)[-1] * 1000, 3),
            "unknown_p90_ms": round(statistics.quantiles(times[UNKNOWN], n=10)[-1] * 1000, 3),
            "ratio_existing_over_unknown": round(existing / unknown, 3),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls per identifier (default 200)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = measure(args.calls, args.seed)
    load_after = os.getloadavg()
    ratio = result["ratio_existing_over_unknown"]
    result["within_target"] = 1 / TARGET <= ratio <= TARGET
    result["load_average_before"] = [round(x, 2) for x in load_before]
    result["load_average_after"] = [round(x, 2) for x in load_after]
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"{'path':<10} {'median ms':>10} {'p90 ms':>8}")
    print(f"{'existing':<10} {result['existing_median_ms']:>10.3f} {result['existing_p90_ms']:>8.3f}")
    print(f"{'unknown':<10} {result['unknown_median_ms']:>10.3f} {result['unknown_p90_ms']:>8.3f}")
    print(
        f"ratio existing/unknown: {ratio:.3f} (target within {TARGET}×: {'met' if result['within_target'] else 'MISSED'})"
    )
    print(f"load average after:  {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    out = Path(__file__).parent / "results" / "reset_timing.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
