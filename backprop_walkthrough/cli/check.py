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
    say,
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
    "--figures",
    is_flag=True,
    help="List the figure names of SCENARIO (default mazur), in derivation order.",
)
@click.option("--summary", is_flag=True, help="Print only the class's summary.")
@format_option(("text", "json"), "text (default: a table per file) or json.")
@output_option("Write to FILE; the format follows its suffix (.txt .json).")
@max_work_option
@debug_option
def check(
    answers: tuple[str, ...],
    scenario_option: str | None,
    figures: bool,
    summary: bool,
    output_format: str | None,
    output: str | None,
    max_work: int,
    debug: bool,
) -> None:
    """Grade a learner's worked figures: find the first wrong step and name the mistake.

    ANSWERS is a YAML file with `answers:` (figure names → numbers, or short arithmetic
    such as 0.5933*(1-0.5933)) and optionally `scenario:`. Each figure is judged at the
    precision it was written, in derivation order: correct, rounding (also a value cut
    rather than rounded), carried_forward (right from your own earlier wrong figure) or
    wrong, with the mistake named — also when only the final answers are given.

    Several files are a class: each is graded, a file with problems is reported (all of
    them, with lines) and skipped, and a summary follows (--summary: only it). A last
    argument that is a built-in scenario's name is the SCENARIO. Exit status: 0 when
    nothing is wrong, 1 for a mistake or a blank sheet, 2 when a file could not be graded.

    \b
    Examples:
      backprop-walkthrough check --figures                # the names to use
      backprop-walkthrough check --figures tanh_sigmoid
      backprop-walkthrough check my-answers.yaml
      backprop-walkthrough check my-answers.yaml notes      # against another scenario
      backprop-walkthrough check my-class/*.yaml --summary
      backprop-walkthrough check my-class/*.yaml -o report.json
    """
    with user_errors(debug):
        from .. import api
        from ..errors import EXIT_BAD_INPUT
        from ..outputs import format_for
        from ..shipped import builtin_names

        files = list(answers)
        scenario = scenario_option
        if figures:
            if len(files) > 1:
                raise click.UsageError("--figures takes at most one SCENARIO")
            chosen = scenario or (files[0] if files else "mazur")
            click.echo("\n".join(api.figure_names(chosen, max_work=max_work)))
            return
        if len(files) > 1 and files[-1] in builtin_names() and scenario is None:
            scenario = files.pop()
        if not files:
            raise click.UsageError("give an ANSWERS file (or --figures to list the names)")
        output_format = format_for(output, output_format)
        results = api.check_files(files, scenario, max_work=max_work)
        for problem in results.problems:
            for line, field, message in problem.problems:
                where = problem.source if line is None else f"{problem.source}:{line}"
                say(
                    f"error: {where}: {field}: {message}" if field else f"error: {where}: {message}"
                )
        if output_format == "json":
            deliver(api.check_document(results), output, protect=[*files, scenario])
        elif output is not None:
            text = api.export(results, "text", width=100)
            deliver(text, output, protect=[*files, scenario])
        elif results.graded:
            view = api.check_view(results, summary_only=summary)
            terminal().print(view)
        if results.problems:
            sys.exit(EXIT_BAD_INPUT)
        if not results.passed:
            sys.exit(EXIT_MISTAKES)


COMMANDS = (check,)
