"""GitHub-flavoured Markdown: formulas as $…$ / $$…$$ from SymPy's LaTeX printer."""

from __future__ import annotations

from ..model import Walkthrough
from .document import Row
from .latexmath import LatexMathRenderer, aligned_row


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


class MarkdownRenderer(LatexMathRenderer):
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
        body = " \\\\\n".join(aligned_row(row) for row in rows)
        self.parts.append(f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n\n")

    def note(self, text: str) -> None:
        self.parts.append(f"> **Note.** {text}\n\n")


def render_markdown(walkthrough: Walkthrough, digits: int = 9) -> str:
    return MarkdownRenderer(walkthrough, digits).render()
