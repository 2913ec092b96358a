"""The scenario as tables: its parameters (each, or by group for a big network) and its data.

The walkthrough's first section shows them; a worksheet's head and a practice session can show
the same blocks.
"""

from __future__ import annotations

from collections.abc import Callable

from ..scenario.types import Bias, Scenario, Weight
from .blocks import Align, CellRole, Column, Table
from .numbers import format_given


def example_data(s: Scenario, example: int) -> str:
    """One example's inputs and targets, as given."""
    data = s.examples[example - 1]
    inputs = ", ".join(f"{k} = {format_given(v, True)}" for k, v in data.inputs.items())
    targets = ", ".join(f"{k} = {format_given(v, True)}" for k, v in data.targets.items())
    return f"inputs {inputs}; targets {targets}"


def parameter_table(s: Scenario, operand: Callable[[float], str]) -> Table:
    """Every weight and bias: its name, what it connects and its value."""
    rows: list[tuple[str, ...]] = [
        (w.name, f"{w.source} → {w.target}", operand(w.value)) for w in s.weights
    ]
    for b in s.biases:
        shared = " (shared)" if len(b.targets) > 1 else ""
        rows.append((b.name, f"1 → {', '.join(b.targets)}{shared}", operand(b.value)))
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
    rows = []
    for connects, params in groups.items():
        values = [p.value for p in params]
        names = params[0].name if len(params) == 1 else f"{params[0].name} … {params[-1].name}"
        span = f"{operand(min(values))} … {operand(max(values))}"
        rows.append((f"{names} ({len(params)})", connects, span))
    columns = (
        Column("parameters", role=CellRole.LABEL),
        Column("connect"),
        Column("values", Align.RIGHT, CellRole.NUMBER),
    )
    return Table(columns, tuple(rows), "Parameters")


def data_table(s: Scenario, operand: Callable[[float], str]) -> Table:
    """The inputs and targets (a batch: one row per example), η, the loss."""
    rows: list[tuple[str, str]] = []
    if s.is_batch:
        rows += [(f"example {i}", example_data(s, i)) for i in range(1, len(s.examples) + 1)]
    else:
        rows += [(f"input {name}", operand(v)) for name, v in s.inputs.items()]
        rows += [(f"target_{name}", operand(v)) for name, v in s.targets.items()]
    rows += [
        ("learning rate η", operand(s.learning_rate)),
        ("loss", s.loss.replace("_", " ")),
        ("update biases", "yes" if s.update_biases else "no"),
    ]
    columns = (Column("", role=CellRole.LABEL), Column("value", Align.RIGHT, CellRole.NUMBER))
    return Table(columns, tuple(rows), "Data")
