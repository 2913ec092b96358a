"""The SymPy functions of the records, each with its derivative rule, and the same on floats
in stable forms that never overflow."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import sympy as sp

from ..errors import NumericalError

# Lower-case class names, as SymPy's own functions (sp.exp, sp.tanh).
# ruff: noqa: N801

DEFAULT_LEAKY_SLOPE = 0.01
DEFAULT_LOSS = "half_squared_error"

# --- the SymPy functions and their derivative rules -------------------------------------------


class sigmoid(sp.Function):
    """The logistic function σ(x) = 1 / (1 + e^(−x)); σ'(x) = σ(x)·(1 − σ(x))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))


class exp_nonpositive(sp.Function):
    """e^x for an x known to be ≤ 0, which never overflows: the compiled fast path's σ calls
    ``math.exp`` itself through it (``safe_exp``'s check would cost as much as σ)."""

    nargs = 1


def inline_sigmoid(x: sp.Expr, e: sp.Expr) -> sp.Expr:
    """σ(x) exactly as :func:`stable_sigmoid` computes it, given ``e`` = e^(−|x|): a
    conditional expression with no call, for the compiled fast path (σ(x) and σ(−x) share
    their ``e``)."""
    return sp.Piecewise((1 / (1 + e), x >= 0), (e / (1 + e), True))


def _step(x: sp.Expr, below: sp.Expr) -> sp.Expr:
    """1 for x > 0, else ``below``: the derivative of (leaky) ReLU, 0 taken at x = 0."""
    return sp.Piecewise((1, x > 0), (below, True))


class relu(sp.Function):
    """max(0, x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _step(self.args[0], sp.Integer(0))

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, x)


class leaky_relu(sp.Function):
    """max(α·x, x) for a slope 0 ≤ α < 1 (the second argument)."""

    nargs = 2

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return _step(self.args[0], self.args[1])

    def _eval_rewrite_as_Max(self, x: sp.Expr, slope: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(slope * x, x)


class softplus(sp.Function):
    """log(1 + e^x), a smooth ReLU; its derivative is the sigmoid, softplus'(x) = σ(x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))


class silu(sp.Function):
    """x·σ(x) (also called swish); silu'(x) = σ(x)·(1 + x·(1 − σ(x)))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        x = self.args[0]
        # Built unevaluated so that it prints in the textbook's order, σ(x) first.
        return sp.Mul(sigmoid(x), 1 + x * (1 - sigmoid(x)), evaluate=False)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return x / (1 + sp.exp(-x))


class softmax(sp.Function):
    """softmax(k, net_1, …, net_K) = exp(net_k) / Σ_j exp(net_j), k counted from 0.

    Its partial derivatives are the Jacobian terms out_k·(δ_kj − out_j).
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex == 1:
            raise sp.ArgumentIndexError(self, argindex)
        k, nets = self.args[0], self.args[1:]
        j = sp.Integer(argindex - 2)
        return softmax(k, *nets) * (sp.KroneckerDelta(k, j) - softmax(j, *nets))

    def _eval_rewrite_as_exp(self, k: sp.Expr, *nets: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.exp(nets[int(k)]) / sp.Add(*(sp.exp(n) for n in nets))


class log_softmax(sp.Function):
    """log softmax(k, net_1, …): log out_k to full precision however saturated (no log 0).

    Used only inside the stable forms below, after every derivative has been taken.
    """


class log_softmax_complement(sp.Function):
    """log(1 − softmax(k, net_1, …)) to full precision: the log of the other outputs' sum."""


# --- the same on floats: stable forms that never overflow ----------------------------------


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
