"""Grade a learner's worked numbers against a walkthrough, the way an examiner marks.

Every figure of the walkthrough gets a *recipe*: how it follows from earlier figures (a forward
value from its formula, a chain from its factors, a sum from its terms, an update from its
gradient, E_total_after from the updated parameters). Figures are judged in derivation order,
each at the precision the learner wrote (:class:`~..scenario.arithmetic.Typed`):

* **correct** — the true value, rounded as the learner rounded;
* **rounding** — off, but right when recomputed from the learner's own earlier (rounded) values;
* **carried_forward** — right from the learner's earlier values, one of which was wrong: the
  mistake was made before, and is counted there;
* **wrong** — neither. A wrong figure whose inputs were all right is the *first wrong step*:
  the tool then tries each known mistaken rule (:data:`MISTAKES`) on the learner's own inputs
  and names every one that gives the learner's value.

A figure the learner left out takes the value its recipe gives from their earlier figures, so
that a chain checked without its factors is still judged on what the learner carried.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import sympy as sp

from ... import ops
from ...model import (
    E_TOTAL_AFTER_KEY,
    E_TOTAL_KEY,
    Chain,
    CheckResult,
    FigureKey,
    Graded,
    Gradient,
    Section,
    SectionKind,
    Status,
    StepVisitor,
    Sum,
    Term,
    Update,
    Walkthrough,
)
from ...scenario.arithmetic import Typed
from ..scalar.fastpath import compile_step

View = Mapping[str, float]
#: Float slack on top of the learner's half unit: values are doubles.
RELATIVE_SLACK = 1e-12

#: The mistaken rules the diagnosis knows: id → what the learner did instead.
MISTAKES = {
    "updated_output_weights": "the hidden-layer gradients computed with the already-updated "
    "output weights (w5⁺ … instead of w5 …)",
    "missing_sum_term": "a term of the sum over the next layer left out",
    "sign_flipped": "the sign flipped: (target − out) for −(target − out), or p + η·g for p − η·g",
    "derivative_on_net": "the activation's derivative evaluated at net instead of out "
    "(net·(1 − net) for the sigmoid)",
    "activation_applied_twice": "the derivative taken at the activation of out, as if out were "
    "net (σ(out)·(1 − σ(out)) for the sigmoid): the activation applied twice",
    "missing_half": "the ½ of the squared error dropped (a factor 2)",
    "mean_instead_of_sum": "the errors averaged over the outputs where the scenario sums them "
    "(or summed where it averages them: the 1/N left out)",
    "net_instead_of_out": "the next layer fed with net instead of out (the activation forgotten)",
    "bias_not_summed": "a shared bias's gradient from one of the neurons it feeds only",
    "bias_update_rule": "a bias updated where the scenario keeps it fixed, or the reverse",
    "no_learning_rate": "the update p − g, without the learning rate η",
    "other_labelling": "the weights read in the other common labelling (numbered by the neuron "
    "they leave instead of the one they enter, or the reverse)",
}


class Form(NamedTuple):
    """How a figure is written, for hints: its label and formula (a Term's), or the labels of
    the parts it multiplies or adds (a chain's factors, a sum's terms)."""

    label: sp.Expr | str
    expr: sp.Expr | None = None
    substitutions: Mapping[sp.Basic, float] = {}
    parts: tuple[tuple[str, sp.Expr], ...] = ()  # (figure, its label)
    operator: str = "×"
    section: str = ""  # forward, output, hidden, biases, update


class Recipe(NamedTuple):
    """How a figure follows from earlier ones: ``compute(view)``, reading ``inputs``."""

    inputs: tuple[str, ...]
    compute: Callable[[View], float | None]
    #: the mistaken versions of this figure: id → compute(view)
    mistakes: tuple[tuple[str, Callable[[View], float | None]], ...] = ()


def _name(symbol: sp.Symbol, example: int | None) -> str:
    return str(FigureKey(symbol.name, example=example))


def _evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, float]) -> float | None:
    try:
        value = complex(expr.xreplace({s: sp.Float(v, 30) for s, v in values.items()}).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value.real if abs(value.imag) < 1e-12 and math.isfinite(value.real) else None


class _Recipes(StepVisitor):
    """Every figure of a walkthrough, in derivation order, with its recipe."""

    def __init__(self, w: Walkthrough) -> None:
        self.w = w
        self.recipes: dict[str, Recipe] = {}
        self.seen: dict[tuple[sp.Expr, int | None], str] = {}  # a formula → its first figure
        self.relabel = _other_labelling(w)
        self.forms: dict[str, Form] = {}
        self.current = ""
        self.last_layer = len(w.scenario.layers) - 1
        self.expected: dict[str, float] = {str(k): v for k, v in w.figures.items()}
        record = ops.loss(w.scenario.loss)
        self.half_squared = record.halved
        self.summed = record.sums_outputs
        for section in w.sections:
            self.section(section)
        after = str(E_TOTAL_AFTER_KEY)
        if after in self.expected:
            self.recipes[after] = self.after()
            self.forms[after] = Form(
                "E_total after the update: the forward pass again, with every new parameter",
                section="update",
            )

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
        self.term(step, kind)

    def visit_gradient(self, step: Gradient, _kind: SectionKind) -> None:
        self.derivation(step.derivation)

    def visit_update(self, step: Update, _kind: SectionKind) -> None:
        self.update(step)

    def add(self, key: FigureKey, recipe: Recipe, form: Form | None = None) -> None:
        name = str(key)
        if name in self.expected and name not in self.recipes:
            self.recipes[name] = recipe
            if form is not None:
                self.forms[name] = form._replace(section=self.current)

    def term(self, term: Term, kind: SectionKind | None = None) -> None:
        if term.reference or str(term.key) in self.recipes:
            return
        example = term.key.example
        same = self.seen.get((term.expr, example))
        if same is not None:  # dE_o1/dout_o1 is dE_total/dout_o1 again: one figure, two names
            form = Form(term.label, term.expr, term.substitutions)
            self.add(term.key, Recipe((same,), lambda view: view.get(same)), form)
            return
        self.seen[(term.expr, example)] = str(term.key)
        leaves = {s: v for s, v in term.substitutions.items() if isinstance(s, sp.Symbol)}
        names = {s: _name(s, example) for s in leaves}
        inputs = tuple(n for n in names.values() if n in self.expected)
        expr = term.expr

        def compute(view: View, expr: sp.Expr = expr) -> float | None:
            return _evaluate(expr, {s: view.get(names[s], v) for s, v in leaves.items()})

        mistakes: list[tuple[str, Callable[[View], float | None]]] = [
            ("sign_flipped", lambda view: _negated(compute(view)))
        ]
        name = term.key.name
        if name.startswith("out_") and kind is SectionKind.FORWARD:
            net = name.replace("out_", "net_", 1)
            mistakes.append(("net_instead_of_out", lambda view: view.get(_at(net, example))))
        if name.startswith("net_") and kind is SectionKind.FORWARD:
            swapped = {
                s: view_name.replace("out_", "net_", 1)
                for s, view_name in names.items()
                if view_name.startswith("out_")
            }

            def with_nets(view: View) -> float | None:
                values = {s: view.get(swapped.get(s, names[s]), v) for s, v in leaves.items()}
                return _evaluate(expr, values)

            mistakes.append(("net_instead_of_out", with_nets))
            relabelled = {
                s: self.relabel[s.name]
                for s in leaves
                if self.relabel.get(s.name, s.name) != s.name
            }
            if relabelled:
                values = {p.name: p.value for p in self.w.scenario.parameters}

                def other_labelling(view: View) -> float | None:
                    read = {
                        s: values[relabelled[s]] if s in relabelled else view.get(names[s], v)
                        for s, v in leaves.items()
                    }
                    return _evaluate(expr, read)

                mistakes.append(("other_labelling", other_labelling))
        if name.startswith("E_") and self.half_squared:
            mistakes.append(("missing_half", lambda view: _scaled(compute(view), 2.0)))
        outputs = len(self.w.scenario.layers[-1].neurons)
        averaged = not self.summed and outputs > 1
        error = name.startswith("E_") and name != "E_total"
        # the reverse: the 1/N of a mean left out, on each output's error and its derivative
        if averaged and (error or name.startswith("dE_") and "/dout_" in name):
            mistakes.append(("mean_instead_of_sum", lambda view: _scaled(compute(view), outputs)))
        if name == "E_total" and self.summed:
            mistakes.append(
                ("mean_instead_of_sum", lambda view: _scaled(compute(view), 1 / outputs))
            )
        if name.startswith("dout_") and "/dnet_" in name:
            mistakes += self.activation_mistakes(term, names, leaves)
        if name.startswith("dE_") and "/dout_" in name and self.half_squared:
            mistakes.append(("missing_half", lambda view: _scaled(compute(view), 2.0)))
        form = Form(term.label, term.expr, term.substitutions)
        self.add(term.key, Recipe(inputs, compute, tuple(mistakes)), form)

    def activation_mistakes(
        self, term: Term, names: dict[sp.Symbol, str], leaves: dict[sp.Symbol, float]
    ) -> list[tuple[str, Callable[[View], float | None]]]:
        """σ′ or tanh′ evaluated at net, or with the activation applied to out again."""
        outs = [s for s in leaves if s.name.startswith("out_")]
        if len(outs) != 1:
            return []
        out = outs[0]
        net_name = names[out].replace("out_", "net_", 1)
        derivative = term.expr

        def at(value: float | None) -> float | None:
            return None if value is None else _evaluate(derivative, {out: value})

        neuron = out.name.removeprefix("out_")
        layer = next((x for x in self.w.scenario.layers if neuron in x.neurons), None)
        record = ops.ACTIVATION_RECORDS.get(layer.activation or "") if layer is not None else None
        if record is None or not record.elementwise:
            return [("derivative_on_net", lambda view: at(view.get(net_name)))]
        slope = layer.slope if layer is not None and layer.slope is not None else 0.0

        def twice(view: View) -> float | None:  # the activation applied to out once more
            value = view.get(names[out])
            if value is None or record is None:
                return None
            try:
                return at(record.layer([value], slope)[0])
            except (OverflowError, ValueError):
                return None

        return [
            ("derivative_on_net", lambda view: at(view.get(net_name))),
            ("activation_applied_twice", twice),
        ]

    def derivation(self, derivation: Chain | Sum) -> None:
        if isinstance(derivation, Chain):
            for factor in derivation.factors:
                self.term(factor)
            keys = tuple(str(f.key) for f in derivation.factors)
            parts = tuple((str(f.key), f.label) for f in derivation.factors)
            form = Form(derivation.label, parts=parts)
            self.add(derivation.key, Recipe(keys, lambda view: _product(view, keys)), form)
            return
        for term in derivation.terms:
            self.derivation(term)
        for simpler in derivation.simplified:
            self.term(simpler)
        keys = tuple(str(t.key) for t in derivation.terms)
        mistake = "bias_not_summed" if "/db" in derivation.key.name else "missing_sum_term"
        partial = tuple((mistake, lambda view, k=k: view.get(k)) for k in keys) + tuple(
            (mistake, lambda view, k=k: _total(view, tuple(o for o in keys if o != k)))
            for k in keys
        )
        parts = tuple((str(t.key), t.label) for t in derivation.terms)
        form = Form(derivation.label, parts=parts, operator="+")
        self.add(derivation.key, Recipe(keys, lambda view: _total(view, keys), partial), form)

    def update(self, update: Update) -> None:
        gradient = str(FigureKey.derivative(E_TOTAL_KEY.name, update.parameter))
        rate, old = update.learning_rate, update.old

        def new(view: View) -> float | None:
            g = view.get(gradient)
            return None if g is None else (old - rate * g if update.applied else old)

        def moved(view: View, times: float) -> float | None:
            g = view.get(gradient)
            return None if g is None else old - times * g

        mistakes = [
            ("sign_flipped", lambda view: moved(view, -rate)),
            ("no_learning_rate", lambda view: moved(view, 1.0)),
        ]
        if update.bias:
            mistakes.append(
                ("bias_update_rule", lambda view: old if update.applied else moved(view, rate))
            )
        p = update.parameter
        label = f"{p}⁺ = {p} − η·∂E_total/∂{p}" if update.applied else f"{p}⁺ = {p} (kept)"
        form = Form(label, parts=((gradient, sp.Symbol(gradient)),), operator="")
        self.add(FigureKey.update(p), Recipe((gradient,), new, tuple(mistakes)), form)

    def after(self) -> Recipe:
        """E_total_after from the learner's updated parameters, by the fast path."""
        scenario = self.w.scenario
        names = tuple(str(FigureKey.update(p.name)) for p in scenario.parameters)
        compiled: list[Any] = []  # compiled when first asked: a correct E_total_after never is

        def compute(view: View) -> float | None:
            if not compiled:
                compiled.append(compile_step(scenario))
            values = [view.get(n, p.value) for n, p in zip(names, scenario.parameters, strict=True)]
            try:
                return float(compiled[0].gradient(values)[0])
            except (ArithmeticError, ValueError):
                return None

        return Recipe(names, compute)


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


def _negated(value: float | None) -> float | None:
    return None if value is None else -value


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _product(view: View, keys: tuple[str, ...]) -> float | None:
    values = [view.get(k) for k in keys]
    return None if any(v is None for v in values) else math.prod(v for v in values if v is not None)


def _total(view: View, keys: tuple[str, ...]) -> float | None:
    values = [view.get(k) for k in keys]
    return None if any(v is None for v in values) else math.fsum(v for v in values if v is not None)


def _spread(
    compute: Callable[[View], float | None],
    view: dict[str, float],
    inputs: tuple[str, ...],
    uncertainty: Mapping[str, float],
) -> float:
    """How far ``compute`` may move when each input moves by its own uncertainty (the half
    unit the learner rounded it to): the sum of the single moves, to first order."""
    centre = compute(view)
    if centre is None:
        return 0.0
    total = 0.0
    for name in dict.fromkeys(inputs):
        step = uncertainty.get(name, 0.0)
        if not step or name not in view:
            continue
        kept = view[name]
        view[name] = kept + step
        moved = compute(view)
        view[name] = kept
        if moved is not None:
            total += abs(moved - centre)
    return total


def _significant(text: str) -> int:
    """The significant digits of a number as written (0.019049119 → 8); 0 for arithmetic."""
    mantissa = text.strip().lstrip("+-−").split("e")[0].split("E")[0]
    if not mantissa.replace(".", "", 1).isdigit():
        return 0
    return len(mantissa.replace(".", "").lstrip("0"))


def matches(given: Typed, value: float | None, units: float = 1.0, spread: float = 0.0) -> bool:
    """Does the learner's number equal ``value`` at the precision they wrote (within
    ``units`` half-units of their last digit)? Two half-units, a whole unit, is what rounding
    an earlier figure first does (−0.0190491185 → −0.019049119 where the truth is
    −0.01904911826): that is graded rounding, not a mistake, for a number of four or more
    significant digits (0.5 for 0.5969 is a mistake)."""
    if value is None or not math.isfinite(value):
        return False
    slack = RELATIVE_SLACK * abs(value) + 4 * math.ulp(value)
    return abs(given.value - value) <= units * given.half_unit + spread + slack


def figure_forms(w: Walkthrough) -> dict[str, Form]:
    """Every figure's form (for hints) and section (for ``practice --only``), in order."""
    recipes = _Recipes(w)
    return {name: recipes.forms.get(name, Form(name)) for name in recipes.expected}


def figures_shown(w: Walkthrough) -> list[str]:
    """The figures the walkthrough's sections show (an ``explain`` cut shows a few)."""
    recipes = _Recipes(w)
    return [n for n in recipes.forms if n != str(E_TOTAL_AFTER_KEY)]


def figure_names(w: Walkthrough) -> list[str]:
    """Every figure a learner may give, in derivation order."""
    return [str(k) for k in w.figures]


def grade(
    w: Walkthrough,
    answers: Mapping[str, Typed],
    source: str,
    variant: Callable[[], Walkthrough | None] = lambda: None,
) -> CheckResult:
    """Grade ``answers`` (figure name → the learner's value) against ``w``. ``variant`` gives
    the same scenario derived with the updated output weights (the classic slip), if it can
    be; it is asked only when a first wrong step needs a diagnosis."""
    recipes = _Recipes(w)
    expected = recipes.expected
    view: dict[str, float] = {}
    uncertainty: dict[str, float] = {}  # how far each figure of the view may be off
    tainted: set[str] = set()
    graded: list[Graded] = []
    after = str(E_TOTAL_AFTER_KEY)  # read by no later figure
    for name in expected:
        given = answers.get(name)
        if given is not None and matches(given, expected[name]):
            view[name] = given.value
            uncertainty[name] = given.half_unit
            graded.append(Graded(name, given.value, given.text, expected[name], Status.CORRECT))
            continue
        if given is None and name == after:
            continue
        recipe = recipes.recipes.get(name)
        recomputed = recipe.compute(view) if recipe is not None else None
        inputs = recipe.inputs if recipe is not None else ()
        spread = _spread(recipe.compute, view, inputs, uncertainty) if recipe else 0.0
        inherited = any(i in tainted for i in inputs)
        if given is None:
            view[name] = recomputed if recomputed is not None else expected[name]
            uncertainty[name] = spread
            if inherited:
                tainted.add(name)
            continue
        view[name] = given.value
        uncertainty[name] = given.half_unit
        twice = _significant(given.text) >= 4 and matches(given, expected[name], units=2.0)
        if matches(given, recomputed, spread=spread) or twice:
            status = Status.CARRIED if inherited else Status.ROUNDING
            if inherited:
                tainted.add(name)
            graded.append(Graded(name, given.value, given.text, expected[name], status, recomputed))
            continue
        tainted.add(name)
        found: list[str] = []
        if not inherited:
            other = variant()
            if other is not None and matches(given, other.figures.get(FigureKey.parse(name))):
                found.append("updated_output_weights")
            for mistake, compute in recipe.mistakes if recipe is not None else ():
                if mistake in found:
                    continue
                view[name] = recomputed if recomputed is not None else expected[name]
                wide = _spread(compute, view, (*inputs, name), uncertainty)
                if matches(given, compute(view), spread=wide):
                    found.append(mistake)
            view[name] = given.value
        graded.append(
            Graded(
                name,
                given.value,
                given.text,
                expected[name],
                Status.WRONG,
                recomputed,
                not inherited,
                tuple(found),
                "; ".join(MISTAKES[m] for m in found),
            )
        )
    missing = tuple(n for n in expected if n not in answers)
    return CheckResult(w.scenario.name, source, tuple(graded), missing)
