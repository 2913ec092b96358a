"""Start-up cost of the command line, as ratios against a baseline measured in the same run.

    python benchmarks/startup.py [--runs 15]

1. ``backprop-walkthrough --help``  vs  ``python -c "import click"``
2. the default walkthrough, piped   vs  ``python -c "import sympy, rich.console, click, yaml"``

Each command runs ``--runs`` times, interleaved with its baseline; the medians are compared.
Times depend on the machine, ratios much less. Compile the environment's bytecode first
(``python -m compileall -q $(python -c 'import sys; print(sys.prefix)')``) or the first runs
measure compilation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

PY = sys.executable
CASES = [
    ("--help", [PY, "-m", "backprop_walkthrough", "--help"], [PY, "-c", "import click"], 1.5),
    (
        "walkthrough (piped)",
        [PY, "-m", "backprop_walkthrough"],
        [PY, "-c", "import sympy, rich.console, click, yaml"],
        1.4,
    ),
]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(f"{'case':<22}{'command':>10}{'baseline':>10}{'ratio':>8}{'target':>8}")
    for name, command, baseline, target in CASES:
        wall(command), wall(baseline)  # warm the file cache
        ours, base = [], []
        for _ in range(runs):
            ours.append(wall(command))
            base.append(wall(baseline))
        a, b = statistics.median(ours), statistics.median(base)
        print(f"{name:<22}{a * 1000:>8.0f}ms{b * 1000:>8.0f}ms{a / b:>8.2f}{target:>7.1f}×")


if __name__ == "__main__":
    main()
