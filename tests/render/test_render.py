"""Renderers on networks other than the classic one: every shape renders, JSON stays valid."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from rich.console import Console

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.render.json import render_json
from backprop_walkthrough.render.numbers import format_operand, format_value
from backprop_walkthrough.render.terminal import render_terminal

from ..engine.test_properties import networks


@settings(max_examples=15)
@given(networks())
def test_any_network_renders_as_text_and_json(doc):
    w = derive(load_scenario(doc, source="random.yaml"))
    for width in (60, 100):
        console = Console(file=io.StringIO(), width=width, color_system=None)
        render_terminal(w, console)
        text = console.file.getvalue()
        assert "The update" in text and "shake it" in text
        assert "nan" not in text.lower().split()
    parsed = json.loads(render_json(w))
    assert parsed["gradients"] == w.gradients


def test_number_formats():
    assert format_value(0.000438567734, 9) == "0.000438568"
    assert format_value(3.5e-11, 9) == "3.500000e-11"  # never 0.000000000
    assert format_value(0.0822, 4) == "0.0822"
    assert format_value(-0.25, 3) == "-0.250"
    assert format_value(0.1 + 0.2, None) == "0.30000000000000004"
    assert format_operand(0.75136507, 9) == "0.75136507"
    assert format_operand(1.0, 9) == "1"


def test_words_inside_formulas_keep_their_spaces_and_tiny_numbers_read_as_powers_of_ten():
    """MathML trims the plain spaces at the edges of an <mtext> (Chromium drew
    "(1ifnet_h1 > 0else0)"), so the words of ReLU's derivative are padded with no-break
    spaces; LaTeX sets an operand of 4.2e−18 as 4.2 · 10^{−18}, not as e minus 18."""
    import sympy as sp

    from backprop_walkthrough.render.printing import to_latex, to_mathml

    net = sp.Symbol("net_h1")
    relu_slope = sp.Piecewise((1, net > 0), (0, True))
    assert "<mtext>&#160;if&#160;</mtext>" in to_mathml(relu_slope)
    assert "<mtext>&#160;else&#160;</mtext>" in to_mathml(relu_slope)
    out = sp.Symbol("out_o1")
    text = to_latex(out * (1 - out), {out: 1.0, 1 - out: 4.248354e-18})
    assert r"4.248354 \cdot 10^{-18}" in text and "e-18" not in text
