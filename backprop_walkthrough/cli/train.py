"""`train`: many gradient steps on the compiled fast path, with a progress bar on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from .. import options
from .common import (
    CONTEXT_SETTINGS,
    checked_float,
    checked_int,
    debug_option,
    deliver,
    digits_option,
    format_option,
    max_work_option,
    scenario_argument,
    terminal,
    user_errors,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_DELAY_SECONDS = 0.5


class LazyProgress:
    """A Rich progress bar on stderr that appears only for runs longer than half a second,
    and only when stderr is a terminal: piped or redirected, nothing of it is written."""

    def __init__(self, total: int, delay: float = PROGRESS_DELAY_SECONDS) -> None:
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


@click.command(context_settings=CONTEXT_SETTINGS)
@scenario_argument()
@click.option(
    "--steps",
    type=checked_int(options.steps),
    default=10_000,
    show_default=True,
    help="Gradient steps to run (each uses every example of a batch).",
)
@click.option(
    "--every",
    type=checked_int(options.every),
    default=None,
    help="Record E_total every K steps (default: about ten checkpoints).",
)
@click.option(
    "--learning-rate",
    type=checked_float(options.learning_rate),
    default=None,
    help="Override the scenario's learning rate η.",
)
@click.option(
    "--stop-below",
    type=checked_float(options.stop_below),
    default=None,
    help="Stop as soon as E_total falls below this value.",
)
@click.option(
    "--log-scale/--linear-scale",
    default=True,
    show_default=True,
    help="The scale of E_total in the plot.",
)
@format_option(("text", "json"), "text: tables and a plot; json: every number.", default="text")
@digits_option
@click.option(
    "--hidden-uses-updated-weights",
    is_flag=True,
    help="Train in the order of the classic post's early code (see `run --help`).",
)
@click.option(
    "--max-checkpoints",
    type=checked_int(options.max_checkpoints),
    default=options.DEFAULT_MAX_CHECKPOINTS,
    show_default=True,
    help="Keep at most this many E_total values; a longer history is thinned.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Compile the step afresh, and keep nothing in the step cache (see the README).",
)
@max_work_option
@click.option(
    "--max-train-work",
    type=checked_int(options.max_train_work),
    default=options.DEFAULT_MAX_TRAIN_WORK,
    show_default=True,
    help="Refuse a run of more steps × parameters × examples (it would take long).",
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
    max_checkpoints: int,
    no_cache: bool,
    max_work: int,
    max_train_work: int,
    debug: bool,
) -> None:
    """Train SCENARIO (default: mazur) for many steps on the compiled fast path.

    Prints E_total at checkpoints, a plot of E_total against the step, the outputs next to
    the targets and the parameters after training. On a terminal, a run longer than half a
    second shows a progress bar (on stderr). The compiled step is kept in a cache, so that
    the next run of the same network starts at once (--no-cache: compile afresh).

    \b
    Examples:
      backprop-walkthrough train --steps 10000
      backprop-walkthrough train xor --steps 5000 --every 500
      backprop-walkthrough train softmax --stop-below 0.01 --learning-rate 1
      backprop-walkthrough train mazur --format json > run.json
    """
    with user_errors(debug):
        from .. import api

        progress = LazyProgress(steps)
        try:
            run = api.train(
                scenario,
                steps,
                learning_rate=learning_rate,
                stop_below=stop_below,
                every=every,
                hidden_uses_updated_weights=hidden_uses_updated_weights,
                progress=progress,
                max_checkpoints=max_checkpoints,
                max_work=max_work,
                max_train_work=max_train_work,
                cache=not no_cache,
            )
        finally:
            progress.close()
        if output_format == "json":
            deliver(api.export(run, "json"), None)
            return
        terminal().print(api.terminal_view(run, digits=digits, log_scale=log_scale))
        sys.stdout.flush()


COMMANDS = (train,)
