"""The engine against independent oracles: SymPy's derivative of the composed E_total, a
plain-Python backprop (tests/oracle.py), and central finite differences."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.engine.scalar.network import build_network
from backprop_walkthrough.engine.scalar.numeric import NumericNetwork
from backprop_walkthrough.model import Chain, Gradient, Sum, Term
from backprop_walkthrough.ops import leaky_relu, relu, sigmoid, silu, softmax, softplus
from backprop_walkthrough.render.printing import to_text
from backprop_walkthrough.scenario import network_names

from .. import oracle
from ..helpers import document_of

BUILT_IN = network_names()
SMALL = [name for name in BUILT_IN if name != "wide"]  # cheap enough to compose in SymPy


# --- the derivative rules are the calculus facts --------------------------------------------

x, y, z = sp.symbols("x y z")


def test_sigmoid_derivative_rule_is_the_calculus_fact():
    declared = sigmoid(x).diff(x).rewrite(sp.exp)
    assert sp.simplify(declared - sp.diff(1 / (1 + sp.exp(-x)), x)) == 0


@pytest.mark.parametrize(
    ("function", "explicit"),
    [(softplus, sp.log(1 + sp.exp(x))), (silu, x / (1 + sp.exp(-x)))],
)
def test_softplus_and_silu_rules_are_the_calculus_facts(function, explicit):
    declared = function(x).diff(x).rewrite(sp.exp)
    assert sp.simplify(declared - sp.diff(explicit, x)) == 0
    assert sp.simplify(function(x).rewrite(sp.exp) - explicit) == 0


@pytest.mark.parametrize("point", [-1.5, 0.7])
def test_relu_rules_are_the_calculus_facts(point):
    for function, explicit in (
        (relu(x), sp.Max(0, x)),
        (leaky_relu(x, sp.Float(0.1)), sp.Max(sp.Float(0.1) * x, x)),
    ):
        declared = function.diff(x).subs(x, point)
        assert declared == sp.diff(explicit, x).subs(x, point)


def test_softmax_jacobian_is_the_calculus_fact():
    nets = (x, y, z)
    for k in range(3):
        explicit = sp.exp(nets[k]) / (sp.exp(x) + sp.exp(y) + sp.exp(z))
        for j, net in enumerate(nets):
            declared = softmax(sp.Integer(k), *nets).diff(net).rewrite(sp.exp)
            assert sp.simplify(declared - sp.diff(explicit, net)) == 0, (k, j)


# --- every built-in scenario against the oracle and the shake ----------------------------------


@pytest.mark.parametrize("name", BUILT_IN)
def test_gradients_match_a_plain_python_backprop(name):
    scenario = load_scenario(name)
    w = derive(scenario)
    expected = oracle.gradients(document_of(scenario))
    assert w.gradients.keys() == expected.keys()
    for parameter, value in expected.items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-12, abs=1e-15), parameter
    assert w.E_total == pytest.approx(oracle.total_error(document_of(scenario)), rel=1e-13)


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_derivative_agrees_with_its_central_difference(name):
    scenario = load_scenario(name)
    doc = document_of(scenario)
    w = derive(scenario)
    for parameter in list(w.gradients)[:60]:  # the oracle's difference is O(P) per parameter
        value = w.gradients[parameter]
        assert value == pytest.approx(oracle.central_difference(doc, parameter), abs=1e-8)
    for parameter, value in w.gradients.items():
        assert w.numeric_gradients[parameter] == pytest.approx(value, abs=1e-8)
    shakes = [s.shake for sec in w.sections for s in sec.steps if isinstance(s, Gradient)]
    assert shakes and all(shake.agrees for shake in shakes)


@pytest.mark.parametrize("name", BUILT_IN)
def test_float_forward_pass_matches_the_symbolic_one(name):
    scenario = load_scenario(name)
    numeric = NumericNetwork(scenario)
    w = derive(scenario)
    for e, forward in enumerate(w.forward):
        fast = numeric.forward(e, numeric.base)
        for key, value in forward.items():
            assert fast[key] == pytest.approx(value, rel=1e-13, abs=1e-15), key


# --- the shown chain is SymPy's derivative of the composed E_total -------------------------------


def _explicit(neuron, nets: dict) -> sp.Expr:
    """out = activation(net) written with SymPy's own functions, not our derivative rules."""
    net = nets[neuron.name]
    name = neuron.activation
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-net))
    if name == "tanh":
        return sp.tanh(net)
    if name == "relu":
        return sp.Max(0, net)
    if name == "leaky_relu":
        return sp.Max(neuron.out_expr.args[1] * net, net)
    if name == "linear":
        return net
    if name == "softplus":
        return sp.log(1 + sp.exp(net))
    if name == "silu":
        return net / (1 + sp.exp(-net))
    k, layer_nets = int(neuron.out_expr.args[0]), neuron.out_expr.args[1:]
    composed = [nets[str(n).removeprefix("net_")] for n in layer_nets]
    return sp.exp(composed[k]) / sp.Add(*(sp.exp(n) for n in composed))


def _composed(network, example) -> dict:
    """For one example: every out, net and target as an expression in the parameters."""
    exact = {network.outs[n]: sp.Rational(str(v)) for n, v in example.inputs.items()}
    exact.update({network.targets[n]: sp.Rational(str(v)) for n, v in example.targets.items()})
    for layer in network.layers[1:]:
        nets = {}
        for name in layer:
            neuron = network.neurons[name]
            nets[name] = neuron.net_expr.xreplace(exact)
            exact[neuron.net] = nets[name]
        for name in layer:
            neuron = network.neurons[name]
            exact[neuron.out] = _explicit(neuron, nets)
    return exact


def _shown(step, composed: list[dict], references: dict) -> sp.Expr:
    """The product/sum of the factors the walkthrough shows, composed."""
    if isinstance(step, Sum):
        return sp.Add(*(_shown(t, composed, references) for t in step.terms))
    e = (step.example or 1) - 1
    product = sp.Integer(1)
    for factor in step.factors:
        if factor.reference:
            product *= references[(factor.key, e)]
        else:
            product *= factor.expr.xreplace(composed[e])
    return product


@pytest.mark.slow  # a sweep: SymPy composes and differentiates each built-in's whole E_total
@pytest.mark.parametrize("name", SMALL)
def test_shown_chain_equals_sympys_derivative_of_the_composed_error(name):
    scenario = load_scenario(name)
    network = build_network(scenario)
    composed = [_composed(network, example) for example in scenario.examples]
    total = sp.Add(*(network.total_in_outputs().xreplace(c) for c in composed))
    w = derive(scenario)
    rng = random.Random(7)
    params = [network.params[p.name] for p in scenario.parameters]
    points = [{p: sp.Rational(rng.randint(-90, 90), 97) for p in params} for _ in range(2)]
    references: dict = {}
    checked = set()
    for section in w.sections:
        for step in section.steps:
            if not isinstance(step, Gradient):
                continue
            shown = _shown(step.derivation, composed, references)
            references[(step.derivation.key, (step.example or 1) - 1)] = shown
            if step.wrt not in network.params:
                continue
            expected = sp.diff(total, network.params[step.wrt])
            for point in points:
                difference = sp.N((shown - expected).xreplace(point), 40)
                assert abs(difference) < 1e-30, step.wrt
            checked.add(step.wrt)
    assert checked == {p.name for p in scenario.parameters}


# --- the textbook forms ----------------------------------------------------------------------


def _gradients(name: str) -> dict:
    w = derive(load_scenario(name))
    return {
        (s.wrt, s.example): s.derivation
        for sec in w.sections
        for s in sec.steps
        if isinstance(s, Gradient)
    }


def _forms(step: Chain) -> list[str]:
    return [to_text(f.expr, typographic=False) for f in step.factors]


def test_output_weight_chain_has_the_textbook_factors():
    chains = _gradients("mazur")
    assert to_text(chains["w5", None].label, typographic=False) == "∂E_total/∂w5"
    assert _forms(chains["w5", None]) == ["out_h1", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]
    hidden = chains["out_h1", None]
    assert isinstance(hidden, Sum)
    assert [to_text(t.label, typographic=False) for t in hidden.terms] == [
        "∂E_o1/∂out_h1",
        "∂E_o2/∂out_h1",
    ]
    assert _forms(hidden.terms[0]) == ["w5", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]
    assert _forms(chains["w1", None])[:2] == ["i1", "out_h1*(1 - out_h1)"]
    assert chains["w1", None].factors[2].reference
    bias = chains["b2", None]
    assert [to_text(t.label, typographic=False) for t in bias.terms] == ["∂E_o1/∂b2", "∂E_o2/∂b2"]
    assert _forms(bias.terms[0]) == ["1", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]


def test_activation_derivatives_in_textbook_form():
    tanh = _gradients("tanh_sigmoid")
    assert _forms(tanh["w1", None])[1] == "1 - out_h1**2"
    relu_chain = _gradients("deep_relu")["w1", None]
    assert _forms(relu_chain)[1] == "(1 if net_a1 > 0 else 0)"
    mse = _forms(tanh["w7", None])[2]
    assert mse == "-2*(target_y - out_y)", mse  # (1/N)Σ(t − o)² with N = 1


def test_deeper_layers_reuse_delta():
    chains = _gradients("deep_relu")
    hidden = chains["out_a1", None]  # a1 feeds c1 and c2, a hidden layer
    assert all(t.factors[1].reference for t in hidden.terms)
    assert [to_text(t.factors[1].label, typographic=False) for t in hidden.terms] == [
        "∂E_total/∂net_c1",
        "∂E_total/∂net_c2",
    ]
    delta = chains["net_c1", None]
    assert _forms(delta)[0] == "(1 if net_c1 > 0 else 0)"


def test_softmax_cross_entropy_simplifies_to_out_minus_target():
    chains = _gradients("softmax")
    for k in ("o1", "o2", "o3"):
        delta = chains[f"net_{k}", None]
        assert isinstance(delta, Sum) and len(delta.terms) == 3
        final = delta.simplified[-1]
        assert to_text(final.expr, typographic=False) == f"out_{k} - target_{k}"
        assert final.value == pytest.approx(delta.value, rel=1e-12)
    jacobian = _forms(chains["net_o1", None].terms[1])[0]
    assert jacobian == "-out_o1*out_o2"


def test_batch_gradient_is_a_sum_over_the_examples():
    w = derive(load_scenario("xor"))
    gradient = next(
        s for sec in w.sections for s in sec.steps if isinstance(s, Gradient) and s.wrt == "w5"
    )
    assert isinstance(gradient.derivation, Sum)
    assert [t.example for t in gradient.derivation.terms] == [1, 2, 3, 4]
    assert gradient.derivation.value == pytest.approx(
        sum(t.value for t in gradient.derivation.terms)
    )
    assert w.E_total == pytest.approx(sum(e["E_total"] for e in w.errors))
    assert isinstance(w.forward, tuple) and len(w.forward) == 4


def test_forward_formulas_read_like_the_notes():
    w = derive(load_scenario("mazur"))
    terms = {str(s.key): s for sec in w.sections for s in sec.steps if isinstance(s, Term)}
    assert to_text(terms["net_h1"].expr) == "w1·i1 + w2·i2 + b1·1"
    assert (
        to_text(terms["net_h1"].expr, terms["net_h1"].substitutions)
        == "0.15·0.05 + 0.2·0.1 + 0.35·1"
    )
    assert to_text(terms["out_h1"].expr) == "σ(net_h1)"


def test_notes_labelling_gives_the_same_gradients_under_other_names():
    mazur = derive(load_scenario("mazur")).gradients
    notes = derive(load_scenario("notes")).gradients
    # notes numbers weights by the neuron they leave: its w2 is mazur's w3, and so on.
    renamed = {
        "w1": "w1",
        "w2": "w3",
        "w3": "w2",
        "w4": "w4",
        "w5": "w5",
        "w6": "w7",
        "w7": "w6",
        "w8": "w8",
        "b1": "b1",
        "b2": "b2",
    }
    for note_name, mazur_name in renamed.items():
        assert notes[note_name] == pytest.approx(mazur[mazur_name], rel=1e-14)


def test_notes_updates_the_biases():
    w = derive(load_scenario("notes"))
    assert w.updated["b2"] == pytest.approx(0.6 - 0.5 * w.gradients["b2"], rel=1e-15)
    assert w.E_total_after < w.E_total


@pytest.mark.parametrize("name", SMALL)
def test_net_derivatives_by_the_sum_rule_equal_sympys_diff(name):
    from backprop_walkthrough.engine.scalar.calculus import Calculus

    network = build_network(load_scenario(name))
    calculus = Calculus(network)
    for neuron in network.neurons.values():
        for symbol in neuron.net_expr.free_symbols:
            assert calculus.d_net(neuron.name, symbol) == sp.diff(neuron.net_expr, symbol)


def test_activation_derivatives_by_their_own_rule_equal_sympys_diff():
    """∂out/∂net from the function's derivative rule (fdiff) is what sp.diff gives, for every
    activation of the records, softmax's Jacobian included; and ∂E_o/∂out_o for every loss."""
    from backprop_walkthrough.engine.scalar.calculus import own_rule
    from backprop_walkthrough.ops import ACTIVATION_RECORDS, LOSS_RECORDS

    nets = sp.symbols("n1 n2 n3")
    for record in ACTIVATION_RECORDS.values():
        for index, net in enumerate(nets):
            out = record.build(net, nets, index, 0.1)
            for wrt in nets:
                assert sp.simplify(own_rule(out, wrt) - sp.diff(out, wrt)) == 0, record.name
    target, out = sp.symbols("t o")
    for record in LOSS_RECORDS.values():
        total = record.term(target, out, 2) + record.term(sp.Symbol("t2"), sp.Symbol("o2"), 2)
        assert sp.diff(total, out) == sp.diff(record.term(target, out, 2), out)


@pytest.mark.parametrize("name", BUILT_IN)
def test_downstream_shakes_equal_whole_forward_passes(name):
    scenario = load_scenario(name)
    numeric = NumericNetwork(scenario)
    for p in list(scenario.parameters)[:40]:
        params = list(numeric.base)
        params[numeric.index[p.name]] += 1e-3
        whole = sum(numeric.error(e, params) for e in range(len(scenario.examples)))
        assert numeric.total_error({p.name: params[numeric.index[p.name]]}) == pytest.approx(
            whole, rel=1e-15, abs=1e-15
        )
    neuron = scenario.layers[1].neurons[0]
    value = numeric.baseline(0)[0][f"out_{neuron}"] + 1e-3
    fixed = {(0, f"out_{neuron}"): value}
    whole = sum(numeric.error(e, numeric.base, fixed) for e in range(len(scenario.examples)))
    assert numeric.total_error(fixed=fixed) == pytest.approx(whole, rel=1e-15, abs=1e-15)
