"""Loading and validating scenario files: good ones load, bad ones fail with one clear line."""

from __future__ import annotations

import re

import pytest

from backprop_walkthrough.scenario import (
    ScenarioError,
    load_scenario,
    network_names,
    parse_scenario,
)

from ..conftest import SCENARIOS

MAZUR = (SCENARIOS / "mazur.yaml").read_text()


def test_builtin_scenarios_all_validate():
    assert {"mazur", "notes"} <= set(network_names())
    for name in network_names():
        scenario = load_scenario(name)
        assert scenario.name == name
        assert scenario.description


def test_the_issue_file_loads_exactly():
    s = load_scenario("mazur")
    assert [layer.neurons for layer in s.layers] == [("i1", "i2"), ("h1", "h2"), ("o1", "o2")]
    assert [(w.name, w.source, w.target, w.value) for w in s.weights][4] == ("w5", "h1", "o1", 0.40)
    assert s.biases[1].targets == ("o1", "o2")
    assert s.learning_rate == 0.5 and s.update_biases is False
    assert s.loss == "half_squared_error"


def _replace(old: str, new: str) -> str:
    assert old in MAZUR, old
    return MAZUR.replace(old, new, 1)


BAD = [
    # (id, text, message fragment, field, line)
    ("not-yaml", "layers: [unclosed\nname: x\n", "not valid YAML", "", None),
    ("empty", "", "the file is empty", "", None),
    ("a-list", "- 1\n- 2\n", "expected a mapping of scenario keys", "", None),
    (
        "missing-layers",
        _replace("layers:", "lay_ers:"),
        "unknown key 'lay_ers'; did you mean 'layers'?",
        "lay_ers",
        4,
    ),
    (
        "unknown-key",
        _replace("learning_rate: 0.5", "learning_rate: 0.5\nlearnig_rate: 0.1"),
        "did you mean 'learning_rate'?",
        "learnig_rate",
        None,
    ),
    (
        "missing-targets",
        _replace("targets: {o1: 0.01, o2: 0.99}\n", ""),
        "missing required key 'targets'",
        "",
        None,
    ),
    (
        "unknown-neuron",
        _replace("w5: {from: h1, to: o1", "w5: {from: h3, to: o1"),
        "unknown neuron 'h3'",
        "weights.w5.from",
        15,
    ),
    (
        "no-incoming",
        _replace("  w8: {from: h2, to: o2, value: 0.55}\n", "").replace(
            "w7: {from: h1, to: o2", "w7: {from: h1, to: o1"
        ),
        "already has weight",
        "weights.w7",
        None,
    ),
    (
        "no-incoming-weight",
        _replace("  w7: {from: h1, to: o2, value: 0.50}\n", "").replace(
            "  w8: {from: h2, to: o2, value: 0.55}\n", ""
        ),
        "neuron 'o2' has no incoming weight",
        "layers.2.neurons.1",
        None,
    ),
    (
        "dead-end-hidden-neuron",  # accepted before: ∂E_total/∂out_h2 printed as "" and 0
        _replace("  w6: {from: h2, to: o1, value: 0.45}\n", "").replace(
            "  w8: {from: h2, to: o2, value: 0.55}\n", ""
        ),
        "neuron 'h2' feeds nothing: no weight goes from it to the next layer (o1, o2)",
        "layers.1.neurons.1",
        None,
    ),
    (
        "skips-a-layer",
        _replace("w1: {from: i1, to: h1", "w1: {from: i1, to: o1"),
        "does not connect a layer to the next one",
        "weights.w1",
        11,
    ),
    (
        "text-value",
        _replace("value: 0.15}", "value: abc}"),
        "expected a number, got the text 'abc'",
        "weights.w1.value",
        11,
    ),
    (
        "quoted-number",
        _replace("value: 0.15}", "value: '0.15'}"),
        "write the number without quotes",
        "weights.w1.value",
        11,
    ),
    (
        "bool-value",
        _replace("value: 0.15}", "value: true}"),
        "got a boolean (true)",
        "weights.w1.value",
        11,
    ),
    (
        "null-value",
        _replace("value: 0.15}", "value: null}"),
        "got nothing (null)",
        "weights.w1.value",
        11,
    ),
    (
        "nan",
        _replace("value: 0.15}", "value: .nan}"),
        "expected a finite number",
        "weights.w1.value",
        11,
    ),
    ("inf", _replace("i1: 0.05", "i1: .inf"), "expected a finite number", "inputs.i1", None),
    ("huge", _replace("value: 0.15}", "value: 1e300}"), "too large", "weights.w1.value", 11),
    (
        "quoted-exponent",
        _replace("value: 0.15}", "value: '1e-3'}"),
        "without quotes",
        "weights.w1.value",
        11,
    ),
    (
        "duplicate-key",
        _replace("  w2: {from: i2", "  w1: {from: i2"),
        "duplicate key 'w1' (first on line 11)",
        "weights.w1",
        12,
    ),
    (
        "duplicate-top-key",
        MAZUR + "\nlearning_rate: 0.1\n",
        "duplicate key 'learning_rate'",
        "learning_rate",
        None,
    ),
    (
        "bad-activation",
        _replace("activation: sigmoid", "activation: sigmiod"),
        "unknown activation 'sigmiod'; did you mean 'sigmoid'?",
        "layers.1.activation",
        7,
    ),
    (
        "bad-loss",
        _replace("loss: half_squared_error", "loss: squared"),
        "unknown loss 'squared'",
        "loss",
        None,
    ),
    (
        "zero-rate",
        _replace("learning_rate: 0.5", "learning_rate: 0"),
        "must be above 0",
        "learning_rate",
        None,
    ),
    (
        "negative-rate",
        _replace("learning_rate: 0.5", "learning_rate: -0.5"),
        "must be above 0",
        "learning_rate",
        None,
    ),
    (
        "bias-on-input",
        _replace("b1: {to: [h1, h2]", "b1: {to: [i1, h2]"),
        "inputs have no bias",
        "biases.b1.to.0",
        None,
    ),
    (
        "target-for-hidden",
        _replace("targets: {o1: 0.01, o2: 0.99}", "targets: {o1: 0.01, o2: 0.99, h1: 1}"),
        "'h1' is not an output neuron",
        "targets.h1",
        None,
    ),
    (
        "missing-input",
        _replace("inputs:  {i1: 0.05, i2: 0.10}", "inputs:  {i1: 0.05}"),
        "missing a value for input neuron 'i2'",
        "inputs",
        None,
    ),
    (
        "python-tag",
        _replace("value: 0.15}", "value: !!python/object/apply:os.system ['true']}"),
        "is not allowed",
        "weights.w1.value",
        11,
    ),
    (
        "bad-neuron-name",
        _replace("neurons: [h1, h2]", "neurons: [h 1, h2]"),
        "neuron name 'h 1' has characters other than letters, digits and underscores (a name "
        "is like h1, h1_1 or w_ih); call it 'h_1'",
        "layers.1.neurons.0",
        None,
    ),
    (
        "name-with-a-reserved-prefix",
        _replace("neurons: [h1, h2]", "neurons: [out_x, h2]"),
        "neuron name 'out_x' begins with 'out_', which the tool uses for the values of a neuron",
        "layers.1.neurons.0",
        None,
    ),
    (
        "name-with-a-leading-digit",
        _replace("w5: {from: h1", "5w: {from: h1"),
        "weight name '5w' does not begin with a letter",
        "weights.5w",
        None,
    ),
    ("name-clash", _replace("b2: {to", "h1: {to"), "already a neuron", "biases.h1", None),
    (
        "update-biases-text",
        _replace("update_biases: false", "update_biases: maybe"),
        "expected true or false",
        "update_biases",
        None,
    ),
    (
        "unknown-published",
        _replace("net_h1: 0.3775", "net_h9: 0.3775"),
        "no figure named 'net_h9'",
        "published.net_h9",
        None,
    ),
    (
        "alias-bomb",
        "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
        "expands to more than",
        "",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "fragment", "field", "line"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_scenarios_fail_with_one_clear_line(text, fragment, field, line):
    from backprop_walkthrough.engine.scalar.derivation import derive

    with pytest.raises(ScenarioError) as info:
        derive(parse_scenario(text, "bad.yaml"))
    error = info.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith("bad.yaml")
    assert fragment in message
    assert error.field == field
    if line is not None:
        assert error.line == line, message


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 2_000_000)
    with pytest.raises(ScenarioError, match="at most 1,000,000"):
        load_scenario(big)


def test_unquoted_exponent_is_a_number():
    scenario = parse_scenario(_replace("value: 0.15}", "value: 15e-2}"))
    assert scenario.weights[0].value == 0.15


def test_unknown_builtin_name_suggests_the_closest():
    with pytest.raises(ScenarioError, match=r"did you mean 'mazur'\?"):
        load_scenario("mazr")


def test_from_dict_validates_like_a_file():
    with pytest.raises(ScenarioError, match="missing required key 'layers'"):
        load_scenario({"weights": {}}, source="<dict>")


# --- issue 3: sizes, activations, losses, batches, init ----------------------------------------

SMALL = """
layers:
  - {size: 2}
  - {size: 2, activation: tanh}
  - {size: 2, activation: sigmoid}
init: {seed: 3, uniform: [-1, 1]}
inputs: {i1: 1, i2: 0}
targets: {o1: 0, o2: 1}
learning_rate: 0.5
"""


def _small(old: str, new: str) -> str:
    assert old in SMALL, old
    return SMALL.replace(old, new, 1)


BAD_NETWORKS = [
    (
        "softmax-hidden",
        _small("{size: 2, activation: tanh}", "{size: 2, activation: softmax}"),
        "softmax belongs on the output layer only",
        "layers.1.activation",
    ),
    (
        "softmax-single",
        _small("{size: 2, activation: sigmoid}", "{size: 1, activation: softmax}").replace(
            "targets: {o1: 0, o2: 1}", "targets: {o1: 1}"
        ),
        "softmax needs at least 2 neurons",
        "layers.2.activation",
    ),
    (
        "slope-without-leaky",
        _small("activation: tanh}", "activation: tanh, slope: 0.1}"),
        "only leaky_relu has a slope",
        "layers.1.slope",
    ),
    (
        "slope-too-big",
        _small("activation: tanh}", "activation: leaky_relu, slope: 1.5}"),
        "must be at least 0 and below 1",
        "layers.1.slope",
    ),
    (
        "size-and-neurons",
        _small("{size: 2}", "{size: 2, neurons: [a, b]}"),
        "give either 'neurons' or 'size'",
        "layers.0.size",
    ),
    (
        "size-zero",
        _small("{size: 2}", "{size: 0}"),
        "must be a whole number from 1",
        "layers.0.size",
    ),
    (
        "ce-needs-softmax",
        SMALL + "loss: cross_entropy\n",
        "cross_entropy needs a softmax output layer",
        "loss",
    ),
    (
        "bce-needs-squashing",
        _small("activation: sigmoid}", "activation: linear}") + "loss: binary_cross_entropy\n",
        "needs outputs between 0 and 1",
        "loss",
    ),
    (
        "ce-targets-sum",
        _small("activation: sigmoid}", "activation: softmax}").replace(
            "{o1: 0, o2: 1}", "{o1: 0.5, o2: 0.7}"
        )
        + "loss: cross_entropy\n",
        "sum to 1",
        "targets",
    ),
    (
        "bce-target-range",
        SMALL.replace("{o1: 0, o2: 1}", "{o1: 0, o2: 2}") + "loss: binary_cross_entropy\n",
        "lies in [0, 1]",
        "targets.o2",
    ),
    (
        "init-two-methods",
        _small("uniform: [-1, 1]", "uniform: [-1, 1], normal: [0, 1]"),
        "give exactly one of",
        "init",
    ),
    (
        "init-no-seed",
        _small("{seed: 3, uniform: [-1, 1]}", "{uniform: [-1, 1]}"),
        "missing required key 'seed'",
        "init",
    ),
    (
        "init-bad-range",
        _small("uniform: [-1, 1]", "uniform: [1, -1]"),
        "low end must be below",
        "init.uniform",
    ),
    (
        "init-bad-std",
        _small("uniform: [-1, 1]", "normal: [0, 0]"),
        "standard deviation",
        "init.normal",
    ),
    (
        "init-bad-xavier",
        _small("uniform: [-1, 1]", "xavier: gaussian"),
        "unknown kind",
        "init.xavier",
    ),
    (
        "no-weights-no-init",
        _small("init: {seed: 3, uniform: [-1, 1]}\n", ""),
        "missing required key 'weights' (or 'init'",
        "",
    ),
    (
        "examples-and-inputs",
        SMALL + "examples: [{inputs: {i1: 1, i2: 0}, targets: {o1: 0, o2: 1}}]\n",
        "give either 'examples' or inputs and targets",
        "inputs",
    ),
    (
        "example-missing-target",
        SMALL.replace(
            "inputs: {i1: 1, i2: 0}\ntargets: {o1: 0, o2: 1}\n",
            "examples: [{inputs: {i1: 1, i2: 0}, targets: {o1: 0}}]\n",
        ),
        "missing a value for output neuron 'o2'",
        "examples.0.targets",
    ),
    (
        "empty-examples",
        SMALL.replace("inputs: {i1: 1, i2: 0}\ntargets: {o1: 0, o2: 1}\n", "examples: []\n"),
        "non-empty list of examples",
        "examples",
    ),
    (
        "too-many-weights",
        _small(
            "{size: 2, activation: tanh}",
            "{size: 200, activation: tanh}\n  - {size: 200, activation: tanh}",
        ),
        "weights; at most",
        "layers",
    ),
]


@pytest.mark.parametrize(
    ("text", "fragment", "field"), [b[1:] for b in BAD_NETWORKS], ids=[b[0] for b in BAD_NETWORKS]
)
def test_bad_networks_fail_with_one_clear_line(text, fragment, field):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "net.yaml")
    assert fragment in str(info.value)
    assert info.value.field == field
    assert "\n" not in str(info.value)


def test_size_layers_are_named_by_the_documented_scheme():
    one = parse_scenario(SMALL)
    assert [layer.neurons for layer in one.layers] == [("i1", "i2"), ("h1", "h2"), ("o1", "o2")]
    deeper = parse_scenario(
        SMALL.replace("  - {size: 2, activation: tanh}\n", "  - {size: 2, activation: tanh}\n" * 2)
    )
    assert deeper.layers[1].neurons == ("h1n1", "h1n2") and deeper.layers[2].neurons == (
        "h2n1",
        "h2n2",
    )
    prefixed = parse_scenario(
        _small("{size: 2, activation: tanh}", "{size: 2, prefix: g, activation: tanh}")
    )
    assert prefixed.layers[1].neurons == ("g1", "g2")


def test_init_draws_in_the_documented_order_with_pythons_generator():
    import random

    scenario = parse_scenario(SMALL)
    rng = random.Random(3)
    # connections layer by layer, target by target, source by source; then one bias per neuron
    expected = [
        ("w1", "i1", "h1"),
        ("w2", "i2", "h1"),
        ("w3", "i1", "h2"),
        ("w4", "i2", "h2"),
        ("w5", "h1", "o1"),
        ("w6", "h2", "o1"),
        ("w7", "h1", "o2"),
        ("w8", "h2", "o2"),
    ]
    for weight, (name, source, target) in zip(scenario.weights, expected, strict=True):
        assert (weight.name, weight.source, weight.target) == (name, source, target)
        assert weight.value == rng.uniform(-1, 1)
    assert [b.name for b in scenario.biases] == ["bh1", "bh2", "bo1", "bo2"]
    assert [b.value for b in scenario.biases] == [rng.uniform(-1, 1) for _ in range(4)]
    assert scenario.init == "unlisted parameters drawn uniform on [-1, 1], seed 3"


def test_listed_parameters_win_without_shifting_the_others():
    base = parse_scenario(SMALL)
    listed = parse_scenario(
        SMALL + "weights:\n  w3: {from: i1, to: h2, value: 0.5}\n"
        "biases:\n  special: {to: [o1, o2], value: 0.25}\n"
    )
    values = {w.name: w.value for w in listed.weights}
    assert values["w3"] == 0.5
    assert all(values[w.name] == w.value for w in base.weights if w.name != "w3")
    assert [b.name for b in listed.biases] == ["special", "bh1", "bh2"]
    assert [b.value for b in listed.biases][1:] == [b.value for b in base.biases][:2]


def test_xavier_limits_and_zero_biases():
    scenario = parse_scenario(_small("uniform: [-1, 1]", "xavier: uniform"))
    limit = (6 / (2 + 2)) ** 0.5
    assert all(abs(w.value) <= limit for w in scenario.weights)
    assert all(b.value == 0 for b in scenario.biases)


def test_a_listed_weight_cannot_take_a_generated_name_of_another_connection():
    with pytest.raises(ScenarioError, match="w3 is the generated name of i1 → h2"):
        parse_scenario(SMALL + "weights:\n  w3: {from: i2, to: h1, value: 0.5}\n")


SEVEN_MISTAKES = (
    MAZUR.replace("  w2: {from: i2, to: h1, value: 0.20}", "  w1: {from: i2, to: h1, value: 0.20}")
    .replace("value: 0.25}", "value: abc}")
    .replace("w5: {from: h1, to: o1", "w5: {from: h9, to: o1")
    .replace("activation: sigmoid", "activation: sigmiod", 1)
    .replace("targets: {o1: 0.01, o2: 0.99}", "targets: {o1: 0.01}")
    .replace("learning_rate: 0.5", "learning_rate: -1\nlearnig_rate: 0.5")
)


def test_every_problem_of_a_file_is_reported_in_one_pass(runner, tmp_path):
    """Seven mistakes (a duplicate key among them), seven lines from one run of validate, each
    with its line number; loading the file raises the first."""
    from backprop_walkthrough.cli import cli

    path = tmp_path / "seven.yaml"
    path.write_text(SEVEN_MISTAKES)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    expected = [
        "weights.w1: duplicate key 'w1'",
        "learnig_rate: unknown key 'learnig_rate'",
        "learning_rate: must be above 0",
        "layers.1.activation: unknown activation 'sigmiod'",
        "weights.w3.value: expected a number",
        "weights.w5.from: unknown neuron 'h9'",
        "targets: missing a value for output neuron 'o2'",
    ]
    assert len(lines) == len(expected), lines
    for fragment in expected:
        matching = [line for line in lines if fragment in line]
        assert matching and re.match(rf"error: {re.escape(str(path))}:\d+: ", matching[0])
    assert "layers.1.activation" in lines[0]  # from the top of the file down
    with pytest.raises(ScenarioError, match="unknown activation 'sigmiod'"):
        load_scenario(path)  # the first of them


def test_every_shipped_scenario_validates(runner):
    """The example in `validate --help` (validate scenarios/*.yaml) passes on what we ship,
    the embedding-MLP scenario included."""
    from backprop_walkthrough.cli import cli

    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    result = runner.invoke(cli, ["validate", *files])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("ok: ") == len(files) and any("names.yaml" in f for f in files)


def test_an_embedding_scenario_gets_line_numbers_too(tmp_path):
    from backprop_walkthrough.scenario import scenario_problems

    path = tmp_path / "bad-names.yaml"
    path.write_text("kind: embedding_mlp\nwords: [emma, 0livia]\nblock_size: 0\nhiden: 100\n")
    problems = [str(p) for p in scenario_problems(path)]
    assert len(problems) == 3, problems
    assert any(f"{path}:2: words.1: " in p for p in problems)
    assert any(f"{path}:3: block_size: must be a whole number from 1 to 16" in p for p in problems)
    assert any(
        f"{path}:4: hiden: unknown key 'hiden'; did you mean 'hidden'?" in p for p in problems
    )
