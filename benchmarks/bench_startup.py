"""Start-up in a fresh interpreter (issue 19): ``import cyclades_adapters`` ≤ 0.3 s and ``build_portal()`` on an
existing, migrated SQLite file ≤ 0.5 s (the import of ``build_portal`` included: what a web worker pays when it
starts).

Each case runs in its own subprocess (``python -c``), once to warm the file cache and the bytecode, then N times;
the time is measured inside the subprocess (``time.perf_counter`` around the statement), so the interpreter's own
start (about 20 ms) is left out. Prints median [min–max] and the load average before and after.

Run: ``.venv/bin/python benchmarks/bench_startup.py [--runs 11]``; writes ``results/startup.json``. For what
dominates: ``.venv/bin/python -X importtime -c "from cyclades_adapters import build_portal"``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _bench import finish, print_load_before, spread

ROOT = Path(__file__).resolve().parents[1]
IMPORT = "import time; t = time.perf_counter(); import cyclades_adapters; print(time.perf_counter() - t)"
BUILD = (
    "import sys, time; t = time.perf_counter(); from cyclades_adapters import build_portal;"
    " p = build_portal(sys.argv[1], environ={}, document_key=b'bench-document-key-0123456789');"
    " print(time.perf_counter() - t)"
)
BUILD_ONLY = (
    "import sys, time; from cyclades_adapters import build_portal; import cyclades_adapters.bootstrap;"
    " t = time.perf_counter(); p = build_portal(sys.argv[1], environ={}, document_key=b'bench-document-key-0123456789');"
    " print(time.perf_counter() - t)"
)
TARGETS = {"import cyclades_adapters": 0.3, "build_portal() on a migrated SQLite file": 0.5}


def _run(code: str, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("CYCLADES_DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(f"failed: {done.stderr.strip()}")
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'portal.db'}"
        from cyclades_adapters.sql import SqlDatabase

        database = SqlDatabase(url)
        database.upgrade()
        database.dispose()
        cases = {
            "import cyclades_adapters": (IMPORT,),
            "build_portal() on a migrated SQLite file": (BUILD, url),
            "  of which the call, after the package import": (BUILD_ONLY, url),
        }
        for case in cases.values():
            _run(*case)
        load = print_load_before()
        timings = {name: [_run(*case) for _ in range(runs)] for name, case in cases.items()}
        finish(load)
    report: dict[str, object] = {"runs": runs, **load.as_dict()}
    for name, values in timings.items():
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"target ≤ {target} s: {'met' if statistics.median(values) <= target else 'MISSED'}"
        )
        print(f"{name:<48} {spread(values, 3)} s {verdict}")
        report[name] = {
            "median_s": statistics.median(values),
            "min_s": min(values),
            "max_s": max(values),
            "target_s": target,
        }
    out = Path(__file__).parent / "results" / "startup.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
