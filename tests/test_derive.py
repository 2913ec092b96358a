"""The engine against independent oracles: SymPy's derivative of the composed E_total, a
plain-Python backprop, and central finite differences."""

from __future__ import annotations

import random

import pytest
import sympy as sp
import yaml
from hypothesis import given
from hypothesis import strategies as st

from backprop_walkthrough import Scenario, derive, load_scenario
from backprop_walkthrough.functions import sigmoid
from backprop_walkthrough.network import build_network
from backprop_walkthrough.render.printing import to_text
from backprop_walkthrough.walkthrough import Chain, Gradient, Sum, Term

from . import oracle
from .conftest import SCENARIOS

BUILT_IN = ["mazur", "notes"]


def _doc(name: str) -> dict:
    return yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())


def test_sigmoid_derivative_rule_is_the_calculus_fact():
    x = sp.Symbol("x")
    declared = sigmoid(x).diff(x).rewrite(sp.exp)
    explicit = sp.diff(1 / (1 + sp.exp(-x)), x)
    assert sp.simplify(declared - explicit) == 0


@pytest.mark.parametrize("name", BUILT_IN)
def test_gradients_match_a_plain_python_backprop(name):
    w = derive(load_scenario(name))
    expected = oracle.gradients(_doc(name))
    assert w.gradients.keys() == expected.keys()
    for parameter, value in expected.items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-12, abs=1e-15), parameter


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_gradient_agrees_with_its_central_difference(name):
    doc = _doc(name)
    w = derive(load_scenario(name))
    for parameter, value in w.gradients.items():
        assert value == pytest.approx(oracle.central_difference(doc, parameter), abs=1e-9)
        assert w.numeric_gradients[parameter] == pytest.approx(value, abs=1e-9)
    shakes = [s.shake for sec in w.sections for s in sec.steps if isinstance(s, Gradient)]
    assert shakes and all(shake.agrees for shake in shakes)


def _logistic(x: sp.Expr) -> sp.Expr:
    """The sigmoid written out, so that SymPy's own calculus (not our rule) differentiates it."""
    return 1 / (1 + sp.exp(-x))


def _composed(network) -> tuple[dict, sp.Expr]:
    """Every out symbol as a function of parameters and inputs, and E_total composed."""
    outs: dict[sp.Symbol, sp.Expr] = {}
    for neuron in network.neurons.values():
        net = neuron.net_expr.xreplace(outs)
        outs[neuron.out] = _logistic(net)
        outs[neuron.net] = net
    total = network.total_in_outputs().xreplace(outs)
    return outs, total


def _shown(step, outs, references) -> sp.Expr:
    """The product/sum of the factors the walkthrough shows, composed."""
    if isinstance(step, Sum):
        return sp.Add(*(_shown(t, outs, references) for t in step.terms))
    product = sp.Integer(1)
    for factor in step.factors:
        if factor.reference:
            product *= references[factor.key]
        else:
            product *= factor.expr.xreplace(outs)
    return product


@pytest.mark.parametrize("name", BUILT_IN)
def test_shown_factors_multiply_to_sympys_derivative_of_the_composed_error(name):
    scenario = load_scenario(name)
    network = build_network(scenario)
    outs, total = _composed(network)
    w = derive(scenario)
    references: dict[str, sp.Expr] = {}
    rng = random.Random(7)
    leaves = sorted(total.free_symbols, key=str)
    points = [{s: sp.Rational(rng.randint(-90, 90), 37) for s in leaves} for _ in range(3)]
    checked = set()
    for section in w.sections:
        for step in section.steps:
            if not isinstance(step, Gradient):
                continue
            shown = _shown(step.derivation, outs, references)
            references[step.derivation.key] = shown
            symbol = sp.Symbol(step.wrt)
            if step.wrt in network.params:
                expected = sp.diff(total, symbol)
            else:  # ∂E_total/∂out_h: differentiate with out_h as a free symbol
                partial = network.total_in_outputs()
                for neuron in reversed(list(network.neurons.values())):
                    if neuron.out != symbol:
                        partial = partial.xreplace({neuron.out: _logistic(neuron.net_expr)})
                expected = sp.diff(partial, symbol).xreplace(outs)
            for point in points:
                difference = (shown - expected).xreplace(point)
                assert abs(sp.N(difference, 40)) < 1e-30, step.wrt
            checked.add(step.wrt)
    assert {p.name for p in scenario.parameters} <= checked


def _factor_forms(step: Chain) -> list[str]:
    return [to_text(f.expr, typographic=False) for f in step.factors]


def test_output_weight_chain_has_the_textbook_factors():
    w = derive(load_scenario("mazur"))
    chains = {
        s.wrt: s.derivation for sec in w.sections for s in sec.steps if isinstance(s, Gradient)
    }
    assert to_text(chains["w5"].label, typographic=False) == "∂E_total/∂w5"
    assert _factor_forms(chains["w5"]) == ["out_h1", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]
    hidden = chains["out_h1"]
    assert isinstance(hidden, Sum)
    assert [to_text(t.label, typographic=False) for t in hidden.terms] == [
        "∂E_o1/∂out_h1",
        "∂E_o2/∂out_h1",
    ]
    assert _factor_forms(hidden.terms[0]) == ["w5", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]
    assert _factor_forms(chains["w1"])[:2] == ["i1", "out_h1*(1 - out_h1)"]
    assert chains["w1"].factors[2].reference
    bias = chains["b2"]
    assert [to_text(t.label, typographic=False) for t in bias.terms] == ["∂E_o1/∂b2", "∂E_o2/∂b2"]
    assert _factor_forms(bias.terms[0]) == ["1", "out_o1*(1 - out_o1)", "-(target_o1 - out_o1)"]


def test_forward_formulas_read_like_the_notes():
    w = derive(load_scenario("mazur"))
    terms = {s.key: s for sec in w.sections for s in sec.steps if isinstance(s, Term)}
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
    assert w.E_total_after < w.errors["E_total"]


# --- random small networks -------------------------------------------------------------------

values = st.floats(-2, 2, allow_nan=False, allow_infinity=False)


@st.composite
def networks(draw) -> dict:
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    names = [
        [
            f"{'i' if k == 0 else 'o' if k == len(sizes) - 1 else f'h{k}x'}{j + 1}"
            for j in range(size)
        ]
        for k, size in enumerate(sizes)
    ]
    layers = [{"neurons": names[0]}] + [
        {"neurons": layer, "activation": "sigmoid"} for layer in names[1:]
    ]
    weights = {}
    for k in range(len(names) - 1):
        for target in names[k + 1]:
            sources = draw(st.lists(st.sampled_from(names[k]), min_size=1, unique=True))
            for source in sources:
                weights[f"w{len(weights) + 1}"] = {
                    "from": source,
                    "to": target,
                    "value": draw(values),
                }
    biases = {}
    for layer in names[1:]:
        if draw(st.booleans()):
            biases[f"b{len(biases) + 1}"] = {"to": layer, "value": draw(values)}
    return {
        "layers": layers,
        "weights": weights,
        "biases": biases,
        "inputs": {n: draw(values) for n in names[0]},
        "targets": {n: draw(st.floats(0, 1)) for n in names[-1]},
        "learning_rate": 0.5,
        "update_biases": draw(st.booleans()),
    }


@given(networks())
def test_random_networks_match_the_oracle_and_the_shake(doc):
    w = derive(Scenario.from_dict(doc))
    expected = oracle.gradients(doc)
    for parameter, value in expected.items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-9, abs=1e-12)
        assert w.numeric_gradients[parameter] == pytest.approx(value, abs=1e-7)
    assert w.errors["E_total"] == pytest.approx(oracle.forward(doc)["E_total"], rel=1e-12)
