"""GitHub-flavoured Markdown: formulas as $…$ / $$…$$ from SymPy's LaTeX printer."""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from ..model import Walkthrough
from .document import DocumentRenderer, Row
from .printing import format_value, to_latex


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


class MarkdownRenderer(DocumentRenderer):
    def begin(self, title: str, subtitle: str) -> None:
        self.parts.append(f"# {title}\n\n")
        if subtitle:
            self.parts.append(f"*{subtitle}*\n\n")

    def heading(self, text: str, level: int = 2) -> None:
        self.parts.append(f"{'#' * level} {text}\n\n")

    def paragraph(self, text: str) -> None:
        self.parts.append(f"{text}\n\n")

    def preformatted(self, text: str) -> None:
        self.parts.append(f"```text\n{text}\n```\n\n")

    def table(
        self, header: list[str], rows: list[list[str]], math_columns: frozenset[int] = frozenset()
    ) -> None:
        lines = [
            "| " + " | ".join(_cell(h) for h in header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        for row in rows:
            cells = [f"${c}$" if i in math_columns else _cell(c) for i, c in enumerate(row)]
            lines.append("| " + " | ".join(cells) + " |")
        self.parts.append("\n".join(lines) + "\n\n")

    def equations(self, rows: list[Row]) -> None:
        body = " \\\\\n".join(_aligned(row) for row in rows)
        self.parts.append(f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n\n")

    def note(self, text: str) -> None:
        self.parts.append(f"> **Note.** {text}\n\n")

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


def _aligned(row: Row) -> str:
    """label &= a = b = c: align every row on its first equals sign."""
    cells = list(row)
    if "=" in cells:
        first = cells.index("=")
        cells[first] = "&="
    return " ".join(c for c in cells if c != "")


def render_markdown(walkthrough: Walkthrough, digits: int = 9) -> str:
    return MarkdownRenderer(walkthrough, digits).render()
