"""One evaluation of local derivatives (engine/local.py), and every view that uses it, at
saturation: each against mpmath at 50 digits (tests/precise.py), which shares no code with it."""

from __future__ import annotations

import json

import mpmath
import pytest

from backprop_walkthrough import expression, matrices, ops, walkthrough
from backprop_walkthrough.engine.local import activation_slope, output_layer

from .. import precise

#: Each operation's derivative at x, by mpmath's own numerical differentiation of its definition.
DEFINITIONS = {
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "tanh": mpmath.tanh,
    "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
    "silu": lambda x: x / (1 + mpmath.exp(-x)),
    "exp": mpmath.exp,
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "linear": lambda x: x,
}


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@pytest.mark.parametrize("x", [-745.0, -40.0, -15.0, -1.5, 0.0, 0.3, 2.0, 15.0, 20.0, 37.0, 40.0])
def test_every_local_derivative_is_right_to_the_last_digits_however_saturated(name, x):
    with mpmath.workdps(60):
        right = mpmath.diff(DEFINITIONS[name], mpmath.mpf(x))
    got = activation_slope(name, x)
    if abs(right) < 1e-300:  # below the doubles: 0 or a subnormal
        assert abs(got) < 1e-300
    else:
        assert got == pytest.approx(float(right), rel=1e-12), (name, x, got, right)


def test_log_sqrt_relu_and_the_leaky_slope_from_the_record():
    assert activation_slope("log", 4.0) == 0.25
    assert activation_slope("sqrt", 4.0) == 0.25
    assert activation_slope("relu", 0.0) == 0.0 and activation_slope("relu", 1e-300) == 1.0
    assert activation_slope("leaky_relu", -1.0, 0.2) == 0.2
    assert activation_slope("leaky_relu", -1.0, 0.0) == 0.0  # a slope of 0 is 0
    # Every function the expression grammar accepts has a derivative form.
    for name in ops.OPERATIONS:
        assert ops.local_derivative_form(name).free_symbols <= {ops.NET, ops.OUT}


def one_output(activation: str, weight: float, target: float, loss: str, **extra) -> dict:
    return {
        "name": "saturated",
        "layers": [{"neurons": ["i1"]}, {"neurons": ["o1"], "activation": activation, **extra}],
        "weights": {"w1": {"from": "i1", "to": "o1", "value": weight}},
        "inputs": {"i1": 1.0},
        "targets": {"o1": target},
        "loss": loss,
        "learning_rate": 0.5,
    }


SATURATED = {
    "sigmoid at 30": one_output("sigmoid", 30.0, 0.0, "half_squared_error"),
    "sigmoid at 30, target 1": one_output("sigmoid", 30.0, 1.0, "half_squared_error"),
    "tanh at 15": one_output("tanh", 15.0, 0.0, "half_squared_error"),
    "tanh at 20": one_output("tanh", 20.0, -1.0, "half_squared_error"),
    "sigmoid at 37": one_output("sigmoid", 37.0, 0.0, "mean_squared_error"),
    "BCE at 40": one_output("sigmoid", 40.0, 0.0, "binary_cross_entropy"),
    "BCE at 800": one_output("sigmoid", 800.0, 0.0, "binary_cross_entropy"),
    "softmax at 30 and 0": {
        "name": "softmax",
        "layers": [
            {"neurons": ["i1"]},
            {"neurons": ["o1", "o2"], "activation": "softmax"},
        ],
        "weights": {
            "w1": {"from": "i1", "to": "o1", "value": 30.0},
            "w2": {"from": "i1", "to": "o2", "value": 0.0},
        },
        "inputs": {"i1": 1.0},
        "targets": {"o1": 1.0, "o2": 0.0},
        "loss": "cross_entropy",
        "learning_rate": 0.5,
    },
}


@pytest.mark.parametrize("case", sorted(SATURATED))
@pytest.mark.parametrize("convention", ["columns", "rows"])
def test_the_matrix_view_at_saturation_agrees_with_mpmath(case, convention):
    doc = SATURATED[case]
    w = matrices(doc, convention)
    right = precise.gradients(doc)
    for name, value in w.forms[0].gradients.items():
        assert value == pytest.approx(float(right[name]), rel=1e-12, abs=1e-300), (name, value)
    assert w.E_total == pytest.approx(float(precise.total_error(doc)), rel=1e-12)
    # and the scalar view gives the same figures
    for name, value in walkthrough(doc).gradients.items():
        assert value == pytest.approx(float(right[name]), rel=1e-12, abs=1e-300)


def test_the_saturated_cross_entropy_the_scalar_view_computes_the_matrix_view_computes():
    """The issue's scenario: E_total = 40, ∂E/∂w1 = 1 (it was refused: 1/(1 − a) at a = 1.0)."""
    w = matrices(SATURATED["BCE at 40"])
    assert w.E_total == pytest.approx(40.0, rel=1e-12)
    assert w.forms[0].gradients["w1"] == pytest.approx(1.0, rel=1e-12)


def test_output_layer_takes_delta_fused_where_the_factors_are_zero_and_infinite():
    numbers = output_layer("binary_cross_entropy", "sigmoid", [800.0], [0.0])
    assert numbers.fused == (0,) and numbers.delta == [1.0]
    assert numbers.d_out == [0.0]


@pytest.mark.parametrize(
    ("program", "value", "derivative"),
    [
        ("L = tanh(a)", 15.0, lambda a: 1 / mpmath.cosh(a) ** 2),
        ("L = tanh(a)", 20.0, lambda a: 1 / mpmath.cosh(a) ** 2),
        ("L = sigmoid(a)", 40.0, lambda a: mpmath.exp(-a) / (1 + mpmath.exp(-a)) ** 2),
        ("L = sin(a)", 0.5, mpmath.cos),
        ("L = cos(a)", 0.5, lambda a: -mpmath.sin(a)),
        ("L = 3*tanh(a*2)", 9.0, lambda a: 6 / mpmath.cosh(2 * a) ** 2),
    ],
)
def test_expr_gradients_at_saturation_agree_with_mpmath(program, value, derivative):
    w = expression(program, {"a": value})
    with mpmath.workdps(50):
        right = float(derivative(mpmath.mpf(value)))
    got = w.by_name["a"].grad
    assert got == pytest.approx(right, rel=1e-12)
    shake = next(s for s in w.shakes if s.wrt == "a")
    assert shake.verdict.value != "does not agree"


def test_a_wrong_zero_no_longer_passes_the_shake():
    """tanh′(20) was 0.0 and the shake said "agrees"; it is 1.7e−17 and the shake cannot
    resolve it (E does not move at any h it may take)."""
    w = expression("L = tanh(a)", {"a": 20.0})
    shake = w.shakes[0]
    assert shake.symbolic > 0 and shake.verdict.value == "cannot resolve"


def test_expr_at_a_relu_kink_names_the_kink_as_a_network_does(runner):
    from backprop_walkthrough.cli import cli

    w = expression("L = relu(a)", {"a": 0.0})
    assert w.shakes[0].verdict.value == "at a kink"
    result = runner.invoke(cli, ["expr", "L = relu(a)", "a=0"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "lies on relu's kink" in result.output and "the slope on the left" in result.output


def test_expr_sums_and_constants_print_as_they_compute(runner):
    from backprop_walkthrough.cli import cli

    result = runner.invoke(cli, ["expr", "o = tanh(n); L = 2*o", "n=0.5"], env={"COLUMNS": "200"})
    assert "2.000000 × (1 − tanh(0.5)²) = 1.572895" in result.output
    assert "\nt1 = 2\n" in result.output  # the constant's node is named where the graph uses it
    latex = runner.invoke(cli, ["expr", "o = tanh(n); L = 2*o", "n=0.5", "--format", "latex"])
    assert r"2.000000 \times \left(1 - \tanh^{2}\left(0.5\right)\right)" in latex.output


def test_exact_mode_reads_the_leaky_slope_from_the_record():
    """The issue's network: slope 0.2, w1 = −0.5, input 1, w2 = 1, a linear output, target 0."""
    doc = {
        "name": "leaky",
        "layers": [
            {"neurons": ["i1"]},
            {"neurons": ["h1"], "activation": "leaky_relu", "slope": 0.2},
            {"neurons": ["o1"], "activation": "linear"},
        ],
        "weights": {
            "w1": {"from": "i1", "to": "h1", "value": -0.5},
            "w2": {"from": "h1", "to": "o1", "value": 1.0},
        },
        "inputs": {"i1": 1.0},
        "targets": {"o1": 0.0},
        "learning_rate": 0.5,
    }
    exact = {k: str(v) for k, v in walkthrough(doc, exact=True).exact.items()}
    assert exact["out_h1"] == "-1/10"
    assert exact["E_total"] == "1/200"
    assert exact["dE_total/dw1"] == "-1/50"
    assert exact["dE_total/dw2"] == "1/100"
    assert exact["dout_h1/dnet_h1"] == "1/5"


def test_relu_of_a_rational_is_simplified_in_exact_mode():
    doc = {
        "name": "relu",
        "layers": [
            {"neurons": ["i1"]},
            {"neurons": ["h1"], "activation": "relu"},
            {"neurons": ["o1"], "activation": "linear"},
        ],
        "weights": {
            "w1": {"from": "i1", "to": "h1", "value": 0.625},
            "w2": {"from": "h1", "to": "o1", "value": 1.0},
        },
        "inputs": {"i1": 1.0},
        "targets": {"o1": 0.0},
        "learning_rate": 0.5,
    }
    exact = {k: str(v) for k, v in walkthrough(doc, exact=True).exact.items()}
    assert exact["out_h1"] == "5/8"


def strict_loads(text: str):
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_expr_json_is_strict_from_the_cli_and_the_api(runner):
    from backprop_walkthrough.cli import cli

    result = runner.invoke(cli, ["expr", "L = log(a)", "a=1e-7", "--format", "json"])
    assert result.exit_code == 0
    strict_loads(result.output)
    strict_loads(expression("L = log(a)", {"a": 1e-7}).export("json"))


def test_net_o2_is_correctly_rounded_on_every_python():
    """3.11's sum() gave …653; the correctly rounded value (fsum) is …655 on every Python."""
    w = walkthrough("mazur")
    assert w.figures[next(k for k in w.figures if str(k) == "net_o2")] == 1.2249214040964655
