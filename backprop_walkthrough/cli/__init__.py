"""The command line: parse the options, call the Python API, deliver the result. No logic of its
own: every command is a few lines over :mod:`backprop_walkthrough.api`.

Heavy imports (SymPy, Rich) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import signal
import sys

import click
from click.shell_completion import CompletionItem

from .. import __version__
from .common import CONTEXT_SETTINGS, EXIT_INTERRUPTED, say, user_errors


class DefaultGroup(click.Group):
    """A group that runs ``run`` when the first argument is not a command name.

    The options of a command may also come before its name (``--h 0.01 explain w5``): the
    command is moved to the front. Shell completion offers the commands and the built-in
    scenarios for the first word, and ``--help`` lists ``run``'s options too.
    """

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and ctx.resilient_parsing:  # completing the first word: offer commands
            return super().parse_args(ctx, args)
        if args and args[0] in ("-h", "--help", "--version"):
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, self._command_first(ctx, args))

    def _command_first(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``args`` with the command's name first: where it follows options only (and their
        values), it is moved to the front; where there is none, ``run`` is put there."""
        run = self.commands[self.default_command]
        takes_value = {
            opt
            for param in run.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag
            for opt in param.opts
        }
        index = 0
        while index < len(args):
            word = args[index]
            if word == "--" or not word.startswith("-"):
                break
            index += 2 if word in takes_value else 1
        if index < len(args) and args[index] in self.commands:
            return [args[index], *args[:index], *args[index + 1 :]]
        return [self.default_command, *args]

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """The first word: a command, or a scenario for ``run`` (a built-in name or a file)."""
        from .common import complete_network

        commands = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-"):
            return commands
        return [*complete_network(ctx, None, incomplete), *commands]  # the file item first

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's options, then ``run``'s (what a bare ``backprop-walkthrough`` takes),
        then the commands."""
        click.Command.format_options(self, ctx, formatter)
        run = self.commands[self.default_command]
        with click.Context(run, info_name=self.default_command, parent=ctx) as run_ctx:
            records = [
                record
                for param in run.get_params(run_ctx)
                if isinstance(param, click.Option)
                and "--help" not in param.opts
                and (record := param.get_help_record(run_ctx)) is not None
            ]
        with formatter.section("Options of run, the default command"):
            formatter.write_dl(records)
        self.format_commands(ctx, formatter)


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
        # Outside every command too (--help, a listing written to /dev/full): one line.
        with user_errors():
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
    from . import check, expr, graph, practice, run, scenarios, shapes, train

    for module in (run, train, graph, scenarios, shapes, check, practice, expr):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
