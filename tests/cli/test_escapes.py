"""Text a user wrote never reaches the terminal with its control characters: a program's
comment, an answers file's name, a line typed into practice (errors.visible, once)."""

from __future__ import annotations

import pytest

from backprop_walkthrough.cli import cli

ESCAPES = "\x1b[2J\x1b[31m"


@pytest.mark.parametrize("output_format", ["text", "markdown", "html", "latex"])
def test_a_comment_in_a_program(runner, output_format):
    program = f"L = a*b  # {ESCAPES}red"
    result = runner.invoke(cli, ["expr", program, "a=1", "b=2", "--format", output_format])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.output
    assert "x1b" in result.output  # shown as its escape (itself escaped in Markdown and LaTeX)


def test_an_answers_file_name_in_the_titles_and_the_summary(tmp_path, runner):
    path = tmp_path / f"ans{ESCAPES}X.yaml"
    path.write_text("answers:\n  net_h1: 0.3775\n")
    result = runner.invoke(cli, ["check", str(path), str(path)])
    assert "\x1b" not in result.output + result.stderr
    assert result.output.count(r"\x1b[2J") >= 2  # the two titles (the summary may shorten it)


def test_a_line_typed_into_practice_is_echoed_visibly(runner):
    typed = "0.37\x1b[2J75\r\n\x00q\nq\n"
    result = runner.invoke(cli, ["practice", "--only", "forward"], input=typed)
    assert result.exit_code == 0
    assert not any(c in result.output for c in "\x1b\x00\r")
    assert r"0.37\x1b[2J75" in result.output and r"\x00q" in result.output
