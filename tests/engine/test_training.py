"""Training runs on the compiled fast path, checked against the published figures and the
symbolic engine."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_walkthrough import Scenario, load_scenario
from backprop_walkthrough.cli import cli
from backprop_walkthrough.cli.train import LazyProgress
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.engine.scalar.fastpath import compile_step
from backprop_walkthrough.engine.training import TrainingDivergedError, default_every, train
from backprop_walkthrough.scenario import network_names


def _fast_gradients(scenario: Scenario, hidden_uses_updated_weights: bool = False) -> dict:
    compiled = compile_step(scenario, hidden_uses_updated_weights)
    params = [p.value for p in scenario.parameters]
    _, _, gradients = compiled.gradient(params, scenario.learning_rate)
    return dict(zip(compiled.parameters, gradients, strict=True))


@pytest.mark.parametrize("name", network_names())
def test_fast_path_equals_the_symbolic_gradients(name):
    scenario = load_scenario(name)
    symbolic = derive(scenario).gradients
    fast = _fast_gradients(scenario)
    for parameter, value in symbolic.items():
        assert abs(fast[parameter] - value) <= 1e-12 * max(1.0, abs(value)), parameter


def test_fast_path_in_the_posts_order_equals_the_symbolic_one():
    scenario = load_scenario("mazur")
    symbolic = derive(scenario, hidden_uses_updated_weights=True).gradients
    fast = _fast_gradients(scenario, hidden_uses_updated_weights=True)
    for parameter, value in symbolic.items():
        assert abs(fast[parameter] - value) <= 1e-12, parameter


def test_the_compiled_program_calls_no_sympy():
    compiled = compile_step(load_scenario("softmax"))
    source_globals = compiled.step_function.__globals__
    assert not any(
        getattr(v, "__module__", "") and str(getattr(v, "__module__", "")).startswith("sympy")
        for k, v in source_globals.items()
        if callable(v) and not k.startswith("__")
    )


# --- the classic example, computed correctly and in the post's order -------------------


def test_one_step_of_the_classic_example():
    run = train(load_scenario("mazur"), 1)
    assert round(run.E_total, 9) == pytest.approx(0.291027774, abs=1e-15)
    assert run.history == ((0, pytest.approx(0.298371109, abs=5e-10)), (1, run.E_total))


def test_ten_thousand_steps_of_the_classic_example():
    run = train(load_scenario("mazur"), 10_000)
    assert round(run.E_total, 10) == pytest.approx(0.0000351019, abs=1e-16)
    assert round(run.outputs[0]["o1"], 9) == pytest.approx(0.015913620, abs=1e-15)
    assert round(run.outputs[0]["o2"], 9) == pytest.approx(0.984064274, abs=1e-15)
    assert run.steps_run == 10_000 and len(run.history) == 11


def test_the_posts_order_reproduces_its_published_figures():
    one = train(load_scenario("mazur"), 1, hidden_uses_updated_weights=True)
    assert round(one.E_total, 9) == pytest.approx(0.291027924, abs=1e-15)
    run = train(load_scenario("mazur"), 10_000, hidden_uses_updated_weights=True)
    assert round(run.outputs[0]["o1"], 9) == pytest.approx(0.015912196, abs=1e-15)
    assert round(run.outputs[0]["o2"], 9) == pytest.approx(0.984065734, abs=1e-15)


def test_one_step_of_training_equals_the_walkthroughs_update():
    for name in ("notes", "xor", "softmax", "deep_relu"):
        scenario = load_scenario(name)
        walkthrough = derive(scenario)
        run = train(scenario, 1)
        assert run.E_total == pytest.approx(walkthrough.E_total_after, rel=1e-12)
        for parameter, value in walkthrough.updated.items():
            assert run.parameters[parameter] == pytest.approx(value, rel=1e-12, abs=1e-15)


# --- options ---------------------------------------------------------------------------


def test_stop_below_and_learning_rate():
    run = train(load_scenario("mazur"), 10_000, stop_below=0.01)
    assert run.stopped_early and run.E_total < 0.01 < run.history[-2][1]
    slow = train(load_scenario("mazur"), 10, learning_rate=0.01)
    assert slow.learning_rate == 0.01
    assert slow.E_total > train(load_scenario("mazur"), 10).E_total


@pytest.mark.parametrize(
    ("steps", "every"), [(1, 1), (10, 1), (100, 10), (10_000, 1_000), (2_500, 200), (123, 10)]
)
def test_default_checkpoints(steps, every):
    assert default_every(steps) == every


def test_divergence_names_the_step():
    with pytest.raises(
        TrainingDivergedError, match=r"training diverged at step \d+: a value overflowed"
    ):
        train(load_scenario("deep_relu"), 1_000, learning_rate=5)


def test_a_large_negative_net_does_not_overflow():
    scenario = load_scenario(
        {
            "layers": [{"neurons": ["i"]}, {"neurons": ["o"], "activation": "sigmoid"}],
            "weights": {"w": {"from": "i", "to": "o", "value": -1e6}},
            "inputs": {"i": 1e6},
            "targets": {"o": 0.5},
            "learning_rate": 0.5,
        }
    )
    run = train(scenario, 10)
    assert run.outputs[0]["o"] == 0.0 and run.E_total == pytest.approx(0.125)


def test_hidden_uses_updated_weights_needs_a_single_example():
    with pytest.raises(ValueError, match="single-example"):
        train(load_scenario("xor"), 1, hidden_uses_updated_weights=True)


# --- the command -----------------------------------------------------------------------


def test_train_command_text(runner):
    result = runner.invoke(cli, ["train", "--steps", "10000"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.output
    for fragment in (
        "E_total at the checkpoints",
        "E_total (log scale)",
        "Outputs after training",
        "0.015913620",
        "0.984064274",
        "0.000035102",
        "Parameters after training",
        "one step short",
    ):
        assert fragment in out, fragment
    assert "\x1b[" not in out and result.stderr == ""  # piped: no colour, no progress bar


def test_train_command_json(runner):
    result = runner.invoke(
        cli, ["train", "xor", "--steps", "200", "--every", "50", "--format", "json"]
    )
    doc = json.loads(result.stdout)
    assert doc["steps_run"] == 200
    assert [step for step, _ in doc["history"]] == [0, 50, 100, 150, 200]
    assert isinstance(doc["outputs"], list) and len(doc["outputs"]) == 4
    assert set(doc["parameters"]) == {f"w{i}" for i in range(1, 7)} | {"b1", "b2", "b3"}
    assert doc["E_total"] == doc["history"][-1][1]


def test_train_command_errors_are_one_line(runner):
    diverged = runner.invoke(cli, ["train", "deep_relu", "--learning-rate", "5"])
    assert diverged.exit_code == 2 and "diverged at step" in diverged.stderr
    assert len(diverged.stderr.strip().splitlines()) == 1
    batch = runner.invoke(cli, ["train", "xor", "--hidden-uses-updated-weights"])
    assert batch.exit_code == 2 and "single-example" in batch.stderr


def test_progress_bar_only_on_a_terminal(capsys):
    bar = LazyProgress(100, delay=0)
    bar(50)
    bar.close()
    assert bar.bar is None and capsys.readouterr().err == ""
    shown = LazyProgress(100, delay=0)
    shown.console = type(shown.console)(force_terminal=True, stderr=True, width=80)
    shown(50)
    assert shown.bar is not None
    shown.close()


def test_a_long_parameter_table_says_the_rest_under_it_not_in_a_column(runner):
    """`train wide` padded its "after" column to the width of "--format json has them all"."""
    from backprop_walkthrough.cli import cli

    output = runner.invoke(cli, ["train", "wide", "--steps", "2"]).output
    table = output.split("Parameters after training")[1]
    rows = [line for line in table.splitlines() if line.startswith(" w")]
    assert len(rows) == 40 and all(len(row.rstrip()) <= 40 for row in rows), rows[0]
    assert "… and 380 more parameters (--format json has them all)." in table
    assert "│ --format json" not in output


# --- the loop in one call: the same run as one call per step -------------------------------


def _step_by_step(scenario, steps, every, max_checkpoints, stop_below=None, rate=None):
    """A run as the loop was first written: one call of the compiled step per step, every
    E_total checked. The reference for the loop the fast path now writes (compiled.py)."""
    import math

    compiled = compile_step(scenario)
    rate = scenario.learning_rate if rate is None else rate
    params, history, step = [p.value for p in scenario.parameters], [], 0
    while True:
        try:
            result = compiled.step_function(params, rate)
        except OverflowError:
            return ("diverged", step)
        total = result[0] + 0.0
        if not math.isfinite(total):
            return ("diverged", step)
        if step % every == 0:
            history.append((step, total))
            if len(history) > max_checkpoints:
                history, every = history[::2], every * 2
        if (stop_below is not None and total < stop_below) or step == steps:
            break
        params, step = result[1:], step + 1
    if history[-1][0] != step:
        history.append((step, total))
    return step, total, history, params


@settings(max_examples=25)
@given(
    st.sampled_from(["mazur", "xor", "softmax", "deep_relu", "tanh_sigmoid"]),
    st.integers(0, 2_500),
    st.integers(1, 700),
    st.integers(2, 40),
    st.one_of(st.none(), st.floats(1e-4, 0.3)),
)
def test_the_loop_in_one_call_runs_as_one_call_per_step(name, steps, every, kept, stop_below):
    scenario = load_scenario(name)
    expected = _step_by_step(scenario, steps, every, kept, stop_below)
    run = train(scenario, steps, every=every, max_checkpoints=kept, stop_below=stop_below)
    step, total, history, params = expected
    assert (run.steps_run, run.E_total, list(run.history)) == (step, total, history)
    assert list(run.parameters.values()) == params  # bit for bit
    assert run.stopped_early == (step < steps)


def test_a_divergence_inside_a_chunk_names_its_step():
    scenario = load_scenario("deep_relu")
    expected = _step_by_step(scenario, 1_000, 100, 1_000, rate=5)
    assert expected[0] == "diverged"
    with pytest.raises(TrainingDivergedError) as caught:
        train(scenario, 1_000, learning_rate=5, every=100)
    assert caught.value.step == expected[1] > 0
