"""The arbiter: backprop in mpmath at 50 significant digits, for any scenario document.

It shares no code with the package (nor with ``oracle.py``): the δ recursion written out, with
every activation's derivative taken from net (σ' = σ(net)·σ(−net), tanh' = 1/cosh²(net)) and
1 − out taken as the complement itself (σ(−net), or the other softmax outputs), so that it keeps
its 50 digits however saturated a neuron is. mpmath's exponent is unbounded, so e^±5000 is an
ordinary number here: nothing over- or underflows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mpmath

DIGITS = 50


def _f(value: float) -> mpmath.mpf:
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(value)  # the double exactly, as the tool reads it


def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def _targets_of(bias: Mapping[str, Any]) -> list[str]:
    to = bias["to"]
    return [to] if isinstance(to, str) else list(to)


def _examples(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if "examples" in doc:
        return doc["examples"]
    return [{"inputs": doc["inputs"], "targets": doc["targets"]}]


def _layer(activation: str, nets: list, slope) -> tuple[list, list]:
    """(outs, complements 1 − out) of a layer."""
    if activation == "sigmoid":
        return [_sigmoid(n) for n in nets], [_sigmoid(-n) for n in nets]
    if activation == "softmax":
        top = max(nets)
        exps = [mpmath.exp(n - top) for n in nets]
        total = mpmath.fsum(exps)
        outs = [e / total for e in exps]
        rest = [
            mpmath.fsum(e for j, e in enumerate(exps) if j != k) / total for k in range(len(nets))
        ]
        return outs, rest
    functions = {
        "tanh": mpmath.tanh,
        "relu": lambda n: n if n > 0 else mpmath.mpf(0),
        "leaky_relu": lambda n: n if n > 0 else slope * n,
        "linear": lambda n: n,
        "softplus": lambda n: mpmath.log1p(mpmath.exp(n)),
        "silu": lambda n: n * _sigmoid(n),
    }
    outs = [functions[activation](n) for n in nets]
    return outs, [1 - o for o in outs]


def _slope(activation: str, net, slope):
    """dout/dnet of an element-wise activation, from net."""
    if activation == "sigmoid":
        return _sigmoid(net) * _sigmoid(-net)
    if activation == "tanh":
        return 1 / mpmath.cosh(net) ** 2
    if activation == "relu":
        return mpmath.mpf(1 if net > 0 else 0)
    if activation == "leaky_relu":
        return mpmath.mpf(1) if net > 0 else slope
    if activation == "linear":
        return mpmath.mpf(1)
    if activation == "softplus":
        return _sigmoid(net)
    if activation == "silu":
        return _sigmoid(net) * (1 + net * _sigmoid(-net))
    raise ValueError(activation)


def _loss(loss: str, t, o, c, n: int):
    """One output's error; ``c`` is 1 − o, kept to all its digits."""
    if loss == "half_squared_error":
        return (t - o) ** 2 / 2
    if loss == "mean_squared_error":
        return (t - o) ** 2 / n
    if loss == "binary_cross_entropy":
        return -(t * mpmath.log(o) + (1 - t) * mpmath.log(c))
    return -t * mpmath.log(o)


def _loss_slope(loss: str, t, o, c, n: int):
    if loss == "half_squared_error":
        return o - t
    if loss == "mean_squared_error":
        return 2 * (o - t) / n
    if loss == "binary_cross_entropy":
        return -t / o + (1 - t) / c
    return -t / o


def _forward(doc, example, params):
    out = {k: _f(v) for k, v in example["inputs"].items()}
    complements: dict = {}
    nets: dict = {}
    for layer in doc["layers"][1:]:
        names = layer["neurons"]
        layer_nets = []
        for n in names:
            net = mpmath.fsum(
                params[k] * out[w["from"]] for k, w in doc["weights"].items() if w["to"] == n
            )
            net += mpmath.fsum(
                params[k] for k, b in doc.get("biases", {}).items() if n in _targets_of(b)
            )
            nets[n] = net
            layer_nets.append(net)
        outs, rest = _layer(layer["activation"], layer_nets, _f(layer.get("slope", 0.01)))
        out.update(zip(names, outs, strict=True))
        complements.update(zip(names, rest, strict=True))
    return nets, out, complements


def _parameters(doc, overrides=None) -> dict:
    params = {k: _f(w["value"]) for k, w in doc["weights"].items()}
    params.update({k: _f(b["value"]) for k, b in doc.get("biases", {}).items()})
    params.update(overrides or {})
    return params


def total_error(doc: Mapping[str, Any], overrides: Mapping[str, Any] | None = None):
    """E_total at 50 digits (an mpf), summed over the examples."""
    with mpmath.workdps(DIGITS):
        params = _parameters(doc, overrides)
        loss = doc.get("loss", "half_squared_error")
        outputs = doc["layers"][-1]["neurons"]
        total = mpmath.mpf(0)
        for example in _examples(doc):
            _, out, rest = _forward(doc, example, params)
            for o in outputs:
                t = _f(example["targets"][o])
                total += _loss(loss, t, out[o], rest[o], len(outputs))
        return +total


def gradients(doc: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict:
    """∂E_total/∂p for every weight and bias at 50 digits (mpf), by the δ recursion."""
    with mpmath.workdps(DIGITS):
        params = _parameters(doc, overrides)
        loss = doc.get("loss", "half_squared_error")
        layers = doc["layers"]
        outputs = layers[-1]["neurons"]
        grads = dict.fromkeys(params, mpmath.mpf(0))
        for example in _examples(doc):
            nets, out, rest = _forward(doc, example, params)
            delta: dict = {}
            for index in range(len(layers) - 1, 0, -1):
                layer = layers[index]
                names = layer["neurons"]
                if index == len(layers) - 1:
                    d_out = {
                        o: _loss_slope(
                            loss, _f(example["targets"][o]), out[o], rest[o], len(outputs)
                        )
                        for o in names
                    }
                else:
                    d_out = {
                        n: mpmath.fsum(
                            params[k] * delta[w["to"]]
                            for k, w in doc["weights"].items()
                            if w["from"] == n
                        )
                        for n in names
                    }
                if layer["activation"] == "softmax":
                    for k in names:  # ∂out_j/∂net_k = out_j·(δ_jk − out_k); 1 − out_k kept whole
                        delta[k] = mpmath.fsum(
                            d_out[j] * out[j] * (rest[k] if j == k else -out[k]) for j in names
                        )
                else:
                    slope = _f(layer.get("slope", 0.01))
                    for n in names:
                        delta[n] = d_out[n] * _slope(layer["activation"], nets[n], slope)
            for k, w in doc["weights"].items():
                grads[k] += delta[w["to"]] * out[w["from"]]
            for k, b in doc.get("biases", {}).items():
                grads[k] += mpmath.fsum(delta[n] for n in _targets_of(b))
        return grads


def updated(doc: Mapping[str, Any]) -> dict:
    """The parameters after one step (biases only with update_biases), at 50 digits."""
    with mpmath.workdps(DIGITS):
        rate = _f(doc["learning_rate"])
        grads = gradients(doc)
        moving = set(doc["weights"])
        if doc.get("update_biases", False):  # the scenario's default
            moving |= set(doc.get("biases", {}))
        params = _parameters(doc)
        return {k: v - rate * grads[k] if k in moving else v for k, v in params.items()}
