"""The layering: the contracts in pyproject.toml (import-linter), the engine without Rich, the
renderers handling every step type, and no evaluation of text anywhere in the package."""

from __future__ import annotations

import io
import subprocess
import sys
import typing

from backprop_walkthrough import model


def test_the_import_contracts_hold():
    """import-linter's contracts in pyproject.toml: the layers of the pipeline (cli → api →
    render → engine → model → scenario → ops → errors), no import cycles at any depth, and no
    terminal or command-line library below the renderers, and a command line that imports only
    the API (and options, errors, outputs, shipped)."""
    from .conftest import ROOT

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_engine_does_not_import_rich():
    code = (
        "import sys\nfrom backprop_walkthrough import load_scenario\n"
        "from backprop_walkthrough.engine.scalar.derivation import derive\n"
        "derive(load_scenario('mazur'))\nprint('rich' in sys.modules, 'click' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False False", result.stderr


def _one_of_each_step_type(w) -> dict:
    examples: dict[type, object] = {}
    for section in w.sections:
        for step in section.steps:
            examples.setdefault(type(step), step)
            derivation = getattr(step, "derivation", None)
            if derivation is not None:
                examples.setdefault(type(derivation), derivation)
                for term in getattr(derivation, "terms", ()):
                    examples.setdefault(type(term), term)
    return examples


def test_every_step_type_is_handled_by_the_layout():
    """The layout is the one place that reads steps: it handles every type of the model."""
    from backprop_walkthrough import walkthrough
    from backprop_walkthrough.render.blocks import Block
    from backprop_walkthrough.render.layout import _Layout

    w = walkthrough("mazur")
    examples = _one_of_each_step_type(w)
    step_types = set(typing.get_args(model.Step))
    assert step_types <= set(examples), step_types - set(examples)
    layout = _Layout(w, 9, False)
    block_types = typing.get_args(Block)
    for step_type in step_types:
        blocks = list(layout.step(examples[step_type]))
        assert blocks and all(isinstance(b, block_types) for b in blocks), step_type


def test_every_block_type_is_handled_by_every_writer():
    from rich.console import Console

    from backprop_walkthrough import api, walkthrough
    from backprop_walkthrough.render.blocks import Block
    from backprop_walkthrough.render.expression_layout import lay_out_expression
    from backprop_walkthrough.render.html import HtmlWriter
    from backprop_walkthrough.render.latex import LatexWriter
    from backprop_walkthrough.render.layout import lay_out
    from backprop_walkthrough.render.markdown import MarkdownWriter
    from backprop_walkthrough.render.matrix_layout import lay_out_matrices
    from backprop_walkthrough.render.terminal import TerminalView

    document = lay_out(walkthrough("mazur"))
    matrix_views = [
        lay_out_matrices(walkthrough("mazur", view="matrix", convention=convention))
        for convention in ("columns", "both")
    ]
    expression = lay_out_expression(api.expression("micrograd"))
    blocks = [b for d in (document, *matrix_views, expression) for b in d.blocks]
    examples = {type(block): block for block in blocks}
    block_types = set(typing.get_args(Block))
    assert block_types <= set(examples), block_types - set(examples)
    terminal = TerminalView(document)
    console = Console(file=io.StringIO(), width=100)
    for block_type in block_types:
        for renderable in terminal.block(examples[block_type]):
            console.print(renderable)
        for writer in (MarkdownWriter, LatexWriter, HtmlWriter):
            assert writer(document).block(examples[block_type]), (writer, block_type)
    assert console.file.getvalue()


def test_engine_modules_contain_no_eval():
    import pathlib

    import backprop_walkthrough

    package = pathlib.Path(backprop_walkthrough.__file__).parent
    paths = list(package.rglob("*.py"))
    assert len(paths) > 80 and any(p.parent.name == "engine" for p in paths)  # the whole package
    for path in paths:
        text = path.read_text()
        for forbidden in ("eval(", "exec(", "sympify(", "yaml.load(", "parse_expr("):
            assert forbidden not in text.replace("evaluate(", ""), f"{forbidden} in {path.name}"
