"""The LaTeX writer: a standalone article (amsmath, TikZ) that compiles with plain pdflatex.

Formulas come from SymPy's LaTeX printer; each equation block is an ``alignat*`` whose equals
signs line up. Running text goes through :func:`latex_text`, the one escaper for this format: its
specials are escaped, the Unicode symbols the text uses (∂, −, →, η, ✓, …) become commands, and
anything else becomes "?", so that pdflatex never fails on a character. Options are set as code
(``\\texttt``), with their double hyphens kept apart so that TeX does not make a dash of them.
"""

from __future__ import annotations

from ..model import Walkthrough
from .blocks import (
    Check,
    Code,
    Document,
    Equations,
    Heading,
    Mark,
    MatrixEquation,
    Note,
    Paragraph,
    Picture,
    Prose,
    Table,
    Tables,
    Title,
    Tone,
)
from .document import DocumentWriter, check_sentence
from .latexmath import LatexMath
from .layout import lay_out
from .matrices import latex_aligned
from .tikz import draw_tikz

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
    "-": "-{}",  # never a ligature: --full stays two hyphens, not an en dash
}
_UNICODE = {
    "∂": r"$\partial$",
    "−": r"$-$",
    "→": r"$\to$",
    "η": r"$\eta$",
    "Σ": r"$\Sigma$",
    "σ": r"$\sigma$",
    "δ": r"$\delta$",
    "α": r"$\alpha$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "○": r"$\circ$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "±": r"$\pm$",
    "∞": r"$\infty$",
    "≈": r"$\approx$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "′": "'",
    "²": r"$^2$",
    "⁺": r"$^+$",
    "½": r"$\frac{1}{2}$",
    "…": r"\ldots{}",
    "—": "---",
    "–": "--",
    "’": "'",
    # the matrix view's names in running text: W⁽¹⁾, 𝟏ᵀ·δ, δⱼ·aₖ, ⊙
    **{
        sup: f"$^{{{plain}}}$"
        for sup, plain in zip("⁽⁾⁰¹³⁴⁵⁶⁷⁸⁹ᴸˡ⁻ᵀ", "()013456789Ll-T", strict=True)
    },
    **{sub: f"$_{{{plain}}}$" for sub, plain in zip("ⱼₖ₀₁₂₃₄₅₆₇₈₉", "jk0123456789", strict=True)},
    "𝟏": r"$\mathbf{1}$",
    "⊙": r"$\odot$",
    "⋯": r"$\cdots$",
}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm,a4paper]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\setcounter{MaxMatrixCols}{200}
\usepackage{graphicx,longtable}
\usepackage{tikz}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\begin{document}
\small
"""


def latex_text(text: str) -> str:
    """Running text for pdflatex: specials escaped, Unicode symbols as commands."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _UNICODE:
            out.append(_UNICODE[char])
        elif 32 <= ord(char) < 127:
            out.append(char)
        else:
            out.append("?")  # nothing else is expected; never let pdflatex fail on it
    return "".join(out)


class LatexWriter(DocumentWriter):
    def __init__(self, document: Document) -> None:
        super().__init__(document)
        self.math = LatexMath(document.digits, latex_text)

    def prose(self, prose: Prose) -> str:
        return "".join(
            rf"\texttt{{{latex_text(p.text)}}}" if isinstance(p, Code) else latex_text(p)
            for p in prose
        )

    def begin(self) -> str:
        return PREAMBLE

    def end(self) -> str:
        return "\\end{document}\n"

    def title(self, block: Title) -> str:
        subtitle = rf"\\[1ex]\large\itshape {latex_text(block.subtitle)}" if block.subtitle else ""
        return f"\\title{{{latex_text(block.text)}{subtitle}}}\n\\date{{}}\n\\maketitle\n\n"

    def heading(self, block: Heading) -> str:
        return f"\\section*{{{latex_text(block.text)}}}\n\n"

    def paragraph(self, block: Paragraph) -> str:
        text = self.prose(block.text)
        if block.tone == Tone.INTRO:
            text = rf"\textit{{{text}}}"
        elif block.tone == Tone.QUIET:
            text = rf"{{\small {text}}}"
        return f"{text}\n\n"

    def equations(self, block: Equations) -> str:
        columns, rows = self.math.alignat_rows(block.rows)
        body = " \\\\\n".join(rows)
        return f"\\begin{{alignat*}}{{{columns}}}\n{body}\n\\end{{alignat*}}\n\n"

    def check(self, block: Check) -> str:
        values, verdict = check_sentence(block)
        return (
            f"\\begin{{flushleft}}\\footnotesize {latex_text(values)}"
            f" --- {latex_text(verdict)}.\\end{{flushleft}}\n\n"
        )

    def note(self, block: Note) -> str:
        return (
            f"\\noindent\\fbox{{\\parbox{{0.95\\linewidth}}{{\\textbf{{Note.}} "
            f"{self.prose(block.text)}}}}}\n\n"
        )

    def table(self, block: Table) -> str:
        """A ``longtable``: a table of a big network's neurons runs over pages."""
        spec = "".join("r" if c.align.value == "right" else "l" for c in block.columns)
        header = " & ".join(rf"\textbf{{{latex_text(c.header)}}}" for c in block.columns)
        lines = [f"\\begin{{longtable}}{{{spec}}}"]
        if block.title:
            title = rf"\textbf{{{latex_text(block.title)}}}"
            lines.append(rf"\multicolumn{{{len(block.columns)}}}{{c}}{{{title}}} \\")
        lines += ["\\hline", header + r" \\", "\\hline", "\\endhead"]
        for row in block.rows:
            cells = [latex_text(str(c)) if isinstance(c, Mark) else latex_text(c) for c in row]
            lines.append(" & ".join(cells) + r" \\")
        lines += ["\\hline", "\\end{longtable}"]
        return "\n".join(lines) + "\n\n"

    def picture(self, block: Picture) -> str:
        parts = []
        for caption, values in block.states:
            drawing = draw_tikz(block.scenario, values, latex_text)
            parts.append(
                f"\\begin{{center}}\n{drawing}\\\\[0.5ex]\n"
                f"{{\\small {latex_text(caption)}}}\n\\end{{center}}\n\n"
            )
        return "".join(parts)

    def matrix_equation(self, block: MatrixEquation) -> str:
        rows = latex_aligned(block.label, block.sides, self.digits, block.shapes)
        return f"\\begin{{align*}}\n{rows}\n\\end{{align*}}\n\n"


def render_latex(walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> str:
    return LatexWriter(lay_out(walkthrough, digits, full)).write()


__all__ = ["LatexWriter", "Tables", "latex_text", "render_latex"]
