"""The walkthrough as one JSON document, floats at full precision (``repr``).

For a batch, ``forward`` and ``errors`` are lists with one entry per example (the same keys as
for a single example); ``E_total`` at the top level is always the total over the examples.
A value that a double cannot hold (a chain's factor at extreme saturation, NaN in the model) is
``null``, and a negative zero is written as 0.0: the document is strict JSON.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy as sp

from ..engine.memory import collection_paused
from ..model import (
    Chain,
    Gradient,
    Shake,
    Sum,
    Term,
    Verdict,
    Walkthrough,
    steps_of,
)
from .json_writer import dumps
from .printing import to_latex, to_text

MOVED_BY_OPTION = "expected here: --hidden-uses-updated-weights changes the hidden-layer gradients"


#: Formulas printed once each: a big network's labels are tens of thousands.
FORMULA_CACHE = 1 << 16


@lru_cache(maxsize=FORMULA_CACHE)
def _symbolic(expr: sp.Basic) -> str:
    return to_text(expr, None, digits=None, typographic=False)


@lru_cache(maxsize=FORMULA_CACHE)
def _latex(expr: sp.Basic) -> str:
    return to_latex(expr)


def _factor(term: Term) -> dict[str, Any]:
    return {
        "factor": _symbolic(term.label),
        "symbolic": _symbolic(term.expr),
        "latex": None if term.reference else _latex(term.expr),
        "substituted": to_text(term.expr, term.substitutions, digits=None, typographic=False),
        "value": term.value,
        "from_above": term.reference,
    }


def _derivation(step: Chain | Sum) -> dict[str, Any]:
    entry: dict[str, Any] = {"derivative": _symbolic(step.label)}
    if isinstance(step, Chain) and step.via:
        entry["via"] = step.via
    if step.example is not None:
        entry["example"] = step.example
    if isinstance(step, Chain):
        entry["factors"] = [_factor(f) for f in step.factors]
        if step.fused is not None:  # the factors cannot be multiplied in doubles
            entry["fused"] = {
                "symbolic": _symbolic(step.fused.expr),
                "substituted": to_text(
                    step.fused.expr, step.fused.substitutions, digits=None, typographic=False
                ),
            }
    else:
        entry["terms"] = [_derivation(t) for t in step.terms]
        if step.simplified:
            entry["simplified"] = [_symbolic(t.expr) for t in step.simplified]
    entry["value"] = step.value
    return entry


def _shake(shake: Shake) -> dict[str, Any]:
    """A shake check: its numbers, its tolerance and its verdict (with a kink's slopes)."""
    entry: dict[str, Any] = {
        "h": shake.h,
        "E_total_plus_h": shake.plus,
        "E_total_minus_h": shake.minus,
        "numeric": shake.numeric,
        "difference": shake.difference,
        "tolerance": shake.tolerance,
        "agrees": shake.verdict is Verdict.AGREES,
        "verdict": shake.verdict.value,
    }
    if shake.kinks:
        left, right = shake.one_sided
        entry["kinks"] = [
            {"net": net, "activation": a, "on_kink": on} for net, a, on in shake.kinks
        ]
        entry["one_sided"] = {"left": left, "right": right}
    return entry


def _steps(w: Walkthrough) -> dict[str, Any]:
    """Every derivation, keyed by what it differentiates by (w5, out_h1, …)."""
    steps: dict[str, Any] = {}
    for step in steps_of(w.sections, Gradient):
        entry = _derivation(step.derivation)
        if step.shake is not None:
            entry["shake"] = _shake(step.shake)
        if step.example is None:
            steps[step.wrt] = entry
        else:  # one entry per example for the intermediate derivatives of a batch
            steps.setdefault(step.wrt, []).append(entry)
    return steps


def to_document(w: Walkthrough) -> dict[str, Any]:
    """The walkthrough as plain JSON-ready data."""
    batch = w.scenario.is_batch
    return {
        "scenario": w.scenario.name,
        "description": w.scenario.description,
        "options": {"h": w.h, "hidden_uses_updated_weights": w.hidden_uses_updated_weights},
        "loss": w.scenario.loss,
        "learning_rate": w.scenario.learning_rate,
        "update_biases": w.scenario.update_biases,
        "examples": len(w.scenario.examples),
        "forward": [dict(f) for f in w.forward] if batch else dict(w.forward[0]),
        "errors": [dict(e) for e in w.errors] if batch else dict(w.errors[0]),
        "E_total": w.E_total,
        "gradients": dict(w.gradients),
        "numeric_gradients": dict(w.numeric_gradients),
        "updated": dict(w.updated),
        "E_total_after": w.E_total_after,
        "steps": _steps(w),
        "published": [
            {
                "figure": str(c.key),
                "published": c.published,
                "computed": c.computed,
                "agrees": c.agrees,
                "why": (MOVED_BY_OPTION if c.moved_by_option else c.why) or None,
            }
            for c in w.comparisons
        ],
        **({} if w.exact is None else {"exact": {k: str(v) for k, v in w.exact.items()}}),
    }


def render_json(w: Walkthrough) -> str:
    with collection_paused():  # a big network's document is a million small objects
        return dumps(to_document(w))
