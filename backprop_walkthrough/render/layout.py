"""The one walk over a walkthrough: the model in, presentation blocks out.

Every title, every sentence and every decision about what is shown lives here: the order of the
sections, how a chain nests inside a sum, where a note on a published figure goes, which neurons
of a big layer are summarised in a table (``full`` shows them all), how the update and the
comparisons are tabulated. The writers (terminal, Markdown, LaTeX, HTML) only write the blocks,
so that a new view is new layout rules and, at most, a new block type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping

import sympy as sp

from .. import ops
from ..model import (
    Chain,
    Comparison,
    FigureKey,
    Gradient,
    Overview,
    Section,
    SectionKind,
    Shake,
    Step,
    StepVisitor,
    Sum,
    Term,
    Update,
    Walkthrough,
    path_tag,
    steps_of,
)
from ..scenario.types import Scenario
from .blocks import (
    Align,
    Aside,
    Block,
    Cell,
    CellRole,
    Check,
    Code,
    Column,
    Document,
    Equations,
    Formula,
    Heading,
    Inline,
    Joined,
    Mark,
    Note,
    Number,
    Paragraph,
    Picture,
    Prose,
    Role,
    Row,
    Table,
    Tables,
    Title,
    Tone,
    Words,
)
from .names import figure_formula, scenario_names, typeset
from .numbers import format_decimals, format_given, format_operand, format_value
from .printing import to_text
from .scenario_tables import data_table, example_data, parameter_summary, parameter_table
from .shake import shake_check, shake_notes, shaken_error, verdict_mark
from .update_tables import UPDATE_RULE, comparison_table, update_table

#: A network with a layer of more neurons than this is big: each layer shows its first neuron
#: in part and the others in tables (``--full`` shows every one), and it is drawn by its shape.
COMPACT_ABOVE = 4
#: In a big network, the first neuron of a layer shows this many of its weights' chains in full.
FULL_WEIGHTS = 2
#: In a big network, a sum shows this many of its terms worked out (the others by value).
FULL_TERMS = 2
#: A section title lists at most this many weight names (w1 … w64: 64 weights otherwise).
LISTED_NAMES = 8
#: In place of a value that a double cannot hold (a factor of a chain at extreme saturation).
BEYOND_RANGE = "beyond double range"
NUMBER = CellRole.NUMBER


def lay_out(walkthrough: Walkthrough, digits: int = 9, full: bool = False) -> Document:
    """The blocks of ``walkthrough``: ``digits`` decimals; ``full`` shows big layers in full."""
    return Document(tuple(_Layout(walkthrough, digits, full).blocks()), digits)


def network_blocks(
    walkthrough: Walkthrough, digits: int = 9, after: bool = True, drawing: bool = True
) -> list[Block]:
    """The network with all its numbers, as the walkthrough's first section shows it: the
    parameters and the data (η, the loss), the drawing and the activations. A worksheet's head
    and a practice session show the same blocks (``after=False``: not the updated network,
    which would give the answers away; ``drawing=False``: the tables alone, for a screen)."""
    step = next(steps_of(walkthrough.sections, Overview), None)
    if step is None:
        return []
    blocks = _Layout(walkthrough, digits, False).overview(step, after)
    return [b for b in blocks if drawing or not isinstance(b, Picture)]


def compacted_neurons(scenario: Scenario, full: bool) -> frozenset[str]:
    """The neurons whose steps go into a summary table instead of being shown in full: in a
    big network (a layer of more than :data:`COMPACT_ABOVE` neurons), every layer but the
    first neuron of each — the output layer too, or its chains alone would fill pages."""
    big = any(len(layer.neurons) > COMPACT_ABOVE for layer in scenario.layers)
    if full or not big:
        return frozenset()
    return frozenset(neuron for layer in scenario.layers[1:] for neuron in layer.neurons[1:])


#: An exact closed form longer than this is not printed in the table.
EXACT_WIDTH = 40


class _Layout(StepVisitor):
    strict = True

    def __init__(self, walkthrough: Walkthrough, digits: int, full: bool) -> None:
        self.w = walkthrough
        self.digits = digits
        self.compacted = compacted_neurons(walkthrough.scenario, full)
        # In a big network, the first neuron of each layer shows its first weights' chains
        # in full; its other weights' go in the table with the other neurons'.
        scenario = walkthrough.scenario
        self.weights = {w.name for w in scenario.weights}
        self.names = scenario_names(scenario)  # typeset wherever the prose names them
        self.full_weights = {
            w.name
            for layer in scenario.layers[1:]
            for w in [x for x in scenario.weights if x.target == layer.neurons[0]][:FULL_WEIGHTS]
        }

    # numbers as text (tables and sentences; formulas keep theirs as numbers) ---------------

    def value(self, value: float) -> str:
        return format_value(value, self.digits, typographic=True)

    def operand(self, value: float) -> str:
        return format_operand(value, self.digits, typographic=True)

    # the walk ----------------------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        scenario = self.w.scenario
        yield Title(f"Backpropagation, step by step — {scenario.name}", scenario.description)
        for section in self.w.sections:
            yield Heading(self.title(section))
            intro = self.intro(section)
            if intro:
                yield Paragraph(intro, Tone.INTRO)
            yield from self.section(section)
        if self.w.exact is not None:
            yield from self.exact_values(self.w.exact)

    def exact_values(self, exact: Mapping[str, sp.Expr]) -> Iterator[Block]:
        """``--exact``: each figure's closed form beside its decimal; a form too long to read
        (a sigmoid's, a few layers in) is left to the JSON."""
        yield Heading("Exact values")
        yield Paragraph(
            (
                "The scenario's numbers read as the decimals they are written as (0.15 is "
                "3/20), every figure recomputed exactly from its formula and simplified where "
                "that is quick.",
            ),
            Tone.INTRO,
        )
        rows = []
        for name, expr in exact.items():
            length = len(to_text(expr))
            shown: Cell = Formula(expr)
            if length > EXACT_WIDTH:
                shown = Words((f"… {length:,} characters (", Code("--format json"), " has it)"))
            rows.append(
                (figure_formula(FigureKey.parse(name)), shown, self.value(float(expr.evalf(30))))
            )
        columns = (
            Column("figure", role=CellRole.LABEL),
            Column("exactly"),
            Column("≈", Align.RIGHT, CellRole.VALUE),
        )
        yield Table(columns, tuple(rows))

    def title(self, section: Section) -> str:
        kind = section.kind
        if kind == SectionKind.FORWARD:
            return "Forward pass" + (
                f" — example {section.example}" if section.example is not None else ""
            )
        if kind == SectionKind.GRADIENTS:
            return self.weights_title(section.layer or 0)
        return {
            SectionKind.NETWORK: "The network",
            SectionKind.ERROR: "The error",
            SectionKind.BIASES: "Biases",
            SectionKind.UPDATE: "The update",
            SectionKind.PUBLISHED: "Checked against the published figures",
        }[kind]

    def weights_title(self, layer: int) -> str:
        scenario = self.w.scenario
        last = len(scenario.layers) - 1
        names = [w.name for w in scenario.weights if w.target in scenario.layers[layer].neurons]
        listed = ", ".join(names)
        if len(names) > LISTED_NAMES:
            listed = f"{names[0]} … {names[-1]}: {len(names)} weights"
        if layer == last:
            return f"Output-layer weights ({listed})"
        if last == 2:
            return f"Hidden-layer weights ({listed})"
        return f"Hidden layer {layer} weights ({listed})"

    def intro(self, section: Section) -> Prose:
        scenario = self.w.scenario
        kind = section.kind
        if kind == SectionKind.FORWARD and section.example is not None:
            return example_data(self.w.scenario, section.example)
        if kind == SectionKind.ERROR:
            text = ops.loss(scenario.loss).description
            if scenario.is_batch:
                text += " For a batch, E_total is summed over the examples."
            return typeset(text, self.names)
        if kind == SectionKind.BIASES:
            return (
                "A bias is a weight on a constant input of 1. A bias shared by several neurons "
                "collects one term per neuron it feeds.",
            )
        if kind == SectionKind.UPDATE:
            rate = format_given(scenario.learning_rate, typographic=True)
            return (
                "Every parameter moves against its gradient: ",
                Formula(sp.Symbol("p⁺")),
                " = ",
                Formula(UPDATE_RULE, inline=True),
                " with ",
                Formula(sp.Symbol("eta")),
                f" = {rate}.",
            )
        return ()

    def section(self, section: Section) -> Iterator[Block]:
        if section.kind == SectionKind.NETWORK:
            for step in section.steps:
                if isinstance(step, Overview):
                    yield from self.overview(step)
            return
        if section.kind == SectionKind.PUBLISHED:
            yield self.comparisons([s for s in section.steps if isinstance(s, Comparison)])
            return
        if section.kind == SectionKind.UPDATE:
            yield from self.update(section)
            return
        if (
            section.kind == SectionKind.GRADIENTS
            and self.w.hidden_uses_updated_weights
            and section.layer != len(self.w.scenario.layers) - 1
        ):
            yield Note(
                (
                    Code("--hidden-uses-updated-weights"),
                    ": the weights of the next layer are substituted with their updated values, "
                    "as the post author's early code did. The shake checks show that this is "
                    "not the gradient of ",
                    Formula(sp.Symbol("E_total")),
                    ".",
                )
            )
        shown = [s for s in section.steps if not self.summarised(s)]
        summarised = [s for s in section.steps if self.summarised(s)]
        # The errors of a batch share one section: each says which example it belongs to.
        tagged = section.kind == SectionKind.ERROR
        definitions: list[Row | Note] = []  # consecutive definitions make one aligned block
        for step in shown:
            if isinstance(step, Term):
                definitions += self.definition(step, tagged)
                definitions += self.notes([step.key.at(step.example)])
                continue
            yield from self.grouped(definitions)
            definitions = []
            yield from self.step(step, tagged)
        yield from self.grouped(definitions)
        if summarised:
            yield from self.summary(summarised)

    def summarised(self, step: Step) -> bool:
        if not isinstance(step, (Term, Gradient)):
            return False
        if step.neuron in self.compacted:
            return True
        if not self.compacted or not isinstance(step, Gradient):
            return False
        return step.wrt in self.weights and step.wrt not in self.full_weights

    def step(self, step: Step, tagged: bool = False) -> Iterator[Block]:
        blocks: Iterator[Block] = self.visit(step, tagged)
        return blocks

    # one method per step type (StepVisitor: every type must have one) ---------------------

    def visit_overview(self, step: Overview, _tagged: bool) -> Iterator[Block]:
        yield from self.overview(step)

    def visit_term(self, step: Term, tagged: bool) -> Iterator[Block]:
        yield Equations(self.definition(step, tagged))
        yield from self.notes([step.key.at(step.example)])

    def visit_gradient(self, step: Gradient, _tagged: bool) -> Iterator[Block]:
        yield from self.grouped(self.derivation(step.derivation), gap=True)
        if step.shake is not None:
            yield self.check(step.shake)
            yield from self.shake_notes(step.shake)

    def visit_chain(self, step: Chain | Sum, _tagged: bool) -> Iterator[Block]:
        yield from self.grouped(self.derivation(step), gap=True)

    visit_sum = visit_chain

    def visit_update(self, step: Update, _tagged: bool) -> Iterator[Block]:
        yield from self.updates([step])

    def visit_comparison(self, step: Comparison, _tagged: bool) -> Iterator[Block]:
        yield self.comparisons([step])

    # formulas ---------------------------------------------------------------------------

    @staticmethod
    def definition(term: Term, tagged: bool = False) -> tuple[Row, ...]:
        tag = f"example {term.example}" if tagged and term.example is not None else ""
        return (
            Row(Role.DEFINITION, Formula(term.label, tag=tag), (Formula(term.expr),)),
            Row(Role.CONTINUATION, None, (Formula(term.expr, term.substitutions),)),
            Row(Role.CONTINUATION, None, (Number(term.value),)),
        )

    def derivation(self, step: Chain | Sum, depth: int = 0) -> Iterator[Row | Note]:
        """The rows of a chain or a sum, nested sums one level deeper, notes where they belong."""
        label = Formula(step.label, tag=path_tag(step))
        if isinstance(step, Chain):
            factors = step.factors
            yield Row(
                Role.STATEMENT,
                label,
                (Joined(tuple(Formula(f.label) for f in factors), "×"),),
                depth,
            )
            for f in factors:
                symbolic = Aside("from above") if f.reference else Formula(f.expr)
                sides = (symbolic, Formula(f.expr, f.substitutions), self.factor_value(f))
                yield Row(Role.FACTOR, Formula(f.label), sides, depth)
            values = Joined(tuple(self.factor_value(f, True) for f in factors), "×")
            if step.fused is None:
                yield Row(Role.STATEMENT, label, (values, Number(step.value)), depth)
            else:
                yield from self.fused(step, step.fused, values, depth)
            keys = [step.key] + [f.key for f in factors if not f.reference]
            yield from self.notes([k.at(step.example) for k in keys], depth)
            return
        terms = Joined(tuple(Formula(t.label, tag=path_tag(t)) for t in step.terms), "+")
        yield Row(Role.STATEMENT, label, (terms,), depth)
        # in a big network, the first terms worked out, the others (same rule) by value
        shown = len(step.terms) if not self.compacted else FULL_TERMS
        later: list[Note] = []  # the terms' notes, after the sum (not cutting it off)
        for term in step.terms[:shown]:
            for item in self.derivation(term, depth + 1):
                if isinstance(item, Note):
                    later.append(item._replace(depth=depth))
                else:
                    yield item
        for term in step.terms[shown:]:
            tagged = Formula(term.label, tag=path_tag(term))
            yield Row(Role.STATEMENT, tagged, (Number(term.value),), depth + 1)
        sums = Joined(tuple(Number(t.value, in_product=True) for t in step.terms), "+")
        yield Row(Role.STATEMENT, label, (sums, Number(step.value)), depth)
        for form in step.simplified:
            yield Row(Role.STATEMENT, label, (Formula(form.expr),), depth, aside="SymPy")
        if step.simplified:
            last = step.simplified[-1]
            result = (Formula(last.expr, last.substitutions), Number(last.value))
            yield Row(Role.STATEMENT, label, result, depth)
        yield from later
        yield from self.notes([step.key.at(step.example)], depth)

    @staticmethod
    def factor_value(factor: Term, in_product: bool = False) -> Number | Aside:
        """A factor's value, or words where it lies beyond the range of a double (NaN)."""
        if math.isnan(factor.value):
            return Aside(BEYOND_RANGE)
        return Number(factor.value, in_product)

    def fused(self, step: Chain, fused: Term, values: Joined, depth: int) -> Iterator[Row | Note]:
        """A chain whose factors cannot be multiplied in doubles: SymPy's cancelled form."""
        label = Formula(step.label, tag=path_tag(step))
        yield Row(Role.STATEMENT, label, (values,), depth)
        yield Row(Role.STATEMENT, label, (Formula(fused.expr),), depth, aside="SymPy")
        result = (Formula(fused.expr, fused.substitutions), Number(step.value))
        yield Row(Role.STATEMENT, label, result, depth)
        yield Note(
            (
                "An output this saturated takes a factor beyond the range of a double (about "
                "1e±308): 0 × ∞ has no value. SymPy cancels the product of the factors' formulas "
                "into the form above, which is what is computed.",
            ),
            depth,
        )

    @staticmethod
    def grouped(items: Iterable[Row | Note], gap: bool = False) -> Iterator[Block]:
        """Consecutive rows as one equation block; a note between them splits it."""
        rows: list[Row] = []
        for item in items:
            if isinstance(item, Row):
                rows.append(item)
                continue
            if rows:
                yield Equations(tuple(rows), gap)
                rows, gap = [], False
            yield item
        if rows:
            yield Equations(tuple(rows), gap)

    def check(self, shake: Shake) -> Check:
        return shake_check(shake, "E_total", shaken_error, self.value)

    @staticmethod
    def verdict(shake: Shake, short: bool = False) -> Mark:
        return verdict_mark(shake, short)

    @staticmethod
    def shake_notes(shake: Shake) -> Iterator[Note]:
        return shake_notes(shake, "E_total")

    # notes on published figures -----------------------------------------------------------

    def notes(self, keys: Iterable[FigureKey], depth: int = 0) -> Iterator[Note]:
        for key in dict.fromkeys(keys):
            comparison = self.w.comparison(key)
            if comparison is None or comparison.agrees:
                continue
            published = format_decimals(comparison.published, comparison.decimals, True)
            text: list[Inline] = [
                f"The published source prints {published} for ",
                figure_formula(key),
                f"; computed: {self.value(comparison.computed)}.",
            ]
            if comparison.moved_by_option:
                text += [
                    " Why: expected here: ",
                    Code("--hidden-uses-updated-weights"),
                    " changes the hidden-layer gradients",
                ]
            elif comparison.why:
                text += typeset(f" Why: {comparison.why}", self.names)
            yield Note(tuple(text), depth)

    # the network ------------------------------------------------------------------------

    def overview(self, step: Overview, after: bool = True) -> Iterator[Block]:
        """The network with all its numbers; ``after``: drawn after the update as well."""
        s = step.scenario
        parameters = (
            parameter_summary(s, self.operand)
            if self.compacted
            else parameter_table(s, self.operand)
        )
        yield Tables((parameters, data_table(s, self.operand)))
        if s.init:
            yield Paragraph((f"({s.init})",), Tone.QUIET)
        if max(len(layer.neurons) for layer in s.layers) <= COMPACT_ABOVE:
            before = {p.name: p.value for p in s.parameters}
            states: tuple[tuple[str, Mapping[str, float]], ...] = (("before the update", before),)
            if after:
                states += (("after one update", dict(self.w.updated)),)
            yield Picture(s, states, gap=True)
        else:  # too wide to label: the shape in a line, and (on a page) a compact drawing
            sizes = [f"{len(layer.neurons)} {layer.activation or 'inputs'}" for layer in s.layers]
            yield Paragraph(("layers: " + " → ".join(sizes),), Tone.QUIET, gap=True)
            yield Picture(s, (("the network's shape", {}),), compact=True)
        for name, function, definition in step.activations:
            layers = ", ".join(
                f"layer {i}" for i, layer in enumerate(s.layers) if layer.activation == name
            )
            row = Row(
                Role.STATEMENT,
                Formula(function),
                (Formula(definition),),
                aside=f"activation of {layers}",
            )
            yield Equations((row,), gap=True)

    # big layers -----------------------------------------------------------------------------

    def summary(self, steps: list[Step]) -> Iterator[Table]:
        """The steps of the neurons not shown in full: values and shake checks in tables."""
        terms = [s for s in steps if isinstance(s, Term)]
        gradients = [s for s in steps if isinstance(s, Gradient)]
        batch = self.w.scenario.is_batch
        gap = True
        if terms:
            kinds: list[str] = []
            values: dict[tuple[str, int | None], dict[str, float]] = {}
            for term in terms:
                kind = term.key.name.split("_", 1)[0]
                if kind not in kinds:
                    kinds.append(kind)
                values.setdefault((term.neuron or "", term.example), {})[kind] = term.value
            columns = [Column("neuron", role=CellRole.LABEL)]
            if batch:
                columns.append(Column("example", Align.RIGHT))
            columns += [Column(kind, Align.RIGHT, CellRole.VALUE) for kind in kinds]
            rows = []
            for (neuron, example), by_kind in values.items():
                cells = [neuron] + ([str(example)] if batch else [])
                cells += [self.value(by_kind[k]) if k in by_kind else "" for k in kinds]
                rows.append(tuple(cells))
            yield Table(tuple(columns), tuple(rows), "The other neurons of the layer", gap)
            gap = False
        if gradients:
            columns = [
                Column("derivative", role=CellRole.LABEL),
                Column("derived", Align.RIGHT, CellRole.VALUE),
                Column("shaken", Align.RIGHT),
                Column(""),
            ]
            grows = []
            for g in gradients:
                tag = path_tag(g.derivation)
                label = Formula(g.derivation.label, tag=tag, inline=True)
                shaken: str = ""
                mark: str | Mark = ""
                if g.shake is not None:
                    shaken = self.value(g.shake.numeric)
                    mark = self.verdict(g.shake, short=True)
                grows.append((label, self.value(g.derivation.value), shaken, mark))
            title = "The other neurons' derivatives (--full shows every factor)"
            yield Table(tuple(columns), tuple(grows), title, gap)

    # the update and the comparisons -------------------------------------------------------------

    def update(self, section: Section) -> Iterator[Block]:
        updates = [s for s in section.steps if isinstance(s, Update)]
        if any(u.bias and not u.applied for u in updates):
            yield Note(("The biases stay fixed (", Code("update_biases: false"), ")."))
        if self.compacted:
            first = self.first_neuron_parameters()
            shown = [u for u in updates if u.parameter in first]
            yield from self.updates(shown)
            yield Paragraph(
                (
                    f"… and {len(updates) - len(shown)} more parameters: ",
                    Code("--full"),
                    " shows every update, ",
                    Code("--format json"),
                    " every value.",
                ),
                Tone.QUIET,
            )
        else:
            yield from self.updates(updates)
        for step in section.steps:
            if isinstance(step, Term):
                definition = self.definition(step)
                yield Equations(definition, gap=True)
                yield from self.notes([step.key])

    def first_neuron_parameters(self) -> set[str]:
        s = self.w.scenario
        return {w.name for w in s.weights if w.target not in self.compacted} | {
            b.name for b in s.biases if b.targets[0] not in self.compacted
        }

    def updates(self, updates: list[Update]) -> Iterator[Block]:
        yield update_table(updates, self.value, self.operand)
        yield from self.notes([FigureKey.update(u.parameter) for u in updates])

    def comparisons(self, comparisons: list[Comparison]) -> Table:
        return comparison_table(comparisons)
