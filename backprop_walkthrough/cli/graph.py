"""`graph`: the computation graph as Graphviz DOT, or drawn by Graphviz's dot."""

from __future__ import annotations

import click

from .common import (
    CONTEXT_SETTINGS,
    debug_option,
    deliver,
    max_work_option,
    output_option,
    user_errors,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("scenario", default="mazur", metavar="[SCENARIO]")
@output_option("Write to FILE: .dot as text; .svg, .png or .pdf rendered by Graphviz's dot.")
@max_work_option
@debug_option
def graph(scenario: str, output: str | None, max_work: int, debug: bool) -> None:
    """The computation graph of SCENARIO as Graphviz DOT, values and gradients on every node.

    \b
    Examples:
      backprop-walkthrough graph > mazur.dot
      backprop-walkthrough graph xor --output xor.svg
    """
    with user_errors(debug):
        from .. import api

        derived = api.walkthrough(scenario, max_work=max_work)
        deliver(api.graph(derived, api.graph_format(output)), output, protect=scenario)


COMMANDS = (graph,)
