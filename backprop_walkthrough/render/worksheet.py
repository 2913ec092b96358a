"""The practice questions as a worksheet with blanks, or as its answer key.

A worksheet stands alone on paper: its head is the network with all its numbers, as the
walkthrough's first section shows it (the parameter and data tables with η and the loss, the
drawing, the activations: :func:`.layout.network_blocks`); then the questions, grouped by
section in the walkthrough's order, each a row of a table — the figure's name (as ``check``
reads it), its rule typeset as the walkthrough typesets it, and a blank (in the key, the
value). The sheet is a :class:`~.blocks.Document`, so the Markdown, LaTeX and HTML writers
write it as they write a walkthrough. The YAML sheet is the answers file ``check`` grades.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Walkthrough
from .blocks import (
    Align,
    Aside,
    CellRole,
    Code,
    Column,
    Document,
    Formula,
    Heading,
    Joined,
    MathCell,
    Number,
    Paragraph,
    Table,
    Title,
    Tone,
    Words,
    product,
)
from .layout import network_blocks
from .numbers import format_operand
from .terminal import cell_text

FORMATS = ("yaml", "markdown", "latex", "html")
#: Each part of the walkthrough, as the worksheet heads its questions.
SECTIONS = {
    "forward": "Forward pass and error",
    "output": "Output layer",
    "hidden": "Hidden layers",
    "biases": "Biases",
    "update": "The update",
}


def by_section(names: Sequence[str], forms: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """The figures asked, grouped by the part of the walkthrough they belong to, in its order:
    (the part's heading, its figures), for every part that has one."""
    groups = [
        (title, [n for n in names if forms[n].section == part]) for part, title in SECTIONS.items()
    ]
    return [(title, shown) for title, shown in groups if shown]


def rule(form: Any, values: Mapping[str, float] | None = None) -> MathCell:
    """A figure's rule, ``label = formula`` — with ``values``, the numbers put in."""
    label = Formula(form.label, tag=form.tag)
    side: MathCell
    if form.words:
        side = Aside(form.words)
    elif form.expr is not None:
        side = Formula(form.expr, form.substitutions if values is not None else None)
    elif values is not None:
        side = Joined(tuple(Number(values[p.figure], True) for p in form.parts), form.operator)
    else:
        parts = tuple(Formula(p.label, tag=p.tag) for p in form.parts)
        side = product(parts) if form.operator == "×" else Joined(parts, form.operator)
    return Joined((label, side), "=")


def rule_lines(form: Any, expected: Mapping[str, float], digits: int = 9) -> list[str]:
    """A figure's rule in symbols, then with the numbers put in (one line each): the hints of
    ``practice`` and the explanation of a mistake no known rule gives."""
    lines = [cell_text(rule(form), digits)]
    if not form.words:
        lines.append(cell_text(rule(form, expected), digits))
    return lines


class Sheet:
    """A worksheet's content: the walkthrough, its questions and, for the key, the values."""

    def __init__(
        self,
        walkthrough: Walkthrough,
        title: str,
        names: Sequence[str],
        forms: Mapping[str, Any],
        values: Mapping[str, float] | None = None,
        regenerate: str = "",
    ) -> None:
        self.w, self.names, self.forms, self.values = walkthrough, names, forms, values
        self.heading = f"{title} — answer key" if values is not None else title
        self.regenerate = regenerate  # the command that makes this sheet again (a --new seed)

    def answer(self, name: str, typographic: bool = True) -> str:
        """The key's value (− for a minus on paper; a YAML file keeps the ASCII one)."""
        if self.values is None:
            return ""
        return format_operand(self.values[name], 9, typographic=typographic)

    def document(self, digits: int = 9) -> Document:
        """The sheet laid out: the network, then the questions by section."""
        blocks: list[Any] = [Title(self.heading, self.subtitle())]
        blocks.append(Paragraph(self.instructions(), Tone.INTRO))
        blocks.append(Heading("The network"))
        blocks += network_blocks(self.w, digits, after=False)
        columns = (
            Column("figure", role=CellRole.LABEL, width=0.2),
            Column("rule", width=0.5),
            Column("answer" if self.values is None else "value", Align.RIGHT, CellRole.ANSWER, 0.2),
        )
        for title, names in by_section(self.names, self.forms):
            # the figure's name as the answers file spells it (code); its rule typesets it
            rows = tuple((Words((Code(n),)), rule(self.forms[n]), self.answer(n)) for n in names)
            blocks += [Heading(title), Table(columns, rows)]
        return Document(tuple(blocks), digits)

    def subtitle(self) -> str:
        return f"Regenerate this sheet and its key: {self.regenerate}" if self.regenerate else ""

    def instructions(self) -> tuple[str | Code, ...]:
        if self.values is not None:
            return ("Every figure's value, to nine significant digits.",)
        return (
            "Work each figure out from the numbers of the network, in order; write it to the "
            "digits you like (it is judged at the precision written). To have it graded, fill "
            "in the YAML sheet (",
            Code("practice --worksheet"),
            ") and run ",
            Code("backprop-walkthrough check FILE"),
            ".",
        )

    def yaml(self, scenario: str | Mapping[str, Any]) -> str:
        """The answers file ``check`` grades: every figure with its rule, blank (or filled)."""
        lines = [
            f"# {self.heading}: fill in each figure (a number, or arithmetic such as "
            "0.5933*(1-0.5933)),",
            "# then grade it: backprop-walkthrough check THIS-FILE.yaml",
        ]
        if self.regenerate:
            lines.append(f"# {self.subtitle()}")
        lines += [yaml_scenario(scenario), "answers:"]
        for name in self.names:
            text = cell_text(rule(self.forms[name]))
            value = self.answer(name, typographic=False)
            lines.append(f'  "{name}": {value}'.rstrip() + f"    # {text}")
        return "\n".join(lines) + "\n"


def render_worksheet(
    sheet: Sheet, scenario: str | Mapping[str, Any], output_format: str, paper: str = "a4"
) -> str:
    """The sheet in one of :data:`FORMATS` (``paper``: the LaTeX page, a4 or letter)."""
    from .writers import write

    if output_format == "yaml":
        return sheet.yaml(scenario)
    return write(sheet.document()._replace(paper=paper), output_format)


def yaml_scenario(scenario: str | Mapping[str, Any]) -> str:
    import yaml

    if isinstance(scenario, str):
        return f"scenario: {scenario}"
    dumped = yaml.safe_dump({"scenario": dict(scenario)}, sort_keys=False, allow_unicode=True)
    return dumped.rstrip()
