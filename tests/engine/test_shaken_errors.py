"""The vectorised shake values against the scalar forward pass, nudge by nudge.

:class:`ShakenErrors` computes E_total at every parameter's six nudges at once; the scalar
:class:`NumericNetwork` (itself checked against the derivation) computes each alone. They must
agree to the rounding of E: a few units in the last place.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine import shaken_errors
from backprop_walkthrough.engine.scalar.numeric import NumericNetwork
from backprop_walkthrough.engine.shake import NUDGES, scaled
from backprop_walkthrough.engine.shaken_errors import ShakenErrors
from backprop_walkthrough.engine.vectorised import unsupported
from backprop_walkthrough.scenario import network_names

from .test_vectorised import saturating

#: E_total's own rounding, relative: the two sum their terms in different orders.
ROUNDING = 4e-15


def _agree(scenario, h: float = 1e-6) -> None:
    numeric = NumericNetwork(scenario)

    def centre(example: int, name: str) -> float:
        return numeric.baseline(example)[0][name]

    shaken = ShakenErrors(scenario, h, centre)
    table = shaken.table
    assert set(table) == {p.name for p in scenario.parameters}
    for p in scenario.parameters:
        expected = {p.value + k * scaled(h, p.value) for k in NUDGES}
        assert set(table[p.name]) == expected, p.name  # the very values the shake asks for
        for value, error in table[p.name].items():
            assert error == pytest.approx(
                numeric.total_error({p.name: value}), rel=ROUNDING, abs=1e-300
            ), (p.name, value)
    # one example's out (hidden neurons) or net (every neuron) pinned at its nudges
    hidden = [n for layer in scenario.layers[1:-1] for n in layer.neurons]
    every = [n for layer in scenario.layers[1:] for n in layer.neurons]
    names = [f"out_{n}" for n in hidden] + [f"net_{n}" for n in every]
    assert set(shaken.pinned) == {(e, n) for e in range(len(scenario.examples)) for n in names}
    for (e, name), values in shaken.pinned.items():
        assert set(values) == {centre(e, name) + k * scaled(h, centre(e, name)) for k in NUDGES}
        for value, error in values.items():
            expected = numeric.total_error(fixed={(e, name): value})
            assert error == pytest.approx(expected, rel=ROUNDING, abs=1e-300), (e, name)


@pytest.mark.parametrize("name", network_names())
def test_every_built_in_agrees_with_the_scalar_forward_pass(name):
    _agree(load_scenario(name))


def test_chunks_give_the_same_values(monkeypatch):
    scenario = load_scenario("wide")
    whole = ShakenErrors(scenario, 1e-6).table
    monkeypatch.setattr(shaken_errors, "CHUNK_ROWS", 7)  # chunks that cut a parameter's nudges
    assert ShakenErrors(scenario, 1e-6).table == whole


@settings(max_examples=25, deadline=None)
@given(saturating())
def test_random_networks_agree(doc):
    scenario = load_scenario(doc, source="random")
    if unsupported(scenario) is None:
        _agree(scenario, h=1e-4)


def test_a_big_network_takes_its_shake_values_from_the_arrays(monkeypatch):
    """wide (420 parameters) is past the vectorised path's size: its checks read the tables
    (the parameters', and each neuron's pinned out and net), and every one still agrees."""
    from backprop_walkthrough.engine.scalar.derivation import derive
    from backprop_walkthrough.model import Gradient, steps_of

    computed = []
    real = ShakenErrors.__init__

    def spy(self, *args):
        computed.append(args)
        real(self, *args)

    monkeypatch.setattr(ShakenErrors, "__init__", spy)
    w = derive(load_scenario("wide"))
    assert len(computed) == 1  # once for the whole derivation
    shakes = [g.shake for g in steps_of(w.sections, Gradient) if g.shake is not None]
    assert shakes and all(s.agrees for s in shakes)
    derive(load_scenario("mazur"))
    assert len(computed) == 1  # a small network nudges one parameter at a time
