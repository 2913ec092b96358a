"""A figure is judged at the digits written only where they are significant: the grader cannot
be cheated with numbers that claim a precision they do not have (0e9 is ±5e8 as written)."""

from __future__ import annotations

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli
from backprop_walkthrough.scenario.arithmetic import parse_value

NAMES = api.figure_names("mazur")


@pytest.mark.parametrize("cheat", ["0e9", "0E+99", "-0e3", "0.000", "−0e3"])
def test_a_zero_mantissa_is_judged_as_the_value_it_is(cheat):
    result = api.check(dict.fromkeys(NAMES, cheat), "mazur")
    statuses = {g.status.value for g in result.figures}
    assert "correct" not in statuses and "rounding" not in statuses
    assert not result.passed


def test_the_command_exits_1_for_an_answers_file_of_zeros(tmp_path, runner):
    path = tmp_path / "cheat.yaml"
    path.write_text("answers:\n" + "".join(f'  "{n}": 0e9\n' for n in NAMES))
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{len(NAMES)} correct" not in result.output


def test_a_whole_number_has_the_precision_of_its_digits():
    """YAML reads 10000000000000000 as an int: one unit, not '1e+16' to one digit (±5e15)."""
    assert parse_value(10_000_000_000_000_000).half_unit == 0.5
    result = api.check({"net_h1": 10_000_000_000_000_000}, "mazur")
    assert result.figures[0].status.value == "wrong"


@pytest.mark.parametrize(
    ("text", "half"),
    [
        ("0.3775", 5e-5),
        ("4.4e-4", 5e-6),
        ("0.019049119", 5e-10),
        ("1e9", 5e8),  # one significant digit, and the tolerance below the number
        ("0e9", 0.0),
        ("12345678901234567890", 0.0),  # more digits than a double holds
        ("0.1234567890123456789", 0.0),
    ],
)
def test_the_precision_as_written(text, half):
    assert parse_value(text).half_unit == pytest.approx(half, rel=1e-12, abs=0)


def test_a_number_too_large_for_a_double_is_one_line():
    with pytest.raises(ValueError, match="too large for a double"):
        parse_value(10**400)
