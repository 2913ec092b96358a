"""A standalone LaTeX document (article, amsmath) that compiles with pdflatex.

Formulas come from SymPy's LaTeX printer; each chain is an ``align*`` block with aligned equals
signs. Running text is escaped, and the few Unicode characters the walkthrough uses in prose
(∂, −, →, η, ✓, …) are written as LaTeX commands, so plain pdflatex needs no extra fonts.
"""

from __future__ import annotations

from ..model import Walkthrough
from .document import Row
from .latexmath import LatexMathRenderer, aligned_row

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_UNICODE = {
    "∂": r"$\partial$",
    "−": "-",
    "→": r"$\to$",
    "η": r"$\eta$",
    "Σ": r"$\Sigma$",
    "σ": r"$\sigma$",
    "δ": r"$\delta$",
    "α": r"$\alpha$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "²": r"$^2$",
    "⁺": r"$^+$",
    "½": r"$\frac{1}{2}$",
    "…": r"\ldots{}",
    "—": "---",
    "–": "--",
    "’": "'",
}


def latex_text(text: str) -> str:
    """Running text for pdflatex: specials escaped, Unicode symbols as commands."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _UNICODE:
            out.append(_UNICODE[char])
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append("?")  # nothing else is expected; never let pdflatex fail on it
    return "".join(out)


class LatexRenderer(LatexMathRenderer):
    def begin(self, title: str, subtitle: str) -> None:
        self.parts.append(
            "\\documentclass[11pt]{article}\n"
            "\\usepackage[margin=2cm,a4paper]{geometry}\n"
            "\\usepackage{amsmath,amssymb}\n"
            "\\allowdisplaybreaks\n"
            f"\\title{{{latex_text(title)}}}\n"
            f"\\date{{{latex_text(subtitle)}}}\n"
            "\\begin{document}\n\\maketitle\n\\small\n\n"
        )

    def end(self) -> None:
        self.parts.append("\\end{document}\n")

    def heading(self, text: str, level: int = 2) -> None:
        self.parts.append(f"\\section*{{{latex_text(text)}}}\n\n")

    def paragraph(self, text: str) -> None:
        self.parts.append(f"{latex_text(text)}\n\n")

    def preformatted(self, text: str) -> None:
        pass  # the box-drawing picture needs Unicode fonts; the tables list every connection

    def table(
        self, header: list[str], rows: list[list[str]], math_columns: frozenset[int] = frozenset()
    ) -> None:
        spec = "l" * len(header)
        lines = [
            f"\\begin{{tabular}}{{{spec}}}",
            "\\hline",
            " & ".join(f"\\textbf{{{latex_text(h)}}}" for h in header) + r" \\",
            "\\hline",
        ]
        for row in rows:
            cells = [f"${c}$" if i in math_columns else latex_text(c) for i, c in enumerate(row)]
            lines.append(" & ".join(cells) + r" \\")
        lines += ["\\hline", "\\end{tabular}"]
        self.parts.append("\\begin{center}\n" + "\n".join(lines) + "\n\\end{center}\n\n")

    def equations(self, rows: list[Row]) -> None:
        body = " \\\\\n".join(aligned_row(row) for row in rows)
        self.parts.append(f"\\begin{{align*}}\n{body}\n\\end{{align*}}\n\n")

    def note(self, text: str) -> None:
        self.parts.append(
            f"\\noindent\\fbox{{\\parbox{{0.95\\linewidth}}{{\\textbf{{Note.}} "
            f"{latex_text(text)}}}}}\n\n"
        )

    def annotation(self, text: str) -> str:
        return rf"\ \text{{({latex_text(text)})}}"


def render_latex(walkthrough: Walkthrough, digits: int = 9) -> str:
    return LatexRenderer(walkthrough, digits).render()
