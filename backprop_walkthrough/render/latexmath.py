"""The math hooks shared by the Markdown and LaTeX documents: both write formulas as LaTeX from
SymPy's printer, align them on their first equals sign, and write numbers the same way."""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from .document import DocumentRenderer, Row
from .printing import format_value, to_latex


class LatexMathRenderer(DocumentRenderer):
    def math(self, expr: sp.Basic, substitutions: Mapping[sp.Basic, float] | None = None) -> str:
        return to_latex(expr, substitutions, self.digits)

    def number(self, value: float, parenthesised: bool = False) -> str:
        text = format_value(value, self.digits)
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
        return rf"\left({text}\right)" if parenthesised and value < 0 else text

    def operator(self, name: str) -> str:
        return {"equals": "=", "times": r" \times ", "plus": " + "}[name]

    def annotation(self, text: str) -> str:
        return rf"\ \text{{({text})}}"


def aligned_row(row: Row) -> str:
    """label &= a = b = c: align every row on its first equals sign."""
    cells = list(row)
    if "=" in cells:
        first = cells.index("=")
        cells[first] = "&="
    return " ".join(c for c in cells if c != "")
