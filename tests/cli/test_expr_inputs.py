"""`expr` refuses what no double holds and names what it does not take, in one line, exit 2:
never nan or inf printed with exit 0, never an internal error."""

from __future__ import annotations

import pytest

from backprop_walkthrough.cli import cli

BIG = "9" * 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["L = a * 1e400", "a=0"], "1e400 is too large for a double"),
        (["L = 1e400"], "1e400 is too large for a double"),
        ([f"L = a * {BIG}", "a=0"], "is too large for a double"),
        (["L = a*b", "a=1e300", "b=1e300"], "beyond the range of a double"),
        (["L = a*b", "a=2", "b=3", "--nudge", "nan"], "--nudge: expected a finite number"),
        (["L = a*2", "a=1", "a=2"], "a is given twice"),
        (["L = a % 2", "a=1"], "the operator % is not allowed"),
        (["L = a // 2", "a=1"], "the operator // is not allowed"),
        (["L = ~a", "a=1"], "the operator ~ is not allowed"),
        (["L = not a", "a=1"], "the operator not is not allowed"),
        (["exp = a*2", "a=1"], "'exp' is an operation; choose another name"),
        (["L = exp(a)", "a=700", "--nudge", "100"], "the nudge of 100"),
    ],
)
def test_refused_in_one_line(runner, args, message):
    result = runner.invoke(cli, ["expr", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""  # nothing printed as a result: no nan, no inf


def test_a_flat_sum_of_many_terms_is_not_nesting(runner):
    program = "L = " + " + ".join(["a"] * 150)
    result = runner.invoke(cli, ["expr", program, "a=1", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"gradient": 150.0' in result.output or '"grad": 150.0' in result.output


@pytest.mark.parametrize("exact", [[], ["--exact"]])
def test_a_power_written_with_a_caret_is_read_alike_exact_or_not(runner, exact):
    result = runner.invoke(cli, ["expr", "L = a*b", "a=2^3", "b=1", *exact])
    assert result.exit_code == 0, result.stderr
    assert "\na = 8" in result.output


def test_the_signs_the_tool_prints_are_read_back_everywhere(runner, tmp_path):
    """× and − (as the tool prints them) in an answer, a NAME=VALUE and a practice line were an
    internal error (a UnicodeDecodeError): each is read as * and -."""
    path = tmp_path / "a.yaml"
    path.write_text('answers:\n  net_h1: "0.15×0.05 + 0.2×0.1 + 0.35×1"\n', encoding="utf-8")
    checked = runner.invoke(cli, ["check", str(path)])
    assert checked.exit_code == 0 and "internal error" not in checked.stderr
    given = runner.invoke(cli, ["expr", "L = a*b", "a=2×3", "b=−1"])
    assert given.exit_code == 0 and "\na = 6" in given.output
    practised = runner.invoke(
        cli, ["practice", "--only", "forward"], input="0.15×0.05 + 0.2×0.1 + 0.35\nq\n"
    )
    assert practised.exit_code == 0 and "✓" in practised.output
