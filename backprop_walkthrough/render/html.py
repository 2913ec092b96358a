"""The HTML writer: one self-contained page — formulas as MathML (SymPy's printer), the network
as inline SVG before and after the update, light and dark mode, printable, no JavaScript and no
network access (browsers lay MathML out natively).

Each equation block is one MathML table, so that within a chain every equals sign lines up: the
labels are left-aligned and indented by their nesting, a chain's lines and results span the
columns of its factors, and a long sum continues on the next row. Text goes through
:func:`html.escape`, the one escaper for this format.
"""

from __future__ import annotations

from html import escape

from ..model import Walkthrough
from .blocks import (
    Aside,
    Cell,
    CellRole,
    Check,
    Column,
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
)
from .breaking import broken
from .document import DocumentWriter, chains, check_sentence, is_math
from .layout import lay_out
from .numbers import format_value
from .printing import FENCES, to_mathml
from .svg import draw_shape_svg, draw_svg

#: Indentation of one level of nesting, in em.
INDENT_EM = 1.5
OPERATORS = {"×": "×", "+": "+", "=": "="}

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #5f6368;
        --accent: #0b57d0; --note: #fff4d6; --line: #d0d4d9; --ok: #137333; --bad: #c5221f;
        --undecided: #8a5a00; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --bg: #16181c; --muted: #9aa0a6; --accent: #8ab4f8;
          --note: #3a3324; --line: #3c4043; --ok: #81c995; --bad: #f28b82;
          --undecided: #fdd663; }
}
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
       margin: 0 auto; max-width: 62rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); }
.subtitle, .quiet { color: var(--muted); } .subtitle, .intro { font-style: italic; }
div.eq { overflow-x: auto; overflow-y: hidden; margin: 0.6rem 0; }
div.eq math { display: inline math; math-style: normal; }
div.eq mtd { padding: 0.12rem 0.1rem; text-align: left; math-style: normal; }
div.eq mtr.next > mtd { padding-top: 0.7rem; }
table { border-collapse: collapse; margin: 0.8rem 0; }
th.title { font-weight: 600; border-bottom: 0; padding-left: 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.7rem; text-align: left; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td.answer { min-width: 9rem; border-bottom: 1px solid var(--fg); }
table:has(td.answer) { width: 100%; } td math { math-style: normal; font-size: 1.1em; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .undecided { color: var(--undecided); }
.tables { display: flex; flex-wrap: wrap; gap: 0 3rem; align-items: flex-start; }
.sides { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.sides > .side { flex: 1 1 26rem; min-width: 0; }
div.eq mtd mtable mtd { padding: 0.15rem 0.4rem; text-align: right; }
aside.note { background: var(--note); border-left: 4px solid #e0a800; padding: 0.5rem 0.8rem;
             margin: 0.8rem 0; }
p.check { color: var(--muted); font-size: 0.92rem; overflow-wrap: anywhere; }
figure { display: inline-block; margin: 0.5rem 1rem 0.5rem 0; max-width: 100%; }
figcaption { color: var(--muted); text-align: center; }
svg.network { max-width: 100%; height: auto; color: var(--fg); }
svg .edge { stroke: currentColor; stroke-width: 1.2; opacity: 0.6; }
svg .value { fill: var(--bg); stroke: currentColor; stroke-width: 1; }
svg.graph text { font-size: 12px; }
svg .faint { stroke: currentColor; stroke-width: 0.6; opacity: 0.15; }
svg .neuron { fill: var(--bg); stroke: var(--accent); stroke-width: 2; }
svg text { fill: currentColor; font: 13px system-ui, sans-serif; text-anchor: middle; }
svg text.weight { paint-order: stroke; stroke: var(--bg); stroke-width: 4px;
                  stroke-linejoin: round; }
svg text.bias { text-anchor: start; }
@media (max-width: 40rem) { body { padding: 0.6rem; } div.eq math { font-size: 80%; } }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; color: #000; background: #fff; font-size: 11pt; }
  div.eq { overflow: visible; }
  h2 { break-after: avoid; } div.eq, figure, aside, .keep { break-inside: avoid; }
  table { font-size: 8pt; line-height: 1.25; break-inside: auto; } tr { break-inside: avoid; }
  th, td { padding: 0 0.5rem; }
}
"""


def _gap(row: Row, index: int) -> str:
    """A definition after another in one block starts a little lower: they read as two."""
    return ' class="next"' if index and row.role is Role.DEFINITION else ""


class HtmlWriter(DocumentWriter):
    def write(self) -> str:
        """The page; a heading, its introduction and the first block after them are kept
        together (``.keep``), so that no printed page ends with a heading."""
        parts = [self.begin()]
        blocks = list(self.document.blocks)
        index = 0
        while index < len(blocks):
            if not isinstance(blocks[index], Heading):
                parts.append(self.block(blocks[index]))
                index += 1
                continue
            end = index + 1
            while end < len(blocks) and isinstance(blocks[end], Paragraph):
                end += 1
            end = min(end + 1, len(blocks))
            kept = "".join(self.block(b) for b in blocks[index:end])
            parts.append(f'<div class="keep">\n{kept}</div>\n')
            index = end
        parts.append(self.end())
        return "".join(parts)

    @staticmethod
    def text(text: str) -> str:
        return escape(text)

    @staticmethod
    def code(text: str) -> str:
        return f"<code>{escape(text)}</code>"

    def inline_maths(self, formula: Formula) -> str:
        return f"<math>{self.cell(formula)}</math>"

    def begin(self) -> str:
        title = next((b.text for b in self.document.blocks if isinstance(b, Title)), "")
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        )

    def end(self) -> str:
        return "</main>\n</body>\n</html>\n"

    def title(self, block: Title) -> str:
        subtitle = f'<p class="subtitle">{escape(block.subtitle)}</p>\n' if block.subtitle else ""
        return f"<h1>{escape(block.text)}</h1>\n{subtitle}"

    def heading(self, block: Heading) -> str:
        return f"<h2>{escape(block.text)}</h2>\n"

    def paragraph(self, block: Paragraph) -> str:
        css = "" if block.tone == Tone.PLAIN else f' class="{block.tone.value}"'
        return f"<p{css}>{self.prose(block.text)}</p>\n"

    # equations ------------------------------------------------------------------------------

    def number(self, value: float, in_product: bool = False) -> str:
        number = f"<mn>{format_value(value, self.digits, typographic=True)}</mn>"
        if in_product and value < 0:
            return f"<mrow>{FENCES[0]}{number}{FENCES[1]}</mrow>"
        return number

    @staticmethod
    def words(text: str) -> str:
        return f"<mtext>{escape(text)}</mtext>"

    def cell(self, cell: MathCell) -> str:
        if isinstance(cell, Formula):
            math = to_mathml(cell.expr, cell.numbers, self.digits, cell.inline)
            if cell.grouped:
                math = f"{FENCES[0]}{math}{FENCES[1]}"
            tag = self.words(f"\u00a0({cell.tag})") if cell.tag else ""
            return f"<mrow>{math}{tag}</mrow>"
        if isinstance(cell, Number):
            return self.number(cell.value, cell.in_product)
        if isinstance(cell, Joined):
            operator = f"<mo>{OPERATORS[cell.operator]}</mo>"
            return "<mrow>" + operator.join(self.cell(p) for p in cell.parts) + "</mrow>"
        assert isinstance(cell, Aside)
        return self.words(f"({cell.text})")

    def side_lines(self, cell: MathCell) -> list[str]:
        """A right-hand side as MathML lines, when it is a long sum or product
        (:mod:`.breaking`): every line after the first starts with its operator."""
        first, *rest = broken(cell, self.digits)
        operator = OPERATORS[cell.operator] if isinstance(cell, Joined) else "+"
        return [self.cell(first), *(f"<mo>{operator}</mo>{self.cell(part)}" for part in rest)]

    def label(self, row: Row) -> str:
        depth = row.depth + (1 if row.role == Role.FACTOR else 0)
        space = f'<mspace width="{INDENT_EM * depth:g}em"/>' if depth else ""
        label = self.cell(row.label) if row.label is not None else ""
        return f"<mtd>{space}{label}</mtd>"

    def row(self, row: Row, columns: int) -> list[str]:
        """A row as table rows: one column per side for factors and definitions; a chain's
        own lines span them all. A long side continues on rows of its own."""
        aside = self.words(f"\u2003({row.aside})") if row.aside else ""
        spanning = row.role == Role.STATEMENT
        cells, more = [], []
        for side in row.sides:
            first, *rest = self.side_lines(side)
            cells.append(f"<mo>=</mo>{first}")
            more += rest
        if spanning or more:
            body = "".join(cells) + aside
            rows = [f'{self.label(row)}<mtd columnspan="{columns}">{body}</mtd>']
            indent = '<mspace width="1em"/>'
            rows += [f'<mtd></mtd><mtd columnspan="{columns}">{indent}{m}</mtd>' for m in more]
            return rows
        tds = [f"<mtd>{c}</mtd>" for c in cells]
        if aside:
            tds[-1] = tds[-1].removesuffix("</mtd>") + aside + "</mtd>"
        return [self.label(row) + "".join(tds)]

    def equations(self, block: Equations) -> str:
        """One MathML table per block; a long block (a sum over a big layer) one per chain,
        so that a printed page may end between two chains and never inside one."""
        columns = max(len(row.sides) for row in block.rows)
        return "".join(
            '<div class="eq"><math display="block"><mtable displaystyle="true">'
            + "".join(
                f"<mtr{_gap(row, index)}>{tr}</mtr>"
                for index, row in enumerate(part)
                for tr in self.row(row, columns)
            )
            + "</mtable></math></div>\n"
            for part in chains(block.rows)
        )

    # the rest ---------------------------------------------------------------------------------

    def check(self, block: Check) -> str:
        values, _verdict = check_sentence(block)
        remark = f" ({escape(block.remark)})" if block.remark else ""
        return f'<p class="check">{self.prose(values)} — {self.mark(block.verdict)}{remark}.</p>\n'

    @staticmethod
    def mark(mark: Mark) -> str:
        kind = {True: "ok", False: "bad", None: "undecided"}[mark.ok]
        return f'<span class="{kind}">{escape(str(mark))}</span>'

    def note(self, block: Note) -> str:
        return f'<aside class="note"><strong>Note.</strong> {self.prose(block.text)}</aside>\n'

    def table(self, block: Table) -> str:
        def attributes(column: Column) -> str:
            classes = ["right"] if column.align.value == "right" else []
            if column.role is CellRole.ANSWER:
                classes.append("answer")
            return f' class="{" ".join(classes)}"' if classes else ""

        head = "".join(
            f"<th{attributes(c)}>{self.table_cell(c.header)}</th>" for c in block.columns
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{attributes(column)}>{self.table_cell(c)}</td>"
                for c, column in zip(row, block.columns, strict=True)
            )
            + "</tr>\n"
            for row in block.rows
        )
        # The title is the head's first row, not a <caption>: a printed page never ends with
        # it (a table's head stays with its first row, and is repeated on every page).
        columns = len(block.columns)
        title = (
            f'<tr><th class="title" colspan="{columns}">{escape(block.title)}</th></tr>'
            if block.title
            else ""
        )
        return (
            f"<table>\n<thead>{title}<tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        )

    def table_cell(self, cell: Cell) -> str:
        if isinstance(cell, Mark):
            return self.mark(cell)
        if is_math(cell):
            return f"<math>{self.cell(cell)}</math>"
        if isinstance(cell, Words):
            return self.prose(cell.prose)
        return escape(str(cell))

    def tables(self, block: Tables) -> str:
        return '<div class="tables">\n' + super().tables(block) + "</div>\n"

    def picture(self, block: Picture) -> str:
        if block.compact:
            caption = f"{block.scenario.name}: {block.states[0][0]}"
            return f"<figure>{draw_shape_svg(block.scenario, caption)}</figure>\n"
        return "".join(
            f"<figure>{draw_svg(block.scenario, values, f'The network {caption}')}"
            f"<figcaption>{escape(caption)}</figcaption></figure>\n"
            for caption, values in block.states
        )

    def graph(self, block: ExpressionGraph) -> str:
        from .graph_picture import draw_graph_svg

        return f"<figure>{draw_graph_svg(block.nodes, block.caption)}</figure>\n"

    def matrix_equation(self, block: MatrixEquation) -> str:
        """One MathML table: label = first side, then = each other side under it."""
        from .matrices import mathml_side

        rows = []
        for i, side in enumerate(block.sides):
            label = "" if i else mathml_side(block.label, self.digits, block.shapes)
            printed = mathml_side(side, self.digits, block.shapes and i == 0)
            rows.append(
                f'<mtr><mtd columnalign="right">{label}</mtd><mtd><mo>=</mo></mtd>'
                f"<mtd>{printed}</mtd></mtr>"
            )
        return (
            '<div class="eq"><math display="block"><mtable displaystyle="true">'
            + "".join(rows)
            + "</mtable></math></div>\n"
        )

    def side_by_side(self, block: SideBySide) -> str:
        """Two columns where the page is wide enough (they wrap, one under the other, where
        it is not)."""
        columns = "".join(
            f'<div class="side"><p class="intro">{escape(caption)}</p>'
            + "".join(map(self.block, part))
            + "</div>"
            for caption, part in zip(block.captions, block.parts, strict=True)
        )
        return f'<div class="sides">{columns}</div>\n'


def render_html(walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> str:
    return HtmlWriter(lay_out(walkthrough, digits, full)).write()


#: The page's rules for a notebook cell: scoped to the walkthrough's own <div>, no page layout.
FRAGMENT_STYLE = """
.bw div.eq { overflow-x: auto; margin: 0.5rem 0; }
.bw div.eq math { display: inline math; math-style: normal; }
.bw div.eq mtd { padding: 0.12rem 0.1rem; text-align: left; math-style: normal; }
div.eq mtr.next > mtd { padding-top: 0.7rem; }
.bw div.eq mtd mtable mtd { padding: 0.05rem 0.4rem; text-align: right; }
.bw .sides { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.bw .sides > .side { flex: 1 1 26rem; min-width: 0; }
.bw aside.note { border-left: 4px solid #e0a800; padding: 0.3rem 0.6rem; margin: 0.6rem 0; }
.bw p.check, .bw .quiet { opacity: 0.75; } .bw .ok { color: #137333; } .bw .bad { color: #c5221f; }
.bw .undecided { color: #8a5a00; }
.bw .tables { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.bw figure { display: inline-block; margin: 0.5rem 1rem 0.5rem 0; max-width: 100%; }
.bw svg.network { max-width: 100%; height: auto; color: inherit; }
.bw svg .edge { stroke: currentColor; stroke-width: 1.2; opacity: 0.6; }
svg .value { fill: var(--bg); stroke: currentColor; stroke-width: 1; }
svg.graph text { font-size: 12px; }
svg .faint { stroke: currentColor; stroke-width: 0.6; opacity: 0.15; }
.bw svg .neuron { fill: none; stroke: #0b57d0; stroke-width: 2; }
.bw svg text { fill: currentColor; font: 13px sans-serif; text-anchor: middle; }
.bw svg text.bias { text-anchor: start; }
"""


def html_fragment(page: str) -> str:
    """A page's content without <html>/<head>, for a notebook cell: styles scoped to it."""
    body = page[page.index("<main>") + len("<main>") : page.index("</main>")]
    return f'<div class="bw"><style>{FRAGMENT_STYLE}</style>{body}</div>'


def render_html_fragment(walkthrough: Walkthrough, digits: int = 9) -> str:
    """A walkthrough's page as a notebook cell shows it."""
    return html_fragment(render_html(walkthrough, digits))
