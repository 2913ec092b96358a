"""Equation blocks as LaTeX math, shared by the LaTeX and Markdown writers.

A block becomes an ``alignat`` (``alignedat`` inside Markdown's ``$$``) with one column for the
labels and one per right-hand side, so that within a chain every equals sign lines up: the
labels are left-aligned and indented by their nesting (``\\quad`` per level), and a long sum is
continued on the next line. Formulas come from SymPy's LaTeX printer (:mod:`.printing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .blocks import Aside, Formula, Joined, MathCell, Number, Role, Row
from .breaking import broken
from .numbers import format_value
from .printing import latex_scientific, to_latex

OPERATORS = {"×": r"\times", "+": "+", "=": "="}
QUAD = "\\quad "


class LatexMath:
    def __init__(self, digits: int, escape: Callable[[str], str], lap: str = r"\mathrlap") -> None:
        self.digits = digits
        self.escape = escape  # for the words inside \text{…}
        # What sets a chain's own line without width, so that it does not widen the columns
        # of its factors: mathtools' \mathrlap in LaTeX; \rlap, in maths mode in MathJax and
        # KaTeX, in Markdown (GitHub's MathJax has no mathtools).
        self.lap = lap

    def words(self, text: str) -> str:
        return rf"\text{{{self.escape(text)}}}"

    def number(self, value: float, in_product: bool = False) -> str:
        text = latex_scientific(format_value(value, self.digits))
        return rf"\left({text}\right)" if in_product and value < 0 else text

    def cell(self, cell: MathCell) -> str:
        if isinstance(cell, Formula):
            text = to_latex(cell.expr, cell.numbers, self.digits, cell.inline)
            if cell.grouped:
                text = rf"\left({text}\right)"
            return text + (rf"\ {self.words(f'({cell.tag})')}" if cell.tag else "")
        if isinstance(cell, Number):
            return self.number(cell.value, cell.in_product)
        if isinstance(cell, Joined):
            return f" {OPERATORS[cell.operator]} ".join(self.cell(p) for p in cell.parts)
        assert isinstance(cell, Aside)
        return self.words(f"({cell.text})")

    def side_lines(self, cell: MathCell) -> list[str]:
        """A right-hand side as lines, when it is a long sum or product (:mod:`.breaking`):
        every line after the first starts with its operator."""
        first, *rest = broken(cell, self.digits)
        operator = OPERATORS[cell.operator] if isinstance(cell, Joined) else "+"
        return [self.cell(first), *(f"{{}}{operator} {self.cell(part)}" for part in rest)]

    def alignat_rows(self, rows: Sequence[Row], sides: int | None = None) -> tuple[int, list[str]]:
        """(the number of column pairs, the rows as ``alignat`` lines).

        A factor's (and a definition's) sides each get a column so that their equals signs
        line up, and a chain's own lines take no width there (``lap``): they are products of
        fractions as wide as several columns.
        """
        if sides is None:
            sides = max(len(row.sides) for row in rows)
        lines: list[str] = []
        for row in rows:
            depth = row.depth + (1 if row.role == Role.FACTOR else 0)
            label = self.cell(row.label) if row.label is not None else ""
            current = "& " + QUAD * depth + label
            spanning = row.role == Role.STATEMENT
            span: list[str] = []  # what the spanning part of the current line says
            for i, side in enumerate(row.sides):
                first, *rest = self.side_lines(side)
                if spanning:
                    span.append(f"{{}}= {first}")
                else:
                    current += f" && {{}}= {first}"
                for more in rest:  # a long sum continues under its start
                    lines.append(self.line(current, span))
                    column = "" if spanning else " &&" * (i + 1)
                    current, span = f"&{column}", [rf"\quad {more}"]
                    if not spanning:
                        current, span = current + rf" \quad {more}", []
            if row.aside:
                aside = rf"\quad {self.words(f'({row.aside})')}"
                if spanning:
                    span.append(aside)
                else:
                    current += f" {aside}"
            lines.append(self.line(current, span))
        return sides + 1, lines

    def line(self, cells: str, span: list[str]) -> str:
        if not span:
            return cells
        text = " ".join(span)
        return f"{cells} && {self.lap}{{{text}}}"
