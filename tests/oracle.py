"""An independent numeric backprop for layered sigmoid networks with the half squared error.

It reads the scenario YAML itself and shares no code with the package: plain floats, the
textbook δ recursion. The tests compare the engine with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def _targets_of(bias: Mapping[str, Any]) -> list[str]:
    to = bias["to"]
    return [to] if isinstance(to, str) else list(to)


def forward(doc: Mapping[str, Any], params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every neuron's output and ``E_total``, with optional parameter overrides."""
    params = params or {}
    weights = {k: params.get(k, w["value"]) for k, w in doc["weights"].items()}
    biases = {k: params.get(k, b["value"]) for k, b in doc.get("biases", {}).items()}
    out = dict(doc["inputs"])
    for layer in doc["layers"][1:]:
        for n in layer["neurons"]:
            net = sum(
                weights[k] * out[w["from"]] for k, w in doc["weights"].items() if w["to"] == n
            )
            net += sum(biases[k] for k, b in doc.get("biases", {}).items() if n in _targets_of(b))
            out[n] = 1 / (1 + math.exp(-net))
    out["E_total"] = sum(0.5 * (t - out[o]) ** 2 for o, t in doc["targets"].items())
    return out


def gradients(doc: Mapping[str, Any]) -> dict[str, float]:
    """∂E_total/∂p for every weight and bias, by the δ recursion."""
    out = forward(doc)
    delta: dict[str, float] = {}
    for layer in reversed(doc["layers"][1:]):
        for n in layer["neurons"]:
            if n in doc["targets"]:
                d_out = -(doc["targets"][n] - out[n])
            else:
                d_out = sum(
                    w["value"] * delta[w["to"]] for w in doc["weights"].values() if w["from"] == n
                )
            delta[n] = d_out * out[n] * (1 - out[n])
    grads = {k: delta[w["to"]] * out[w["from"]] for k, w in doc["weights"].items()}
    for k, b in doc.get("biases", {}).items():
        grads[k] = sum(delta[n] for n in _targets_of(b))
    return grads


def central_difference(doc: Mapping[str, Any], name: str, h: float = 1e-6) -> float:
    value = (
        doc["weights"][name]["value"] if name in doc["weights"] else doc["biases"][name]["value"]
    )
    plus = forward(doc, {name: value + h})["E_total"]
    minus = forward(doc, {name: value - h})["E_total"]
    return (plus - minus) / (2 * h)
