"""A small text drawing of the network with every weight labelled.

Two neurons feeding two neurons — the classic picture — are drawn as a crossing (the X of the
textbook figure); any other pair of layers is drawn as one labelled arrow per weight.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..scenario.types import Scenario
from .numbers import format_given


def _label(name: str, value: float) -> str:
    return f"{name} = {format_given(value, typographic=True)}"


def _crossing(
    scenario: Scenario,
    values: Mapping[str, float],
    sources: tuple[str, ...],
    targets: tuple[str, ...],
) -> list[str]:
    """Rows for a 2 → 2 layer pair, without the node names (those are added by the caller)."""
    weight = {(w.source, w.target): w for w in scenario.weights}
    (a, b), (c, d) = sources, targets

    def lab(source: str, target: str) -> str:
        w = weight.get((source, target))
        return _label(w.name, values[w.name]) if w else ""

    top, down, up, bottom = lab(a, c), lab(a, d), lab(b, c), lab(b, d)
    width = max(24, max(len(x) for x in (top, down, up, bottom)) + 12)
    inner = width - 2

    def straight(text: str, present: bool) -> str:
        if not present:
            return " " * width
        body = f" {text} " if text else ""
        left = (inner - len(body)) // 2
        return "─" * left + body + "─" * (inner - len(body) - left) + "▶ "

    def diagonal(left_mark: str, text: str, right_mark: str) -> str:
        body = f"{left_mark} {text}" if text else " " * 1
        return " " + body.ljust(width - 4) + right_mark + "  "

    has_down, has_up = bool(down), bool(up)
    return [
        straight(top, bool(top)),
        diagonal("╲" if has_down else " ", down, "↗" if has_up else " "),
        " " * 4
        + ("╲" if has_down else " ")
        + " " * (width - 10)
        + ("╱" if has_up else " ")
        + " " * 4,
        " " * 4
        + ("╱" if has_up else " ")
        + " " * (width - 10)
        + ("╲" if has_down else " ")
        + " " * 4,
        diagonal("╱" if has_up else " ", up, "↘" if has_down else " "),
        straight(bottom, bool(bottom)),
    ]


def draw_network(scenario: Scenario, values: Mapping[str, float]) -> str:
    """The network as lines of text (inputs on the left, outputs on the right), each weight
    and bias labelled with its value in ``values``."""
    layers = [layer.neurons for layer in scenario.layers]
    if all(len(layer) == 2 for layer in layers):
        name_width = max(len(n) for layer in layers for n in layer)
        columns = []
        for index, layer in enumerate(layers):
            names = (
                [layer[0].ljust(name_width)] + [" " * name_width] * 4 + [layer[1].ljust(name_width)]
            )
            columns.append([" " + n + " " for n in names])
            if index + 1 < len(layers):
                columns.append(_crossing(scenario, values, layer, layers[index + 1]))
        lines = ["".join(parts).rstrip() for parts in zip(*columns, strict=True)]
    else:
        lines = []
        for index in range(1, len(layers)):
            for w in scenario.weights:
                if w.target in layers[index]:
                    lines.append(
                        f"  {w.source} ──── {_label(w.name, values[w.name])} ────▶ {w.target}"
                    )
            if index + 1 < len(layers):
                lines.append("")
    for bias in scenario.biases:
        lines.append(
            f"  {_label(bias.name, values[bias.name])} ──▶ {', '.join(bias.targets)}"
            + ("   (shared)" if len(bias.targets) > 1 else "")
        )
    return "\n".join(lines)
