"""The README's promises: its two commands, its options, its CI script."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from backprop_walkthrough.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
INSTALL_AND_RUN = (
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/backprop-walkthrough"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
)


def test_readme_has_the_two_commands():
    assert INSTALL_AND_RUN in README
    assert TEST_COMMAND in README


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert TEST_COMMAND in script.splitlines()
    assert "set -euo pipefail" in script


def test_every_option_is_in_the_readme():
    for command in cli.commands.values():
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in README, opt


def test_readme_excerpt_matches_the_real_output(runner):
    output = runner.invoke(cli, [], env={"COLUMNS": "100"}).output
    excerpt = re.search(r"## What you see.*?```\n(.*?)```", README, re.S).group(1)
    output_lines = [line.rstrip() for line in output.splitlines()]
    for line in excerpt.splitlines():
        if line != "...":
            assert line.rstrip() in output_lines, line


def test_ruff_is_clean():
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner):
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, name
        assert f"backprop-walkthrough {name}" in README or f"`{name}`" in README, name
    for secondary in ("--linear-scale",):
        assert f"`{secondary}`" in README


def test_the_readme_picture_is_what_the_tool_prints():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from readme_picture import PICTURE, picture
    finally:
        sys.path.pop(0)
    assert picture() == PICTURE.read_text(encoding="utf-8"), (
        "docs/walkthrough.svg is stale: run python scripts/readme_picture.py and check the diff"
    )
    assert "docs/walkthrough.svg" in README.split("\n## ")[0]  # the README opens with it


def test_version_agrees_with_the_changelog_and_the_cli(runner):
    from backprop_walkthrough import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text()
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    assert released and released[0] == __version__
    assert runner.invoke(cli, ["--version"]).output.strip().endswith(__version__)


def test_mypy_strict_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_concrete_command_in_the_readme_runs(runner, tmp_path, monkeypatch):
    """Inline `backprop-walkthrough …` commands without placeholders, and the --help of every
    command the README names, run as written: the documentation cannot drift."""
    monkeypatch.chdir(tmp_path)
    commands = set(re.findall(r"`(backprop-walkthrough[^`]*)`", README))
    concrete = [
        c
        for c in commands
        if not re.search(r"[A-Z]{3,}|\[|\||…|--output|-o |my-", c) and " train" not in c
    ]
    assert len(concrete) >= 4, concrete
    for command in sorted(concrete):
        args = shlex.split(command)[1:]  # quoted programs stay one argument
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (command, result.output[-500:])
    for name in cli.commands:
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0
    trained = runner.invoke(cli, ["train", "--steps", "10000", "--format", "json"])
    assert json.loads(trained.stdout)["E_total"] < 4e-5  # the README's training figure


def test_the_examples_in_every_help_text_run(runner, tmp_path, monkeypatch):
    import shutil

    monkeypatch.chdir(tmp_path)
    ran = 0
    for command in cli.commands.values():
        groups = [command, *getattr(command, "commands", {}).values()]
        for sub in groups:
            help_text = sub.help or ""
            examples = help_text.split("Examples:")[-1] if "Examples:" in help_text else ""
            for line in examples.splitlines():
                line = line.split("#")[0].split(">")[0].strip()
                if not line.startswith("backprop-walkthrough") or "my-" in line or "*" in line:
                    continue
                if "--output xor.svg" in line and shutil.which("dot") is None:
                    continue
                result = runner.invoke(cli, shlex.split(line)[1:])
                assert result.exit_code == 0, (line, result.output[-300:])
                ran += 1
    assert ran >= 15


def test_the_readmes_commands_run_as_a_newcomer_runs_them(tmp_path):
    """The README installed into .venv but never activated it, so `backprop-walkthrough
    explain w1` said "command not found". Its commands now run in a shell that did what the
    README says (`. .venv/bin/activate`), from an empty directory."""
    import os

    assert ". .venv/bin/activate" in README
    activate = Path(sys.prefix) / "bin" / "activate"
    if sys.prefix == sys.base_prefix or not activate.exists():
        import pytest

        pytest.skip("the tests run outside a virtual environment (the README installs into one)")
    commands = sorted(
        c
        for c in set(re.findall(r"`(backprop-walkthrough[^`]*)`", README))
        | set(re.findall(r"^(backprop-walkthrough [^#\n]*?)\s*(?:#.*)?$", README, re.M))
        if not re.search(r"[A-Z]{3,}|\[|\||…|--output|-o |--steps|\btrain\b|my-", c)
    )
    assert "backprop-walkthrough explain w1" in commands and len(commands) >= 5, commands
    steps = "".join(f"{c} > /dev/null\necho ran: {c}\n" for c in commands)
    script = f"set -e\n. {activate}\n{steps}"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/bin:/bin"  # a newcomer's PATH: the tool only through the activation
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-1000:]
    assert result.stdout.count("ran: ") == len(commands)


def test_readme_matrix_excerpts_match_the_real_output(runner):
    output = runner.invoke(cli, ["run", "--view", "matrix"], env={"COLUMNS": "100"}).output
    output_lines = [line.rstrip() for line in output.splitlines()]
    section = re.search(r"### The same step in matrix form.*?###", README, re.S).group(0)
    excerpts = re.findall(r"```\n(.*?)```", section, re.S)
    assert len(excerpts) == 2
    for excerpt in excerpts:
        for line in excerpt.splitlines():
            assert line.rstrip() in output_lines, line


def test_readme_check_table_excerpt_matches_the_real_output(runner):
    output = runner.invoke(cli, ["shapes", "--numbers"], env={"COLUMNS": "100"}).output
    output_lines = [line.rstrip() for line in output.splitlines()]
    section = re.search(r"\*\*With numbers: `shapes --numbers`\.\*\*.*?```\n(.*?)```", README, re.S)
    for line in section.group(1).splitlines():
        assert line.rstrip() in output_lines, line


def test_how_it_works_names_every_module():
    """The README's "How it works" names every module of the package (and every folder)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it works", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "backprop_walkthrough"
    missing = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py") and f"`{path.name}`" not in section
    ]
    folders = [p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    missing += [f"{name}/" for name in folders if f"`{name}/`" not in section]
    assert not missing, missing
