"""Numerically right at saturation and at kinks (issue 13).

Every expected value is computed here by an independent method: ``precise.py``'s backprop in
mpmath at 50 digits, or a closed form (softplus, σ) in mpmath. Each case failed on v0.6.0: the
walkthrough refused it, or printed a gradient or an error off in its leading digits, or called a
right derivative wrong.
"""

from __future__ import annotations

import copy
import json
import math
import re

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings

from backprop_walkthrough import export, load_scenario, train, walkthrough
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.engine.scalar.fastpath import compile_step
from backprop_walkthrough.errors import BackpropError
from backprop_walkthrough.model import Gradient, Verdict

from .. import precise
from .test_properties import networks

mpmath.mp.dps = 50
#: Absolute agreement where relative agreement is beyond double precision (see the property).
ROUNDED = 1e-13


def _softplus(x: float) -> mpmath.mpf:
    return mpmath.log1p(mpmath.exp(mpmath.mpf(x)))


def _sigmoid(x: float) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(x)))


def _close(value: float, expected, rel: float = 1e-9, abs_: float = 0.0) -> bool:
    expected = float(expected)
    return abs(value - expected) <= rel * abs(expected) + abs_


def _one_weight(weight: float, target: float, loss: str = "binary_cross_entropy", **more) -> dict:
    """A single sigmoid output fed by one input of 1 through one weight: net = weight."""
    return {
        "layers": [{"neurons": ["i1"]}, {"neurons": ["o1"], "activation": "sigmoid"}],
        "weights": {"w1": {"from": "i1", "to": "o1", "value": weight}},
        "loss": loss,
        "inputs": {"i1": 1.0},
        "targets": {"o1": target},
        "learning_rate": 0.1,
        **more,
    }


def _shakes(w) -> list:
    return [
        s.shake
        for section in w.sections
        for s in section.steps
        if isinstance(s, Gradient) and s.shake is not None
    ]


def _run_and_train_agree(doc: dict) -> None:
    """`run` and `train --steps 1` give the same parameters after the step, and the same
    E_total before it."""
    w = walkthrough(doc)
    run = train(doc, steps=1)
    for name, value in w.updated.items():
        assert _close(run.parameters[name], value, 1e-12, 1e-300), name
    assert _close(run.history[0][1], w.E_total, 1e-12, 1e-300)


# --- outputs at exactly 0 and 1 in double precision -----------------------------------------


def test_an_output_of_exactly_one_with_a_target_of_zero():
    """net = 40: σ rounds to 1.0, log(1 − out) was log 0 and the walkthrough was refused."""
    doc = _one_weight(40.0, 0.0)
    w = walkthrough(doc)
    assert w.forward[0]["out_o1"] == 1.0  # the case: out is exactly 1 in double precision
    assert _close(w.E_total, _softplus(40))  # −log(1 − σ(40)) = softplus(40)
    assert _close(w.gradients["w1"], _sigmoid(40))  # (out − target)·i1
    assert all(s.verdict is Verdict.AGREES for s in _shakes(w))
    _run_and_train_agree(doc)


def test_zero_log_zero_where_the_target_equals_the_saturated_output():
    """target 1, out = 1.0: E is 0·log 0 + softplus(−40) = 4.2e−18, not −0.0 and not refused;
    the gradient is −σ(−40), not the 0 that out − target gives in doubles."""
    doc = _one_weight(40.0, 1.0)
    w = walkthrough(doc)
    assert _close(w.E_total, _softplus(-40))
    assert _close(w.gradients["w1"], -_sigmoid(-40))
    assert all(s.verdict is Verdict.AGREES for s in _shakes(w))
    _run_and_train_agree(doc)
    assert _close(train(doc, steps=1).history[0][1], _softplus(-40))


def test_an_output_of_exactly_zero_past_the_range_of_a_double():
    """net = −800: σ is 0.0 and ∂E/∂out = −0.25/out has no double; the chain is computed from
    SymPy's cancelled form i1·(out − target), and every output format says so."""
    doc = _one_weight(-800.0, 0.25)
    w = walkthrough(doc)
    assert _close(w.E_total, 0.25 * _softplus(800) + 0.75 * _softplus(-800))
    assert _close(w.gradients["w1"], _sigmoid(-800) - mpmath.mpf(0.25))
    (step,) = [s for sec in w.sections for s in sec.steps if getattr(s, "wrt", "") == "w1"]
    assert step.derivation.fused is not None and math.isnan(step.derivation.factors[2].value)
    assert "beyond double range" in export(w, "text")
    document = json.loads(export(w, "json"))
    factors = document["steps"]["w1"]["factors"]
    assert factors[2]["value"] is None and "fused" in document["steps"]["w1"]
    for output_format in ("markdown", "latex", "html"):
        assert "beyond double range" in export(w, output_format)
    _run_and_train_agree(doc)


def test_saturation_after_the_update():
    """The step carries net from −30 to 70, where out is 1.0 and log(1 − out) was log 0."""
    doc = _one_weight(-30.0, 0.9, learning_rate=100.0)
    w = walkthrough(doc)
    after = copy.deepcopy(doc)
    after["weights"]["w1"]["value"] = w.updated["w1"]
    assert _close(w.updated["w1"], precise.updated(doc)["w1"])
    assert _close(w.E_total_after, precise.total_error(after))
    _run_and_train_agree(doc)


# --- saturated derivative factors ------------------------------------------------------------


SATURATED = {
    "layers": [
        {"neurons": ["i1"]},
        {"neurons": ["h1", "h2"], "activation": "tanh"},
        {"neurons": ["o1"], "activation": "sigmoid"},
    ],
    "weights": {
        "w1": {"from": "i1", "to": "h1", "value": 20.0},  # tanh'(20) = 1.7e−17: 1 − out² = 0
        "w2": {"from": "i1", "to": "h2", "value": 0.5},
        "w3": {"from": "h1", "to": "o1", "value": 15.0},
        "w4": {"from": "h2", "to": "o1", "value": 15.0},  # net_o1 ≈ 22: σ' = 2.6e−10
    },
    "inputs": {"i1": 1.0},
    "targets": {"o1": 0.5},
    "learning_rate": 0.5,
}


def test_saturated_sigmoid_and_tanh_factors_keep_their_digits():
    """σ' and tanh' from the rounded out lost 3 and all of their digits; from net, none."""
    w = walkthrough(SATURATED)
    expected = precise.gradients(SATURATED)
    for name, value in expected.items():
        assert _close(w.gradients[name], value), name
    assert w.gradients["w1"] != 0  # 1 − 1.0² would make it 0
    _run_and_train_agree(SATURATED)


def test_a_saturated_factor_shows_arithmetic_that_is_visibly_true(runner):
    from backprop_walkthrough.cli import cli

    result = runner.invoke(cli, ["run", "-", "--full"], input=json.dumps(SATURATED))
    assert result.exit_code == 0, result.output
    # 1 − out_h1² with out_h1 = 1 would print 1 − 1² = 1.7e−17: its value is shown instead
    assert not re.search(r"= 1 − 1² ", result.output)
    assert "1 − 1²" not in result.output and "1·(1 − 1)" not in result.output


# --- kinks -------------------------------------------------------------------------------------


ON_A_KINK = {
    "layers": [
        {"neurons": ["i1", "i2"]},
        {"neurons": ["h1", "h2"], "activation": "relu"},
        {"neurons": ["o1"], "activation": "linear"},
    ],
    "weights": {
        "w1": {"from": "i1", "to": "h1", "value": 0.5},
        "w2": {"from": "i2", "to": "h1", "value": -0.25},  # net_h1 = 0.25 − 0.25 = 0 exactly
        "w3": {"from": "i1", "to": "h2", "value": 0.3},
        "w4": {"from": "i2", "to": "h2", "value": 0.2},
        "w5": {"from": "h1", "to": "o1", "value": 0.7},
        "w6": {"from": "h2", "to": "o1", "value": -0.4},
    },
    "inputs": {"i1": 0.5, "i2": 1.0},
    "targets": {"o1": 1.0},
    "learning_rate": 0.1,
}


def test_a_relu_exactly_at_its_kink_is_named_not_called_a_disagreement(runner):
    from backprop_walkthrough.cli import cli

    w = walkthrough(ON_A_KINK)
    assert w.forward[0]["net_h1"] == 0.0
    verdicts = {s.wrt: s for s in _shakes(w)}
    for name in ("w1", "w2"):
        shake = verdicts[name]
        assert shake.verdict is Verdict.KINK and shake.kinks == (("net_h1", "relu", True),)
        left, right = shake.one_sided
        assert shake.symbolic == 0 == pytest.approx(left, abs=1e-9)  # relu'(0) = 0, the left
        assert right == pytest.approx(-0.798 * (0.5 if name == "w1" else 1.0), rel=1e-6)
    assert all(s.verdict is not Verdict.DISAGREES for s in verdicts.values())
    document = json.loads(export(w, "json"))
    shake = document["steps"]["w1"]["shake"]
    assert shake["verdict"] == "at a kink" and shake["agrees"] is False
    assert shake["one_sided"]["left"] == 0.0 and shake["kinks"][0]["net"] == "net_h1"
    result = runner.invoke(cli, ["run", "-"], input=json.dumps(ON_A_KINK))
    assert "at a kink" in result.output and "does not agree" not in result.output
    assert "slope on the left" in result.output
    _run_and_train_agree(ON_A_KINK)


# --- cross-entropy targets that sum to 1 − 1e-10 ----------------------------------------------

ALMOST_ONE = {
    "layers": [
        {"neurons": ["i1"]},
        {"neurons": ["o1", "o2"], "activation": "softmax"},
    ],
    "weights": {
        "w1": {"from": "i1", "to": "o1", "value": 0.3},
        "w2": {"from": "i1", "to": "o2", "value": -0.2},
    },
    "biases": {"b1": {"to": ["o1", "o2"], "value": 0.1}},
    "loss": "cross_entropy",
    "update_biases": True,
    "inputs": {"i1": 1.0},
    "targets": {"o1": 0.3, "o2": 0.7 - 1e-10},
    "learning_rate": 0.5,
}


def test_cross_entropy_deltas_use_the_targets_as_given():
    """A bias shared by a softmax layer has a gradient of Σt·(Σout − 1) = 0: it got 1e−10
    from δ = out − target, which assumes Σt = 1, and drifted over a training run."""
    w = walkthrough(ALMOST_ONE)
    expected = precise.gradients(ALMOST_ONE)
    for name, value in expected.items():
        assert _close(w.gradients[name], value, 1e-9, 1e-15), name
    assert abs(w.gradients["b1"]) < 1e-15
    run = train(ALMOST_ONE, steps=1000)
    assert abs(run.parameters["b1"] - 0.1) < 1e-12  # v0.6.0: drifted by −5e−8
    _run_and_train_agree(ALMOST_ONE)


# --- messages ----------------------------------------------------------------------------------


def test_diverged_is_said_only_of_inf_and_nan():
    linear = {
        "layers": [{"neurons": ["i1"]}, {"neurons": ["o1"], "activation": "linear"}],
        "weights": {"w1": {"from": "i1", "to": "o1", "value": 0.5}},
        "inputs": {"i1": 1.0},
        "targets": {"o1": 1.0},
        "learning_rate": 1000,  # each step multiplies the error by 999²: past 1e308 in 60
    }
    with pytest.raises(BackpropError, match="diverged"):
        train(linear, steps=500)
    run = train(_one_weight(-800.0, 0.25), steps=20)  # saturated all along, and finite
    assert math.isfinite(run.E_total) and run.steps_run == 20


NEGATIVE_ZERO = re.compile(r"(?<![\d.])[-−]0(\.0*)?(e[-+−]?0+)?(?![\d.e])")


@pytest.mark.parametrize("output_format", ["text", "json", "markdown", "latex", "html"])
def test_no_negative_zero_is_printed(output_format):
    # 0·log 0: E_o1 = −(1·log(out) + 0·log(1 − out)) came out as −0.0
    w = walkthrough(_one_weight(800.0, 1.0))
    document = export(w, output_format)
    assert not NEGATIVE_ZERO.search(document), NEGATIVE_ZERO.search(document)
    assert "-0.0" not in export(train(_one_weight(800.0, 1.0), steps=3), "json")


# --- random networks with weights up to |w| = 10 -----------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(largest_weight=10))
def test_random_saturating_networks_match_the_50_digit_oracle(doc):
    """No finite scenario refused; every gradient within 1e-9 of mpmath's, relative — or
    1e-13 absolute, where double precision cannot do better: a residual target − out that
    cancels, or a gradient of 0 summed from terms of size 10 (|w| ≤ 10), each rounded; no right
    derivative called wrong, and every resolved wrong one caught."""
    w = derive(load_scenario(doc))  # refused before: log 0, or 0 × ∞
    expected = precise.gradients(doc)
    for name, value in expected.items():
        assert _close(w.gradients[name], value, 1e-9, ROUNDED), (name, w.gradients[name], value)
    assert _close(w.E_total, precise.total_error(doc), 1e-12, ROUNDED)
    for shake in _shakes(w):
        assert shake.verdict is not Verdict.DISAGREES, shake
        if shake.verdict is Verdict.AGREES and not shake.kinks and shake.symbolic != 0:
            for wrong in (1.5 * shake.symbolic, -shake.symbolic):
                assert not shake._replace(symbolic=wrong).agrees, (shake, wrong)
    compiled = compile_step(load_scenario(doc))
    total, _outputs, gradients = compiled.gradient([p.value for p in load_scenario(doc).parameters])
    assert _close(total, w.E_total, 1e-12, ROUNDED)
    for name, value in zip(compiled.parameters, gradients, strict=True):
        assert _close(value, w.gradients[name], 1e-9, ROUNDED), name


def test_a_shake_through_a_softmax_of_far_apart_nets_is_not_called_wrong():
    """net_o1 = 0 and net_o2 = −140: E_total = log(1 + e^(net_o2 − net_o1)) ≈ 1.6e−61, and the
    nudge of net_o1 by 1e−6 rounds in that difference at ε·140, a relative 1e−8 of the central
    difference. The derived ∂E_total/∂net_o1 = −out_o2 is exact (mpmath): the tolerance must
    count the rounding of the layer's largest net, not only of net_o1."""
    doc = {
        "layers": [{"neurons": ["i1"]}, {"neurons": ["o1", "o2"], "activation": "softmax"}],
        "weights": {
            "w1": {"from": "i1", "to": "o1", "value": 0.0},
            "w2": {"from": "i1", "to": "o2", "value": -7.0},
        },
        "loss": "cross_entropy",
        "inputs": {"i1": 20.0},
        "targets": {"o1": 1.0, "o2": 0.0},
        "learning_rate": 0.5,
    }
    w = walkthrough(doc)
    out_o2 = mpmath.exp(-140) / (1 + mpmath.exp(-140))
    assert _close(w.E_total, mpmath.log1p(mpmath.exp(-140)))
    shakes = {s.wrt: s for s in _shakes(w)}
    assert _close(shakes["net_o1"].symbolic, -out_o2)
    assert all(s.verdict is not Verdict.DISAGREES for s in shakes.values()), shakes
    assert not shakes["net_o1"]._replace(symbolic=-1.001 * float(out_o2)).agrees


@pytest.mark.parametrize("name", ["mazur", "xor", "softmax", "tanh_sigmoid", "deep_relu"])
def test_output_errors_evaluated_as_trees_equal_the_compiled_ones(name, monkeypatch):
    """A small network evaluates its output errors as trees (no lambdify, whose first call
    costs the walkthrough tens of milliseconds); a big one compiles them: the same numbers."""
    from backprop_walkthrough.engine.scalar import numeric

    scenario = load_scenario(name)
    trees = numeric.output_errors(scenario)
    monkeypatch.setattr(numeric, "COMPILE_ERRORS_FROM", 0)
    compiled = numeric.output_errors(scenario)
    outputs = len(scenario.layers[-1].neurons)
    for nets in ([0.3] * outputs, [-40.0] * outputs, [float(k) - 1.5 for k in range(outputs)]):
        for target in (0.0, 1.0, 0.25):
            for tree, program in zip(trees, compiled, strict=True):
                assert tree(nets, target) == pytest.approx(program(nets, target), rel=1e-15)
