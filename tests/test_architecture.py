"""The layering: the contracts in pyproject.toml (import-linter), the engine without Rich, the
renderers handling every step type, and no evaluation of text anywhere in the package."""

from __future__ import annotations

import io
import subprocess
import sys
import typing

from backprop_walkthrough import model as walkthrough


def test_the_import_contracts_hold():
    """import-linter's contracts in pyproject.toml: the layers of the pipeline (cli → api →
    render → engine → model → scenario → ops → errors), no import cycles at any depth, and no
    terminal or command-line library below the renderers."""
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
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_engine_does_not_import_rich():
    code = (
        "import sys\nfrom backprop_walkthrough import load_scenario\n"
        "from backprop_walkthrough.engine.derivation import derive\n"
        "derive(load_scenario('mazur'))\nprint('rich' in sys.modules, 'click' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False False", result.stderr


def test_every_step_type_is_handled_by_the_terminal_renderer():
    from rich.console import Console

    from backprop_walkthrough import load_scenario
    from backprop_walkthrough.engine.derivation import derive
    from backprop_walkthrough.render.terminal import TerminalView

    view = TerminalView(derive(load_scenario("mazur")))
    examples: dict[type, object] = {}
    for section in view.walkthrough.sections:
        for step in section.steps:
            examples.setdefault(type(step), step)
            derivation = getattr(step, "derivation", None)
            if derivation is not None:
                examples.setdefault(type(derivation), derivation)
                for term in getattr(derivation, "terms", ()):
                    examples.setdefault(type(term), term)
    step_types = set(typing.get_args(walkthrough.Step))
    assert step_types <= set(examples), step_types - set(examples)
    console = Console(file=io.StringIO(), width=100)
    for step_type in step_types:
        for renderable in view.step(examples[step_type]):
            console.print(renderable)
    assert console.file.getvalue()


def test_engine_modules_contain_no_eval():
    import pathlib

    package = pathlib.Path(walkthrough.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text()
        for forbidden in ("eval(", "exec(", "sympify(", "yaml.load(", "parse_expr("):
            assert forbidden not in text.replace("evaluate(", ""), f"{forbidden} in {path.name}"
