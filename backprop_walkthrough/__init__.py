"""backprop-walkthrough: a worked, checked derivation of backpropagation with real numbers.

The public API (:mod:`.api`) is imported lazily so that ``backprop-walkthrough --help`` never
loads SymPy::

    from backprop_walkthrough import walkthrough, train, load_scenario
    w = walkthrough("mazur")        # or a path, a mapping, or a Scenario
    w.gradients["w1"]                # 0.000438567734…
    w.explain("w1")                  # one parameter's chain (displays itself in Jupyter)
    w.to_markdown(), w.to_latex(), w.to_html(), w.to_json()
    train("mazur", steps=10_000).E_total
    walkthrough("mazur", view="matrix", convention="both")   # the same step in matrix form
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import attributes_from
from .version import __version__

__all__ = [
    "Scenario",
    "ScenarioError",
    "TrainingRun",
    "Walkthrough",
    "__version__",
    "check",
    "check_tensors",
    "explain",
    "expression",
    "graph",
    "load_scenario",
    "matrices",
    "export",
    "shapes",
    "train",
    "validate",
    "walkthrough",
]

if TYPE_CHECKING:
    from .api import (
        Walkthrough,
        check,
        check_tensors,
        explain,
        export,
        expression,
        graph,
        load_scenario,
        matrices,
        shapes,
        train,
        validate,
        walkthrough,
    )
    from .errors import ScenarioError
    from .model import TrainingRun
    from .scenario import Scenario

__getattr__ = attributes_from(
    __name__,
    {
        "walkthrough": ".api",
        "check": ".api",
        "check_tensors": ".api",
        "expression": ".api",
        "train": ".api",
        "explain": ".api",
        "export": ".api",
        "graph": ".api",
        "shapes": ".api",
        "validate": ".api",
        "load_scenario": ".api",
        "matrices": ".api",
        "Walkthrough": ".api",
        "Scenario": ".scenario",
        "ScenarioError": ".errors",
        "TrainingRun": ".model",
    },
)
