"""How the engine scales: derive and serialise to JSON a 4-16-16-4 and a 4-32-32-4 network.

    python benchmarks/scaling.py [--repeat 3]

Prints each network's parameter count and time (best of --repeat runs in this process, each
starting with empty caches, as a fresh command does), the ratio of the two times and the ratio
of the parameter counts. The targets (issue 3): the 4-16-16-4
network under 3 s, and a time ratio no worse than the parameter ratio (linear growth).
"""

from __future__ import annotations

import argparse
import time

from sympy.core.cache import clear_cache

from backprop_walkthrough import Scenario, load_scenario
from backprop_walkthrough.engine.scalar import calculus
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.render import json as json_renderer
from backprop_walkthrough.render.json import render_json


def network(hidden: int) -> Scenario:
    return load_scenario(
        {
            "name": f"4-{hidden}-{hidden}-4",
            "layers": [
                {"size": 4},
                {"size": hidden, "activation": "tanh"},
                {"size": hidden, "activation": "tanh"},
                {"size": 4, "activation": "sigmoid"},
            ],
            "init": {"seed": 7, "xavier": "uniform"},
            "inputs": {"i1": 0.5, "i2": -0.25, "i3": 1.0, "i4": 0.0},
            "targets": {"o1": 0.0, "o2": 1.0, "o3": 0.0, "o4": 1.0},
            "learning_rate": 0.1,
        },
        source="benchmark",
    )


def clear_caches() -> None:
    """Every run starts cold, as a user's process does: SymPy's cache and ours emptied."""
    clear_cache()
    calculus.derivative.cache_clear()
    json_renderer._symbolic.cache_clear()
    json_renderer._latex.cache_clear()


def best_time(scenario: Scenario, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        render_json(derive(scenario))
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    small, big = network(16), network(32)
    derive(network(2))  # import and warm SymPy's caches outside the timings
    t_small, t_big = best_time(small, repeat), best_time(big, repeat)
    p_small, p_big = len(small.parameters), len(big.parameters)
    print(f"{small.name:<10}{p_small:>7} parameters {t_small:>8.2f} s   (target < 3 s)")
    print(f"{big.name:<10}{p_big:>7} parameters {t_big:>8.2f} s")
    verdict = "linear or better" if t_big / t_small <= p_big / p_small else "WORSE than linear"
    print(f"time ratio {t_big / t_small:.2f}   parameter ratio {p_big / p_small:.2f}   ({verdict})")


if __name__ == "__main__":
    main()
