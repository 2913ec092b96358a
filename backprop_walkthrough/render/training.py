"""A training run in the terminal: checkpoints, the error curve, outputs and parameters.

The curve is drawn by plotext (a maintained terminal plotting library); Rich takes its output
through ``Text.from_ansi``, so that the colours disappear by themselves when piped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..model import TrainingRun
from .json_writer import dumps
from .numbers import format_decimals, format_operand, format_value

LABEL = "bold cyan"
VALUE = "bold green"
MAX_PARAMETER_ROWS = 40


def error_curve(run: TrainingRun, width: int, log_scale: bool = True) -> str:
    """E_total against the step as text, with ANSI colours (Rich strips them when piped)."""
    return curve(run.history, "E_total", width, log_scale)


def curve(
    points: Sequence[tuple[int, float]], title: str, width: int, log_scale: bool = True
) -> str:
    """A value against the step, drawn by plotext (a run's error, the exercise's loss)."""
    import plotext as plt  # imported here: only training draws

    steps = [s for s, _ in points]
    values = [e for _, e in points]
    logarithmic = log_scale and min(values) > 0
    plt.clear_figure()
    plt.plot(steps, values, marker="braille")
    if logarithmic:
        plt.yscale("log")
    plt.plotsize(max(40, min(width, 100)), 16)
    plt.title(title + (" (log scale)" if logarithmic else ""))
    plt.xlabel("step")
    plt.theme("clear")
    return str(plt.build())


class TrainingView:
    def __init__(
        self,
        run: TrainingRun,
        digits: int = 9,
        log_scale: bool = True,
        comparisons: list[tuple[str, float, int, float, str]] | None = None,
    ) -> None:
        self.run = run
        self.digits = digits
        self.log_scale = log_scale
        self.comparisons = comparisons or []

    def value(self, value: float) -> str:
        return format_value(value, self.digits, typographic=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        run = self.run
        s = run.scenario
        title = Text(f"Training — {s.name}", style="bold")
        title.append(
            f"\n{run.steps_run:,} steps of gradient descent, η = "
            f"{format_operand(run.learning_rate, 9)}",
            style="italic",
        )
        if s.is_batch:
            title.append(
                f", all {len(s.examples)} examples per step (E_total summed)", style="italic"
            )
        yield Panel(title, expand=False)
        if run.stopped_early:
            yield Text(
                f"Stopped after {run.steps_run:,} of {run.steps_requested:,} steps: "
                "E_total fell below --stop-below.",
                style="yellow",
            )
        if run.hidden_uses_updated_weights:
            yield Text(
                "Hidden-layer gradients use the already-updated output weights "
                "(--hidden-uses-updated-weights), as the classic post's early code did.",
                style="yellow",
            )
        yield from self.section("E_total at the checkpoints", self.checkpoints())
        yield Text.from_ansi(error_curve(run, options.max_width, self.log_scale))
        yield from self.section("Outputs after training", self.outputs())
        yield from self.section("Parameters after training", self.parameters())
        if self.comparisons:
            yield from self.section("Checked against the published figures", self.published())
        how = (
            "the vectorised path: each layer one NumPy product"
            if run.path == "vectorised"
            else f"the fast path read from the step cache in {run.compile_seconds * 1000:.0f} ms"
            if run.step_from_cache
            else f"the fast path compiled in {run.compile_seconds * 1000:.0f} ms"
        )
        yield Text(f"({how}; SymPy is not called during the steps)", style="dim")

    def section(self, title: str, body: RenderableType) -> RenderResult:
        yield Text()
        yield Rule(Text(title, style="bold magenta"), align="left")
        yield body

    def checkpoints(self) -> Table:
        table = Table(show_edge=False)
        table.add_column("step", justify="right", style=LABEL)
        table.add_column("E_total", justify="right", style=VALUE)
        for step, error in self.run.history:
            table.add_row(f"{step:,}", self.value(error))
        return table

    def outputs(self) -> Table:
        run = self.run
        table = Table(show_edge=False)
        if run.scenario.is_batch:
            table.add_column("example", justify="right")
        table.add_column("output", style=LABEL)
        table.add_column("target", justify="right")
        table.add_column("out", justify="right", style=VALUE)
        for index, (example, outs) in enumerate(
            zip(run.scenario.examples, run.outputs, strict=True), start=1
        ):
            for neuron, out in outs.items():
                row = [str(index)] if run.scenario.is_batch else []
                table.add_row(
                    *row, neuron, format_operand(example.targets[neuron], 9), self.value(out)
                )
        return table

    def parameters(self) -> Table | Group:
        run = self.run
        table = Table(show_edge=False)
        table.add_column("parameter", style=LABEL)
        table.add_column("before", justify="right")
        table.add_column("after", justify="right", style=VALUE)
        shown = list(run.scenario.parameters)[:MAX_PARAMETER_ROWS]
        for p in shown:
            table.add_row(p.name, self.value(p.value), self.value(run.parameters[p.name]))
        hidden = len(run.scenario.parameters) - len(shown)
        if not hidden:
            return table
        # Under the table, not in it: a row of words would widen the columns of numbers.
        note = f"… and {hidden} more parameters (--format json has them all)."
        return Group(table, Text(note, style="dim"))

    def published(self) -> Group:
        table = Table(show_edge=False)
        table.add_column("figure", style=LABEL)
        table.add_column("published", justify="right")
        table.add_column("computed", justify="right", style=VALUE)
        table.add_column("")
        notes: dict[str, list[str]] = {}  # why → the figures it explains
        for key, published, decimals, computed, why in self.comparisons:
            agrees = round(computed, decimals) == round(published, decimals)
            mark = Text("✓ agrees", style="green") if agrees else Text("✗ differs", style="red")
            table.add_row(
                key,
                format_decimals(published, decimals, True),
                format_decimals(computed, decimals, True),
                mark,
            )
            if not agrees and why:
                notes.setdefault(why, []).append(key)
        lines = [Text(f"{', '.join(keys)}: {why}", style="yellow") for why, keys in notes.items()]
        return Group(table, *lines)


def training_document(run: TrainingRun) -> dict[str, Any]:
    """A training run as plain JSON-ready data."""
    batch = run.scenario.is_batch
    return {
        "scenario": run.scenario.name,
        "steps_requested": run.steps_requested,
        "steps_run": run.steps_run,
        "stopped_early": run.stopped_early,
        "learning_rate": run.learning_rate,
        "hidden_uses_updated_weights": run.hidden_uses_updated_weights,
        "E_total": run.E_total,
        "outputs": [dict(o) for o in run.outputs] if batch else dict(run.outputs[0]),
        "parameters": dict(run.parameters),
        "history": [[step, error] for step, error in run.history],
        "compile_seconds": run.compile_seconds,
        "path": run.path,
        "step_from_cache": run.step_from_cache,
    }


def render_training_json(run: TrainingRun) -> str:
    return dumps(training_document(run))
