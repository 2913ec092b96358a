"""No -o of any command writes over a file the command read — through a symbolic link or a
hard link too — and a file written over keeps its other names and its owner."""

from __future__ import annotations

import os

import pytest

from backprop_walkthrough.cli import cli

from ..conftest import SCENARIOS

ANSWERS = "scenario: mazur\nanswers:\n  net_h1: 0.3775\n"


def _files(tmp_path):
    answers = tmp_path / "ans.yaml"
    answers.write_text(ANSWERS)
    scenario = tmp_path / "s.yaml"
    scenario.write_text((SCENARIOS / "mazur.yaml").read_text())
    program = tmp_path / "e.yaml"
    program.write_text("kind: expression\nprogram: L = a*b\nvalues: {a: 2, b: 3}\n")
    spec = tmp_path / "sh.yaml"
    spec.write_text("kind: embedding_mlp\nwords: [emma]\n")
    return answers, scenario, program, spec


CASES = {
    "check's answers": lambda a, s, e, sh: (["check", str(a), "--format", "json"], a),
    "check's scenario": lambda a, s, e, sh: (
        ["check", str(a), "--scenario", str(s), "--format", "json"],
        s,
    ),
    "practice's scenario": lambda a, s, e, sh: (
        ["practice", str(s), "--new", "1", "--answer-key", "--format", "yaml"],
        s,
    ),
    "expr's file": lambda a, s, e, sh: (["expr", str(e), "--format", "json"], e),
    "shapes' spec": lambda a, s, e, sh: (["shapes", str(sh), "--format", "json"], sh),
    "run's scenario": lambda a, s, e, sh: (["run", str(s), "--format", "json"], s),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("via", ["itself", "a symbolic link", "a hard link"])
def test_no_output_writes_over_what_the_command_read(tmp_path, runner, case, via):
    args, read = CASES[case](*_files(tmp_path))
    before = read.read_bytes()
    target = tmp_path / "out.json"
    if via == "itself":
        target = read
    elif via == "a symbolic link":
        target.symlink_to(read)
    else:
        os.link(read, target)
    result = runner.invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 2, (case, via, result.output, result.stderr)
    assert "is a file this command reads" in result.stderr
    assert read.read_bytes() == before


def test_a_file_with_two_names_is_written_in_place(tmp_path, runner):
    first = tmp_path / "first.json"
    first.write_text("old")
    second = tmp_path / "second.json"
    os.link(first, second)
    result = runner.invoke(cli, ["run", "--format", "json", "-o", str(second)])
    assert result.exit_code == 0, result.stderr
    assert first.read_text() == second.read_text() != "old"
    assert first.stat().st_ino == second.stat().st_ino


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can write over another user's file")
def test_root_writing_over_another_users_file_keeps_its_owner(tmp_path, runner):
    path = tmp_path / "theirs.json"
    path.write_text("old")
    os.chown(path, 1234, 1234)
    result = runner.invoke(cli, ["run", "--format", "json", "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 1234)
