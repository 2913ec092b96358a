"""The scenario as tables: its parameters (each, or by group for a big network) and its data.

The walkthrough's first section shows them; a worksheet's head and a practice session can show
the same blocks.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..scenario.types import Bias, Scenario, Weight
from .blocks import Align, Cell, CellRole, Column, Formula, Inline, Prose, Table, Words
from .numbers import format_given


def name(text: str) -> Formula:
    """A name of the network (w5, target_o1, η) as the equations write it."""
    return Formula(sp.Symbol(text))


def example_data(s: Scenario, example: int) -> Prose:
    """One example's inputs and targets, as given."""
    data = s.examples[example - 1]
    parts: list[Inline] = []
    named = [(k, v) for k, v in data.inputs.items()]
    named += [(f"target_{k}", v) for k, v in data.targets.items()]
    for index, (key, value) in enumerate(named):
        parts.append("inputs " if not index else "; " if index == len(data.inputs) else ", ")
        parts += [name(key), f" = {format_given(value, True)}"]
    return tuple(parts)


def parameter_table(s: Scenario, operand: Callable[[float], str]) -> Table:
    """Every weight and bias: its name, what it connects and its value."""
    rows: list[tuple[Cell, ...]] = [
        (name(w.name), f"{w.source} → {w.target}", operand(w.value)) for w in s.weights
    ]
    for b in s.biases:
        shared = " (shared)" if len(b.targets) > 1 else ""
        rows.append((name(b.name), f"1 → {', '.join(b.targets)}{shared}", operand(b.value)))
    columns = (
        Column("name", role=CellRole.LABEL),
        Column("connection"),
        Column("value", Align.RIGHT, CellRole.NUMBER),
    )
    return Table(columns, tuple(rows), "Parameters")


def parameter_summary(s: Scenario, operand: Callable[[float], str]) -> Table:
    """For a big network: one row per group of parameters, with their range."""
    layer_of = {n: i for i, layer in enumerate(s.layers) for n in layer.neurons}
    groups: dict[str, list[Weight | Bias]] = {}
    for w in s.weights:
        connects = f"layer {layer_of[w.source]} → layer {layer_of[w.target]}"
        groups.setdefault(connects, []).append(w)
    for b in s.biases:
        groups.setdefault(f"1 → layer {layer_of[b.targets[0]]}", []).append(b)
    rows: list[tuple[Cell, ...]] = []
    for connects, params in groups.items():
        values = [p.value for p in params]
        first, last = name(params[0].name), name(params[-1].name)
        names: Prose = (first,) if len(params) == 1 else (first, " … ", last)
        span = f"{operand(min(values))} … {operand(max(values))}"
        rows.append((Words((*names, f" ({len(params)})")), connects, span))
    columns = (
        Column("parameters", role=CellRole.LABEL),
        Column("connect"),
        Column("values", Align.RIGHT, CellRole.NUMBER),
    )
    return Table(columns, tuple(rows), "Parameters")


def data_table(s: Scenario, operand: Callable[[float], str]) -> Table:
    """The inputs and targets (a batch: one row per example), η, the loss."""
    rows: list[tuple[Cell, Cell]] = []
    if s.is_batch:
        rows += [(f"example {i}", Words(example_data(s, i))) for i in range(1, len(s.examples) + 1)]
    else:
        rows += [(Words(("input ", name(key))), operand(v)) for key, v in s.inputs.items()]
        rows += [(name(f"target_{key}"), operand(v)) for key, v in s.targets.items()]
    rows += [
        (Words(("learning rate ", name("eta"))), operand(s.learning_rate)),
        ("loss", s.loss.replace("_", " ")),
        ("update biases", "yes" if s.update_biases else "no"),
    ]
    columns = (Column("", role=CellRole.LABEL), Column("value", Align.RIGHT, CellRole.NUMBER))
    return Table(columns, tuple(rows), "Data")
