"""One record per loss: the error of one output neuron as SymPy builds it, and what it needs
of the output layer and the targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ..lazy import lazy_import
from .floats import DEFAULT_LOSS  # noqa: F401

if TYPE_CHECKING:
    import sympy as sp
else:  # loaded on first use (lazy.py)
    sp = lazy_import("sympy")

# --- losses ------------------------------------------------------------------------------------


def residual_expression(target: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    """(target − out), unevaluated."""
    return sp.Add(target, sp.Mul(-1, out, evaluate=False), evaluate=False)


def _half_squared(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    residual = residual_expression(target, out)
    return sp.Mul(sp.Rational(1, 2), sp.Pow(residual, 2, evaluate=False), evaluate=False)


def _mean_squared(target: sp.Symbol, out: sp.Symbol, outputs: int) -> sp.Expr:
    residual = residual_expression(target, out)
    return sp.Mul(sp.Rational(1, outputs), sp.Pow(residual, 2, evaluate=False), evaluate=False)


def _binary_cross_entropy(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    one_minus = sp.Add(1, sp.Mul(-1, target, evaluate=False), evaluate=False)
    one_minus_out = sp.Add(1, sp.Mul(-1, out, evaluate=False), evaluate=False)
    inner = sp.Add(
        sp.Mul(target, sp.log(out), evaluate=False),
        sp.Mul(one_minus, sp.log(one_minus_out), evaluate=False),
        evaluate=False,
    )
    return sp.Mul(-1, inner, evaluate=False)


def _cross_entropy(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    return sp.Mul(-1, sp.Mul(target, sp.log(out), evaluate=False), evaluate=False)


class Loss(NamedTuple):
    """The error of one output neuron; E_total is their sum (and, for a batch, over examples).

    ``term`` is built unevaluated so that it prints as written: ½(target − out)², not SymPy's
    reordering.
    """

    name: str
    description: str
    term: Callable[[sp.Symbol, sp.Symbol, int], sp.Expr]
    needs_unit_interval: bool = False  # outputs strictly between 0 and 1 (log of out, 1 − out)
    needs_normalised: bool = False  # outputs that sum to 1 (a softmax layer)
    targets_in_unit_interval: bool = False
    targets_sum_to_one: bool = False
    #: the ½ of ½(target − out)², which a learner drops (``check``'s missing_half)
    halved: bool = False
    #: E_total sums the outputs' errors (rather than averaging them: mean_instead_of_sum)
    sums_outputs: bool = True


LOSS_RECORDS: dict[str, Loss] = {
    record.name: record
    for record in (
        Loss(
            "half_squared_error",
            "E_total = Σ ½ (target − out)² over the output neurons.",
            _half_squared,
            halved=True,
        ),
        Loss(
            "mean_squared_error",
            "E_total = (1/N) Σ (target − out)² over the N output neurons.",
            _mean_squared,
            sums_outputs=False,
        ),
        Loss(
            "binary_cross_entropy",
            "E_total = −Σ [target·log(out) + (1 − target)·log(1 − out)] over the output neurons.",
            _binary_cross_entropy,
            needs_unit_interval=True,
            targets_in_unit_interval=True,
        ),
        Loss(
            "cross_entropy",
            "E_total = −Σ target·log(out) over the output neurons.",
            _cross_entropy,
            needs_normalised=True,
            targets_in_unit_interval=True,
            targets_sum_to_one=True,
        ),
    )
}

#: The names a scenario may use.
LOSSES = tuple(LOSS_RECORDS)


def loss(name: str) -> Loss:
    return LOSS_RECORDS[name]
