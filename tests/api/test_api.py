"""The Python API and its Jupyter displays, used directly (not through the command line)."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
import yaml

from backprop_walkthrough import (
    ScenarioError,
    TrainingRun,
    Walkthrough,
    load_scenario,
    train,
    walkthrough,
)

from ..conftest import SCENARIOS


def test_walkthrough_from_a_name_a_path_and_a_scenario():
    by_name = walkthrough("mazur")
    by_path = walkthrough(SCENARIOS / "mazur.yaml")
    built = walkthrough(load_scenario("mazur"))
    for w in (by_name, by_path, built):
        assert isinstance(w, Walkthrough)
        assert round(w.gradients["w1"], 9) == pytest.approx(0.000438568, abs=1e-15)
        assert round(w.forward[0]["out_h1"], 9) == pytest.approx(0.593269992, abs=1e-15)
        assert round(w.updated["w5"], 8) == pytest.approx(0.35891648, abs=1e-15)


def test_from_dict_refuses_bad_input_with_the_files_messages(tmp_path):
    doc = yaml.safe_load((SCENARIOS / "mazur.yaml").read_text())
    doc["weights"]["w5"]["from"] = "h9"
    doc["learnig_rate"] = 0.1
    del doc["learning_rate"]
    for broken in ({**doc},):
        with pytest.raises(ScenarioError) as from_dict:
            load_scenario(broken, source="mine")
        path = tmp_path / "mine.yaml"
        path.write_text(yaml.safe_dump(broken, sort_keys=False))
        with pytest.raises(ScenarioError) as from_file:
            load_scenario(path)
        assert from_dict.value.message == from_file.value.message
        assert from_dict.value.field == from_file.value.field
    with pytest.raises(ScenarioError, match="expected a mapping"):
        load_scenario(["not", "a", "mapping"])


def test_the_objects_are_immutable():
    w = walkthrough("mazur")
    with pytest.raises(TypeError):
        w.gradients["w1"] = 0.0  # type: ignore[index]
    with pytest.raises(TypeError):
        w.forward[0]["out_h1"] = 0.0  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.E_total = 0.0  # type: ignore[misc]


def test_explain_and_the_exports():
    w = walkthrough("mazur")
    one = w.explain("w1")
    assert isinstance(one, Walkthrough) and "w1" in one.to_text()
    assert "∂E_total/∂w5" not in one.to_text()
    assert w.to_json().startswith("{") and w.to_markdown().startswith("# Backpropagation")
    assert w.to_latex().startswith("\\documentclass") and "<math" in w.to_html()
    with pytest.raises(ScenarioError, match="did you mean 'w1'"):
        w.explain("w11")


class _Checker(HTMLParser):
    """Counts tags and fails on any closing tag that does not match its opening one."""

    VOID = {"br", "img", "meta", "path", "line", "circle"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def test_jupyter_html_is_well_formed_mathml():
    html = walkthrough("mazur").explain("w1")._repr_html_()
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    assert checker.seen["math"] >= 3 and checker.seen["mfrac"] >= 3 and checker.seen["mtable"]


def test_jupyter_markdown_has_latex_formulas():
    markdown = walkthrough("mazur")._repr_markdown_()
    blocks = markdown.count("$$")
    assert blocks >= 30 and blocks % 2 == 0
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial w_{1}}" in markdown


def test_train_from_a_name():
    run = train("mazur", steps=10)
    assert isinstance(run, TrainingRun) and run.steps_run == 10
    assert run.history[0][0] == 0 and run.history[-1] == (10, run.E_total)


def test_outputs_are_one_mapping_per_example_for_a_single_example_and_a_batch():
    """`run.outputs["o1"]` raised a bare TypeError; a batch and one example differed."""
    single, batch = train("mazur", steps=1), train("xor", steps=1)
    w = walkthrough("mazur")
    # after one step the outputs are the walkthrough's forward pass with the updated weights
    after = walkthrough(
        {
            **yaml.safe_load((SCENARIOS / "mazur.yaml").read_text()),
            "weights": {
                name: {**spec, "value": w.updated[name]}
                for name, spec in yaml.safe_load((SCENARIOS / "mazur.yaml").read_text())[
                    "weights"
                ].items()
            },
        }
    )
    assert single.outputs[0]["o1"] == pytest.approx(after.forward[0]["out_o1"], rel=1e-12)
    assert single.outputs.only["o1"] == single.outputs[0]["o1"]
    assert w.forward.only["out_h1"] == w.forward[0]["out_h1"] == pytest.approx(0.593269992)
    assert len(batch.outputs) == 4 and all(set(o) == {"y"} for o in batch.outputs)
    with pytest.raises(TypeError, match=r"\[0\]\['o1'\]"):
        single.outputs["o1"]
    with pytest.raises(ValueError, match="4 examples"):
        _ = batch.outputs.only
    with pytest.raises(TypeError):
        single.outputs[0]["o1"] = 1.0  # read-only, as everything returned
