"""The commands beside `run` and `train`: explain, graph, scenarios, validate.

They register themselves on the ``cli`` group when :mod:`.cli` imports this module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from .cli import (
    CONTEXT_SETTINGS,
    EXIT_USER_ERROR,
    cli,
    debug_option,
    digits_option,
    user_errors,
)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("parameter")
@click.argument("scenario", default="mazur", metavar="[SCENARIO]")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "latex", "html"]),
    default=None,
    help="As for run.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to FILE; the format follows its suffix.",
)
@digits_option
@debug_option
def explain(
    parameter: str,
    scenario: str,
    output_format: str | None,
    output: str | None,
    digits: int,
    debug: bool,
) -> None:
    """Only the derivation of PARAMETER, with everything it rests on.

    Shows the forward values its chain uses, every earlier derivative it uses by name
    (for w1: ∂E_total/∂out_h1 and its terms), its shake check and its update.

    \b
    Examples:
      backprop-walkthrough explain w1
      backprop-walkthrough explain b2 notes --output b2.md
    """
    with user_errors(debug):
        from .derivation import derive
        from .explain import explain as cut
        from .output import format_for, render_document, write_atomically
        from .scenario import load_scenario

        output_format = format_for(output, output_format)
        walkthrough = cut(derive(load_scenario(scenario)), parameter)
        if output is not None:
            write_atomically(output, render_document(walkthrough, output_format, digits))
        elif output_format != "text":
            sys.stdout.write(render_document(walkthrough, output_format, digits))
        else:
            from rich.console import Console

            from .render.terminal import render_terminal

            render_terminal(walkthrough, Console(highlight=False), digits)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("scenario", default="mazur", metavar="[SCENARIO]")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to FILE: .dot as text; .svg, .png or .pdf rendered by Graphviz's dot.",
)
@debug_option
def graph(scenario: str, output: str | None, debug: bool) -> None:
    """The computation graph of SCENARIO as Graphviz DOT, values and gradients on every node.

    \b
    Examples:
      backprop-walkthrough graph > mazur.dot
      backprop-walkthrough graph xor --output xor.svg
    """
    with user_errors(debug):
        from .derivation import derive
        from .output import write_atomically
        from .render.dot import render_dot
        from .scenario import ScenarioError, load_scenario

        dot_source = render_dot(derive(load_scenario(scenario)))
        if output is None:
            sys.stdout.write(dot_source)
            return
        suffix = Path(output).suffix.lower()
        if suffix in ("", ".dot", ".gv"):
            write_atomically(output, dot_source)
            return
        if suffix not in (".svg", ".png", ".pdf"):
            raise ScenarioError(
                output, f"cannot draw a {suffix} file (use .dot, .svg, .png or .pdf)"
            )
        dot = shutil.which("dot")
        if dot is None:
            raise ScenarioError(
                output,
                "rendering needs Graphviz's dot, which is not "
                "installed (Debian/Ubuntu: apt install graphviz; macOS: "
                "brew install graphviz); or write a .dot file",
            )
        rendered = subprocess.run(
            [dot, f"-T{suffix[1:]}"], input=dot_source.encode(), capture_output=True, timeout=120
        )
        if rendered.returncode != 0:
            raise ScenarioError(
                output, "dot failed: " + rendered.stderr.decode(errors="replace").strip()
            )
        Path(output).write_bytes(rendered.stdout)


@cli.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.pass_context
def scenarios(ctx: click.Context) -> None:
    """The built-in scenarios: list them, show one, or start a new file from a template.

    \b
    Examples:
      backprop-walkthrough scenarios
      backprop-walkthrough scenarios show xor
      backprop-walkthrough scenarios new my-network.yaml
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_scenarios)


@scenarios.command("list", context_settings=CONTEXT_SETTINGS)
def list_scenarios() -> None:
    """List the built-in scenarios, one line each.

    \b
    Examples:
      backprop-walkthrough scenarios list
    """
    from .scenario import builtin_names, describe_builtin

    names = builtin_names()
    width = max(len(n) for n in names)
    for name in names:
        click.echo(f"{name:<{width}}  {describe_builtin(name)}")


@scenarios.command("show", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
@debug_option
def show_scenario(name: str, debug: bool) -> None:
    """Print a built-in scenario's YAML file.

    \b
    Examples:
      backprop-walkthrough scenarios show mazur > my-copy.yaml
    """
    with user_errors(debug):
        from .scenario import resolve

        click.echo(resolve(name).read_text(encoding="utf-8"), nl=False)


@scenarios.command("new", context_settings=CONTEXT_SETTINGS)
@click.argument("path", type=click.Path(dir_okay=False))
@debug_option
def new_scenario(path: str, debug: bool) -> None:
    """Write a commented template scenario to PATH (never over an existing file).

    \b
    Examples:
      backprop-walkthrough scenarios new my-network.yaml
    """
    with user_errors(debug):
        from .output import write_atomically
        from .scenario import ScenarioError

        if Path(path).exists():
            raise ScenarioError(path, "already exists; choose another name")
        template = (Path(__file__).parent / "template.yaml").read_text(encoding="utf-8")
        write_atomically(path, template)
        click.echo(f"wrote {path}; edit it, then: backprop-walkthrough validate {path}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check scenario FILES and report every problem of each, not only the first.

    Exit code 0 when all are valid, 2 otherwise.

    \b
    Examples:
      backprop-walkthrough validate my-network.yaml
      backprop-walkthrough validate scenarios/*.yaml
    """
    from .scenario import scenario_problems

    failed = False
    for file in files:
        problems = scenario_problems(file)
        if not problems:
            click.echo(f"ok: {file}")
            continue
        failed = True
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
    if failed:
        sys.exit(EXIT_USER_ERROR)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--words",
    default=None,
    help="Comma-separated words (default: emma, olivia, ava, isabella, sophia: 32 examples).",
)
@click.option("--block-size", type=int, default=None, help="Characters of context (default 3).")
@click.option("--embedding-dim", type=int, default=None, help="Numbers per character (default 3).")
@click.option("--hidden", type=int, default=None, help="Hidden neurons (default 100).")
@click.option(
    "--w1-rows",
    type=int,
    default=None,
    help="Declare the first layer's input size (default: what fits) to see a mismatch explained.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default=None,
    help="text (default), json (every tensor and example), markdown.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to FILE; the format follows its suffix (.txt .json .md).",
)
@debug_option
def shapes(
    scenario: str | None,
    words: str | None,
    block_size: int | None,
    embedding_dim: int | None,
    hidden: int | None,
    w1_rows: int | None,
    output_format: str | None,
    output: str | None,
    debug: bool,
) -> None:
    """The shapes of a character-level MLP, forward and backward, step by step.

    Builds the dataset from words as the lecture does (context of BLOCK_SIZE characters →
    the next one), then follows every tensor: X, C, C[X], the view, W1, b1, h, W2, b2, the
    logits and the loss, and back again down to dC. SCENARIO is an optional YAML file with
    `kind: embedding_mlp`; options override it.

    \b
    Examples:
      backprop-walkthrough shapes
      backprop-walkthrough shapes --block-size 4 --embedding-dim 2 --hidden 64
      backprop-walkthrough shapes --w1-rows 6        # a first layer that does not fit
      backprop-walkthrough shapes --format json > shapes.json
    """
    with user_errors(debug):
        from dataclasses import replace

        from .output import format_for, write_atomically
        from .render.shapes import ShapesView, render_shapes_json, render_shapes_markdown
        from .shapes import ShapesSpec, check_spec, shape_walkthrough, spec_from_document

        spec = ShapesSpec()
        if scenario is not None:
            from .scenario import read_tree

            tree, source = read_tree(scenario)
            spec = spec_from_document(tree.value, source)
        overrides: dict[str, object] = {
            "block_size": block_size,
            "embedding_dim": embedding_dim,
            "hidden": hidden,
            "w1_rows": w1_rows,
        }
        if words is not None:
            overrides["words"] = tuple(w.strip() for w in words.split(",") if w.strip())
        spec = replace(spec, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
        check_spec(spec)
        walkthrough = shape_walkthrough(spec)
        output_format = format_for(output, output_format)
        if output_format not in ("text", "json", "markdown"):
            from .scenario import ScenarioError

            raise ScenarioError(
                output or "--format", "shapes are written as text, json or markdown"
            )
        if output_format == "json":
            document = render_shapes_json(walkthrough)
        elif output_format == "markdown":
            document = render_shapes_markdown(walkthrough)
        else:
            document = None
        if output is not None:
            if document is None:
                import io

                from rich.console import Console

                buffer = io.StringIO()
                Console(file=buffer, width=100, color_system=None).print(ShapesView(walkthrough))
                document = buffer.getvalue()
            write_atomically(output, document)
        elif document is not None:
            sys.stdout.write(document)
        else:
            from rich.console import Console

            Console(highlight=False).print(ShapesView(walkthrough))
