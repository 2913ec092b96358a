"""Every JSON document of every command and of the API is strict JSON: no NaN or Infinity, and
no −0.0 (render/json.dumps, the one writer)."""

from __future__ import annotations

import json

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli


def strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"not JSON: {constant}")

    def number(literal: str) -> float:
        assert literal.lstrip("-").strip("0.") != "" or not literal.startswith("-"), literal
        return float(literal)

    return json.loads(text, parse_constant=refuse, parse_float=number)


COMMANDS = [
    ["run", "--format", "json"],
    ["run", "softmax", "--format", "json"],
    ["run", "xor", "--format", "json"],
    ["run", "deep_relu", "--exact", "--format", "json"],
    ["run", "--view", "matrix", "--convention", "both", "--format", "json"],
    ["explain", "w1", "--format", "json"],
    ["expr", "micrograd", "--format", "json"],
    ["expr", "L = log(a)", "a=1e-7", "--format", "json"],
    ["expr", "L = relu(a)", "a=0", "--format", "json"],
    ["shapes", "--format", "json"],
    ["train", "--steps", "10", "--format", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_commands_json_is_strict(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    strict(result.stdout)


def test_checks_json_is_strict(runner, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n  net_h1: 0.3775\n  out_h1: -0\n")
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    strict(result.stdout)


def test_every_api_result_exports_strict_json():
    results = [
        api.walkthrough("mazur"),
        api.matrices("softmax"),
        api.expression("L = log(a)", {"a": 1e-7}),
        api.train("mazur", steps=5),
        api.shapes(),
        api.check({"net_h1": "0.3775"}),
    ]
    for result in results:
        strict(api.export(result, "json"))


def test_the_checker_refuses_a_negative_zero():
    with pytest.raises(AssertionError):
        strict('{"a": -0.0}')
    with pytest.raises(AssertionError):
        strict('{"a": NaN}')
