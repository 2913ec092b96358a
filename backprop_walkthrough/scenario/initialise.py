"""Weights and biases a scenario does not list, drawn from a seeded generator (``init:``).

.. code-block:: yaml

    init:
      seed: 7             # the same seed gives the same numbers on every machine and Python
                          # (drawn from random() alone: see draws.py)
      uniform: [-1, 1]    # or  normal: [mean, std]  or  xavier: uniform | xavier: normal
      biases: true        # give each non-input neuron without a bias its own (default: true)

Generation order, fixed so that files stay reproducible:

1. Weights, layer by layer; within a layer target neuron by target neuron, and for each target
   source neuron by source neuron. Every connection between consecutive layers gets a weight
   named ``w1``, ``w2``, … in that order — the classic example's own numbering.
2. Then one bias per non-input neuron that has none, in layer order, named ``b`` + the neuron
   (``bh1``). Xavier initialisation sets biases to 0, as is usual.

A value is drawn for every connection and neuron, listed or not, so listing a parameter never
changes the others. Parameters listed in the file win: a listed weight replaces the generated
one on the same connection, a listed bias keeps its neurons from getting a generated one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from .draws import Draws
from .types import Bias, Layer, Weight


class InitSpec(NamedTuple):
    seed: int
    method: str  # uniform, normal, xavier_uniform, xavier_normal
    low_or_mean: float = 0.0
    high_or_std: float = 0.0
    biases: bool = True

    def describe(self) -> str:
        if self.method == "uniform":
            how = f"uniform on [{self.low_or_mean:g}, {self.high_or_std:g}]"
        elif self.method == "normal":
            how = f"normal with mean {self.low_or_mean:g} and std {self.high_or_std:g}"
        else:
            how = f"Xavier ({self.method.removeprefix('xavier_')}), biases 0"
        return f"unlisted parameters drawn {how}, seed {self.seed}"


class _Draw:
    def __init__(self, spec: InitSpec) -> None:
        self.spec = spec
        self.rng = Draws(spec.seed)

    def weight(self, fan_in: int, fan_out: int) -> float:
        spec, rng = self.spec, self.rng
        if spec.method == "uniform":
            return rng.uniform(spec.low_or_mean, spec.high_or_std)
        if spec.method == "normal":
            return rng.gauss(spec.low_or_mean, spec.high_or_std)
        if spec.method == "xavier_uniform":
            limit = math.sqrt(6 / (fan_in + fan_out))
            return rng.uniform(-limit, limit)
        return rng.gauss(0.0, math.sqrt(2 / (fan_in + fan_out)))

    def bias(self) -> float:
        if self.spec.method.startswith("xavier"):
            return 0.0
        return self.weight(1, 1)


def connections(layers: Sequence[Layer]) -> list[tuple[str, str]]:
    """Every (source, target) between consecutive layers, in generation order."""
    return [
        (source, target)
        for previous, layer in zip(layers, layers[1:], strict=False)
        for target in layer.neurons
        for source in previous.neurons
    ]


def generate(
    spec: InitSpec, layers: Sequence[Layer], listed: Sequence[Weight], listed_biases: Sequence[Bias]
) -> tuple[tuple[Weight, ...], tuple[Bias, ...]]:
    """All weights and biases: the listed ones, and generated ones for the rest."""
    draw = _Draw(spec)
    by_connection = {(w.source, w.target): w for w in listed}
    sizes = {n: len(layer.neurons) for layer in layers for n in layer.neurons}
    fan_in = {
        n: len(prev.neurons)
        for prev, layer in zip(layers, layers[1:], strict=False)
        for n in layer.neurons
    }
    weights: list[Weight] = []
    for number, (source, target) in enumerate(connections(layers), start=1):
        value = draw.weight(fan_in[target], sizes[target])
        weights.append(
            by_connection.get((source, target), Weight(f"w{number}", source, target, value))
        )
    biases = list(listed_biases)
    if spec.biases:
        fed = {n for b in listed_biases for n in b.targets}
        for layer in layers[1:]:
            for neuron in layer.neurons:
                value = draw.bias()
                if neuron not in fed:
                    biases.append(Bias(f"b{neuron}", (neuron,), value))
    return tuple(weights), tuple(biases)
