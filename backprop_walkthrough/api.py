"""The Python API: what the command line does, as functions that return objects.

    >>> from backprop_walkthrough import walkthrough, train
    >>> w = walkthrough("mazur")          # a built-in name, a path, or a Scenario
    >>> round(w.gradients["w1"], 9)
    0.000438568
    >>> run = train("mazur", steps=10_000)
    >>> round(run.E_total, 10)
    3.51019e-05

Everything returned is immutable and safe to keep. In Jupyter a walkthrough displays itself
with typeset formulas (``_repr_html_``, MathML; ``_repr_markdown_``, LaTeX).
"""

from __future__ import annotations

from pathlib import Path

from .derivation import derive
from .model import Walkthrough
from .scenario import Scenario, load_scenario
from .training import TrainingRun
from .training import train as _train


def _scenario(scenario: str | Path | Scenario) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def walkthrough(
    scenario: str | Path | Scenario, *, h: float = 1e-6, hidden_uses_updated_weights: bool = False
) -> Walkthrough:
    """One step of backpropagation for a built-in name, a YAML path or a :class:`Scenario`."""
    return derive(_scenario(scenario), h=h, hidden_uses_updated_weights=hidden_uses_updated_weights)


def train(
    scenario: str | Path | Scenario,
    steps: int = 10_000,
    *,
    learning_rate: float | None = None,
    stop_below: float | None = None,
    every: int | None = None,
    hidden_uses_updated_weights: bool = False,
) -> TrainingRun:
    """Gradient descent on the compiled fast path; the run's history and final values."""
    return _train(
        _scenario(scenario),
        steps,
        learning_rate=learning_rate,
        stop_below=stop_below,
        every=every,
        hidden_uses_updated_weights=hidden_uses_updated_weights,
    )
