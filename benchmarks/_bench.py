"""What every benchmark shares (issue 19): the load average before and after, a run marked noisy above 1.5, sides
interleaved in a random order per round, and median [min–max] summaries.

A benchmark script imports it as ``from _bench import …`` (the script's folder is on ``sys.path`` when it runs).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: A run whose 1-minute load average is above this, before or after, is noisy: it does not count as a documented
#: figure (the machine has 2 cores; other jobs slow one side more than the other, or pad both).
NOISY_LOAD = 1.5


class Load:
    """The 1-, 5- and 15-minute load averages around a measurement. ``start()`` then ``stop()``."""

    def __init__(self) -> None:
        self.before: tuple[float, float, float] = os.getloadavg()
        self.after: tuple[float, float, float] | None = None

    def stop(self) -> Load:
        self.after = os.getloadavg()
        return self

    @property
    def noisy(self) -> bool:
        after = self.after or self.before
        return self.before[0] > NOISY_LOAD or after[0] > NOISY_LOAD

    def line(self) -> str:
        after = self.after or self.before
        verdict = f"NOISY (above {NOISY_LOAD}): not a documented figure" if self.noisy else "quiet"
        return (
            f"load average before {self.before[0]:.2f} {self.before[1]:.2f} {self.before[2]:.2f}, "
            f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}: {verdict}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {"load_before": self.before, "load_after": self.after, "noisy": self.noisy}


def print_load_before() -> Load:
    load = Load()
    print(f"load average before: {load.before[0]:.2f} {load.before[1]:.2f} {load.before[2]:.2f}", flush=True)
    return load


def finish(load: Load) -> Load:
    load.stop()
    print(load.line(), flush=True)
    return load


def interleaved(
    sides: Mapping[str, Callable[[], object]], *, rounds: int, per_round: int, seed: int | None = None
) -> dict[str, list[float]]:
    """Each round runs every side ``per_round`` times, the sides in a fresh random order: no side always runs first
    (after the other's writes, or on a CPU the other warmed). Returns each side's seconds per call, round by round."""
    rng = random.Random(seed)  # noqa: S311 (the order of the sides, not a secret)
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            call = sides[name]
            started = time.perf_counter()
            for _ in range(per_round):
                call()
            times[name].append((time.perf_counter() - started) / per_round)
    return times


def spread(values: Sequence[float], digits: int = 2) -> str:
    """``median [min–max]``."""
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def letters(i: int, width: int = 4) -> str:
    """A distinct name of capital letters for each ``i`` (names accept letters only): AAAA, AAAB, …"""
    out = []
    for _ in range(width):
        i, digit = divmod(i, 26)
        out.append(chr(65 + digit))
    return "".join(reversed(out))
