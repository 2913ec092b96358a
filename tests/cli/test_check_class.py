"""A class's answers graded whole (issue 25): every file graded, a bad file reported with all
its problems and skipped, one JSON shape, a summary by kind within 80 columns, -o by suffix."""

from __future__ import annotations

import json

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli

#: The classic network's figures, by hand (Mazur's post), and the issue's mistaken ones.
RIGHT = {"net_h1": "0.3775", "out_h1": "0.593269992", "dE_total/dw5": "0.082167041"}
FLIPPED = {"dE_total/dw5": "-0.0822"}  # sign_flipped
DOUBLED = {"dE_total/dw5": "0.164334"}  # missing_half


def _write(path, answers: dict[str, str], scenario: str = "mazur"):
    lines = [f"scenario: {scenario}", "answers:"] + [f'  "{k}": {v}' for k, v in answers.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def klass(tmp_path):
    folder = tmp_path / "a-rather-long-folder-name-for-the-class-of-2026" / "homework-3"
    folder.mkdir(parents=True)
    good = _write(folder / "ada.yaml", RIGHT)
    bad = folder / "bob.yaml"
    bad.write_text("answers:\n  net_h1: 0.3775\n  ouT_h1: 0.59\n  nett_h2: 1 +\n  net_o9: 2\n")
    flipped = _write(folder / "cyd.yaml", FLIPPED)
    return [str(good), str(bad), str(flipped)]


def test_one_bad_file_does_not_stop_the_class(runner, klass):
    result = runner.invoke(cli, ["check", *klass])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    # every problem of the bad file, each with its line: the typo, the bad number, the unknown
    assert len(errors) == 3 and all("bob.yaml:" in e for e in errors), errors
    assert "bob.yaml:3: answers.ouT_h1" in errors[0] or "bob.yaml:4" in errors[0]
    assert any("did you mean 'out_h1'" in e for e in errors)
    assert "ada.yaml — graded" in " ".join(result.stdout.split())
    assert "cyd.yaml — graded" in " ".join(result.stdout.split())
    assert "not graded" in result.stdout and "sign_flipped" in result.stdout


def test_the_summary_fits_80_columns_with_short_names_and_the_mistakes_by_kind(runner, klass):
    result = runner.invoke(cli, ["check", *klass, "--summary"])
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "ada.yaml" in result.stdout and "a-rather-long-folder" not in result.stdout
    assert "graded against" not in result.stdout  # the summary only
    assert "Mistakes by kind" in result.stdout and "sign_flipped" in result.stdout
    assert "2 of 3 files graded, 1 without a mistake" in result.stdout


def test_names_are_shortened_but_never_to_the_same_string(tmp_path):
    from backprop_walkthrough.render.check import short_names

    a, b = tmp_path / "x" / "ann.yaml", tmp_path / "y" / "ann.yaml"
    assert short_names([str(a), str(b)]) == ["x/ann.yaml", "y/ann.yaml"]
    assert short_names([str(a), str(a)]) == ["ann.yaml", "ann.yaml (2)"]


@pytest.mark.parametrize("count", [1, 3])
def test_the_json_has_one_shape_whatever_the_number_of_files(runner, tmp_path, count):
    files = [str(_write(tmp_path / f"s{i}.yaml", FLIPPED)) for i in range(count)]
    result = runner.invoke(cli, ["check", *files, "--format", "json"])
    document = json.loads(result.stdout)
    assert set(document) == {"files", "summary"} and len(document["files"]) == count
    summary = document["summary"]
    assert summary["mistakes"] == {"sign_flipped": count}
    assert summary["first_wrong"] == {"dE_total/dw5": count}
    assert summary["graded"] == count and summary["passed"] == 0
    figure = document["files"][0]["figures"]["dE_total/dw5"]
    assert figure["where"] == ["dE_total/dout_o1"] and figure["certain"] is True


def test_a_bad_file_in_the_json_lists_its_problems(runner, klass):
    document = json.loads(runner.invoke(cli, ["check", *klass, "--format", "json"]).stdout)
    (problem,) = [f for f in document["files"] if "problems" in f]
    assert [p["line"] for p in problem["problems"]] == [3, 4, 5]
    assert document["summary"]["not_graded"] == 1


@pytest.mark.parametrize(("name", "text"), [("report.txt", True), ("report.json", False)])
def test_the_output_format_follows_the_suffix(runner, tmp_path, name, text):
    answers = str(_write(tmp_path / "a.yaml", DOUBLED))
    out = tmp_path / name
    result = runner.invoke(cli, ["check", answers, "-o", str(out)])
    assert result.exit_code == 1 and out.exists()
    written = out.read_text()
    if text:
        assert "missing_half" in written and not written.lstrip().startswith("{")
    else:
        assert json.loads(written)["summary"]["mistakes"] == {"missing_half": 1}


def test_a_blank_worksheet_exits_1_and_says_so(runner, tmp_path):
    sheet = tmp_path / "sheet.yaml"
    assert runner.invoke(cli, ["practice", "--worksheet", "-o", str(sheet)]).exit_code == 0
    result = runner.invoke(cli, ["check", str(sheet)])
    assert result.exit_code == 1 and "No figure given" in result.stdout
    summary = json.loads(runner.invoke(cli, ["check", str(sheet), "--format", "json"]).stdout)
    assert summary["summary"]["blank"] == 1 and summary["summary"]["figures"]["missing"] == 66


def test_figures_takes_the_positional_scenario(runner):
    tanh = runner.invoke(cli, ["check", "--figures", "tanh_sigmoid"]).stdout.split("\n")
    assert tanh[:-1] == api.figure_names("tanh_sigmoid") != api.figure_names("mazur")


def test_validate_knows_answers_files_and_checks_their_names(runner, klass):
    good, bad, _ = klass
    assert runner.invoke(cli, ["validate", good]).stdout.startswith("ok:")
    assert "answers file" in runner.invoke(cli, ["validate", good]).stdout
    refused = runner.invoke(cli, ["validate", bad])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 3


def test_a_class_of_ten_with_mixed_mistakes(runner, tmp_path):
    """Ten files: each of five mistakes twice, made at the final answer only."""
    made = {
        "sign_flipped": {"dE_total/dw5": "-0.0822"},
        "missing_half": {"dE_total/dw5": "0.164334"},
        "derivative_on_net": {"dE_total/dw5": "-0.0515137"},
        "missing_sum_term": {"dE_total/dw1": "0.000668396"},
        "no_learning_rate": {"dE_total/dw5": "0.082167041", "new w5": "0.317832959"},
    }
    files = [
        str(_write(tmp_path / f"student{i:02}.yaml", answers))
        for i, answers in enumerate(list(made.values()) * 2)
    ]
    result = runner.invoke(cli, ["check", *files, "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["mistakes"] == dict.fromkeys(sorted(made), 2)
    text = runner.invoke(cli, ["check", *files, "--summary"]).stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    assert all(f"student{i:02}.yaml" in text for i in range(10))
