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
    yield "Backward pass with numbers, in the exercise's order", backward_and_fused(n)


DERIVATION_TITLE = "Exercise 3: the batchnorm backward in one formula, derived (per neuron j)"


def backward_and_fused(n: ShapeNumbers) -> tuple[NumericTensor, ...]:
    """The gradients in the exercise's order, then the fused forms (exercises 2 and 3)."""
    fused = (n.fused_dlogits,) if n.fused_dhprebn is None else (n.fused_dlogits, n.fused_dhprebn)
    return (*n.backward, *fused)


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
    if n.derivation:
        yield Text()
        yield Rule(Text(DERIVATION_TITLE, style="bold magenta"), align="left")
        for number_, (formula, why) in enumerate(n.derivation, 1):
            line = Text(f"{number_}. ")
            line.append(formula, style="yellow")
            yield line
            yield Padding(Text(why, style="dim"), (0, 0, 0, INDENT), expand=False)
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
    if n.training is not None:
        from .training import curve

        yield Text()
        yield Rule(
            Text("Exercise 4: training with the manual backward pass", style="bold magenta"),
            align="left",
        )
        words, result = training_lines(n)
        yield Text(words, style="italic")
        yield Text.from_ansi(curve(n.training.losses, "loss", 80))
        yield Text(result, style="bold")


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
    """The most-used row of dC both ways, one entry a line (an embedding of any width fits)."""
    character, count = n.reused
    table = Table(
        title=Text(f"Row '{character}' of dC, looked up {count} times"),
        title_justify="left",
        show_edge=False,
    )
    table.add_column("entry")
    table.add_column(
        Text("dC[Xb[i, j]] += demb[i, j]\nevery lookup adds", style="green"), justify="right"
    )
    table.add_column(Text("dC[Xb] = demb\nthe last lookup wins", style="red"), justify="right")
    for k, (added, assigned) in enumerate(zip(n.accumulated_row, n.naive_row, strict=True)):
        table.add_row(f"[{k}]", number(added), number(assigned))
    return table


def training_lines(n: ShapeNumbers) -> list[str]:
    """Exercise 4 in words: what ran, and the loss before and after."""
    run = n.training
    assert run is not None
    first = run.losses[0][1]
    return [
        f"{run.steps:,} steps of gradient descent, learning rate {run.learning_rate:g}, each on "
        f"the whole dataset ({run.batch} examples; the lecture samples a batch of 32 from its "
        "182,625 — here the dataset is the batch), every gradient from the manual backward "
        "pass above. Its first step's gradients are the ones checked against autodiff above.",
        f"loss {number(first)} before the first step → {number(run.final_loss)} after the last",
    ]


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
    if n.derivation:
        lines += ["", f"## {DERIVATION_TITLE}", ""]
        lines += [f"{i}. `{formula}` — {why}" for i, (formula, why) in enumerate(n.derivation, 1)]
        lines += [""]
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
        "| entry | `dC[Xb[i, j]] += demb[i, j]`: every lookup adds "
        "| `dC[Xb] = demb`: the last lookup wins |",
        "|---|---:|---:|",
        *(
            f"| [{k}] | {number(n.accumulated_row[k])} | {number(n.naive_row[k])} |"
            for k in columns
        ),
    ]
    if n.training is not None:
        words, result = training_lines(n)
        lines += ["", "## Exercise 4: training with the manual backward pass", "", words, ""]
        lines += ["| step | loss |", "|---:|---:|"]
        shown = n.training.losses[:: max(1, len(n.training.losses) // 10)]
        lines += [f"| {step:,} | {number(loss)} |" for step, loss in shown]
        lines += ["", result]
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
        "backward": [_tensor_document(t) for t in backward_and_fused(n)],
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
        "derivation": [{"formula": f, "why": w} for f, w in n.derivation],
        "training": None
        if n.training is None
        else {
            "steps": n.training.steps,
            "learning_rate": n.training.learning_rate,
            "batch": n.training.batch,
            "losses": [list(point) for point in n.training.losses],
            "final_loss": n.training.final_loss,
        },
    }
