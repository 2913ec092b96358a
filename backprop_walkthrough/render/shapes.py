"""The shape walkthrough in the terminal (Rich), as Markdown and as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..engine.tensors.shapes import VOCABULARY
from ..model import ShapeWalkthrough, Tensor
from .json_writer import dumps

SHOWN_EXAMPLES = 8


def shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else " × ".join(str(s) for s in shape)


def _intro(w: ShapeWalkthrough) -> list[str]:
    s = w.spec
    return [
        f"Vocabulary: '.' and a to z, {len(VOCABULARY)} characters, indexed 0 ('.') to 26 ('z').",
        f"Words: {', '.join(s.words)} — each padded with '.' and cut into (context of "
        f"{s.block_size} → next character) examples: {len(w.examples)} in all.",
    ]


class ShapesView:
    def __init__(self, walkthrough: ShapeWalkthrough) -> None:
        self.w = walkthrough

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        w = self.w
        s = w.spec
        yield Panel(
            Text(
                f"Shapes, step by step — a character-level MLP\nblock size {s.block_size}"
                f", embedding dim {s.embedding_dim}, hidden {s.hidden}",
                style="bold",
            ),
            expand=False,
        )
        yield Text()
        yield Rule(Text("The dataset", style="bold magenta"), align="left")
        for line in _intro(w):
            yield Text(line)
        table = Table(show_edge=False)
        for column in ("example", "context", "→ next", "X row", "Y"):
            table.add_column(column, justify="right" if column in ("example", "Y") else "left")
        for i, ((context, nxt), row, y) in enumerate(zip(w.examples, w.X, w.Y, strict=True)):
            if i >= SHOWN_EXAMPLES:
                break
            table.add_row(str(i), Text(context), Text(f"→ {nxt}"), Text(str(list(row))), str(y))
        yield table
        if len(w.examples) > SHOWN_EXAMPLES:
            yield Text(
                f"… {len(w.examples) - SHOWN_EXAMPLES} more (--format json lists them all)",
                style="dim",
            )
        if w.numbers is not None:  # the tensors with their numbers, shapes and reasons
            from .shape_numbers import terminal_parts

            yield Text()
            yield from terminal_parts(w.numbers)
            return
        for title, tensors in _passes(w):
            yield Text()
            yield Rule(Text(title, style="bold magenta"), align="left")
            yield self.tensors(tensors)
        if w.mismatch is not None:
            m = w.mismatch
            yield Text()
            yield Rule(Text(f"{m.tensor}: the shapes do not fit", style="bold red"), align="left")
            yield Text(m.formula, style="yellow")
            yield Text(m.rule)
            yield Panel(Text(m.fix), title="what would fit", title_align="left", expand=True)
            yield Text("The backward pass needs the forward pass: it stops here too.", style="dim")
            return
        uses = ", ".join(f"'{c}' {n}×" for c, n in w.row_uses[:8])
        yield Text(
            f"Rows of C looked up most often (their gradients add up in dC): {uses}", style="italic"
        )

    @staticmethod
    def tensors(tensors: tuple[Tensor, ...]) -> Table:
        table = Table(show_edge=False, show_lines=False)
        table.add_column("tensor", style="bold cyan")
        table.add_column("shape", justify="right", style="bold green")
        table.add_column("how", style="yellow")
        table.add_column("why this shape", ratio=1)
        for t in tensors:
            # Text, not markup: "X[i]" must not be read as a Rich style tag.
            table.add_row(t.name, shape_text(t.shape), Text(t.formula), Text(t.why))
        return table


def _passes(w: ShapeWalkthrough) -> tuple[tuple[str, tuple[Tensor, ...]], ...]:
    """The passes to show: the forward pass up to a mismatch, and no backward pass then."""
    if w.mismatch is not None:
        return ((f"Forward pass, up to {w.mismatch.tensor}", w.forward),)
    return (("Forward pass", w.forward), ("Backward pass", w.backward))


def render_shapes_markdown(w: ShapeWalkthrough) -> str:
    s = w.spec
    lines = [
        "# Shapes, step by step — a character-level MLP",
        "",
        f"*block size {s.block_size}, embedding dim {s.embedding_dim}, hidden {s.hidden}*",
        "",
        "## The dataset",
        "",
        *_intro(w),
        "",
        "| example | context | next | X row | Y |",
        "|---|---|---|---|---|",
    ]
    for i, ((context, nxt), row, y) in enumerate(zip(w.examples, w.X, w.Y, strict=True)):
        lines.append(f"| {i} | `{context}` | `{nxt}` | {list(row)} | {y} |")
    if w.numbers is not None:
        from .shape_numbers import markdown_lines

        return "\n".join(lines + markdown_lines(w.numbers)) + "\n"
    for title, tensors in _passes(w):
        lines += [
            "",
            f"## {title}",
            "",
            "| tensor | shape | how | why this shape |",
            "|---|---|---|---|",
        ]
        for t in tensors:
            lines.append(f"| {t.name} | {shape_text(t.shape)} | `{t.formula}` | {t.why} |")
    if w.mismatch is not None:
        m = w.mismatch
        lines += [
            "",
            f"## {m.tensor}: the shapes do not fit",
            "",
            f"`{m.formula}`",
            "",
            m.rule,
            "",
            f"**What would fit:** {m.fix}",
        ]
    return "\n".join(lines) + "\n"


def shapes_document(w: ShapeWalkthrough) -> dict[str, Any]:
    from .shape_numbers import numbers_document

    s = w.spec
    return {
        "kind": "embedding_mlp",
        "words": list(s.words),
        "block_size": s.block_size,
        "embedding_dim": s.embedding_dim,
        "hidden": s.hidden,
        "vocabulary": VOCABULARY,
        "examples": [
            {"context": c, "next": n, "x": list(row), "y": y}
            for (c, n), row, y in zip(w.examples, w.X, w.Y, strict=True)
        ],
        "forward": [
            {"name": t.name, "shape": list(t.shape), "formula": t.formula, "why": t.why}
            for t in w.forward
        ],
        "backward": [
            {"name": t.name, "shape": list(t.shape), "formula": t.formula, "why": t.why}
            for t in w.backward
        ],
        "row_uses": dict(w.row_uses),
        "mismatch": None if w.mismatch is None else w.mismatch._asdict(),
        "numbers": None if w.numbers is None else numbers_document(w.numbers),
    }


def render_shapes_json(w: ShapeWalkthrough) -> str:
    return dumps(shapes_document(w))
