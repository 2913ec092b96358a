"""What every command shares: options declared once, errors → exit codes, where output goes.

Only click is imported here at module level, so that ``--help`` never loads SymPy or Rich.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from .. import options
from ..errors import visible

if TYPE_CHECKING:  # type names only: importing Rich here would slow down --help
    from rich.console import Console

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_INTERNAL_ERROR = 1
EXIT_INTERRUPTED = 130

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _checked(parse: Callable[[Any], Any], check: Callable[[Any], Any], name: str) -> Any:
    """An option type checked by the rule the Python API uses (:mod:`..options`): the same
    values pass and fail in both, with the same words (click shows the ValueError's)."""
    from ..errors import OptionError

    def convert(value: Any) -> Any:
        try:
            parsed = parse(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected {name}, got {value!r}") from None
        try:
            return check(parsed)
        except OptionError as refused:
            raise ValueError(refused.message) from None

    convert.__name__ = name.split()[-1]  # the metavar: NUMBER
    return convert


def checked_int(check: Callable[[Any], Any]) -> Any:
    return _checked(int, check, "a whole number")


def checked_float(check: Callable[[Any], Any]) -> Any:
    return _checked(float, check, "a number")


# Options that several commands share, declared once (sqlite-utils' habit).
digits_option = click.option(
    "--digits",
    type=checked_int(options.digits),
    default=9,
    show_default=True,
    help="Decimals shown in text output (computation always uses full precision).",
)
max_work_option = click.option(
    "--max-work",
    type=checked_int(options.max_work),
    default=options.DEFAULT_MAX_WORK,
    show_default=True,
    help="Refuse a derivation of more parameters × examples (it would take long).",
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


def _complete_names(names: list[str], incomplete: str) -> list[Any]:
    """Shell completion of a scenario: the built-in names that match, and files (the shell
    completes those itself, from the "file" item). The file item comes first: click's bash
    script empties its list on it, and falls back to file names only when no name matched."""
    from click.shell_completion import CompletionItem

    items = [CompletionItem(n) for n in names if n.startswith(incomplete)]
    return [CompletionItem(incomplete, type="file"), *items]


def complete_network(
    _ctx: click.Context, _param: click.Parameter | None, incomplete: str
) -> list[Any]:
    from ..shipped import network_names

    return _complete_names(network_names(), incomplete)


def complete_shapes(
    _ctx: click.Context, _param: click.Parameter | None, incomplete: str
) -> list[Any]:
    from ..shipped import shapes_names

    return _complete_names(shapes_names(), incomplete)


def scenario_argument(complete: Callable[..., list[Any]] = complete_network) -> Decorator:
    """The SCENARIO argument: a built-in name or a file; mazur by default for a network."""
    default = "mazur" if complete is complete_network else None
    return click.argument(
        "scenario",
        default=default,
        required=False,
        metavar="[SCENARIO]",
        shell_complete=complete,
    )


def say(message: str) -> None:
    """One line on stderr: control characters made visible (a file name is user input and
    must not clear the screen), and never an encoding error of its own."""
    shown = visible(message)
    stream = sys.stderr
    if stream is None:
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(shown.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Turn every failure into one line on stderr and an exit code; never a traceback."""
    from ..errors import EXIT_ENVIRONMENT, BackpropError

    try:
        if sys.stdout is None:
            say("error: standard output is closed; give --output FILE, or run with stdout open")
            sys.exit(EXIT_ENVIRONMENT)
        yield
    except BackpropError as exc:
        say(f"error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: that is not an error.
        _silence_stdout()
        sys.exit(0)
    except UnicodeEncodeError as exc:
        _silence_stdout()
        say(
            f"error: the output's encoding ({exc.encoding}) cannot show the walkthrough's "
            "symbols (∂, σ, −); set PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use "
            "--format json"
        )
        sys.exit(EXIT_ENVIRONMENT)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except OSError as exc:  # standard output itself failed: /dev/full, a closed descriptor
        _silence_stdout()
        say(f"error: cannot write to standard output: {exc.strerror or exc}")
        sys.exit(EXIT_ENVIRONMENT)
    except Exception as exc:  # the last line of defence
        if debug:
            traceback.print_exc()
        say(
            f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "backprop-walkthrough; please report it with your scenario file and command"
            + ("" if debug else " (--debug shows the traceback)")
            + "."
        )
        sys.exit(EXIT_INTERNAL_ERROR)


def terminal() -> Console:
    """The console for output shown in a terminal (colours only when it is one)."""
    from rich.console import Console

    # No markup, emoji or highlighting: what is printed is ours, already styled, and a name
    # such as [bold] in a scenario stays the words it is. COLUMNS of 0 or less is no width.
    # A width past MAX_COLUMNS (99999999999 is a very wide terminal) is laid out at it.
    columns = os.environ.get("COLUMNS", "").strip()
    width = None
    if columns.isdigit() and columns.strip("0"):
        width = options.MAX_COLUMNS if len(columns) > 6 else min(int(columns), options.MAX_COLUMNS)
    if columns and width is None:
        os.environ.pop("COLUMNS")  # Rich would read it again
    return Console(highlight=False, markup=False, emoji=False, width=width)


def deliver(
    document: str | bytes, output: str | None, protect: str | Iterable[str | None] = ()
) -> None:
    """A finished document to its place: FILE (by the rules of :mod:`..outputs`; never a file
    the command read, which ``protect`` names) or standard output."""
    from ..outputs import write_output

    if output is not None:
        read = [protect] if isinstance(protect, str) else list(protect)
        write_output(output, document, [p for p in read if p])
        return
    raw = document.encode("utf-8") if isinstance(document, str) else document
    sys.stdout.buffer.write(raw)
    sys.stdout.buffer.flush()
