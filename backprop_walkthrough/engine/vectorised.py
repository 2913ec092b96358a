"""The vectorised path: a whole training step as NumPy arrays, one layer at a time.

The scalar fast path (:mod:`.scalar.fastpath`) compiles one Python statement per neuron and
weight: right for the classic example, thousands of statements per step for a layer of 64.
Here each layer is the matrix view's equations — net = out·Wᵀ + b for every example at once,
δ = f′(net) ⊙ (δ_above·W_above), ∂E/∂W = δᵀ·out_below — with the activations' stable forms
vectorised (:mod:`..ops.arrays`), the residuals at saturation written as their distance to
the end (as :mod:`.scalar.residuals` does), and the same update. ``train`` takes this path
from :data:`VECTORISED_FROM` parameters on (where it is measured to win: benchmarks/scaling.py),
for the activations and losses it covers (:func:`unsupported` says why not otherwise); the two
paths agree to 1e−12 relative (tests/engine/test_vectorised.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from ..errors import NumericalError
from ..ops import NEAR_END  # out lies on an end's side when e·out is above it
from ..ops.floats import DEFAULT_LEAKY_SLOPE
from ..scenario import Scenario

#: From this many parameters on, ``train`` runs the vectorised path (measured on one 2-core
#: machine: below it the scalar program's single statements are quicker than NumPy's calls).
VECTORISED_FROM = 250


def unsupported(scenario: Scenario, hidden_uses_updated_weights: bool = False) -> str | None:
    """Why the vectorised path cannot run ``scenario``, or None when it can."""
    from ..ops import arrays

    if hidden_uses_updated_weights:
        return "--hidden-uses-updated-weights follows the post's scalar order"
    output = scenario.layers[-1].activation
    for layer in scenario.layers[1:-1]:
        if layer.activation not in arrays.RECORDS:
            return f"a hidden {layer.activation} layer"
    loss = scenario.loss
    if (output, loss) in arrays.FUSED:
        return None
    if output in arrays.RECORDS and loss in arrays.ELEMENTWISE_LOSSES:
        return None
    return f"a {output} output layer with the {loss.replace('_', ' ')}"


class VectorisedStep:
    """The compiled step's interface (:class:`.scalar.fastpath.CompiledStep`) on arrays:
    ``step_function(params, rate)`` → [E_total, the parameters after one step…] as one array,
    ``gradient(params, rate)`` → (E_total, outputs per example, ∂E_total/∂p per parameter)."""

    def __init__(self, scenario: Scenario) -> None:
        import numpy as np

        from ..ops import arrays

        start = time.perf_counter()
        self.np, self.arrays = np, arrays
        self.scenario = scenario
        self.parameters = tuple(p.name for p in scenario.parameters)
        count = len(self.parameters)
        index = {name: i for i, name in enumerate(self.parameters)}
        layers = scenario.layers
        self.inputs = layers[0].neurons
        self.outputs = layers[-1].neurons
        self.examples = len(scenario.examples)
        position = {
            n: (li, i) for li, layer in enumerate(layers) for i, n in enumerate(layer.neurons)
        }
        # Each layer's weight matrix and bias vector as one gather from the parameters with a
        # 0 appended (index ``count``: no connection, no bias), and its weights' gradients as
        # one scatter back (each weight is one entry of one matrix).
        self.gathers: list[tuple[Any, Any]] = []
        self.shared_bias: list[bool] = []
        for li in range(1, len(layers)):
            w = np.full((len(layers[li].neurons), len(layers[li - 1].neurons)), count, np.intp)
            b = np.full(len(layers[li].neurons), count, np.intp)
            for weight in scenario.weights:
                if position[weight.target][0] == li:
                    w[position[weight.target][1], position[weight.source][1]] = index[weight.name]
            for bias in scenario.biases:
                for target in bias.targets:
                    if position[target][0] == li:
                        b[position[target][1]] = index[bias.name]
            self.gathers.append((w, b))
            used = b[b < count]
            self.shared_bias.append(len(set(used.tolist())) < len(used))
        self.x = np.array([[e.inputs[n] for n in self.inputs] for e in scenario.examples])
        self.t = np.array([[e.targets[n] for n in self.outputs] for e in scenario.examples])
        biases = {b.name for b in scenario.biases}
        self.updated = np.array(
            [scenario.update_biases or name not in biases for name in self.parameters]
        )
        self.all_updated = bool(self.updated.all())
        self.records = [arrays.RECORDS.get(layer.activation or "") for layer in layers]
        # The outputs whose target is an end of their activation (fixed for the run): only
        # there may a residual need its distance form.
        last = self.records[-1]
        self.ends = [
            (end, distance, self.t == end)
            for end, distance in (last.ends if last is not None else ())
            if (self.t == end).any()
        ]
        key = (layers[-1].activation or "", scenario.loss)
        self.fused = key in arrays.FUSED
        self.rule = arrays.FUSED[key] if self.fused else arrays.ELEMENTWISE_LOSSES[scenario.loss]
        self.slopes = [
            DEFAULT_LEAKY_SLOPE if layer.slope is None else layer.slope for layer in layers
        ]
        self.compile_seconds = time.perf_counter() - start

    # one pass -----------------------------------------------------------------------------

    def _pass(self, params: Any) -> tuple[float, Any, Any]:
        """(E_total, the last layer's outs, ∂E_total/∂p) of ``params``."""
        np, arrays, records, slopes = self.np, self.arrays, self.records, self.slopes
        count = len(params)
        extended = np.append(params, 0.0)
        last = len(records) - 1
        outs: list[Any] = [self.x]
        nets: list[Any] = [None]
        matrices: list[Any] = [None]
        for layer in range(1, last + 1):
            gather_w, gather_b = self.gathers[layer - 1]
            w = extended[gather_w]
            net = outs[-1] @ w.T + extended[gather_b]
            record = records[layer]
            out = arrays.softmax(net) if record is None else record.value(net, slopes[layer])
            outs.append(out)
            nets.append(net)
            matrices.append(w)
        total, delta = self._output(nets[last], outs[last])
        gradient = np.zeros(count + 1)
        for layer in range(last, 0, -1):
            gather_w, gather_b = self.gathers[layer - 1]
            gradient[gather_w] = delta.T @ outs[layer - 1]  # index ``count`` takes the rest
            summed = delta.sum(axis=0)
            if self.shared_bias[layer - 1]:  # one bias, several neurons: their δ add up
                gradient += np.bincount(gather_b, summed, count + 1)
            else:
                gradient[gather_b] = summed
            if layer > 1:
                record = records[layer - 1]
                assert record is not None  # a hidden layer is elementwise (never a softmax)
                slope = record.slope_of(nets[layer - 1], outs[layer - 1], slopes[layer - 1])
                delta = slope * (delta @ matrices[layer])
        return float(total), outs[last], gradient[:count]

    def _output(self, net: Any, out: Any) -> tuple[Any, Any]:
        """(E_total, δ of the output layer) of every example."""
        errors, delta = self.output_errors(net, out, self.t, self.ends)
        return errors.sum(), delta

    def output_errors(self, net: Any, out: Any, t: Any, ends: list[Any]) -> tuple[Any, Any]:
        """(each output's error, δ of the output layer) for these rows of nets and outs, with
        the residual target − out written as the distance to the end where the target is that
        end (``ends``: (end, distance, where t is it)) and out lies on its side."""
        np = self.np
        residual = t - out
        for end, distance, at_end in ends:
            near = at_end & (end * out > NEAR_END)
            residual = np.where(near, end * distance(net), residual)
        errors, gradient = self.rule(t, net, out, residual)
        if self.fused:
            return errors, gradient
        record = self.records[-1]
        assert record is not None  # an elementwise output (a softmax's loss is fused)
        return errors, record.slope_of(net, out, self.slopes[-1]) * gradient

    # the compiled step's interface ------------------------------------------------------------

    def _checked(self, params: Any) -> tuple[float, Any, Any]:
        total, outs, gradient = self._pass(params)
        if not self.np.isfinite(gradient).all() and self.np.isfinite(total):
            raise NumericalError("a gradient is not a finite number")
        return total, outs, gradient

    def advance(
        self,
        params: Any,
        rate: float,
        n: int,
        below: float,
        every: int,
        offset: int,
        stop: bool,
    ) -> list[Any]:
        """Up to ``n`` steps, one array pass each (:attr:`.scalar.compiled.CompiledStep.advance`
        says what it returns)."""
        history: list[tuple[int, float]] = []
        total = 0.0
        for i in range(n):
            result = self.step_function(params, rate)
            if stop or (offset + i) % every == 0:
                total = float(result[0]) + 0.0
                if not total < math.inf:
                    return [i, total, history, params]
                if (offset + i) % every == 0:
                    history.append((offset + i, total))
                if total < below:
                    return [i, total, history, params]
            params = result[1:]
        return [n, total, history, params]

    def step_function(self, params: Sequence[float], rate: float) -> Any:
        np = self.np
        params = np.asarray(params, dtype=float)
        with np.errstate(all="ignore"):  # an overflow is a divergence the run reports
            total, _outs, gradient = self._checked(params)
            moved = params - rate * gradient
            if not self.all_updated:
                moved = np.where(self.updated, moved, params)
        result = np.empty(len(params) + 1)
        result[0] = total
        result[1:] = moved
        return result

    def gradient(
        self, params: Sequence[float], rate: float = 0.0
    ) -> tuple[float, list[list[float]], list[float]]:
        np = self.np
        with np.errstate(all="ignore"):
            total, outs, gradient = self._checked(np.asarray(params, dtype=float))
        return total, outs.tolist(), gradient.tolist()
