"""check_tensors: a learner's own tensors, computed as the lecture's notebook computes them
(written here, in NumPy, sharing no code with the engine), checked all exact; every named slip
diagnosed from a deliberately wrong tensor; inputs as lists, arrays and (where installed)
PyTorch tensors; the command line's files."""

# ruff: noqa: N806 - the lecture's names (C, W1, Xb, dW2, …), as a learner writes them

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import check_tensors
from backprop_walkthrough.cli import cli

N, BLOCK, EMBED, HIDDEN, VOCAB = 32, 3, 10, 64, 27


def notebook(seed: int = 42, dtype=np.float64, batchnorm: bool = True) -> dict:
    """The lecture's cells, line for line in NumPy: its initialisation (with this generator),
    a batch, the forward pass "chunkated" and exercise 1's backward pass."""
    g = np.random.default_rng(seed)
    n = N
    C = g.standard_normal((VOCAB, EMBED))
    W1 = g.standard_normal((EMBED * BLOCK, HIDDEN)) * (5 / 3) / ((EMBED * BLOCK) ** 0.5)
    b1 = g.standard_normal(HIDDEN) * 0.1
    W2 = g.standard_normal((HIDDEN, VOCAB)) * 0.1
    b2 = g.standard_normal(VOCAB) * 0.1
    bngain = g.standard_normal((1, HIDDEN)) * 0.1 + 1.0
    bnbias = g.standard_normal((1, HIDDEN)) * 0.1
    C, W1, b1, W2, b2, bngain, bnbias = (
        x.astype(dtype) for x in (C, W1, b1, W2, b2, bngain, bnbias)
    )
    Xb = g.integers(0, VOCAB, (n, BLOCK))
    Yb = g.integers(0, VOCAB, n)
    # forward
    emb = C[Xb]
    embcat = emb.reshape(emb.shape[0], -1)
    hprebn = embcat @ W1 + b1
    if batchnorm:
        bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
        bndiff = hprebn - bnmeani
        bndiff2 = bndiff**2
        bnvar = 1 / (n - 1) * (bndiff2).sum(0, keepdims=True)
        bnvar_inv = (bnvar + 1e-5) ** -0.5
        bnraw = bndiff * bnvar_inv
        hpreact = bngain * bnraw + bnbias
    else:
        hpreact = hprebn
    h = np.tanh(hpreact)
    logits = h @ W2 + b2
    logit_maxes = logits.max(1, keepdims=True)
    norm_logits = logits - logit_maxes
    counts = np.exp(norm_logits)
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum**-1
    probs = counts * counts_sum_inv
    logprobs = np.log(probs)
    # exercise 1
    dlogprobs = np.zeros_like(logprobs)
    dlogprobs[range(n), Yb] = -1.0 / n
    dprobs = (1.0 / probs) * dlogprobs
    dcounts_sum_inv = (counts * dprobs).sum(1, keepdims=True)
    dcounts = counts_sum_inv * dprobs
    dcounts_sum = (-(counts_sum**-2)) * dcounts_sum_inv
    dcounts += np.ones_like(counts) * dcounts_sum
    dnorm_logits = counts * dcounts
    dlogits = dnorm_logits.copy()
    dlogit_maxes = (-dnorm_logits).sum(1, keepdims=True)
    one_hot = np.zeros_like(logits)
    one_hot[range(n), logits.argmax(1)] = 1
    dlogits += one_hot * dlogit_maxes
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhpreact = (1.0 - h**2) * dh
    tensors = {"C": C, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "Xb": Xb, "Yb": Yb}
    if batchnorm:
        dbngain = (bnraw * dhpreact).sum(0, keepdims=True)
        dbnraw = bngain * dhpreact
        dbnbias = dhpreact.sum(0, keepdims=True)
        dbndiff = bnvar_inv * dbnraw
        dbnvar_inv = (bndiff * dbnraw).sum(0, keepdims=True)
        dbnvar = (-0.5 * (bnvar + 1e-5) ** -1.5) * dbnvar_inv
        dbndiff2 = (1.0 / (n - 1)) * np.ones_like(bndiff2) * dbnvar
        dbndiff += (2 * bndiff) * dbndiff2
        dhprebn = dbndiff.copy()
        dbnmeani = (-dbndiff).sum(0)
        dhprebn += 1.0 / n * (np.ones_like(hprebn) * dbnmeani)
        tensors.update(bngain=bngain, bnbias=bnbias, dhpreact=dhpreact, dbngain=dbngain)
        tensors.update(dbnraw=dbnraw, dbnbias=dbnbias, dbndiff=dbndiff, dbnvar_inv=dbnvar_inv)
        tensors.update(dbnvar=dbnvar, dbndiff2=dbndiff2, dhprebn=dhprebn, dbnmeani=dbnmeani)
    else:
        dhprebn = dhpreact
        tensors["dhpre"] = dhpreact
    dembcat = dhprebn @ W1.T
    dW1 = embcat.T @ dhprebn
    db1 = dhprebn.sum(0)
    demb = dembcat.reshape(emb.shape)
    dC = np.zeros_like(C)
    for k in range(Xb.shape[0]):
        for j in range(Xb.shape[1]):
            dC[Xb[k, j]] += demb[k, j]
    tensors.update(dlogprobs=dlogprobs, dprobs=dprobs, dcounts_sum_inv=dcounts_sum_inv)
    tensors.update(dcounts_sum=dcounts_sum, dcounts=dcounts, dnorm_logits=dnorm_logits)
    tensors.update(dlogit_maxes=dlogit_maxes, dlogits=dlogits, dh=dh, dW2=dW2, db2=db2)
    tensors.update(dembcat=dembcat, dW1=dW1, db1=db1, demb=demb, dC=dC)
    return tensors


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batchnorm", [True, False])
def test_the_lectures_lines_are_all_exact(dtype, batchnorm):
    given = notebook(dtype=dtype, batchnorm=batchnorm)
    report = check_tensors(**given)
    assert report.all_right and report.dtype == np.dtype(dtype).name
    assert report.batchnorm == batchnorm and report.examples == N and not report.not_given
    assert {v.status for v in report.verdicts} == {"exact"}, [
        (v.name, v.status, v.max_difference) for v in report.verdicts if v.status != "exact"
    ]


def test_nested_lists_and_a_mapping_are_taken():
    given = notebook(seed=3)
    as_lists = {k: v.tolist() for k, v in given.items()}
    report = check_tensors(as_lists)  # a notebook's globals(): other names are ignored
    assert report.all_right and report.dtype == "float64"
    assert check_tensors({**as_lists, "unrelated": 1, "np": np}).all_right


def test_pytorch_tensors_are_taken_without_importing_pytorch_ourselves():
    torch = pytest.importorskip("torch")
    given = notebook(seed=5, dtype=np.float32)
    tensors = {
        k: torch.tensor(v, requires_grad=k[0] != "d" and k not in ("Xb", "Yb"))
        for k, v in given.items()
    }
    assert check_tensors(**tensors).all_right


def _diagnosed(name, wrong, seed=11):
    given = notebook(seed=seed)
    given[name] = wrong(given)
    report = check_tensors(**given)
    verdict = next(v for v in report.verdicts if v.name == name)
    assert verdict.status == "wrong" and report.first_wrong == name
    return verdict


N_ = N


@pytest.mark.parametrize(
    ("name", "wrong", "mistake", "words"),
    [
        ("dW2", lambda t: t["dW2"].T, "transposed", "transpose"),
        ("dbngain", lambda t: t["dhpreact"] * 0 + t["dbngain"] * np.ones((N_, 1)), "missing_sum",
         "sum over dimension 0"),
        ("db2", lambda t: t["dlogits"], "missing_sum", "sum over dimension 0"),
        ("dcounts_sum_inv", lambda t: t["dcounts_sum_inv"] * np.ones((1, VOCAB)), "missing_sum",
         "dimension 1"),
        ("dcounts_sum_inv", lambda t: t["dcounts_sum_inv"][:, 0], "lost_keepdim", "keepdim"),
        ("dlogprobs", lambda t: t["dlogprobs"] * N_, "missing_1_over_n", "1/32"),
        ("dh", lambda t: -t["dh"], "sign", "opposite sign"),
        ("dC", lambda t: _naive(t), "naive_scatter", "dC[Xb] = demb"),
        ("dbndiff2", lambda t: t["dbndiff2"] * (N_ - 1) / N_, "bessel", "Bessel"),
        ("dcounts", lambda t: t["dcounts"] - t["dcounts_sum"], "not_accumulated", "counts_sum"),
        ("dbndiff", lambda t: t["dbndiff"] - (2 * _bndiff(t)) * t["dbndiff2"], "not_accumulated",
         "bndiff2"),
        ("dhprebn", lambda t: t["dbndiff"], "not_accumulated", "bnmeani"),
    ],
)  # fmt: skip
def test_each_named_mistake_is_diagnosed(name, wrong, mistake, words):
    verdict = _diagnosed(name, wrong)
    assert verdict.mistake == mistake, verdict
    assert words in verdict.words, verdict.words


def _naive(t):
    dC = np.zeros_like(t["C"])
    dC[t["Xb"]] = t["demb"]
    return dC


def _bndiff(t):
    """bndiff recomputed as the notebook does (the test's own forward pass)."""
    hprebn = t["C"][t["Xb"]].reshape(N, -1) @ t["W1"] + t["b1"]
    return hprebn - hprebn.sum(0, keepdims=True) / N


def test_a_harmless_shape_is_noted_not_failed():
    given = notebook(seed=2)
    given["dbngain"] = given["dbngain"][0]  # (64,) for (1, 64): broadcasts the same
    verdict = next(v for v in check_tensors(**given).verdicts if v.name == "dbngain")
    assert verdict.status == "exact" and "the same numbers" in verdict.words


def test_the_learners_mistakes_in_an_unknown_shape_still_fail():
    given = notebook(seed=2)
    given["dW1"] = given["dW1"][:5]
    report = check_tensors(**given)
    assert report.first_wrong == "dW1"
    verdict = next(v for v in report.verdicts if v.name == "dW1")
    assert verdict.max_difference == float("inf") and verdict.mistake == "shape"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.pop("W1"), "W1: is missing"),
        (lambda t: t.update(dfoo=1.0), "dfoo: is not a tensor of the exercise"),
        (lambda t: t.update(Xb=t["Xb"] + 100), "every index must be a row of C"),
        (lambda t: t.update(Xb=t["Xb"].astype(float)), "Xb: expected a 2-D array of indices"),
        (lambda t: t.update(W1=[[1, 2], [3]]), "W1: is not an array of numbers"),
    ],
)
def test_bad_input_is_one_clear_error(change, message):
    from backprop_walkthrough.errors import OptionError

    given = notebook(seed=1)
    change(given)
    with pytest.raises(OptionError, match=message):
        check_tensors(**given)


def test_the_command_line_reads_json_and_npz(runner, tmp_path):
    right = notebook(seed=9, dtype=np.float32)
    archive = tmp_path / "mine.npz"
    np.savez(archive, **right)
    ok = runner.invoke(cli, ["shapes", "--check", str(archive)], env={"COLUMNS": "100"})
    assert ok.exit_code == 0, ok.output
    assert "All 26 gradients right" in ok.output and "float32" in ok.output
    wrong = {k: v.tolist() for k, v in right.items()}
    wrong["dC"] = _naive(right).tolist()
    document = tmp_path / "mine.json"
    document.write_text(json.dumps(wrong), encoding="utf-8")
    before = document.read_bytes()
    result = runner.invoke(cli, ["shapes", "--check", str(document), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["first_wrong"] == "dC" and not data["all_right"]
    assert [t["name"] for t in data["tensors"] if t["status"] == "wrong"] == ["dC"]
    assert document.read_bytes() == before  # read, never written
    refused = runner.invoke(cli, ["shapes", "--check", str(document), "-o", str(document)])
    assert refused.exit_code == 2 and document.read_bytes() == before
    for content, message in (
        ("[1, 2]", "expected an object of tensors by name"),
        ("{", "not JSON"),
        ('{"W1": "text"}', "W1: is not an array of numbers"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        failed = runner.invoke(cli, ["shapes", "--check", str(bad)])
        assert failed.exit_code == 2 and message in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W1=np.array([object()], dtype=object))
    failed = runner.invoke(cli, ["shapes", "--check", str(pickled)])
    assert failed.exit_code == 2 and "not a NumPy .npz archive of arrays" in failed.stderr


def test_in_jupyter_the_table_is_html():
    report = check_tensors(**notebook(seed=4))
    html = report._repr_html_()
    assert "<table" in html and "dbnvar_inv" in html and "<script" not in html
    assert "| dlogprobs |" in report.export("markdown")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("W1", np.float64(3.0), "W1: expected 30 rows"),
        ("b1", np.zeros(5), r"b1: expected shape \(64,\) or \(1, 64\)"),
        ("W2", np.zeros((27, 64)), r"W2: expected shape \(64, 27\)"),
        ("bngain", np.zeros((64, 1)), "bngain: expected shape"),
        ("C", np.zeros(27), "C: expected a 2-D table"),
    ],
)
def test_a_parameter_of_the_wrong_shape_is_named(name, value, message):
    from backprop_walkthrough.errors import OptionError

    given = notebook(seed=1)
    given[name] = value
    with pytest.raises(OptionError, match=message):
        check_tensors(**given)


@settings(max_examples=60)
@given(
    st.dictionaries(
        st.sampled_from(["C", "W1", "b1", "W2", "b2", "bngain", "Xb", "Yb", "dh", "dC"]),
        st.one_of(
            st.integers(-3, 40),
            st.lists(st.integers(-2, 30), max_size=4),
            st.lists(st.lists(st.floats(allow_nan=True), min_size=2, max_size=2), max_size=3),
            st.text(max_size=3),
        ),
    )
)
def test_any_input_is_a_report_or_one_clear_error(changes):
    """A mangled submission never ends in a traceback: a report, or an OptionError naming the
    tensor."""
    from backprop_walkthrough.errors import OptionError

    given = {**notebook(seed=1), **changes}
    try:
        check_tensors(**given)
    except OptionError as exc:
        assert exc.option in given or exc.option == "tensors", exc


def test_a_mistake_carries_forward_and_a_later_slip_is_still_named():
    """dbndiff2 with 1/n: every gradient after it is off too, but each is what the lecture's
    line gives from the learner's own earlier ones — carried forward — except the dC written
    as dC[Xb] = demb, a slip of its own, named against the learner's demb."""
    given = notebook(seed=13)
    own = notebook(seed=13)
    given["dbndiff2"] = own["dbndiff2"] * (N - 1) / N
    # the learner's later lines, run on their wrong dbndiff2 (as their notebook would)
    bndiff = _bndiff(given)
    dbndiff = given["dbndiff"] - (2 * bndiff) * own["dbndiff2"] + (2 * bndiff) * given["dbndiff2"]
    dhprebn = dbndiff.copy() + 1.0 / N * np.ones_like(dbndiff) * (-dbndiff).sum(0)
    embcat = given["C"][given["Xb"]].reshape(N, -1)
    demb = (dhprebn @ given["W1"].T).reshape(N, BLOCK, EMBED)
    given.update(dbndiff=dbndiff, dbnmeani=(-dbndiff).sum(0), dhprebn=dhprebn)
    given.update(dembcat=dhprebn @ given["W1"].T, dW1=embcat.T @ dhprebn, db1=dhprebn.sum(0))
    given.update(demb=demb, dC=_naive({**given, "demb": demb}))
    report = check_tensors(**given)
    status = {v.name: v.status for v in report.verdicts}
    assert report.first_wrong == "dbndiff2"
    for name in ("dbndiff", "dhprebn", "dembcat", "dW1", "demb"):
        assert status[name] == "carried", (name, status[name])
    # Σᵢ bndiff_i = 0: the slip's share of dbndiff sums to nothing, and dbnmeani is right; and
    # db1 is 0 either way (b1 is useless before batchnorm, as the lecture notes)
    assert status["dbnmeani"] in ("exact", "approximate")
    assert status["db1"] in ("exact", "approximate")
    dC = next(v for v in report.verdicts if v.name == "dC")
    assert dC.status == "wrong" and dC.mistake == "naive_scatter"
    text = report.export("text")
    assert "2 of 26 wrong" in text and "5 more are only carried forward" in text
