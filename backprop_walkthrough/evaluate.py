"""Numbers for SymPy expressions: a small float evaluator and the forward pass.

Why not ``expr.subs(...).evalf()``: it is ~100× slower and the walkthrough evaluates thousands of
small expressions for the shake checks. This walks the expression tree once with IEEE doubles —
the precision the published figures were computed with — using a sigmoid that cannot overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy as sp

from .functions import sigmoid
from .network import E_TOTAL, Network


def stable_sigmoid(x: float) -> float:
    """σ(x) without overflow: e^(−x) is only formed for x ≥ 0."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sigmoid: stable_sigmoid,
    sp.exp: math.exp,
}


def evaluate(expr: sp.Basic, values: Mapping[sp.Basic, float]) -> float:
    """The value of ``expr`` with every symbol (or other leaf) looked up in ``values``."""
    if expr in values:
        return values[expr]
    if expr.is_Number:
        return float(expr)
    if expr.is_Symbol:
        raise KeyError(f"no value for {expr}")
    args = [evaluate(arg, values) for arg in expr.args]
    if expr.is_Add:
        return sum(args)
    if expr.is_Mul:
        return math.prod(args)
    if expr.is_Pow:
        return args[0] ** args[1]
    function = _FUNCTIONS.get(type(expr))
    if function is None:
        raise TypeError(f"cannot evaluate {type(expr).__name__}")
    return function(*args)


def parameter_values(
    network: Network,
    overrides: Mapping[str, float] | None = None,
) -> dict[sp.Basic, float]:
    """Inputs, targets and parameters of the scenario as symbol → value."""
    scenario = network.scenario
    values: dict[sp.Basic, float] = {}
    for name, value in scenario.inputs.items():
        values[network.outs[name]] = value
    for name, value in scenario.targets.items():
        values[network.targets[name]] = value
    for p in scenario.parameters:
        values[network.params[p.name]] = p.value
    for name, value in (overrides or {}).items():
        values[network.params[name]] = value
    return values


def forward(
    network: Network,
    values: Mapping[sp.Basic, float],
    fixed: Mapping[sp.Basic, float] | None = None,
) -> dict[sp.Basic, float]:
    """Every net, out and error value, given inputs, targets and parameters.

    ``fixed`` pins some outputs to given values (the shake of ∂E_total/∂out_h1 nudges out_h1
    itself and recomputes only what lies downstream of it).
    """
    fixed = fixed or {}
    result = dict(values)
    for neuron in network.neurons.values():  # in layer order, so inputs are known
        result[neuron.net] = evaluate(neuron.net_expr, result)
        if neuron.out in fixed:
            result[neuron.out] = fixed[neuron.out]
        else:
            result[neuron.out] = evaluate(neuron.out_expr, result)
    for name, expr in network.error_exprs.items():
        result[network.errors[name]] = evaluate(expr, result)
    result[E_TOTAL] = evaluate(network.total_expr, result)
    return result


def total_error(network: Network, values: Mapping[sp.Basic, float]) -> float:
    return forward(network, values)[E_TOTAL]
