"""A graded class: each answers file's table, its mistakes in words, and the class's summary —
in the terminal (fitting 80 columns) and as one JSON document whatever the number of files."""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..errors import visible
from ..model import MISTAKES, CheckResult, ClassCheck, FileProblem, Graded, Status
from .json_writer import dumps
from .numbers import format_operand

STYLE = {
    Status.CORRECT: ("✓ correct", "green"),
    Status.ROUNDING: ("✓ rounding", "green"),
    Status.CARRIED: ("→ carried", "yellow"),
    Status.WRONG: ("✗ wrong", "red"),
}
#: A figure's value in the tables: nine significant digits, as the walkthrough shows it.
DIGITS = 9


# --- JSON ------------------------------------------------------------------------------------


def check_document(result: CheckResult) -> dict[str, Any]:
    """One graded file: every figure given, the first wrong steps, the mistakes, the counts."""
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
                "certain": g.certain,
                "where": list(g.where),
                "explanation": g.explanation,
                "note": g.note,
            }
            for g in result.figures
        },
        "first_wrong": list(result.first_wrong),
        "mistakes": result.mistakes,
        "blank": result.blank,
        "summary": result.summary,
    }


def problem_document(problem: FileProblem) -> dict[str, Any]:
    """A file set aside: every problem, with its line and field."""
    return {
        "answers": problem.source,
        "problems": [
            {"line": line, "field": field, "message": message}
            for line, field, message in problem.problems
        ],
    }


def render_check_json(results: ClassCheck) -> str:
    """``{"files": [...], "summary": {...}}`` for one file as for thirty."""
    files = [
        check_document(f) if isinstance(f, CheckResult) else problem_document(f)
        for f in results.files
    ]
    return dumps({"files": files, "summary": results.summary})


# --- one file --------------------------------------------------------------------------------


def diagnosis_sentence(g: Graded) -> str:
    """A wrong figure's diagnosis in a sentence (empty when no known mistake gives it)."""
    if not g.diagnosis:
        return ""
    ids = ", ".join(g.diagnosis)
    if g.certain:
        return f"{g.text} is what you get with {g.explanation} ({ids})"
    return f"{g.text} is probably what you get with {g.explanation} ({ids})"


class CheckView:
    """One graded file: every figure given, in derivation order, then each mistake in words."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        yield Text(f"{visible(r.source)} — graded against {visible(r.scenario)}", style="bold")
        if r.blank:
            yield Text("No figure given: nothing to grade (an untouched worksheet?).", style="red")
            yield Text(_summary_line(r))
            return
        table = Table(show_edge=False)
        table.add_column("figure", style="cyan")
        table.add_column("given", justify="right")
        table.add_column("right value", justify="right")
        table.add_column("from yours", justify="right")
        table.add_column("")
        for g in r.figures:
            mark, style = STYLE[g.status]
            if g.first_wrong:
                mark += " (first)"
            if g.diagnosis:
                mark += ": " + ", ".join(g.diagnosis) + ("" if g.certain else "?")
            yours = ""
            if g.recomputed is not None and g.status in (Status.WRONG, Status.CARRIED):
                yours = format_operand(g.recomputed, DIGITS)
                if yours == format_operand(g.expected, DIGITS):
                    yours = ""  # your earlier figures were right: nothing to add
            table.add_row(
                visible(g.name),
                Text(visible(g.text)),
                format_operand(g.expected, DIGITS),
                yours,
                Text(mark, style=style),
            )
        yield table
        for g in r.figures:
            if g.status is Status.WRONG and (g.first_wrong or g.diagnosis):
                yield self.panel(g)
        for g in r.figures:
            if g.note:
                yield Text(f"{visible(g.name)}: {g.note}.", style="green")
        carried = [g.name for g in r.figures if g.status is Status.CARRIED]
        if carried:
            yield Text(
                "Carried forward (right from your own earlier figures, not new mistakes): "
                f"{', '.join(map(visible, carried))}.",
                style="yellow",
            )
        yield Text(_summary_line(r))

    @staticmethod
    def panel(g: Graded) -> Panel:
        right = format_operand(g.expected, DIGITS)
        if g.diagnosis:
            body = (
                f"{visible(g.name)}: {visible(diagnosis_sentence(g))}. The right value is {right}"
            )
            if not g.first_wrong and g.recomputed is not None:
                body += f"; from your own earlier figures, {format_operand(g.recomputed, DIGITS)}"
            body += "."
        else:
            body = (
                f"{visible(g.name)}: {visible(g.text)} is not {right}, and no known mistake "
                "gives it from your earlier figures. The rule: "
                + (g.explanation or "see `backprop-walkthrough explain`")
                + "."
            )
        title = "first wrong step" if g.first_wrong else "another mistake"
        return Panel(Text(body), title=title, title_align="left", style="red")


def _summary_line(r: CheckResult) -> str:
    s = r.summary
    return (
        f"{s['correct']} correct, {s['rounding']} rounding, {s['carried_forward']} carried "
        f"forward, {s['wrong']} wrong; {s['missing']} figures not given (not graded)."
    )


# --- a class ---------------------------------------------------------------------------------


def short_names(sources: list[str]) -> list[str]:
    """The files' names without the folders they share (``class/7b/ann.yaml`` → ``ann.yaml``),
    never two the same: a name given twice is numbered."""
    if len(sources) > 1:
        try:
            common = os.path.commonpath([str(PurePath(s).parent) for s in sources])
            names = [os.path.relpath(s, common or ".") for s in sources]
        except ValueError:  # absolute and relative paths mixed, or other drives
            names = list(sources)
    else:
        names = [PurePath(s).name or s for s in sources]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return [visible(n) for n in unique]


def class_summary(results: ClassCheck) -> Group:
    """Several files (a class): one row each, the mistakes by kind, the figures most often
    first wrong — each table within 80 columns."""
    names = short_names([f.source for f in results.files])
    table = Table(show_edge=False, title="The class", title_justify="left")
    table.add_column("answers", style="cyan", max_width=24, overflow="fold")
    for column in ("right", "carried", "wrong", "not given"):
        table.add_column(column, justify="right")
    table.add_column("first wrong at", overflow="fold")
    for name, f in zip(names, results.files, strict=True):
        if isinstance(f, FileProblem):
            table.add_row(name, "", "", "", "", Text("not graded: see the errors", style="red"))
            continue
        s = f.summary
        first = list(f.first_wrong)
        at = "— (blank)" if f.blank else (first[0] if first else "—")
        if len(first) > 1:
            at += f" +{len(first) - 1}"
        table.add_row(
            name,
            str(s["correct"] + s["rounding"]),
            str(s["carried_forward"]),
            str(s["wrong"]),
            str(s["missing"]),
            at,
        )
    parts: list[Any] = [table]
    if results.mistakes:
        kinds = Table(show_edge=False, title="Mistakes by kind", title_justify="left")
        kinds.add_column("mistake", style="red")
        kinds.add_column("times", justify="right")
        kinds.add_column("what", overflow="fold", max_width=48)
        for kind, count in results.mistakes.items():
            kinds.add_row(kind, str(count), MISTAKES.get(kind, "no known mistake gives it"))
        parts.append(kinds)
    if results.first_wrong:
        firsts = Table(show_edge=False, title="Most often first wrong", title_justify="left")
        firsts.add_column("figure", style="cyan")
        firsts.add_column("files", justify="right")
        for name, count in list(results.first_wrong.items())[:10]:
            firsts.add_row(visible(name), str(count))
        parts.append(firsts)
    total = results.summary
    parts.append(
        Text(
            f"{total['graded']} of {total['files']} files graded, {total['passed']} without a "
            "mistake"
            + (f", {total['blank']} blank" if total["blank"] else "")
            + (f"; {total['not_graded']} not graded (errors above)" if total["not_graded"] else "")
            + "."
        )
    )
    return Group(*parts)


def check_view(results: ClassCheck, summary_only: bool = False) -> Group:
    """Each graded file's table, then (for several files) the class's summary;
    ``summary_only``: the summary alone."""
    if summary_only:
        return class_summary(results)
    parts: list[Any] = [CheckView(r) for r in results.graded]
    if len(results.files) > 1:
        parts.append(class_summary(results))
    return Group(*parts)
