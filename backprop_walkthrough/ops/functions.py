"""The SymPy functions of the records, each with its derivative rule (their float forms are in
:mod:`.floats`). The records load this module on first use (see :mod:`..lazy`)."""

from __future__ import annotations

import sympy as sp

# Lower-case class names, as SymPy's own functions (sp.exp, sp.tanh).
# ruff: noqa: N801

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


#: SymPy's own, under the name the records give it.
tanh = sp.tanh

#: The symbols of :func:`.operations.local_derivative_form`.
NET, OUT = sp.Symbol("net"), sp.Symbol("out")
