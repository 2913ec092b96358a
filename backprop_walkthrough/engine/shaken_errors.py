"""The shake checks of a big network, vectorised: E_total at every parameter's nudges at once.

A shake takes E_total at p ± h, ± 2h, ± 4h for every parameter: one forward pass each made the
checks of a network grow with the square of its size (6 passes × 10,000 parameters × the whole
network downstream). Here a layer's parameters are nudged all together, as rows of one array:
a weight w_jk moves only net_j, by the nudge times out_k, so the layer above receives one
column of changes and only the layers above it are computed in full, each one matrix product
for every nudge at once. The layers' equations and stable forms are the vectorised path's
(:mod:`.vectorised`); :class:`~.scalar.network_shake.NetworkShaker` reads the values from here
and computes any other nudge (a check that needs more, or a larger h) one at a time, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..scenario import Scenario
from .shake import NUDGES, scaled
from .vectorised import VectorisedStep

#: Nudged copies computed at once, at most (rows × the widest layer stay within memory).
CHUNK_ROWS = 8192


class ShakenErrors:
    """E_total with each parameter at each of its nudges: ``table[name][value]``; and with one
    example's out or net of a neuron pinned at each of its nudges: ``pinned[(example,
    "out_h1")][value]``, each nudged from ``centres(example, "out_h1")`` (the derivation's own
    value, so that the check asks for exactly these)."""

    def __init__(
        self,
        scenario: Scenario,
        h: float,
        centres: Callable[[int, str], float] | None = None,
    ) -> None:
        import numpy as np

        self.np = np
        self.step = step = VectorisedStep(scenario)
        params = np.array([p.value for p in scenario.parameters])
        extended = np.append(params, 0.0)
        self.matrices = [None] + [extended[w] for w, _b in step.gathers]
        self.biases = [None] + [extended[b] for _w, b in step.gathers]
        self.nets, self.outs = self._forward()
        self.table: dict[str, dict[float, float]] = {}
        names = step.parameters
        position = {
            n: (li, i)
            for li, layer in enumerate(scenario.layers)
            for i, n in enumerate(layer.neurons)
        }
        index = {name: i for i, name in enumerate(names)}
        for layer in range(1, len(scenario.layers)):
            # (parameter, its nudged value, (what moves, its centre)): a weight moves one net
            # (j, by the nudge times out_k); a bias, the nets of its neurons in the layer
            weights: list[tuple[str, float, Any]] = []
            biases: list[tuple[str, float, Any]] = []
            for weight in scenario.weights:
                if position[weight.target][0] == layer:
                    moved = (position[weight.target][1], position[weight.source][1])
                    weights += self._nudged(weight.name, params[index[weight.name]], h, moved)
            for bias in scenario.biases:
                targets = [position[t][1] for t in bias.targets if position[t][0] == layer]
                if targets:
                    biases += self._nudged(bias.name, params[index[bias.name]], h, targets)
            for rows, of_weights in ((weights, True), (biases, False)):
                for start in range(0, len(rows), CHUNK_ROWS):
                    chunk = rows[start : start + CHUNK_ROWS]
                    totals = self._errors(layer, chunk, of_weights)
                    for (name, value, _moved), total in zip(chunk, totals.tolist(), strict=True):
                        self.table.setdefault(name, {})[value] = total
        self.pinned: dict[tuple[int, str], dict[float, float]] = {}
        if centres is not None:
            self._pin_every_neuron(scenario, h, centres)

    def _pin_every_neuron(
        self, scenario: Scenario, h: float, centres: Callable[[int, str], float]
    ) -> None:
        """E_total with each neuron's out (hidden layers) or net (any layer) pinned, in one
        example at a time: the others keep their own errors."""
        np, step = self.np, self.step
        last = len(scenario.layers) - 1
        with np.errstate(all="ignore"):
            own = [
                float(self._example_errors(e, last, self.nets[last][e : e + 1])[0])
                for e in range(len(step.x))
            ]
        for e in range(len(step.x)):
            others = sum(own[:e] + own[e + 1 :])  # the other examples' errors, as they are
            for layer in range(1, last + 1):
                for kind in ("net", "out") if layer < last else ("net",):
                    rows = []
                    for j, neuron in enumerate(scenario.layers[layer].neurons):
                        centre = centres(e, f"{kind}_{neuron}")
                        step_h = scaled(h, centre)
                        rows += [(f"{kind}_{neuron}", j, centre + k * step_h) for k in NUDGES]
                    for start in range(0, len(rows), CHUNK_ROWS):
                        chunk = rows[start : start + CHUNK_ROWS]
                        totals = self._pinned_errors(e, layer, kind, chunk) + others
                        for (name, _j, value), total in zip(chunk, totals.tolist(), strict=True):
                            self.pinned.setdefault((e, name), {})[value] = total

    def _pinned_errors(self, e: int, layer: int, kind: str, rows: list[Any]) -> Any:
        np = self.np
        count = len(rows)
        j = np.array([r[1] for r in rows])
        values = np.array([r[2] for r in rows])
        last = len(self.step.records) - 1
        with np.errstate(all="ignore"):
            if kind == "net":
                net = np.repeat(self.nets[layer][e : e + 1], count, axis=0)
                net[np.arange(count), j] = values
                start = layer
            else:
                out = np.repeat(self.outs[layer][e : e + 1], count, axis=0)
                out[np.arange(count), j] = values
                net = out @ self.matrices[layer + 1].T + self.biases[layer + 1]
                start = layer + 1
            for above in range(start, last):
                out = self._activation(above, net)
                net = out @ self.matrices[above + 1].T + self.biases[above + 1]
            return self._example_errors(e, last, net)

    def _example_errors(self, e: int, last: int, net: Any) -> Any:
        """Example e's error for each row of the output layer's nets."""
        step = self.step
        out = self._activation(last, net)
        ends = [(end, d, at[e : e + 1]) for end, d, at in step.ends]
        errors, _delta = step.output_errors(net, out, step.t[e : e + 1], ends)
        return errors.sum(axis=1)

    @staticmethod
    def _nudged(name: str, centre: float, h: float, moved: Any) -> list[tuple[str, float, Any]]:
        step = scaled(h, float(centre))
        return [(name, float(centre) + k * step, (moved, float(centre))) for k in NUDGES]

    def _forward(self) -> tuple[list[Any], list[Any]]:
        """Every layer's nets and outs, one row per example, with the scenario's values."""
        step = self.step
        nets: list[Any] = [None]
        outs: list[Any] = [step.x]
        for layer in range(1, len(step.records)):
            net = outs[-1] @ self.matrices[layer].T + self.biases[layer]
            nets.append(net)
            outs.append(self._activation(layer, net))
        return nets, outs

    def _activation(self, layer: int, net: Any) -> Any:
        record = self.step.records[layer]
        if record is None:
            return self.step.arrays.softmax(net)
        return record.value(net, self.step.slopes[layer])

    def _errors(self, layer: int, rows: list[tuple[str, float, Any]], of_weights: bool) -> Any:
        """E_total of each nudged copy: summed over the examples."""
        np, step = self.np, self.step
        last = len(step.records) - 1
        count = len(rows)
        totals = np.zeros(count)
        # the nudge as the parameter's value moved: (centre + k·h) − centre, exactly
        shifts = np.array([value - centre for _n, value, (_moved, centre) in rows])
        if of_weights:
            j = np.array([moved[0] for _n, _v, (moved, _c) in rows])
            k = np.array([moved[1] for _n, _v, (moved, _c) in rows])
        with np.errstate(all="ignore"):
            for e in range(len(step.x)):
                net = np.repeat(self.nets[layer][e : e + 1], count, axis=0)
                if of_weights:  # net_j moves by the nudge times out_k
                    net[np.arange(count), j] += shifts * self.outs[layer - 1][e, k]
                else:  # each of the bias's neurons' nets moves by the nudge
                    for r, (_n, _v, (moved, _c)) in enumerate(rows):
                        net[r, moved] += shifts[r]
                for above in range(layer, last):
                    out = self._activation(above, net)
                    net = out @ self.matrices[above + 1].T + self.biases[above + 1]
                totals += self._example_errors(e, last, net)
        return totals
