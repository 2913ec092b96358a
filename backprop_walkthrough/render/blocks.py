"""Presentation blocks: what the layout makes of a walkthrough and every writer writes.

The layout (:mod:`.layout`) decides everything that is shown — titles, sentences, which steps
appear, in which order, nested how deep — and says it with these few types. A writer (terminal,
Markdown, LaTeX, HTML) decides only how each type looks in its format. A test checks that every
writer handles every block type.

Formulas stay SymPy expressions (:class:`Formula`) until a writer prints them with SymPy's own
printers; numbers stay floats (:class:`Number`) until a writer formats them, because each format
writes a minus sign its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import NamedTuple

import sympy as sp

from ..scenario.types import Scenario

# --- cells of an equation ----------------------------------------------------------------------


class Formula(NamedTuple):
    """A SymPy expression; with ``numbers``, the same expression with those numbers put in.
    ``tag`` is a few words shown after it: ``via o1``, ``example 2``."""

    expr: sp.Basic
    numbers: Mapping[sp.Basic, float] | None = None
    tag: str = ""
    #: Written in parentheses: a sum (or a signed product) that is one factor of a product.
    grouped: bool = False
    #: A name in running text or a table's name column: its fractions on one line
    #: (∂E_total/∂w5), as text sets them, not built up.
    inline: bool = False


class Number(NamedTuple):
    """A computed value; ``in_product``: a negative value inside a product or sum, which is
    written in parentheses."""

    value: float
    in_product: bool = False


class Joined(NamedTuple):
    """Cells joined by an operator: a chain's factors (×), a sum's terms (+), or a rule's
    two sides (=, in a table cell: ∂E_total/∂w5 = ∂E_total/∂out_o1 × …)."""

    parts: tuple[MathCell, ...]
    operator: str  # "×", "+" or "="


class Aside(NamedTuple):
    """Words in place of a formula: ``from above`` (an earlier result used by its name)."""

    text: str


MathCell = Formula | Number | Joined | Aside


def binds_looser_than_product(expr: sp.Basic) -> bool:
    """Whether ``expr`` written as a factor of a product needs parentheses: a sum, or a
    product or number with a sign in front (2 × (1 − tanh(0.5)²), 2 × (−3·a))."""
    if expr.is_Add:  # (a Piecewise prints in its own parentheses, or as cases)
        return True
    if expr.is_Mul or expr.is_Number:
        return bool(expr.could_extract_minus_sign())
    return False


def product(parts: tuple[MathCell, ...]) -> Joined:
    """Cells multiplied: each formula that binds looser than × is grouped, once, here."""
    return Joined(
        tuple(
            p._replace(grouped=True)
            if isinstance(p, Formula) and binds_looser_than_product(p.expr)
            else p
            for p in parts
        ),
        "×",
    )


class Role(Enum):
    STATEMENT = "statement"  # label = side = side …, a line of its own
    DEFINITION = "definition"  # label = side, its CONTINUATION rows aligned under it
    CONTINUATION = "continuation"  # = side, under the row above (no label)
    FACTOR = "factor"  # one factor of a chain: label = symbolic = with numbers = value


class Row(NamedTuple):
    """One row of an equation block; ``depth`` is its nesting in sums (0 at the top)."""

    role: Role
    label: MathCell | None
    sides: tuple[MathCell, ...]
    depth: int = 0
    aside: str = ""  # a remark after the row: "SymPy", "activation of layer 1"


# --- running text ------------------------------------------------------------------------------


class Code(NamedTuple):
    """Text to be typeset as code: an option (``--full``), a YAML key (``update_biases``)."""

    text: str


#: A piece of running text: words, code, or a name or formula typeset as the equations are
#: (``E_total``, ``∂E_o2/∂out_h1``): one spelling of every name in prose and in maths.
Inline = str | Code | Formula
Prose = tuple[Inline, ...]


def plain(prose: Prose) -> str:
    """The words of a piece of prose as the terminal writes them (formulas as its text)."""
    from .printing import to_text  # the printers import SymPy's, which blocks need not

    return "".join(
        part
        if isinstance(part, str)
        else part.text
        if isinstance(part, Code)
        else to_text(part.expr, part.numbers)
        for part in prose
    )


class Tone(Enum):
    PLAIN = "plain"
    INTRO = "intro"  # the sentence under a heading (italic in the terminal)
    QUIET = "quiet"  # an aside (dim in the terminal)


class Words(NamedTuple):
    """A table cell or column header of running text with names in it (Prose)."""

    prose: Prose


# --- blocks ------------------------------------------------------------------------------------


class Title(NamedTuple):
    text: str
    subtitle: str = ""


class Heading(NamedTuple):
    text: str


class Paragraph(NamedTuple):
    text: Prose
    tone: Tone = Tone.PLAIN
    gap: bool = False  # a visual break before it (a blank line in the terminal)


class Equations(NamedTuple):
    """Rows whose equals signs align (a chain with its factors, a definition)."""

    rows: tuple[Row, ...]
    gap: bool = False


class Align(Enum):
    LEFT = "left"
    RIGHT = "right"


class CellRole(Enum):
    PLAIN = "plain"
    LABEL = "label"  # a name: w5, ∂E_total/∂w5
    NUMBER = "number"  # numbers put in (a formula with numbers)
    VALUE = "value"  # a computed result
    ANSWER = "answer"  # a space to write a figure in (a worksheet's blank, or the key's value)


class Mark(NamedTuple):
    """A verdict, written ✓, ✗ or ○ (neither: a check that cannot decide) and then ``text``."""

    ok: bool | None
    text: str = ""

    @property
    def symbol(self) -> str:
        return {True: "✓", False: "✗", None: "○"}[self.ok]

    def __str__(self) -> str:
        return f"{self.symbol} {self.text}".rstrip()


class Check(NamedTuple):
    """A numerical check beside a derivative: labelled values and a verdict."""

    caption: str  # "shake it"
    detail: str  # "h = 1e-06"
    #: (what, its value written out, its role); what is a formula: E_total(w5 + h)
    rows: tuple[tuple[str | Formula, str, CellRole], ...]
    verdict: Mark
    remark: str = ""  # "differs by −2.4e−11"
    depth: int = 0


class Note(NamedTuple):
    text: Prose
    depth: int = 0


class Column(NamedTuple):
    header: str | Words
    align: Align = Align.LEFT
    role: CellRole = CellRole.PLAIN
    #: A share of the line, for a format that fixes column widths and wraps within them
    #: (LaTeX's p columns): every column of a table has one, or none does.
    width: float | None = None


#: A table cell: words, a verdict, a formula (a worksheet's rule), or words with names in them.
Cell = str | Mark | MathCell | Words


class Table(NamedTuple):
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""
    gap: bool = False


class Tables(NamedTuple):
    """Tables that belong together: side by side where there is room, else one after another."""

    tables: tuple[Table, ...]


class Picture(NamedTuple):
    """The network drawn with every weight labelled, once for each state (before and after the
    update). A text drawing shows the first state only; a page draws them all."""

    scenario: Scenario
    states: tuple[tuple[str, Mapping[str, float]], ...] = ()
    gap: bool = False
    #: A big network: its layers as columns of small nodes, every edge faint, no values (a
    #: page draws it; text formats have its shape in a line instead).
    compact: bool = False


# --- the matrix view ---------------------------------------------------------------------------


class MatrixEquation(NamedTuple):
    """label = side = side …, each a SymPy matrix expression printed whole by SymPy's printers
    (render/matrices.py): a matrix symbol with its shape under it (the label's and, with
    ``shapes``, the first side's), an explicit matrix as a grid. Each side after the first goes
    on a line of its own where the line would be too long."""

    label: sp.Basic
    sides: tuple[sp.Basic, ...]
    shapes: bool = True
    gap: bool = False


class SideBySide(NamedTuple):
    """The same part in two conventions: side by side where there is room, else one after
    the other, each under its caption."""

    captions: tuple[str, str]
    parts: tuple[tuple[Block, ...], tuple[Block, ...]]
    gap: bool = False


class GraphNode(NamedTuple):
    """One value of an expression, as its graph's picture shows it."""

    name: str
    op: str  # leaf, const, or the operation that makes it
    inputs: tuple[str, ...]
    value: float
    grad: float


class ExpressionGraph(NamedTuple):
    """An expression's graph, micrograd's picture: values and the operations between them (a
    page draws it; a text format has its equations only)."""

    nodes: tuple[GraphNode, ...]
    caption: str
    gap: bool = False


Block = (
    Title
    | Heading
    | Paragraph
    | Equations
    | Check
    | Note
    | Table
    | Tables
    | Picture
    | MatrixEquation
    | SideBySide
    | ExpressionGraph
)


class Document(NamedTuple):
    """A laid-out walkthrough: the blocks in order, and the decimals its numbers are shown with."""

    blocks: tuple[Block, ...]
    digits: int = 9
    paper: str = "a4"  # the page a printed format is set for: a4 or letter

    def sections(self) -> list[list[Block]]:
        """The blocks cut before every heading (the title, if any, leads the first part)."""
        parts: list[list[Block]] = [[]]
        for block in self.blocks:
            if isinstance(block, Heading) and parts[-1]:
                parts.append([])
            parts[-1].append(block)
        return parts
