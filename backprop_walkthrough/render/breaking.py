"""Where a long formula breaks, for the formats that cannot wrap one (LaTeX, MathML).

A wide layer's net is a sum of sixteen products; a batch's gradient is a sum of one term per
example. Both are cut into lines of at most :data:`LINE_CHARACTERS` characters as the terminal
would print them (a fraction takes less room than that, so a line fits a printed page). The
terminal itself wraps by its width and does not use this.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .blocks import Formula, Joined, MathCell, Number
from .numbers import format_value
from .printing import to_text

LINE_CHARACTERS = 60


def _lines(widths: Sequence[int]) -> list[tuple[int, int]]:
    """Greedy (start, end) index ranges whose widths add up to at most a line."""
    ranges, start, used = [], 0, 0
    for index, width in enumerate(widths):
        if index > start and used + width > LINE_CHARACTERS:
            ranges.append((start, index))
            start, used = index, 0
        used += width + 3  # " + "
    ranges.append((start, len(widths)))
    return ranges


def broken(cell: MathCell, digits: int) -> list[MathCell]:
    """``cell`` as the parts of its lines: one part when it fits a line."""
    if isinstance(cell, Formula) and not cell.tag and isinstance(cell.expr, sp.Add):
        terms = cell.expr.args
        widths = [len(to_text(t, cell.numbers, digits)) for t in terms]
        return [
            Formula(sp.Add(*terms[a:b], evaluate=False) if b - a > 1 else terms[a], cell.numbers)
            for a, b in _lines(widths)
        ]
    if isinstance(cell, Joined):
        widths = [_width(part, digits) for part in cell.parts]
        return [Joined(cell.parts[a:b], cell.operator) for a, b in _lines(widths)]
    return [cell]


def _width(cell: MathCell, digits: int) -> int:
    if isinstance(cell, Formula):
        return len(to_text(cell.expr, cell.numbers, digits)) + len(cell.tag) + 3
    if isinstance(cell, Number):
        return len(format_value(cell.value, digits)) + 2
    return LINE_CHARACTERS // 3
