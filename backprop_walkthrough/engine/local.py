"""Local derivatives at a point, evaluated stably: the one place every view takes them from.

The textbook writes σ′ = out·(1 − out) and tanh′ = 1 − out²; evaluated from a rounded out, both
lose every digit as the neuron saturates (σ′(37) is exactly 0 that way). Every record of
:mod:`..ops` maps those groups to forms in net that keep full precision, and every number here is
the record's derivative with its groups replaced by them (:func:`..ops.local_derivative_form`).
The matrix view and ``expr`` take every local derivative from here; the scalar walkthrough's
chains are these derivatives with the same groups, evaluated by the same function
(:func:`.scalar.residuals.stable_value`), and the fast path compiles the same forms.

:func:`output_layer` does the same for the loss: ∂E/∂out_k with its groups in net and, where the
target is an end of the activation and out lies near it, the residual written as the distance
to that end (:mod:`.scalar.residuals`); δ_k as that product, or — where the two factors are 0
and ∞ in doubles (a saturated cross-entropy) — as the form SymPy cancels them to, as the scalar
view does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import sympy as sp

from .. import ops
from ..errors import NumericalError
from .evaluate import evaluate
from .scalar import residuals
from .scalar.calculus import cancelled_product, collected_softmax_delta


def activation_slope(name: str, net: float, slope: float = ops.DEFAULT_LEAKY_SLOPE) -> float:
    """∂out/∂net of an element-wise activation or a program's operation at ``net``, stably."""
    form = ops.local_derivative_form(name, slope)
    return evaluate(form, {ops.NET: net, ops.OUT: ops.apply(name, net, slope)})


class OutputExample(NamedTuple):
    """The output layer's local derivatives for one example, each evaluated stably."""

    d_error: list[float]  # ∂E_total/∂out_k
    d_out: list[float] | None  # ∂out_k/∂net_k (an element-wise activation)
    jacobian: list[list[float]] | None  # ∂out_j/∂net_k, [j][k] (softmax)
    delta: list[float]  # ∂E_total/∂net_k
    fused: tuple[int, ...]  # the k whose δ only the cancelled form could give


class _Forms(NamedTuple):
    nets: tuple[sp.Symbol, ...]
    outs: tuple[sp.Symbol, ...]
    targets: tuple[sp.Symbol, ...]
    errors: tuple[sp.Expr, ...]  # E_k, the loss of each output
    d_error: tuple[sp.Expr, ...]
    d_out: tuple[sp.Expr, ...]
    jacobian: tuple[tuple[sp.Expr, ...], ...]
    groups: dict[sp.Expr, sp.Expr]
    ends: tuple[tuple[tuple[int, sp.Symbol, sp.Expr], ...], ...]


LOSS_OUT, LOSS_TARGET = sp.Symbol("out"), sp.Symbol("target")


@lru_cache(maxsize=64)
def loss_derivative(loss: str, outputs: int, out: sp.Symbol, target: sp.Symbol) -> sp.Expr:
    """∂E_k/∂out_k of the loss record, in ``out`` and ``target``, derived once."""
    return sp.diff(ops.loss(loss).term(target, out, outputs), out)


@lru_cache(maxsize=64)
def _output_forms(loss: str, activation: str, slope: float, n: int) -> _Forms:
    """The output layer's formulas in symbols, from the loss and activation records, once."""
    record = ops.activation(activation)
    nets = tuple(sp.Symbol(f"net_o{k + 1}") for k in range(n))
    outs = tuple(sp.Symbol(f"out_o{k + 1}") for k in range(n))
    targets = tuple(sp.Symbol(f"target_o{k + 1}") for k in range(n))
    errors = tuple(ops.loss(loss).term(targets[k], outs[k], n) for k in range(n))
    # One derivative of the loss record, put in for each output (E_k reads out_k alone).
    rule = loss_derivative(loss, n, LOSS_OUT, LOSS_TARGET)
    d_error = tuple(rule.xreplace({LOSS_OUT: outs[k], LOSS_TARGET: targets[k]}) for k in range(n))
    groups: dict[sp.Expr, sp.Expr] = {}
    ends = []
    for k in range(n):
        groups.update(record.stable(outs[k], nets[k], nets, k))
        ends.append(
            tuple(
                (end, sp.Symbol(f"_distance_{k}_{'up' if end > 0 else 'down'}"), form)
                for end, form in record.ends(outs[k], nets[k], nets, k)
            )
        )
    d_out: tuple[sp.Expr, ...] = ()
    jacobian: tuple[tuple[sp.Expr, ...], ...] = ()
    if record.elementwise:
        form = ops.local_derivative_form(activation, slope, stable=False)
        d_out = tuple(form.xreplace({ops.OUT: outs[k], ops.NET: nets[k]}) for k in range(n))
    else:  # softmax: SymPy's ∂out_j/∂net_k of the record, out_j·(δ_jk − out_k)
        built = [record.build(nets[j], nets, j, slope) for j in range(n)]
        as_outs = dict(zip(built, outs, strict=True))
        jacobian = tuple(
            tuple(sp.diff(built[j], nets[k]).xreplace(as_outs) for k in range(n)) for j in range(n)
        )
    return _Forms(nets, outs, targets, errors, d_error, d_out, jacobian, groups, tuple(ends))


@lru_cache(maxsize=64)
def _fused(loss: str, activation: str, slope: float, n: int, k: int) -> sp.Expr:
    """δ_k in the one form SymPy cancels its factors to (σ′ × BCE′ = out − target), for where
    they are 0 and ∞ in doubles: built only then (cancelling takes SymPy a while)."""
    forms = _output_forms(loss, activation, slope, n)
    if forms.d_out:
        return cancelled_product(forms.d_out[k], forms.d_error[k])
    summed = sp.Add(*(forms.jacobian[j][k] * forms.d_error[j] for j in range(n)))
    sums_to_one = ops.loss(loss).targets_sum_to_one
    simpler = collected_softmax_delta(summed, forms.outs[k], forms.targets, sums_to_one)
    return simpler[-1] if simpler else summed


class _At:
    """The output layer's symbols at one example's numbers: stable groups, saturated ends."""

    def __init__(
        self,
        forms: _Forms,
        activation: str,
        nets: Sequence[float],
        targets: Sequence[float],
        slope: float,
    ) -> None:
        self.forms = forms
        outs = ops.activation(activation).layer(list(nets), slope)
        values: dict[sp.Basic, float] = {}
        values.update(zip(forms.nets, nets, strict=True))
        values.update(zip(forms.outs, outs, strict=True))
        values.update(zip(forms.targets, targets, strict=True))
        for group, form in forms.groups.items():
            values[group] = evaluate(form, values)
        self.saturated: dict[sp.Symbol, residuals.End] = {}
        for k, ends in enumerate(forms.ends):
            for end, distance, form in ends:
                values[distance] = evaluate(form, values)
                if targets[k] == end and end * outs[k] > residuals.NEAR_END:
                    self.saturated[forms.outs[k]] = (end, distance)
        self.values = values
        self.whole = {
            forms.targets[k]: sp.Integer(int(t)) for k, t in enumerate(targets) if t == int(t)
        }

    def __call__(self, expr: sp.Expr) -> float:
        groups = [g for g in self.forms.groups if expr.has(g)]
        ends = {o: e for o, e in self.saturated.items() if expr.has(o)}
        return residuals.stable_value(expr, self.values, groups, ends, self.whole)

    def lenient(self, expr: sp.Expr) -> float:
        """NaN for a factor beyond the range of a double (its δ is then taken fused)."""
        try:
            return self(expr)
        except NumericalError:
            return math.nan


def output_error(
    loss: str,
    activation: str,
    nets: Sequence[float],
    targets: Sequence[float],
    slope: float = ops.DEFAULT_LEAKY_SLOPE,
) -> float:
    """One example's E = Σ_k E_k, each loss term in its stable form (log σ(net) from net)."""
    forms = _output_forms(loss, activation, slope, len(nets))
    at = _At(forms, activation, nets, targets, slope)
    return ops.fsum(at(e) for e in forms.errors)


def output_layer(
    loss: str,
    activation: str,
    nets: Sequence[float],
    targets: Sequence[float],
    slope: float = ops.DEFAULT_LEAKY_SLOPE,
) -> OutputExample:
    """The output layer's ∂E/∂out, ∂out/∂net (or the softmax Jacobian) and δ for one example."""
    n = len(nets)
    forms = _output_forms(loss, activation, slope, n)
    at = _At(forms, activation, nets, targets, slope)
    d_error = [at.lenient(e) for e in forms.d_error]
    fused: list[int] = []
    jacobian = None
    d_out = None
    if forms.d_out:
        d_out = [at(e) for e in forms.d_out]
        delta = [d_error[k] * d_out[k] for k in range(n)]
    else:
        jacobian = [[at(e) for e in row] for row in forms.jacobian]
        delta = [ops.fsum(jacobian[j][k] * d_error[j] for j in range(n)) for k in range(n)]
    for k in range(n):
        if not math.isfinite(delta[k]):
            delta[k] = at(_fused(loss, activation, slope, n, k))
            fused.append(k)
    return OutputExample(d_error, d_out, jacobian, delta, tuple(fused))
