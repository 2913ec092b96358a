"""``shapes --numbers`` shown: each tensor's excerpt (the first rows and columns, ⋯ for the
rest), the loss both ways, the cmp table and the naive scatter — in the terminal (Rich), as
Markdown and as JSON (every number)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import NumericTensor, ShapeNumbers
from .numbers import with_minus

#: An excerpt shows this many rows (slices) and columns of a tensor.
ROWS, COLUMNS, SLICES = 3, 6, 2
INDENT = 4


def number(value: float) -> str:
    """Four significant digits, as a printed tensor shows them: 0.01234, −2.303, 1.2e−05."""
    return with_minus(f"{value:.4g}")


def shape_words(t: NumericTensor) -> str:
    if not t.shape:
        return "scalar"
    text = " × ".join(str(s) for s in t.shape)
    return text + " (keepdim)" if t.keepdim else text


def _row(values: list[float]) -> str:
    cells = [number(v).rjust(10) for v in values[:COLUMNS]]
    return "[" + " ".join(cells) + (" ⋯" if len(values) > COLUMNS else "") + "]"


def excerpt(t: NumericTensor) -> list[str]:
    """The first rows and columns of a tensor, ⋯ and ⋮ where more follow."""
    values = t.values
    if not t.shape:
        return [number(values)]
    if len(t.shape) == 1:
        return [_row(values)]
    if len(t.shape) == 2:
        lines = [_row(row) for row in values[:ROWS]]
        return lines + (["⋮"] if len(values) > ROWS else [])
    lines = []
    for i, matrix in enumerate(values[:SLICES]):
        lines.append(f"[{i}]")
        lines += ["  " + _row(row) for row in matrix[:ROWS]]
    return lines + ([f"⋮  ({len(values) - SLICES} more)"] if len(values) > SLICES else [])


def sections(n: ShapeNumbers) -> Iterator[tuple[str, tuple[NumericTensor, ...]]]:
    yield "Parameters", n.parameters
    yield "Forward pass with numbers", n.forward
    yield "Backward pass with numbers, in the exercise's order", (*n.backward, n.fused_dlogits)


def loss_line(n: ShapeNumbers) -> str:
    difference = n.loss - n.fused_loss
    return (
        f"loss step by step = {number(n.loss)} ({n.loss!r}); fused (logsumexp − the right "
        f"logit) = {n.fused_loss!r}; difference {with_minus(f'{difference:.1e}')}"
    )


# --- the terminal ----------------------------------------------------------------------------


def terminal_parts(n: ShapeNumbers) -> Iterator[RenderableType]:
    from rich.rule import Rule

    yield Text(f"Parameters drawn: {n.init}.", style="italic")
    for title, tensors in sections(n):
        yield Text()
        yield Rule(Text(title, style="bold magenta"), align="left")
        for t in tensors:
            head = Text()
            head.append(t.name, style="bold cyan")
            head.append(f"  {shape_words(t)}", style="bold green")
            yield head
            yield Padding(Text(t.code, style="yellow"), (0, 0, 0, INDENT), expand=False)
            yield Padding(
                Text(f"{t.maths} — {t.why}", style="dim"), (0, 0, 0, INDENT), expand=False
            )
            lines = Text("\n".join(excerpt(t)))
            lines.no_wrap = True  # a row of numbers never breaks
            yield Padding(lines, (0, 0, 0, INDENT), expand=False)
        if title.startswith("Forward"):
            yield Text(loss_line(n), style="bold")
    yield Text()
    yield Rule(Text("Every gradient checked (cmp)", style="bold magenta"), align="left")
    yield Text(
        "Each manual gradient against scalar reverse-mode autodiff over the same computation "
        f"(engine/autograd.py, no shared formulas). Approximate: {n.tolerance}.",
        style="italic",
    )
    yield check_table(n)
    yield Text()
    yield naive_table(n)


def check_table(n: ShapeNumbers) -> Table:
    table = Table(show_edge=False)
    table.add_column("tensor", style="bold cyan")
    table.add_column("exact", justify="center")
    table.add_column("approx.", justify="center")
    table.add_column("max diff", justify="right")
    table.add_column("why")
    for c in n.checks:
        exact = "✓" if c.status == "exact" else ""
        close = "✓" if c.status in ("exact", "approximate") else "✗"
        style = "bold red" if c.status == "wrong" else "green"
        table.add_row(
            c.name,
            Text(exact, style=style),
            Text(close, style=style),
            with_minus(f"{c.max_difference:.1e}"),
            Text(c.why),
        )
    return table


def naive_table(n: ShapeNumbers) -> Table:
    character, count = n.reused
    table = Table(
        title=Text(f"Row '{character}' of dC, looked up {count} times"),
        title_justify="left",
        show_edge=False,
    )
    table.add_column("written as")
    for k in range(len(n.accumulated_row)):
        table.add_column(f"[{k}]", justify="right")
    table.add_row(
        Text("dC[Xb[i, j]] += demb[i, j]: every lookup adds", style="green"),
        *(number(v) for v in n.accumulated_row),
    )
    table.add_row(
        Text("dC[Xb] = demb: the last lookup wins", style="red"),
        *(number(v) for v in n.naive_row),
    )
    return table


# --- Markdown and JSON -------------------------------------------------------------------------


def markdown_lines(n: ShapeNumbers) -> list[str]:
    lines = ["", f"*Parameters drawn: {n.init}.*"]
    for title, tensors in sections(n):
        lines += ["", f"## {title}", ""]
        for t in tensors:
            lines += [
                f"**{t.name}** ({shape_words(t)}): `{t.code}` — {t.maths}; {t.why}",
                "",
                "```text",
                *excerpt(t),
                "```",
                "",
            ]
        if title.startswith("Forward"):
            lines += [loss_line(n), ""]
    lines += [
        "## Every gradient checked (cmp)",
        "",
        "Each manual gradient against scalar reverse-mode autodiff over the same computation. "
        f"Approximate: {n.tolerance}.",
        "",
        "| tensor | exact | approximate | max diff | why |",
        "|---|:---:|:---:|---:|---|",
    ]
    for c in n.checks:
        exact = "✓" if c.status == "exact" else ""
        close = "✓" if c.status != "wrong" else "✗ wrong"
        lines.append(
            f"| {c.name} | {exact} | {close} | {with_minus(f'{c.max_difference:.1e}')} | {c.why} |"
        )
    character, count = n.reused
    columns = range(len(n.accumulated_row))
    lines += [
        "",
        f"**Row '{character}' of dC, looked up {count} times**",
        "",
        "| written as | " + " | ".join(f"[{k}]" for k in columns) + " |",
        "|---|" + "---:|" * len(columns),
        "| `dC[Xb[i, j]] += demb[i, j]`: every lookup adds | "
        + " | ".join(number(v) for v in n.accumulated_row)
        + " |",
        "| `dC[Xb] = demb`: the last lookup wins | "
        + " | ".join(number(v) for v in n.naive_row)
        + " |",
    ]
    return lines


def _tensor_document(t: NumericTensor) -> dict[str, Any]:
    return {
        "name": t.name,
        "shape": list(t.shape),
        "keepdim": t.keepdim,
        "code": t.code,
        "maths": t.maths,
        "why": t.why,
        "values": t.values,
    }


def numbers_document(n: ShapeNumbers) -> dict[str, Any]:
    return {
        "seed": n.seed,
        "init": n.init,
        "parameters": [_tensor_document(t) for t in n.parameters],
        "forward": [_tensor_document(t) for t in n.forward],
        "loss": n.loss,
        "fused_loss": n.fused_loss,
        "backward": [_tensor_document(t) for t in (*n.backward, n.fused_dlogits)],
        "checks": [
            {
                **c._asdict(),
                "max_difference": c.max_difference if c.max_difference < 1e308 else None,
            }
            for c in n.checks
        ],
        "tolerance": n.tolerance,
        "naive_scatter": {
            "row": n.reused[0],
            "lookups": n.reused[1],
            "accumulated": list(n.accumulated_row),
            "assigned": list(n.naive_row),
        },
    }
