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
    Cell,
    CellRole,
    Check,
    Column,
    Document,
    Equations,
    ExpressionGraph,
    Formula,
    Heading,
    Joined,
    Mark,
    MatrixEquation,
    Note,
    Number,
    Paragraph,
    Picture,
    Table,
    Tables,
    Title,
    Tone,
    Words,
    plain,
)
from .document import DocumentWriter, chains, check_sentence, is_math
from .latexmath import LatexMath
from .layout import lay_out
from .matrices import latex_aligned
from .tikz import draw_shape_tikz, draw_tikz

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
    "|": r"$|$",  # the OT1 font has a dash where | is
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

PREAMBLE = r"""\documentclass[11pt,fleqn]{article}
\usepackage[margin=2cm,PAPERpaper]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\setcounter{MaxMatrixCols}{200}
\usepackage{graphicx,longtable,array}
\usepackage{tikz}
% \needspace{len}: a new page unless len of room is left (the needspace package's rule)
\makeatletter
\newcommand{\needspace}[1]{\par\begingroup\dimen@=#1\relax\dimen@ii=\pagegoal
  \advance\dimen@ii by -\pagetotal\ifdim\dimen@>\dimen@ii\ifdim\dimen@ii>\z@\vfil\fi
  \penalty-\@M\fi\endgroup}
\makeatother
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\setlength{\mathindent}{1.5em}  % every display flush left: consecutive chains start in line
\setlength{\emergencystretch}{3em}
\begin{document}
\small
"""


#: A table of up to this many rows is a tabular (no page break inside, one run to lay out).
SHORT_TABLE = 40
#: The width of a character of a table, in em of its font (digits and most letters are half an
#: em; a little more, for the wider ones and the bold head), and the width a table may take.
CHARACTER_EM = 0.55
LINE_EM = 44.0


def _measured(block: Table) -> tuple[Column, ...]:
    """The columns of a long table with widths (shares of the line) from their longest text,
    so that longtable needs no second run to find them."""
    longest = [
        max([_length(column.header)] + [_length(row[i]) for row in block.rows])
        for i, column in enumerate(block.columns)
    ]
    ems = [CHARACTER_EM * n + 1.0 for n in longest]
    scale = min(1.0, LINE_EM / sum(ems))
    return tuple(
        c._replace(width=round(em * scale / LINE_EM * 0.92, 3))
        for c, em in zip(block.columns, ems, strict=True)
    )


def _length(cell: Cell) -> int:
    """About how many characters wide a cell is set (a formula: as the terminal writes it)."""
    if isinstance(cell, Words):
        return len(plain(cell.prose))
    if isinstance(cell, Formula):
        return len(plain((cell,)))
    if isinstance(cell, Joined):
        return sum(_length(p) + 3 for p in cell.parts)
    if isinstance(cell, Number):
        return 12
    return len(str(cell))


def latex_text(text: str) -> str:
    """Running text for pdflatex: specials escaped, Unicode symbols as commands, a straight
    double quote as an opening or a closing one by what precedes it."""
    out = []
    for index, char in enumerate(text):
        if char == '"':
            opening = index == 0 or text[index - 1] in " ([{\n"
            out.append("``" if opening else "''")
        elif char in _SPECIAL:
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

    @staticmethod
    def text(text: str) -> str:
        return latex_text(text)

    @staticmethod
    def code(text: str) -> str:
        return rf"\texttt{{{latex_text(text)}}}"

    def inline_maths(self, formula: Formula) -> str:
        return f"${self.math.cell(formula)}$"

    def begin(self) -> str:
        return PREAMBLE.replace("PAPER", self.document.paper)

    def end(self) -> str:
        return "\\end{document}\n"

    def title(self, block: Title) -> str:
        subtitle = rf"\\[1ex]\large\itshape {latex_text(block.subtitle)}" if block.subtitle else ""
        return f"\\title{{{latex_text(block.text)}{subtitle}}}\n\\date{{}}\n\\maketitle\n\n"

    def heading(self, block: Heading) -> str:
        # never the last lines of a page: room for the heading and a few lines after it
        return f"\\needspace{{8\\baselineskip}}\n\\section*{{{latex_text(block.text)}}}\n\n"

    def paragraph(self, block: Paragraph) -> str:
        text = self.prose(block.text)
        if block.tone == Tone.INTRO:
            text = rf"\textit{{{text}}}"
        elif block.tone == Tone.QUIET:
            text = rf"{{\small {text}}}"
        return f"{text}\n\n"

    def equations(self, block: Equations) -> str:
        """An ``alignat*``, kept on one page; a long one (a sum over a layer) may break between
        two chains (``\\displaybreak``), never inside one."""
        sides = max(len(row.sides) for row in block.rows)
        parts = [self.math.alignat_rows(part, sides) for part in chains(block.rows)]
        columns = parts[0][0]
        body = " \\displaybreak[1] \\\\\n".join(" \\\\\n".join(lines) for _, lines in parts)
        return f"\\begin{{alignat*}}{{{columns}}}\n{body}\n\\end{{alignat*}}\n\n"

    def check(self, block: Check) -> str:
        values, verdict = check_sentence(block)
        return (
            f"\\begin{{flushleft}}\\footnotesize {self.prose(values)}"
            f" --- {latex_text(verdict)}.\\end{{flushleft}}\n\n"
        )

    def note(self, block: Note) -> str:
        return (
            f"\\noindent\\fbox{{\\parbox{{0.95\\linewidth}}{{\\textbf{{Note.}} "
            f"{self.prose(block.text)}}}}}\n\n"
        )

    def table(self, block: Table) -> str:
        """A short table is a ``tabular``, laid out in one pdflatex run; a long one (a big
        network's neurons) a ``longtable``, which runs over pages. Columns with widths are p
        columns, which wrap (a worksheet's rules) and never change width between runs, so a
        longtable of them is laid out in one run too."""
        widths = [c.width for c in block.columns]
        fixed = all(w is not None for w in widths)
        long = fixed or len(block.rows) > SHORT_TABLE
        if long and not fixed:  # measured here, not by longtable over two runs
            block = block._replace(columns=_measured(block))
            fixed = True
        if fixed:
            spec = "".join(
                (
                    r">{\raggedleft\arraybackslash}"
                    if c.align.value == "right"
                    else r">{\raggedright\arraybackslash}"
                )
                + f"p{{{c.width:.3f}\\linewidth}}"
                for c in block.columns
            )
        else:
            spec = "".join("r" if c.align.value == "right" else "l" for c in block.columns)
        environment = "longtable" if long else "tabular"
        header = " & ".join(rf"\textbf{{{self.table_cell(c.header, c)}}}" for c in block.columns)
        lines = [] if long else ["\\begin{flushleft}"]
        lines.append(f"\\begin{{{environment}}}{{{spec}}}")
        if block.title:
            title = rf"\textbf{{{latex_text(block.title)}}}"
            lines.append(rf"\multicolumn{{{len(block.columns)}}}{{l}}{{{title}}} \\")
        lines += ["\\hline", header + r" \\", "\\hline"]
        if long:
            lines.append("\\endhead")
        answers = any(c.role is CellRole.ANSWER for c in block.columns)
        end = r" \\[10pt]" if answers else r" \\"  # room to write in
        for row in block.rows:
            cells = [self.table_cell(c, col) for c, col in zip(row, block.columns, strict=True)]
            lines.append(" & ".join(cells) + end)
        lines += ["\\hline", f"\\end{{{environment}}}"]
        if not long:
            lines.append("\\end{flushleft}")
        return "\n".join(lines) + "\n\n"

    def table_cell(self, cell: Cell, column: Column) -> str:
        if isinstance(cell, Mark):
            return latex_text(str(cell))
        if is_math(cell):
            return rf"$\displaystyle {self.math.cell(cell)}$"
        if isinstance(cell, Words):
            return self.prose(cell.prose)
        if column.role is CellRole.ANSWER and not cell:
            return r"\rule{0.9\linewidth}{0.4pt}"
        return latex_text(str(cell))

    def picture(self, block: Picture) -> str:
        if block.compact:
            drawing = draw_shape_tikz(block.scenario, latex_text)
            return f"\\begin{{center}}\n{drawing}\n\\end{{center}}\n\n"
        parts = []
        for caption, values in block.states:
            drawing = draw_tikz(block.scenario, values, latex_text)
            parts.append(
                f"\\begin{{center}}\n{drawing}\\\\[0.5ex]\n"
                f"{{\\small {latex_text(caption)}}}\n\\end{{center}}\n\n"
            )
        return "".join(parts)

    def graph(self, block: ExpressionGraph) -> str:
        from .graph_picture import draw_graph_tikz

        drawing = draw_graph_tikz(block.nodes, latex_text)
        return f"\\begin{{center}}\n{drawing}\n\\end{{center}}\n\n"

    def matrix_equation(self, block: MatrixEquation) -> str:
        rows = latex_aligned(block.label, block.sides, self.digits, block.shapes)
        return f"\\begin{{align*}}\n{rows}\n\\end{{align*}}\n\n"


def render_latex(walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> str:
    return LatexWriter(lay_out(walkthrough, digits, full)).write()


__all__ = ["LatexWriter", "Tables", "latex_text", "render_latex"]
