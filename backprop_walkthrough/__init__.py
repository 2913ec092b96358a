"""backprop-walkthrough: a worked, checked derivation of backpropagation with real numbers.

The public API is imported lazily so that ``backprop-walkthrough --help`` never loads SymPy::

    from backprop_walkthrough import walkthrough, train, load_scenario, Scenario
    w = walkthrough("mazur")        # or a path, or Scenario.from_dict({...})
    w.gradients["w1"]                # 0.000438567734…
    w.explain("w1")                  # one parameter's chain (displays itself in Jupyter)
    w.to_markdown(), w.to_latex(), w.to_html(), w.to_json()
    train("mazur", steps=10_000).E_total
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.6.0"
__all__ = [
    "Scenario",
    "ScenarioError",
    "TrainingRun",
    "Walkthrough",
    "__version__",
    "derive",
    "load_scenario",
    "train",
    "walkthrough",
]

if TYPE_CHECKING:
    from .api import train, walkthrough
    from .derivation import derive
    from .model import Walkthrough
    from .scenario import Scenario, ScenarioError, load_scenario
    from .training import TrainingRun

_LAZY = {
    "walkthrough": "api",
    "train": "api",
    "derive": "derivation",
    "Walkthrough": "model",
    "Scenario": "scenario",
    "ScenarioError": "scenario",
    "load_scenario": "scenario",
    "TrainingRun": "training",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'backprop_walkthrough' has no attribute {name!r}")
