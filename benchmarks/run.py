"""The performance targets, each measured as a ratio against a baseline in the same run.

    python benchmarks/run.py [--runs 11]

Whole processes (median wall time and minimum CPU time; the CPU ratio is judged):

1. ``backprop-walkthrough --help``  vs  ``python -c "import click"``                 (≤ 1.5×)
2. the default walkthrough, piped   vs  ``python -c "import sympy, rich.console, click, yaml"``
   (the import floor)                                                                (≤ 1.3×)
3. ``run --view matrix`` (classic), ``check`` of all 66 classic figures, ``expr micrograd``
                                    vs  the import floor                   (≤ 1.4×, 1.5×, 1.3×)
4. ``shapes --numbers`` (names: 32 examples, hidden 100) and ``shapes makemore4 --numbers``
   (the lecture's sizes, batchnorm), whole processes                                 (≤ 2 s)
5. ``train mazur --steps 10000``    vs  a plain Python script doing the same steps    (≤ 2×),
   from the step cache (a cache directory of the run's own, written by a first run) and
   with ``--no-cache``
6. derive + JSON of 4-100-100-4 (11,004 parameters) vs the import floor              (≤ 15×)

In process (median of --runs, each after a first run that compiles):

7. 10,000 classic steps vs the hand-written float loop (benchmarks/handwritten.py)    (≤ 1.5×)
8. 1,000 steps of 4-64-64-4 (4,740 parameters) vs a NumPy loop (benchmarks/numpy_loop.py)
                                                                                      (≤ 3×)
9. derive + JSON: 4-64-64-4 → 4-100-100-4 (2.3× the parameters), the ratio of times (≤ 2.6×)
10. ``check_tensors`` of a lecture-sized submission (every gradient, batchnorm)       (≤ 1 s)

Commands run with bytecode compiled and written (PYTHONDONTWRITEBYTECODE unset); compile the
environment first (``python -m compileall -q "$(python -c 'import sys; print(sys.prefix)')"``)
or the first runs measure compilation. Each command runs --runs times, interleaved with its
baseline (benchmarks/common.py says why the targets are judged by the CPU ratio).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ENV, HEADER, IMPORT_FLOOR, PY, compare
from handwritten import train_classic
from numpy_loop import SCRIPT, numpy_train
from scaling import derive_and_json, network


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


def compare_numpy_training(runs: int) -> tuple[float, float]:
    from backprop_walkthrough.engine.training import train

    scenario = network(64)
    train(scenario, 1)
    ours, base = [], []
    for _ in range(runs):
        start = time.perf_counter()
        run = train(scenario, 1000)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference = numpy_train(scenario, 1000)
        base.append(time.perf_counter() - start)
    assert abs(run.E_total - reference) <= 1e-12 * reference  # the same computation
    return statistics.median(ours), statistics.median(base)


def derivation_growth(runs: int) -> tuple[float, float, int, int]:
    small, big = network(64), network(100)
    times = [min(derive_and_json(s, 1) for _ in range(max(1, runs // 4))) for s in (small, big)]
    return times[0], times[1], len(small.parameters), len(big.parameters)


def row(name: str, ours: float, base: float, target: float, note: str) -> str:
    ratio = ours / base
    verdict = "ok" if ratio <= target else "MISSED"
    return (
        f"{name:<34}{ours * 1000:>7.0f}ms{base * 1000:>7.0f}ms{ratio:>7.2f}{'':>7}"
        f"{target:>7.2f}×  {verdict}  ({note})"
    )


def full_classic_answers(directory: Path) -> Path:
    """An answers file with every figure of the classic walkthrough, to 9 decimals."""
    from backprop_walkthrough import walkthrough

    figures = walkthrough("mazur").figures
    lines = ["scenario: mazur", "answers:"]
    lines += [f'  "{key}": {value:.9f}' for key, value in figures.items()]
    path = directory / "full.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def compile_wide() -> float:
    from sympy.core.cache import clear_cache

    from backprop_walkthrough import load_scenario
    from backprop_walkthrough.engine.scalar.fastpath import compile_step

    clear_cache()
    return compile_step(load_scenario("wide")).compile_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    print(HEADER)
    help_text = compare(
        "--help  vs  import click",
        [PY, "-m", "backprop_walkthrough", "--help"],
        [PY, "-c", "import click"],
        runs,
        1.5,
    )
    print(help_text.row())
    print(
        compare(
            "walkthrough  vs  imports",
            [PY, "-m", "backprop_walkthrough"],
            IMPORT_FLOOR,
            runs,
            1.3,
        ).row()
    )
    print(
        compare(
            "run --view matrix  vs  imports",
            [PY, "-m", "backprop_walkthrough", "run", "--view", "matrix"],
            IMPORT_FLOOR,
            runs,
            1.4,
        ).row()
    )
    with tempfile.TemporaryDirectory() as scratch:
        answers = full_classic_answers(Path(scratch))
        print(
            compare(
                "check (all 66 figures)  vs  imports",
                [PY, "-m", "backprop_walkthrough", "check", str(answers)],
                IMPORT_FLOOR,
                runs,
                1.5,
            ).row()
        )
    print(
        compare(
            "expr micrograd  vs  imports",
            [PY, "-m", "backprop_walkthrough", "expr", "micrograd"],
            IMPORT_FLOOR,
            runs,
            1.3,
        ).row()
    )
    numbers = compare(
        "shapes --numbers  vs  imports",
        [PY, "-m", "backprop_walkthrough", "shapes", "--numbers"],
        IMPORT_FLOOR,
        runs,
        2.0 / 0.35,  # reported as a ratio too; the target is absolute (below)
    )
    for name, measured in (("shapes --numbers (names)", numbers), ("makemore4", None)):
        if measured is None:
            measured = compare(
                "shapes makemore4 --numbers  vs  imports",
                [PY, "-m", "backprop_walkthrough", "shapes", "makemore4", "--numbers"],
                IMPORT_FLOOR,
                runs,
                2.0 / 0.35,
            )
            name = "shapes makemore4 --numbers"
        verdict = "ok" if measured.ours.wall <= 2.0 else "MISSED"
        print(
            f"{name:<34}{measured.ours.wall * 1000:>7.0f}ms{measured.base.wall * 1000:>7.0f}ms"
            f"{measured.wall_ratio:>7.2f}{measured.cpu_ratio:>7.2f}"
            f"{'2.0 s':>8}  {verdict}  (whole process, median wall)"
        )
    train = [PY, "-m", "backprop_walkthrough", "train", "--steps", "10000"]
    with tempfile.TemporaryDirectory() as cache:
        ENV["BACKPROP_WALKTHROUGH_CACHE_DIR"] = (
            cache  # the user's cache is neither read nor written
        )
        print(
            compare(
                "train mazur (step cache)  vs  script", train, [PY, "-c", SCRIPT], runs, 2.0
            ).row()
        )
        print(
            compare(
                "train mazur --no-cache  vs  script",
                [*train, "--no-cache"],
                [PY, "-c", SCRIPT],
                runs,
                2.0,
            ).row()
        )
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "net100.yaml"
        big.write_text(BIG_NETWORK, encoding="utf-8")
        print(
            compare(
                "derive + JSON 4-100-100-4  vs  imports",
                [
                    PY,
                    "-m",
                    "backprop_walkthrough",
                    "run",
                    str(big),
                    "--format",
                    "json",
                    "-o",
                    str(Path(scratch) / "out.json"),
                ],
                IMPORT_FLOOR,
                max(1, runs // 4),
                15.0,
            ).row()
        )
    ours, base = compare_training(runs)
    print(row("10,000 classic steps  vs  hand loop", ours, base, 1.5, "in process, median"))
    ours, base = compare_numpy_training(runs)
    print(row("1,000 steps 4-64-64-4  vs  NumPy", ours, base, 3.0, "in process, median"))
    small, big, p_small, p_big = derivation_growth(runs)
    print(
        row(
            "derive+JSON 4-64-64-4 → 4-100-100-4",
            big,
            small,
            2.6,
            f"{p_big / p_small:.2f}× the parameters; {small:.1f} s → {big:.1f} s",
        )
    )
    print(f"{'fast-path compile, 4-16-16-4':<34}{compile_wide() * 1000:>7.0f}ms")
    seconds = check_tensors_seconds(runs)
    verdict = "ok" if seconds <= 1.0 else "MISSED"
    print(f"{'check_tensors (lecture sizes)':<34}{seconds * 1000:>7.1f}ms{'1.0 s':>30}  {verdict}")


def check_tensors_seconds(runs: int) -> float:
    """The median time of check_tensors on a lecture-sized submission (every gradient)."""
    import numpy as np

    from backprop_walkthrough import check_tensors
    from backprop_walkthrough.engine.tensors.formulas import ManualBackprop

    rng = np.random.default_rng(0)
    parameters = {
        "C": rng.standard_normal((27, 10)),
        "W1": rng.standard_normal((30, 64)) * (5 / 3) / 30**0.5,
        "b1": rng.standard_normal(64) * 0.1,
        "W2": rng.standard_normal((64, 27)) * 0.1,
        "b2": rng.standard_normal(27) * 0.1,
        "bngain": rng.standard_normal((1, 64)) * 0.1 + 1,
        "bnbias": rng.standard_normal((1, 64)) * 0.1,
    }
    batch = {"Xb": rng.integers(0, 27, (32, 3)), "Yb": rng.integers(0, 27, 32)}
    m = ManualBackprop(batch["Xb"], batch["Yb"], parameters, batchnorm=True)
    m.forward()
    m.backward()
    given = {**parameters, **batch, **{name: m.t[name] for name in m.gradients()}}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert check_tensors(**given).all_right
        times.append(time.perf_counter() - start)
    return statistics.median(times)


BIG_NETWORK = """name: 4-100-100-4
layers:
  - {size: 4}
  - {size: 100, activation: tanh}
  - {size: 100, activation: tanh}
  - {size: 4, activation: sigmoid}
init: {seed: 7, xavier: uniform}
inputs: {i1: 0.5, i2: -0.25, i3: 1.0, i4: 0.0}
targets: {o1: 0.0, o2: 1.0, o3: 0.0, o4: 1.0}
learning_rate: 0.1
"""


if __name__ == "__main__":
    main()
