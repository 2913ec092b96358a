"""The forward pass of a network in floats: every net, out and error of one example."""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy as sp

from ...errors import NumericalError
from ..evaluate import evaluate
from .network import E_TOTAL, Network


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
    their stable forms in net (:mod:`...ops`), and :func:`evaluate` looks them up as it meets them.
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
