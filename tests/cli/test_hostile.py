"""Broken and hostile input: every bad scenario gets one clear line and exit code 2, nothing
crashes, nothing from a file runs, and no NaN or inf is ever printed as a result."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import ScenarioError, load_scenario
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.scenario import parse_scenario

from ..conftest import SCENARIOS, TESTS

CORPUS = TESTS / "bad_scenarios"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text())
MAZUR = (SCENARIOS / "mazur.yaml").read_text()


def test_the_corpus_is_complete():
    files = {p.name for p in CORPUS.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED) and len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_scenario_is_refused_with_one_clear_line(runner, name):
    path = CORPUS / name
    result = runner.invoke(cli, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"error: {path}"), line
    assert EXPECTED[name]["message"] in line, line
    if EXPECTED[name]["field"]:
        assert f": {EXPECTED[name]['field']}: " in line, line
        assert re.match(rf"error: {re.escape(str(path))}:\d+: ", line), line  # the line number
    assert "Traceback" not in result.output


def test_a_50_megabyte_file_is_refused_before_it_is_read(runner, tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as stream:
        stream.seek(50 * 1024 * 1024)
        stream.write(b"\n")
    result = runner.invoke(cli, ["run", str(big)])
    assert result.exit_code == 2 and "scenario files are at most 1,000,000" in result.stderr


@pytest.mark.parametrize("make", ["directory", "missing"])
def test_paths_that_are_not_files(runner, tmp_path, make):
    path = tmp_path / "scenario.yaml"
    if make == "directory":
        path.mkdir()
    result = runner.invoke(cli, ["run", str(path)])
    assert result.exit_code == 2
    assert ("is a directory" if make == "directory" else "no such file") in result.stderr


# --- nothing is evaluated ------------------------------------------------------------------------

PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "!!python/object/apply:os.system ['touch {marker}']",
    '{{{{ exec(\'open("{marker}", "w")\') }}}}',
]


def _scalar_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalar_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _scalar_paths(value, path + (index,))
    else:
        yield path


def test_nothing_in_a_scenario_is_ever_run(tmp_path):
    marker = tmp_path / "pwned"
    doc = yaml.safe_load(MAZUR)
    for path in _scalar_paths(doc):
        for payload in PAYLOADS:
            text = payload.format(marker=marker)
            changed = yaml.safe_load(MAZUR)
            node = changed
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = text
            with contextlib.suppress(ScenarioError):
                derive(load_scenario(changed))
            raw = yaml.safe_dump(changed).replace(f"'{text}'", text, 1)
            with contextlib.suppress(ScenarioError):
                derive(parse_scenario(raw))
    assert not marker.exists()


# --- fuzzing -------------------------------------------------------------------------------------

YAML_BITS = st.sampled_from(
    list("{}[]:,-&*!|>'\"#%@`\n ") + ["  ", "\t", "0.5", "1e9", "null", "yes", "~", ".nan", "<<"]
)


@st.composite
def mutated(draw) -> str:
    text = MAZUR
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "number"]))
        lines = text.splitlines(keepends=True)
        if kind == "delete":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = (
                text[:at] + "".join(draw(st.lists(YAML_BITS, min_size=1, max_size=5))) + text[at:]
            )
        elif kind == "duplicate" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif kind == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
        else:
            numbers = list(re.finditer(r"\d+\.\d+", text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                value = draw(st.sampled_from(["-1e6", "1e6", "1e400", "0", "-0.0", "abc", ""]))
                text = text[: m.start()] + value + text[m.end() :]
    return text


documents = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "layers",
                    "weights",
                    "biases",
                    "inputs",
                    "targets",
                    "loss",
                    "learning_rate",
                    "neurons",
                    "activation",
                    "from",
                    "to",
                    "value",
                    "size",
                    "init",
                    "examples",
                    "seed",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _load_or_refuse(text: str) -> None:
    try:
        scenario = parse_scenario(text, "fuzz.yaml")
    except ScenarioError:
        return
    if len(scenario.parameters) <= 50:
        try:
            walkthrough = derive(scenario)
        except ScenarioError:
            return
        assert all(map(_finite, walkthrough.gradients.values()))


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


@settings(max_examples=2000, deadline=None)
@given(mutated())
def test_fuzz_mutated_scenarios(text):
    _load_or_refuse(text)


@settings(max_examples=1500, deadline=None)
@given(documents)
def test_fuzz_generated_documents(doc):
    _load_or_refuse(yaml.safe_dump(doc))


# --- numeric extremes ----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e3, 1e6])
def test_large_weights_and_inputs_compute_or_are_refused_clearly(runner, tmp_path, scale):
    text = MAZUR.split("# The figures the post prints")[0]
    text = re.sub(r"value: 0\.\d+", f"value: {scale:g}", text)
    text = text.replace("{i1: 0.05, i2: 0.10}", f"{{i1: {scale:g}, i2: -{scale:g}}}")
    path = tmp_path / "large.yaml"
    path.write_text(text)
    for args in ([], ["--format", "json"]):
        result = runner.invoke(cli, ["run", str(path), *args])
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert len(result.stderr.strip().splitlines()) == 1
            continue
        assert not re.search(r"\b(nan|inf|NaN|Infinity)\b", result.stdout)


def test_an_overflow_is_refused_with_a_reason(runner, tmp_path):
    layers = "\n".join("  - {size: 1, activation: linear}" for _ in range(60))
    path = tmp_path / "deep.yaml"
    path.write_text(
        f"layers:\n  - {{size: 1}}\n{layers}\n"
        "init: {seed: 1, uniform: [999999, 1000000]}\n"
        "inputs: {i1: 1000000}\ntargets: {o1: 0}\nlearning_rate: 0.5\n"
    )
    result = runner.invoke(cli, ["run", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "cannot compute the walkthrough in floating point" in result.stderr


# --- the command line under stress ---------------------------------------------------------------


def test_ctrl_c_exits_130_without_a_traceback():
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
    time.sleep(3)  # past the imports and the compilation, into the loop
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err


def test_output_to_an_unwritable_place(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = runner.invoke(cli, ["--output", str(blocker / "walkthrough.md")])
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
