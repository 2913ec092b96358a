"""Residuals at saturation: an output's formulas in a form that keeps every digit.

target − out with a target of 1 and out = 0.99999999 keeps eight digits, and none from net ≈ 37
on, where out is 1.0 in double precision — yet the true residual, 4.2e−18 say, is what the
gradient is made of. For an output whose target is an end e of its activation (1 for σ and
softmax, ±1 for tanh: every one-hot or 0/1 target), write out = e·(1 − d) with d computed from
net (:mod:`...ops`), put the target in as the integer it is, and let SymPy cancel: t − out
becomes d itself. This is used where out lies on that end's side (e·out > ½); on the other side
d is the imprecise one, and out is kept.

The formulas shown never change: only what is evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

import sympy as sp

from ... import ops
from ..evaluate import evaluate
from .network import Network

#: out lies on an end's side when e·out is above this (the activation records' threshold).
NEAR_END = ops.NEAR_END

End = tuple[int, sp.Symbol]  # (end e, the symbol of out's distance d to it)


def ends_at_targets(network: Network, targets: Mapping[str, float]) -> dict[sp.Symbol, End]:
    """out symbol → (end, distance symbol) for each output whose target is an end of its
    activation."""
    found = {}
    for name in network.layers[-1]:
        neuron = network.neurons[name]
        for end, distance, _form in neuron.ends:
            if targets[name] == end:
                found[neuron.out] = (end, distance)
    return found


def whole_targets(network: Network, targets: Mapping[str, float]) -> dict[sp.Symbol, sp.Integer]:
    """target symbol → the integer it is, for the targets that are whole numbers (0, 1, −1):
    put in exactly, they let SymPy cancel out·(t₁ + t₂) − t₁ to −d."""
    return {
        network.targets[name]: sp.Integer(int(value))
        for name, value in targets.items()
        if value == int(value)
    }


def saturated(
    ends: Mapping[sp.Symbol, End], values: Mapping[sp.Basic, float]
) -> dict[sp.Symbol, End]:
    """The outputs of ``ends`` that lie on their end's side with these values."""
    return {out: e for out, e in ends.items() if e[0] * values[out] > NEAR_END}


def precise_form(
    expr: sp.Expr,
    ends: Mapping[sp.Symbol, End],
    targets: Mapping[sp.Symbol, sp.Integer],
    groups: Iterable[sp.Expr] = (),
) -> tuple[sp.Expr, dict[sp.Basic, sp.Basic]]:
    """``expr`` with each out of ``ends`` written as e·(1 − d) and the whole-number targets
    put in as integers.

    The groups (1 − out, log out, …) are set aside first, as placeholders, so that their stable
    values still apply. Returns the form and placeholder → group.
    """
    placeholders = {group: sp.Dummy("group") for group in groups}
    form = expr.xreplace(placeholders).xreplace(dict(targets))
    form = form.xreplace({out: end * (1 - distance) for out, (end, distance) in ends.items()})
    return form, {placeholder: group for group, placeholder in placeholders.items()}


@lru_cache(maxsize=4096)
def _cached_form(
    expr: sp.Expr,
    ends: tuple[tuple[sp.Symbol, End], ...],
    targets: tuple[tuple[sp.Symbol, sp.Integer], ...],
    groups: tuple[sp.Expr, ...],
) -> tuple[sp.Expr, dict[sp.Basic, sp.Basic]]:
    return precise_form(expr, dict(ends), dict(targets), groups)


def stable_value(
    expr: sp.Expr,
    values: Mapping[sp.Basic, float],
    groups: Iterable[sp.Expr] = (),
    ends: Mapping[sp.Symbol, End] | None = None,
    targets: Mapping[sp.Symbol, sp.Integer] | None = None,
) -> float:
    """``expr`` at ``values`` — which hold its groups' stable values — with each out of ``ends``
    written as its distance to the end and the whole-number ``targets`` put in: the one
    evaluation of a formula at saturation, for the scalar view and the matrix view alike."""
    if not ends:
        return evaluate(expr, values)
    used = {t: v for t, v in (targets or {}).items() if t in expr.free_symbols}
    form, placeholders = _cached_form(
        expr,
        tuple(sorted(ends.items(), key=str)),
        tuple(sorted(used.items(), key=str)),
        tuple(groups),
    )
    return evaluate(form, {**values, **{p: values[g] for p, g in placeholders.items()}})
