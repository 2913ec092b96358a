"""Property tests over random small networks: every activation, every loss that fits, shared
and per-neuron biases, batches of 1 to 4 examples.

Each network's symbolic gradients must equal an independent plain-Python backprop and agree
with central differences; on the smallest ones, the shown chains must also equal SymPy's
derivative of the composed E_total.
"""

from __future__ import annotations

import random

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.engine.scalar.network import build_network
from backprop_walkthrough.model import Gradient

from .. import oracle
from .test_derivation import _composed, _shown

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softplus", "silu"]
KINKED = {"relu", "leaky_relu"}
values = st.floats(-2, 2, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def networks(
    draw, max_hidden_layers: int = 3, max_neurons: int = 5, largest_weight: float = 2
) -> dict:
    """A scenario document for a random small feed-forward network, its weights and biases
    drawn from [−largest_weight, largest_weight] and its inputs from [−2, 2]."""
    parameters = st.floats(
        -largest_weight,
        largest_weight,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )
    hidden = draw(st.lists(st.integers(1, max_neurons), min_size=1, max_size=max_hidden_layers))
    output_kind, loss = draw(
        st.sampled_from(
            [
                ("elementwise", "half_squared_error"),
                ("elementwise", "mean_squared_error"),
                ("sigmoid", "binary_cross_entropy"),
                ("softmax", "cross_entropy"),
                ("softmax", "half_squared_error"),
            ]
        )
    )
    n_out = draw(st.integers(2, 3)) if output_kind == "softmax" else draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)), *hidden, n_out]
    names = [
        [
            f"{'i' if k == 0 else 'o' if k == len(sizes) - 1 else f'h{k}x'}{j + 1}"
            for j in range(size)
        ]
        for k, size in enumerate(sizes)
    ]
    layers: list[dict] = [{"neurons": names[0]}]
    for layer in names[1:-1]:
        activation = draw(st.sampled_from(HIDDEN))
        spec = {"neurons": layer, "activation": activation}
        if activation == "leaky_relu":
            spec["slope"] = draw(st.sampled_from([0.01, 0.1, 0.3]))
        layers.append(spec)
    output_activation = {
        "elementwise": draw(st.sampled_from(["sigmoid", "tanh", "linear"])),
        "sigmoid": "sigmoid",
        "softmax": "softmax",
    }[output_kind]
    layers.append({"neurons": names[-1], "activation": output_activation})
    weights = {}
    for k in range(len(names) - 1):
        for target in names[k + 1]:
            sources = draw(st.lists(st.sampled_from(names[k]), min_size=1, unique=True))
            for source in sources:
                weights[f"w{len(weights) + 1}"] = {
                    "from": source,
                    "to": target,
                    "value": draw(parameters),
                }
        feeding = {w["from"] for w in weights.values()}
        for source in names[k]:  # a neuron that feeds nothing is refused: give it a weight
            if source not in feeding:
                weights[f"w{len(weights) + 1}"] = {
                    "from": source,
                    "to": draw(st.sampled_from(names[k + 1])),
                    "value": draw(parameters),
                }
    biases: dict = {}
    for layer in names[1:]:
        kind = draw(st.sampled_from(["none", "shared", "each"]))
        if kind == "shared":
            biases[f"b{len(biases) + 1}"] = {"to": layer, "value": draw(parameters)}
        elif kind == "each":
            for neuron in layer:
                biases[f"b{len(biases) + 1}"] = {"to": neuron, "value": draw(parameters)}

    def targets() -> dict:
        if loss == "cross_entropy":
            hot = draw(st.sampled_from(names[-1]))
            return {n: 1.0 if n == hot else 0.0 for n in names[-1]}
        if loss == "binary_cross_entropy":
            return {n: draw(st.floats(0, 1)) for n in names[-1]}
        return {n: draw(values) for n in names[-1]}

    examples = [
        {"inputs": {n: draw(values) for n in names[0]}, "targets": targets()}
        for _ in range(draw(st.integers(1, 4)))
    ]
    doc = {
        "layers": layers,
        "weights": weights,
        "biases": biases,
        "loss": loss,
        "learning_rate": 0.5,
        "update_biases": draw(st.booleans()),
    }
    if len(examples) == 1:
        doc.update(examples[0])
    else:
        doc["examples"] = examples
    return doc


def _near_a_kink(doc: dict, w) -> bool:
    """A ReLU net within 1e-4 of 0: the shake straddles the kink and may rightly disagree."""
    kinked = {
        n for layer in doc["layers"][1:] if layer["activation"] in KINKED for n in layer["neurons"]
    }
    return any(abs(forward[f"net_{n}"]) < 1e-4 for forward in w.forward for n in kinked)


@settings(max_examples=60)
@given(networks())
def test_random_networks_match_the_oracle_and_the_shake(doc):
    w = derive(load_scenario(doc))
    expected = oracle.gradients(doc)
    for parameter, value in expected.items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-9, abs=1e-12), parameter
    assert w.E_total == pytest.approx(oracle.total_error(doc), rel=1e-12)
    if _near_a_kink(doc, w):
        return
    for parameter, value in expected.items():
        assert oracle.central_difference(doc, parameter) == pytest.approx(value, abs=1e-6)
        assert w.numeric_gradients[parameter] == pytest.approx(value, abs=1e-6)
    shakes = [
        s.shake
        for sec in w.sections
        for s in sec.steps
        if isinstance(s, Gradient) and s.shake is not None
    ]
    assert all(s.agrees for s in shakes)


@settings(max_examples=12)
@given(networks(max_hidden_layers=2, max_neurons=2))
def test_random_chains_equal_sympys_derivative_of_the_composed_error(doc):
    scenario = load_scenario(doc)
    network = build_network(scenario)
    composed = [_composed(network, example) for example in scenario.examples]
    total = sp.Add(*(network.total_in_outputs().xreplace(c) for c in composed))
    w = derive(scenario)
    rng = random.Random(11)
    point = {
        network.params[p.name]: sp.Rational(rng.randint(-90, 90) or 1, 97)
        for p in scenario.parameters
    }
    kinked = [n for n in network.neurons.values() if n.activation in KINKED]
    if any(c[n.net].xreplace(point) == 0 for c in composed for n in kinked):
        return  # a ReLU exactly at its kink: SymPy's Heaviside(0) = 1/2 is a convention too
    # Evaluated in 40-digit Floats: SymPy folds each node to a number as xreplace rebuilds
    # it, where evalf of the exact expression would walk its shared subtrees again and again.
    at = {symbol: sp.Float(value, 40) for symbol, value in point.items()}
    references: dict = {}
    for section in w.sections:
        for step in section.steps:
            if not isinstance(step, Gradient):
                continue
            shown = _shown(step.derivation, composed, references)
            references[(step.derivation.key, (step.example or 1) - 1)] = shown
            if step.wrt in network.params:
                expected = sp.N(sp.diff(total, network.params[step.wrt]).xreplace(at), 30)
                difference = sp.N(shown.xreplace(at), 30) - expected
                # A leaky ReLU's slope is a 15-digit Float: allow for its rounding.
                assert abs(difference) <= 1e-12 * (1 + abs(expected)), step.wrt
