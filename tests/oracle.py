"""An independent numeric backprop for layered networks: every activation, loss and batch.

It reads the scenario document (a dict, as YAML gives it) itself and shares no code with the
package: plain floats and the textbook δ recursion, with the full softmax Jacobian. The tests
compare the engine with it. Generated parameters (``init:``) are not supported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def _targets_of(bias: Mapping[str, Any]) -> list[str]:
    to = bias["to"]
    return [to] if isinstance(to, str) else list(to)


def _activate(name: str, nets: list[float], slope: float) -> list[float]:
    if name == "sigmoid":
        return [1 / (1 + math.exp(-n)) if n >= 0 else math.exp(n) / (1 + math.exp(n)) for n in nets]
    if name == "tanh":
        return [math.tanh(n) for n in nets]
    if name == "relu":
        return [max(n, 0.0) for n in nets]
    if name == "leaky_relu":
        return [n if n > 0 else slope * n for n in nets]
    if name == "linear":
        return list(nets)
    if name == "softplus":
        return [math.log(1 + math.exp(n)) if n < 30 else n + math.exp(-n) for n in nets]
    if name == "silu":
        return [n / (1 + math.exp(-n)) if n > -700 else 0.0 for n in nets]
    if name == "softmax":
        top = max(nets)
        exps = [math.exp(n - top) for n in nets]
        return [e / sum(exps) for e in exps]
    raise ValueError(name)


def _activation_derivative(name: str, net: float, out: float, slope: float) -> float:
    """dout/dnet for the element-wise activations."""
    return {
        "sigmoid": lambda: out * (1 - out),
        "tanh": lambda: 1 - out * out,
        "relu": lambda: 1.0 if net > 0 else 0.0,
        "leaky_relu": lambda: 1.0 if net > 0 else slope,
        "linear": lambda: 1.0,
        # d/dx log(1 + e^x) = e^x / (1 + e^x); d/dx x/(1 + e^−x) by the quotient rule.
        "softplus": lambda: math.exp(net) / (1 + math.exp(net)),
        "silu": lambda: (1 + math.exp(-net) + net * math.exp(-net)) / (1 + math.exp(-net)) ** 2,
    }[name]()


def _loss(loss: str, t: float, o: float, n: int) -> float:
    if loss == "half_squared_error":
        return 0.5 * (t - o) ** 2
    if loss == "mean_squared_error":
        return (t - o) ** 2 / n
    if loss == "binary_cross_entropy":
        return -(t * math.log(o) + (1 - t) * math.log(1 - o))
    return -t * math.log(o)


def _loss_derivative(loss: str, t: float, o: float, n: int) -> float:
    if loss == "half_squared_error":
        return o - t
    if loss == "mean_squared_error":
        return 2 * (o - t) / n
    if loss == "binary_cross_entropy":
        return -t / o + (1 - t) / (1 - o)
    return -t / o


def _examples(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if "examples" in doc:
        return doc["examples"]
    return [{"inputs": doc["inputs"], "targets": doc["targets"]}]


def _forward(doc, example, weights, biases):
    out = dict(example["inputs"])
    nets: dict[str, float] = {}
    for layer in doc["layers"][1:]:
        names = layer["neurons"]
        layer_nets = []
        for n in names:
            net = sum(
                weights[k] * out[w["from"]] for k, w in doc["weights"].items() if w["to"] == n
            )
            net += sum(biases[k] for k, b in doc.get("biases", {}).items() if n in _targets_of(b))
            nets[n] = net
            layer_nets.append(net)
        outs = _activate(layer["activation"], layer_nets, layer.get("slope", 0.01))
        out.update(zip(names, outs, strict=True))
    return nets, out


def total_error(doc: Mapping[str, Any], params: Mapping[str, float] | None = None) -> float:
    """E_total, summed over the examples, with optional parameter overrides."""
    params = params or {}
    weights = {k: params.get(k, w["value"]) for k, w in doc["weights"].items()}
    biases = {k: params.get(k, b["value"]) for k, b in doc.get("biases", {}).items()}
    outputs = doc["layers"][-1]["neurons"]
    total = 0.0
    for example in _examples(doc):
        _, out = _forward(doc, example, weights, biases)
        targets = example["targets"]
        total += sum(
            _loss(doc.get("loss", "half_squared_error"), targets[o], out[o], len(outputs))
            for o in outputs
        )
    return total


def gradients(doc: Mapping[str, Any]) -> dict[str, float]:
    """∂E_total/∂p for every weight and bias, by the δ recursion, summed over the examples."""
    weights = {k: w["value"] for k, w in doc["weights"].items()}
    biases = {k: b["value"] for k, b in doc.get("biases", {}).items()}
    loss = doc.get("loss", "half_squared_error")
    layers = doc["layers"]
    outputs = layers[-1]["neurons"]
    grads = dict.fromkeys(list(weights) + list(biases), 0.0)
    for example in _examples(doc):
        nets, out = _forward(doc, example, weights, biases)
        targets = example["targets"]
        delta: dict[str, float] = {}
        for index in range(len(layers) - 1, 0, -1):
            layer = layers[index]
            names = layer["neurons"]
            if index == len(layers) - 1:
                d_out = {o: _loss_derivative(loss, targets[o], out[o], len(outputs)) for o in names}
            else:
                d_out = {
                    n: sum(
                        w["value"] * delta[w["to"]]
                        for w in doc["weights"].values()
                        if w["from"] == n
                    )
                    for n in names
                }
            if layer["activation"] == "softmax":
                for k in names:  # Jacobian: ∂out_j/∂net_k = out_j (δ_jk − out_k)
                    delta[k] = sum(d_out[j] * out[j] * ((j == k) - out[k]) for j in names)
            else:
                slope = layer.get("slope", 0.01)
                for n in names:
                    delta[n] = d_out[n] * _activation_derivative(
                        layer["activation"], nets[n], out[n], slope
                    )
        for k, w in doc["weights"].items():
            grads[k] += delta[w["to"]] * out[w["from"]]
        for k, b in doc.get("biases", {}).items():
            grads[k] += sum(delta[n] for n in _targets_of(b))
    return grads


def central_difference(doc: Mapping[str, Any], name: str, h: float = 1e-6) -> float:
    value = (
        doc["weights"][name]["value"] if name in doc["weights"] else doc["biases"][name]["value"]
    )
    plus = total_error(doc, {name: value + h})
    minus = total_error(doc, {name: value - h})
    return (plus - minus) / (2 * h)


def forward(doc: Mapping[str, Any]) -> dict[str, float]:
    """The first example's outputs and the batch's E_total (the old helper's shape)."""
    weights = {k: w["value"] for k, w in doc["weights"].items()}
    biases = {k: b["value"] for k, b in doc.get("biases", {}).items()}
    _, out = _forward(doc, _examples(doc)[0], weights, biases)
    out["E_total"] = total_error(doc)
    return out
