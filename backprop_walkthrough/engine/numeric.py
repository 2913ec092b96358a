"""The forward pass on plain floats, compiled once from a scenario: for the shake checks.

A shake nudges one quantity and recomputes E_total, once up and once down, for every derivative
shown, so it must be cheap: here a forward pass is a few list look-ups per weight. It shares no
code with the SymPy side except the float functions below, which :mod:`.evaluate` also uses, and
a test checks that both forward passes agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from ..errors import NumericalError
from ..scenario import Scenario


def stable_sigmoid(x: float) -> float:
    """σ(x) without overflow: e^(−x) is only formed for x ≥ 0."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def relu(x: float) -> float:
    return x if x > 0 else 0.0


def leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def linear(x: float) -> float:
    return x


def safe_log(x: float) -> float:
    if x <= 0:
        raise NumericalError(f"log({x!r}) is undefined: an output reached {x!r}")
    return math.log(x)


def safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise NumericalError(f"exp({x!r}) overflows") from None


def softmax_component(k: float, *nets: float) -> float:
    """softmax(k, net_1, …) as SymPy's ``softmax`` function takes it: component k (from 0)."""
    return stable_softmax(nets)[int(k)]


def stable_softmax(nets: Sequence[float]) -> list[float]:
    """exp(net_k) / Σ exp(net_j), computed with the largest net subtracted (no overflow)."""
    top = max(nets)
    exps = [math.exp(n - top) for n in nets]
    total = sum(exps)
    return [e / total for e in exps]


ELEMENTWISE: dict[str, Callable[..., float]] = {
    "sigmoid": stable_sigmoid,
    "tanh": math.tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "linear": linear,
}


def loss_term(loss: str, target: float, out: float, outputs: int) -> float:
    """One output neuron's error, as in :func:`.functions.error_expression`."""
    if loss == "half_squared_error":
        return 0.5 * (target - out) ** 2
    if loss == "mean_squared_error":
        return (target - out) ** 2 / outputs
    if loss == "binary_cross_entropy":
        return -(target * safe_log(out) + (1 - target) * safe_log(1 - out))
    if loss == "cross_entropy":
        return -(target * safe_log(out))
    raise ValueError(f"unknown loss {loss!r}")


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
                layer.activation or "",
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
                    net = sum(params[p] * values[s] for s, p in sources)
                    if bias >= 0:
                        net += params[bias]
                    net = fixed.get((example, f"net_{name}"), net)
                values[f"net_{name}"] = net
                nets.append(net)
            if activation == "softmax":
                outs = stable_softmax(nets)
            elif activation == "leaky_relu":
                outs = [leaky_relu(n, slope or 0.0) for n in nets]
            else:
                function = ELEMENTWISE[activation]
                outs = [function(n) for n in nets]
            for (name, _, _), out in zip(neurons, outs, strict=True):
                out = fixed.get((example, f"out_{name}"), out)
                values[name] = out  # the next layer reads a neuron's output by its name
                values[f"out_{name}"] = out
        return values

    def loss(self, example: int, values: Mapping[str, float]) -> float:
        targets = self.scenario.examples[example].targets
        n = len(self.outputs)
        return sum(
            loss_term(self.scenario.loss, targets[o], values[f"out_{o}"], n) for o in self.outputs
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

    def error(self, example: int, params: Sequence[float], fixed: Fixed | None = None) -> float:
        """One example's error, computed from scratch (no cache)."""
        return self.loss(example, self.forward(example, params, fixed))
