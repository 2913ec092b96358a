"""The update's table and the table of published figures, as the walkthrough shows them."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..model import Comparison, Update
from .blocks import Align, Cell, CellRole, Column, Formula, Mark, Table, Words
from .names import figure_formula
from .numbers import format_decimals

#: p − η·∂E_total/∂p, the rule every parameter's update follows.
UPDATE_RULE = sp.Add(
    sp.Symbol("p"),
    -sp.Symbol("eta") * sp.Derivative(sp.Symbol("E_total"), sp.Symbol("p")),
    evaluate=False,
)


def update_table(
    updates: list[Update], value: Callable[[float], str], operand: Callable[[float], str]
) -> Table:
    """Each parameter's new value, with the numbers of its rule (or why it is kept)."""
    rows: list[tuple[Cell, ...]] = []
    for u in updates:
        formula: Cell
        if u.applied:
            gradient = operand(u.gradient)
            gradient = f"({gradient})" if u.gradient < 0 else gradient
            formula = f"{operand(u.old)} − {operand(u.learning_rate)}·{gradient}"
        else:
            derivative = Formula(
                sp.Derivative(sp.Symbol("E_total"), sp.Symbol(u.parameter)), inline=True
            )
            formula = Words((f"kept at {operand(u.old)} (", derivative, f" = {value(u.gradient)})"))
        rows.append((Formula(sp.Symbol(u.parameter + "⁺")), formula, value(u.new)))
    columns = (
        Column("parameter", role=CellRole.LABEL),
        Column(Words((Formula(UPDATE_RULE, inline=True),)), role=CellRole.NUMBER),
        Column("new value", Align.RIGHT, CellRole.VALUE),
    )
    return Table(columns, tuple(rows))


def comparison_table(comparisons: list[Comparison]) -> Table:
    """Each published figure beside the computed one, to as many decimals as it was printed."""
    rows = [
        (
            figure_formula(c.key),
            format_decimals(c.published, c.decimals, True),
            # as many decimals as the published figure, whatever --digits says: the
            # difference the mark reports must be visible
            format_decimals(c.computed, c.decimals, True),
            Mark(c.agrees, "agrees" if c.agrees else "differs: see its note"),
        )
        for c in comparisons
    ]
    columns = (
        Column("figure", role=CellRole.LABEL),
        Column("published", Align.RIGHT),
        Column("computed", Align.RIGHT, CellRole.VALUE),
        Column(""),
    )
    return Table(columns, tuple(rows))
