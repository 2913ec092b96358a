"""The forward pass on plain floats, compiled once from a scenario: for the shake checks.

A shake nudges one quantity and recomputes E_total, once up and once down, for every derivative
shown, so it must be cheap: here a forward pass is a few list look-ups per weight. It shares no
code with the derivation except the records of :mod:`...ops`: the float activations, and the
loss term with its stable forms (log σ(net) = −softplus(−net), …), compiled once per output
neuron as a function of the output layer's nets — so that a saturated output's E is as exact
here as in the walkthrough. A test checks that both forward passes agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy as sp

from ... import ops
from ...errors import NumericalError
from ...scenario import Scenario
from ..evaluate import evaluate

Fixed = Mapping[tuple[int, str], float]  # (example, "out_h1" or "net_h1") → pinned value


class NumericNetwork:
    """E_total of a scenario for any parameter values, on floats.

    A shake changes one parameter (or one out/net of one example), so only what lies
    downstream of it is recomputed: the rest comes from a cached forward pass with the
    scenario's own values. That keeps a shake of a wide layer's weight from costing a whole
    forward pass, and the shakes of a network close to linear in its size.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.names = [p.name for p in scenario.parameters]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.base = [p.value for p in scenario.parameters]
        incoming: dict[str, list[tuple[str, int]]] = {}
        for w in scenario.weights:
            incoming.setdefault(w.target, []).append((w.source, self.index[w.name]))
        bias_of = {n: self.index[b.name] for b in scenario.biases for n in b.targets}
        self.layers = [
            (
                ops.activation(layer.activation or ""),
                layer.slope,
                [(n, incoming[n], bias_of.get(n, -1)) for n in layer.neurons],
            )
            for layer in scenario.layers[1:]
        ]
        self.layer_of = {n: i for i, (_, _, ns) in enumerate(self.layers) for n, _, _ in ns}
        self.feeds: dict[str, set[str]] = {}  # parameter → the neurons whose net it enters
        for w in scenario.weights:
            self.feeds[w.name] = {w.target}
        for b in scenario.biases:
            self.feeds[b.name] = set(b.targets)
        self.outputs = scenario.layers[-1].neurons
        self.output_errors = output_errors(scenario)
        self._baseline: dict[int, tuple[dict[str, float], float]] = {}

    def forward(
        self,
        example: int,
        params: Sequence[float],
        fixed: Fixed | None = None,
        changed: set[str] | None = None,
    ) -> dict[str, float]:
        """Every ``net_*``/``out_*`` of one example (inputs under their own names).

        With ``changed``, start from the cached pass and recompute only those neurons and
        every layer after the first of them.
        """
        fixed = fixed or {}
        if changed is None:
            values: dict[str, float] = dict(self.scenario.examples[example].inputs)
            start = 0
        else:
            values = dict(self.baseline(example)[0])
            start = min(self.layer_of[n] for n in changed)
        for index in range(start, len(self.layers)):
            activation, slope, neurons = self.layers[index]
            nets = []
            for name, sources, bias in neurons:
                if changed is not None and index == start and name not in changed:
                    net = values[f"net_{name}"]
                else:
                    # Correctly rounded (fsum): the same net on every Python (3.12's sum()
                    # compensates, 3.11's does not).
                    terms = [params[p] * values[s] for s, p in sources]
                    if bias >= 0:
                        terms.append(params[bias])
                    net = ops.fsum(terms)
                    net = fixed.get((example, f"net_{name}"), net)
                values[f"net_{name}"] = net
                nets.append(net)
            outs = activation.layer(nets, ops.DEFAULT_LEAKY_SLOPE if slope is None else slope)
            for (name, _, _), out in zip(neurons, outs, strict=True):
                out = fixed.get((example, f"out_{name}"), out)
                values[name] = out  # the next layer reads a neuron's output by its name
                values[f"out_{name}"] = out
        return values

    def loss(self, example: int, values: Mapping[str, float]) -> float:
        """The example's error from the output layer's nets (an output's out is never pinned:
        the shakes pin the outs of hidden neurons and the nets of any)."""
        targets = self.scenario.examples[example].targets
        nets = [values[f"net_{o}"] for o in self.outputs]
        return math.fsum(
            error(nets, targets[o])
            for o, error in zip(self.outputs, self.output_errors, strict=True)
        )

    def baseline(self, example: int) -> tuple[dict[str, float], float]:
        """The forward pass and error of one example with the scenario's own values."""
        if example not in self._baseline:
            values = self.forward(example, self.base)
            self._baseline[example] = (values, self.loss(example, values))
        return self._baseline[example]

    def total_error(
        self, overrides: Mapping[str, float] | None = None, fixed: Fixed | None = None
    ) -> float:
        """E_total over every example, with some parameters (or outs/nets) replaced."""
        params = list(self.base)
        changed: set[str] = set()
        for name, value in (overrides or {}).items():
            params[self.index[name]] = value
            changed |= self.feeds[name]
        pinned = {e for e, _ in (fixed or {})}
        try:
            total = 0.0
            for e in range(len(self.scenario.examples)):
                if not changed and e not in pinned:
                    total += self.baseline(e)[1]
                    continue
                here = set(changed) | {key.split("_", 1)[1] for ex, key in (fixed or {}) if ex == e}
                total += self.loss(e, self.forward(e, params, fixed, here))
        except OverflowError as exc:
            raise NumericalError(f"overflow: {exc}") from None
        if not math.isfinite(total):
            raise NumericalError(f"E_total is {total}")
        return total

    def values_at(
        self, example: int, overrides: Mapping[str, float] | None = None, fixed: Fixed | None = None
    ) -> dict[str, float]:
        """One example's forward pass with some parameters (or outs/nets) replaced."""
        params = list(self.base)
        for name, value in (overrides or {}).items():
            params[self.index[name]] = value
        return self.forward(example, params, fixed)

    def error(self, example: int, params: Sequence[float], fixed: Fixed | None = None) -> float:
        """One example's error, computed from scratch (no cache)."""
        return self.loss(example, self.forward(example, params, fixed))


#: A network with more output-error evaluations than this (parameters × outputs) compiles its
#: errors with lambdify; a smaller one evaluates them as trees. lambdify's first call imports
#: SymPy's code printers (~55 ms): more than the classic example's whole shake checks take.
COMPILE_ERRORS_FROM = 2_000


def output_errors(scenario: Scenario) -> list[Callable[[Sequence[float], float], float]]:
    """E_o(nets of the output layer, target_o) for each output neuron o: the loss record's term
    with its groups in their stable forms and out in terms of net — evaluated as a tree
    (:func:`..evaluate.evaluate`) for a small network, compiled with lambdify for a big one."""
    layer = scenario.layers[-1]
    record = ops.activation(layer.activation or "")
    slope = ops.DEFAULT_LEAKY_SLOPE if layer.slope is None else layer.slope
    nets = [sp.Symbol(f"_n{k}") for k in range(len(layer.neurons))]
    out, target = sp.Symbol("_out"), sp.Symbol("_target")
    term = ops.loss(scenario.loss).term(target, out, len(nets))
    compile_them = len(scenario.parameters) * len(nets) > COMPILE_ERRORS_FROM

    def error_of(k: int, whole_layer: bool) -> Callable[..., float]:
        net = nets[k]
        stable = term.xreplace(record.stable(out, net, nets, k))
        expr = stable.xreplace({out: record.build(net, nets, k, slope)})
        arguments: list[Any] = [nets if whole_layer else net, target]
        if compile_them:
            from .fastpath import FLOAT_FUNCTIONS

            function: Callable[..., float] = sp.lambdify(
                arguments, expr, modules=[FLOAT_FUNCTIONS, "math"]
            )
            return function
        if whole_layer:
            return lambda values, t: evaluate(
                expr, {**dict(zip(nets, values, strict=True)), target: t}
            )
        return lambda value, t: evaluate(expr, {net: value, target: t})

    if record.elementwise:  # one function of (net, target) serves every output
        one = error_of(0, whole_layer=False)

        def of_output(k: int) -> Callable[[Sequence[float], float], float]:
            return lambda nets_now, t: one(nets_now[k], t)

        return [of_output(k) for k in range(len(nets))]
    return [error_of(k, whole_layer=True) for k in range(len(nets))]
