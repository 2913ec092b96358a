"""The performance targets, each measured as a ratio against a baseline in the same run.

    python benchmarks/run.py [--runs 11]

1. ``backprop-walkthrough --help``  vs  ``python -c "import click"``                 (≤ 1.5×)
2. the default walkthrough, piped   vs  ``python -c "import sympy, rich.console, click, yaml"``
                                                                                     (≤ 1.4×)
3. 10,000 training steps of the classic example on the fast path (in-process, after
   compilation) vs the hand-written float loop in benchmarks/handwritten.py          (≤ 2×)
4. the compile time of the fast path for a 4-16-16-4 network                       (reported)

Commands run with bytecode compiled and written (PYTHONDONTWRITEBYTECODE unset); compile the
environment first (``python -m compileall -q "$(python -c 'import sys; print(sys.prefix)')"``)
or the first runs measure compilation. Each command runs --runs times, interleaved with its
baseline; medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from handwritten import train_classic

PY = sys.executable
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
ENV.pop("PYTHONDONTWRITEBYTECODE")


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV
    )
    return time.perf_counter() - start


def compare_commands(command: list[str], baseline: list[str], runs: int) -> tuple[float, float]:
    wall(command), wall(baseline)  # warm the file cache
    ours, base = [], []
    for _ in range(runs):
        ours.append(wall(command))
        base.append(wall(baseline))
    return statistics.median(ours), statistics.median(base)


def compare_training(runs: int) -> tuple[float, float]:
    from backprop_walkthrough import load_scenario
    from backprop_walkthrough.engine.training import train

    scenario = load_scenario("mazur")
    train(scenario, 1)  # compile once outside the timing of the loop itself
    ours, base = [], []
    for _ in range(runs):
        start = time.perf_counter()
        run = train(scenario, 10_000)
        ours.append(time.perf_counter() - start - run.compile_seconds)
        start = time.perf_counter()
        train_classic(10_000)
        base.append(time.perf_counter() - start)
    assert abs(run.E_total - train_classic(10_000)[0]) < 1e-12  # the same computation
    return statistics.median(ours), statistics.median(base)


def compile_wide() -> float:
    from sympy.core.cache import clear_cache

    from backprop_walkthrough import load_scenario
    from backprop_walkthrough.engine.fastpath import compile_step

    clear_cache()
    return compile_step(load_scenario("wide")).compile_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    rows = []
    a, b = compare_commands(
        [PY, "-m", "backprop_walkthrough", "--help"], [PY, "-c", "import click"], runs
    )
    rows.append(("--help  vs  import click", a, b, 1.5))
    a, b = compare_commands(
        [PY, "-m", "backprop_walkthrough"],
        [PY, "-c", "import sympy, rich.console, click, yaml"],
        runs,
    )
    rows.append(("walkthrough  vs  imports", a, b, 1.4))
    a, b = compare_training(runs)
    rows.append(("10,000 steps  vs  hand loop", a, b, 2.0))
    print(f"{'measure':<30}{'ours':>10}{'baseline':>10}{'ratio':>8}{'target':>8}")
    for name, ours, base, target in rows:
        verdict = "ok" if ours / base <= target else "MISSED"
        print(
            f"{name:<30}{ours * 1000:>8.0f}ms{base * 1000:>8.0f}ms{ours / base:>8.2f}"
            f"{target:>7.1f}×  {verdict}"
        )
    print(f"{'fast-path compile, 4-16-16-4':<30}{compile_wide() * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
