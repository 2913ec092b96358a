"""Numbers for SymPy expressions: a small float evaluator and the forward pass.

Why not ``expr.subs(...).evalf()``: it is ~100× slower and the walkthrough evaluates thousands of
small expressions. This walks the expression tree once with IEEE doubles — the precision the
published figures were computed with — using the float functions of the records in
:mod:`..ops`, which cannot overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy as sp

from .. import ops
from ..errors import NumericalError
from .network import E_TOTAL, Network

_RELATIONS: dict[type, Callable[[float, float], bool]] = {
    sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b,
    sp.StrictLessThan: lambda a, b: a < b,
    sp.LessThan: lambda a, b: a <= b,
}


def _holds(condition: sp.Basic, values: Mapping[sp.Basic, float]) -> bool:
    if condition is sp.true:
        return True
    if condition is sp.false:
        return False
    relation = _RELATIONS[type(condition)]
    return relation(evaluate(condition.lhs, values), evaluate(condition.rhs, values))


def evaluate(expr: sp.Basic, values: Mapping[sp.Basic, float]) -> float:
    """The value of ``expr`` with every symbol (or other leaf) looked up in ``values``."""
    if expr in values:
        return values[expr]
    if expr.is_Number:
        return float(expr)
    if expr.is_Symbol:
        raise KeyError(f"no value for {expr}")
    if isinstance(expr, sp.Piecewise):
        for piece, condition in expr.args:
            if _holds(condition, values):
                return evaluate(piece, values)
        raise NumericalError(f"no case of {expr} applies")
    args = [evaluate(arg, values) for arg in expr.args]
    if expr.is_Add:
        return ops.fsum(args)  # correctly rounded: the same on every Python
    if expr.is_Mul:
        return math.prod(args)
    if expr.is_Pow:
        try:
            result = args[0] ** args[1]
        except (OverflowError, ZeroDivisionError) as exc:
            raise NumericalError(f"{expr}: {exc}") from None
        if isinstance(result, complex):
            raise NumericalError(f"{expr} is not real")
        return float(result)
    function = ops.FLOAT_FUNCTIONS.get(type(expr))
    if function is None:
        raise TypeError(f"cannot evaluate {type(expr).__name__}")
    return function(*args)


def parameter_values(
    network: Network,
    overrides: Mapping[str, float] | None = None,
    example: int = 0,
) -> dict[sp.Basic, float]:
    """Inputs and targets of one example and the parameters, as symbol → value."""
    scenario = network.scenario
    values: dict[sp.Basic, float] = {}
    for name, value in scenario.examples[example].inputs.items():
        values[network.outs[name]] = value
    for name, value in scenario.examples[example].targets.items():
        values[network.targets[name]] = value
    for p in scenario.parameters:
        values[network.params[p.name]] = p.value
    for name, value in (overrides or {}).items():
        values[network.params[name]] = value
    return values


def forward(network: Network, values: Mapping[sp.Basic, float]) -> dict[sp.Basic, float]:
    """Every net, out and error value of one example, given inputs, targets and parameters.

    Layer by layer, all nets before any out: a softmax output reads every net of its layer.
    The groups of the textbook formulas (1 − out_o1, log(out_o1), …) get their values from
    their stable forms in net (:mod:`..ops`), and :func:`evaluate` looks them up as it meets them.
    """
    result = dict(values)
    for layer in network.layers[1:]:
        neurons = [network.neurons[name] for name in layer]
        for neuron in neurons:
            result[neuron.net] = evaluate(neuron.net_expr, result)
        for neuron in neurons:
            result[neuron.out] = evaluate(neuron.out_expr, result)
            for group, form in neuron.stable.items():
                result[group] = evaluate(form, result)
            for _end, symbol, form in neuron.ends:
                result[symbol] = evaluate(form, result)
    for name, expr in network.error_exprs.items():
        result[network.errors[name]] = evaluate(expr, result)
    result[E_TOTAL] = evaluate(network.total_expr, result)
    for key, value in result.items():
        if not math.isfinite(value):
            raise NumericalError(f"{key} is {value}")
    return result
