"""The Markdown writer: GitHub-flavoured Markdown, formulas as ``$$`` LaTeX (``alignedat``).

Running text is wrapped at 100 columns and escaped by :func:`markdown_text`, the one escaper for
this format; options are set as code spans. A chain's nesting shows as ``\\quad`` indentation
inside its formula block.
"""

from __future__ import annotations

import re
import textwrap

from ..model import Walkthrough
from .blocks import (
    Cell,
    Check,
    Document,
    Equations,
    ExpressionGraph,
    Formula,
    Heading,
    Mark,
    MatrixEquation,
    Note,
    Paragraph,
    Picture,
    Table,
    Title,
    Words,
)
from .document import DocumentWriter, check_sentence, is_math
from .drawing import draw_network
from .latexmath import LatexMath
from .layout import lay_out
from .matrices import latex_aligned

#: Running text (everything outside formulas, tables and drawings) wraps at this width.
LINE_WIDTH = 100
# Markup characters; an underscore only where it could start or end emphasis (not in E_total).
_MARKUP = re.compile(r"([\\`*\[\]<>#|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written: its markup characters escaped."""
    return _MARKUP.sub(r"\\\1", text)


def _math_words(text: str) -> str:
    """Words inside ``\\text{…}`` of a formula (MathJax and KaTeX read them as TeX)."""
    return re.sub(r"([\\{}$&#%_^~])", r"\\\1", text)


def _cell(text: str) -> str:
    return markdown_text(text)


class MarkdownWriter(DocumentWriter):
    def __init__(self, document: Document) -> None:
        super().__init__(document)
        self.math = LatexMath(document.digits, _math_words, lap=r"\rlap")

    @staticmethod
    def text(text: str) -> str:
        return markdown_text(text)

    @staticmethod
    def code(text: str) -> str:
        return f"`{text}`"

    def inline_maths(self, formula: Formula) -> str:
        return self.table_cell(formula)  # $…$, as a table's formula cell

    @staticmethod
    def wrapped(text: str, prefix: str = "") -> str:
        lines = textwrap.wrap(
            text,
            LINE_WIDTH,
            initial_indent=prefix,
            subsequent_indent=prefix,
            break_long_words=False,
            break_on_hyphens=False,
        )
        return "\n".join(lines) + "\n\n"

    def title(self, block: Title) -> str:
        subtitle = f"*{markdown_text(block.subtitle)}*\n\n" if block.subtitle else ""
        return f"# {markdown_text(block.text)}\n\n{subtitle}"

    def heading(self, block: Heading) -> str:
        return f"## {markdown_text(block.text)}\n\n"

    def paragraph(self, block: Paragraph) -> str:
        return self.wrapped(self.prose(block.text))

    def equations(self, block: Equations) -> str:
        columns, rows = self.math.alignat_rows(block.rows)
        body = " \\\\\n".join(rows)
        return f"$$\n\\begin{{alignedat}}{{{columns}}}\n{body}\n\\end{{alignedat}}\n$$\n\n"

    def check(self, block: Check) -> str:
        values, verdict = check_sentence(block)
        return self.wrapped(f"{self.prose(values)} — {verdict}.")

    def note(self, block: Note) -> str:
        return self.wrapped(f"**Note.** {self.prose(block.text)}", "> ")

    def table(self, block: Table) -> str:
        lines = [
            "| " + " | ".join(self.table_cell(c.header) for c in block.columns) + " |",
            "|"
            + "|".join("---:" if c.align.value == "right" else "---" for c in block.columns)
            + "|",
        ]
        for row in block.rows:
            lines.append("| " + " | ".join(self.table_cell(c) for c in row) + " |")
        title = f"**{markdown_text(block.title)}**\n\n" if block.title else ""
        return title + "\n".join(lines) + "\n\n"

    def table_cell(self, cell: Cell) -> str:
        if isinstance(cell, Mark):
            return str(cell)
        if is_math(cell):  # inline maths; a bar would end the cell
            return "$" + self.math.cell(cell).replace("|", r"\vert ") + "$"
        if isinstance(cell, Words):
            return self.prose(cell.prose)
        return _cell(str(cell)) or " "

    def graph(self, block: ExpressionGraph) -> str:
        """The graph as micrograd's boxes in text: each value, and what made it."""
        from .graph_picture import OPERATORS, label

        lines = [
            label(n)
            + (f"   ← {OPERATORS.get(n.op, n.op)}({', '.join(n.inputs)})" if n.inputs else "")
            for n in block.nodes
        ]
        return "```text\n" + "\n".join(lines) + "\n```\n\n"

    def picture(self, block: Picture) -> str:
        if block.compact:  # a big network's shape is the line above it
            return ""
        _caption, values = block.states[0]  # a text drawing shows the first state
        return f"```text\n{draw_network(block.scenario, values)}\n```\n\n"

    def matrix_equation(self, block: MatrixEquation) -> str:
        rows = latex_aligned(block.label, block.sides, self.digits, block.shapes)
        return f"$$\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}\n$$\n\n"


def render_markdown(walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> str:
    return MarkdownWriter(lay_out(walkthrough, digits, full)).write()
