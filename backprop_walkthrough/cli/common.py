"""What every command shares: options declared once, errors → exit codes, where output goes.

Only click is imported here at module level, so that ``--help`` never loads SymPy or Rich.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # type names only: importing Rich here would slow down --help
    from rich.console import Console

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_INTERNAL_ERROR = 1
EXIT_INTERRUPTED = 130

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

# Options that several commands share, declared once (sqlite-utils' habit).
digits_option = click.option(
    "--digits",
    type=click.IntRange(1, 15),
    default=9,
    show_default=True,
    help="Decimals shown in text output (computation always uses full precision).",
)
debug_option = click.option(
    "--debug", is_flag=True, help="Show the traceback of an unexpected error."
)


def output_option(help_text: str) -> Decorator:
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False), default=None, help=help_text
    )


def format_option(
    choices: tuple[str, ...], help_text: str, default: str | None = None
) -> Decorator:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=default is not None,
        help=help_text,
    )


@contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Turn every failure into one line on stderr and an exit code; never a traceback."""
    from ..errors import BackpropError

    try:
        yield
    except BackpropError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: that is not an error. Point stdout at devnull so
        # that Python's own flush at exit does not raise a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # the last line of defence
        if debug:
            traceback.print_exc()
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "backprop-walkthrough; please report it with your scenario file and command"
            + ("" if debug else " (--debug shows the traceback)")
            + ".",
            err=True,
        )
        sys.exit(EXIT_INTERNAL_ERROR)


def terminal() -> Console:
    """The console for output shown in a terminal (colours only when it is one)."""
    from rich.console import Console

    # No markup, emoji or highlighting: what is printed is ours, already styled, and a name
    # such as [bold] in a scenario stays the words it is.
    return Console(highlight=False, markup=False, emoji=False)


def deliver(document: str | bytes, output: str | None) -> None:
    """A finished document to its place: FILE, written atomically, or standard output."""
    from ..outputs import write_atomically

    if output is not None:
        write_atomically(output, document)
        return
    if isinstance(document, bytes):
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(document)
    sys.stdout.flush()
