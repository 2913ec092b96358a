"""Activations and losses as SymPy expressions whose derivatives read like a textbook.

SymPy would differentiate ``1/(1 + exp(-x))`` into ``exp(-x)/(1 + exp(-x))**2``. Declaring the
sigmoid as a function with its own derivative rule, σ'(x) = σ(x)·(1 − σ(x)), keeps the derivative
in the form learners write, ``out·(1 − out)`` once σ(net) is replaced by ``out``. Each rule is
the calculus fact itself, and a test checks it against SymPy's derivative of the explicit formula.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

#: Activations and the losses a scenario may name.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
LOSSES = ("half_squared_error", "mean_squared_error", "binary_cross_entropy", "cross_entropy")

# Lower-case class names, as SymPy's own functions (sp.exp, sp.tanh).
# ruff: noqa: N801


class sigmoid(sp.Function):
    """The logistic function σ(x) = 1 / (1 + e^(−x))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))


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


def activation_expression(
    name: str, net: sp.Symbol, layer_nets: Sequence[sp.Symbol], index: int, slope: float | None
) -> sp.Expr:
    """out = activation(net) for the neuron at ``index`` of a layer whose nets are given."""
    if name == "sigmoid":
        return sigmoid(net)
    if name == "tanh":
        return sp.tanh(net)
    if name == "relu":
        return relu(net)
    if name == "leaky_relu":
        return leaky_relu(net, sp.Float(slope if slope is not None else 0.01, 15))
    if name == "linear":
        return net
    if name == "softmax":
        return softmax(sp.Integer(index), *layer_nets)
    raise ValueError(f"unknown activation {name!r}")


def activation_definition(name: str) -> tuple[sp.Expr, sp.Expr]:
    """(name(x), its formula), shown once at the top of the walkthrough.

    Built on demand: each definition costs SymPy a few milliseconds to construct, and a
    scenario shows one or two of the six.
    """
    x = sp.Symbol("x")
    if name == "sigmoid":
        return sigmoid(x), 1 / (1 + sp.exp(-x))
    if name == "tanh":
        numerator = sp.Add(sp.exp(x), -sp.exp(-x), evaluate=False)
        denominator = sp.Add(sp.exp(x), sp.exp(-x), evaluate=False)
        return sp.Function("tanh")(x), sp.Mul(
            numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False
        )
    if name == "relu":
        return relu(x), sp.Max(0, x)
    if name == "leaky_relu":
        return sp.Function("leaky_relu")(x), sp.Max(sp.Symbol("alpha") * x, x)
    if name == "linear":
        return sp.Function("linear")(x), x
    if name == "softmax":
        xk, xj, j, k = sp.symbols("x_k x_j j K")
        return sp.Function("softmax")(xk), sp.exp(xk) / sp.Sum(sp.exp(xj), (j, 1, k))
    raise ValueError(f"unknown activation {name!r}")


def error_expression(loss: str, target: sp.Symbol, out: sp.Symbol, outputs: int) -> sp.Expr:
    """The error of one output neuron; E_total is their sum (and, for a batch, over examples).

    Built unevaluated so that it prints as written: ½(target − out)², not SymPy's reordering.
    """
    residual = residual_expression(target, out)
    if loss == "half_squared_error":
        return sp.Mul(sp.Rational(1, 2), sp.Pow(residual, 2, evaluate=False), evaluate=False)
    if loss == "mean_squared_error":
        return sp.Mul(sp.Rational(1, outputs), sp.Pow(residual, 2, evaluate=False), evaluate=False)
    if loss == "binary_cross_entropy":
        one_minus = sp.Add(1, sp.Mul(-1, target, evaluate=False), evaluate=False)
        one_minus_out = sp.Add(1, sp.Mul(-1, out, evaluate=False), evaluate=False)
        inner = sp.Add(
            sp.Mul(target, sp.log(out), evaluate=False),
            sp.Mul(one_minus, sp.log(one_minus_out), evaluate=False),
            evaluate=False,
        )
        return sp.Mul(-1, inner, evaluate=False)
    if loss == "cross_entropy":
        return sp.Mul(-1, sp.Mul(target, sp.log(out), evaluate=False), evaluate=False)
    raise ValueError(f"unknown loss {loss!r}")


def residual_expression(target: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    """(target − out), unevaluated."""
    return sp.Add(target, sp.Mul(-1, out, evaluate=False), evaluate=False)


#: One line on each loss, shown above the errors.
LOSS_DESCRIPTIONS = {
    "half_squared_error": "E_total = Σ ½ (target − out)² over the output neurons.",
    "mean_squared_error": "E_total = (1/N) Σ (target − out)² over the N output neurons.",
    "binary_cross_entropy": (
        "E_total = −Σ [target·log(out) + (1 − target)·log(1 − out)] over the output neurons."
    ),
    "cross_entropy": "E_total = −Σ target·log(out) over the output neurons.",
}
