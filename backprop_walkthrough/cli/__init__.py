"""The command line: parse the options, call the Python API, deliver the result. No logic of its
own: every command is a few lines over :mod:`backprop_walkthrough.api`.

Heavy imports (SymPy, Rich) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import signal
import sys

import click

from .. import __version__
from .common import CONTEXT_SETTINGS, EXIT_INTERRUPTED, say


class DefaultGroup(click.Group):
    """A group that runs ``run`` when the first argument is not a command name."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (
            first not in self.commands and first not in ("-h", "--help", "--version")
        ):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", prog_name="backprop-walkthrough", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Print a complete, worked derivation of backpropagation with real numbers.

    Without a command, runs `run` with the given arguments: the classic example by default.

    \b
    Examples:
      backprop-walkthrough                        # the classic 2-2-2 example (mazur)
      backprop-walkthrough notes --digits 6       # another built-in scenario
      backprop-walkthrough my-net.yaml --format json
    """


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM or SIGHUP: leave as an interruption does, through every ``finally`` (so that a
    half-written temporary file is removed)."""
    raise SystemExit(128 + signum)


def main() -> None:
    """The console script: click's own handling, except that a usage error is one line."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminated)
    try:
        code = cli.main(prog_name="backprop-walkthrough", standalone_mode=False)
    except click.ClickException as exc:
        hint = " (see --help)" if isinstance(exc, click.UsageError) else ""
        say(f"error: {exc.format_message()}{hint}")
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


def _register() -> None:
    """Each command module adds its commands to the group (click only: --help stays light)."""
    from . import graph, run, scenarios, shapes, train

    for module in (run, train, graph, scenarios, shapes):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
