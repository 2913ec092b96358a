"""`check`: a learner's worked figures graded the way an examiner marks (issue 15).

Every learner's file here is computed in this file, by hand, from the mistaken rule itself
(plain floats, sharing no code with the package): the classic network's figures with one
mistake made at one step, and everything after it worked on from the mistaken value. The tool
must name that step as the first wrong one, with that mistake, and call what follows
carried_forward, not new mistakes.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import check
from backprop_walkthrough.errors import BackpropError
from backprop_walkthrough.scenario.arithmetic import AnswerTextError, parse_value

from .. import oracle
from ..conftest import SCENARIOS


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def classic(mistake: str | None = None) -> dict[str, float]:
    """The classic network worked by hand, with ``mistake`` made where it belongs."""
    i1, i2, t1, t2, b1, b2, eta = 0.05, 0.10, 0.01, 0.99, 0.35, 0.60, 0.5
    w = {
        "w1": 0.15,
        "w2": 0.20,
        "w3": 0.25,
        "w4": 0.30,
        "w5": 0.40,
        "w6": 0.45,
        "w7": 0.50,
        "w8": 0.55,
    }
    f: dict[str, float] = {}
    # the other labelling numbers the weights by the neuron they leave: w2 is i1 → h2, so
    # i2 → h1 is read as w3
    second = w["w3"] if mistake == "other_labelling" else w["w2"]
    f["net_h1"] = w["w1"] * i1 + second * i2 + b1
    f["out_h1"] = f["net_h1"] if mistake == "net_instead_of_out" else sigmoid(f["net_h1"])
    f["net_h2"] = w["w3"] * i1 + w["w4"] * i2 + b1
    f["out_h2"] = sigmoid(f["net_h2"])
    f["net_o1"] = w["w5"] * f["out_h1"] + w["w6"] * f["out_h2"] + b2
    f["out_o1"] = sigmoid(f["net_o1"])
    f["net_o2"] = w["w7"] * f["out_h1"] + w["w8"] * f["out_h2"] + b2
    f["out_o2"] = sigmoid(f["net_o2"])
    half = 1.0 if mistake == "missing_half" else 0.5
    f["E_o1"] = half * (t1 - f["out_o1"]) ** 2
    f["E_o2"] = 0.5 * (t2 - f["out_o2"]) ** 2
    f["E_total"] = f["E_o1"] + f["E_o2"]
    if mistake == "mean_instead_of_sum":
        f["E_total"] /= 2
    sign = 1.0 if mistake == "sign_flipped" else -1.0
    f["dE_total/dout_o1"] = sign * (t1 - f["out_o1"])
    if mistake == "derivative_on_net":
        f["dout_o1/dnet_o1"] = f["net_o1"] * (1 - f["net_o1"])
    elif mistake == "activation_applied_twice":
        f["dout_o1/dnet_o1"] = sigmoid(f["out_o1"]) * (1 - sigmoid(f["out_o1"]))
    else:
        f["dout_o1/dnet_o1"] = f["out_o1"] * (1 - f["out_o1"])
    f["dE_total/dw5"] = f["out_h1"] * f["dout_o1/dnet_o1"] * f["dE_total/dout_o1"]
    d_o2 = -(t2 - f["out_o2"]) * f["out_o2"] * (1 - f["out_o2"])
    w5, w7 = w["w5"], w["w7"]
    if mistake == "updated_output_weights":
        w5 = w5 - eta * f["dE_total/dw5"]
        w7 = w7 - eta * f["out_h1"] * d_o2
    f["dE_o1/dout_h1"] = w5 * f["dout_o1/dnet_o1"] * f["dE_total/dout_o1"]
    f["dE_o2/dout_h1"] = w7 * d_o2
    f["dE_total/dout_h1"] = f["dE_o1/dout_h1"] + f["dE_o2/dout_h1"]
    if mistake == "missing_sum_term":
        f["dE_total/dout_h1"] = f["dE_o1/dout_h1"]
    f["dout_h1/dnet_h1"] = f["out_h1"] * (1 - f["out_h1"])
    f["dE_total/dw1"] = i1 * f["dout_h1/dnet_h1"] * f["dE_total/dout_h1"]
    d_h2 = (
        (w["w6"] * f["dout_o1/dnet_o1"] * f["dE_total/dout_o1"] + w["w8"] * d_o2)
        * f["out_h2"]
        * (1 - f["out_h2"])
    )
    via_h1 = f["dout_h1/dnet_h1"] * f["dE_total/dout_h1"]
    f["dE_total/db1"] = via_h1 if mistake == "bias_not_summed" else via_h1 + d_h2
    rate = 1.0 if mistake == "no_learning_rate" else eta
    step = -rate if mistake == "sign_flipped" else rate
    f["new w5"] = w["w5"] - step * f["dE_total/dw5"]
    f["new w1"] = w["w1"] - step * f["dE_total/dw1"]
    # the classic keeps its biases: an update of b1 is the mistake
    f["new b1"] = b1 - eta * f["dE_total/db1"] if mistake == "bias_update_rule" else b1
    return f


#: For each mistake: the figure where it is made, and figures that must then be carried.
WHERE = {
    "net_instead_of_out": ("out_h1", ["net_o1", "out_o1", "E_total", "dE_total/dw5"]),
    "other_labelling": ("net_h1", ["out_h1", "net_o1", "E_total", "dE_total/dw5"]),
    "missing_half": ("E_o1", ["E_total"]),
    "mean_instead_of_sum": ("E_total", []),
    "sign_flipped": ("dE_total/dout_o1", ["dE_total/dw5", "new w5"]),
    "derivative_on_net": ("dout_o1/dnet_o1", ["dE_total/dw5", "new w5"]),
    "activation_applied_twice": ("dout_o1/dnet_o1", ["dE_total/dw5", "new w5"]),
    "updated_output_weights": ("dE_o1/dout_h1", ["dE_total/dout_h1", "dE_total/dw1", "new w1"]),
    "missing_sum_term": ("dE_total/dout_h1", ["dE_total/dw1", "new w1"]),
    "bias_not_summed": ("dE_total/db1", []),
    "bias_update_rule": ("new b1", []),
    "no_learning_rate": ("new w5", []),
}


def _answers(figures: dict[str, float], decimals: int = 9) -> dict[str, str]:
    return {name: f"{value:.{decimals}f}" for name, value in figures.items()}


def test_the_hand_worked_classic_is_all_correct():
    result = check(_answers(classic()), "mazur")
    assert {g.status.value for g in result.figures} == {"correct"}, result.figures
    assert result.first_wrong == () and result.passed


@pytest.mark.parametrize("mistake", sorted(WHERE))
def test_each_mistake_is_the_first_wrong_step_and_named(mistake):
    where, carried = WHERE[mistake]
    wrong = classic(mistake)
    answers = _answers(wrong)
    if mistake == "sign_flipped" and where == "dE_total/dout_o1":
        answers["new w5"] = f"{0.40 - 0.5 * wrong['dE_total/dw5']:.9f}"  # one mistake only
        answers["new w1"] = f"{classic()['new w1']:.9f}"
    result = check(answers, "mazur")
    graded = {g.name: g for g in result.figures}
    # where a rule is applied twice (both output weights updated, both updates without η),
    # each application is a first wrong step of its own, and each is named
    assert where in result.first_wrong, [(g.name, g.status.value) for g in result.figures]
    for name in result.first_wrong:
        assert mistake in graded[name].diagnosis, graded[name]
    assert graded[where].explanation
    for name in carried:
        assert graded[name].status.value == "carried_forward", graded[name]
    before = list(graded)[: list(graded).index(where)]
    assert all(graded[n].status.value == "correct" for n in before if n not in result.first_wrong)
    assert not result.passed


def test_the_posts_figures_are_correct_but_its_two_slips():
    """The classic post as printed: −0.019049119 is a double rounding, and 0.291027924 the
    early code's order (the updated output weights)."""
    result = check(str(SCENARIOS.parent / "tests" / "answers" / "post.yaml"))
    graded = {g.name: g for g in result.figures}
    assert graded["dE_o2/dout_h1"].status.value == "rounding"
    assert graded["E_total_after"].status.value == "wrong"
    assert graded["E_total_after"].diagnosis == ("updated_output_weights",)
    others = [g for n, g in graded.items() if n not in ("dE_o2/dout_h1", "E_total_after")]
    assert len(others) >= 20 and all(g.status.value == "correct" for g in others)


def test_four_decimals_carried_forward_are_rounding_never_wrong():
    """A learner who rounds every figure to 4 decimals and works on from the rounded ones."""
    i1, i2, b1, b2, t1 = 0.05, 0.10, 0.35, 0.60, 0.01
    r = lambda x: round(x, 4)  # noqa: E731
    net_h1 = r(0.15 * i1 + 0.20 * i2 + b1)
    out_h1 = r(sigmoid(net_h1))
    out_h2 = r(sigmoid(r(0.25 * i1 + 0.30 * i2 + b1)))
    net_o1 = r(0.40 * out_h1 + 0.45 * out_h2 + b2)
    out_o1 = r(sigmoid(net_o1))
    d_out = r(-(t1 - out_o1))
    d_net = r(out_o1 * (1 - out_o1))
    d_w5 = r(out_h1 * d_net * d_out)
    answers = {
        "net_h1": net_h1,
        "out_h1": out_h1,
        "out_h2": out_h2,
        "net_o1": net_o1,
        "out_o1": out_o1,
        "dE_total/dout_o1": d_out,
        "dout_o1/dnet_o1": d_net,
        "dE_total/dw5": d_w5,
        "new w5": r(0.40 - 0.5 * d_w5),
    }
    result = check({k: f"{v:.4f}" for k, v in answers.items()}, "mazur")
    statuses = {g.status.value for g in result.figures}
    assert statuses <= {"correct", "rounding"} and result.passed, result.figures


def test_a_second_builtin_tanh_hidden_layer():
    """tanh_sigmoid: the right figures (from the independent oracle) are correct; tanh′ taken
    at net, and the update without η, are named."""
    import yaml

    doc = yaml.safe_load((SCENARIOS / "tanh_sigmoid.yaml").read_text())
    outs = oracle.forward(doc)
    gradients = oracle.gradients(doc)
    inputs = doc["inputs"]
    net = sum(w["value"] * inputs[w["from"]] for w in doc["weights"].values() if w["to"] == "h1")
    net += doc["biases"]["b1"]["value"]
    right = {f"out_{n}": f"{v:.9f}" for n, v in outs.items() if n in ("h1", "h2", "h3", "y")}
    right["net_h1"] = f"{net:.9f}"
    right.update({f"dE_total/d{k}": f"{v:.9f}" for k, v in gradients.items()})
    assert check(right, "tanh_sigmoid").passed
    hidden = dict(right, **{"dout_h1/dnet_h1": f"{1 - net**2:.9f}"})
    result = check(hidden, "tanh_sigmoid")
    graded = {g.name: g for g in result.figures}
    assert result.first_wrong == ("dout_h1/dnet_h1",)
    assert "derivative_on_net" in graded["dout_h1/dnet_h1"].diagnosis
    w1 = next(w["value"] for n, w in doc["weights"].items() if n == "w1")
    out = math.tanh(net)
    cases = {  # figure → (the mistaken value, worked here by hand, and the mistake)
        "out_h1": (net, "net_instead_of_out"),
        "dout_h1/dnet_h1": (1 - math.tanh(out) ** 2, "activation_applied_twice"),
        "new b1": (doc["biases"]["b1"]["value"], "bias_update_rule"),  # biases are updated here
        "new w1": (w1 + doc["learning_rate"] * gradients["w1"], "sign_flipped"),
    }
    for figure, (value, mistake) in cases.items():
        answers = dict(right, **{"new w1": None, figure: f"{value:.9f}"})
        answers = {k: v for k, v in answers.items() if v is not None}
        graded = {g.name: g for g in check(answers, "tanh_sigmoid").figures}
        assert mistake in graded[figure].diagnosis, (figure, graded[figure])
        assert graded[figure].first_wrong
    # the other labelling reads x2 → h1 as w4 (weights numbered by the neuron they leave)
    weights = {n: w["value"] for n, w in doc["weights"].items()}
    relabelled = weights["w1"] * inputs["x1"] + weights["w4"] * inputs["x2"] + 0.1
    graded = {
        g.name: g for g in check(dict(right, net_h1=f"{relabelled:.9f}"), "tanh_sigmoid").figures
    }
    assert "other_labelling" in graded["net_h1"].diagnosis and graded["net_h1"].first_wrong
    # the hidden gradient with the already-updated w7, and what follows it carried forward
    delta_y = gradients["b4"]  # b4 feeds y alone: ∂E/∂b4 = δ_y
    w7_new = weights["w7"] - doc["learning_rate"] * gradients["w7"]
    early = w7_new * delta_y
    early_w1 = inputs["x1"] * (1 - out**2) * early
    answers = dict(right, **{"dE_total/dout_h1": f"{early:.9f}", "dE_total/dw1": f"{early_w1:.9f}"})
    graded = {g.name: g for g in check(answers, "tanh_sigmoid").figures}
    assert graded["dE_total/dout_h1"].diagnosis == ("updated_output_weights",)
    assert graded["dE_total/dw1"].status.value == "carried_forward"
    lazy = dict(right, **{"new w1": f"{w1 - gradients['w1']:.9f}"})
    graded = {g.name: g for g in check(lazy, "tanh_sigmoid").figures}
    assert graded["new w1"].diagnosis == ("no_learning_rate",)


def test_unknown_figures_and_bad_values_are_one_clear_line(tmp_path):
    with pytest.raises(
        BackpropError, match=r"no figure 'dE_total/dw9'; did you mean 'dE_total/dw8'\?"
    ):
        check({"dE_total/dw9": 0.1}, "mazur")
    named = tmp_path / "named.yaml"
    named.write_text("scenario: nonesuch\nanswers:\n  net_h1: 0.3775\n")
    with pytest.raises(BackpropError, match=r"named.yaml: scenario: nonesuch: no such file"):
        check(named)  # the answers file is named, then what is wrong with its scenario
    path = tmp_path / "answers.yaml"
    path.write_text("scenario: mazur\nanswers:\n  net_h1: __import__('os')\n")
    with pytest.raises(
        BackpropError, match=r"answers.yaml:3: answers.net_h1: .*the only functions"
    ):
        check(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('true')", "the only functions are exp, log, sqrt"),
        ("().__class__", "not allowed"),
        ("x", "a name is not allowed"),
        ("open('f')", "the only functions are exp, log, sqrt"),
        ("9**9**9", "too large"),
        ("1" * 300, "longer than 200"),
        ("(" * 150 + "1" + ")" * 49, "not a number"),
        ("1/0", "divides by zero"),
        ("[1]", "not allowed"),
        ("'1'", "only numbers"),
    ],
)
def test_the_arithmetic_parser_refuses_everything_but_arithmetic(text, fragment):
    with pytest.raises(AnswerTextError, match=fragment) as refused:
        parse_value(text)
    assert "\n" not in str(refused.value)


def test_the_arithmetic_parser_computes_and_keeps_the_precision_written():
    assert parse_value("0.5933*(1-0.5933)").value == pytest.approx(0.5933 * (1 - 0.5933))
    assert parse_value("exp(-0.3775)").value == pytest.approx(math.exp(-0.3775))
    assert parse_value("0.3775").half_unit == pytest.approx(5e-5)
    assert parse_value("4.39e-4").half_unit == pytest.approx(5e-7)
    assert parse_value("2**10").value == 1024 and parse_value("-sqrt(4)").value == -2


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_the_arithmetic_parser_never_fails_but_in_one_line(text):
    try:
        typed = parse_value(text)
    except AnswerTextError as refused:
        assert "\n" not in str(refused)
    else:
        assert math.isfinite(typed.value)


def test_the_check_command_grades_a_class_and_exits_like_a_test_runner(runner, tmp_path):
    from backprop_walkthrough.cli import cli

    good = tmp_path / "good.yaml"
    good.write_text("scenario: mazur\nanswers:\n  net_h1: 0.3775\n  out_h1: 0.5933\n")
    post = SCENARIOS.parent / "tests" / "answers" / "post.yaml"
    alone = runner.invoke(cli, ["check", str(good)])
    assert alone.exit_code == 0 and "2 correct" in alone.output, alone.output
    both = runner.invoke(cli, ["check", str(good), str(post)])
    assert both.exit_code == 1 and "The class" in both.output
    assert "first wrong step" in both.output and "updated_output_weights" in both.output
    whole = json.loads(runner.invoke(cli, ["check", str(post), "--format", "json"]).output)
    (document,) = whole["files"]
    assert document["first_wrong"] == ["E_total_after"]
    assert whole["summary"]["first_wrong"] == {"E_total_after": 1}
    assert document["figures"]["dE_o2/dout_h1"]["status"] == "rounding"
    assert set(document["summary"]) == {
        "correct",
        "rounding",
        "carried_forward",
        "wrong",
        "missing",
    }
    names = runner.invoke(cli, ["check", "--figures"]).output.split("\n")
    assert names[:3] == ["net_h1", "out_h1", "net_h2"] and "E_total_after" in names
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  net_h1: 1 +\n")
    refused = runner.invoke(cli, ["check", str(bad)])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "bad.yaml:2: answers.net_h1:" in refused.stderr
    tanh = runner.invoke(cli, ["check", str(good), "tanh_sigmoid"])  # the last name: SCENARIO
    # The title may wrap where the temporary path is long: compare the words, not the lines.
    assert "graded against tanh_sigmoid" in " ".join(tanh.output.split())


def test_practice_driven_through_standard_input(runner):
    """Hints (the rule, the numbers, the value), a wrong answer with its mistake named, a
    skip, a quit, and the score table."""
    from backprop_walkthrough.cli import cli

    right = classic()
    flipped = classic("sign_flipped")["dE_total/dout_o1"]
    lines = [
        f"{right['out_h1']:.6f}",  # out_h1 ✓
        "?",  # out_o1: the rule in symbols
        "?",  # with the numbers
        "?",  # the value: shown
        f"{right['out_h1']:.4f}",  # dnet_o1/dw5 ✓
        f"{right['dout_o1/dnet_o1']:.4f}",  # dout_o1/dnet_o1 ✓
        f"{flipped:.6f}",  # dE_total/dout_o1: the sign flipped, named
        "0.5933*(1-0.5933)",  # an expression, and wrong here
        "s",  # skip dE_total/dout_o1
        "q",
    ]
    result = runner.invoke(cli, ["practice", "--param", "w5"], input="\n".join(lines) + "\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "out_h1 = 0.593270\n  ✓" in out
    assert "hint: out_o1 = σ(net_o1)" in out and "hint: out_o1 = σ(1.105906)" in out  # --digits 6
    assert "(shown)" in out
    assert "✗ not" in out and "sign_flipped" in out and "Try again" in out
    assert "Score" in out and "revealed" in out and "Mistakes by kind" in out
    score = dict(
        line.rsplit(None, 1) for line in out.split("Score\n")[1].splitlines()[:5] if line.strip()
    )
    assert {k.strip(): int(v) for k, v in score.items()} == {
        "first try": 3,
        "after tries or hints": 0,
        "revealed": 1,
        "skipped": 1,
        "not reached": 2,
    }


def test_practice_on_new_numbers_is_reproducible_from_its_seed(runner):
    from backprop_walkthrough.cli import cli

    first = runner.invoke(cli, ["practice", "--new", "7", "--only", "forward"], input="q\n")
    again = runner.invoke(cli, ["practice", "--new", "7", "--only", "forward"], input="q\n")
    other = runner.invoke(cli, ["practice", "--new", "8", "--only", "forward"], input="q\n")
    assert first.exit_code == 0 and first.output == again.output != other.output
    assert "seed 7" in first.output and "Parameters" in first.output
    refused = runner.invoke(cli, ["practice", "wide", "--new", "1"], input="q\n")
    assert refused.exit_code == 2 and "no written weights" in refused.stderr


def test_worksheets_are_filled_in_and_graded_by_check(runner, tmp_path):
    """--worksheet writes the questions with blanks; the answer key, graded by check, is all
    correct; an untouched sheet is not a pass."""
    import shutil

    from backprop_walkthrough.cli import cli

    from ..helpers import pdflatex

    sheet = tmp_path / "sheet.yaml"
    key = tmp_path / "key.yaml"
    args = ["practice", "--new", "7", "--param", "w1"]
    assert runner.invoke(cli, [*args, "--worksheet", "-o", str(sheet)]).exit_code == 0
    assert runner.invoke(cli, [*args, "--answer-key", "-o", str(key)]).exit_code == 0
    blank = runner.invoke(cli, ["check", str(sheet)])
    assert blank.exit_code == 1 and "No figure given" in blank.output  # nothing answered yet
    graded = runner.invoke(cli, ["check", str(key), "--format", "json"])
    (document,) = json.loads(graded.output)["files"]
    assert graded.exit_code == 0 and document["summary"]["wrong"] == 0
    assert document["summary"]["correct"] >= 8 and document["scenario"] == "mazur-7"
    for fmt, marker in (("markdown", "| figure | rule | answer |"), ("html", "<table>")):
        out = runner.invoke(cli, [*args, "--worksheet", "--format", fmt]).output
        assert marker in out and "dE_total/dw1" in out
    if shutil.which("pdflatex"):
        tex = tmp_path / "sheet.tex"
        assert runner.invoke(cli, [*args, "--answer-key", "-o", str(tex)]).exit_code == 0
        compiled = pdflatex(tex)
        assert compiled.returncode == 0, compiled.stdout[-2000:]


def test_a_mean_squared_error_summed_instead_of_averaged():
    """The reverse of mean_instead_of_sum: three outputs whose errors the scenario averages
    (E_o = (target − out)²/3), worked without the 1/3."""
    doc = {
        "layers": [{"neurons": ["x"]}, {"neurons": ["o1", "o2", "o3"], "activation": "linear"}],
        "weights": {
            "w1": {"from": "x", "to": "o1", "value": 0.2},
            "w2": {"from": "x", "to": "o2", "value": -0.4},
            "w3": {"from": "x", "to": "o3", "value": 0.7},
        },
        "loss": "mean_squared_error",
        "inputs": {"x": 1.0},
        "targets": {"o1": 0.5, "o2": 0.1, "o3": 0.3},
        "learning_rate": 0.1,
    }
    summed = (0.5 - 0.2) ** 2  # by hand: out_o1 = w1·x = 0.2, without the 1/3
    graded = {g.name: g for g in check({"out_o1": "0.2", "E_o1": f"{summed:.6f}"}, doc).figures}
    assert graded["E_o1"].first_wrong and "mean_instead_of_sum" in graded["E_o1"].diagnosis


def test_a_mistake_no_rule_explains_gets_the_figures_rule_with_its_numbers():
    result = check({"net_h1": "0.3775", "out_h1": "0.7"}, "mazur")
    (wrong,) = [g for g in result.figures if g.first_wrong]
    assert wrong.name == "out_h1" and wrong.diagnosis == ()
    assert wrong.explanation == "out_h1 = σ(net_h1); out_h1 = σ(0.3775)"
