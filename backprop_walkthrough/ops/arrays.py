"""The activations' float forms on NumPy arrays: the records of :mod:`.activations`, vectorised.

Each is the array form of what the scalar fast path evaluates for one neuron — the same stable
forms in net (1 − σ(x) as σ(−x), 1 − tanh² as 4·σ(2x)·σ(−2x), log σ(x) as −softplus(−x)), so
that a layer computed at once agrees with the neurons computed one by one to the last bits
(tests/engine/test_vectorised.py). NumPy is imported here, and this module only where a
vectorised path runs: the walkthrough and ``--help`` never pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

Array = Any  # an array of floats: NumPy's generic types would add nothing here


def sigmoid(x: Array) -> Array:
    """σ(x) without overflow: e^(−|x|) only (as ``stable_sigmoid`` does one x at a time)."""
    e = np.exp(-np.abs(x))
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0, r, e * r)


def sigmoid_slope(x: Array) -> Array:
    """σ(x)·σ(−x) = σ(x)·(1 − σ(x)), both factors precise: e/(1 + e)² with e = e^(−|x|)."""
    e = np.exp(-np.abs(x))
    r = 1.0 / (1.0 + e)
    return e * r * r


def softplus(x: Array) -> Array:
    """log(1 + e^x) = max(x, 0) + log1p(e^(−|x|))."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


class ArrayActivation(NamedTuple):
    """out = value(net, slope); d out/d net = slope_of(net, out, slope); ends: for each end e
    of the activation, the distance d (from net) with out = e·(1 − d)."""

    value: Callable[[Array, float], Array]
    slope_of: Callable[[Array, Array, float], Array]
    ends: tuple[tuple[int, Callable[[Array], Array]], ...] = ()


def _silu_slope(net: Array, _out: Array, _slope: float) -> Array:
    s = sigmoid(net)
    return s * (1 + net * (1 - s))  # σ(x)·(1 + x·(1 − σ(x))), as its record's rule reads


RECORDS: dict[str, ArrayActivation] = {
    "sigmoid": ArrayActivation(
        lambda net, _s: sigmoid(net),
        lambda net, _out, _s: sigmoid_slope(net),
        ((1, lambda net: sigmoid(-net)),),
    ),
    "tanh": ArrayActivation(
        lambda net, _s: np.tanh(net),
        lambda net, _out, _s: 4 * sigmoid_slope(2 * net),  # 1 − tanh² = 4·σ(2x)·σ(−2x)
        ((1, lambda net: 2 * sigmoid(-2 * net)), (-1, lambda net: 2 * sigmoid(2 * net))),
    ),
    "relu": ArrayActivation(
        lambda net, _s: np.where(net > 0, net, 0.0),
        lambda net, _out, _s: np.where(net > 0, 1.0, 0.0),  # 0 at the kink, by convention
    ),
    "leaky_relu": ArrayActivation(
        lambda net, slope: np.where(net > 0, net, slope * net),
        lambda net, _out, slope: np.where(net > 0, 1.0, slope),
    ),
    "softplus": ArrayActivation(
        lambda net, _s: softplus(net),
        lambda net, _out, _s: sigmoid(net),
    ),
    "silu": ArrayActivation(lambda net, _s: net * sigmoid(net), _silu_slope),
    "linear": ArrayActivation(lambda net, _s: net, lambda net, _out, _s: np.ones_like(net)),
}


def _shifted(nets: Array) -> tuple[Array, Array, Array]:
    """(e^(net − top) of each row, whether each net is its row's top, Σ e^(net_j − top) of each
    row over the other nets than the k at the top): the last without the top's own 1 in it,
    which would swallow the others' sum where it is below 1e−16."""
    top = nets.max(axis=1, keepdims=True)
    shifted = np.exp(nets - top)
    at_top = nets >= top
    below = np.where(at_top, 0.0, shifted).sum(axis=1, keepdims=True)
    tops = at_top.sum(axis=1, keepdims=True)
    others_of_top = below + (tops - 1)
    return shifted, at_top, others_of_top


def log_softmax(nets: Array) -> Array:
    """log out_k for every k of each row, as ``stable_log_softmax``: where net_k is its row's
    largest, −log1p(Σ_j≠k e^(net_j − net_k)); elsewhere net_k − logsumexp."""
    shifted, at_top, others_of_top = _shifted(nets)
    total = shifted.sum(axis=1, keepdims=True)
    top = nets.max(axis=1, keepdims=True)
    return np.where(at_top, -np.log1p(others_of_top), nets - (top + np.log(total)))


def softmax(nets: Array) -> Array:
    """Each row's softmax, the largest net subtracted."""
    shifted = np.exp(nets - nets.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def softmax_others(nets: Array) -> Array:
    """1 − out_k of each row as the sum of the other outputs (no cancellation near 1)."""
    shifted, at_top, others_of_top = _shifted(nets)
    total = shifted.sum(axis=1, keepdims=True)
    return np.where(at_top, others_of_top, total - shifted) / total


# --- losses at the output layer ------------------------------------------------------------------
#
# Each takes (targets t, nets, outs, the residual t − out in its precise form) of the output
# layer, one row per example, and gives (each output's error, δ = ∂E_total/∂net). An
# elementwise output's loss gives ∂E/∂out (the activation's slope makes it δ); a fused pair
# gives δ itself, as the scalar path's fused forms do.

OutputRule = Callable[[Array, Array, Array, Array], tuple[Array, Array]]


def _half_squared(t: Array, _net: Array, out: Array, residual: Array) -> tuple[Array, Array]:
    return 0.5 * (t - out) ** 2, -residual


def _mean_squared(t: Array, _net: Array, out: Array, residual: Array) -> tuple[Array, Array]:
    n = t.shape[1]
    return (t - out) ** 2 / n, -2 * residual / n


def _sigmoid_binary_cross_entropy(
    t: Array, net: Array, _out: Array, residual: Array
) -> tuple[Array, Array]:
    """E = t·softplus(−net) + (1 − t)·softplus(net) (log σ and log(1 − σ) from net); δ = out −
    target, σ′ × BCE′ fused."""
    return t * softplus(-net) + (1 - t) * softplus(net), -residual


def _softmax_cross_entropy(
    t: Array, net: Array, out: Array, _residual: Array
) -> tuple[Array, Array]:
    """E = −Σ t·log out (log out from the nets); δ_k = out_k·Σt − t_k, and −(1 − out_k) as the
    others' sum where t_k is 1 and out_k lies above ½ (no cancellation near 1)."""
    total_t = t.sum(axis=1, keepdims=True)
    delta = out * total_t - t
    near = (t == 1) & (out > 0.5)
    if near.any():
        delta = np.where(near, (total_t - 1) - softmax_others(net) * total_t, delta)
    return -(t * log_softmax(net)), delta


#: ∂E/∂out of the losses an elementwise output layer may have on the vectorised path.
ELEMENTWISE_LOSSES: dict[str, OutputRule] = {
    "half_squared_error": _half_squared,
    "mean_squared_error": _mean_squared,
}
#: δ of an output activation and loss taken together.
FUSED: dict[tuple[str, str], OutputRule] = {
    ("sigmoid", "binary_cross_entropy"): _sigmoid_binary_cross_entropy,
    ("softmax", "cross_entropy"): _softmax_cross_entropy,
}
