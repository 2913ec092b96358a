"""The shake check of a network: what :func:`.shake.shake` needs to know of one.

How E_total is taken with one parameter (or one example's out or net) nudged, how far the
rounding of the nets the nudge passes through moves it (the check's tolerance), and which ReLU
kinks downstream of it the nudge lies on or crosses (the check then names the kink).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sympy as sp

from ... import ops
from ...model import EPSILON, Shake
from ..shake import shake
from .network import Network
from .numeric import NumericNetwork

if TYPE_CHECKING:
    from ..shaken_errors import ShakenErrors


class NetworkShaker:
    def __init__(
        self, network: Network, numeric: NumericNetwork, examples: Sequence[Any], h: float
    ) -> None:
        self.network = network
        self.numeric = numeric
        self.examples = examples  # each with .values and .delta_value as derived so far
        self.h = h
        # For the kink check: the neurons each one feeds, and all it reaches.
        self.kinked = {
            n
            for n, neuron in network.neurons.items()
            if ops.activation(neuron.activation).slope_at_kink
        }
        self.successors: dict[str, set[str]] = {n: set() for n in network.outs}
        for w in network.scenario.weights:
            self.successors[w.source].add(w.target)
        self.downstream: dict[str, set[str]] = {}
        for layer in reversed(network.layers[1:]):
            for n in layer:
                self.downstream[n] = {n}.union(*(self.downstream[m] for m in self.successors[n]))

    @cached_property
    def nudged(self) -> ShakenErrors | None:
        """E_total at every nudge a check asks for, computed all at once for a big network the
        vectorised path covers (:mod:`..shaken_errors`); None otherwise (one at a time)."""
        from ..vectorised import VECTORISED_FROM, unsupported

        scenario = self.network.scenario
        if len(scenario.parameters) < VECTORISED_FROM or unsupported(scenario) is not None:
            return None
        from ..shaken_errors import ShakenErrors

        def centre(example: int, name: str) -> float:
            return float(self.examples[example].values[sp.Symbol(name)])

        return ShakenErrors(scenario, self.h, centre)

    def check(self, wrt: str, symbolic: float, example: int | None = None) -> Shake:
        """Nudge a parameter (or, for ``example``, one out/net of that example): :func:`shake`."""
        if example is None:
            centre = self.numeric.base[self.numeric.index[wrt]]
            nudged = self.nudged
            known: dict[float, float] = nudged.table.get(wrt, {}) if nudged is not None else {}

            def error_at(value: float) -> float:
                if value in known:
                    return known[value]
                return self.numeric.total_error({wrt: value})

        else:
            centre = self.examples[example].values[sp.Symbol(wrt)]
            nudged = self.nudged
            pinned: dict[float, float] = (
                nudged.pinned.get((example, wrt), {}) if nudged is not None else {}
            )

            def error_at(value: float) -> float:
                if value in pinned:
                    return pinned[value]
                return self.numeric.total_error(fixed={(example, wrt): value})

        return shake(
            wrt,
            centre,
            symbolic,
            error_at,
            self.h,
            self.forward_rounding(wrt, example),
            lambda h: self.kinks(wrt, centre, h, example),
        )

    def reach(self, wrt: str, example: int | None) -> tuple[set[str], range]:
        """The neurons whose nets a nudge of ``wrt`` moves, and the examples it moves them in."""
        if example is None:
            starts = self.numeric.feeds[wrt]
            examples = range(len(self.examples))
        else:
            neuron = wrt.split("_", 1)[1]
            starts = {neuron} if wrt.startswith("net_") else self.successors[neuron]
            examples = range(example, example + 1)
        reach = set().union(*(self.downstream[n] for n in starts)) if starts else set()
        return reach, examples

    def forward_rounding(self, wrt: str, example: int | None) -> float:
        """How far E moves when each net the nudge passes through rounds by a unit in its last
        place: Σ |δ_m|·ε·|net_m|. A net of 34 rounds at 7e−15, and where ∂E/∂net is as large
        as E itself, that is a relative error in E no smaller estimate of rounding sees. A
        softmax subtracts the nets of its layer from each other: there the largest one counts."""
        network = self.network
        reach, examples = self.reach(wrt, example)
        total = 0.0
        for e in examples:
            ex = self.examples[e]
            for n in reach:
                neuron = network.neurons[n]
                mixed = [n] if neuron.elementwise else network.layers[neuron.layer]
                net = max(abs(ex.values[network.neurons[m].net]) for m in mixed)
                total += abs(ex.delta_value.get(n, 0.0)) * net
        return EPSILON * total

    def kinks(
        self, wrt: str, centre: float, h: float, example: int | None
    ) -> tuple[tuple[str, str, bool], ...]:
        """The ReLU kinks downstream of ``wrt`` that the nudge of ±4h lies on or crosses."""
        if not self.kinked:
            return ()
        network = self.network
        reach, examples = self.reach(wrt, example)
        found: dict[str, tuple[str, str, bool]] = {}
        for e in examples:
            if example is None:
                low = self.numeric.values_at(e, {wrt: centre - 4 * h})
                high = self.numeric.values_at(e, {wrt: centre + 4 * h})
            else:
                low = self.numeric.values_at(e, fixed={(e, wrt): centre - 4 * h})
                high = self.numeric.values_at(e, fixed={(e, wrt): centre + 4 * h})
            for name in sorted(reach & self.kinked):
                net = f"net_{name}"
                on = self.examples[e].values[network.neurons[name].net] == 0
                if on or (low[net] > 0) != (high[net] > 0):
                    activation = network.neurons[name].activation
                    if net not in found or on:
                        found[net] = (net, activation, on)
        return tuple(found.values())
