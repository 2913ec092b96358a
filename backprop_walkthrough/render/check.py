"""A graded answers file: a table in the terminal, a document as JSON, a summary for a class."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..errors import visible
from ..model import CheckResult, Status
from .json import dumps
from .numbers import format_operand

STYLE = {
    Status.CORRECT: ("✓ correct", "green"),
    Status.ROUNDING: ("✓ rounding", "green"),
    Status.CARRIED: ("→ carried forward", "yellow"),
    Status.WRONG: ("✗ wrong", "red"),
}


def check_document(result: CheckResult) -> dict[str, Any]:
    """The JSON of issue 15: figures, the first wrong steps and the summary."""
    return {
        "scenario": result.scenario,
        "answers": result.source,
        "figures": {
            g.name: {
                "given": g.given,
                "text": g.text,
                "expected": g.expected,
                "status": g.status.value,
                "recomputed": g.recomputed,
                "diagnosis": list(g.diagnosis),
                "explanation": g.explanation,
            }
            for g in result.figures
        },
        "first_wrong": list(result.first_wrong),
        "summary": result.summary,
    }


def render_check_json(results: list[CheckResult]) -> str:
    documents = [check_document(r) for r in results]
    return dumps(documents[0] if len(documents) == 1 else documents)


class CheckView:
    """One graded file: every figure given, in derivation order, then the first wrong steps."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        yield Text(f"{visible(r.source)} — graded against {visible(r.scenario)}", style="bold")
        table = Table(show_edge=False)
        table.add_column("figure", style="cyan")
        table.add_column("given", justify="right")
        table.add_column("expected", justify="right")
        table.add_column("")
        table.add_column("diagnosis", style="red")
        for g in r.figures:
            mark, style = STYLE[g.status]
            if g.first_wrong:
                mark += " (first wrong step)"
            expected = format_operand(g.expected, 9)
            named = ", ".join(g.diagnosis)
            table.add_row(g.name, Text(g.text), expected, Text(mark, style=style), named)
        yield table
        for g in r.figures:
            if not g.first_wrong:
                continue
            if g.diagnosis:
                body = (
                    f"{g.name}: {g.text} is what you get with "
                    + g.explanation
                    + (
                        f" ({', '.join(g.diagnosis)}). The right value is "
                        f"{format_operand(g.expected, 9)}."
                    )
                )
            else:
                body = (
                    f"{g.name}: {g.text} is not {format_operand(g.expected, 9)}, and no known "
                    "mistake gives it from your earlier figures. The rule: "
                    + (g.explanation or "see `backprop-walkthrough explain`")
                    + "."
                )
            yield Panel(Text(body), title="first wrong step", title_align="left", style="red")
        carried = [g.name for g in r.figures if g.status is Status.CARRIED]
        if carried:
            yield Text(
                f"Carried forward (right from your own earlier figures, not new mistakes): "
                f"{', '.join(carried)}.",
                style="yellow",
            )
        yield Text(_summary_line(r))


def _summary_line(r: CheckResult) -> str:
    s = r.summary
    return (
        f"{s['correct']} correct, {s['rounding']} rounding, {s['carried_forward']} carried "
        f"forward, {s['wrong']} wrong; {s['missing']} figures not given (not graded)."
    )


def class_summary(results: list[CheckResult]) -> Table:
    """Several files (a class): one row each."""
    table = Table(show_edge=False, title="summary")
    table.add_column("answers", style="cyan")
    for column in ("correct", "rounding", "carried forward", "wrong", "not given"):
        table.add_column(column, justify="right")
    table.add_column("first wrong step")
    for r in results:
        s = r.summary
        table.add_row(
            visible(r.source),
            str(s["correct"]),
            str(s["rounding"]),
            str(s["carried_forward"]),
            str(s["wrong"]),
            str(s["missing"]),
            ", ".join(r.first_wrong) or "—",
        )
    return table


def check_view(results: list[CheckResult]) -> Group:
    parts: list[Any] = [CheckView(r) for r in results]
    if len(results) > 1:
        parts.append(class_summary(results))
    return Group(*parts)
