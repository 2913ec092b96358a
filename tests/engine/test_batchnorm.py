"""The lecture's whole exercise: batchnorm's gradients against the scalar autodiff and central
differences, the fused forms against the unfused, exercise 4's training, and the built-in
makemore4 at the lecture's sizes."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_walkthrough import shapes
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.tensors.formulas import (
    BATCHNORM_GRADIENTS,
    ManualBackprop,
    initialise,
)
from backprop_walkthrough.scenario import load_shapes_spec


@pytest.fixture(scope="module")
def walked():
    return shapes("makemore4", numbers=True)


@pytest.fixture(scope="module")
def lecture():
    """makemore4's parameters and batch, forward and backward."""
    spec = load_shapes_spec("makemore4")
    walk = shapes("makemore4")
    parameters = initialise(spec, 27)
    m = ManualBackprop(walk.X, walk.Y, parameters, batchnorm=True)
    m.forward()
    m.backward()
    return m, parameters, walk


def test_makemore4_has_the_lectures_sizes_and_initialisation(walked):
    spec = walked.spec
    assert (spec.block_size, spec.embedding_dim, spec.hidden, spec.batchnorm) == (3, 10, 64, True)
    assert len(walked.X) == 32  # the five names make the lecture's batch of 32
    parameters = {t.name: np.array(t.values) for t in walked.numbers.parameters}
    assert sum(p.size for p in parameters.values()) == 4137  # the lecture's count
    assert parameters["bngain"].shape == parameters["bnbias"].shape == (1, 64)
    # the lecture's scales: W1 · (5/3)/√30, a tenth for b1, W2, b2, bnbias, and 1 + a tenth
    assert abs(parameters["W1"].std() - (5 / 3) / 30**0.5) < 0.03
    for name in ("b1", "W2", "b2", "bnbias"):
        assert 0.07 < parameters[name].std() < 0.13, name
    assert abs(parameters["bngain"].mean() - 1) < 0.04 and parameters["bngain"].std() < 0.13


def test_every_batchnorm_gradient_agrees_with_the_scalar_autodiff(walked):
    checks = {c.name: c for c in walked.numbers.checks}
    assert [t.name for t in walked.numbers.backward] == list(BATCHNORM_GRADIENTS)
    for name in BATCHNORM_GRADIENTS:
        assert checks[name].status in ("exact", "approximate"), name
        assert checks[name].max_difference < 1e-13, name


def _loss(parameters, walk) -> float:
    m = ManualBackprop(walk.X, walk.Y, parameters, batchnorm=True)
    m.forward()
    return float(m.t["loss"])


@pytest.mark.parametrize("name", ["bngain", "bnbias", "W1", "b1", "C", "W2"])
def test_a_sample_against_central_differences(lecture, name):
    """The loss nudged by ±h in a few entries of each parameter: batchnorm's sums over the batch
    and its variance (Bessel's n − 1) included."""
    m, parameters, walk = lecture
    rng = np.random.default_rng(7)
    gradient = m.t[f"d{name}"]
    for _ in range(4):
        index = tuple(int(rng.integers(0, s)) for s in gradient.shape)
        h = 1e-6
        up = {k: v.copy() for k, v in parameters.items()}
        down = {k: v.copy() for k, v in parameters.items()}
        up[name][index] += h
        down[name][index] -= h
        central = (_loss(up, walk) - _loss(down, walk)) / (2 * h)
        assert central == pytest.approx(gradient[index], rel=1e-5, abs=1e-9), (name, index)


def test_the_fused_forms_equal_the_unfused(lecture, walked):
    m = lecture[0]
    assert np.allclose(m.fused_dhprebn(), m.t["dhprebn"], rtol=1e-11, atol=1e-16)
    assert np.allclose(m.fused_dlogits(), m.t["dlogits"], rtol=1e-11, atol=1e-18)
    assert m.fused_loss() == pytest.approx(float(m.t["loss"]), rel=1e-14)
    checks = {c.name: c for c in walked.numbers.checks}
    for name in ("dhprebn (fused)", "dhprebn (fused) vs the ten steps", "dlogits (fused)"):
        assert checks[name].status in ("exact", "approximate"), name
    lines = [formula for formula, _ in walked.numbers.derivation]
    assert lines[-1].startswith("dhprebn_i = γ·v^(−1/2)/n·(n·dhpreact_i")


def test_what_batchnorm_teaches(lecture):
    m = lecture[0]
    assert np.allclose(m.t["bndiff"].sum(0), 0, atol=1e-13)  # deviations from the mean sum to 0
    assert m.t["bnvar"].shape == (1, 64) and m.t["dbnmeani"].shape == (64,)
    # Bessel: the variance divides by n − 1, and so does dbndiff2's copy of dbnvar
    n = m.n
    assert np.allclose(m.t["bnvar"], (m.t["bndiff"] ** 2).sum(0, keepdims=True) / (n - 1))
    assert np.allclose(m.t["dbndiff2"], np.broadcast_to(m.t["dbnvar"] / (n - 1), (n, 64)))
    # a broadcast forward is a sum backward: dbnbias sums dhpreact over the batch
    assert np.array_equal(m.t["dbnbias"], m.t["dhpreact"].sum(0, keepdims=True))


def test_exercise_four_trains_with_the_manual_backward_pass():
    walk = shapes("makemore4", train=200)
    run = walk.numbers.training
    assert run.steps == 200 and run.batch == 32 and run.learning_rate == 0.1
    losses = [loss for _, loss in run.losses]
    assert losses[0] == pytest.approx(walk.numbers.loss, rel=1e-15)  # from the checked point
    assert run.final_loss < losses[0] / 2  # 32 examples and 4,137 parameters: it learns them
    assert losses == sorted(losses, reverse=True)  # full-batch steps of 0.1: down all the way


def test_the_command(runner):
    result = runner.invoke(cli, ["shapes", "makemore4", "--train", "100"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    for text in (
        "Exercise 3: the batchnorm backward in one formula",
        "Exercise 4: training with the manual backward pass",
        "loss (log scale)",
        "Bessel",
        "dbnvar_inv",
    ):
        assert text in result.output, text
    too_long = runner.invoke(cli, ["shapes", "makemore4", "--train", "999999"])
    assert too_long.exit_code == 2 and "multiply-adds" in too_long.stderr
    assert len(too_long.stderr.strip().splitlines()) == 1
    off = runner.invoke(cli, ["shapes", "makemore4", "--numbers", "--no-batchnorm"])
    assert off.exit_code == 0 and "dhpre " in off.output and "dbnraw" not in off.output


def test_the_shape_view_has_the_batchnorm_layer_with_the_numbers_shapes(walked):
    """shapes makemore4 (no numbers): the layer's tensors, each of the shape its numbers have."""
    numbers = {t.name: t.shape for t in (*walked.numbers.forward, *walked.numbers.backward)}
    listed = {t.name: t.shape for t in (*walked.forward, *walked.backward)}
    for name in ("hprebn", "bnmeani", "bnvar", "bnraw", "hpreact", "dhpreact", "dbngain"):
        assert listed[name] == numbers[name], name
    assert "hpre" not in listed and "dhpre" not in listed


def test_every_line_of_exercise_three_holds_on_the_numbers(lecture):
    """The derivation is written by hand on the page: each line is checked here on makemore4's
    numbers, not only the last (which the cmp table checks)."""
    m = lecture[0]
    t, n = m.t, m.n
    v = t["bnvar"] + 1e-5
    close = {"rtol": 1e-10, "atol": 1e-18}
    assert np.allclose(t["dbnraw"], t["bngain"] * t["dhpreact"], **close)  # line 1
    dv = -0.5 / v * (t["bnraw"] * t["dbnraw"]).sum(0, keepdims=True)
    assert np.allclose(t["dbnvar"], dv, **close)  # line 2, its second form
    first, second = m.uses["dbndiff"]  # line 3: the two uses of bndiff
    assert np.allclose(first, v**-0.5 * t["dbnraw"], **close)
    assert np.allclose(second, 2 * t["bndiff"] * dv / (n - 1), **close)
    mean = t["dbndiff"].sum(0, keepdims=True) / n
    assert np.allclose(t["dhprebn"], t["dbndiff"] - mean, **close)  # line 4
    assert np.allclose(  # line 5
        t["dbndiff"].sum(0), v[0] ** -0.5 * t["dbnraw"].sum(0), rtol=1e-9, atol=1e-15
    )
    assert np.allclose(  # line 6
        second,
        -(v**-0.5) * t["bnraw"] * (t["bnraw"] * t["dbnraw"]).sum(0) / (n - 1),
        **close,
    )
    seventh = v**-0.5 * (
        t["dbnraw"]
        - t["dbnraw"].sum(0) / n
        - t["bnraw"] * (t["bnraw"] * t["dbnraw"]).sum(0) / (n - 1)
    )
    assert np.allclose(t["dhprebn"], seventh, rtol=1e-9, atol=1e-15)  # line 7
    assert np.allclose(t["dhprebn"], m.fused_dhprebn(), rtol=1e-9, atol=1e-15)  # line 8
