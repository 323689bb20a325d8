"""CLI start-up (issue 16): ``cyclades --help`` ≤ 0.3 s and ``cyclades purge`` on an empty migrated SQLite file
≤ 1 s, each in a fresh interpreter, as an operator runs them.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--runs 11]`` — prints the median, min and max wall-clock time of
each command over the runs (subprocesses, one after the other), the load average before and after (a busy machine
shows in the figures), and writes ``benchmarks/results/cli.json``. The ``cyclades`` script of the virtualenv is used
when installed, else ``python -m cyclades_adapters.cli``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cyclades --help": 0.3, "cyclades purge (empty migrated SQLite)": 1.0}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("cyclades")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cyclades_adapters.cli"]


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=120)  # noqa: S603
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("CYCLADES_DATABASE_URL", None)
    command = _command()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'empty.db'}"
        _time([*command, "db", "upgrade", "--database-url", url], env)
        cases = {
            "cyclades --help": [*command, "--help"],
            "cyclades purge (empty migrated SQLite)": [*command, "purge", "--database-url", url],
        }
        for argv in cases.values():  # warm the file cache and the bytecode once
            _time(argv, env)
        load_before = os.getloadavg()
        timings = {name: [_time(argv, env) for _ in range(runs)] for name, argv in cases.items()}
        load_after = os.getloadavg()
    results = {
        name: {
            "median_s": round(statistics.median(values), 3),
            "min_s": round(min(values), 3),
            "max_s": round(max(values), 3),
            "target_s": TARGETS[name],
            "meets_target": statistics.median(values) <= TARGETS[name],
        }
        for name, values in timings.items()
    }
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"{'command':<42} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'target':>7}")
    for name, result in results.items():
        verdict = "met" if result["meets_target"] else "MISSED"
        print(
            f"{name:<42} {runs:>4} {result['median_s']:>9.3f} {result['min_s']:>7.3f} {result['max_s']:>7.3f}"
            f" {result['target_s']:>6}s {verdict}"
        )
    print(f"load average after:  {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    out = Path(__file__).parent / "results" / "cli.json"
    out.parent.mkdir(exist_ok=True)
    report = {"runs": runs, "command": command, "load_before": load_before, "load_after": load_after, **results}
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
