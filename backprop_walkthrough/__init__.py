"""backprop-walkthrough: a worked, checked derivation of backpropagation with real numbers.

The public API is imported lazily so that ``backprop-walkthrough --help`` never loads SymPy::

    from backprop_walkthrough import load_scenario, derive
    w = derive(load_scenario("mazur"))
    w.gradients["w1"]        # 0.000438567734…
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.5.0"
__all__ = ["Scenario", "ScenarioError", "Walkthrough", "__version__", "derive", "load_scenario"]

if TYPE_CHECKING:
    from .derivation import derive
    from .scenario import Scenario, ScenarioError, load_scenario
    from .walkthrough import Walkthrough


def __getattr__(name: str) -> Any:
    if name == "derive":
        from .derivation import derive

        return derive
    if name in ("Scenario", "ScenarioError", "load_scenario"):
        from . import scenario

        return getattr(scenario, name)
    if name == "Walkthrough":
        from .walkthrough import Walkthrough

        return Walkthrough
    raise AttributeError(f"module 'backprop_walkthrough' has no attribute {name!r}")
