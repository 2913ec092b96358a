"""The classic example's published figures, digit for digit (Mazur 2015, as the issue lists)."""

from __future__ import annotations

import re

import pytest

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.derivation import derive

# (figure, published value, decimals printed). These are typed in from the post, not computed.
PUBLISHED = [
    ("net_h1", 0.3775, 4),
    ("out_h1", 0.593269992, 9),
    ("out_h2", 0.596884378, 9),
    ("out_o1", 0.75136507, 8),
    ("out_o2", 0.772928465, 9),
    ("E_total", 0.298371109, 9),
    ("dE_total/dw5", 0.082167041, 9),
    ("dE_total/dw1", 0.000438568, 9),
    ("new w1", 0.149780716, 9),
    ("new w2", 0.19956143, 8),
    ("new w3", 0.24975114, 8),
    ("new w4", 0.29950229, 8),
    ("new w5", 0.35891648, 8),
    ("new w6", 0.408666186, 9),
    ("new w7", 0.511301270, 9),
    ("new w8", 0.561370121, 9),
]


@pytest.fixture(scope="module")
def mazur():
    return derive(load_scenario("mazur"))


@pytest.mark.parametrize(("figure", "published", "decimals"), PUBLISHED)
def test_published_figure(mazur, figure, published, decimals):
    assert round(mazur.figures[figure], decimals) == pytest.approx(published, abs=1e-15)


def test_error_after_the_update_is_computed_correctly(mazur):
    # Not the post's 0.291027924: see test_post_order_reproduces_the_published_figure.
    assert round(mazur.E_total_after, 9) == pytest.approx(0.291027774, abs=1e-15)


def test_post_order_reproduces_the_published_figure():
    w = derive(load_scenario("mazur"), hidden_uses_updated_weights=True)
    assert round(w.E_total_after, 9) == pytest.approx(0.291027924, abs=1e-15)
    # The output-layer updates do not depend on the order.
    assert round(w.updated["w5"], 8) == pytest.approx(0.35891648, abs=1e-15)


def test_double_rounding_slip_is_not_reproduced(mazur):
    assert round(mazur.figures["dE_o2/dout_h1"], 9) == pytest.approx(-0.019049118, abs=1e-15)


def test_the_walkthrough_explains_each_slip(mazur):
    differing = {str(c.key): c for c in mazur.comparisons if not c.agrees}
    assert set(differing) == {"dE_o2/dout_h1", "E_total_after"}
    assert "double rounding" in differing["dE_o2/dout_h1"].why
    assert "--hidden-uses-updated-weights" in differing["E_total_after"].why


def test_biases_stay_fixed_in_the_classic_example(mazur):
    assert mazur.updated["b1"] == 0.35 and mazur.updated["b2"] == 0.6
    assert mazur.gradients["b1"] != 0  # derived and shown, just not applied


def test_a_comparison_shows_the_published_figures_digits_whatever_digits_says(runner):
    """--digits 4 printed `−0.019049119 │ −0.0190 │ ✗ differs`: the difference was hidden."""
    from backprop_walkthrough.cli import cli

    for digits in ("4", "12"):
        output = runner.invoke(cli, ["run", "mazur", "--digits", digits]).output
        table = output.split("published")[-1]
        assert re.search(r"∂E_o2/∂out_h1 +│ −0\.019049119 │ −0\.019049118 │ ✗", table), digits
        assert re.search(r"w5⁺ +│ +0\.35891648 │ +0\.35891648 │ ✓", table), digits
