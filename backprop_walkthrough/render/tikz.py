"""The network as a TikZ picture for the LaTeX export: the same positions as the SVG drawing
(:mod:`.geometry`), every weight labelled, scaled down to the text width when it is wider."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..scenario.types import Scenario
from .geometry import (
    BIAS_LINE,
    COMPACT_RADIUS,
    LABEL_HEIGHT,
    RADIUS,
    lay_out_network,
    lay_out_shape,
)

UNIT_CM = 0.022  # one pixel of the drawing's geometry, in centimetres
TEXT_WIDTH_CM = 16.5


def draw_tikz(scenario: Scenario, values: Mapping[str, float], text: Callable[[str], str]) -> str:
    """A ``tikzpicture`` of the network; ``text`` escapes running text for LaTeX."""
    drawing = lay_out_network(scenario, values)
    lines = [
        rf"\begin{{tikzpicture}}[x={UNIT_CM}cm, y=-{UNIT_CM}cm, >=stealth,",
        rf"  neuron/.style={{circle, draw, thick, minimum size={2 * RADIUS * UNIT_CM:.2f}cm}},",
        r"  weight/.style={font=\scriptsize, fill=white, inner sep=1pt}]",
    ]
    names = {}
    for index, (neuron, (x, y)) in enumerate(drawing.neurons.items()):
        names[neuron] = f"n{index}"
        lines.append(rf"\node[neuron] (n{index}) at ({x:.1f}, {y:.1f}) {{{text(neuron)}}};")
    for w in scenario.weights:
        lines.append(rf"\draw[->] ({names[w.source]}) -- ({names[w.target]});")
    for edge in drawing.edges:
        label = edge.label
        lines.append(
            rf"\node[weight] at ({label.x:.1f}, {label.y - LABEL_HEIGHT * 0.3:.1f}) "
            rf"{{{text(label.text)}}};"
        )
    top = drawing.height - BIAS_LINE / 2 - (len(drawing.biases) - 1) * LABEL_HEIGHT
    for i, line in enumerate(drawing.biases):
        lines.append(
            rf"\node[anchor=west, font=\scriptsize] at (10, {top + i * LABEL_HEIGHT:.1f}) "
            rf"{{{text(line)}}};"
        )
    lines.append(r"\end{tikzpicture}")
    picture = "\n".join(lines)
    if drawing.width * UNIT_CM > TEXT_WIDTH_CM:
        picture = r"\resizebox{\linewidth}{!}{%" + "\n" + picture + "}"
    return picture


def draw_shape_tikz(scenario: Scenario, text: Callable[[str], str]) -> str:
    """A big network's shape as a ``tikzpicture`` (see :func:`.svg.draw_shape_svg`)."""
    shape = lay_out_shape(scenario)
    lines = [rf"\begin{{tikzpicture}}[x={UNIT_CM}cm, y=-{UNIT_CM}cm]"]
    for (x1, y1), (x2, y2) in shape.edges:
        lines.append(rf"\draw[gray!35, very thin] ({x1}, {y1:.1f}) -- ({x2}, {y2:.1f});")
    for x, y in shape.neurons.values():
        lines.append(
            rf"\draw[fill=white] ({x}, {y:.1f}) circle[radius={COMPACT_RADIUS * UNIT_CM:.3f}cm];"
        )
    for x, caption in shape.captions:
        lines.append(
            rf"\node[font=\scriptsize] at ({x}, {shape.height - 12:.1f}) {{{text(caption)}}};"
        )
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)
