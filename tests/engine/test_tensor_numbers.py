"""shapes --numbers: the manual tensor backprop of the embedding MLP, against central
differences and against a backprop written here (the fused softmax gradient, numpy-free and
sharing no code with the engine), and the properties the exercise teaches."""

from __future__ import annotations

import json
import math
import random

import pytest

from backprop_walkthrough import shapes
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.tensors.formulas import ManualBackprop, initialise
from backprop_walkthrough.engine.tensors.numbers import compare
from backprop_walkthrough.scenario.types import ShapesSpec

from ..conftest import SCENARIOS


@pytest.fixture(scope="module")
def walked():
    return shapes("names", numbers=True)


def by_name(walked, name):
    n = walked.numbers
    return next(t for t in (*n.parameters, *n.forward, *n.backward) if t.name == name)


def parameters_of(walked) -> dict:
    return {t.name: t.values for t in walked.numbers.parameters}


# --- an independent forward and backward, written for this test ------------------------------


def forward_one(context, p) -> tuple[list[float], list[float], list[float]]:
    """One example: its flattened embedding, its hidden layer and its logits."""
    x = [v for index in context for v in p["C"][index]]
    h = [
        math.tanh(sum(x[i] * p["W1"][i][k] for i in range(len(x))) + p["b1"][k])
        for k in range(len(p["b1"]))
    ]
    logits = [
        sum(h[k] * p["W2"][k][c] for k in range(len(h))) + p["b2"][c] for c in range(len(p["b2"]))
    ]
    return x, h, logits


def forward_loss(X, Y, p) -> float:  # noqa: N803 - the lecture's names
    """The loss, by the textbook formula: mean of logsumexp − the right logit."""
    total = 0.0
    for context, y in zip(X, Y, strict=True):
        _, _, logits = forward_one(context, p)
        top = max(logits)
        total += top + math.log(sum(math.exp(z - top) for z in logits)) - logits[y]
    return total / len(X)


def reference_gradients(X, Y, p) -> dict:  # noqa: N803
    """Every parameter's gradient through dlogits = (softmax − onehot)/n, example by example."""
    n = len(X)
    grads = {
        "C": [[0.0] * len(p["C"][0]) for _ in p["C"]],
        "W1": [[0.0] * len(p["b1"]) for _ in p["W1"]],
        "b1": [0.0] * len(p["b1"]),
        "W2": [[0.0] * len(p["b2"]) for _ in p["W2"]],
        "b2": [0.0] * len(p["b2"]),
    }
    for context, y in zip(X, Y, strict=True):
        x, h, logits = forward_one(context, p)
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        dlogits = [e / sum(exps) / n for e in exps]
        dlogits[y] -= 1 / n
        dh = [sum(dlogits[c] * p["W2"][k][c] for c in range(len(dlogits))) for k in range(len(h))]
        dhpre = [(1 - h[k] ** 2) * dh[k] for k in range(len(h))]
        for c, d in enumerate(dlogits):
            grads["b2"][c] += d
            for k in range(len(h)):
                grads["W2"][k][c] += h[k] * d
        for k, d in enumerate(dhpre):
            grads["b1"][k] += d
            for i in range(len(x)):
                grads["W1"][i][k] += x[i] * d
        dx = [sum(dhpre[k] * p["W1"][i][k] for k in range(len(h))) for i in range(len(x))]
        e = len(p["C"][0])
        for j, index in enumerate(context):
            for k in range(e):
                grads["C"][index][k] += dx[j * e + k]
    return grads


def entries(values, prefix=()):
    if isinstance(values, list):
        for i, v in enumerate(values):
            yield from entries(v, (*prefix, i))
    else:
        yield prefix, values


def test_every_parameter_gradient_matches_a_backprop_written_here(walked):
    X, Y, p = walked.X, walked.Y, parameters_of(walked)  # noqa: N806
    expected = reference_gradients(X, Y, p)
    for name in ("C", "W1", "b1", "W2", "b2"):
        manual = dict(entries(by_name(walked, f"d{name}").values))
        for where, value in entries(expected[name]):
            assert manual[where] == pytest.approx(value, rel=1e-9, abs=1e-15), (name, where)
    assert walked.numbers.loss == pytest.approx(forward_loss(X, Y, p), rel=1e-13)


def test_a_seeded_sample_against_central_differences(walked):
    """Five seeded entries of each parameter, and every entry of the most-used row of C."""
    X, Y, p = walked.X, walked.Y, parameters_of(walked)  # noqa: N806
    rng = random.Random(7)
    reused = "." + "abcdefghijklmnopqrstuvwxyz"
    row = reused.index(walked.numbers.reused[0])
    picks = [("C", (row, k)) for k in range(len(p["C"][0]))]
    for name in ("C", "W1", "b1", "W2", "b2"):
        everywhere = [where for where, _ in entries(p[name])]
        picks += [(name, rng.choice(everywhere)) for _ in range(5)]
    h = 1e-5
    for name, where in picks:
        manual = dict(entries(by_name(walked, f"d{name}").values))[where]

        def nudged(delta, name=name, where=where):
            q = json.loads(json.dumps(p))  # a deep copy
            target = q[name]
            for i in where[:-1]:
                target = target[i]
            target[where[-1]] += delta
            return forward_loss(X, Y, q)

        numeric = (nudged(h) - nudged(-h)) / (2 * h)
        assert manual == pytest.approx(numeric, abs=1e-9), (name, where)


def test_the_properties_the_exercise_teaches(walked):
    dlogits = by_name(walked, "dlogits").values
    assert all(abs(sum(row)) < 1e-15 for row in dlogits)  # softmax − onehot: rows sum to 0
    dhpre, db1 = by_name(walked, "dhpre").values, by_name(walked, "db1").values
    columns = [0.0] * len(db1)
    for row in dhpre:  # added row by row, as dhpre.sum(0) does: the same number, bit for bit
        for k, value in enumerate(row):
            columns[k] += value
    assert db1 == columns  # a broadcast forward is a sum backward
    used = {index for context in walked.X for index in context}
    dC = by_name(walked, "dC").values  # noqa: N806
    for index, row in enumerate(dC):
        if index not in used:
            assert row == [0.0, 0.0, 0.0]  # never looked up: exactly zero
    assert (
        walked.numbers.loss == walked.numbers.fused_loss
        or abs(walked.numbers.loss - walked.numbers.fused_loss) < 1e-14
    )
    keepdim = [t.name for t in walked.numbers.forward if t.keepdim]
    assert keepdim == ["logit_maxes", "counts_sum", "counts_sum_inv"]
    assert by_name(walked, "counts_sum").shape == (32, 1)


def test_the_naive_scatter_differs_exactly_where_a_row_is_reused(walked):
    spec = ShapesSpec()
    m = ManualBackprop(walked.X, walked.Y, initialise(spec, 27), spec.batchnorm)
    m.forward()
    m.backward()
    uses = {i: sum(context.count(i) for context in walked.X) for i in range(27)}
    naive = m.naive_scatter()
    for index in range(27):
        differs = naive[index].tolist() != m.t["dC"][index].tolist()
        assert differs == (uses[index] > 1), (index, uses[index])
    assert walked.numbers.reused == (".", 30)
    assert list(walked.numbers.accumulated_row) == m.t["dC"][0].tolist()


def test_the_cmp_table(walked):
    checks = {c.name: c for c in walked.numbers.checks}
    assert [c.name for c in walked.numbers.checks[:17]] == [t.name for t in walked.numbers.backward]
    assert all(checks[t.name].status in ("exact", "approximate") for t in walked.numbers.backward)
    assert checks["dlogits (fused)"].status == "approximate"
    assert checks["dlogits (fused)"].why
    assert checks["dC with dC[Xb] = demb"].status == "wrong"


def test_the_check_can_fail():
    """A gradient off in one entry, or computed with the naive scatter, is not waved through."""
    right = [[0.25, -0.5], [1.0, 2.0]]
    off = [[0.25, -0.5], [1.0, 2.0 + 1e-6]]
    assert compare("x", right, right).status == "exact"
    assert compare("x", [[0.25, -0.5], [1.0, 2.0 + 1e-15]], right).status == "approximate"
    assert compare("x", off, right).status == "wrong"
    assert compare("x", [[1.0]], right).status == "wrong"


def test_the_seed_draws_the_parameters():
    first, again = initialise(ShapesSpec(), 27), initialise(ShapesSpec(), 27)
    assert {k: v.tolist() for k, v in first.items()} == {k: v.tolist() for k, v in again.items()}
    other = initialise(ShapesSpec(seed=1), 27)
    assert other["C"].tolist() != first["C"].tolist()
    assert shapes("names", numbers=True).numbers.seed == 2147483647
    assert (
        shapes("names", numbers=True, seed=5).numbers.parameters[0].values
        == initialise(ShapesSpec(seed=5), 27)["C"].tolist()
    )


def test_command_line(runner, tmp_path):
    result = runner.invoke(cli, ["shapes", "--numbers"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    for text in (
        "dcounts_sum_inv  32 × 1 (keepdim)",
        "Every gradient checked (cmp)",
        "the last lookup wins",
        "loss step by step",
    ):
        assert text in result.output
    data = json.loads(runner.invoke(cli, ["shapes", "--numbers", "--format", "json"]).output)
    numbers = data["numbers"]
    assert [t["name"] for t in numbers["backward"]][:3] == [
        "dlogprobs",
        "dprobs",
        "dcounts_sum_inv",
    ]
    assert all(len(t["values"]) == t["shape"][0] for t in numbers["backward"] if t["shape"])
    markdown = runner.invoke(cli, ["shapes", "--numbers", "--format", "markdown"]).output
    assert "| tensor | exact | approximate | max diff | why |" in markdown
    big = runner.invoke(cli, ["shapes", "--numbers", "--hidden", "100000"])
    assert big.exit_code == 2 and "multiply-adds" in big.output and "Traceback" not in big.output
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCENARIOS / "names.yaml").read_text().replace("seed: 2147483647", "seed: x"))
    result = runner.invoke(cli, ["shapes", str(bad), "--numbers"])
    assert result.exit_code == 2 and "init.seed" in result.output
    mismatch = runner.invoke(cli, ["shapes", "--numbers", "--w1-rows", "6"])
    assert mismatch.exit_code == 0 and "the shapes do not fit" in mismatch.output


def test_text_snapshot(text_snapshot):
    from backprop_walkthrough.api import export

    assert export(shapes("names", numbers=True), "text", width=100) == text_snapshot
