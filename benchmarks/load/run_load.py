"""The web portal under load (issue 18): start ``cyclades serve``, run Locust headless against it, report per page.

Three runs (README.md beside this file):

    .venv/bin/python benchmarks/load/run_load.py                      # PostgreSQL, 4 workers, 50 users, 1–3 s waits, 2 min
    .venv/bin/python benchmarks/load/run_load.py --no-wait            # the saturation search: step load, no waits
    .venv/bin/python benchmarks/load/run_load.py --sqlite --workers 1 # SQLite, 1 worker, 50 users, 1–3 s waits, 2 min

PostgreSQL: ``--database URL`` or ``$CYCLADES_TEST_POSTGRES_URL``; the run uses a fresh schema (``load_<random>``),
dropped at the end. Everything listens on 127.0.0.1 (the simulated candidates connect from loopback addresses of
their own, see locustfile.py) and everything is bounded in time: the server must listen within 90 s, Locust is
stopped 120 s after its planned end, the server 20 s after SIGTERM.

Printed: the load average before and after (and the highest 1-minute value seen during the run), the CPU seconds
taken by the server (its workers and mail relay included) and by Locust, then per page the count, errors, p50, p95
and max in ms (exact, from every request, not Locust's rounded percentiles), and the verdict against the targets
(0 errors; p95 of each page ≤ ``--target-ms``). With ``--no-wait``: per step, the users, the pages per second, the
p95 over all pages and the worst page's p95, and the pages/s at which p95 crosses the target. Everything is also
written to ``benchmarks/results/load-<mode>-<time>/`` (summary.json, samples.jsonl, server.log, locust.log).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # Locust's dependency (the ``load`` extra)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "benchmarks" / "results"
LISTENING = "Portail en écoute sur"
#: What is not a page: the wait for the activation mail (MAIL), a test start mark (START), an exception raised in the
#: simulated user's code (ERROR, an error of the run).
NOT_PAGES = ("MAIL", "START", "ERROR")


# -- helpers ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below it."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (every core; /proc/stat, Linux), or NaN elsewhere."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
    except OSError:
        return math.nan
    ticks = [int(v) for v in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(database_url: str | None) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend serving ``database_url``'s database (their process title
    names it: ``postgres: … postgres test_load 127.0.0.1(…) idle``), by pid; empty for SQLite."""
    if not database_url:
        return {}
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database or ""
    found: dict[int, float] = {}
    for process in psutil.process_iter(["pid", "cmdline"]):
        title = " ".join(process.info.get("cmdline") or ())
        if title.startswith("postgres:") and f" {name} " in title:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
    return found


def database_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """The backends' CPU between two readings (a backend started in between counts whole)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


class LoadWatch(threading.Thread):
    """The highest 1-minute load average seen while the run goes (sampled every 2 s)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.highest = os.getloadavg()[0]
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(2.0):
            self.highest = max(self.highest, os.getloadavg()[0])

    def stop(self) -> float:
        self._done.set()
        self.join(timeout=5)
        return self.highest


def wait_cpu_seconds(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, float]:
    """Wait for ``process`` (bounded) and return its exit code and the CPU seconds it and the children it reaped
    used (``wait4``'s rusage)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        time.sleep(0.2)
    process.kill()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def git_state() -> str:
    def run(*args: str) -> str:
        try:
            return subprocess.run(  # noqa: S603 - git from PATH, fixed arguments
                ["git", "-C", str(ROOT), *args],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    head = run("rev-parse", "--short", "HEAD")
    changed = [line for line in run("status", "--porcelain", "--", "src").splitlines() if line.strip()]
    return f"{head}" + (f" + {len(changed)} uncommitted paths under src/" if changed else "")


# -- the server ------------------------------------------------------------------------------------------------------


class Server:
    """``cyclades serve`` in a process group of its own (gunicorn's master, its workers, the mail relay)."""

    def __init__(self, args: argparse.Namespace, data_dir: Path, port: int, log: Path, src: Path | None) -> None:
        self.port = port
        self.log = log
        command = [
            sys.executable, "-m", "cyclades_adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(data_dir), "--demo", "--insecure-cookies", "--cheap-hashing",
            "--workers", str(args.workers),
        ]  # fmt: skip
        if not args.sqlite:
            command += ["--database", args.database, "--schema", args.schema]
        env = dict(os.environ)
        env.pop("CYCLADES_DATABASE_URL", None)
        if src is not None:  # serve a frozen copy of the sources (the checkout may change during the run)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
        self._handle = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            command, stdout=self._handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )

    def wait_listening(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if LISTENING in self.log.read_text(encoding="utf-8", errors="replace"):
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                        return
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped before listening:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the server did not listen within {timeout:.0f} s:\n{self.log.read_text(errors='replace')}")

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the server's processes alive now (master, workers, relay)."""
        total = 0.0
        try:
            root = psutil.Process(self.process.pid)
            for process in (root, *root.children(recursive=True)):
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    total += times.user + times.system
        except psutil.Error:
            return math.nan
        return total

    def stop(self) -> float:
        """SIGTERM to the master (it stops the workers and the relay), bounded; returns the CPU seconds used."""
        if self.process.returncode is not None:
            return 0.0
        self.process.send_signal(signal.SIGTERM)
        code, cpu = wait_cpu_seconds(self.process, 20.0)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of the group left behind
        self._handle.close()
        if code not in (0, -signal.SIGTERM):
            print(f"warning: the server exited with {code}", flush=True)
        return cpu


def warm_up(port: int, workers: int) -> None:
    """A few concurrent GETs of the pages every journey opens first, before the measure: each worker compiles its
    templates and loads the commune list of the account form once, on its first request (about a second, see
    docs/performance.md); a load test measures the served pages, not each worker's first request. Best effort: the
    requests spread over the workers as they accept them."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import urlopen

    def get(path: str) -> None:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            answer.read()

    paths = ["/", "/ouverture-des-services", "/creer-mon-compte", "/connexion"] * (3 * workers)
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(get, paths))


# -- the database ----------------------------------------------------------------------------------------------------


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        engine.dispose()


# -- the figures -----------------------------------------------------------------------------------------------------


def read_samples(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def per_page(samples: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for sample in samples:
        if sample["method"] in ("START",):
            continue
        groups[(sample["method"], sample["name"])].append(sample)
    rows = []
    for (method, name), items in sorted(groups.items(), key=lambda kv: (kv[0][0] in NOT_PAGES, kv[0][1], kv[0][0])):
        times = sorted(s["ms"] for s in items)
        rows.append({
            "method": method, "page": name, "count": len(items), "errors": sum(1 for s in items if not s["ok"]),
            "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "max": times[-1],
        })  # fmt: skip
    return rows


def print_pages(rows: Sequence[dict[str, Any]], target_ms: float) -> None:
    print(f"\n{'':4} {'page':<42} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for row in rows:
        over = " > target" if row["method"] not in NOT_PAGES and row["p95"] > target_ms else ""
        print(
            f"{row['method']:<4} {row['page'][:42]:<42} {row['count']:>6} {row['errors']:>6} "
            f"{row['p50']:>8.0f} {row['p95']:>8.0f} {row['max']:>8.0f}{over}"
        )


def steps_figures(
    samples: Sequence[dict[str, Any]], steps: Sequence[int], step_seconds: float, settle: float, target_ms: float
) -> list[dict[str, Any]]:
    """Per step: the pages answered in the step's window (after ``settle`` s), their rate and p95."""
    starts = [s["t"] for s in samples if s["method"] == "START"]
    if not starts:
        return []
    origin = starts[0]
    pages = [s for s in samples if s["method"] not in NOT_PAGES]
    rows = []
    for index, users in enumerate(steps):
        low, high = origin + index * step_seconds + settle, origin + (index + 1) * step_seconds
        inside = [s for s in pages if low <= s["t"] < high]
        errors = sum(1 for s in inside if not s["ok"]) + sum(
            1 for s in samples if s["method"] in ("MAIL", "ERROR") and not s["ok"] and low <= s["t"] < high
        )
        times = sorted(s["ms"] for s in inside)
        by_page: dict[str, list[float]] = defaultdict(list)
        for s in inside:
            by_page[f"{s['method']} {s['name']}"].append(s["ms"])
        worst = max(
            ((percentile(sorted(v), 0.95), k) for k, v in by_page.items() if len(v) >= 5), default=(math.nan, "-")
        )
        rows.append({
            "users": users, "pages_per_second": len(inside) / (high - low), "count": len(inside), "errors": errors,
            "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "worst_page_p95": worst[0],
            "worst_page": worst[1],
        })  # fmt: skip
    return rows


def windows(samples: Sequence[dict[str, Any]], seconds: float = 10.0) -> list[dict[str, Any]]:
    """The run cut in ``seconds``-long windows: pages/s, p50, p95 and the most frequent page of each (the journeys
    start within a few seconds of each other, so the population goes through the journey nearly in step)."""
    starts = [s["t"] for s in samples if s["method"] == "START"]
    pages = [s for s in samples if s["method"] not in NOT_PAGES]
    if not starts or not pages:
        return []
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sample in pages:
        groups[int((sample["t"] - starts[0]) // seconds)].append(sample)
    rows = []
    for index in sorted(groups):
        items = groups[index]
        times = sorted(s["ms"] for s in items)
        names: dict[str, int] = defaultdict(int)
        for sample in items:
            names[f"{sample['method']} {sample['name']}"] += 1
        rows.append({
            "from_s": index * seconds, "pages_per_second": len(items) / seconds, "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95), "most": max(names, key=lambda k: names[k]),
        })  # fmt: skip
    return rows


def crossing(rows: Sequence[dict[str, Any]], target_ms: float, key: str) -> dict[str, Any] | None:
    """The pages/s where ``key`` (a p95) crosses the target: interpolated between the last step under it and the
    first over it."""
    for before, after in itertools.pairwise(rows):
        if before[key] <= target_ms < after[key]:
            share = (target_ms - before[key]) / (after[key] - before[key])
            rate = before["pages_per_second"] + share * (after["pages_per_second"] - before["pages_per_second"])
            return {"between_users": (before["users"], after["users"]), "pages_per_second": rate}
    if rows and rows[0][key] > target_ms:
        return {"between_users": (0, rows[0]["users"]), "pages_per_second": None}
    return None


# -- the run ---------------------------------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("CYCLADES_TEST_POSTGRES_URL"),
                        help="PostgreSQL URL (default $CYCLADES_TEST_POSTGRES_URL); a fresh schema is used")  # fmt: skip
    parser.add_argument("--sqlite", action="store_true", help="SQLite in the run's data folder instead")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default 4; 1 with --sqlite)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--duration", type=int, default=120, help="seconds (the runs with waits)")
    parser.add_argument("--no-wait", action="store_true", help="no pause between pages: the saturation search")
    parser.add_argument("--steps", default="4,8,12,16,24,32,48,64", help="users per step of the saturation search")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds of each step not measured")
    parser.add_argument("--target-ms", type=float, default=300.0)
    parser.add_argument("--no-warm-up", action="store_true", help="measure each worker's first requests too")
    parser.add_argument("--parts", choices=("full", "account"), default="full")
    parser.add_argument("--snapshot", action="store_true",
                        help="serve a copy of src/ taken at the start (the checkout may change during the run)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results/load-…)")
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = 1 if args.sqlite else 4
    if not args.sqlite and not args.database:
        parser.error("PostgreSQL needs --database or $CYCLADES_TEST_POSTGRES_URL (or use --sqlite)")
    args.schema = f"load_{secrets.token_hex(4)}"
    args.step_list = [int(n) for n in args.steps.split(",") if n.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    mode = ("sqlite" if args.sqlite else "postgresql") + f"-{args.workers}w" + ("-nowait" if args.no_wait else "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (args.out or RESULTS / f"load-{mode}-{stamp}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cyclades-load-"))
    src = None
    if args.snapshot:
        src = work / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    data_dir = work / "data"
    port = free_port()
    print(f"run {mode} at {stamp}, sources {git_state()}{' (snapshot)' if src else ''}, {os.cpu_count()} CPUs")
    print(f"load average before: {load_average()}", flush=True)
    load_before = os.getloadavg()
    watch = LoadWatch()
    busy = server_busy = database_busy = math.nan
    server = Server(args, data_dir, port, out / "server.log", src)
    server_cpu = locust_cpu = 0.0
    wall = 0.0
    try:
        server.wait_listening()
        if not args.no_warm_up:
            warm_up(port, args.workers)
        env = dict(os.environ)
        env.update({
            "CYCLADES_LOAD_MAILS": str(data_dir / "mails"), "CYCLADES_LOAD_WAIT": "0" if args.no_wait else "1",
            "CYCLADES_LOAD_SAMPLES": str(out / "samples.jsonl"), "CYCLADES_LOAD_PARTS": args.parts,
        })  # fmt: skip
        command = [
            sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
            "--host", f"http://127.0.0.1:{port}", "--csv", str(out / "locust"), "--loglevel", "WARNING",
        ]  # fmt: skip
        if args.no_wait:
            env["CYCLADES_LOAD_STEPS"] = ",".join(str(n) for n in args.step_list)
            env["CYCLADES_LOAD_STEP_SECONDS"] = str(args.step_seconds)
            planned = len(args.step_list) * args.step_seconds
        else:
            command += ["-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s"]
            planned = float(args.duration)
        watch.start()
        busy, server_busy = machine_cpu_seconds(), server.cpu_seconds()
        database_before = database_cpu_seconds(None if args.sqlite else args.database)
        started = time.monotonic()
        with (out / "locust.log").open("wb") as log:
            locust = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=HERE)  # noqa: S603
            _, locust_cpu = wait_cpu_seconds(locust, planned + 120.0)
        wall = time.monotonic() - started
        busy, server_busy = machine_cpu_seconds() - busy, server.cpu_seconds() - server_busy
        database_busy = database_cpu_delta(
            database_before, database_cpu_seconds(None if args.sqlite else args.database)
        )
    finally:
        try:
            server_cpu = server.stop()
        finally:
            highest = watch.stop() if watch.is_alive() else os.getloadavg()[0]
            if not args.sqlite:
                drop_schema(args.database, args.schema)
            shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"load average after: {load_average()} (highest 1-minute value during the run: {highest:.2f})")
    others = busy - server_busy - locust_cpu - (0.0 if args.sqlite else database_busy)
    print(
        f"CPU seconds during the {wall:.0f} s of load on {os.cpu_count()} cores ({(os.cpu_count() or 1) * wall:.0f} available): "
        f"the whole machine {busy:.0f}, server (workers, relay) {server_busy:.0f}, locust {locust_cpu:.0f}, "
        + ("" if args.sqlite else f"PostgreSQL's backends of the run's database {database_busy:.0f}, ")
        + f"anything else (other jobs, PostgreSQL's own writers, the kernel) {others:.0f}"
    )

    samples = read_samples(out / "samples.jsonl")
    rows = per_page(samples)
    print_pages(rows, args.target_ms)
    page_rows = [r for r in rows if r["method"] not in NOT_PAGES]
    errors = sum(r["errors"] for r in rows)
    pages = sum(r["count"] for r in page_rows)
    slow = [f"{r['method']} {r['page']}" for r in page_rows if r["p95"] > args.target_ms]
    summary: dict[str, Any] = {
        "mode": mode, "time": stamp, "sources": git_state(), "cpus": os.cpu_count(), "workers": args.workers,
        "users": args.users, "wait": not args.no_wait, "duration_s": wall, "load_before": load_before,
        "load_after": load_after, "load_highest": highest, "server_cpu_s": server_cpu, "locust_cpu_s": locust_cpu,
        "machine_busy_cpu_s": busy, "server_busy_cpu_s": server_busy,
        "database_busy_cpu_s": database_busy, "other_busy_cpu_s": others,
        "pages": pages, "errors": errors, "pages_per_second": pages / wall if wall else 0.0, "per_page": rows,
    }  # fmt: skip
    print(f"\n{pages} pages in {wall:.0f} s ({summary['pages_per_second']:.1f} pages/s), {errors} errors")
    problems = [row for row in samples if not row["ok"]][:10]
    for problem in problems:
        print(f"  error: {problem['method']} {problem['name']}")
    if not samples:
        print("no request was recorded: see locust.log")
    if args.no_wait:
        steps = steps_figures(samples, args.step_list, args.step_seconds, args.settle, args.target_ms)
        summary["steps"] = steps
        print(f"\n{'users':>5} {'pages/s':>8} {'pages':>6} {'errors':>6} {'p50':>6} {'p95':>6} {'worst page p95':>15}")
        for row in steps:
            print(
                f"{row['users']:>5} {row['pages_per_second']:>8.1f} {row['count']:>6} {row['errors']:>6} "
                f"{row['p50']:>6.0f} {row['p95']:>6.0f} {row['worst_page_p95']:>6.0f}  {row['worst_page']}"
            )
        for key, label in (("p95", "p95 over all pages"), ("worst_page_p95", "the slowest page's p95")):
            found = crossing(steps, args.target_ms, key)
            summary[f"saturation_{key}"] = found
            if found is None:
                print(f"{label}: under {args.target_ms:.0f} ms at every step")
            elif found["pages_per_second"] is None:
                print(f"{label}: over {args.target_ms:.0f} ms from the first step")
            else:
                print(
                    f"{label} crosses {args.target_ms:.0f} ms at about {found['pages_per_second']:.0f} pages/s "
                    f"(between {found['between_users'][0]} and {found['between_users'][1]} users)"
                )
        verdict = errors == 0
    else:
        verdict = errors == 0 and not slow
        summary["windows"] = windows(samples)
        print(f"\n{'from s':>6} {'pages/s':>8} {'p50':>6} {'p95':>6}  most frequent page")
        for row in summary["windows"]:
            print(
                f"{row['from_s']:>6.0f} {row['pages_per_second']:>8.1f} {row['p50']:>6.0f} {row['p95']:>6.0f}  "
                f"{row['most']}"
            )
        print(
            f"\ntargets: 0 errors — {'met' if errors == 0 else f'MISSED ({errors})'}; p95 of each page ≤ "
            f"{args.target_ms:.0f} ms — {'met' if not slow else 'MISSED: ' + ', '.join(slow)}"
        )
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    print(f"results in {out}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
