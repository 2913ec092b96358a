"""Every figure of a walkthrough as a *recipe*: how it follows from earlier figures, and the
known mistaken ways a learner makes it instead.

A forward value follows from its formula, a chain from its factors, a sum from its terms, an
update from its gradient, E_total_after from the updated parameters. Each recipe, and each
mistaken way, is a tree (:mod:`.program`) that reads the figures it needs from a *view*
(figure name → the learner's value, or what their earlier values give), so the grader
(:mod:`.grade`) can recompute any figure from the learner's own numbers — and the practice page
can, in the browser, from the same trees.

Each figure also has a :class:`Form` — its rule as the walkthrough writes it — for hints, the
worksheet and the explanation of a mistake no rule names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import sympy as sp

from ... import ops
from ...model import (
    E_TOTAL_AFTER_KEY,
    E_TOTAL_KEY,
    Chain,
    FigureKey,
    Gradient,
    Section,
    SectionKind,
    StepVisitor,
    Sum,
    Term,
    Update,
    Walkthrough,
    path_tag,
)
from ..scalar.calculus import derivative
from ..scalar.network import E_TOTAL
from .program import Interpreter, Tree, View, tree_of

#: The learning rate's symbol in an update's rule.
ETA = sp.Symbol("eta")


class Part(NamedTuple):
    """One factor of a chain or one term of a sum: its figure, its label and its tag."""

    figure: str
    label: sp.Basic
    tag: str = ""  # via h1, example 2


class Form(NamedTuple):
    """How a figure is written, for hints and worksheets: ``label = expr`` (a Term's or an
    update's formula), or the parts it multiplies or adds (a chain's factors, a sum's terms),
    or words where neither fits (E_total after the update)."""

    label: sp.Basic
    expr: sp.Basic | None = None
    substitutions: Mapping[sp.Basic, float] = {}
    parts: tuple[Part, ...] = ()
    operator: str = "×"
    section: str = ""  # forward, output, hidden, biases, update
    tag: str = ""  # via h1, example 2, kept
    words: str = ""


class Slip(NamedTuple):
    """One mistaken way to make a figure: ``tree`` times ``scale``. A slip with a scale
    multiplies the right value (a sign, a lost ½), so it can be made on top of another slip."""

    mistake: str
    tree: Tree
    scale: float | None = None


class Recipe(NamedTuple):
    """How a figure follows from earlier ones: ``tree``, reading the figures ``inputs``."""

    inputs: tuple[str, ...]
    tree: Tree
    slips: tuple[Slip, ...] = ()


class Recipes(StepVisitor):
    """Every figure of a walkthrough, in derivation order: ``recipes`` and ``forms``."""

    def __init__(self, w: Walkthrough) -> None:
        self.w = w
        self.recipes: dict[str, Recipe] = {}
        self.forms: dict[str, Form] = {}
        self.seen: dict[tuple[sp.Basic, int | None], str] = {}  # a formula → its first figure
        self.relabel = _other_labelling(w)
        self.current = ""
        self.last_layer = len(w.scenario.layers) - 1
        self.expected: dict[str, float] = {str(k): v for k, v in w.figures.items()}
        self.parameters = {p.name for p in w.scenario.parameters}
        record = ops.loss(w.scenario.loss)
        self.half_squared = record.halved
        self.summed = record.sums_outputs
        for section in w.sections:
            self.section(section)
        after = str(E_TOTAL_AFTER_KEY)
        if after in self.expected:
            self.recipes[after] = self.after()
            self.forms[after] = Form(
                sp.Symbol("E_total⁺"),
                words="the forward pass again, with every new parameter",
                section="update",
            )
        # E_total_after runs the forward figures' trees again: the interpreter knows them
        forward = [
            (n, self.recipes[n].tree) for n, f in self.forms.items() if f.section == "forward"
        ]
        self.interpreter = Interpreter(forward, str(E_TOTAL_KEY))

    # the walk -----------------------------------------------------------------------------

    def section(self, section: Section) -> None:
        self.current = {
            SectionKind.FORWARD: "forward",
            SectionKind.ERROR: "forward",
            SectionKind.BIASES: "biases",
            SectionKind.UPDATE: "update",
        }.get(section.kind, "output" if section.layer == self.last_layer else "hidden")
        for step in section.steps:
            self.visit(step, section.kind)

    def visit_term(self, step: Term, kind: SectionKind) -> None:
        if kind is not SectionKind.UPDATE:  # E_total after the update: see after()
            self.term(step, kind)

    def visit_gradient(self, step: Gradient, _kind: SectionKind) -> None:
        self.derivation(step.derivation)

    def visit_update(self, step: Update, _kind: SectionKind) -> None:
        self.update(step)

    def add(self, key: FigureKey, recipe: Recipe, form: Form) -> None:
        name = str(key)
        if name in self.expected and name not in self.recipes:
            self.recipes[name] = recipe
            self.forms[name] = form._replace(section=self.current)

    def leaf(self, symbol: sp.Symbol, value: float, example: int | None) -> Tree:
        """A symbol of a formula: an earlier figure, a parameter, or a constant (an input)."""
        name = _at(symbol.name, example)
        if name in self.expected:
            return ["f", name]
        if symbol.name in self.parameters:
            return ["p", symbol.name, value]
        return ["c", value]

    def term(self, term: Term, kind: SectionKind | None = None) -> None:
        if term.reference or str(term.key) in self.recipes:
            return
        example = term.key.example
        form = Form(term.label, term.expr, term.substitutions)
        same = self.seen.get((term.expr, example))
        if same is not None:  # dE_o1/dout_o1 is dE_total/dout_o1 again: one figure, two names
            self.add(term.key, Recipe((same,), ["f", same]), form)
            return
        self.seen[(term.expr, example)] = str(term.key)
        leaves = {s: v for s, v in term.substitutions.items() if isinstance(s, sp.Symbol)}
        names = {s: _at(s.name, example) for s in leaves}
        inputs = tuple(n for n in names.values() if n in self.expected)

        def leaf(symbol: sp.Symbol) -> Tree:
            return self.leaf(symbol, leaves.get(symbol, math.nan), example)

        tree = tree_of(term.expr, leaf)
        slips = [Slip("sign_flipped", tree, -1.0)]
        name = term.key.name
        forward = kind is SectionKind.FORWARD
        if name.startswith("out_") and forward:
            net = _at(name.replace("out_", "net_", 1), example)
            slips.append(Slip("net_instead_of_out", ["f", net]))
        if name.startswith("net_") and forward:
            slips += self.input_slips(term.expr, leaf)
        if name.startswith("E_") and self.half_squared:
            slips.append(Slip("missing_half", tree, 2.0))
        outputs = len(self.w.scenario.layers[-1].neurons)
        averaged = not self.summed and outputs > 1
        error = name.startswith("E_") and name != "E_total"
        # the reverse: the 1/N of a mean left out, on each output's error and its derivative
        if averaged and (error or name.startswith("dE_") and "/dout_" in name):
            slips.append(Slip("mean_instead_of_sum", tree, float(outputs)))
        if name == "E_total" and self.summed:
            slips.append(Slip("mean_instead_of_sum", tree, 1 / outputs))
        if name.startswith("dout_") and "/dnet_" in name:
            slips += self.activation_slips(term, names, leaf)
        if name.startswith("dE_") and "/dout_" in name and self.half_squared:
            slips.append(Slip("missing_half", tree, 2.0))
        self.add(term.key, Recipe(inputs, tree, tuple(slips)), form)

    def input_slips(self, expr: sp.Basic, leaf: Callable[[sp.Symbol], Tree]) -> list[Slip]:
        """A net fed with the sources' nets, or with the weights of the other labelling."""

        def with_nets(symbol: sp.Symbol) -> Tree:
            tree = leaf(symbol)
            if tree[0] == "f" and tree[1].startswith("out_"):
                return ["f", tree[1].replace("out_", "net_", 1)]
            return tree

        slips = [Slip("net_instead_of_out", tree_of(expr, with_nets))]
        values = {p.name: p.value for p in self.w.scenario.parameters}
        relabelled = {
            s: self.relabel[s.name]
            for s in expr.free_symbols
            if self.relabel.get(s.name, s.name) != s.name
        }
        if relabelled:

            def other(symbol: sp.Symbol) -> Tree:
                if symbol in relabelled:
                    return ["c", values[relabelled[symbol]]]
                return leaf(symbol)

            slips.append(Slip("other_labelling", tree_of(expr, other)))
        return slips

    def activation_slips(
        self, term: Term, names: dict[sp.Symbol, str], leaf: Callable[[sp.Symbol], Tree]
    ) -> list[Slip]:
        """σ′ or tanh′ evaluated at net, or with the activation applied to out again."""
        outs = [s for s in names if s.name.startswith("out_")]
        if len(outs) != 1:
            return []
        out = outs[0]
        net = ["f", names[out].replace("out_", "net_", 1)]
        on_net = Slip(
            "derivative_on_net", tree_of(term.expr, lambda s: net if s == out else leaf(s))
        )
        neuron = out.name.removeprefix("out_")
        layer = next((x for x in self.w.scenario.layers if neuron in x.neurons), None)
        record = ops.ACTIVATION_RECORDS.get(layer.activation or "") if layer is not None else None
        if layer is None or record is None or not record.elementwise:
            return [on_net]
        again: Tree = ["f", names[out]]  # the activation applied to out once more
        if record.function is not None:
            slope = [["c", layer.slope or 0.0]] if record.takes_slope else []
            again = ["fn", record.name, again, *slope]
        twice = tree_of(term.expr, lambda s: again if s == out else leaf(s))
        return [on_net, Slip("activation_applied_twice", twice)]

    def derivation(self, derivation: Chain | Sum) -> None:
        if isinstance(derivation, Chain):
            for factor in derivation.factors:
                self.term(factor)
            keys = tuple(str(f.key) for f in derivation.factors)
            parts = tuple(Part(str(f.key), f.label) for f in derivation.factors)
            form = Form(derivation.label, parts=parts, tag=path_tag(derivation))
            self.add(derivation.key, Recipe(keys, ["*", *(["f", k] for k in keys)]), form)
            return
        for term in derivation.terms:
            self.derivation(term)
        for simpler in derivation.simplified:
            self.term(simpler)
        keys = tuple(str(t.key) for t in derivation.terms)
        mistake = "bias_not_summed" if "/db" in derivation.key.name else "missing_sum_term"
        # one term only, or (with three or more) all but one
        partial = [(k,) for k in keys] + (
            [tuple(o for o in keys if o != k) for k in keys] if len(keys) > 2 else []
        )
        slips = tuple(Slip(mistake, ["+", *(["f", k] for k in kept)]) for kept in partial)
        parts = tuple(Part(str(t.key), t.label, path_tag(t)) for t in derivation.terms)
        form = Form(derivation.label, parts=parts, operator="+", tag=path_tag(derivation))
        tree = ["+", *(["f", k] for k in keys)]
        self.add(derivation.key, Recipe(keys, tree, slips), form)

    def update(self, update: Update) -> None:
        gradient = str(FigureKey.derivative(E_TOTAL_KEY.name, update.parameter))
        rate, old = update.learning_rate, update.old

        def moved(times: float) -> Tree:  # p − times·g
            return ["+", ["c", old], ["*", ["c", -times], ["f", gradient]]]

        slips = [Slip("sign_flipped", moved(-rate)), Slip("no_learning_rate", moved(1.0))]
        if update.bias:
            slips.append(Slip("bias_update_rule", ["c", old] if update.applied else moved(rate)))
        p = sp.Symbol(update.parameter)
        g = derivative(E_TOTAL, p)
        if update.applied:
            expr: sp.Basic = sp.Add(p, sp.Mul(-1, ETA, g, evaluate=False), evaluate=False)
            numbers = {p: old, ETA: rate, g: self.expected.get(gradient, update.gradient)}
        else:
            expr, numbers = p, {p: old}
        form = Form(
            sp.Symbol(f"{update.parameter}⁺"),
            expr,
            numbers,
            parts=(Part(gradient, g),),
            tag="" if update.applied else "kept",
        )
        tree = moved(rate) if update.applied else ["c", old]
        self.add(FigureKey.update(update.parameter), Recipe((gradient,), tree, tuple(slips)), form)

    def after(self) -> Recipe:
        """E_total_after: the forward figures again, from the learner's updated parameters."""
        names = tuple(str(FigureKey.update(p.name)) for p in self.w.scenario.parameters)
        return Recipe(tuple(n for n in names if n in self.expected), ["after"])

    def value(self, tree: Tree, view: View) -> float | None:
        return self.interpreter.value(tree, view)


def _other_labelling(w: Walkthrough) -> dict[str, str]:
    """Weight → the weight the other common labelling puts in its place. Between two layers,
    one labelling numbers the weights by the neuron they enter (w1: i1 → h1, w2: i2 → h1, …),
    the other by the neuron they leave (w1: i1 → h1, w2: i1 → h2, …); a learner who reads one
    as the other takes, for a connection, the weight with its number in the other order."""
    scenario = w.scenario
    relabel: dict[str, str] = {}
    for before, after in zip(scenario.layers, scenario.layers[1:], strict=False):
        sources, targets = before.neurons, after.neurons
        between = {(x.source, x.target): x.name for x in scenario.weights if x.target in targets}
        entering = [between.get((s, t)) for t in targets for s in sources]
        leaving = [between.get((s, t)) for s in sources for t in targets]
        numbered = sorted(filter(None, between.values()), key=_number)
        if len(numbered) != len(sources) * len(targets):
            continue  # not fully connected: no second labelling
        if entering == numbered:
            own, other = entering, leaving
        elif leaving == numbered:
            own, other = leaving, entering
        else:
            continue  # numbered in neither order
        # the k-th connection in the other order is read as the k-th weight by number
        for actual, read in zip(other, own, strict=True):
            if actual is not None and read is not None:
                relabel[actual] = read
    return relabel


def _number(name: str) -> tuple[int, str]:
    digits = "".join(c for c in name if c.isdigit())
    return (int(digits) if digits else 0, name)


def _at(name: str, example: int | None) -> str:
    return str(FigureKey(name, example=example))
