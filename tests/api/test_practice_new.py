"""`practice --new` reads the scenario as `run` does and draws its numbers from random() alone."""

from __future__ import annotations

import pytest

from backprop_walkthrough.api.sessions import new_scenario
from backprop_walkthrough.cli import cli

from ..conftest import SCENARIOS


def test_five_and_minus_five_draw_different_numbers():
    assert new_scenario("mazur", 5)["weights"] != new_scenario("mazur", -5)["weights"]
    assert new_scenario("mazur", 5) == new_scenario("mazur", 5)


def test_the_first_numbers_of_a_seed_are_pinned():
    """random() after seeding with text is the stream Python promises to keep."""
    weights = new_scenario("mazur", 5)["weights"]
    assert [weights[f"w{i}"]["value"] for i in (1, 2, 3)] == [-0.78, -0.06, -0.81]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("learning_rate: 0.5", "learning_rate: 1:20"), "learning_rate: expected a number"),
        (("update_biases: false", "update_biases: yes"), "update_biases"),
        (("  w2: {from: i2", "  w1: {from: i2"), "duplicate key 'w1'"),
    ],
)
def test_the_scenario_is_read_with_runs_rules(tmp_path, runner, change, message):
    text = (SCENARIOS / "mazur.yaml").read_text()
    assert change[0] in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(change[0], change[1], 1))
    ran = runner.invoke(cli, ["run", str(path)])
    practised = runner.invoke(cli, ["practice", str(path), "--new", "3"], input="q\n")
    assert ran.exit_code == practised.exit_code == 2
    assert message in practised.stderr and practised.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "text", ["weights: 5\n", "layers: [{neurons: [a]}]\n", "{}\n", "[1, 2]\n", "name: x\n"]
)
def test_a_malformed_scenario_is_one_line(tmp_path, runner, text):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    result = runner.invoke(cli, ["practice", str(path), "--new", "3"], input="q\n")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "internal error" not in result.stderr
