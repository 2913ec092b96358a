"""`run` (the walkthrough, the default command) and `explain` (one parameter of it)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from .. import options
from .common import (
    CONTEXT_SETTINGS,
    checked_float,
    checked_int,
    debug_option,
    deliver,
    digits_option,
    format_option,
    max_work_option,
    output_option,
    scenario_argument,
    terminal,
    user_errors,
)

DOCUMENT_FORMATS = ("text", "json", "markdown", "latex", "html")

h_option = click.option(
    "--h",
    "h",
    type=checked_float(options.h),
    default=1e-6,
    show_default=True,
    help="The nudge of the shake check (E(p+h) − E(p−h)) / 2h.",
)


view_option = click.option(
    "--view",
    type=click.Choice(("scalar", "matrix")),
    default="scalar",
    show_default=True,
    help="scalar: the chain rule weight by weight; matrix: the same step as matrix equations "
    "with every shape.",
)
convention_option = click.option(
    "--convention",
    type=click.Choice(("columns", "rows", "both")),
    default="columns",
    show_default=True,
    help="With --view matrix: columns (the textbook's z = W·a + b, one example a column), "
    "rows (library code's Z = X·W + b) or both.",
)


@click.command(context_settings=CONTEXT_SETTINGS)
@scenario_argument()
@view_option
@convention_option
@format_option(
    DOCUMENT_FORMATS,
    "text (default; the terminal walkthrough), json (every number at full precision), "
    "markdown, latex (a standalone .tex) or html (one self-contained page).",
)
@output_option(
    "Write to FILE (atomically) instead of the terminal; the format follows its suffix "
    "(.txt .json .md .tex .html) unless --format says otherwise."
)
@digits_option
@h_option
@click.option(
    "--exact",
    is_flag=True,
    help="Also every figure in exact arithmetic (0.15 read as 3/20): closed forms beside "
    "decimals; a single example only.",
)
@click.option(
    "--hidden-uses-updated-weights",
    is_flag=True,
    help="Compute the hidden-layer gradients with the already-updated output weights, "
    "as the classic post's early code did (reproduces its 0.291027924).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Show every neuron of a big layer in full (by default a layer of more than "
    "4 neurons shows its first neuron in full and the others in a table).",
)
@click.option(
    "--max-parameters",
    type=checked_int(options.max_parameters),
    default=options.DEFAULT_MAX_PARAMETERS,
    show_default=True,
    help="Refuse a text walkthrough of a bigger network (JSON has no such limit).",
)
@max_work_option
@click.option(
    "--step",
    is_flag=True,
    help="On a terminal, pause after each section and each screenful (Enter or space goes "
    "on, q quits: one key, no Enter); ignored when the output is not a terminal.",
)
@debug_option
def run(
    scenario: str,
    view: str,
    convention: str,
    output_format: str | None,
    output: str | None,
    digits: int,
    h: float,
    exact: bool,
    hidden_uses_updated_weights: bool,
    full: bool,
    max_parameters: int,
    max_work: int,
    step: bool,
    debug: bool,
) -> None:
    """Work through one step of backpropagation for SCENARIO (default: mazur).

    SCENARIO is a built-in name such as mazur or xor (an unknown name lists them all)
    or the path of a YAML scenario file. Shows the network, the forward pass, the error,
    every gradient by the chain rule with its numerical "shake" check, and the updated
    parameters.

    \b
    Examples:
      backprop-walkthrough run
      backprop-walkthrough run softmax --digits 6
      backprop-walkthrough run mazur --hidden-uses-updated-weights
      backprop-walkthrough run wide --full
      backprop-walkthrough run deep_relu --exact
      backprop-walkthrough run my-net.yaml --format json > walkthrough.json
      backprop-walkthrough run mazur --output notes.tex
      backprop-walkthrough run --view matrix --convention both
    """
    with user_errors(debug):
        from .. import api
        from ..outputs import format_for

        output_format = format_for(output, output_format)
        if view == "matrix":
            refuse_scalar_options(("h", "exact", "hidden_uses_updated_weights", "max_parameters"))
            shown = api.matrices(scenario, convention, max_work=max_work)
            show(shown, output_format, output, digits, full, step, protect=scenario)
            return
        if convention != "columns":
            raise click.UsageError("--convention goes with --view matrix")
        derived = api.walkthrough(
            scenario,
            h=h,
            hidden_uses_updated_weights=hidden_uses_updated_weights,
            max_parameters=max_parameters if output_format == "text" else None,
            max_work=max_work,
            exact=exact,
        )
        show(derived, output_format, output, digits, full, step, protect=scenario)


def refuse_scalar_options(names: tuple[str, ...]) -> None:
    """An option of the scalar view given with --view matrix is a usage error, not ignored:
    the matrix view has no shake check, no exact arithmetic and no published-order mode."""
    context = click.get_current_context()
    for name in names:
        if context.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT:
            option = next(p for p in context.command.params if p.name == name).opts[0]
            raise click.UsageError(f"{option} belongs to the scalar view, not --view matrix")


def show(
    derived: object,
    output_format: str,
    output: str | None,
    digits: int,
    full: bool,
    step: bool = False,
    protect: str = "",
) -> None:
    """A walkthrough to the terminal (coloured, --step aware) or as a document."""
    from .. import api

    assert isinstance(derived, api.Walkthrough | api.Matrices)
    if output is not None or output_format != "text":
        document = api.export(derived, output_format, digits=digits, full=full)
        deliver(document, output, protect=protect)
        return
    console = terminal()
    if step and console.is_terminal and sys.stdin.isatty():
        show_step_by_step(derived, console, digits, full)
    else:
        console.print(api.terminal_view(derived, digits=digits, full=full))
    sys.stdout.flush()


#: Keys that stop at a --step pause (any other goes on: Enter, space).
QUIT_KEYS = ("q", "Q", "\x1b")


def show_step_by_step(
    derived: object,
    console: object,
    digits: int,
    full: bool,
    read_key: Callable[[], str] = click.getchar,
) -> None:
    """One section at a time, and a long section one screenful at a time: a single key goes
    on (Enter or space) or stops (q, Escape, Ctrl-D), with no Enter needed."""
    from rich.console import Console

    from .. import api

    assert isinstance(console, Console)
    assert isinstance(derived, api.Walkthrough | api.Matrices)
    view = api.terminal_view(derived, digits=digits, full=full)
    parts = view.document.sections()
    page = max(3, console.size.height - 1)  # the prompt takes the last line
    since_pause = 0

    def pause(where: str) -> bool:
        """The prompt, one key; True to go on."""
        nonlocal since_pause
        console.file.write(f"— {where} — Enter or space: go on, q: quit ")
        console.file.flush()
        try:
            key = read_key()
        except EOFError:
            key = "q"
        console.file.write("\r\x1b[2K")  # the prompt goes: the page reads on
        since_pause = 0
        return key not in QUIT_KEYS  # any other key goes on, as Enter and space do

    last = len(parts) - 1
    for index, part in enumerate(parts):
        with console.capture() as captured:  # styled, at the console's width
            for renderable in view.part(part):
                console.print(renderable)
        lines = captured.get().splitlines()
        for line in lines:
            if since_pause == page and not pause(f"section {index}/{last}, more"):
                return
            console.file.write(line + "\n")
            since_pause += 1
        if 0 < index < last and not pause(f"section {index}/{last}"):
            return


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("parameter")
@scenario_argument()
@view_option
@convention_option
@format_option(DOCUMENT_FORMATS, "As for run.")
@output_option("Write to FILE; the format follows its suffix.")
@digits_option
@h_option
@max_work_option
@debug_option
def explain(
    parameter: str,
    scenario: str,
    view: str,
    convention: str,
    output_format: str | None,
    output: str | None,
    digits: int,
    h: float,
    max_work: int,
    debug: bool,
) -> None:
    """Only the derivation of PARAMETER, with everything it rests on.

    Shows the forward values its chain uses, every earlier derivative it uses by name
    (for w1: ∂E_total/∂out_h1 and its terms), its shake check and its update.

    \b
    Examples:
      backprop-walkthrough explain w1
      backprop-walkthrough explain b2 notes --output b2.md
      backprop-walkthrough explain w1 --view matrix --convention rows
    """
    with user_errors(debug):
        from .. import api
        from ..outputs import format_for

        output_format = format_for(output, output_format)
        if view == "matrix":
            refuse_scalar_options(("h",))
            shown = api.matrices(scenario, convention, max_work=max_work).explain(parameter)
            show(shown, output_format, output, digits, full=False, protect=scenario)
            return
        if convention != "columns":
            raise click.UsageError("--convention goes with --view matrix")
        derived = api.explain(api.walkthrough(scenario, h=h, max_work=max_work), parameter)
        show(derived, output_format, output, digits, full=False, protect=scenario)


COMMANDS = (run, explain)
