"""The matrix view: every entry of every gradient matrix is the scalar engine's gradient of the
parameter named at that entry, in both conventions, for single examples and batches; every
shape printed is the shape of the matrix it labels; the output pinned in every format."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given, settings
from rich.console import Console

from backprop_walkthrough import load_scenario, matrices, walkthrough
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.model import Convention, MatrixWalkthrough
from backprop_walkthrough.render.matrices import pretty_side, shape_text
from backprop_walkthrough.render.matrix_layout import lay_out_matrices
from backprop_walkthrough.render.terminal import TerminalView
from backprop_walkthrough.scenario import network_names

from .. import oracle
from ..helpers import pdflatex
from ..render.test_exports import EXTENSIONS, LATEX
from .test_properties import networks


def gradients_at_entries(w: MatrixWalkthrough) -> list[dict[str, float]]:
    """Each convention's gradients read straight from the dW and db matrices (a bias at several
    entries: their sum), without the engine's links."""
    found = []
    for form in w.forms:
        gradients: dict[str, float] = {}
        for layer in form.layers:
            for step in layer.backward:
                if step.kind not in ("dW", "db"):
                    continue
                for i, row in enumerate(step.names or ()):
                    for j, name in enumerate(row):
                        if name is not None:
                            gradients[name] = gradients.get(name, 0.0) + float(step.value[i, j])
        found.append(gradients)
    return found


def assert_matches(w: MatrixWalkthrough, expected: dict[str, float], tolerance: float) -> None:
    for gradients in [*gradients_at_entries(w), *(form.gradients for form in w.forms)]:
        assert set(gradients) == set(expected)
        for name, value in expected.items():
            assert gradients[name] == pytest.approx(value, rel=tolerance, abs=tolerance), name


@pytest.mark.parametrize("name", network_names())
def test_every_entry_is_the_scalar_gradient_of_its_parameter(name):
    assert_matches(matrices(name, "both"), walkthrough(name).gradients, 1e-12)


@settings(max_examples=25)
@given(networks())
def test_random_networks_in_both_conventions(doc):
    """Random networks (every activation, every loss that fits, batches of 1 to 4): the scalar
    engine and the plain-Python oracle, which shares no code with either."""
    w = matrices(doc, "both")
    assert_matches(w, derive(load_scenario(doc)).gradients, 1e-12)
    assert_matches(w, oracle.gradients(doc), 1e-9)
    assert w.E_total == pytest.approx(oracle.total_error(doc), rel=1e-12)


def test_the_classic_entry_of_the_issue():
    """Entry (1, 2) of ∂E/∂W⁽¹⁾ is ∂E_total/∂w2 = 0.000877135 (the post's w2 figure)."""
    columns, rows = matrices("mazur", "both").forms
    weights_gradient = columns.layers[0].backward[-2]
    assert (
        weights_gradient.names[0][1] == "w2"
        and round(float(weights_gradient.value[0, 1]), 9) == 0.000877135
    )
    assert rows.layers[0].backward[-2].names[1][0] == "w2"  # rows: the transpose
    text = matrices("mazur").export("text")
    assert re.search(r"\(1, 2\) │ ∂E_total/∂w2\s+│ 0\.000877135", text)


@pytest.mark.parametrize("name", network_names())
def test_every_shape_is_the_shape_of_its_matrix(name):
    for form in matrices(name, "both").forms:
        steps = [form.inputs, form.targets, *form.sums]
        steps += [s for layer in form.layers for s in (*layer.forward, *layer.backward)]
        for step in steps:
            assert step.label.shape == step.value.shape == step.symbolic.shape, step.label
            printed = str(pretty_side(step.label, 9, shapes=True)).splitlines()
            assert printed[-1].strip() == shape_text(step.value.shape)


def test_rows_is_the_transpose_of_columns_and_sums_the_batch():
    columns, rows = matrices("xor", "both").forms
    for c, r in zip(columns.layers, rows.layers, strict=True):
        for cs, rs in zip(c.forward, r.forward, strict=True):
            assert rs.value == cs.value.transpose()
        (c_dw, c_db), (r_dw, r_db) = c.backward[-2:], r.backward[-2:]
        assert r_dw.value == c_dw.value.transpose()
        assert r_db.value == c_db.value.transpose()
        # the bias gradient is the sum over the batch of δ's columns
        delta = [s for s in c.backward if s.kind == "delta"][-1]
        for j in range(delta.value.rows):
            assert float(c_db.value[j, 0]) == pytest.approx(sum(delta.value.row(j)), abs=1e-15)


def text(name: str = "mazur", convention: str = "columns", width: int = 100, full=False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(TerminalView(lay_out_matrices(matrices(name, convention), 9, full)))
    return console.file.getvalue()


@pytest.mark.parametrize("convention", ["columns", "rows"])
def test_classic_text(convention, text_snapshot):
    assert text(convention=convention) == text_snapshot


@pytest.mark.parametrize("convention", ["columns", "rows"])
@pytest.mark.parametrize("output_format", ["markdown", "latex", "html"])
def test_classic_documents(convention, output_format, snapshot):
    document = matrices("mazur", convention).export(output_format)
    assert document == snapshot.use_extension(EXTENSIONS[output_format])


@pytest.mark.skipif(not LATEX, reason="pdflatex is not installed")
@pytest.mark.parametrize("name", ["mazur", "softmax", "wide"])  # xor has the shape of mazur
def test_latex_compiles(name, tmp_path):
    source = tmp_path / "matrices.tex"
    source.write_text(matrices(name, "both").export("latex"))
    result = pdflatex(source)
    assert result.returncode == 0, result.stdout[-2000:]
    log = (tmp_path / "matrices.log").read_text(errors="replace")
    assert "Missing character" not in log
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too", log)]
    assert all(points <= 1.0 for points in overfull), overfull  # a long side is cut, not cropped


def test_the_four_equations_in_both_conventions():
    both = text(convention="both", width=200)
    for line in (
        "δ⁽ᴸ⁾ = ∂E_total/∂a⁽ᴸ⁾ ⊙ σ′(z⁽ᴸ⁾)",
        "δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ·δ⁽ˡ⁺¹⁾) ⊙ σ′(z⁽ˡ⁾)",
        "∂E_total/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ",
        "dW⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ·dZ⁽ˡ⁾",
        "db⁽ˡ⁾ = 𝟏ᵀ·dZ⁽ˡ⁾",
    ):
        assert line in both
    # side by side at 200 columns: both captions on one line; one after the other at 80
    assert re.search(r"columns: one example a column\s+rows: one example a row", both)
    narrow = text(convention="both", width=80)
    assert not re.search(r"columns: one example a column\s+rows", narrow)
    assert max(len(line) for line in narrow.splitlines()) <= 80


def test_softmax_shows_the_jacobian_and_a_minus_y():
    shown = text("softmax")
    assert re.search(r"J⁽²⁾ = diag⎛a⁽²⁾⎞ − a⁽²⁾·a⁽²⁾ᵀ", shown)
    assert "δ⁽²⁾ = J⁽²⁾ᵀ·∂E_total/∂a⁽²⁾" in shown
    columns = matrices("softmax").forms[0]
    delta = [s for s in columns.layers[-1].backward if s.kind == "delta"][-1]
    a, y = columns.layers[-1].forward[3].value, columns.targets.value
    assert delta.simplified is not None
    assert max(abs(float(d)) for d in delta.value - (a - y)) < 1e-15


def test_big_layers_show_corners_unless_full():
    compact, full = text("wide"), text("wide", full=True)
    assert "⋯" in compact and "⋮" in compact and "--full shows every entry" in compact
    assert "⋯" not in full
    assert "1 more" not in full and "more (--full)" in compact


def test_json_has_every_matrix_with_shape_and_names(runner):
    result = runner.invoke(
        cli, ["run", "--view", "matrix", "--convention", "both", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["view"] == "matrix" and data["E_total"] == pytest.approx(0.298371109, abs=1e-9)
    columns, rows = data["conventions"]["columns"], data["conventions"]["rows"]
    first = columns["layers"][0]
    assert first["W"]["names"] == [["w1", "w2"], ["w3", "w4"]]
    assert rows["layers"][0]["W"]["names"] == [["w1", "w3"], ["w2", "w4"]]
    assert first["dW"]["names"] == first["W"]["names"]
    for layer in columns["layers"] + rows["layers"]:
        for key in ("W", "b", "z", "a", "delta", "dW", "db"):
            shape, values = layer[key]["shape"], layer[key]["values"]
            assert [len(values), len(values[0])] == shape
    assert columns["gradients"]["w5"] == pytest.approx(0.082167041, abs=1e-9)


def test_cli_options(runner):
    result = runner.invoke(cli, ["run", "--view", "matrix", "--convention", "rows"])
    assert result.exit_code == 0 and re.search(r"dW⁽¹⁾ = +Xᵀ *·dZ⁽¹⁾", result.output)
    result = runner.invoke(cli, ["run", "--convention", "rows"])
    assert result.exit_code == 2 and "--convention goes with --view matrix" in result.output
    result = runner.invoke(cli, ["run", "--view", "matrix", "--exact"])
    assert result.exit_code == 2 and "scalar view" in result.output
    assert "Traceback" not in result.output


def test_api_view_and_jupyter():
    w = walkthrough("mazur", view="matrix", convention="both")
    assert isinstance(w, MatrixWalkthrough) and [f.convention for f in w.forms] == list(Convention)
    assert w.gradients["w1"] == pytest.approx(0.000438568, abs=1e-9)
    assert "<mtable" in w._repr_html_() and r"\begin{bmatrix}" in w._repr_markdown_()


IRREGULAR = {
    "layers": [
        {"neurons": ["i1", "i2"]},
        {"neurons": ["h1", "h2", "h3"], "activation": "tanh"},
        {"neurons": ["o1", "o2"], "activation": "sigmoid"},
    ],
    "weights": {  # no i2 → h1, no h3 → o1: fixed zeros in W
        "w1": {"from": "i1", "to": "h1", "value": 0.3},
        "w2": {"from": "i1", "to": "h2", "value": -0.2},
        "w3": {"from": "i2", "to": "h2", "value": 0.5},
        "w4": {"from": "i2", "to": "h3", "value": 0.1},
        "w5": {"from": "h1", "to": "o1", "value": 0.7},
        "w6": {"from": "h2", "to": "o1", "value": -0.4},
        "w7": {"from": "h2", "to": "o2", "value": 0.2},
        "w8": {"from": "h3", "to": "o2", "value": 0.6},
    },
    "biases": {  # one bias across two layers, one neuron without a bias
        "b1": {"to": ["h1", "h2", "o2"], "value": 0.1},
        "b2": {"to": "o1", "value": -0.3},
    },
    "examples": [
        {"inputs": {"i1": 0.5, "i2": -1.0}, "targets": {"o1": 0.2, "o2": 0.9}},
        {"inputs": {"i1": -0.3, "i2": 0.8}, "targets": {"o1": 0.7, "o2": 0.1}},
    ],
    "loss": "binary_cross_entropy",
    "learning_rate": 0.1,
}


def test_missing_connections_and_biases_shared_across_layers():
    w = matrices(IRREGULAR, "both")
    assert_matches(w, oracle.gradients(IRREGULAR), 1e-12)
    assert_matches(w, derive(load_scenario(IRREGULAR)).gradients, 1e-12)
    shown = text_of(w)
    assert "A 0 without a name is a connection the scenario does not have." in shown
    assert "𝟏[b1]" in shown  # b1 feeds part of layer 2: its entries picked out


def text_of(w: MatrixWalkthrough, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(TerminalView(lay_out_matrices(w, 9, False)))
    return console.file.getvalue()


def test_explain_in_matrix_form(runner):
    result = runner.invoke(cli, ["explain", "w1", "--view", "matrix"])
    assert result.exit_code == 0, result.output
    assert "Only what ∂E_total/∂w1 rests on" in result.output
    assert "│ ∂E_total/∂w1 " in result.output and "∂E_total/∂w5" not in result.output
    assert "layer 2" in result.output  # δ⁽¹⁾ rests on δ⁽²⁾
    output = runner.invoke(cli, ["explain", "w5", "--view", "matrix"]).output
    assert "layer 1" not in output.split("Backward pass")[1]
    result = runner.invoke(cli, ["explain", "w99", "--view", "matrix"])
    assert result.exit_code == 2 and "no parameter 'w99'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", network_names())
@pytest.mark.parametrize("convention", ["columns", "rows"])
def test_no_grid_is_cut_at_80_columns(name, convention):
    """Every line fits 80 columns, and every grid on it is whole: a side too wide is cut
    before an operator, never through a matrix (a cut would leave a ⎡ without its ⎤); only
    a bracket of (Wᵀ·δ) may open on one line and close on the next."""
    shown = text(name, convention, width=80)
    for line in shown.splitlines():
        assert len(line) <= 80, line
        for left, right in ("⎡⎤", "⎢⎥", "⎣⎦"):
            assert line.count(left) == line.count(right), line


def test_scalar_options_are_refused_and_step_pages(runner):
    from backprop_walkthrough.cli.run import show_step_by_step

    for option in (["--h", "1e-5"], ["--max-parameters", "10"], ["--hidden-uses-updated-weights"]):
        result = runner.invoke(cli, ["run", "--view", "matrix", *option])
        assert result.exit_code == 2, option
        assert f"{option[0]} belongs to the scalar view" in result.output
    console = Console(file=io.StringIO(), width=100, height=20, color_system=None)
    keys = iter(" " * 100)
    show_step_by_step(matrices("mazur"), console, 9, False, lambda: next(keys))
    shown = console.file.getvalue()
    assert "— section 1/4 —" in shown and "∂E_total/∂b2" in shown


def test_a_leaky_slope_of_zero_is_zero():
    doc = {
        "layers": [
            {"neurons": ["i1"]},
            {"neurons": ["h1"], "activation": "leaky_relu", "slope": 0.0},
            {"neurons": ["o1"], "activation": "linear"},
        ],
        "weights": {
            "w1": {"from": "i1", "to": "h1", "value": -0.5},
            "w2": {"from": "h1", "to": "o1", "value": 0.7},
        },
        "inputs": {"i1": 1.0},
        "targets": {"o1": 0.2},
        "learning_rate": 0.1,
    }
    w = matrices(doc, "both")
    assert_matches(w, oracle.gradients(doc), 1e-12)
    assert w.gradients["w1"] == 0.0  # net_h1 < 0 with slope 0: no gradient at all
