"""Worksheets that stand alone on paper (issue 25): the network with every number, the rules
by section, shared-bias paths named, the seed to regenerate them; a key; print-ready."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli

from ..helpers import document, pdflatex

FORMATS = ("markdown", "html", "latex")


def _sheet(fmt: str, seed: int | None = None, key: bool = False) -> str:
    return api.practice("mazur", seed=seed).worksheet(fmt, key=key)


def _numbers(seed: int | None) -> dict[str, float]:
    """Every parameter's value and η, read from the scenario itself (not from the tool)."""
    doc = document("mazur") if seed is None else api.practice("mazur", seed=seed).source
    values = {k: v["value"] for group in ("weights", "biases") for k, v in doc[group].items()}
    return {**values, "η": doc["learning_rate"]}


def _written(value: float, fmt: str) -> str:
    """A number as each format writes a minus: − in Markdown and HTML, $-$ in LaTeX."""
    text = f"{abs(value):g}"
    if value >= 0:
        return text
    return ("$-$" if fmt == "latex" else "−") + text


def _typeset(name: str, fmt: str) -> str:
    """A pattern for a parameter's name typeset as the equations write it (w1 is w with 1
    below), or for η."""
    if name == "η":
        return (
            "learning rate "
            + {
                "markdown": re.escape(r"$\eta$"),
                "latex": re.escape(r"$\eta$"),
                "html": "<math><mrow><mi>(η|&#951;)</mi></mrow></math>",
            }[fmt]
        )
    letter, digits = name[0], name[1:]
    return re.escape(
        {
            "markdown": f"${letter}_{{{digits}}}$",
            "latex": rf"$\displaystyle {letter}_{{{digits}}}$",
            "html": f"<math><mrow><msub><mi>{letter}</mi><mi>{digits}</mi></msub></mrow></math>",
        }[fmt]
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", [None, 7])
def test_a_worksheet_holds_every_parameter_and_the_learning_rate(fmt, seed):
    sheet = _sheet(fmt, seed)
    for name, value in _numbers(seed).items():
        written = re.escape(_written(value, fmt))
        typeset = _typeset(name, fmt)
        row = {
            "markdown": rf"\| {typeset} \|(.*\|)? {written} \|",
            "html": rf"<td>{typeset}</td>.*?<td class=\"right\">{written}</td>",
            "latex": rf"{typeset} &( .* &)? {written} \\\\",
        }[fmt]
        assert re.search(row, sheet), (name, value)
    assert any(s in sheet for s in (r"\sigma", "σ", "&#963;"))  # the activation's definition
    assert "half squared error" in sheet  # the loss


def test_a_new_sheet_names_its_seed_and_the_command_for_its_key():
    command = "backprop-walkthrough practice mazur --new 7 --answer-key"
    for fmt in ("markdown", "html", "yaml"):
        assert command in _sheet(fmt, 7)
    assert "--new" not in _sheet("markdown")


def test_shared_bias_terms_say_which_path_they_take():
    (row,) = [
        line for line in _sheet("markdown").splitlines() if line.startswith("| `dE_total/db1` |")
    ]
    assert r"\text{(via h1)} + " in row and r"\text{(via h2)}" in row
    from backprop_walkthrough.render.worksheet import rule_lines

    session = api.practice("mazur")
    symbols, numbers = rule_lines(session.forms["dE_total/db1"], session.expected)
    assert symbols.endswith("∂E_total/∂b1 (via h1) + ∂E_total/∂b1 (via h2)")
    assert numbers == "∂E_total/∂b1 = 0.008771355 + 0.009954255"  # the two paths' values


def test_the_key_holds_every_value_and_the_sheet_none():
    session = api.practice("mazur")
    key, sheet = session.worksheet("markdown", key=True), session.worksheet("markdown")
    assert "0.082167041" in key and "0.082167041" not in sheet  # ∂E_total/∂w5, by hand (post)
    assert "0.298371109" in key and "0.298371109" not in sheet  # E_total
    assert key.count("| dE_total/d") == sheet.count("| dE_total/d")


def test_practice_shows_the_network_first_and_hints_with_every_number(runner):
    args = ["practice", "--only", "update", "--digits", "9"]
    out = runner.invoke(cli, args, input="?\n?\nq\n").stdout
    assert out.index("Parameters") < out.index("new w1 =") and "learning rate η" in out
    assert "hint: w1⁺ = w1 − η·∂E_total/∂w1" in out
    assert "hint: w1⁺ = 0.15 − 0.5·0.000438568" in out  # the post's ∂E_total/∂w1


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("key", [False, True])
def test_the_latex_sheet_compiles_in_one_run_without_overfull_boxes(tmp_path, paper, key):
    tex = tmp_path / "sheet.tex"
    tex.write_text(api.practice("mazur", seed=7).worksheet("latex", key=key, paper=paper))
    compiled = pdflatex(tex)
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    log = (tmp_path / "sheet.log").read_text(errors="replace")
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert all(x <= 1.0 for x in overfull), overfull
    assert "Rerun" not in log and "widths have changed" not in log
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert ("0.245218362" in text) == key  # ∂out_o1/∂net_o1 of seed 7, in the key only
