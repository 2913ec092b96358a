"""Big layers in the terminal: the first neuron in full, the others in one table.

A 4-16-16-4 network has 420 parameters; shown in full its walkthrough runs to thousands of
lines. By default a layer with more than :data:`COMPACT_ABOVE` neurons shows its first neuron
with every factor and sums up the rest, each with its value and shake check; ``--full`` shows
everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import Gradient, Step, Term
from ..scenario import Scenario

COMPACT_ABOVE = 4


def compacted_neurons(scenario: Scenario, full: bool) -> frozenset[str]:
    """The neurons whose steps go into a summary table instead of being shown in full."""
    if full:
        return frozenset()
    return frozenset(
        neuron
        for layer in scenario.layers
        if len(layer.neurons) > COMPACT_ABOVE
        for neuron in layer.neurons[1:]
    )


def split_steps(steps: Iterable[Step], compacted: frozenset[str]) -> tuple[list[Step], list[Step]]:
    """(steps shown in full, steps summarised) — only Terms and Gradients are summarised."""
    shown: list[Step] = []
    summarised: list[Step] = []
    for step in steps:
        neuron = getattr(step, "neuron", None)
        if isinstance(step, (Term, Gradient)) and neuron in compacted:
            summarised.append(step)
        else:
            shown.append(step)
    return shown, summarised


def term_rows(terms: Sequence[Term]) -> tuple[list[str], list[list[str | float | None]]]:
    """A pivot of forward/error terms: one row per neuron (and example), one column per kind."""
    kinds: list[str] = []
    rows: dict[tuple[str, int | None], dict[str, float]] = {}
    for term in terms:
        kind = term.key.split("_", 1)[0]
        if kind not in kinds:
            kinds.append(kind)
        rows.setdefault((term.neuron or "", term.example), {})[kind] = term.value
    table = [
        [neuron, example, *(values.get(k) for k in kinds)]
        for (neuron, example), values in rows.items()
    ]
    return kinds, table
