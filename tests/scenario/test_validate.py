"""One validator for every input kind (scenario/validate/): every problem at once with its
line, control characters and duplicate keys refused, one wording per rule, and ``validate``
naming each kind."""

from __future__ import annotations

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli

from ..conftest import SCENARIOS

EXPRESSION = (
    "kind: expression\n"
    'name: "bad\\e[31mname"\n'
    "program: |\n"
    "  e = a*b\n"
    "  L = e +\n"
    "values: {a: x, b: 2}\n"
    "foo: 1\n"
)


def test_an_expression_file_reports_every_problem_with_its_line(tmp_path, runner):
    path = tmp_path / "e.yaml"
    path.write_text(EXPRESSION)
    problems = [str(p) for p in api.validate(path)]
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["2", "5", "6", "7"]
    assert "name: contains the control character U+001B" in problems[0]
    assert "program: statement 2" in problems[1] and "values.a: expected a number" in problems[2]
    assert "unknown key 'foo'" in problems[3]
    result = runner.invoke(cli, ["expr", str(path)])
    assert result.exit_code == 2 and "\x1b" not in result.output + result.stderr
    assert "U+001B" in result.stderr and result.stderr.count("\n") == 1


def test_the_escape_in_an_expression_name_is_refused_as_in_a_network(tmp_path, runner):
    path = tmp_path / "e.yaml"
    path.write_text('kind: expression\nname: "x\\e]0;title\\a"\nprogram: L = a*b\n')
    result = runner.invoke(cli, ["expr", str(path), "a=1", "b=2"])
    assert result.exit_code == 2 and "\x1b" not in result.output + result.stderr


def test_an_answers_file_refuses_a_duplicate_figure_and_reports_every_problem(tmp_path, runner):
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n  net_h1: 0.3775\n  net_h1: 0.4\n  out_h1: abc\nextra: 1\n")
    problems = [str(p) for p in api.validate(path)]
    assert len(problems) == 3
    assert "a.yaml:3: answers.net_h1: duplicate key 'net_h1' (first on line 2)" in problems[0]
    assert "a.yaml:4: answers.out_h1:" in problems[1] and "a.yaml:5: extra:" in problems[2]
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 2 and "duplicate key 'net_h1'" in result.stderr


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ((SCENARIOS / "mazur.yaml").read_text(), "network scenario"),
        ((SCENARIOS / "names.yaml").read_text(), "shapes spec"),
        ((SCENARIOS / "micrograd.yaml").read_text(), "expression file"),
        ("scenario: mazur\nanswers:\n  net_h1: 0.3775\n", "answers file"),
    ],
)
def test_validate_accepts_all_four_kinds_and_names_each(tmp_path, runner, text, kind):
    path = tmp_path / "input.yaml"
    path.write_text(text)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.strip() == f"ok: {path} ({kind})"


def test_one_wording_for_a_whole_number_out_of_range(tmp_path, runner):
    spec = tmp_path / "s.yaml"
    spec.write_text("kind: embedding_mlp\nblock_size: 0\n")
    from_file = runner.invoke(cli, ["shapes", str(spec)]).stderr
    from_option = runner.invoke(cli, ["shapes", "--block-size", "0"]).stderr
    wording = "block_size: must be a whole number from 1 to 16, got 0"
    assert wording in from_file and wording in from_option
