"""How the engine scales: time against parameters, from 100 to 20,000, with the fitted exponent.

    python benchmarks/scaling.py [--largest 20000] [--svg docs/scaling.svg]

For 4-H-H-4 networks (tanh, tanh, sigmoid; Xavier-initialised) of about 100 to 20,000
parameters, two measures, each the best of --repeat runs in this process, starting with empty
caches as a fresh command does:

* derive + JSON: the whole derivation (every chain, term and shake check) written as JSON;
* 1,000 training steps (the path ``train`` takes: scalar below 250 parameters, vectorised
  from there), compilation included.

Prints a table, a log-log plot in the terminal (plotext) and, with --svg, the same plot as an
SVG; and the exponent k of time ∝ parametersᵏ fitted over the sizes of 1,000 parameters and
more (the goal: k ≤ 1.1, linear). The peak memory of the largest derivation is reported too
(the goal: under 1 GB).
"""

from __future__ import annotations

import argparse
import math
import resource
import time
from pathlib import Path

import plotext
from sympy.core.cache import clear_cache

from backprop_walkthrough import Scenario, load_scenario
from backprop_walkthrough.engine.scalar import calculus
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.engine.training import train
from backprop_walkthrough.render import json as json_renderer
from backprop_walkthrough.render.json import render_json

#: Hidden widths whose 4-H-H-4 networks have about 100 … 20,000 parameters.
WIDTHS = (6, 12, 24, 48, 70, 100, 136)


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
    calculus._shape_derivative.cache_clear()
    json_renderer._symbolic.cache_clear()
    json_renderer._latex.cache_clear()


def derive_and_json(scenario: Scenario, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        render_json(derive(scenario))
        times.append(time.perf_counter() - start)
    return min(times)


def training(scenario: Scenario, repeat: int, steps: int = 1000) -> float:
    times = []
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        train(scenario, steps)
        times.append(time.perf_counter() - start)
    return min(times)


def exponent(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log time against log parameters."""
    xs = [math.log(p) for p, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def svg(series: dict[str, list[tuple[int, float]]], path: Path) -> None:
    """A log-log plot of the series, drawn by hand (no plotting library is a dependency)."""
    width, height, margin = 640, 420, 60
    all_points = [pt for points in series.values() for pt in points]
    x0, x1 = (math.log10(f(p for p, _ in all_points)) for f in (min, max))
    y0, y1 = (math.log10(f(t for _, t in all_points)) for f in (min, max))
    y0, y1 = math.floor(y0), math.ceil(y1)
    x0, x1 = math.floor(x0 * 2) / 2, math.ceil(x1 * 2) / 2

    def place(p: float, t: float) -> tuple[float, float]:
        x = margin + (math.log10(p) - x0) / (x1 - x0) * (width - 2 * margin)
        y = height - margin - (math.log10(t) - y0) / (y1 - y0) * (height - 2 * margin)
        return x, y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for decade in range(int(y0), int(y1) + 1):
        _, y = place(10**x0, 10**decade)
        parts.append(
            f'<line x1="{margin}" x2="{width - margin}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{margin - 6}" y="{y + 4:.1f}" text-anchor="end">{10.0**decade:g} s</text>'
        )
    for p in (100, 1000, 10000, 20000):
        if 10**x0 <= p <= 10**x1:
            x, _ = place(p, 10**y0)
            bottom = height - margin
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{margin}" y2="{bottom}" stroke="#ddd"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{height - margin + 16}" text-anchor="middle">{p:,}</text>'
            )
    parts.append(f'<text x="{width / 2}" y="{height - 18}" text-anchor="middle">parameters</text>')
    for (name, points), colour in zip(series.items(), ("#1f77b4", "#d62728"), strict=False):
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (place(p, t) for p, t in points))
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in (place(p, t) for p, t in points):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        index = list(series).index(name)
        parts.append(
            f'<text x="{margin + 10}" y="{margin - 30 + 16 * index}" fill="{colour}">{name}</text>'
        )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--largest", type=int, default=20_000, help="the most parameters")
    parser.add_argument("--svg", type=Path, default=None)
    arguments = parser.parse_args()
    derive(network(2))  # import and warm SymPy outside the timings
    train(network(20), 2)  # and NumPy
    rows: dict[str, list[tuple[int, float]]] = {"derive + JSON": [], "1,000 training steps": []}
    print(f"{'network':<12}{'parameters':>11}{'derive + JSON':>15}{'1,000 steps':>13}")
    for hidden in WIDTHS:
        scenario = network(hidden)
        count = len(scenario.parameters)
        if count > arguments.largest:
            break
        derived = derive_and_json(scenario, arguments.repeat)
        trained = training(scenario, arguments.repeat)
        rows["derive + JSON"].append((count, derived))
        rows["1,000 training steps"].append((count, trained))
        print(f"{scenario.name:<12}{count:>11,}{derived:>14.2f}s{trained:>12.3f}s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:,.0f} MB (goal: under 1 GB)")
    for name, points in rows.items():
        fitted = [pt for pt in points if pt[0] >= 1000]
        if len(fitted) >= 2:
            k = exponent(fitted)
            verdict = "ok" if k <= 1.1 else "MISSED"
            print(f"{name}: time ∝ parameters^{k:.2f} from 1,000 on (goal ≤ 1.1: {verdict})")
    plotext.clear_figure()
    plotext.xscale("log")
    plotext.yscale("log")
    for name, points in rows.items():
        plotext.plot([p for p, _ in points], [t for _, t in points], label=name, marker="braille")
    plotext.title("seconds against parameters (log-log)")
    plotext.plotsize(80, 20)
    plotext.show()
    if arguments.svg:
        svg(rows, arguments.svg)
        print(f"wrote {arguments.svg}")


if __name__ == "__main__":
    main()
