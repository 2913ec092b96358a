"""An inline SVG drawing of the network: layers in columns, every weight labelled.

Positions come from :mod:`.geometry` (no label on a neuron or another label). Colours come from
``currentColor`` and the page's variables, so its light or dark theme applies; each label has a
halo in the background colour so that the edges passing behind it do not cross its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from ..scenario.types import Scenario
from .geometry import (
    BIAS_LINE,
    COMPACT_RADIUS,
    LABEL_HEIGHT,
    RADIUS,
    lay_out_network,
    lay_out_shape,
)

ARROW = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
    'fill="currentColor"/></marker></defs>'
)


def draw_svg(scenario: Scenario, values: Mapping[str, float], caption: str) -> str:
    """The network with each weight's (and bias's) value from ``values``."""
    drawing = lay_out_network(scenario, values)
    width, height = drawing.width, drawing.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" role="img" aria-label="{escape(caption)}" class="network">',
        f"<title>{escape(caption)}</title>",
        ARROW,
    ]
    for edge in drawing.edges:
        (x1, y1), (x2, y2) = edge.source, edge.target
        parts.append(
            f'<line x1="{x1 + RADIUS}" y1="{y1:.1f}" x2="{x2 - RADIUS}" y2="{y2:.1f}" '
            'class="edge" marker-end="url(#arrow)"/>'
        )
    for edge in drawing.edges:  # after every edge, so that no edge is drawn over a label
        label = edge.label
        parts.append(
            f'<text x="{label.x:.1f}" y="{label.y:.1f}" class="weight">{escape(label.text)}</text>'
        )
    for neuron, (x, y) in drawing.neurons.items():
        parts.append(f'<circle cx="{x}" cy="{y:.1f}" r="{RADIUS}" class="neuron"/>')
        parts.append(f'<text x="{x}" y="{y + 5:.1f}" class="name">{escape(neuron)}</text>')
    top = height - BIAS_LINE / 2 - (len(drawing.biases) - 1) * LABEL_HEIGHT
    for i, line in enumerate(drawing.biases):
        parts.append(
            f'<text x="10" y="{top + i * LABEL_HEIGHT:.1f}" class="bias">{escape(line)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def draw_shape_svg(scenario: Scenario, caption: str) -> str:
    """A big network's shape: layers as columns of dots, every edge faint, each layer's size
    and activation under its column."""
    shape = lay_out_shape(scenario)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shape.width:.0f} '
        f'{shape.height:.0f}" width="{shape.width:.0f}" role="img" '
        f'aria-label="{escape(caption)}" class="network shape">',
        f"<title>{escape(caption)}</title>",
    ]
    for (x1, y1), (x2, y2) in shape.edges:
        parts.append(f'<line x1="{x1}" y1="{y1:.1f}" x2="{x2}" y2="{y2:.1f}" class="faint"/>')
    for x, y in shape.neurons.values():
        parts.append(f'<circle cx="{x}" cy="{y:.1f}" r="{COMPACT_RADIUS}" class="neuron"/>')
    for x, text in shape.captions:
        parts.append(f'<text x="{x}" y="{shape.height - 10:.1f}">{escape(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
