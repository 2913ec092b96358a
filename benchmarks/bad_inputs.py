"""How fast bad scenarios are refused: every file of tests/bad_scenarios, a 50 MB file and a
network of 10⁶ neurons, each against loading and deriving the classic scenario in the same run.

    python benchmarks/bad_inputs.py

The target (issue 6): each refusal within one second. Printed as times and as a ratio to the
classic walkthrough's own derivation, which is the work a refusal must never come close to.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.derivation import derive
from backprop_walkthrough.scenario import ScenarioError

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "bad_scenarios"


def refusal_time(path: Path) -> float:
    start = time.perf_counter()
    try:
        derive(load_scenario(path))
    except ScenarioError:
        return time.perf_counter() - start
    raise SystemExit(f"{path} was not refused")


def main() -> None:
    derive(load_scenario("mazur"))  # imports and caches warm
    start = time.perf_counter()
    derive(load_scenario("mazur"))
    baseline = time.perf_counter() - start
    times = {
        p.name: refusal_time(p) for p in sorted(CORPUS.glob("*.yaml")) if p.name != "expected.yaml"
    }
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        with big.open("wb") as stream:
            stream.seek(50 * 1024 * 1024)
            stream.write(b"\n")
        times["(50 MB file)"] = refusal_time(big)
    worst = max(times, key=times.__getitem__)
    print(f"classic scenario, load + derive: {baseline * 1000:.1f} ms")
    print(
        f"{len(times)} bad inputs: slowest {worst} in {times[worst] * 1000:.1f} ms "
        f"({times[worst] / baseline:.2f}× the classic derivation; target < 1 s)"
    )
    print(f"median refusal {sorted(times.values())[len(times) // 2] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
