"""The walkthrough as one JSON document, floats at full precision (``repr``)."""

from __future__ import annotations

import json
from typing import Any

import sympy as sp

from ..walkthrough import Chain, Gradient, Sum, Term, Walkthrough
from .printing import to_text


def _text(expr: sp.Basic, substitutions: Any = None) -> str:
    return to_text(expr, substitutions, digits=None, typographic=False)


def _factor(term: Term) -> dict[str, Any]:
    return {
        "factor": _text(term.label),
        "symbolic": _text(term.expr),
        "latex": sp.latex(term.expr, order="none") if not term.reference else None,
        "substituted": _text(term.expr, term.substitutions),
        "value": term.value,
        "from_above": term.reference,
    }


def _chain(chain: Chain) -> dict[str, Any]:
    return {
        "derivative": _text(chain.label),
        "via": chain.via,
        "factors": [_factor(f) for f in chain.factors],
        "value": chain.value,
    }


def _derivation(step: Chain | Sum) -> dict[str, Any]:
    if isinstance(step, Chain):
        return _chain(step)
    return {
        "derivative": _text(step.label),
        "terms": [_chain(t) for t in step.terms],
        "value": step.value,
    }


def to_document(w: Walkthrough) -> dict[str, Any]:
    """The walkthrough as plain JSON-ready data."""
    steps: dict[str, Any] = {}
    for section in w.sections:
        for step in section.steps:
            if isinstance(step, Gradient):
                entry = _derivation(step.derivation)
                if step.shake is not None:
                    entry["shake"] = {
                        "h": step.shake.h,
                        "E_total_plus_h": step.shake.plus,
                        "E_total_minus_h": step.shake.minus,
                        "numeric": step.shake.numeric,
                        "difference": step.shake.difference,
                        "agrees": step.shake.agrees,
                    }
                steps[step.wrt] = entry
    return {
        "scenario": w.scenario.name,
        "description": w.scenario.description,
        "options": {"h": w.h, "hidden_uses_updated_weights": w.hidden_uses_updated_weights},
        "learning_rate": w.scenario.learning_rate,
        "update_biases": w.scenario.update_biases,
        "forward": dict(w.forward),
        "errors": dict(w.errors),
        "gradients": dict(w.gradients),
        "numeric_gradients": dict(w.numeric_gradients),
        "updated": dict(w.updated),
        "E_total_after": w.E_total_after,
        "steps": steps,
        "published": [
            {
                "figure": c.key,
                "published": c.published,
                "computed": c.computed,
                "agrees": c.agrees,
                "why": c.why or None,
            }
            for c in w.comparisons
        ],
    }


def render_json(w: Walkthrough) -> str:
    return json.dumps(to_document(w), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
