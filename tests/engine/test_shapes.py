"""The embedding-MLP shape walkthrough: the lecture's dataset and every tensor's shape."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from backprop_walkthrough import shapes
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.tensors.shapes import ShapesSpec, build_dataset, shape_walkthrough
from backprop_walkthrough.render.shapes import ShapesView, render_shapes_markdown

from ..conftest import TextSnapshot


class MarkdownSnapshot(TextSnapshot):
    file_extension = "md"
    _file_extension = "md"


def _shapes(w) -> dict:
    return {t.name: t.shape for t in w.forward + w.backward}


def test_the_lectures_dataset():
    examples = build_dataset(("emma", "olivia", "ava", "isabella", "sophia"), 3)
    assert len(examples) == 32
    assert examples[:5] == [("...", "e"), ("..e", "m"), (".em", "m"), ("emm", "a"), ("mma", ".")]


def test_the_lectures_shapes():
    shapes = _shapes(shape_walkthrough(ShapesSpec()))
    assert shapes["X"] == (32, 3) and shapes["C"] == (27, 3) and shapes["emb"] == (32, 3, 3)
    assert shapes["embcat"] == (32, 9) and shapes["W1"] == (9, 100) and shapes["b1"] == (100,)
    assert shapes["h"] == (32, 100) and shapes["logits"] == (32, 27) and shapes["loss"] == ()
    # every gradient has the shape of what it is the gradient of
    for name in ("logits", "W2", "b2", "h", "W1", "b1", "embcat", "emb", "C"):
        assert shapes[f"d{name}"] == shapes[name], name


@given(
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(1, 300),
    st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=6),
)
def test_shapes_follow_from_the_options(block, dim, hidden, words):
    w = shape_walkthrough(ShapesSpec(tuple(words), block, dim, hidden))
    n = sum(len(word) + 1 for word in words)  # every character and the final '.'
    shapes = _shapes(w)
    assert shapes["X"] == (n, block) and shapes["emb"] == (n, block, dim)
    assert shapes["W1"] == (block * dim, hidden) and shapes["dW1"] == (block * dim, hidden)
    assert shapes["dC"] == (27, dim)
    assert sum(uses for _, uses in w.row_uses) == n * block  # every lookup adds into dC


def test_a_first_layer_that_does_not_fit_is_explained(runner):
    """`--w1-rows 6` was advertised as a mismatch explained, and printed one error line: now
    the shapes up to the product, the rule it breaks, and fixes that do fit (each is run)."""
    result = runner.invoke(cli, ["shapes", "--w1-rows", "6"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    text = result.output
    assert "Forward pass, up to hpre" in text and "Backward pass" not in text
    assert "embcat is 32 × 9 and W1 is 6 × 100" in " ".join(text.split())
    assert "9 ≠ 6" in text and "block_size · embedding_dim = 3 · 3 = 9 rows" in text
    walked = shapes(w1_rows=6)
    assert [t.name for t in walked.forward][-2:] == ["W1", "b1"] and walked.backward == ()
    fixes = re.findall(r"--block-size \d+ --embedding-dim \d+", walked.mismatch.fix)
    assert fixes == ["--block-size 1 --embedding-dim 6", "--block-size 2 --embedding-dim 3"]
    for fix in fixes:
        mended = runner.invoke(cli, ["shapes", "--w1-rows", "6", *fix.split()])
        assert mended.exit_code == 0 and "Backward pass" in mended.output, fix
    assert shapes(w1_rows=9).mismatch is None  # 3 · 3 = 9: declared as it fits
    document = json.loads(
        runner.invoke(cli, ["shapes", "--w1-rows", "6", "--format", "json"]).output
    )
    assert document["mismatch"]["tensor"] == "hpre" and document["backward"] == []
    markdown = runner.invoke(cli, ["shapes", "--w1-rows", "6", "--format", "markdown"]).output
    assert "## hpre: the shapes do not fit" in markdown and "**What would fit:**" in markdown


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--block-size", "0"], "block_size: must be a whole number from 1"),
        (["--words", ""], "the word list is empty"),
        (["--words", "emma,Zoë"], "'Zoë' has characters outside the vocabulary"),
        (["--hidden", "-3"], "hidden: must be a whole number"),
        (["--format", "latex"], "Invalid value for '--format'"),
    ],
)
def test_bad_options_are_one_clear_line(runner, args, fragment):
    result = runner.invoke(cli, ["shapes", *args])
    assert result.exit_code == 2
    assert fragment in result.output + result.stderr


def test_json_has_every_tensor_and_example(runner):
    doc = json.loads(runner.invoke(cli, ["shapes", "--format", "json"]).stdout)
    assert len(doc["examples"]) == 32 and doc["examples"][1] == {
        "context": "..e",
        "next": "m",
        "x": [0, 0, 5],
        "y": 13,
    }
    names = [t["name"] for t in doc["forward"] + doc["backward"]]
    assert {
        "X",
        "Y",
        "hpre",
        "C",
        "emb",
        "embcat",
        "W1",
        "b1",
        "h",
        "W2",
        "b2",
        "logits",
        "loss",
        "dlogits",
        "dW2",
        "db2",
        "dh",
        "dhpre",
        "dW1",
        "db1",
        "dembcat",
        "demb",
        "dC",
    } == set(names)
    assert {t["name"]: t["shape"] for t in doc["forward"]}["emb"] == [32, 3, 3]


def test_the_builtin_yaml_scenario_equals_the_defaults(runner):
    from_file = runner.invoke(cli, ["shapes", "names", "--format", "json"]).stdout
    assert from_file == runner.invoke(cli, ["shapes", "--format", "json"]).stdout
    refused = runner.invoke(cli, ["run", "names"])
    assert refused.exit_code == 2 and "run `backprop-walkthrough shapes FILE`" in refused.stderr


def test_shapes_text(text_snapshot):
    console = Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
    console.print(ShapesView(shape_walkthrough(ShapesSpec())))
    assert console.file.getvalue() == text_snapshot


def test_shapes_markdown(snapshot):
    document = render_shapes_markdown(shape_walkthrough(ShapesSpec()))
    assert document == snapshot.use_extension(MarkdownSnapshot)


def test_shapes_of_a_network_scenario_names_the_right_command_and_scenarios(runner):
    """`shapes mazur` said `unknown key 'layers'`."""
    result = runner.invoke(cli, ["shapes", "mazur"])
    assert result.exit_code == 2 and "unknown key" not in result.stderr
    assert "mazur" in result.stderr and "this is a network scenario" in result.stderr
    assert "shapes takes an embedding_mlp scenario, such as the built-in names" in result.stderr
    assert "backprop-walkthrough run" in result.stderr
