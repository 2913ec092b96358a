"""One record per activation and loss (ops.py): softplus and silu, added as records, work
everywhere — the walkthrough, training, every export — and no other module names an activation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml

from backprop_walkthrough import export, load_scenario, train, walkthrough
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.scalar.fastpath import compile_step
from backprop_walkthrough.ops import ACTIVATION_RECORDS, LOSS_RECORDS

from .. import oracle
from ..conftest import ROOT

SMOOTH = yaml.safe_load(
    """
name: smooth
layers:
  - neurons: [i1, i2]
  - {neurons: [h1, h2], activation: softplus}
  - {neurons: [g1, g2], activation: silu}
  - {neurons: [o1], activation: sigmoid}
weights:
  w1: {from: i1, to: h1, value: 0.15}
  w2: {from: i2, to: h1, value: -0.2}
  w3: {from: i1, to: h2, value: 0.25}
  w4: {from: i2, to: h2, value: 0.3}
  w5: {from: h1, to: g1, value: 0.4}
  w6: {from: h2, to: g1, value: -0.45}
  w7: {from: h1, to: g2, value: 0.5}
  w8: {from: h2, to: g2, value: 0.55}
  w9: {from: g1, to: o1, value: 0.6}
  w10: {from: g2, to: o1, value: -0.7}
biases:
  b1: {to: [h1, h2], value: 0.35}
  b2: {to: [g1, g2], value: -0.6}
inputs: {i1: 0.05, i2: 0.10}
targets: {o1: 0.9}
learning_rate: 0.5
update_biases: true
"""
)


@pytest.fixture(scope="module")
def smooth_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("smooth") / "smooth.yaml"
    path.write_text(yaml.safe_dump(SMOOTH))
    return path


def test_softplus_and_silu_gradients_match_the_oracle_and_the_shake():
    w = walkthrough(SMOOTH)
    for parameter, value in oracle.gradients(SMOOTH).items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-12, abs=1e-15)
        assert oracle.central_difference(SMOOTH, parameter) == pytest.approx(value, abs=1e-9)
    assert w.E_total == pytest.approx(oracle.total_error(SMOOTH), rel=1e-13)


def test_the_textbook_forms_of_their_derivatives(smooth_file, runner):
    out = runner.invoke(cli, ["explain", "w1", str(smooth_file)], env={"COLUMNS": "120"}).output
    assert "softplus(x) = log(1 + exp(x))" in export(walkthrough(SMOOTH))
    assert "∂out_h1/∂net_h1 = σ(net_h1)" in out  # softplus' = σ
    assert "∂out_g1/∂net_g1 = σ(net_g1)·(1 + net_g1·(1 − σ(net_g1)))" in out  # silu'


def test_training_on_the_fast_path_equals_the_symbolic_gradients():
    scenario = load_scenario(SMOOTH)
    compiled = compile_step(scenario)
    _, _, gradients = compiled.gradient([p.value for p in scenario.parameters])
    derived = walkthrough(scenario).gradients
    for name, value in zip(compiled.parameters, gradients, strict=True):
        assert value == pytest.approx(derived[name], rel=1e-12, abs=1e-15)
    one_step = train(scenario, steps=1)
    assert one_step.parameters == pytest.approx(dict(walkthrough(scenario).updated), rel=1e-12)


@pytest.mark.parametrize("output_format", ["text", "json", "markdown", "latex", "html"])
def test_every_export(smooth_file, runner, output_format):
    result = runner.invoke(cli, [str(smooth_file), "--format", output_format])
    assert result.exit_code == 0, result.output
    if output_format == "json":
        assert json.loads(result.stdout)["gradients"]["w1"] == pytest.approx(
            oracle.gradients(SMOOTH)["w1"], rel=1e-12
        )
    else:
        assert re.search(r"softplus|\\operatorname\{softplus\}", result.stdout)
        assert re.search(r"silu|\\operatorname\{silu\}", result.stdout)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_their_latex_compiles(tmp_path):
    (tmp_path / "smooth.tex").write_text(export(walkthrough(SMOOTH), "latex"))
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "smooth.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_no_module_but_ops_names_an_activation_or_a_loss():
    """The records are the one place: a module that spells "softmax" decides something the
    record should say (elementwise, normalised, …)."""
    names = [*ACTIVATION_RECORDS, *LOSS_RECORDS]
    for path in (ROOT / "backprop_walkthrough").rglob("*.py"):
        if path.parent.name == "ops":
            continue
        text = path.read_text()
        for name in names:
            assert f'"{name}"' not in text and f"'{name}'" not in text, (name, path.name)
