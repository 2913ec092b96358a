"""A scalar program's walkthrough as JSON (every other format is laid out by
:mod:`.expression_layout` and written by the network's writers)."""

from __future__ import annotations

from typing import Any

from ..model import ExpressionWalkthrough
from .json_writer import dumps


def expression_document(w: ExpressionWalkthrough) -> dict[str, Any]:
    shakes = {s.wrt: s for s in w.shakes}
    return {
        "name": w.name,
        "program": w.program,
        "output": w.output,
        "order": [n.name for n in w.nodes],
        "nodes": {
            n.name: {
                "value": n.value,
                "grad": n.grad,
                "op": n.op,
                "inputs": list(n.inputs),
                "formula": str(n.formula),
                "terms": [
                    {"from": c.user, "upstream": c.upstream, "local": c.local.value}
                    for c in n.contributions
                ],
                **(
                    {
                        "shake": {
                            "numeric": shakes[n.name].numeric,
                            "verdict": shakes[n.name].verdict.value,
                        }
                    }
                    if n.name in shakes
                    else {}
                ),
            }
            for n in w.nodes
        },
        "nudge": w.nudge,
        "nudged_output": w.nudged_output,
        "exact": None
        if w.exact is None
        else {k: {"value": str(v), "grad": str(g)} for k, (v, g) in w.exact.items()},
    }


def render_expression_json(w: ExpressionWalkthrough) -> str:
    return dumps(expression_document(w))
