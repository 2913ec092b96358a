"""Where a drawing of the network puts each neuron and each weight's label (SVG and TikZ).

Neurons sit in columns, one per layer, centred vertically. Each weight's label sits on its
edge, at the first point along it (from a spread of candidates) where its box meets no other
label and no neuron; when no point is free, the rows are spread further apart and the placing
starts again. Sizes are in CSS pixels; a label's box is estimated from its length.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from ..scenario.types import Scenario
from .numbers import format_operand

COLUMN = 230  # between layers
ROW = 110  # between neurons of a layer, at first
RADIUS = 24
MARGIN_X = 70  # from the edge of the picture to the centre of the first and last neurons
MARGIN_TOP = 60
BIAS_LINE = 40  # the line of biases under the network
FONT = 13  # px
CHAR_WIDTH = 0.62 * FONT  # an estimate for digits and lower-case letters
LABEL_HEIGHT = 1.3 * FONT
CLEARANCE = 4  # between a label's box and a neuron or another label
CANDIDATES = tuple(0.2 + 0.05 * i for i in range(13))  # points along an edge, 0.2 … 0.8
MAX_SPREAD = 6  # rows may grow to this many times ROW before labels give up on a free spot


class Box(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float

    def meets(self, other: Box) -> bool:
        return not (
            self.right + CLEARANCE <= other.left
            or other.right + CLEARANCE <= self.left
            or self.bottom + CLEARANCE <= other.top
            or other.bottom + CLEARANCE <= self.top
        )


class Label(NamedTuple):
    text: str
    x: float  # the centre of the text
    y: float  # its baseline
    box: Box


class Edge(NamedTuple):
    source: tuple[float, float]
    target: tuple[float, float]
    label: Label


class Drawing(NamedTuple):
    width: float
    height: float
    neurons: Mapping[str, tuple[float, float]]
    edges: tuple[Edge, ...]
    biases: tuple[str, ...]  # the lines under the network: "b1 = 0.35 → h1, h2; …"


def weight_label(name: str, value: float) -> str:
    return f"{name} = {format_operand(value, 4, typographic=True)}"


def text_box(text: str, x: float, y: float) -> Box:
    width = len(text) * CHAR_WIDTH
    return Box(x - width / 2, y - LABEL_HEIGHT * 0.8, x + width / 2, y + LABEL_HEIGHT * 0.2)


def lay_out_network(scenario: Scenario, values: Mapping[str, float]) -> Drawing:
    """Positions of every neuron and weight label, with no label on a neuron or another label."""
    row = float(ROW)
    while True:
        drawing = _attempt(scenario, values, row)
        if drawing is not None or row >= MAX_SPREAD * ROW:
            return drawing or _attempt(scenario, values, row, force=True)  # type: ignore[return-value]
        row *= 1.25


def _attempt(
    scenario: Scenario, values: Mapping[str, float], row: float, force: bool = False
) -> Drawing | None:
    layers = [layer.neurons for layer in scenario.layers]
    tallest = max(len(layer) for layer in layers)
    width = COLUMN * (len(layers) - 1) + 2 * MARGIN_X
    height = row * (tallest - 1) + 2 * MARGIN_TOP + BIAS_LINE
    neurons: dict[str, tuple[float, float]] = {}
    for i, layer in enumerate(layers):
        offset = (tallest - len(layer)) * row / 2
        for j, neuron in enumerate(layer):
            neurons[neuron] = (MARGIN_X + i * COLUMN, MARGIN_TOP + offset + j * row)
    taken = [Box(x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS) for x, y in neurons.values()]
    edges = []
    for w in scenario.weights:
        (x1, y1), (x2, y2) = neurons[w.source], neurons[w.target]
        source_layer = next(layer for layer in layers if w.source in layer)
        index = source_layer.index(w.source)
        # Start from a spread that keeps the two labels of a crossing apart.
        preferred = 0.25 if len(source_layer) == 1 else 0.25 + 0.5 * index / (len(source_layer) - 1)
        text = weight_label(w.name, values[w.name])
        placed = None
        for t in sorted(CANDIDATES, key=lambda c: abs(c - preferred)):
            x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 6
            box = text_box(text, x, y)
            inside = box.left >= 0 and box.right <= width and box.top >= 0
            if inside and not any(box.meets(other) for other in taken):
                placed = Label(text, x, y, box)
                break
        if placed is None:
            if not force:
                return None
            x, y = x1 + (x2 - x1) * preferred, y1 + (y2 - y1) * preferred - 6
            placed = Label(text, x, y, text_box(text, x, y))
        taken.append(placed.box)
        edges.append(Edge((x1, y1), (x2, y2), placed))
    lines: list[str] = []
    for b in scenario.biases:
        text = f"{b.name} = {format_operand(values[b.name], 4, typographic=True)} → "
        text += ", ".join(b.targets)
        if lines and (len(lines[-1]) + 2 + len(text)) * CHAR_WIDTH <= width - 20:
            lines[-1] += "; " + text
        else:
            lines.append(text)
    height += max(0, len(lines) - 1) * LABEL_HEIGHT
    return Drawing(width, height, neurons, tuple(edges), tuple(lines))
