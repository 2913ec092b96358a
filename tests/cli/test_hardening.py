"""Hostile paths, options and environments (the scenario corpus is tests/bad_scenarios/): reads
and work are bounded, output files are written by the rules of outputs.py, user text cannot
reach a terminal or a document raw, the Python API checks what the command line checks, and
nothing ends in a traceback."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import export, load_scenario, train, walkthrough
from backprop_walkthrough.cli import cli
from backprop_walkthrough.errors import OptionError, ScenarioError

from .. import oracle
from ..conftest import SCENARIOS, TESTS

MAZUR = (SCENARIOS / "mazur.yaml").read_text()
MAZUR_DOC = yaml.safe_load(MAZUR)
#: A run that tried to read all of /dev/zero took 19 GB; with the limit it needs ~300 MB.
MEMORY_LIMIT = 1_500 * 1024 * 1024


def _limited(*args: str, stdin: object = subprocess.DEVNULL, env: dict | None = None, timeout=60):
    """The command line in a child under a memory limit: a regression fails, not the machine."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
        "sys.argv = ['backprop-walkthrough', *sys.argv[1:]]\n"
        "from backprop_walkthrough.cli import main\nmain()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=stdin,
        env={**os.environ, **(env or {})},
    )


def _one_line(result: subprocess.CompletedProcess, code: int, fragment: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr[-500:])
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines
    assert "Traceback" not in result.stderr


# --- 1. bounded reads -----------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["run", "validate", "shapes"])
def test_devices_are_refused_without_reading_them(device, command):
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    _one_line(_limited(command, device), 2, "is not a regular file")


def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    for command in ("run", "validate", "shapes"):
        _one_line(_limited(command, str(fifo), timeout=30), 2, "is not a regular file")


def test_standard_input_is_read_within_the_limit():
    good = subprocess.run(
        [sys.executable, "-m", "backprop_walkthrough", "-", "--format", "json"],
        input=MAZUR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0 and json.loads(good.stdout)["E_total"] == pytest.approx(
        0.298371109, abs=5e-10
    )
    huge = subprocess.run(
        [sys.executable, "-m", "backprop_walkthrough", "validate", "-"],
        input="# " + "x" * 2_000_000,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _one_line(huge, 2, "is larger than 1,000,000 bytes")


def test_a_proc_file_of_size_zero_is_read_within_the_limit():
    _one_line(_limited("run", "/proc/self/status"), 2, "/proc/self/status:1: not a scenario")


def test_scenarios_show_is_not_a_file_viewer(runner, tmp_path):
    copy = tmp_path / "passwd.yaml"
    copy.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for target, fragment in (
        ("/etc/passwd", "not a built-in scenario or a .yaml scenario file"),
        (str(copy), "is not a scenario file"),
        ("/dev/zero", "not a built-in scenario"),
    ):
        result = runner.invoke(cli, ["scenarios", "show", target])
        assert result.exit_code == 2 and fragment in result.stderr, result.output
        assert "root:" not in result.stdout
    shown = runner.invoke(cli, ["scenarios", "show", str(SCENARIOS / "xor.yaml")])
    assert shown.exit_code == 0 and "name: xor" in shown.stdout


# --- 2. bounded work ------------------------------------------------------------------------------


def test_too_much_work_is_refused_before_anything_is_built(runner):
    path = TESTS / "bad_scenarios" / "too_much_work.yaml"
    for args in (
        ["run", str(path), "--format", "json"],
        ["train", str(path)],
        ["graph", str(path)],
    ):
        result = _limited(*args, timeout=30)
        _one_line(result, 2, "19,770 parameters × 100 examples = 1,977,000")
        assert "--max-work" in result.stderr
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0  # a valid file
    with pytest.raises(ScenarioError, match="more work than the limit of 20,000"):
        walkthrough(path)


def test_too_much_training_is_refused_before_the_first_step():
    # a timeout, not a timed assertion: without the budget this ran for 15 s (5.2 GB on v0.6.0)
    result = _limited(
        "train", "--steps", "10000000", "--every", "1", "--format", "json", timeout=10
    )
    _one_line(result, 2, "10,000,000 steps × 10 parameters × 1 example = 100,000,000")
    assert "--max-train-work" in result.stderr and result.stdout == ""
    with pytest.raises(ScenarioError, match="limit of 1,000 "):
        train("xor", steps=28, max_train_work=1_000)  # 28 × 9 × 4 = 1,008
    assert train("xor", steps=27, max_train_work=1_000).steps_run == 27


def test_a_long_training_history_is_thinned_to_the_limit():
    run = train("mazur", steps=20_000, every=1, max_checkpoints=100)
    steps = [step for step, _ in run.history]
    assert len(steps) <= 101 and steps[0] == 0 and steps[-1] == 20_000
    gaps = {b - a for a, b in zip(steps, steps[1:-1], strict=False)}
    assert len(gaps) == 1  # evenly spaced
    full = train("mazur", steps=20_000, every=1, max_checkpoints=100_000)
    assert dict(full.history)[steps[50]] == dict(run.history)[steps[50]]


# --- 3. names that would collide with derived ones ------------------------------------------------

DERIVED = ["total", "E", "net", "out", "target", "pi", "beta", "lambda", "oo", "I", "alpha"]


@settings(max_examples=25)
@given(st.lists(st.sampled_from(DERIVED + ["h1", "o1", "x"]), min_size=5, max_size=5, unique=True))
def test_adversarial_names_never_change_the_numbers(names):
    """Neuron names drawn from the pieces of derived names (E_total, net_…, out_…) and from
    names SymPy would typeset as Greek: refused with a reason, or the numbers are the
    oracle's."""
    i1, h1, h2, o1, o2 = names
    doc = {
        "layers": [
            {"neurons": [i1]},
            {"neurons": [h1, h2], "activation": "sigmoid"},
            {"neurons": [o1, o2], "activation": "sigmoid"},
        ],
        "weights": {
            "w1": {"from": i1, "to": h1, "value": 0.15},
            "w2": {"from": i1, "to": h2, "value": 0.25},
            "w3": {"from": h1, "to": o1, "value": 0.4},
            "w4": {"from": h2, "to": o1, "value": 0.45},
            "w5": {"from": h1, "to": o2, "value": 0.5},
            "w6": {"from": h2, "to": o2, "value": 0.55},
        },
        "biases": {"b1": {"to": [o1, o2], "value": 0.6}},
        "inputs": {i1: 0.05},
        "targets": {o1: 0.01, o2: 0.99},
        "learning_rate": 0.5,
    }
    try:
        w = walkthrough(doc)
    except ScenarioError as refused:
        assert "may not be called 'total'" in str(refused)
        return
    assert w.E_total == pytest.approx(oracle.total_error(doc), rel=1e-13)
    assert w.errors[0]["E_total"] == pytest.approx(w.E_total, rel=1e-15)
    for parameter, value in oracle.gradients(doc).items():
        assert w.gradients[parameter] == pytest.approx(value, rel=1e-12, abs=1e-15)
    latex, html = export(w, "latex"), export(w, "html")
    for greek in ("\\pi", "\\beta", "\\lambda", "\\infty"):
        assert greek not in latex  # a neuron called pi is pi, not π
    assert "&#960;" not in html and "&#946;" not in html and "π" not in html


# --- 4. writing over what is not ours -------------------------------------------------------------


def test_output_to_a_device_writes_to_it_and_leaves_it_a_device(tmp_path):
    result = _limited("--output", "/dev/null", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    to_stdout = _limited("--output", "/dev/stdout", "--format", "json")
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout)["scenario"] == "mazur"


def test_output_through_a_symlink_replaces_its_target(runner, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert runner.invoke(cli, ["--output", str(link)]).exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text())["scenario"] == "mazur"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_output_keeps_the_mode_and_honours_the_umask(runner, tmp_path):
    private = tmp_path / "private.md"
    private.write_text("old")
    private.chmod(0o600)
    assert runner.invoke(cli, ["--output", str(private)]).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.md"
        assert runner.invoke(cli, ["--output", str(fresh)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640


def test_a_read_only_file_and_the_input_scenario_are_not_replaced(runner, tmp_path):
    locked = tmp_path / "locked.md"
    locked.write_text("keep me")
    locked.chmod(0o444)
    result = runner.invoke(cli, ["--output", str(locked)])
    assert result.exit_code == 2 and "is read-only" in result.stderr
    assert locked.read_text() == "keep me"  # even when the tests run as root
    scenario = tmp_path / "s.yaml"
    scenario.write_text(MAZUR)
    dotted = tmp_path / "s.dot"  # a scenario file is a scenario file, whatever its suffix
    dotted.write_text(MAZUR)
    for args in (
        ["run", str(scenario), "--format", "json", "-o", str(scenario)],
        ["explain", "w1", str(scenario), "--format", "markdown", "-o", str(scenario)],
        ["graph", str(dotted), "-o", str(dotted)],
    ):
        refused = runner.invoke(cli, args)
        assert refused.exit_code == 2 and "is a file this command reads" in refused.stderr, args
    assert scenario.read_text() == MAZUR and dotted.read_text() == MAZUR


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    from backprop_walkthrough import outputs

    target = tmp_path / "w.json"
    target.write_text("old")

    def interrupted(self, other):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_output(str(target), "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]


def test_sigterm_during_a_run_exits_as_terminated():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backprop_walkthrough",
            "train",
            "wide",
            "--steps",
            "5000000",
            "--max-train-work",
            "3000000000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    import time

    time.sleep(3)
    process.terminate()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + 15 and "Traceback" not in err


def test_sigterm_during_the_longest_training_table_ends_it_at_once():
    """5,000,000 checkpoints once filled 2 GB and a SIGTERM waited over 30 s for the table's
    flush; the checkpoints are bounded (100,000) and the signal ends the run where it is."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backprop_walkthrough",
            "train",
            "--steps",
            "3000000",
            "--every",
            "1",
            "--max-checkpoints",
            "100000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    import time

    time.sleep(2.5)
    process.terminate()
    _, err = process.communicate(timeout=10)  # a bound on a hang, not a measure of speed
    assert process.returncode == 128 + 15 and "Traceback" not in err


# --- 5. control characters and markup -------------------------------------------------------------

HOSTILE_TEXT = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> <iframe src=x></iframe> "
    "[click](javascript:alert(1)) \\input{/etc/passwd} $x$ # not a heading | * _ ` ~"
)


def test_free_text_is_escaped_in_every_format():
    doc = {**MAZUR_DOC, "description": HOSTILE_TEXT}
    doc["published"] = {"E_total": {"value": 0.5, "why": HOSTILE_TEXT}}
    w = walkthrough(doc)
    markdown, html, latex = export(w, "markdown"), export(w, "html"), export(w, "latex")
    for document in (html, w._repr_html_()):
        for raw in ("<script", "<img", "<iframe"):
            assert raw not in document, raw
    for document in (markdown, w._repr_markdown_()):  # escaped: shown as text, not markup
        assert not re.search(r"(?<!\\)<(script|img|iframe)|(?<!\\)\]\(javascript:", document)
    assert "\\input{" not in latex and "\\textbackslash{}input" in latex
    text = export(w, "text")
    assert "\x1b" not in text and HOSTILE_TEXT.split()[0] in text  # shown as the words it is


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "a\x1b[2Jb"), ("description", "one\ntwo"), ("description", "x\u202eevil")],
)
def test_control_characters_in_free_text_are_refused(field, value):
    with pytest.raises(ScenarioError, match="control character"):
        load_scenario({**MAZUR_DOC, field: value})


def test_a_file_name_with_escape_sequences_is_shown_harmlessly():
    result = _limited("run", "/tmp/\x1b]0;pwned\x07\x1b[2J.yaml")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr


# --- 6. no traceback, whatever the environment ----------------------------------------------------


def test_a_batch_of_files_is_validated_past_the_broken_ones(runner):
    corpus = TESTS / "bad_scenarios"
    files = [
        str(corpus / name)
        for name in ("nested_500_levels.yaml", "recursive_alias.yaml", "integer_5000_digits.yaml")
    ] + [str(SCENARIOS / "mazur.yaml")]
    result = runner.invoke(cli, ["validate", *files])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 3 and "ok: " in result.stdout


def test_graph_output_problems_are_one_line(runner, tmp_path):
    missing = runner.invoke(cli, ["graph", "--output", str(tmp_path / "no" / "g.dot")])
    assert missing.exit_code == 2 and "cannot write here" in missing.stderr
    locked = tmp_path / "g.dot"
    locked.write_text("")
    locked.chmod(0o444)
    assert runner.invoke(cli, ["graph", "--output", str(locked)]).exit_code == 2


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_behind_stdout_is_one_line_and_exit_1():
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "backprop_walkthrough", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1 and "No space left on device" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_closed_stdout_and_an_ascii_terminal_are_one_line_and_exit_1():
    closed = subprocess.run(
        f"{sys.executable} -m backprop_walkthrough >&-",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert closed.returncode == 1 and "standard output is closed" in closed.stderr
    ascii_only = _limited(env={"PYTHONIOENCODING": "ascii"})
    _one_line(ascii_only, 1, "set PYTHONIOENCODING=utf-8")
    assert _limited("--format", "json", env={"PYTHONIOENCODING": "ascii"}).returncode == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--h", "nan"], "expected a finite number"),
        (["--h", "1e-300"], "must lie between 1e-10 and 0.1"),
        (["train", "--learning-rate", "nan"], "expected a finite number"),
        (["train", "--stop-below", "inf"], "expected a finite number"),
        (["train", "--steps", "1.5"], "expected a whole number"),
    ],
)
def test_absurd_option_values_are_one_line_and_exit_2(args, fragment):
    result = subprocess.run(
        [sys.executable, "-m", "backprop_walkthrough", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    _one_line(result, 2, fragment)


def test_validate_into_head_exits_0():
    result = subprocess.run(
        f"{sys.executable} -m backprop_walkthrough validate {SCENARIOS}/*.yaml | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""


def test_columns_of_zero_is_no_width():
    result = _limited(env={"COLUMNS": "0"})
    assert result.returncode == 0 and "0.291027774" in result.stdout


# --- 7. the Python API checks what the command line checks ----------------------------------------


@pytest.mark.parametrize(
    ("keywords", "fragment"),
    [
        ({"steps": 1.5}, "--steps: expected a whole number"),
        ({"steps": -1}, "--steps: must be from 0"),
        ({"learning_rate": -1}, "--learning-rate: must be above 0"),
        ({"stop_below": float("nan")}, "--stop-below: expected a finite number"),
        ({"every": 0}, "--every: must be at least 1"),
    ],
)
def test_train_checks_its_arguments(keywords, fragment):
    with pytest.raises(OptionError, match=re.escape(fragment)):
        train("mazur", **keywords)


def test_walkthrough_and_load_scenario_check_theirs():
    with pytest.raises(OptionError, match="--h: must lie between"):
        walkthrough("mazur", h=1e-300)
    with pytest.raises(OptionError, match="--h: expected a finite number"):
        walkthrough("mazur", h=float("nan"))
    for bad, fragment in (
        ({1: 2}, "keys must be names"),
        ({**MAZUR_DOC, "learning_rate": 10**500}, "far too large"),
        ({**MAZUR_DOC, "learning_rate": 10**20}, "too large"),
        ({**MAZUR_DOC, "learning_rate": object()}, "is not a plain value"),
        ("x" * 5000, "no such file or built-in scenario"),
    ):
        with pytest.raises(ScenarioError, match=fragment):
            load_scenario(bad)


# --- 8. YAML 1.2 numbers --------------------------------------------------------------------------


def test_numbers_are_read_as_yaml_1_2_reads_them():
    from backprop_walkthrough.scenario.yamltree import parse_yaml

    value = parse_yaml(
        "a: 010\nb: 0x10\nc: 0o17\nd: 1e-3\ne: .5\nf: -.inf\ng: 1:20\nh: 0b101\ni: yes\n"
        "j: 1_000\nk: 2001-12-14\nl: true\nm: ~\nn: '010'\n"
    ).value
    assert value == {
        "a": 10,
        "b": 16,
        "c": 15,
        "d": 0.001,
        "e": 0.5,
        "f": float("-inf"),
        "g": "1:20",
        "h": "0b101",
        "i": "yes",
        "j": "1_000",
        "k": "2001-12-14",
        "l": True,
        "m": None,
        "n": "010",
    }


# --- 9. a shake check that can fail ---------------------------------------------------------------


@pytest.mark.parametrize("h", [1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 0.1])
@pytest.mark.parametrize("name", ["mazur", "tanh_sigmoid", "softmax", "xor"])
def test_the_shake_check_passes_right_derivatives_and_flags_wrong_ones(name, h):
    """At every allowed h: the derived gradient agrees; the same gradient made wrong — half as
    big again, or of the other sign, or off by a thousandth — does not."""
    from backprop_walkthrough.model import Gradient

    w = walkthrough(name, h=h)
    shakes = [
        s.shake
        for section in w.sections
        for s in section.steps
        if isinstance(s, Gradient) and s.shake is not None
    ]
    assert shakes and all(s.agrees for s in shakes)
    for shake in shakes:
        if abs(shake.symbolic) < 1e-9:
            continue  # no multiple of zero is wrong
        for wrong in (1.5 * shake.symbolic, -shake.symbolic, shake.symbolic + 1e-3):
            assert not shake._replace(symbolic=wrong).agrees, (shake.wrt, h, wrong)
