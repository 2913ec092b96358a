"""Rendered output pinned with syrupy. Read every diff before running --snapshot-update."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.render.json import render_json
from backprop_walkthrough.render.terminal import render_terminal
from backprop_walkthrough.scenario import network_names


def plain_text(name: str, width: int = 100, full: bool = False, **options) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    render_terminal(derive(load_scenario(name), **options), console, full=full)
    return console.file.getvalue()


@pytest.mark.parametrize("name", network_names())
def test_plain_text_walkthrough(name, text_snapshot):
    assert plain_text(name) == text_snapshot


def test_wide_network_in_full_shows_every_neuron():
    compact, full = plain_text("wide"), plain_text("wide", full=True)
    assert "The other neurons" in compact and "The other neurons" not in full
    assert "∂E_total/∂w320 = ∂net_h2n16/∂w320" in full
    assert "∂E_total/∂w320 = ∂net_h2n16/∂w320" not in compact
    assert len(full.splitlines()) > 3 * len(compact.splitlines())


def test_plain_text_in_the_posts_order(text_snapshot):
    assert plain_text("mazur", hidden_uses_updated_weights=True) == text_snapshot


@pytest.mark.parametrize("name", ["mazur", "xor"])
def test_json(name, json_snapshot):
    assert render_json(derive(load_scenario(name))) == json_snapshot


def test_narrow_terminal_keeps_every_number():
    narrow = plain_text("mazur", width=60)
    for number in ("0.298371109", "0.082167041", "0.000438568", "0.291027774"):
        assert number in narrow


@pytest.mark.parametrize(
    "case", [*network_names(), "explain b1", "smooth"], ids=lambda case: case.replace(" ", "-")
)
def test_no_formula_line_wraps_at_80_columns(case):
    """Printed without Rich's own wrapping, every line of a formula fits 80 columns: a long one
    breaks before an equals sign (or an operator) and hangs under the first equals sign."""
    from backprop_walkthrough import explain, walkthrough
    from backprop_walkthrough.render.blocks import Paragraph, plain
    from backprop_walkthrough.render.terminal import TerminalView

    from ..ops.test_activations import SMOOTH

    derived = {"explain b1": lambda: explain("mazur", "b1"), "smooth": lambda: walkthrough(SMOOTH)}
    view = TerminalView(derived.get(case, lambda: walkthrough(case))())
    prose = {plain(b.text) for b in view.document.blocks if isinstance(b, Paragraph)}
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(view, soft_wrap=True)
    lines = [line for line in console.file.getvalue().splitlines() if line.strip() not in prose]
    assert [line for line in lines if len(line) > 80] == []
    if case == "explain b1":  # the example: the value hangs under the first "="
        assert "    ∂E_total/∂b1 (via h1) = 1.000000000 × 0.241300709 × 0.036350306" in lines
        assert "                          = 0.008771355" in lines
