"""A network's figures in exact arithmetic (``run --exact``): rationals in, closed forms out.

The numbers of the scenario are read as the decimals they are written as (0.15 is 3/20), and
every figure is recomputed from its own formula — a forward value from its expression, a chain
as the product of its factors, a sum of its terms, an update p − η·g — with SymPy's exact
arithmetic, then simplified where that is quick. With linear and ReLU layers the figures stay
rationals; a sigmoid of a rational stays a term in exp, shown beside its decimal, which is
where exact arithmetic stops being useful: the closed forms grow with every layer.
"""

from __future__ import annotations

import sympy as sp

from ... import ops
from ...errors import ScenarioError
from ...model import (
    E_TOTAL_AFTER_KEY,
    Chain,
    FigureKey,
    Gradient,
    StepVisitor,
    Sum,
    Term,
    Update,
    Walkthrough,
)

#: A closed form longer than this (in SymPy's operation count) is not simplified: it would
#: take long and print longer.
SIMPLIFY_OPS = 20


def _rational(value: float) -> sp.Rational:
    return sp.Rational(repr(value))


def _explicit(expr: sp.Expr) -> sp.Expr:
    """Our activation functions written out from their records (σ(x) as 1/(1 + exp(−x)), ReLU
    as Max(0, x), leaky ReLU with the slope its call carries), so that SymPy can simplify and
    evaluate them; SymPy's own tanh stays tanh. Every float left (a slope in a derivative's
    Piecewise) becomes the rational it is written as: 0.2 is 1/5."""
    for record in ops.ACTIVATION_RECORDS.values():
        function = record.function
        if function is None or not record.elementwise or function is sp.tanh:
            continue
        expr = expr.replace(
            lambda e, f=function: isinstance(e, f),
            lambda e, record=record: _written_out(record, e),
        )
    expr = expr.replace(
        lambda e: isinstance(e, ops.softmax),
        lambda e: sp.exp(e.args[1 + int(e.args[0])]) / sp.Add(*(sp.exp(n) for n in e.args[1:])),
    )
    return expr.xreplace({f: _rational(float(f)) for f in expr.atoms(sp.Float)})


def _written_out(record: ops.Activation, call: sp.Expr) -> sp.Expr:
    """One call of an activation as its record's formula, its own arguments put in."""
    slope = float(call.args[1]) if record.takes_slope else None
    definition, formula = record.definition(slope)
    (variable,) = definition.args
    return formula.xreplace({variable: call.args[0]})


def _tidy(expr: sp.Expr) -> sp.Expr:
    expr = _explicit(expr)
    if sp.count_ops(expr) > SIMPLIFY_OPS:
        return expr
    candidates = [expr, sp.simplify(expr)]
    return min(candidates, key=sp.count_ops)


def exact_figures(w: Walkthrough) -> dict[str, sp.Expr]:
    """Every figure of ``w`` (by its JSON name) as an exact SymPy expression, but
    E_total_after (a second forward pass). One example only: a batch's figures are many."""
    scenario = w.scenario
    if scenario.is_batch:
        raise ScenarioError(
            scenario.source, "--exact works on a single example; this scenario is a batch"
        )
    known: dict[str, sp.Expr] = {}
    leaves: dict[str, sp.Expr] = {p.name: _rational(p.value) for p in scenario.parameters}
    for example in scenario.examples:
        for name, value in {**example.inputs}.items():
            leaves[name] = _rational(value)
        for name, value in example.targets.items():
            leaves[f"target_{name}"] = _rational(value)

    def term(t: Term) -> sp.Expr:
        name = str(t.key)
        if name in known:
            return known[name]
        example = t.key.example
        values: dict[sp.Symbol, sp.Expr] = {}
        for symbol in t.expr.free_symbols:
            assert isinstance(symbol, sp.Symbol)
            figure = str(FigureKey(symbol.name, example=example))
            if figure in known:
                values[symbol] = known[figure]
            elif symbol.name in leaves:
                values[symbol] = leaves[symbol.name]
            elif symbol in t.substitutions:
                values[symbol] = _rational(t.substitutions[symbol])
        exact = _tidy(t.expr.xreplace(values))
        known[name] = exact
        return exact

    def derivation(d: Chain | Sum) -> sp.Expr:
        if isinstance(d, Chain):
            value = sp.Mul(*(term(f) for f in d.factors))
        else:
            value = sp.Add(*(derivation(t) for t in d.terms))
            for form in d.simplified:
                term(form)
        exact = _tidy(value)
        known[str(d.key)] = exact
        return exact

    class Walk(StepVisitor):
        def visit_term(self, step: Term) -> None:
            term(step)

        def visit_gradient(self, step: Gradient) -> None:
            derivation(step.derivation)

        def visit_update(self, step: Update) -> None:
            gradient = known[str(FigureKey.derivative("E_total", step.parameter))]
            old = _rational(step.old)
            new = old - _rational(step.learning_rate) * gradient if step.applied else old
            known[str(FigureKey.update(step.parameter))] = _tidy(new)

    walk = Walk()
    for section in w.sections:
        for step in section.steps:
            walk.visit(step)
    after = str(E_TOTAL_AFTER_KEY)
    return {n: known[n] for n in (str(k) for k in w.figures) if n in known and n != after}


def decimal(expr: sp.Expr) -> float:
    return float(expr.evalf(30))
