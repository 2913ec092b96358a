"""The vectorised path against the scalar one: the same E_total and gradients, to 1e−12.

The scalar fast path is the reference (it is checked against SymPy, a hand-written backprop and
central differences elsewhere). Both evaluate the same stable forms, so they agree to the
rounding of a different order of summation: 1e−12 relative, plus, for a gradient whose terms
cancel, 1e−12 of the largest gradient of the network (a sum of terms of that size that comes
to nearly 0 keeps only their absolute rounding).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.fastpath import compile_step
from backprop_walkthrough.engine.training import train
from backprop_walkthrough.engine.vectorised import VECTORISED_FROM, VectorisedStep, unsupported
from backprop_walkthrough.scenario import network_names

from .test_properties import networks

RELATIVE = 1e-12


def _agree(scenario) -> None:
    params = [p.value for p in scenario.parameters]
    e_scalar, outs_scalar, g_scalar = compile_step(scenario).gradient(params, 0.5)
    e_vector, outs_vector, g_vector = VectorisedStep(scenario).gradient(params, 0.5)
    assert math.isclose(e_vector, e_scalar, rel_tol=RELATIVE, abs_tol=1e-300), (e_vector, e_scalar)
    flat = [o for row in outs_scalar for o in row]
    assert [o for row in outs_vector for o in row] == pytest.approx(flat, rel=RELATIVE, abs=1e-300)
    scale = max(abs(g) for g in g_scalar)
    for name, a, b in zip(scenario.parameters, g_scalar, g_vector, strict=True):
        assert abs(a - b) <= RELATIVE * (abs(a) + scale) + 1e-300, (name.name, a, b)


@pytest.mark.parametrize("name", network_names())
def test_every_built_in_the_vectorised_path_covers_agrees(name):
    scenario = load_scenario(name)
    if unsupported(scenario) is not None:
        pytest.skip(f"{name}: {unsupported(scenario)}")  # pragma: no cover - all are covered
    _agree(scenario)


def _saturated(output: str, loss: str, net: float, target: float) -> dict:
    """One output neuron driven to net ≈ ``net`` (a weight of ``net`` on an input of 1)."""
    outputs = ["o1", "o2"] if output == "softmax" else ["o1"]
    targets = {"o1": target, "o2": 1 - target} if output == "softmax" else {"o1": target}
    return {
        "layers": [
            {"neurons": ["i1"]},
            {"neurons": ["h1"], "activation": "tanh"},
            {"neurons": outputs, "activation": output},
        ],
        "weights": {
            "w1": {"from": "i1", "to": "h1", "value": 3.0},
            **{
                f"w{2 + k}": {"from": "h1", "to": o, "value": net * (1 if k == 0 else -1)}
                for k, o in enumerate(outputs)
            },
        },
        "biases": {},
        "inputs": {"i1": 1.0},
        "targets": targets,
        "loss": loss,
        "learning_rate": 0.5,
    }


@pytest.mark.parametrize(
    ("output", "loss", "target"),
    [
        ("sigmoid", "half_squared_error", 1.0),
        ("sigmoid", "half_squared_error", 0.0),
        ("sigmoid", "binary_cross_entropy", 1.0),
        ("sigmoid", "mean_squared_error", 1.0),
        ("tanh", "half_squared_error", 1.0),
        ("softmax", "cross_entropy", 1.0),
    ],
)
@pytest.mark.parametrize("net", [8.0, 30.0, 40.0, 700.0])
def test_saturated_outputs_agree_to_their_last_digits(output, loss, target, net):
    """Where out is 1.0 in double precision, the residual is the distance to the end (4e−18
    at net = 40): a path that computed target − out would give 0 and a gradient of 0."""
    scenario = load_scenario(_saturated(output, loss, net, target), source="saturated")
    _agree(scenario)
    _e, _outs, gradient = VectorisedStep(scenario).gradient([p.value for p in scenario.parameters])
    if net <= 40:  # (at 700 the true gradient, e^−1400, is below the range of a double)
        assert any(g != 0 for g in gradient)  # the precise residual, not a cancelled 0


@st.composite
def saturating(draw) -> dict:
    """A random network (tests/engine/test_properties.py's) with weights up to 6, so that some
    neurons saturate, and (often) its targets at their activation's ends."""
    doc = draw(networks(largest_weight=6))
    output = doc["layers"][-1]["activation"]
    if draw(st.booleans()) and doc["loss"] != "cross_entropy":
        ends = {"sigmoid": [0.0, 1.0], "tanh": [-1.0, 1.0]}.get(output, [0.0])
        examples = doc.get("examples", [doc])
        for example in examples:
            example["targets"] = {n: draw(st.sampled_from(ends)) for n in example["targets"]}
    return doc


@settings(max_examples=50, deadline=None)
@given(saturating())
def test_random_networks_agree(doc):
    scenario = load_scenario(doc, source="random")
    if unsupported(scenario) is not None:  # a softmax with the squared error: scalar only
        return
    _agree(scenario)


def test_a_run_on_either_path_is_the_same_run():
    scenario = load_scenario("xor")
    scalar = train(scenario, 300, vectorised=False)
    vector = train(scenario, 300, vectorised=True)
    assert [e for _s, e in vector.history] == pytest.approx(
        [e for _s, e in scalar.history], rel=1e-10
    )
    assert vector.parameters == pytest.approx(scalar.parameters, rel=1e-10)
    assert all(type(v) is float for v in vector.parameters.values())


def test_train_takes_the_vectorised_path_for_big_networks_it_covers():
    from backprop_walkthrough.engine.training import step_for

    wide = load_scenario("wide")
    assert len(wide.parameters) >= VECTORISED_FROM
    assert isinstance(step_for(wide), VectorisedStep)
    assert not isinstance(step_for(load_scenario("mazur")), VectorisedStep)
    assert not isinstance(step_for(wide, vectorised=False), VectorisedStep)


def test_what_the_vectorised_path_does_not_cover_says_why():
    doc = _saturated("softmax", "half_squared_error", 1.0, 1.0)
    scenario = load_scenario(doc, source="softmax-mse")
    assert unsupported(scenario) == "a softmax output layer with the half squared error"
    assert "post's scalar order" in unsupported(load_scenario("mazur"), True)
    with pytest.raises(ValueError, match="does not cover a softmax output layer"):
        train(scenario, 1, vectorised=True)
    assert train(scenario, 1).steps_run == 1  # the scalar path runs it
