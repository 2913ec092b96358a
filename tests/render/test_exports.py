"""Markdown, LaTeX and HTML: pinned by snapshots, compiled by pdflatex, laid out by a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from backprop_walkthrough import load_scenario
from backprop_walkthrough.api import export as render_document
from backprop_walkthrough.cli import cli
from backprop_walkthrough.engine.scalar.derivation import derive
from backprop_walkthrough.render.dot import render_dot
from backprop_walkthrough.scenario import network_names

from ..conftest import SCENARIOS, TextSnapshot


class MarkdownSnapshot(TextSnapshot):
    file_extension = "md"
    _file_extension = "md"


class LatexSnapshot(TextSnapshot):
    file_extension = "tex"
    _file_extension = "tex"


class HtmlSnapshot(TextSnapshot):
    file_extension = "html"
    _file_extension = "html"


class DotSnapshot(TextSnapshot):
    file_extension = "dot"
    _file_extension = "dot"


EXTENSIONS = {"markdown": MarkdownSnapshot, "latex": LatexSnapshot, "html": HtmlSnapshot}


@pytest.fixture(scope="module")
def classic():
    return derive(load_scenario("mazur"))


@pytest.mark.parametrize("output_format", ["markdown", "latex", "html"])
def test_classic_export(classic, output_format, snapshot):
    document = render_document(classic, output_format)
    assert document == snapshot.use_extension(EXTENSIONS[output_format])


@pytest.mark.parametrize("name", ["xor", "softmax", "deep_relu", "wide"])
@pytest.mark.parametrize("output_format", ["markdown", "latex", "html"])
def test_every_scenario_exports(name, output_format):
    document = render_document(derive(load_scenario(name)), output_format)
    assert r"E_{\mathrm{total}}" in document or "<msub><mi>E</mi><mi>total</mi></msub>" in document


def test_markdown_has_the_formulas_and_tables(classic):
    md = render_document(classic, "markdown")
    assert "$$\n\\begin{alignedat}{2}" in md
    assert r"& \frac{\partial E_{\mathrm{total}}}{\partial w_{5}} && \rlap{{}=" in md
    # a factor's rule, numbers and value each in a column of their own, as on a page
    assert r"{\partial w_{5}} && {}= \mathrm{out}_{\mathrm{h1}} && {}= 0.593269992 && {}=" in md
    assert "| $w_{5}^{+}$ | 0.4 − 0.5·0.082167041 | 0.358916480 |" in md
    assert "> **Note.** The published source prints −0.019049119" in md


@pytest.mark.parametrize("name", ["mazur", "xor", "softmax", "wide"])
def test_markdown_keeps_the_nesting_and_short_lines(name):
    """Nested chains are indented (\\quad per level); outside formulas, tables and drawings no
    line is longer than 100 characters."""
    md = render_document(derive(load_scenario(name)), "markdown")
    if name == "mazur":
        assert (
            r"& \quad \quad \frac{\partial \mathrm{net}_{\mathrm{o1}}}"
            r"{\partial \mathrm{out}_{\mathrm{h1}}}" in md
        )
    inside = False
    for line in md.splitlines():
        if line in ("$$", "```text", "```") or line.startswith("```"):
            inside = not inside
            continue
        if not inside and not line.startswith("|"):
            assert len(line) <= 100, line


def test_latex_names_options_and_picture(classic):
    tex = render_document(classic, "latex")
    # names and subscripts of more than one character upright (issue 27), as in HTML
    assert r"\mathrm{net}_{\mathrm{h1}}" in tex and r"\mathrm{target}_{\mathrm{o1}}" in tex
    assert r"E_{\mathrm{total}}" in tex and "_{h1}" not in tex
    assert r"\texttt{update-{}\_biases: false}" not in tex  # code is escaped once
    assert r"\texttt{update\_biases: false}" in tex
    assert r"\date{}" in tex and "Matt Mazur" not in tex.split(r"\date")[1][:40]
    assert tex.count(r"\begin{tikzpicture}") == 2  # before and after the update
    for weight in ("w1 = 0.15", "w8 = 0.55"):
        assert weight in tex
    option = render_document(
        derive(load_scenario("mazur"), hidden_uses_updated_weights=True), "latex"
    )
    assert r"\texttt{-{}-{}hidden-{}uses-{}updated-{}weights}" in option  # no en dash


def test_output_infers_the_format_and_writes_atomically(runner, tmp_path):
    for suffix, marker in (
        (".md", "# Backpropagation"),
        (".tex", "\\documentclass"),
        (".html", "<!DOCTYPE html>"),
        (".json", '"scenario"'),
        (".txt", "Forward pass"),
    ):
        target = tmp_path / f"walkthrough{suffix}"
        result = runner.invoke(cli, ["--output", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_text().lstrip().startswith(marker) or marker in target.read_text()
    assert json.loads((tmp_path / "walkthrough.json").read_text())["scenario"] == "mazur"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_output_errors_leave_nothing_behind(runner, tmp_path):
    unknown = runner.invoke(cli, ["--output", str(tmp_path / "x.doc")])
    assert unknown.exit_code == 2 and "cannot tell the format" in unknown.stderr
    missing = runner.invoke(cli, ["--output", str(tmp_path / "no" / "x.md")])
    assert missing.exit_code == 2 and "cannot write" in missing.stderr
    # A parent that is a file (tests/test_hostile.py): unwritable even for root, unlike a
    # read-only directory, which root writes into anyway.


# --- real tools ---------------------------------------------------------------------------------


LATEX = shutil.which("pdflatex") is not None and shutil.which("kpsewhich") is not None
if LATEX:
    LATEX = subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True).returncode == 0


@pytest.mark.skipif(not LATEX, reason="pdflatex with TikZ is not installed")
@pytest.mark.parametrize("name", network_names())
def test_latex_compiles_with_no_overfull_box(name, tmp_path):
    source = tmp_path / "walkthrough.tex"
    source.write_text(render_document(derive(load_scenario(name)), "latex"))
    _compiles_in_one_run(source)
    assert (tmp_path / "walkthrough.pdf").stat().st_size > 10_000


def _compiles_in_one_run(source):
    """pdflatex once: no error, no overfull box over 1 pt, nothing asking for a second run."""
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=source.parent,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    log = source.with_suffix(".log").read_text(errors="replace")
    overfull = [float(x) for x in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too", log)]
    assert all(points <= 1.0 for points in overfull), overfull
    assert "Rerun" not in log and "widths have changed" not in log  # one run lays it out


@pytest.mark.skipif(not LATEX, reason="pdflatex with TikZ is not installed")
@pytest.mark.parametrize(
    "command",
    [
        ["run", "mazur", "--view", "matrix"],
        ["expr", "micrograd"],
        ["practice", "--worksheet"],
        ["practice", "--answer-key", "--new", "7"],
    ],
)
def test_every_latex_document_compiles_in_one_run(runner, command, tmp_path):
    """Issue 27: the matrix view, an expression and the worksheets, as the walkthroughs."""
    source = tmp_path / "document.tex"
    assert runner.invoke(cli, [*command, "-o", str(source)]).exit_code == 0
    _compiles_in_one_run(source)


def test_html_needs_no_network_and_no_javascript(classic):
    html = render_document(classic, "html")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert html.count("<svg") == 2  # the network before and after the update
    assert "prefers-color-scheme: dark" in html and "@media print" in html


# --- explain, graph, scenarios, validate, --step --------------------------------------------------


def test_explain_shows_one_parameter_and_what_it_rests_on(runner):
    result = runner.invoke(cli, ["explain", "w1"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "∂E_total/∂w1 = ∂net_h1/∂w1 × ∂out_h1/∂net_h1 × ∂E_total/∂out_h1" in out
    assert "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1" in out  # what it rests on
    assert "out_h1 = σ(net_h1)" in out and "w1⁺" in out and "shake it" in out
    assert "∂E_total/∂w5 =" not in out and "∂E_total/∂out_h2 =" not in out and "w2⁺" not in out


def test_explain_a_bad_parameter_lists_the_valid_ones(runner):
    result = runner.invoke(cli, ["explain", "w11"])
    assert result.exit_code == 2
    assert "no parameter 'w11'; did you mean 'w1'?" in result.stderr
    assert "w1, w2, w3, w4, w5, w6, w7, w8, b1, b2" in result.stderr


def test_explain_in_other_formats(runner, tmp_path):
    target = tmp_path / "b2.md"
    assert runner.invoke(cli, ["explain", "b2", "notes", "-o", str(target)]).exit_code == 0
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial b_{2}}" in target.read_text()


def test_graph_dot(runner, snapshot):
    result = runner.invoke(cli, ["graph"])
    assert result.exit_code == 0
    assert result.stdout == snapshot.use_extension(DotSnapshot)
    assert result.stdout.startswith("digraph backprop {") and result.stdout.rstrip().endswith("}")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("name", ["mazur", "softmax", "xor", "deep_relu"])
def test_graph_parses_as_dot(runner, name, tmp_path):
    target = tmp_path / "graph.svg"
    result = runner.invoke(cli, ["graph", name, "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "<svg" in target.read_text()


def _heights(dot_source: str) -> dict[str, float]:
    """Each node's height on the page, as Graphviz lays the graph out (``-Tplain``)."""
    plain = subprocess.run(
        ["dot", "-Tplain"], input=dot_source, capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in plain.splitlines():
        named = re.match(r'node ("[^"]+"|\S+) \S+ (\S+)', line)
        if named:
            found[named[1].strip('"')] = float(named[2])
    return found


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("name", ["mazur", "xor"])
def test_graph_draws_each_layer_and_each_example_in_order(runner, name):
    """mazur's graph drew h2 above h1 while o1 was above o2 (crossing edges); xor's drew its
    examples in the order 2, 1, 4, 3."""
    heights = _heights(runner.invoke(cli, ["graph", name]).output)
    prefixes = [f"ex{k} " for k in range(1, 5)] if name == "xor" else [""]
    scenario = load_scenario(name)
    for prefix in prefixes:
        for layer in scenario.layers:
            for kind in ("net_", "out_") if layer is not scenario.layers[0] else ("",):
                column = [heights[f"{prefix}{kind}{n}"] for n in layer.neurons]
                assert column == sorted(column, reverse=True), (prefix, kind, layer.neurons)
    if name == "xor":  # example 1 on top, then 2, 3, 4
        tops = [heights[f"{prefix}E"] for prefix in prefixes]
        assert tops == sorted(tops, reverse=True), tops


def test_graph_without_dot_says_how_to_install(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = runner.invoke(cli, ["graph", "--output", str(tmp_path / "g.svg")])
    assert result.exit_code == 1 and "apt install graphviz" in result.stderr


def test_scenarios_list_show_new(runner, tmp_path):
    listed = runner.invoke(cli, ["scenarios"]).output
    for name in ("mazur", "notes", "tanh_sigmoid", "deep_relu", "softmax", "xor", "wide"):
        assert re.search(rf"^{name} +\S", listed, re.M), name
    assert runner.invoke(cli, ["scenarios", "show", "xor"]).output.startswith("# What this shows")
    target = tmp_path / "mine.yaml"
    made = runner.invoke(cli, ["scenarios", "new", str(target)])
    assert made.exit_code == 0 and target.exists()
    assert runner.invoke(cli, ["validate", str(target)]).exit_code == 0
    again = runner.invoke(cli, ["scenarios", "new", str(target)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert runner.invoke(cli, ["run", str(target)]).exit_code == 0


def test_validate_reports_every_problem(runner, tmp_path):
    from ..conftest import SCENARIOS

    text = (SCENARIOS / "mazur.yaml").read_text()
    for old, new in (
        ("value: 0.15", "value: abc"),
        ("from: h1, to: o1", "from: h9, to: o1"),
        ("learning_rate: 0.5", "learning_rate: -1"),
        ("loss: half", "loss: halfx"),
    ):
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = runner.invoke(cli, ["validate", str(bad), str(SCENARIOS / "notes.yaml")])
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4
    for fragment in ("weights.w1.value", "weights.w5.from", "learning_rate", "loss"):
        assert any(fragment in e for e in errors), fragment
    assert f"ok: {SCENARIOS / 'notes.yaml'}" in result.stdout


def test_step_is_ignored_when_not_a_terminal(runner):
    assert runner.invoke(cli, ["--step"]).output == runner.invoke(cli, []).output


def _dot_values(dot: str) -> dict[str, tuple[float, ...]]:
    """Each value node of a DOT graph: its id → the numbers on it (data, grad)."""
    found = {}
    for key, row in re.findall(
        r'^\s*"([^"]+)" \[shape=plaintext, label=<.*?<tr>(.*)</tr>', dot, re.M
    ):
        if "</tr><tr>" in row:  # a table of several values (a batch's summed parameters)
            continue
        cells = re.findall(r"<td>(.*?)</td>", row)
        found[key] = tuple(float(cell.split()[-1]) for cell in cells[1:])
    return found


def test_graph_of_a_batch_draws_every_example_and_labels_the_sums(runner):
    """`graph xor` drew example 1's values feeding the batch's E_total, without a word."""
    from backprop_walkthrough import walkthrough

    w = walkthrough("xor")
    whole = runner.invoke(cli, ["graph", "xor"]).output
    assert whole.count("subgraph cluster_example") == 4
    assert "sums over the examples" in whole and "Σ grad" in whole
    assert "example 4: x1 = 1, x2 = 1 → target y = 0" in whole
    precise = render_dot(w, digits=12)
    values = _dot_values(precise)
    for k in range(1, 5):
        assert values[f"ex{k} out_y"][0] == pytest.approx(w.forward[k - 1]["out_y"], rel=1e-11)
    assert values["E_total"][0] == pytest.approx(sum(values[f"ex{k} E"][0] for k in range(1, 5)))
    table = dict(
        re.findall(r"<tr><td>(\w+)</td><td>data \S+</td><td>Σ grad (\S+)</td></tr>", precise)
    )
    parts = [_dot_values(render_dot(w, digits=12, example=k)) for k in range(1, 5)]
    for name in ("w1", "w5", "b3"):  # each example's part, summed, is the batch's gradient
        summed = sum(part[name][1] for part in parts)
        assert summed == pytest.approx(float(table[name]), rel=1e-9)
        assert summed != parts[0][name][1]
        # each cluster's copy of the parameter carries that example's part
        in_clusters = [values[f"ex{k} {name}"][1] for k in range(1, 5)]
        assert in_clusters == pytest.approx([part[name][1] for part in parts], rel=1e-9)
    alone = runner.invoke(cli, ["graph", "xor", "--example", "2"]).output
    assert "example 2 of 4" in alone and "cluster" not in alone
    refused = runner.invoke(cli, ["graph", "xor", "--example", "5"])
    assert refused.exit_code == 2 and "xor has 4 examples, numbered 1 to 4; got 5" in refused.stderr


def test_names_with_underscores_are_accepted_kept_and_typeset_as_subscripts(tmp_path):
    """h1_1, w_ho and b_h were refused with a garbled message; now the numbers are mazur's,
    JSON keeps the names as written, and LaTeX sets them as subscripts (out_{h1,1})."""
    from backprop_walkthrough import walkthrough

    text = (SCENARIOS / "mazur.yaml").read_text()
    text = text.split("\npublished:")[0].replace("h1", "h1_1").replace("w5:", "w_ho:")
    text = text.replace("b1:", "b_h:")
    path = tmp_path / "underscored.yaml"
    path.write_text(text)
    renamed, mazur = walkthrough(path), walkthrough("mazur")
    assert renamed.gradients["w_ho"] == mazur.gradients["w5"]
    assert renamed.gradients["b_h"] == mazur.gradients["b1"]
    assert renamed.forward[0]["out_h1_1"] == mazur.forward[0]["out_h1"]
    document = json.loads(renamed.export("json"))
    assert {"w_ho", "b_h"} <= set(document["gradients"]) and "out_h1_1" in document["forward"]
    latex = renamed.export("latex")
    assert (
        r"\mathrm{out}_{\mathrm{h1,1}}" in latex
        and r"w_{\mathrm{ho}}" in latex
        and "h1_1}" not in latex
    )
    assert "out_h1_1" in renamed.export("text")


def test_a_big_network_is_drawn_by_its_shape_on_a_page():
    """Issue 27: wide (4-16-16-4) had no drawing; a page draws every neuron and edge, small,
    with each layer's size under it (a text format keeps the shape in a line)."""
    wide = derive(load_scenario("wide"))
    html = render_document(wide, "html")
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<circle") == 4 + 16 + 16 + 4 and svg.count('class="faint"') == 384
    assert ">16 tanh</text>" in svg and ">4 sigmoid</text>" in svg
    latex = render_document(wide, "latex")
    assert latex.count(r"\begin{tikzpicture}") == 1 and "16 tanh" in latex
    assert "layers: 4 inputs → 16 tanh → 16 tanh → 4 sigmoid" in render_document(wide, "text")


def test_an_expressions_graph_is_drawn_on_a_page():
    """Issue 27: micrograd's picture — each value's box (name, data, grad) and each operation
    between — as SVG in HTML and a tikzpicture in LaTeX; Markdown writes the boxes as text."""
    from backprop_walkthrough.api import expression

    micrograd = expression("micrograd")
    html = render_document(micrograd, "html")
    assert html.count("<svg") == 1 and html.count('class="value"') == 7  # a b e c d f L
    assert "L | data −8.0000 | grad 1.0000" in html and ">×</text>" in html
    latex = render_document(micrograd, "latex")
    assert latex.count(r"\begin{tikzpicture}") == 1
    assert r"e $|$ data $-$6.0000 $|$ grad $-$2.0000" in latex
    assert "d | data 4.0000 | grad −2.0000   ← +(e, c)" in render_document(micrograd, "markdown")


def test_one_typography_for_quotes_brackets_and_displays(classic):
    """Issue 27: the subtitle's opening quote set as one (not ”A Step…), a bracket hugging
    what it encloses in MathML (σ(0.3775), not σ ( 0.3775 )), displays flush left in LaTeX."""
    tex = render_document(classic, "latex")
    assert "``A Step by Step Backpropagation Example''" in tex
    assert r"\documentclass[11pt,fleqn]{article}" in tex
    html = render_document(classic, "html")
    assert "<mo>(</mo>" not in html and "<mo>)</mo>" not in html
    prefix, postfix = '<mo form="prefix" stretchy="false">', '<mo form="postfix" stretchy="false">'
    assert f"<mi>&#963;</mi>{prefix}(</mo><mn>0.3775</mn>{postfix})</mo>" in html


def test_an_expressions_shake_shows_the_digits_that_carry_meaning(runner):
    """Issue 27: L(f ± h) to the decimals the quotient needs (h·10^−6 here), not the noise of
    doubles: (−7.999996 − (−8.000004)) / 2e−6 = 4, by hand."""
    out = runner.invoke(cli, ["expr", "micrograd"]).output
    assert "L(f + h) = −7.999996\n" in out and "L(f − h) = −8.000004\n" in out
    assert "0000000" not in out


def test_an_expressions_gradient_is_a_fraction_like_its_local_derivatives():
    """Issue 27: dL/dd was one upright word beside ∂-fractions; now d over d, upright d."""
    from backprop_walkthrough.api import expression

    latex = render_document(expression("micrograd"), "latex")
    assert r"\frac{\mathrm{d}L}{\mathrm{d}f} && \mathrlap{{}= \frac{\mathrm{d}L}" in latex
    assert "dL/d" not in latex
    assert "dL/df = dL/dL × ∂L/∂f" in render_document(expression("micrograd"), "text")


class _WordsOutsideMaths(HTMLParser):
    """The running text of a page: everything outside maths, code, styles and pictures."""

    SKIPPED = frozenset({"math", "code", "style", "script", "svg"})

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIPPED

    def handle_data(self, data):
        if not self.skipping:
            self.words += data.split()


@pytest.mark.parametrize("name", ["mazur", "xor", "softmax", "wide"])
@pytest.mark.parametrize("view", ["scalar", "matrix"])
def test_a_page_spells_every_name_as_its_equations_do(runner, name, view):
    """Prose, notes, checks and tables typeset a name (E_total, ∂E_o2/∂out_h1, target_o1) as
    the equations do: no terminal spelling with an underscore or a d-fraction is left in the
    running text of the page (options and YAML keys are code)."""
    page = runner.invoke(cli, ["run", name, "--view", view, "--format", "html"]).output
    parser = _WordsOutsideMaths()
    parser.feed(page)
    ascii_names = [w for w in parser.words if "_" in w or re.search(r"[∂d]\w+/[∂d]\w", w)]
    assert not ascii_names, ascii_names[:10]
    if view == "scalar":  # the first section's tables typeset their names
        assert "<math>" in page.split("<h2>")[1]
