"""Timing commands against a baseline in the same run, as ratios.

Each command runs ``runs`` times, interleaved with its baseline, with bytecode compiled and
written (``PYTHONDONTWRITEBYTECODE`` unset). Two ratios are reported: the median wall time, and
the minimum CPU time (user + system) of the child process. On a shared two-core machine the
wall time of a half-second process varies by ±10% from run to run; the minimum CPU time is the
steadier estimate of the work itself, and it is the one the targets are judged by.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

PY = sys.executable
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Timing:
    wall: float  # median seconds
    cpu: float  # minimum seconds of CPU (user + system)


@dataclass(frozen=True)
class Comparison:
    name: str
    ours: Timing
    base: Timing
    target: float

    @property
    def wall_ratio(self) -> float:
        return self.ours.wall / self.base.wall

    @property
    def cpu_ratio(self) -> float:
        return self.ours.cpu / self.base.cpu

    def row(self) -> str:
        verdict = "ok" if self.cpu_ratio <= self.target else "MISSED"
        return (
            f"{self.name:<34}{self.ours.wall * 1000:>7.0f}ms{self.base.wall * 1000:>7.0f}ms"
            f"{self.wall_ratio:>7.2f}{self.cpu_ratio:>7.2f}{self.target:>7.2f}×  {verdict}"
        )


HEADER = f"{'measure':<34}{'ours':>9}{'base':>9}{'wall×':>7}{'cpu×':>7}{'target':>8}"


def run_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(
    name: str, command: list[str], baseline: list[str], runs: int, target: float
) -> Comparison:
    run_once(command), run_once(baseline)  # warm the file cache
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(runs):
        ours.append(run_once(command))
        base.append(run_once(baseline))

    def timing(samples: list[tuple[float, float]]) -> Timing:
        return Timing(statistics.median(w for w, _ in samples), min(c for _, c in samples))

    return Comparison(name, timing(ours), timing(base), target)


IMPORT_FLOOR = [PY, "-c", "import sympy, rich.console, click, yaml"]
