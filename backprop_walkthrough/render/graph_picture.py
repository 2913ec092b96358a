"""An expression's graph as a picture, micrograd's ``draw_dot`` on a page: each value a box
``name | data … | grad …``, each operation a small circle between its inputs and its result,
drawn left to right — as SVG for the HTML export and as TikZ for the LaTeX one, from one layout.

A node's column is its depth (one more than its deepest input's; a value with no inputs stands
just before its first use); within a column, nodes keep the program's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from html import escape
from typing import NamedTuple

from .blocks import GraphNode

ROW = 70
BOX_HEIGHT = 30
CHAR = 7.2  # px per character of the box's text (13 px sans)
OP_RADIUS = 15
OP_GAP = 45  # from an operation's circle to its result's box (and from a box to the circle)
MARGIN = 20
#: How an operation is written in its circle.
OPERATORS = {"*": "×", "+": "+", "-": "−", "/": "÷", "neg": "−", "pow": "^"}


class Placed(NamedTuple):
    text: str
    x: float  # the box's left edge
    y: float  # its centre line
    width: float


def _number(value: float) -> str:
    """Four decimals, as micrograd's picture writes them, with a true minus sign."""
    return f"{value:.4f}".replace("-", "−")


def label(node: GraphNode) -> str:
    return f"{node.name} | data {_number(node.value)} | grad {_number(node.grad)}"


def _layout(
    nodes: Sequence[GraphNode],
) -> tuple[float, float, dict[str, Placed], list[tuple[str, float, float]]]:
    depth: dict[str, int] = {}
    for node in nodes:
        depth[node.name] = 1 + max((depth[i] for i in node.inputs), default=-1)
    for node in nodes:  # a value with no inputs stands just before its first use
        users = [depth[n.name] for n in nodes if node.name in n.inputs]
        if not node.inputs and users:
            depth[node.name] = min(users) - 1
    columns = max(depth.values()) + 1
    widest = [0.0] * columns
    for node in nodes:
        widest[depth[node.name]] = max(widest[depth[node.name]], len(label(node)) * CHAR)
    lefts = [float(MARGIN)]
    for column in range(1, columns):  # room for the widest box, then the operation's circle
        lefts.append(lefts[-1] + widest[column - 1] + 2 * OP_GAP)
    rows: dict[int, int] = {}
    boxes: dict[str, Placed] = {}
    for node in nodes:
        column = depth[node.name]
        row = rows.get(column, 0)
        rows[column] = row + 1
        text = label(node)
        y = MARGIN + BOX_HEIGHT / 2 + row * ROW
        boxes[node.name] = Placed(text, lefts[column], y, len(text) * CHAR)
    ops = [
        (OPERATORS.get(n.op, n.op), boxes[n.name].x - OP_GAP, boxes[n.name].y)
        for n in nodes
        if n.inputs
    ]
    width = max(b.x + b.width for b in boxes.values()) + MARGIN
    height = MARGIN + max(rows.values()) * ROW
    return width, height, boxes, ops


Point = tuple[float, float]


def _edges(
    nodes: Sequence[GraphNode], boxes: dict[str, Placed], radius: float
) -> Iterator[tuple[Point, Point, bool]]:
    """Each line of the graph: from each input's box to the operation's circle (stopping
    ``radius`` short of its centre), then from the circle to the result's box (``True``)."""
    for node in nodes:
        if not node.inputs:
            continue
        box = boxes[node.name]
        centre = box.x - OP_GAP
        for source in node.inputs:
            s = boxes[source]
            yield (s.x + s.width, s.y), (centre - radius, box.y), False
        yield (centre + radius, box.y), (box.x, box.y), True


def draw_graph_svg(nodes: Sequence[GraphNode], caption: str) -> str:
    width, height, boxes, ops = _layout(nodes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" role="img" aria-label="{escape(caption)}" class="network graph">',
        f"<title>{escape(caption)}</title>",
    ]
    for (x1, y1), (x2, y2), _last in _edges(nodes, boxes, OP_RADIUS):
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="edge"/>'
        )
    for symbol, x, y in ops:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{OP_RADIUS}" class="neuron"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}">{escape(symbol)}</text>')
    for box in boxes.values():
        parts.append(
            f'<rect x="{box.x:.1f}" y="{box.y - BOX_HEIGHT / 2:.1f}" width="{box.width:.1f}" '
            f'height="{BOX_HEIGHT}" rx="3" class="value"/>'
        )
        parts.append(
            f'<text x="{box.x + box.width / 2:.1f}" y="{box.y + 4:.1f}">{escape(box.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


#: One pixel of the layout in centimetres for TikZ: a character of \scriptsize is about 0.15 cm,
#: as 7.2 px is one of the SVG's text (a wide picture is scaled to the text width).
TIKZ_UNIT_CM = 0.021


def draw_graph_tikz(
    nodes: Sequence[GraphNode], text: Callable[[str], str], unit_cm: float = TIKZ_UNIT_CM
) -> str:
    width, _height, boxes, ops = _layout(nodes)
    lines = [rf"\begin{{tikzpicture}}[x={unit_cm}cm, y=-{unit_cm}cm, font=\scriptsize]"]
    for (x1, y1), (x2, y2), last in _edges(nodes, boxes, 0.0):
        arrow = "[->]" if last else ""
        lines.append(rf"\draw{arrow} ({x1:.1f}, {y1:.1f}) -- ({x2:.1f}, {y2:.1f});")
    for symbol, x, y in ops:
        lines.append(
            rf"\node[circle, draw, fill=white, inner sep=1pt, minimum size=0.6cm] at "
            rf"({x:.1f}, {y:.1f}) {{{text(symbol)}}};"
        )
    for box in boxes.values():
        lines.append(
            rf"\node[draw, rounded corners=1pt, fill=white, anchor=west] at ({box.x:.1f}, "
            rf"{box.y:.1f}) {{{text(box.text)}}};"
        )
    lines.append(r"\end{tikzpicture}")
    picture = "\n".join(lines)
    if width * unit_cm > 16.5:
        picture = r"\resizebox{\linewidth}{!}{%" + "\n" + picture + "}"
    return picture
