"""Every cost an input or an option can raise is bounded: a practice line, the checkpoints of a
run, the terminal's width, the shapes dataset, the scenarios a class derives; and a command that
cannot write its help says so in one line. The memory cases run under resource.setrlimit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli

LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))
sys.argv = ["backprop-walkthrough", *sys.argv[1:]]
from backprop_walkthrough.cli import main
main()
"""


def limited(*args: str, stdin=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LIMITED, *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_practice_reads_no_unbounded_line_from_dev_zero():
    with Path("/dev/zero").open("rb") as zero:
        result = limited("practice", stdin=zero)
    assert result.returncode == 2, result.stderr[-500:]
    assert "characters: not answers" in result.stderr and result.stderr.count("\n") == 1


def test_a_long_line_is_not_echoed(runner):
    result = runner.invoke(cli, ["practice", "--only", "forward"], input="1" * 100_000 + "\nq\n")
    assert result.exit_code == 0
    assert "(a line of more than 1,000 characters)" in result.output
    assert "1" * 1_001 not in result.output


def test_max_checkpoints_has_an_upper_bound(runner):
    result = runner.invoke(cli, ["train", "--max-checkpoints", "5000000"])
    assert result.exit_code == 2 and "100,000" in result.stderr


@pytest.mark.parametrize("columns", ["100000000", "99999999999"])
def test_a_huge_terminal_width_is_clamped(columns):
    import os

    result = limited("run", env={**os.environ, "COLUMNS": columns})
    assert result.returncode == 0, result.stderr[-500:]
    assert max(len(line) for line in result.stdout.splitlines()) <= 1_000


def test_the_shapes_dataset_is_bounded(tmp_path, runner):
    path = tmp_path / "big.yaml"
    path.write_text("kind: embedding_mlp\nblock_size: 16\nwords: [" + "a" * 990_000 + "]\n")
    result = runner.invoke(cli, ["shapes", str(path), "--format", "json"])
    assert result.exit_code == 2 and "990,001 examples" in result.stderr


def test_a_class_derives_each_scenario_once(tmp_path, monkeypatch):
    from backprop_walkthrough.api import grading

    calls = []
    original = grading.walkthrough
    monkeypatch.setattr(
        grading, "walkthrough", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    paths = []
    for i in range(5):
        path = tmp_path / f"student{i}.yaml"
        path.write_text(f"scenario: mazur\nanswers:\n  net_h1: 0.377{i}\n")
        paths.append(path)
    results = api.check_files(paths)
    assert len(results.graded) == 5 and len(calls) == 1


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["scenarios"]])
def test_output_to_a_full_device_is_one_line(args):
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "backprop_walkthrough", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
