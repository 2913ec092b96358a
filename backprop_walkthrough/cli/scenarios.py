"""`scenarios` (list, show, new) and `validate`: working with scenario files."""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_BAD_INPUT
from .common import CONTEXT_SETTINGS, debug_option, say, user_errors


@click.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
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
    from .. import api

    listed = api.builtin_scenarios()
    width = max(len(name) for name in listed)
    for name, description in listed.items():
        click.echo(f"{name:<{width}}  {description}")


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
        from .. import api

        click.echo(api.scenario_text(name), nl=False)


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
        from .. import api

        api.new_scenario(path)
        click.echo(f"wrote {path}; edit it, then: backprop-walkthrough validate {path}")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check input FILES and report every problem of each, not only the first.

    A file may be a network scenario, a shapes spec (kind: embedding_mlp), an expression file
    (kind: expression) or an answers file (answers:); each valid one is named with its kind.
    Exit code 0 when all are valid, 2 otherwise.

    \b
    Examples:
      backprop-walkthrough validate my-network.yaml
      backprop-walkthrough validate scenarios/*.yaml
    """
    with user_errors():
        from .. import api

        failed = False
        for file in files:
            problems = api.validate(file)  # never raises for a bad file: it has problems
            if not problems:
                click.echo(f"ok: {file} ({api.file_kind(file)})")
                continue
            failed = True
            for problem in problems:
                say(f"error: {problem}")
    if failed:
        sys.exit(EXIT_BAD_INPUT)


COMMANDS = (scenarios, validate)
