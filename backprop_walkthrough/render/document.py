"""What the document writers (Markdown, LaTeX, HTML) share: the dispatch on block types.

Each writer has one method per block type (``title``, ``heading``, ``paragraph``, ``equations``,
``check``, ``note``, ``table``, ``tables``, ``picture``) that returns its markup; this base class
walks the document and joins the pieces. What a block says was decided by the layout.
"""

from __future__ import annotations

from typing import TypeGuard

from .blocks import (
    Aside,
    Block,
    Cell,
    Check,
    Code,
    Document,
    Equations,
    ExpressionGraph,
    Formula,
    Heading,
    Inline,
    Joined,
    MathCell,
    MatrixEquation,
    Note,
    Number,
    Paragraph,
    Picture,
    Prose,
    Role,
    Row,
    SideBySide,
    Table,
    Tables,
    Title,
    Tone,
)


class DocumentWriter:
    """Subclasses implement one method per block type, and ``begin``/``end`` if they need them."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.digits = document.digits

    def write(self) -> str:
        parts = [self.begin()]
        parts += [self.block(block) for block in self.document.blocks]
        parts.append(self.end())
        return "".join(parts)

    def begin(self) -> str:
        return ""

    def end(self) -> str:
        return ""

    def block(self, block: Block) -> str:
        if isinstance(block, Title):
            return self.title(block)
        if isinstance(block, Heading):
            return self.heading(block)
        if isinstance(block, Paragraph):
            return self.paragraph(block)
        if isinstance(block, Equations):
            return self.equations(block)
        if isinstance(block, Check):
            return self.check(block)
        if isinstance(block, Note):
            return self.note(block)
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Tables):
            return self.tables(block)
        if isinstance(block, Picture):
            return self.picture(block)
        if isinstance(block, MatrixEquation):
            return self.matrix_equation(block)
        if isinstance(block, SideBySide):
            return self.side_by_side(block)
        if isinstance(block, ExpressionGraph):
            return self.graph(block)
        raise TypeError(f"{type(self).__name__} cannot write a {type(block).__name__}")

    def prose(self, prose: Prose) -> str:
        """Running text: words, code and names each as the format writes them."""
        return "".join(
            self.text(p)
            if isinstance(p, str)
            else self.code(p.text)
            if isinstance(p, Code)
            else self.inline_maths(p)
            for p in prose
        )

    def text(self, text: str) -> str:
        raise NotImplementedError

    def code(self, text: str) -> str:
        raise NotImplementedError

    def inline_maths(self, formula: Formula) -> str:
        raise NotImplementedError

    def title(self, block: Title) -> str:
        raise NotImplementedError

    def heading(self, block: Heading) -> str:
        raise NotImplementedError

    def paragraph(self, block: Paragraph) -> str:
        raise NotImplementedError

    def equations(self, block: Equations) -> str:
        raise NotImplementedError

    def check(self, block: Check) -> str:
        raise NotImplementedError

    def note(self, block: Note) -> str:
        raise NotImplementedError

    def table(self, block: Table) -> str:
        raise NotImplementedError

    def tables(self, block: Tables) -> str:
        return "".join(self.table(table) for table in block.tables)

    def picture(self, block: Picture) -> str:
        raise NotImplementedError

    def matrix_equation(self, block: MatrixEquation) -> str:
        raise NotImplementedError

    def graph(self, block: ExpressionGraph) -> str:
        """An expression's graph: a text format has its equations already."""
        return ""

    def side_by_side(self, block: SideBySide) -> str:
        """A page too narrow to promise two columns: one part after the other, captioned."""
        return "".join(
            self.paragraph(Paragraph((caption,), Tone.INTRO)) + "".join(map(self.block, part))
            for caption, part in zip(block.captions, block.parts, strict=True)
        )


def check_sentence(block: Check) -> tuple[Prose, str]:
    """A check as running text: (its values joined, its verdict), for formats that write the
    values in a line rather than in aligned rows."""
    values: list[Inline] = [f"{block.caption.capitalize()} ({block.detail}): "]
    for index, (what, value, _role) in enumerate(block.rows):
        values += [", "] if index else []
        values += [what, f" = {value}"]
    verdict = str(block.verdict) + (f" ({block.remark})" if block.remark else "")
    return tuple(values), verdict


def is_math(cell: Cell) -> TypeGuard[MathCell]:
    """A table cell that is a formula (a worksheet's rule), not words or a verdict."""
    return isinstance(cell, Formula | Number | Joined | Aside)


#: A block of more rows than this is printed one chain at a time (HTML: a MathML table each;
#: LaTeX: a page may break between two chains, never inside one).
LONG_BLOCK = 12


def chains(rows: tuple[Row, ...]) -> list[tuple[Row, ...]]:
    """A long block's rows cut before each row at the top two levels of nesting (a sum's
    statement, each of its terms' chains, its result), with each chain's factors kept."""
    if len(rows) <= LONG_BLOCK:
        return [rows]
    parts: list[list[Row]] = [[]]
    for row in rows:
        if (
            parts[-1]
            and row.role is not Role.FACTOR
            and row.depth <= 1
            and (row.depth < parts[-1][-1].depth or parts[-1][-1].role is Role.STATEMENT)
        ):
            parts.append([])
        parts[-1].append(row)
    return [tuple(p) for p in parts]
