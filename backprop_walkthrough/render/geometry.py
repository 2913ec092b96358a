"""Where a drawing of the network puts each neuron and each weight's label (SVG and TikZ).

Neurons sit in columns, one per layer, centred vertically. Each weight's label sits just above
its edge near the edge's source end (as in the classic figure), at the first point from there
whose box meets no other label, no neuron, no crossing of two edges and (if it can) no other
edge; when no point is free, the rows are spread further apart and the placing starts again.
The places depend on the names only, never on the values, so that the drawings before and after
the update put every label in the same place. Sizes are in CSS pixels; a label's box is
estimated from its length.
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
CANDIDATES = tuple(0.12 + 0.03 * i for i in range(21))  # points along an edge, from its source
ABOVE = 5  # the label's baseline above its edge
#: The widest value a label shows (four decimals and a sign): every label's box is this wide.
VALUE_WIDTH = len("−0.0000")
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


def text_box(text: str, x: float, y: float, characters: int | None = None) -> Box:
    width = (len(text) if characters is None else characters) * CHAR_WIDTH
    return Box(x - width / 2, y - LABEL_HEIGHT * 0.8, x + width / 2, y + LABEL_HEIGHT * 0.2)


def _beside(x: float, y: float, characters: int) -> list[tuple[float, float]]:
    """The centres and baselines a label may take at the point (x, y) of its edge: its box
    with a corner there, above or below, after or before the point — the text beside the
    line, never on it (the caller keeps those the edge does not run through)."""
    half = ABOVE + characters * CHAR_WIDTH / 2
    above, below = y - ABOVE - LABEL_HEIGHT * 0.2, y + ABOVE + LABEL_HEIGHT * 0.8
    return [(x + half, above), (x + half, below), (x - half, above), (x - half, below)]


def _crossing(
    a: tuple[tuple[float, float], tuple[float, float]],
    b: tuple[tuple[float, float], tuple[float, float]],
) -> tuple[float, float] | None:
    """Where two edges cross (not where they meet at a neuron), or None."""
    (x1, y1), (x2, y2) = a
    (x3, y3), (x4, y4) = b
    d = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if d == 0:
        return None
    t = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / d
    u = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / d
    if 0.01 < t < 0.99 and 0.01 < u < 0.99:
        return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))
    return None


def _cuts(box: Box, segment: tuple[tuple[float, float], tuple[float, float]]) -> bool:
    """Does the edge pass through the box (sampled along its length)?"""
    (x1, y1), (x2, y2) = segment
    for i in range(41):
        t = i / 40
        x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if box.left - 1 < x < box.right + 1 and box.top - 1 < y < box.bottom + 1:
            return True
    return False


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
    segments = {w.name: (neurons[w.source], neurons[w.target]) for w in scenario.weights}
    crossings = [
        point
        for i, a in enumerate(segments.values())
        for b in list(segments.values())[i + 1 :]
        if (point := _crossing(a, b)) is not None
    ]
    taken += [Box(x - 2, y - 2, x + 2, y + 2) for x, y in crossings]
    edges = []
    for w in scenario.weights:
        (x1, y1), (x2, y2) = segments[w.name]
        text = weight_label(w.name, values[w.name])
        characters = len(w.name) + 3 + VALUE_WIDTH
        others = [seg for name, seg in segments.items() if name != w.name]
        placed = None
        for strict in (True, False):  # first clear of every other edge, then of labels only
            for t in CANDIDATES:
                point = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
                for x, y in _beside(*point, characters):
                    box = text_box(text, x, y, characters)
                    # between its two neurons, so that it reads as this edge's label
                    inside = x1 + RADIUS <= box.left and box.right <= x2 - RADIUS and box.top >= 0
                    if not inside or any(box.meets(other) for other in taken):
                        continue
                    if _cuts(box, segments[w.name]):  # never on its own edge
                        continue
                    if strict and any(_cuts(box, seg) for seg in others):
                        continue
                    placed = Label(text, x, y, box)
                    break
                if placed is not None:
                    break
            if placed is not None:
                break
        if placed is None:
            if not force:
                return None
            t = CANDIDATES[0]
            x, y = _beside(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, characters)[0]
            placed = Label(text, x, y, text_box(text, x, y, characters))
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


# --- a big network: its shape ----------------------------------------------------------------

COMPACT_COLUMN = 150
COMPACT_ROW = 16
COMPACT_RADIUS = 5
COMPACT_CAPTION = 34  # room under the columns for each layer's caption


class Shape(NamedTuple):
    """A big network drawn small: each neuron a dot in its layer's column, every edge."""

    width: float
    height: float
    neurons: Mapping[str, tuple[float, float]]
    edges: tuple[tuple[tuple[float, float], tuple[float, float]], ...]
    captions: tuple[tuple[float, str], ...]  # (x, "16 tanh") under each column


def lay_out_shape(scenario: Scenario) -> Shape:
    layers = scenario.layers
    tallest = max(len(layer.neurons) for layer in layers)
    width = COMPACT_COLUMN * (len(layers) - 1) + 2 * MARGIN_X
    height = COMPACT_ROW * (tallest - 1) + 2 * COMPACT_RADIUS + 20 + COMPACT_CAPTION
    neurons: dict[str, tuple[float, float]] = {}
    captions = []
    for i, layer in enumerate(layers):
        offset = (tallest - len(layer.neurons)) * COMPACT_ROW / 2 + 10 + COMPACT_RADIUS
        x = MARGIN_X + i * COMPACT_COLUMN
        for j, neuron in enumerate(layer.neurons):
            neurons[neuron] = (x, offset + j * COMPACT_ROW)
        kind = "inputs" if i == 0 else layer.activation or ""
        captions.append((x, f"{len(layer.neurons)} {kind}"))
    edges = tuple((neurons[w.source], neurons[w.target]) for w in scenario.weights)
    return Shape(width, height, neurons, edges, tuple(captions))
