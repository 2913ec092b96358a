"""`check`: grade a learner's worked figures (one answers file, or a class's)."""

from __future__ import annotations

import sys

import click

from .common import (
    CONTEXT_SETTINGS,
    debug_option,
    deliver,
    format_option,
    max_work_option,
    output_option,
    terminal,
    user_errors,
)

#: Some wrong or carried-forward figure: like a test runner, exit 1.
EXIT_MISTAKES = 1


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("answers", nargs=-1, metavar="ANSWERS... [SCENARIO]")
@click.option(
    "--scenario",
    "scenario_option",
    default=None,
    metavar="SCENARIO",
    help="Grade against SCENARIO (a built-in name or a file), whatever the files say.",
)
@click.option(
    "--figures", is_flag=True, help="List the figure names of the scenario, in derivation order."
)
@format_option(("text", "json"), "text (default: a table per file) or json.")
@output_option("Write to FILE; the format follows its suffix (.txt .json).")
@max_work_option
@debug_option
def check(
    answers: tuple[str, ...],
    scenario_option: str | None,
    figures: bool,
    output_format: str | None,
    output: str | None,
    max_work: int,
    debug: bool,
) -> None:
    """Grade a learner's worked figures: find the first wrong step and name the mistake.

    ANSWERS is a YAML file with `answers:` (figure names → numbers, or short arithmetic
    such as 0.5933*(1-0.5933)) and optionally `scenario:`. Each figure is judged at the
    precision it was written, in derivation order: correct, rounding, carried_forward
    (right from your own earlier wrong figure) or wrong. Several files give a summary table,
    one row per file. A last argument that is a built-in scenario's name is the SCENARIO.
    Exit status: 0 when nothing is wrong or carried forward, 1 otherwise, 2 for a bad file.

    \b
    Examples:
      backprop-walkthrough check --figures                # the names to use
      backprop-walkthrough check my-answers.yaml
      backprop-walkthrough check my-answers.yaml notes      # against another scenario
      backprop-walkthrough check my-class/*.yaml --format json
    """
    with user_errors(debug):
        from .. import api
        from ..outputs import format_for
        from ..shipped import builtin_names

        files = list(answers)
        scenario = scenario_option
        if len(files) > 1 and files[-1] in builtin_names() and scenario is None:
            scenario = files.pop()
        if figures:
            click.echo("\n".join(api.figure_names(scenario or "mazur", max_work=max_work)))
            return
        if not files:
            raise click.UsageError("give an ANSWERS file (or --figures to list the names)")
        results = api.check_files(files, scenario, max_work=max_work)
        output_format = format_for(output, output_format)
        if output is not None or output_format == "json":
            deliver(api.check_document(results), output, protect=[*files, scenario])
        else:
            terminal().print(api.check_view(results))
        if not all(r.passed for r in results):
            sys.exit(EXIT_MISTAKES)


COMMANDS = (check,)
