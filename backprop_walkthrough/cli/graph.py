"""`graph`: the computation graph as Graphviz DOT, or drawn by Graphviz's dot."""

from __future__ import annotations

import click

from .common import (
    CONTEXT_SETTINGS,
    debug_option,
    deliver,
    max_work_option,
    output_option,
    scenario_argument,
    user_errors,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@scenario_argument()
@output_option("Write to FILE: .dot as text; .svg, .png or .pdf rendered by Graphviz's dot.")
@click.option(
    "--example",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="For a batch: draw example N alone, with its own part of each gradient "
    "(by default every example, one cluster each, around the shared parameters).",
)
@max_work_option
@debug_option
def graph(
    scenario: str, output: str | None, example: int | None, max_work: int, debug: bool
) -> None:
    """The computation graph of SCENARIO as Graphviz DOT, values and gradients on every node.

    A batch shows one cluster per example; E_total and the parameters' gradients are the
    sums over the examples, and labelled so.

    \b
    Examples:
      backprop-walkthrough graph > mazur.dot
      backprop-walkthrough graph xor --output xor.svg
      backprop-walkthrough graph xor --example 2 --output xor-2.svg
      backprop-walkthrough graph micrograd --output micrograd.svg
    """
    with user_errors(debug):
        from .. import api
        from ..shipped import expression_names

        if scenario in expression_names() or example is None and _is_expression_file(scenario):
            drawn = api.graph(api.expression(scenario), api.graph_format(output))
        else:
            derived = api.walkthrough(scenario, max_work=max_work)
            drawn = api.graph(derived, api.graph_format(output), example=example)
        deliver(drawn, output, protect=scenario)


def _is_expression_file(path: str) -> bool:
    """A ``kind: expression`` file (anything else is a network's)."""
    if not path.endswith((".yaml", ".yml")):
        return False
    from .. import api

    return api.file_kind(path) == "expression file"


COMMANDS = (graph,)
