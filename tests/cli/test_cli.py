"""The command line, through click's CliRunner and, where it matters, a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backprop_walkthrough import __version__
from backprop_walkthrough.cli import cli

from ..conftest import SCENARIOS


def test_default_run_is_the_classic_walkthrough(runner):
    result = runner.invoke(cli, [])
    assert result.exit_code == 0, result.output
    out = result.output
    for fragment in (
        "The network",
        "Forward pass",
        "The error",
        "Output-layer weights",
        "Hidden-layer weights",
        "Biases",
        "The update",
        "shake it",
        "E_total = ",
        "0.298371109",
        "0.082167041",
        "0.358916480",
        "0.291027774",
    ):
        assert fragment in out, fragment
    assert "\x1b[" not in out  # not a terminal: plain text, no escape codes
    # the sections come in the order a learner works through them
    positions = [
        out.index(s)
        for s in (
            "The network",
            "Forward pass",
            "The error",
            "Output-layer",
            "Hidden-layer",
            "Biases",
            "The update",
        )
    ]
    assert positions == sorted(positions)


def test_run_with_a_path_and_a_builtin_name(runner):
    by_path = runner.invoke(cli, ["run", str(SCENARIOS / "notes.yaml")])
    by_name = runner.invoke(cli, ["notes"])
    assert by_path.exit_code == by_name.exit_code == 0
    assert by_path.output == by_name.output
    assert "update biases" in by_name.output


def test_bad_file_is_one_line_and_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("layers: [\n")
    result = runner.invoke(cli, ["run", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}:")
    assert "Traceback" not in result.output


def test_unknown_builtin_lists_the_known_ones(runner):
    result = runner.invoke(cli, ["mazr"])
    assert result.exit_code == 2
    assert "built-in: " in result.stderr and "did you mean 'mazur'" in result.stderr
    assert "mazur" in result.stderr and "xor" in result.stderr


def test_json_output_has_every_key_at_full_precision(runner):
    result = runner.invoke(cli, ["--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    for key in (
        "scenario",
        "forward",
        "errors",
        "gradients",
        "numeric_gradients",
        "updated",
        "E_total_after",
        "steps",
    ):
        assert key in doc
    assert doc["scenario"] == "mazur"
    assert set(doc["forward"]) == {
        f"{k}_{n}" for n in ("h1", "h2", "o1", "o2") for k in ("net", "out")
    }
    assert set(doc["errors"]) == {"E_o1", "E_o2", "E_total"}
    assert set(doc["gradients"]) == {f"w{i}" for i in range(1, 9)} | {"b1", "b2"}
    assert doc["errors"]["E_total"] == 0.2983711087600027  # full double precision
    assert doc["updated"]["b1"] == 0.35
    w5 = doc["steps"]["w5"]
    assert [f["symbolic"] for f in w5["factors"]] == [
        "out_h1",
        "out_o1*(1 - out_o1)",
        "-(target_o1 - out_o1)",
    ]
    assert w5["factors"][0]["value"] == doc["forward"]["out_h1"]


def test_digits_changes_only_the_display(runner):
    four = runner.invoke(cli, ["--digits", "4"]).output
    nine = runner.invoke(cli, []).output
    assert "= 0.0822\n" in four and "= 0.0822\n" not in nine
    assert "= 0.082167041\n" in nine and "= 0.082167041\n" not in four
    assert runner.invoke(cli, ["--digits", "0"]).exit_code == 2


def test_h_changes_the_shake(runner):
    result = runner.invoke(cli, ["--h", "0.001", "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["steps"]["w5"]["shake"]["h"] == 0.001
    assert runner.invoke(cli, ["--h", "0"]).exit_code == 2
    assert runner.invoke(cli, ["--h", "abc"]).exit_code == 2


def test_hidden_uses_updated_weights_reproduces_the_post(runner):
    result = runner.invoke(cli, ["--hidden-uses-updated-weights"])
    assert result.exit_code == 0
    assert "0.291027924" in result.output
    assert "does not agree" in result.output  # the shake shows the gradient is not exact


def test_help_and_version(runner):
    for args in (["--help"], ["-h"], ["run", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Examples:" in result.output
    result = runner.invoke(cli, ["--version"])
    assert result.output.strip() == f"backprop-walkthrough {__version__}"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_python_dash_m_works():
    result = _run("-m", "backprop_walkthrough", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scenario"] == "mazur"


def test_help_does_not_import_sympy():
    code = (
        "import sys; from backprop_walkthrough.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('SYMPY' if 'sympy' in sys.modules else 'NO-SYMPY',"
        " 'RICH' if 'rich' in sys.modules else 'NO-RICH')"
    )
    result = _run("-c", code)
    assert result.stdout.strip().endswith("NO-SYMPY NO-RICH"), result.stdout + result.stderr


def test_help_importtime_shows_no_sympy():
    result = _run("-X", "importtime", "-m", "backprop_walkthrough", "--help")
    assert result.returncode == 0
    assert "sympy" not in result.stderr and "click" in result.stderr


def test_numpy_is_loaded_only_where_a_vectorised_path_runs():
    """NumPy serves big networks' training: the walkthrough, --help and a small run never
    import it (its import alone is a tenth of a second)."""
    code = (
        "import sys; from backprop_walkthrough.cli import cli\n"
        "for args in (['--help'], ['run', '--format', 'json'], ['train', '--steps', '10']):\n"
        "    try:\n        cli(args)\n    except SystemExit:\n        pass\n"
        "print('NUMPY' if 'numpy' in sys.modules else 'NO-NUMPY')"
    )
    result = _run("-c", code)
    assert result.stdout.splitlines()[-1] == "NO-NUMPY", result.stdout[-300:] + result.stderr
    code = code.replace("'train', '--steps', '10'", "'train', 'wide', '--steps', '10'")
    assert _run("-c", code).stdout.splitlines()[-1] == "NUMPY"


def test_piped_output_to_a_closed_reader_exits_quietly():
    process = subprocess.run(
        f"{sys.executable} -m backprop_walkthrough | head -n 3",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0
    assert "Traceback" not in process.stderr and "BrokenPipe" not in process.stderr


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_escape_codes_without_colour(env):
    result = _run("-m", "backprop_walkthrough", env=env)
    assert result.returncode == 0 and "\x1b[" not in result.stdout


def test_colour_on_a_forced_terminal():
    result = _run("-m", "backprop_walkthrough", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--digits", "0"], "Invalid value for '--digits'"),
        (["--format", "yaml"], "Invalid value for '--format'"),
        (["--no-such-option"], "No such option"),
        (["run", "a.yaml", "b.yaml"], "unexpected extra argument"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, fragment):
    result = _run("-m", "backprop_walkthrough", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines


def test_an_internal_error_is_one_line_and_exit_1(runner, monkeypatch):
    from backprop_walkthrough.engine.scalar import derivation

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(derivation, "derive", broken)
    result = runner.invoke(cli, [])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error (ZeroDivisionError: boom)" in lines[0]
    assert "--debug" in lines[0]
    debug = runner.invoke(cli, ["--debug"])
    assert "Traceback" in debug.stderr and debug.exit_code == 1


def test_big_text_walkthroughs_are_refused_with_the_way_out(runner):
    result = runner.invoke(cli, ["wide", "--max-parameters", "100"])
    assert result.exit_code == 2
    assert "420 parameters are too many" in result.stderr
    assert "--format json" in result.stderr and "--max-parameters" in result.stderr
    json_result = runner.invoke(cli, ["wide", "--max-parameters", "100", "--format", "json"])
    assert json_result.exit_code == 0


def test_full_shows_every_neuron(runner):
    compact = runner.invoke(cli, ["wide"], env={"COLUMNS": "100"}).output
    full = runner.invoke(cli, ["wide", "--full"], env={"COLUMNS": "100"}).output
    assert "The other neurons" in compact and "The other neurons" not in full


def test_batch_json_has_lists_per_example(runner):
    doc = json.loads(runner.invoke(cli, ["xor", "--format", "json"]).stdout)
    assert doc["examples"] == 4
    assert isinstance(doc["forward"], list) and len(doc["forward"]) == 4
    assert set(doc["forward"][0]) == {"net_h1", "out_h1", "net_h2", "out_h2", "net_y", "out_y"}
    assert isinstance(doc["errors"], list) and set(doc["errors"][0]) == {"E_y", "E_total"}
    assert doc["E_total"] == pytest.approx(sum(e["E_total"] for e in doc["errors"]))
    assert [t["example"] for t in doc["steps"]["w5"]["terms"]] == [1, 2, 3, 4]
    assert set(doc["gradients"]) == {f"w{i}" for i in range(1, 7)} | {"b1", "b2", "b3"}


@pytest.mark.parametrize("name", ["tanh_sigmoid", "deep_relu", "softmax", "xor", "wide"])
def test_every_builtin_runs_in_every_mode(runner, name):
    for args in ([], ["--format", "json"], ["--hidden-uses-updated-weights"], ["--digits", "3"]):
        result = runner.invoke(cli, [name, *args])
        assert result.exit_code == 0, (args, result.output)


def _complete(runner, shell: str, words: str, cword: int) -> str:
    """What click's completion answers the shell (as its own script would ask)."""
    env = {
        "_BACKPROP_WALKTHROUGH_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": f"backprop-walkthrough {words}",
        # fish sends the word being completed itself; bash and zsh its index
        "COMP_CWORD": words.split(" ")[-1] if shell == "fish" else str(cword),
    }
    result = runner.invoke(cli, [], env=env, prog_name="backprop-walkthrough")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_subcommands_and_scenarios(runner, shell):
    """The default command used to swallow the first word, so <Tab> offered nothing."""
    first = _complete(runner, shell, "", 1)
    for name in ("explain", "train", "validate", "mazur", "xor"):
        assert name in first, (name, first)
    assert "explain" in _complete(runner, shell, "e", 1)
    assert "tanh_sigmoid" in _complete(runner, shell, "t", 1)
    assert "train" in _complete(runner, shell, "t", 1)
    after_scenario = _complete(runner, shell, "mazur --d", 2)
    assert "--digits" in after_scenario and "--debug" in after_scenario
    assert "--steps" in _complete(runner, shell, "train --st", 2)
    shapes = _complete(runner, shell, "shapes ", 2)
    assert "names" in shapes and "mazur" not in shapes


def test_shared_options_may_come_before_the_command(runner):
    """`--h 0.01 explain w5` said "Got unexpected extra argument (w5)"."""
    before = runner.invoke(cli, ["--h", "0.01", "explain", "w5"])
    after = runner.invoke(cli, ["explain", "w5", "--h", "0.01"])
    assert before.exit_code == 0, before.output
    assert before.output == after.output and "h = 0.01" in before.output
    trained = runner.invoke(cli, ["--digits", "4", "train", "--steps", "2"])
    assert trained.exit_code == 0 and "0.6000" in trained.output
    # without a command, the options and the scenario go to run, in any order
    assert (
        runner.invoke(cli, ["--digits", "3", "notes"]).output
        == runner.invoke(cli, ["notes", "--digits", "3"]).output
    )


def test_top_level_help_shows_the_default_commands_options(runner):
    result = runner.invoke(cli, ["--help"])
    assert "Options of run, the default command" in result.output
    for option in ("--digits", "--format", "--h ", "--step", "--output"):
        assert option in result.output, option
    assert "Commands:" in result.output and "[SCENARIO]\n" not in result.output


def test_step_pauses_per_screenful_and_takes_single_keys():
    """`q` needed Enter, and a section longer than the screen scrolled off before the pause."""
    import io

    from rich.console import Console

    from backprop_walkthrough import walkthrough
    from backprop_walkthrough.cli.run import show_step_by_step

    def shown(keys: str, height: int = 12) -> tuple[str, int]:
        pressed = iter(keys)
        asked = []

        def read_key() -> str:  # as click.getchar: EOFError on Ctrl-D
            asked.append(1)
            key = next(pressed, None)
            if key is None:
                raise EOFError
            return key

        console = Console(file=io.StringIO(), width=100, height=height, color_system=None)
        show_step_by_step(walkthrough("mazur"), console, 9, False, read_key)
        return console.file.getvalue(), len(asked)

    everything, pauses = shown(" " * 1000)
    pages = everything.split("\r\x1b[2K")
    assert pauses > 10 and pages[-1].rstrip().endswith("0.291027774 │ ✗ differs: see its note")
    for page in pages[:-1]:  # no screenful outgrows the terminal: the prompt is on its last line
        assert page.count("\n") <= 11 and "Enter or space: go on, q: quit" in page
    assert "more —" in everything  # a long section is paged within itself
    first, asked = shown("q")
    assert asked == 1 and "The update" not in first  # one key, no Enter: stopped at once
    at_eof, _ = shown("")  # Ctrl-D (no more keys) stops as q does
    assert "The update" not in at_eof


def test_errors_about_a_builtin_name_it_not_its_installed_path(runner):
    """`error: /…/site-packages/backprop_walkthrough/scenarios/mazur.yaml: no parameter …`."""
    result = runner.invoke(cli, ["explain", "nonsense", "mazur"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: mazur: no parameter 'nonsense'"), result.stderr
    assert "scenarios/" not in result.stderr and ".yaml" not in result.stderr
