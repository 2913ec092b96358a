"""The compiled-step cache: a cached step gives the numbers of a fresh one, a spoiled entry is
rebuilt, a foreign one is never run, and a cached `train` loads no SymPy."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import Scenario, load_scenario
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine import step_cache
from backprop_walkthrough.engine.scalar.fastpath import compile_step
from backprop_walkthrough.engine.step_cache import (
    cached_step,
    function_from,
    read_entry,
    structure_key,
)
from backprop_walkthrough.engine.training import train
from backprop_walkthrough.scenario import network_names

from ..helpers import document


def with_values(scenario: Scenario, values: list[float]) -> Scenario:
    """``scenario`` with its parameters set to ``values``, in order."""
    weights = [w._replace(value=v) for w, v in zip(scenario.weights, values, strict=False)]
    biases = [
        b._replace(value=v) for b, v in zip(scenario.biases, values[len(weights) :], strict=False)
    ]
    return dataclasses.replace(scenario, weights=tuple(weights), biases=tuple(biases))


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json"))


#: Every activation and loss of the built-ins (wide has mazur's, only bigger: 1.5 s more).
CACHED = [name for name in network_names() if name != "wide"]


@pytest.mark.parametrize("name", CACHED)
def test_a_cached_step_gives_the_numbers_of_a_fresh_one(name, tmp_path):
    scenario = load_scenario(name)
    fresh = compile_step(scenario)
    written = cached_step(scenario, directory=tmp_path)
    read = cached_step(scenario, directory=tmp_path)
    assert not written.from_cache and read.from_cache
    assert len(_entries(tmp_path)) == 1
    params = [p.value for p in scenario.parameters]
    rate = scenario.learning_rate
    assert read.gradient(params, rate) == fresh.gradient(params, rate)  # bit for bit
    assert read.step_function(params, rate) == fresh.step_function(params, rate)
    assert (read.parameters, read.inputs, read.outputs, read.examples) == (
        fresh.parameters,
        fresh.inputs,
        fresh.outputs,
        fresh.examples,
    )


@settings(max_examples=15)
@given(st.lists(st.floats(-3, 3), min_size=10, max_size=10), st.floats(0.01, 2))
def test_a_cached_step_holds_for_other_values_of_the_parameters(values, rate):
    """The values are arguments: a scenario with other weights reads the same entry, and the
    entry's step equals a fresh compile of that scenario, bit for bit."""
    import tempfile

    base = load_scenario("mazur")
    edited = with_values(base, values)
    with tempfile.TemporaryDirectory() as scratch:
        cached_step(base, directory=Path(scratch))
        read = cached_step(edited, directory=Path(scratch))
        assert read.from_cache
        fresh = compile_step(edited)
        params = [p.value for p in edited.parameters]
        assert read.gradient(params, rate) == fresh.gradient(params, rate)


def test_the_key_changes_with_what_the_program_holds_and_only_that():
    mazur = load_scenario("mazur")
    key = structure_key(mazur, False)
    assert structure_key(with_values(mazur, [0.1] * 10), False) == key  # values: arguments
    assert structure_key(mazur, True) != key  # another program
    other_target = {**document("mazur"), "targets": {"o1": 0.02, "o2": 0.99}}
    assert structure_key(load_scenario(other_target), False) != key  # a literal of the program
    assert structure_key(load_scenario("xor"), False) != key


def test_training_through_the_cache_equals_training_without_it(tmp_path):
    scenario = load_scenario("xor")
    without = train(scenario, 500)
    first = train(scenario, 500, cache=tmp_path)
    second = train(scenario, 500, cache=tmp_path)
    assert not first.step_from_cache and second.step_from_cache
    assert first.history == second.history == without.history
    assert second.parameters == without.parameters


@pytest.mark.parametrize(
    "spoil",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "not json",
        lambda text: json.dumps({**json.loads(text), "format": 0}),  # another format
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),  # another network's
        lambda text: json.dumps({**json.loads(text), "step": "def f(:"}),  # not Python
        lambda text: json.dumps({**json.loads(text), "step": 7}),
        lambda text: "\x00\xff" * 10,
    ],
)
def test_a_spoiled_entry_is_rebuilt(spoil, tmp_path):
    scenario = load_scenario("mazur")
    cached_step(scenario, directory=tmp_path)
    (entry,) = _entries(tmp_path)
    entry.write_text(spoil(entry.read_text(encoding="utf-8")), encoding="utf-8", errors="ignore")
    rebuilt = cached_step(scenario, directory=tmp_path)
    assert not rebuilt.from_cache  # compiled afresh ...
    again = cached_step(scenario, directory=tmp_path)
    assert again.from_cache  # ... and written back whole
    params = [p.value for p in scenario.parameters]
    assert again.gradient(params, 0.5) == compile_step(scenario).gradient(params, 0.5)


FOREIGN = [
    "import os\ndef f(a, b):\n    return [0.0]",  # a statement besides the function
    "def f(a, b):\n    return [open('x')]",  # a call of something not a float function
    "def f(a, b):\n    return [a.__class__]",  # an attribute
    "def f(a, b):\n    return [a[0]]",  # a subscript
    "def f(a, b):\n    return [__import__('os')]",
    "def f(a, b):\n    return [(lambda: 1)()]",
    "def f(a, b):\n    return ['text']",  # a string
    "def f(a, b):\n    return [c]",  # a name never assigned
    "@staticmethod\ndef f(a, b):\n    return [0.0]",
    "def f(a, b):\n    return [exp(a, key=1)]",
    "def f(a, b):\n    while True:\n        pass",
    "def f(a, b):\n    __builtins__ = 1\n    return [__builtins__]",
]


@pytest.mark.parametrize("source", FOREIGN)
def test_a_foreign_source_is_never_run(source):
    assert function_from(source) is None


def test_a_sound_source_is_a_function_of_the_float_forms_alone():
    made = function_from("def f(a, b):\n    [x, y] = a\n    return [sigmoid(x) + y * b]")
    assert made is not None
    assert made([0.0, 2.0], 3.0) == [6.5]
    assert made.__globals__["__builtins__"] == {}


def test_an_unwritable_cache_only_costs_speed(tmp_path):
    scenario = load_scenario("mazur")
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    step = cached_step(scenario, directory=blocker / "steps")  # cannot be made: a file's child
    assert not step.from_cache
    assert step.gradient([p.value for p in scenario.parameters], 0.5)[0] > 0
    if os.name == "posix" and os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert not cached_step(scenario, directory=locked).from_cache
        assert not _entries(locked)


def test_an_entry_too_big_is_not_read(tmp_path, monkeypatch):
    scenario = load_scenario("mazur")
    cached_step(scenario, directory=tmp_path)
    (entry,) = _entries(tmp_path)
    monkeypatch.setattr(step_cache, "MAX_ENTRY_BYTES", 100)
    assert read_entry(entry, structure_key(scenario, False), scenario) is None


def test_the_environment_moves_the_cache_and_turns_it_off(monkeypatch, tmp_path):
    monkeypatch.setenv(step_cache.DIRECTORY_VARIABLE, str(tmp_path))
    assert step_cache.cache_directory() == tmp_path
    monkeypatch.setenv(step_cache.OFF_VARIABLE, "1")
    assert step_cache.cache_directory() is None
    monkeypatch.delenv(step_cache.OFF_VARIABLE)
    monkeypatch.delenv(step_cache.DIRECTORY_VARIABLE)
    assert step_cache.cache_directory().parts[-2:] == ("backprop-walkthrough", "steps")


CACHED_TRAIN = """
import sys
from backprop_walkthrough.cli import main
sys.argv = ["backprop-walkthrough", "train", "--steps", "2000", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
loaded = "sympy.core" in sys.modules
print("SYMPY LOADED" if loaded else "NO SYMPY", file=sys.stderr)
"""


def test_a_cached_train_loads_no_sympy(tmp_path):
    """Three processes: the first compiles and writes, the second reads (JSON), the third is
    --no-cache; then the text of a read one."""
    environment = {**os.environ, step_cache.DIRECTORY_VARIABLE: str(tmp_path)}
    command = [sys.executable, "-c", CACHED_TRAIN, "--format", "json"]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *extra], capture_output=True, text=True, env=environment, check=True
        )

    first, second, off = run(), run(), run("--no-cache")
    assert "SYMPY LOADED" in first.stderr  # compiled, and written
    assert "NO SYMPY" in second.stderr  # read back
    assert "SYMPY LOADED" in off.stderr  # --no-cache: compiled afresh
    assert len(_entries(tmp_path)) == 1
    documents = [json.loads(r.stdout) for r in (first, second, off)]
    assert [d["step_from_cache"] for d in documents] == [False, True, False]
    for run_document in documents:
        del run_document["compile_seconds"], run_document["step_from_cache"]
    assert documents[0] == documents[1] == documents[2]
    text = CliRunner().invoke(cli, ["train", "--steps", "10"], env=environment)
    assert "read from the step cache" in text.output, text.output
