"""The command line: parse → load → derive → render → write. No logic of its own.

Heavy imports (SymPy, Rich) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:  # type names only: importing Rich and SymPy here would slow down --help
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from .model import Walkthrough

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_INTERRUPTED = 130
DEFAULT_MAX_PARAMETERS = 2_000


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


@contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Turn every failure into one line on stderr and an exit code; never a traceback."""
    from .scenario import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)
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
    except Exception as exc:  # noqa: BLE001 - the last line of defence
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


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("scenario", default="mazur", metavar="[SCENARIO]")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "latex", "html"]),
    default=None,
    help="text (default; the terminal walkthrough), json (every number at full precision), "
    "markdown, latex (a standalone .tex) or html (one self-contained page).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to FILE (atomically) instead of the terminal; the format follows its suffix "
    "(.txt .json .md .tex .html) unless --format says otherwise.",
)
@digits_option
@click.option(
    "--h",
    "h",
    type=click.FloatRange(0, 0.1, min_open=True),
    default=1e-6,
    show_default=True,
    help="The nudge of the shake check (E(p+h) − E(p−h)) / 2h.",
)
@click.option(
    "--hidden-uses-updated-weights",
    is_flag=True,
    help="Compute the hidden-layer gradients with the already-updated output weights, "
    "as the classic post's early code did (reproduces its 0.291027924).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Show every neuron of a big layer in full (by default a layer of more than "
    "4 neurons shows its first neuron in full and the others in a table).",
)
@click.option(
    "--max-parameters",
    type=click.IntRange(1),
    default=DEFAULT_MAX_PARAMETERS,
    show_default=True,
    help="Refuse a text walkthrough of a bigger network (JSON has no such limit).",
)
@click.option(
    "--step",
    is_flag=True,
    help="On a terminal, pause after each section (Enter continues, q quits); "
    "ignored when the output is not a terminal.",
)
@debug_option
def run(
    scenario: str,
    output_format: str | None,
    output: str | None,
    digits: int,
    h: float,
    hidden_uses_updated_weights: bool,
    full: bool,
    max_parameters: int,
    step: bool,
    debug: bool,
) -> None:
    """Work through one step of backpropagation for SCENARIO (default: mazur).

    SCENARIO is a built-in name such as mazur or xor (an unknown name lists them all)
    or the path of a YAML scenario file. Shows the network, the forward pass, the error,
    every gradient by the chain rule with its numerical "shake" check, and the updated
    parameters.

    \b
    Examples:
      backprop-walkthrough run
      backprop-walkthrough run softmax --digits 6
      backprop-walkthrough run mazur --hidden-uses-updated-weights
      backprop-walkthrough run wide --full
      backprop-walkthrough run my-net.yaml --format json > walkthrough.json
      backprop-walkthrough run mazur --output notes.tex
    """
    with user_errors(debug):
        from .derivation import derive
        from .output import format_for, render_document, write_atomically
        from .scenario import ScenarioError, load_scenario

        output_format = format_for(output, output_format)
        loaded = load_scenario(scenario)
        count = len(loaded.parameters)
        if output_format == "text" and count > max_parameters:
            raise ScenarioError(
                loaded.source,
                f"{count:,} parameters are too many for a text walkthrough (the limit is "
                f"{max_parameters:,}); use --format json, or raise --max-parameters",
            )
        walkthrough = derive(loaded, h=h, hidden_uses_updated_weights=hidden_uses_updated_weights)
        if output is not None:
            write_atomically(output, render_document(walkthrough, output_format, digits, full))
            return
        if output_format != "text":
            sys.stdout.write(render_document(walkthrough, output_format, digits, full))
            sys.stdout.flush()
            return
        from rich.console import Console

        from .render.terminal import render_terminal

        console = Console(highlight=False)
        if step and console.is_terminal and sys.stdin.isatty():
            show_step_by_step(walkthrough, console, digits, full)
        else:
            render_terminal(walkthrough, console, digits, full)
        sys.stdout.flush()


def show_step_by_step(walkthrough: Walkthrough, console: Console, digits: int, full: bool) -> None:
    """One section at a time: Enter shows the next, q (or end of input) stops."""
    from .render.terminal import TerminalView

    view = TerminalView(walkthrough, digits, full)
    view.width = console.width
    console.print(view.title())
    sections = walkthrough.sections
    for index, section in enumerate(sections):
        for renderable in view.section(section):
            console.print(renderable)
        if index + 1 < len(sections):
            try:
                answer = input(f"— {index + 1}/{len(sections)} — Enter: next section, q: quit ")
            except EOFError:
                return
            if answer.strip().lower().startswith("q"):
                return


class LazyProgress:
    """A Rich progress bar on stderr that appears only for runs longer than half a second,
    and only when stderr is a terminal: piped or redirected, nothing of it is written."""

    def __init__(self, total: int, delay: float = 0.5) -> None:
        from rich.console import Console

        self.total = total
        self.delay = delay
        self.console = Console(stderr=True)
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int) -> None:
        if self.bar is None:
            if not self.console.is_terminal or time.perf_counter() - self.started < self.delay:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "training",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("training", total=self.total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("scenario", default="mazur", metavar="[SCENARIO]")
@click.option(
    "--steps",
    type=click.IntRange(0, 10_000_000),
    default=10_000,
    show_default=True,
    help="Gradient steps to run (each uses every example of a batch).",
)
@click.option(
    "--every",
    type=click.IntRange(1),
    default=None,
    help="Record E_total every K steps (default: about ten checkpoints).",
)
@click.option(
    "--learning-rate",
    type=click.FloatRange(0, 1000, min_open=True),
    default=None,
    help="Override the scenario's learning rate η.",
)
@click.option(
    "--stop-below",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="Stop as soon as E_total falls below this value.",
)
@click.option(
    "--log-scale/--linear-scale",
    default=True,
    show_default=True,
    help="The scale of E_total in the plot.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: tables and a plot; json: every number.",
)
@digits_option
@click.option(
    "--hidden-uses-updated-weights",
    is_flag=True,
    help="Train in the order of the classic post's early code (see `run --help`).",
)
@debug_option
def train(
    scenario: str,
    steps: int,
    every: int | None,
    learning_rate: float | None,
    stop_below: float | None,
    log_scale: bool,
    output_format: str,
    digits: int,
    hidden_uses_updated_weights: bool,
    debug: bool,
) -> None:
    """Train SCENARIO (default: mazur) for many steps on the compiled fast path.

    Prints E_total at checkpoints, a plot of E_total against the step, the outputs next to
    the targets and the parameters after training. On a terminal, a run longer than half a
    second shows a progress bar (on stderr).

    \b
    Examples:
      backprop-walkthrough train --steps 10000
      backprop-walkthrough train xor --steps 5000 --every 500
      backprop-walkthrough train softmax --stop-below 0.01 --learning-rate 1
      backprop-walkthrough train mazur --format json > run.json
    """
    with user_errors(debug):
        from .scenario import ScenarioError, load_scenario
        from .training import TrainingDiverged, published_comparisons
        from .training import train as run_training

        loaded = load_scenario(scenario)
        if hidden_uses_updated_weights and loaded.is_batch:
            raise ScenarioError(
                loaded.source,
                "--hidden-uses-updated-weights needs a "
                "single-example scenario (this one is a batch)",
            )
        progress = LazyProgress(steps)
        try:
            run = run_training(
                loaded,
                steps,
                learning_rate=learning_rate,
                stop_below=stop_below,
                every=every,
                hidden_uses_updated_weights=hidden_uses_updated_weights,
                progress=progress,
            )
        except TrainingDiverged as exc:
            raise ScenarioError(loaded.source, f"{exc} (try a smaller --learning-rate)") from None
        finally:
            progress.close()
        if output_format == "json":
            from .render.json import render_training_json

            sys.stdout.write(render_training_json(run))
        else:
            from rich.console import Console

            from .render.training import TrainingView

            Console(highlight=False).print(
                TrainingView(run, digits, log_scale, published_comparisons(run))
            )
        sys.stdout.flush()


def main() -> None:
    """The console script: click's own handling, except that a usage error is one line."""
    try:
        code = cli.main(prog_name="backprop-walkthrough", standalone_mode=False)
    except click.ClickException as exc:
        hint = " (see --help)" if isinstance(exc, click.UsageError) else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


# The other commands register themselves on `cli` (click only: --help stays light).
from . import commands  # noqa: E402, F401
