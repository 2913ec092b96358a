"""Names in running text typeset as the equations write them (render/names.py)."""

from __future__ import annotations

import sympy as sp

from backprop_walkthrough.model import FigureKey
from backprop_walkthrough.render.blocks import Code, Formula
from backprop_walkthrough.render.names import figure_formula, typeset

NAMES = {"E_total", "E_o2", "out_h1", "net_o2", "w5", "w8", "i1"}


def test_names_fractions_and_options_are_found_and_other_words_kept():
    prose = typeset(
        "the post rounds ∂E_o2/∂net_o2 and dE_o2/dout_h1, then w5…w8; "
        "E_total(x) is a call, w55 and sw5 are other words; run with --full.",
        NAMES,
    )
    formulas = [p.expr for p in prose if isinstance(p, Formula)]
    e_o2, net_o2, out_h1 = (sp.Symbol(n) for n in ("E_o2", "net_o2", "out_h1"))
    assert formulas == [
        sp.Derivative(e_o2, net_o2),
        sp.Derivative(e_o2, out_h1),  # the post's d-spelling is a ∂-fraction too
        sp.Symbol("w5"),
        sp.Symbol("w8"),
    ]
    assert Code("--full") in prose
    words = "".join(p for p in prose if isinstance(p, str))
    assert "E_total(x)" in words and "w55" in words and "sw5" in words
    assert all(p.inline for p in prose if isinstance(p, Formula))


def test_a_figure_key_as_the_equations_write_it():
    assert figure_formula(FigureKey("dE_total/dw5")).expr == sp.Derivative(
        sp.Symbol("E_total"), sp.Symbol("w5")
    )
    assert figure_formula(FigureKey("new w5")).expr == sp.Symbol("w5⁺")
    assert figure_formula(FigureKey("E_total_after")).expr == sp.Symbol("E_total⁺")
    tagged = figure_formula(FigureKey.parse("dE_total/dout_h1 via o2 [example 2]"))
    assert tagged.tag == "via o2, example 2"
