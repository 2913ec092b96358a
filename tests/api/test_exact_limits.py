"""--exact is bounded before the work (parameters and smooth layers of a network; the digits and
the nesting of a program) and, past those, by a time budget: each refusal one line, exit 2."""

from __future__ import annotations

import pytest

from backprop_walkthrough import api, options
from backprop_walkthrough.cli import cli
from backprop_walkthrough.errors import OptionError


def deep(layers: int, activation: str) -> dict:
    names = [[f"n{i}"] for i in range(layers + 1)]
    return {
        "name": "deep",
        "layers": [
            {"neurons": names[0]},
            *({"neurons": n, "activation": activation} for n in names[1:]),
        ],
        "weights": {
            f"w{i}": {"from": names[i][0], "to": names[i + 1][0], "value": 0.5}
            for i in range(layers)
        },
        "inputs": {"n0": 1.0},
        "targets": {names[-1][0]: 0.5},
        "learning_rate": 0.5,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "wide", "--exact"], "at most 60 parameters and 2 smooth layers"),
        (["expr", "L = (((a**100)**100)**100)**100", "a=1/3", "--exact"], "digits"),
        (["expr", "L = (a**100)**100", "a=1/3", "--exact"], "digits"),
        (
            [
                "expr",
                "L = sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(a))))))",
                "a=1/3",
                "--exact",
            ],
            "nests 4 functions",
        ),
    ],
)
def test_refused_before_the_work(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_a_deep_smooth_network_is_refused_and_a_deep_relu_one_is_not():
    with pytest.raises(OptionError) as refused:
        api.walkthrough(deep(12, "sigmoid"), exact=True)
    assert "smooth layers" in str(refused.value)
    exact = api.walkthrough(deep(6, "relu"), exact=True).exact
    assert exact is not None and str(exact["out_n6"]) == "1/64"


def test_past_the_checks_a_time_budget_says_so(monkeypatch):
    monkeypatch.setattr(options, "EXACT_SECONDS", 0.05)
    with pytest.raises(OptionError, match="gave up after 0.05 s"):
        api.walkthrough("mazur", exact=True)
    # and the budget is gone afterwards: nothing else is interrupted
    assert api.walkthrough("mazur").gradients["w1"] > 0
