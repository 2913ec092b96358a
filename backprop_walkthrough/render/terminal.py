"""The terminal writer: the layout's blocks as Rich renderables.

:class:`TerminalView` is a Rich renderable (``console.print(TerminalView(walkthrough))``).
Piped, or with ``NO_COLOR``, Rich drops the colours and the same content comes out as plain
text. Equation rows are aligned on their equals signs; a row too long for the terminal breaks
before an equals sign (or an operator) and goes on under the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from ..model import Walkthrough
from .aligned import aligned, cell_len
from .blocks import (
    Align,
    Aside,
    Block,
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
    MathCell,
    MatrixEquation,
    Note,
    Number,
    Paragraph,
    Picture,
    Role,
    Row,
    SideBySide,
    Table,
    Tables,
    Title,
    Tone,
    Words,
    plain,
)
from .document import is_math
from .drawing import draw_network
from .layout import lay_out
from .numbers import format_value
from .printing import to_text

LABEL = "bold cyan"
VALUE = "bold green"
NUMBERS = "yellow"
DIM = "dim"
STYLES = {CellRole.LABEL: LABEL, CellRole.VALUE: VALUE, CellRole.NUMBER: NUMBERS}
TONES = {Tone.INTRO: "italic", Tone.QUIET: DIM, Tone.PLAIN: ""}
#: Spaces per level of nesting in a sum; a chain's factors sit half a level deeper.
INDENT = 4
FACTOR_INDENT = 2
#: Spaces between two tables shown side by side.
TABLE_GAP = 4
#: A continuation line that cannot hang under the first "=" is indented this far instead.
HANG = 4
#: Columns [start, end) of a printed line.
Span = tuple[int, int]


class TerminalView:
    """Renders a :class:`Walkthrough` (or an already laid-out :class:`Document`)."""

    def __init__(
        self, walkthrough: Walkthrough | Document, digits: int = 9, full: bool = False
    ) -> None:
        self.document = (
            walkthrough if isinstance(walkthrough, Document) else lay_out(walkthrough, digits, full)
        )
        self.digits = self.document.digits
        self.width = 100  # set from the console at render time
        self.cut_sides = True  # a matrix side too wide may be cut before its operators

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.width = options.max_width
        for part in self.document.sections():
            yield from self.part(part)

    def part(self, blocks: Iterable[Block]) -> Iterator[RenderableType]:
        """The renderables of some blocks (``--step`` shows one section at a time)."""
        return self.joined(r for block in blocks for r in self.block(block))

    def joined(self, renderables: Iterable[RenderableType]) -> Iterator[RenderableType]:
        """Runs of lines that fit the width as one Text: Rich's cost is per renderable, and a
        walkthrough is hundreds of short lines. Anything else passes through unchanged."""
        run: list[Text] = []
        for renderable in renderables:
            if isinstance(renderable, Text) and all(
                cell_len(line) <= self.width for line in renderable.plain.split("\n")
            ):
                run.append(renderable)
                continue
            if run:
                yield self.unwrapped(run)
                run = []
            yield renderable
        if run:
            yield self.unwrapped(run)

    @staticmethod
    def unwrapped(lines: list[Text]) -> Text:
        text = Text("\n").join(lines)
        text.no_wrap = True  # every line is known to fit: skip Rich's word wrapping
        return text

    # dispatch on the block type -----------------------------------------------------------

    def block(self, block: Block) -> Iterator[RenderableType]:
        if getattr(block, "gap", False):
            yield Text()
        if isinstance(block, Title):
            title = Text(block.text, style="bold")
            if block.subtitle:
                title.append(f"\n{block.subtitle}", style="italic")
            yield Panel(title, expand=False)
        elif isinstance(block, Heading):
            yield Text()
            yield Rule(Text(block.text, style="bold magenta"), align="left")
        elif isinstance(block, Paragraph):
            yield Text(plain(block.text), style=TONES[block.tone])
        elif isinstance(block, Equations):
            yield from self.equations(block.rows)
        elif isinstance(block, Check):
            yield self.check(block)
        elif isinstance(block, Note):
            note = Panel(
                Text(plain(block.text)),
                title="note",
                title_align="left",
                border_style="yellow",
                expand=False,
            )
            yield Padding(note, (0, 0, 0, INDENT * block.depth)) if block.depth else note
        elif isinstance(block, Table):
            yield self.table(block)
        elif isinstance(block, Tables):
            grid = RichTable.grid(padding=(0, TABLE_GAP))
            grid.add_row(*(self.table(t) for t in block.tables))
            yield grid
        elif isinstance(block, Picture):
            if not block.compact:  # a big network's shape is the line above it
                _caption, values = block.states[0]
                yield Text(draw_network(block.scenario, values))
        elif isinstance(block, MatrixEquation):
            yield self.matrix_equation(block)
        elif isinstance(block, SideBySide):
            yield from self.side_by_side(block)
        elif isinstance(block, ExpressionGraph):
            return  # the graph's equations are printed above it
        else:  # pragma: no cover - the meta-test checks every block type is handled
            raise TypeError(f"no terminal rendering for {type(block).__name__}")

    # cells ----------------------------------------------------------------------------------

    def value(self, value: float) -> str:
        return format_value(value, self.digits, typographic=True)

    def cell(self, cell: MathCell) -> Text:
        """A cell of an equation as styled text: numbers put in yellow, results in green."""
        if isinstance(cell, Formula):
            text = to_text(cell.expr, cell.numbers, self.digits)
            if cell.grouped:
                text = f"({text})"
            if cell.tag:
                text += f" ({cell.tag})"
            return Text(text, style=NUMBERS if cell.numbers is not None else "")
        if isinstance(cell, Number):
            text = self.value(cell.value)
            if cell.in_product:
                return Text(f"({text})" if cell.value < 0 else text, style=NUMBERS)
            return Text(text, style=VALUE)
        if isinstance(cell, Joined):
            parts = [self.cell(p) for p in cell.parts]
            style = parts[0].style if parts else ""
            return Text(f" {cell.operator} ".join(p.plain for p in parts), style=style)
        return Text(f"({cell.text})", style=DIM)

    def label(self, row: Row) -> Text:
        assert row.label is not None
        label = self.cell(row.label)
        label.stylize(LABEL)
        return label

    # equations ------------------------------------------------------------------------------

    def equations(self, rows: Sequence[Row]) -> Iterator[RenderableType]:
        index = 0
        while index < len(rows):
            row = rows[index]
            end = index + 1
            if row.role == Role.DEFINITION:
                while end < len(rows) and rows[end].role == Role.CONTINUATION:
                    end += 1
                yield self.definition(rows[index:end])
            elif row.role == Role.FACTOR:
                while end < len(rows) and rows[end].role == Role.FACTOR:
                    end += 1
                yield self.fit(self.factors(rows[index:end]))
            else:
                yield self.fit(self.statement(row))
            index = end

    def definition(self, rows: Sequence[Row]) -> RenderableType:
        """label = symbolic, then = with numbers, = value: aligned on the equals signs."""
        lines: list[list[Text | str]] = [
            [self.label(rows[0]) if rows[0].label else "", "=", self.cell(rows[0].sides[0])]
        ]
        lines += [["", "=", self.cell(row.sides[0])] for row in rows[1:]]
        text = aligned(lines)
        if max(cell_len(line) for line in text.plain.splitlines()) <= self.width:
            return text
        # Too long for one line (a wide layer's net): a grid wraps it under its own column.
        grid = RichTable.grid(padding=(0, 1))
        grid.add_column(justify="right", style=LABEL)
        grid.add_column()
        grid.add_column()
        for line in lines:
            grid.add_row(*line)
        return grid

    def factors(self, rows: Sequence[Row]) -> Text:
        """label = symbolic = substituted = value, one factor a row; stacked when too wide."""
        indent = INDENT * rows[0].depth + FACTOR_INDENT
        cells = [(self.label(row), *(self.cell(side) for side in row.sides)) for row in rows]
        widths = [max(c[i].cell_len for c in cells) for i in range(4)]
        if sum(widths) + 3 * 3 + indent <= self.width:
            lines: list[list[Text | str]] = [
                [label, "=", symbolic, "=", substituted, "=", value]
                for label, symbolic, substituted, value in cells
            ]
            return aligned(lines, right=(0, 6), indent=indent)
        # Narrow terminal: the substituted form and the value go on a line of their own.
        lines = []
        for label, symbolic, substituted, value in cells:
            lines.append([label, "=", symbolic])
            lines.append(["", "=", substituted, "=", value])
        return aligned(lines, right=(0,), indent=indent)

    def statement(self, row: Row) -> Text:
        line = Text(" " * (INDENT * row.depth))
        if row.label is not None:
            line.append_text(self.label(row))
        for side in row.sides:
            line.append(" = ")
            line.append_text(self.cell(side))
        if row.aside:
            line.append(f"   ({row.aside})", style=DIM)
        return line

    def fit(self, text: Text) -> Text:
        """Every line within the width: a long line breaks before an equals sign (or, failing
        that, an operator), and the rest hangs under the line's first equals sign."""
        lines = []
        for line in text.split("\n"):
            first = line.plain.find(" = ")
            hang = first + 1 if 0 <= first < self.width // 2 else HANG
            after = first  # a break leaves at least the label and its first side
            while line.cell_len > self.width:
                cut = self.break_at(line.plain, after)
                if cut < 0:
                    break  # nothing to break at: Rich wraps what is left
                left = line[:cut]
                left.rstrip()  # the padding of an aligned column, if the break follows one
                lines.append(left)
                line = Text(" " * hang) + line[cut + 1 :]
                after = hang + 1  # past the operator that starts the continuation
            lines.append(line)
        return Text("\n").join(lines)

    def break_at(self, line: str, after: int) -> int:
        """Where to break: the last " = " (else " + " or " × ") past column ``after`` that
        leaves a line that fits; -1 when there is none."""
        for mark in (" = ", " + ", " × "):
            cut = line.rfind(mark)
            while cut > after and cell_len(line[:cut].rstrip()) > self.width:
                cut = line.rfind(mark, 0, cut)
            if cut > after:
                return cut
        return -1

    # the matrix view ------------------------------------------------------------------------

    def matrix_equation(self, block: MatrixEquation) -> Text:
        """SymPy's pretty forms joined by equals signs on one line where it fits, else each
        side after the first on lines of its own under the first equals sign."""
        from sympy.printing.pretty.stringpict import prettyForm

        from .matrices import pretty_pieces, pretty_side

        label = pretty_side(block.label, self.digits, block.shapes)
        sides = [
            pretty_side(side, self.digits, block.shapes and i == 0)
            for i, side in enumerate(block.sides)
        ]
        width = label.width()
        line = prettyForm(*label.right(*(part for side in sides for part in (" = ", side))))
        if line.width() <= self.width:
            value = (line.width() - sides[-1].width(), line.width()) if len(sides) > 1 else None
            return self.styled([(str(line), (0, width), value)])
        hang = " " * width
        groups: list[tuple[str, Span | None, Span | None]] = [
            (str(prettyForm(*label.right(" = ", sides[0]))), (0, width), None)
        ]
        for expr, side in zip(block.sides[1:], sides[1:], strict=True):
            last: Span | None = (width + 3, 10**6) if side is sides[-1] else None
            if side.width() + width + 3 <= self.width or not self.cut_sides:
                groups.append((str(prettyForm(*prettyForm(hang).right(" = ", side))), None, last))
                continue
            # Too wide even on a line of its own: cut before its operators, each part whole.
            line = prettyForm(hang + " = ")
            for operator, piece in pretty_pieces(expr, self.digits):
                longer = prettyForm(*line.right(operator, piece))
                if operator and longer.width() > self.width:
                    groups.append((str(line), None, None))
                    line = prettyForm(*prettyForm(hang + "   " + operator.lstrip()).right(piece))
                else:
                    line = longer
            groups.append((str(line), None, None))
        return self.styled(groups)

    @staticmethod
    def styled(groups: list[tuple[str, Span | None, Span | None]]) -> Text:
        """Printed lines with the label's columns in the label's colour and the result's in
        the value's. A grid never wraps (its rows would come apart): a line wider than the
        terminal runs on, and the terminal cuts or folds it."""
        text = Text()
        for printed, label, value in groups:
            for line in printed.split("\n"):
                line = line.rstrip()
                part = Text(line)
                for span, style in ((label, LABEL), (value, VALUE)):
                    if span is not None:
                        part.stylize(style, span[0], min(span[1], len(line)))
                if text:
                    text.append("\n")
                text.append_text(part)
        text.no_wrap = True
        text.overflow = "ignore"
        return text

    def side_by_side(self, block: SideBySide) -> Iterator[RenderableType]:
        """Two parts in two columns where each fits half the width, else one after the other."""
        half = (self.width - TABLE_GAP) // 2
        width, self.width = self.width, half
        self.cut_sides = False  # side by side only where no side needs cutting
        try:
            columns = [list(self.part(part)) for part in block.parts]
        finally:
            self.width, self.cut_sides = width, True
        console = Console(width=10**6, file=None, color_system=None)  # measure, not wrap
        fits = all(console.measure(r).maximum <= half for part in columns for r in part)
        if fits:
            grid = RichTable.grid(padding=(0, TABLE_GAP))
            grid.add_column(width=half)
            grid.add_column(width=half)
            grid.add_row(
                *(
                    Group(Text(caption, style="bold"), *part)
                    for caption, part in zip(block.captions, columns, strict=True)
                )
            )
            yield grid
            return
        for caption, part in zip(block.captions, block.parts, strict=True):
            yield Text(caption, style="bold underline")
            yield from self.part(part)

    # checks, tables ---------------------------------------------------------------------------

    def check(self, check: Check) -> Text:
        """The central difference, with E_total at full precision so the quotient checks out."""
        rows: list[list[Text | str]] = []
        for i, (what, value, role) in enumerate(check.rows):
            first: Text | str = ""
            if i == 0:
                first = Text(check.caption, style="bold")
            elif i == 1:
                first = Text(check.detail, style=DIM)
            result = Text(value, style=STYLES[role])
            if i == len(check.rows) - 1:
                result.append("  ")
                result.append_text(self.mark(check.verdict))
                if check.remark:
                    result.append(f" ({check.remark})", style=DIM)
            rows.append([first, what if isinstance(what, str) else plain((what,)), "=", result])
        return aligned(rows, right=(1,), indent=FACTOR_INDENT + INDENT * check.depth)

    @staticmethod
    def mark(mark: Mark) -> Text:
        style = {True: "bold green", False: "bold red", None: "bold yellow"}[mark.ok]
        return Text(str(mark), style=style)

    def table(self, table: Table) -> RichTable:
        # Text, never markup: a cell such as "[example 1]" is words, not a Rich style tag.
        title = Text(table.title) if table.title else None
        rich = RichTable(title=title, title_justify="left", show_edge=False)
        for column in table.columns:
            rich.add_column(
                self.table_cell(column.header, column),
                justify="right" if column.align == Align.RIGHT else "left",
                style=STYLES.get(column.role, ""),
            )
        for row in table.rows:
            rich.add_row(
                *(self.table_cell(c, col) for c, col in zip(row, table.columns, strict=True))
            )
        return rich

    def table_cell(self, cell: Cell, column: Column) -> Text:
        if isinstance(cell, Mark):
            return self.mark(cell)
        if is_math(cell):
            return Text(self.cell(cell).plain)
        if isinstance(cell, Words):
            return Text(plain(cell.prose))
        if column.role is CellRole.ANSWER and not cell:
            return Text("_" * 12)
        return Text(str(cell))


def render_terminal(
    walkthrough: Walkthrough, console: Console, digits: int = 9, full: bool = False
) -> None:
    console.print(TerminalView(walkthrough, digits, full))


def cell_text(cell: MathCell, digits: int = 9) -> str:
    """A formula cell as one line of plain text (a practice hint), as the terminal writes it."""
    return TerminalView(Document((), digits)).cell(cell).plain


__all__ = ["Aside", "TerminalView", "cell_text", "render_terminal"]
