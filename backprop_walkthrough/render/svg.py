"""An inline SVG drawing of the network: layers in columns, every weight labelled.

Labels sit a quarter of the way along an edge from the top source neurons and three quarters
from the bottom ones, so the two weights of a crossing (the classic X) never share a spot.
Colours come from ``currentColor`` so the page's light or dark theme applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from ..scenario import Scenario

COLUMN = 230
ROW = 110
RADIUS = 24


def draw_svg(scenario: Scenario, values: Mapping[str, float], caption: str) -> str:
    """The network with each weight's (and bias's) value from ``values``."""
    layers = [layer.neurons for layer in scenario.layers]
    tallest = max(len(layer) for layer in layers)
    width = COLUMN * (len(layers) - 1) + 2 * 70
    height = ROW * (tallest - 1) + 2 * 60 + 30
    position: dict[str, tuple[float, float]] = {}
    for i, layer in enumerate(layers):
        offset = (tallest - len(layer)) * ROW / 2
        for j, neuron in enumerate(layer):
            position[neuron] = (70 + i * COLUMN, 60 + offset + j * ROW)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(caption)}" class="network">',
        f"<title>{escape(caption)}</title>",
    ]
    for w in scenario.weights:
        (x1, y1), (x2, y2) = position[w.source], position[w.target]
        source_layer = next(layer for layer in layers if w.source in layer)
        index = source_layer.index(w.source)
        t = 0.25 if len(source_layer) == 1 else 0.25 + 0.5 * index / (len(source_layer) - 1)
        lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        parts.append(
            f'<line x1="{x1 + RADIUS}" y1="{y1}" x2="{x2 - RADIUS}" y2="{y2}" '
            'class="edge" marker-end="url(#arrow)"/>'
        )
        label = f"{w.name} = {values[w.name]:.4g}".replace("-", "−")
        parts.append(f'<text x="{lx:.1f}" y="{ly - 6:.1f}" class="weight">{escape(label)}</text>')
    for neuron, (x, y) in position.items():
        parts.append(f'<circle cx="{x}" cy="{y}" r="{RADIUS}" class="neuron"/>')
        parts.append(f'<text x="{x}" y="{y + 5}" class="name">{escape(neuron)}</text>')
    biases = "; ".join(
        f"{b.name} = {values[b.name]:.4g} → {', '.join(b.targets)}" for b in scenario.biases
    ).replace("-", "−")
    if biases:
        parts.append(f'<text x="10" y="{height - 10}" class="bias">{escape(biases)}</text>')
    parts.insert(
        2,
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor"/></marker></defs>',
    )
    parts.append("</svg>")
    return "\n".join(parts)
