"""Rows of text aligned in columns, as one Rich ``Text``.

Rich's ``Table.grid`` does the same with measuring, wrapping and padding machinery that costs
about a millisecond per small grid; the walkthrough has a hundred of them, so rendering the
classic example took longer than deriving it. Formulas need none of that machinery: the
columns are measured once (``cell_len``, so ∂ and σ count right) and the cells joined by one
space, exactly as ``Table.grid(padding=(0, 1))`` lays them out, minus the trailing padding.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

Cell = Text | str


def aligned(
    rows: Sequence[Sequence[Cell]],
    right: Sequence[int] = (0,),
    indent: int = 0,
) -> Text:
    """One Text: a line per row; columns in ``right`` are right-justified, others left.

    A row may have fewer cells than the widest one.
    """
    texts = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
    columns = max(len(row) for row in texts)
    widths = [
        max((row[i].cell_len for row in texts if i < len(row)), default=0) for i in range(columns)
    ]
    lines = []
    for row in texts:
        line = Text(" " * indent)
        for i, cell in enumerate(row):
            gap = " " * (widths[i] - cell.cell_len)
            if i in right:
                line.append(gap)
                line.append_text(cell)
            else:
                line.append_text(cell)
                if i < len(row) - 1:
                    line.append(gap)
            if i < len(row) - 1:
                line.append(" ")
        lines.append(line)
    return Text("\n").join(lines)


__all__ = ["aligned", "cell_len"]
