"""The walkthrough in a terminal, with Rich: one renderable per step type.

:class:`TerminalView` is a Rich renderable (``console.print(TerminalView(walkthrough))``). Piped,
or with ``NO_COLOR``, Rich drops the colours and the same content comes out as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..model import (
    Chain,
    Comparison,
    Gradient,
    Note,
    Overview,
    Section,
    Shake,
    Step,
    Sum,
    Term,
    Update,
    Walkthrough,
)
from ..scenario import Bias, Scenario, Weight
from .aligned import aligned, cell_len
from .compact import COMPACT_ABOVE, compacted_neurons, split_steps, term_rows
from .drawing import draw_network
from .printing import format_operand, format_value, to_text

LABEL = "bold cyan"
VALUE = "bold green"
NUMBERS = "yellow"
DIM = "dim"


class TerminalView:
    """Renders a :class:`Walkthrough` section by section."""

    def __init__(self, walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> None:
        self.walkthrough = walkthrough
        self.digits = digits
        self.full = full
        self.compacted = compacted_neurons(walkthrough.scenario, full)
        self.width = 100  # set from the console at render time

    def title(self) -> Panel:
        w = self.walkthrough
        title = Text(f"Backpropagation, step by step — {w.scenario.name}", style="bold")
        if w.scenario.description:
            title.append(f"\n{w.scenario.description}", style="italic")
        return Panel(title, expand=False)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.width = options.max_width
        w = self.walkthrough
        yield self.title()
        for section in w.sections:
            yield from self.section(section)

    def section(self, section: Section) -> Iterator[RenderableType]:
        yield Text()
        yield Rule(Text(section.title, style="bold magenta"), align="left")
        if section.intro:
            yield Text(section.intro, style="italic")
        if section.kind == "published":
            yield self.comparisons([s for s in section.steps if isinstance(s, Comparison)])
            return
        if section.kind == "update":
            updates = [s for s in section.steps if isinstance(s, Update)]
            for note in section.steps:
                if isinstance(note, Note):
                    yield self.note(note.text)
            if self.compacted:
                first = [u for u in updates if u.parameter in self.first_neuron_parameters()]
                yield self.updates(first)
                yield Text(
                    f"… and {len(updates) - len(first)} more parameters: --full shows "
                    "every update, --format json every value.",
                    style=DIM,
                )
            else:
                yield self.updates(updates)
            for step in section.steps:
                if isinstance(step, Term):
                    yield Text()
                    yield from self.step(step)
            return
        shown, summarised = split_steps(section.steps, self.compacted)
        yield from self.joined(r for shown_step in shown for r in self.step(shown_step))
        if summarised:
            yield Text()
            yield self.summary(summarised)

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

    # dispatch on the step type -----------------------------------------------------------

    def step(self, step: Step) -> Iterator[RenderableType]:
        if isinstance(step, Overview):
            yield from self.overview(step)
        elif isinstance(step, Term):
            yield self.definition(step)
            yield from self.notes_for([step.key])
        elif isinstance(step, Gradient):
            yield Text()
            yield from self.gradient(step)
        elif isinstance(step, (Chain, Sum)):
            yield from self.derivation(step)
        elif isinstance(step, Note):
            yield self.note(step.text)
        elif isinstance(step, Update):
            yield self.updates([step])
        elif isinstance(step, Comparison):
            yield self.comparisons([step])
        else:  # pragma: no cover - the meta-test checks every step type is handled
            raise TypeError(f"no terminal rendering for {type(step).__name__}")

    # numbers and formulas ------------------------------------------------------------------

    def value(self, value: float) -> str:
        return format_value(value, self.digits).replace("-", "−")

    def operand(self, value: float) -> str:
        return format_operand(value, self.digits).replace("-", "−")

    def parenthesised(self, value: float) -> str:
        """A value inside a product or sum: negative ones in parentheses."""
        text = self.value(value)
        return f"({text})" if value < 0 else text

    def text(self, expr: Any, substitutions: Mapping[Any, float] | None = None) -> str:
        return to_text(expr, substitutions, self.digits)

    # the network ---------------------------------------------------------------------------

    def overview(self, step: Overview) -> Iterator[RenderableType]:
        s = step.scenario
        params = Table(title="Parameters", title_justify="left", show_edge=False)
        params.add_column("name", style=LABEL)
        params.add_column("connection")
        params.add_column("value", justify="right", style=NUMBERS)
        for w in s.weights:
            params.add_row(w.name, f"{w.source} → {w.target}", self.operand(w.value))
        for b in s.biases:
            shared = " (shared)" if len(b.targets) > 1 else ""
            params.add_row(b.name, f"1 → {', '.join(b.targets)}{shared}", self.operand(b.value))

        data = Table(title="Data", title_justify="left", show_edge=False)
        data.add_column("", style=LABEL)
        data.add_column("value", justify="right", style=NUMBERS)
        for name, value in s.inputs.items():
            data.add_row(f"input {name}", self.operand(value))
        for name, value in s.targets.items():
            data.add_row(f"target_{name}", self.operand(value))
        data.add_row("learning rate η", self.operand(s.learning_rate))
        data.add_row("loss", s.loss.replace("_", " "))
        data.add_row("update biases", "yes" if s.update_biases else "no")

        if self.compacted:
            params = self.parameter_summary(s)
        layout = Table.grid(padding=(0, 4))
        layout.add_row(params, data)
        yield layout
        if s.init:
            yield Text(f"({s.init})", style=DIM)
        yield Text()
        if max(len(layer.neurons) for layer in s.layers) <= COMPACT_ABOVE:
            yield Text(draw_network(s))
        else:  # too wide to draw: the shape in one line
            sizes = [f"{len(layer.neurons)} {layer.activation or 'inputs'}" for layer in s.layers]
            yield Text("layers: " + " → ".join(sizes), style=DIM)
        for name, function, definition in step.activations:
            layers = ", ".join(
                f"layer {i}" for i, layer in enumerate(s.layers) if layer.activation == name
            )
            yield Text()
            yield Text.assemble(
                (self.text(function), LABEL),
                " = ",
                self.text(definition),
                (f"   (activation of {layers})", DIM),
            )

    def parameter_summary(self, s: Scenario) -> Table:
        """For a big network: one row per group of parameters, with their range."""
        table = Table(title="Parameters", title_justify="left", show_edge=False)
        table.add_column("parameters", style=LABEL)
        table.add_column("connect")
        table.add_column("values", justify="right", style=NUMBERS)
        groups: dict[str, list[Weight | Bias]] = {}
        for w in s.weights:
            groups.setdefault(f"{self.layer_of(w.source)} → {self.layer_of(w.target)}", []).append(
                w
            )
        for b in s.biases:
            groups.setdefault(f"1 → {self.layer_of(b.targets[0])}", []).append(b)
        for connects, params in groups.items():
            values = [p.value for p in params]
            names = params[0].name if len(params) == 1 else f"{params[0].name} … {params[-1].name}"
            table.add_row(
                f"{names} ({len(params)})",
                connects,
                f"{self.operand(min(values))} … {self.operand(max(values))}",
            )
        return table

    def layer_of(self, neuron: str) -> str:
        for index, layer in enumerate(self.walkthrough.scenario.layers):
            if neuron in layer.neurons:
                return f"layer {index}"
        return "?"

    def first_neuron_parameters(self) -> set[str]:
        s = self.walkthrough.scenario
        return {w.name for w in s.weights if w.target not in self.compacted} | {
            b.name for b in s.biases if b.targets[0] not in self.compacted
        }

    def summary(self, steps: list[Step]) -> Table | Group:
        """The steps of the neurons not shown in full: values and shake checks in a table."""
        terms = [s for s in steps if isinstance(s, Term)]
        gradients = [s for s in steps if isinstance(s, Gradient)]
        parts: list[RenderableType] = []
        batch = self.walkthrough.scenario.is_batch
        if terms:
            kinds, rows = term_rows(terms)
            table = Table(
                title="The other neurons of the layer", title_justify="left", show_edge=False
            )
            table.add_column("neuron", style=LABEL)
            if batch:
                table.add_column("example", justify="right")
            for kind in kinds:
                table.add_column(kind, justify="right", style=VALUE)
            for neuron, example, *values in rows:
                cells = [str(neuron)] + ([str(example)] if batch else [])
                cells += ["" if v is None else self.value(v) for v in values]  # type: ignore[arg-type]
                table.add_row(*cells)
            parts.append(table)
        if gradients:
            table = Table(
                title="The other neurons' derivatives (--full shows every factor)",
                title_justify="left",
                show_edge=False,
            )
            table.add_column("derivative", style=LABEL)
            table.add_column("derived", justify="right", style=VALUE)
            table.add_column("shaken", justify="right")
            table.add_column("")
            for g in gradients:
                label = self.text(g.derivation.label) + self.tag(g.derivation)
                shaken, mark = "", Text("")
                if g.shake is not None:
                    shaken = self.value(g.shake.numeric)
                    mark = (
                        Text("✓", style="bold green")
                        if g.shake.agrees
                        else Text("✗", style="bold red")
                    )
                table.add_row(label, self.value(g.derivation.value), shaken, mark)
            parts.append(table)
        return Group(*parts) if len(parts) > 1 else parts[0]  # type: ignore[return-value]

    # formulas: label = symbolic = substituted = value ------------------------------------

    def definition(self, term: Term) -> Text | Table:
        label = self.text(term.label)
        if term.example is not None and term.key.startswith("E_"):
            label += f" (example {term.example})"  # errors of a batch share one section
        rows: list[list[Text | str]] = [
            [label, "=", self.text(term.expr)],
            ["", "=", Text(self.text(term.expr, term.substitutions), style=NUMBERS)],
            ["", "=", Text(self.value(term.value), style=VALUE)],
        ]
        text = aligned(rows, styles=[LABEL])
        if max(cell_len(line) for line in text.plain.splitlines()) <= self.width:
            return text
        # Too long for one line (a wide layer's net): a grid wraps it under its own column.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style=LABEL)
        grid.add_column()
        grid.add_column()
        for row in rows:
            grid.add_row(*row)
        return grid

    def factor_table(self, factors: Iterable[Term], indent: int = 2) -> Text:
        """label = symbolic = substituted = value, one factor a row; stacked when too wide."""
        rows: list[tuple[str, Text, Text, Text]] = []
        for f in factors:
            symbolic = Text("(from above)", style=DIM) if f.reference else Text(self.text(f.expr))
            substituted = Text(self.text(f.expr, f.substitutions), style=NUMBERS)
            value = Text(self.value(f.value), style=VALUE)
            rows.append((self.text(f.label), symbolic, substituted, value))
        widths = [max(cell_len(str(row[i])) for row in rows) for i in range(4)]
        if sum(widths) + 3 * 3 + indent <= self.width:
            lines: list[list[Text | str]] = [
                [label, "=", symbolic, "=", substituted, "=", value]
                for label, symbolic, substituted, value in rows
            ]
            return aligned(lines, right=(0, 6), indent=indent, styles=[LABEL])
        # Narrow terminal: the substituted form and the value go on a line of their own.
        lines = []
        for label, symbolic, substituted, value in rows:
            lines.append([label, "=", symbolic])
            lines.append(["", "=", substituted, "=", value])
        return aligned(lines, right=(0,), indent=indent, styles=[LABEL])

    @staticmethod
    def tag(step: Chain | Sum | Term) -> str:
        """What distinguishes one term of a sum from the others: its path or its example."""
        parts = []
        if getattr(step, "via", None):
            parts.append(f"via {step.via}")  # type: ignore[union-attr]
        if step.example is not None:
            parts.append(f"example {step.example}")
        return f" ({', '.join(parts)})" if parts else ""

    def line(self, indent: int, *parts: str | tuple[str, str]) -> Text:
        """One line of a derivation, indented by its nesting in sums."""
        return Text.assemble(" " * indent, *parts)

    def chain_lines(self, chain: Chain, indent: int = 0) -> Iterator[RenderableType]:
        label = self.text(chain.label)
        tag = self.tag(chain)
        factors = " × ".join(self.text(f.label) for f in chain.factors)
        yield self.line(indent, (label, LABEL), (tag, LABEL), " = ", factors)
        yield self.factor_table(chain.factors, indent + 2)
        values = " × ".join(self.parenthesised(f.value) for f in chain.factors)
        yield self.line(
            indent,
            (label, LABEL),
            (tag, LABEL),
            " = ",
            (values, NUMBERS),
            " = ",
            (self.value(chain.value), VALUE),
        )
        keys = [chain.key] + [f.key for f in chain.factors if not f.reference]
        yield from self.notes_for(keys, indent)

    def derivation(self, step: Chain | Sum, indent: int = 0) -> Iterator[RenderableType]:
        if isinstance(step, Chain):
            yield from self.chain_lines(step, indent)
            return
        label = self.text(step.label)
        tag = self.tag(step)
        terms = " + ".join(self.text(t.label) + self.tag(t) for t in step.terms)
        yield self.line(indent, (label, LABEL), (tag, LABEL), " = ", terms)
        for term in step.terms:
            yield from self.derivation(term, indent + 4)
        sums = " + ".join(self.parenthesised(t.value) for t in step.terms)
        yield self.line(
            indent,
            (label, LABEL),
            (tag, LABEL),
            " = ",
            (sums, NUMBERS),
            " = ",
            (self.value(step.value), VALUE),
        )
        for form in step.simplified:
            yield self.line(
                indent,
                (label, LABEL),
                (tag, LABEL),
                " = ",
                self.text(form.expr),
                ("   (SymPy)", DIM),
            )
        if step.simplified:
            last = step.simplified[-1]
            yield self.line(
                indent,
                (label, LABEL),
                (tag, LABEL),
                " = ",
                (self.text(last.expr, last.substitutions), NUMBERS),
                " = ",
                (self.value(last.value), VALUE),
            )
        yield from self.notes_for([step.key], indent)

    def gradient(self, step: Gradient) -> Iterator[RenderableType]:
        yield from self.derivation(step.derivation)
        if step.shake is not None:
            yield self.shake(step.shake)

    def shake(self, shake: Shake) -> Text:
        """The central difference, with E_total at full precision so the quotient checks out."""
        p = shake.wrt
        mark = ("✓ agrees", "bold green") if shake.agrees else ("✗ does not agree", "bold red")
        difference = f" (differs by {shake.difference:.1e})".replace("-", "−")
        rows: list[list[Text | str]] = [
            [
                Text("shake it", style="bold"),
                f"E_total({p} + h)",
                "=",
                Text(f"{shake.plus:.15f}", style=NUMBERS),
            ],
            [
                Text(f"h = {shake.h:g}", style=DIM),
                f"E_total({p} − h)",
                "=",
                Text(f"{shake.minus:.15f}", style=NUMBERS),
            ],
            ["", "(difference) / 2h", "=", Text(self.value(shake.numeric), style=VALUE)],
            [
                "",
                "derived",
                "=",
                Text.assemble((self.value(shake.symbolic), VALUE), "  ", mark, (difference, DIM)),
            ],
        ]
        return aligned(rows, right=(1,), indent=2)

    # notes, updates, comparisons --------------------------------------------------------

    def note(self, text: str) -> Panel:
        return Panel(
            Text(text), title="note", title_align="left", border_style="yellow", expand=False
        )

    def notes_for(self, keys: Iterable[str], indent: int = 0) -> Iterator[RenderableType]:
        for key in dict.fromkeys(keys):
            comparison = self.walkthrough.comparison(key)
            if comparison is None or comparison.agrees:
                continue
            text = (
                f"The published source prints "
                f"{comparison.published:.{comparison.decimals}f} ".replace("-", "−")
                + f"for {key}; computed: {self.value(comparison.computed)}."
            )
            if comparison.why:
                text += f" Why: {comparison.why}"
            yield Padding(self.note(text), (0, 0, 0, indent)) if indent else self.note(text)

    def updates(self, updates: list[Update]) -> Table:
        table = Table(show_edge=False)
        table.add_column("parameter", style=LABEL)
        table.add_column("p − η·∂E_total/∂p")
        table.add_column("new value", justify="right", style=VALUE)
        for u in updates:
            if u.applied:
                grad = self.operand(u.gradient)
                grad = f"({grad})" if u.gradient < 0 else grad
                formula = f"{self.operand(u.old)} − {self.operand(u.learning_rate)}·{grad}"
            else:
                gradient = self.value(u.gradient)
                formula = f"kept at {self.operand(u.old)} (∂E_total/∂{u.parameter} = {gradient})"
            table.add_row(u.parameter + "⁺", Text(formula, style=NUMBERS), self.value(u.new))
        notes = [n for u in updates for n in self.notes_for([f"new {u.parameter}"])]
        return Group(table, *notes) if notes else table  # type: ignore[return-value]

    def comparisons(self, comparisons: list[Comparison]) -> Table:
        table = Table(show_edge=False)
        table.add_column("figure", style=LABEL)
        table.add_column("published", justify="right")
        table.add_column("computed", justify="right", style=VALUE)
        table.add_column("")
        for c in comparisons:
            mark = (
                Text("✓ agrees", style="green")
                if c.agrees
                else Text("✗ differs (see the note above)", style="red")
            )
            table.add_row(
                c.key,
                f"{c.published:.{c.decimals}f}".replace("-", "−"),
                self.value(c.computed),
                mark,
            )
        return table


def render_terminal(
    walkthrough: Walkthrough, console: Console, digits: int = 9, full: bool = False
) -> None:
    console.print(TerminalView(walkthrough, digits, full))
