"""`expr`: any scalar program, backpropagated node by node (the micrograd lecture)."""

from __future__ import annotations

import click

from .. import options
from .common import (
    CONTEXT_SETTINGS,
    checked_float,
    debug_option,
    deliver,
    output_option,
    terminal,
    user_errors,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("program")
@click.argument("values", nargs=-1, metavar="[NAME=VALUE]...")
@click.option("--output-node", default=None, metavar="NAME", help="The node to differentiate.")
@click.option(
    "--nudge",
    type=float,
    default=None,
    metavar="STEP",
    help="Move every leaf by STEP × its gradient and show the new output (the lecture's 0.01).",
)
@click.option(
    "--h",
    "h",
    type=checked_float(options.h),
    default=1e-6,
    show_default=True,
    help="The shake check's nudge.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json", "markdown", "latex", "html")),
    default=None,
    help="text (default), json, markdown, latex or html; --output's suffix chooses it too.",
)
@output_option("Write to FILE; the format follows its suffix (.txt .json .md .tex .html).")
@click.option(
    "--digits", type=click.IntRange(1, 15), default=6, show_default=True, help="Digits shown."
)
@click.option(
    "--exact",
    is_flag=True,
    help="Keep the given values exact (1/3, 6 + log(1 + sqrt(2))): every value and gradient as "
    "SymPy's simplified closed form beside its decimal.",
)
@debug_option
def expr(
    program: str,
    values: tuple[str, ...],
    output_node: str | None,
    nudge: float | None,
    h: float,
    output_format: str | None,
    output: str | None,
    digits: int,
    exact: bool,
    debug: bool,
) -> None:
    """Backpropagate PROGRAM node by node: the graph, the forward pass, and every gradient
    as the sum over the node's uses of upstream × local derivative.

    PROGRAM is inline ("e = a*b; d = e + c; L = d*f" or "L = (a*b + c)*f") with the leaves'
    values as NAME=VALUE, a built-in (micrograd, neuron) or a `kind: expression` file.
    Operations: + - * /, unary minus, ** with a number, exp, log, sqrt, sin, cos, tanh,
    sigmoid, relu.

    \b
    Examples:
      backprop-walkthrough expr micrograd
      backprop-walkthrough expr micrograd --nudge 0.01
      backprop-walkthrough expr neuron --format json
      backprop-walkthrough expr "b = a + a" a=3
      backprop-walkthrough expr neuron --exact b="6 + log(1 + sqrt(2))"
    """
    with user_errors(debug):
        from .. import api
        from ..errors import OptionError
        from ..outputs import format_for

        leaves: dict[str, float | str] = {}
        for pair in values:
            key, sign, number = pair.partition("=")
            if not sign or not key.strip() or not number.strip():
                raise OptionError(pair, "expected NAME=VALUE (a number, or 1/3, sqrt(2), …)")
            if key.strip() in leaves:
                raise OptionError(pair, f"{key.strip()} is given twice")
            leaves[key.strip()] = number.strip()  # text: exact with --exact, a float otherwise
        walked = api.expression(program, leaves, output=output_node, nudge=nudge, h=h, exact=exact)
        chosen = format_for(output, output_format)
        if chosen == "text":
            view = api.terminal_view(walked, digits=digits)
            if output is None:
                terminal().print(view)
                return
            console = terminal()
            with console.capture() as captured:
                console.print(view)
            deliver(captured.get(), output, protect=program)
        else:
            deliver(api.export(walked, chosen, digits=digits), output, protect=program)


COMMANDS = (expr,)
