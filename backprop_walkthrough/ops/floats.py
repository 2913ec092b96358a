"""The records' functions on floats, in stable forms that never overflow: what a step, a shake
check and a forward pass call, with no SymPy in sight (a ``train`` served from the step cache
imports this module and not :mod:`.functions`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..errors import NumericalError

DEFAULT_LEAKY_SLOPE = 0.01
DEFAULT_LOSS = "half_squared_error"


def fsum(values: Iterable[float]) -> float:
    """Σ values correctly rounded (``math.fsum``): the same on every Python, where 3.12's
    ``sum()`` of floats compensates and 3.11's does not. ∞ − ∞ is NaN, as with ``sum``."""
    values = list(values)
    try:
        return math.fsum(values)
    except (ValueError, OverflowError):  # ∞ − ∞, or finite terms whose sum overflows
        return sum(values)


def stable_sigmoid(x: float) -> float:
    """σ(x) without overflow: e^(−x) is only formed for x ≥ 0."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def float_relu(x: float) -> float:
    return x if x > 0 else 0.0


def float_leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def stable_softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log(1 + e^(−|x|)): no overflow, no cancellation."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def float_silu(x: float) -> float:
    return x * stable_sigmoid(x)


def safe_log(x: float) -> float:
    if x <= 0:
        raise NumericalError(f"log({x!r}) is undefined")
    return math.log(x)


def safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise NumericalError(f"exp({x!r}) overflows") from None


def stable_softmax(nets: Sequence[float]) -> list[float]:
    """exp(net_k) / Σ exp(net_j), computed with the largest net subtracted (no overflow)."""
    top = max(nets)
    exps = [math.exp(n - top) for n in nets]
    total = fsum(exps)
    return [e / total for e in exps]


def _logsumexp(xs: Sequence[float]) -> float:
    top = max(xs)
    return top + math.log(math.fsum(math.exp(x - top) for x in xs))


def stable_log_softmax(k: float, *nets: float) -> float:
    """log out_k. Where net_k is the largest, −log(1 + Σ_j≠k e^(net_j − net_k)) by log1p: no
    cancellation between two large numbers when out_k is close to 1."""
    index = int(k)
    own = nets[index]
    if own >= max(nets):
        return -math.log1p(math.fsum(math.exp(n - own) for j, n in enumerate(nets) if j != index))
    return own - _logsumexp(nets)


def stable_log_softmax_complement(k: float, *nets: float) -> float:
    """log(1 − out_k): log1p(−out_k) while out_k is small, else the log of the others' sum."""
    index = int(k)
    out = stable_softmax(nets)[index]
    if out < 0.5:
        return math.log1p(-out)
    others = [n for j, n in enumerate(nets) if j != index]
    return _logsumexp(others) - _logsumexp(nets)


def softmax_component(k: float, *nets: float) -> float:
    """softmax(k, net_1, …) as SymPy's ``softmax`` function takes it: component k (from 0)."""
    return stable_softmax(nets)[int(k)]
