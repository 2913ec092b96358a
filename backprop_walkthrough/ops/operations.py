"""The operations of a scalar program (``expr``), and every operation's local derivative in the
stable form every view evaluates."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from ..lazy import lazy_import
from .activations import ACTIVATION_RECORDS
from .floats import DEFAULT_LEAKY_SLOPE

if TYPE_CHECKING:
    import sympy as sp

    from . import functions as fn
else:  # loaded on first use (lazy.py)
    sp = lazy_import("sympy")
    fn = lazy_import(f"{__package__}.functions")

# --- the operations of a scalar program (``expr``) ---------------------------------------------


class Operation(NamedTuple):
    """A function of one value in a program: its SymPy form (for the local derivative) and its
    float (for the forward pass). The activations are the same records as in a network."""

    name: str
    symbolic: Callable[[sp.Expr], sp.Expr]
    numeric: Callable[[float], float]


def _from_activation(name: str) -> Operation:
    record = ACTIVATION_RECORDS[name]
    function = record.function_name
    assert function is not None
    return Operation(name, lambda x: getattr(fn, function)(x), lambda x: record.layer([x], 0.0)[0])


OPERATIONS: dict[str, Operation] = {
    "exp": Operation("exp", lambda x: sp.exp(x), math.exp),
    "log": Operation("log", lambda x: sp.log(x), math.log),
    "sqrt": Operation("sqrt", lambda x: sp.sqrt(x), math.sqrt),
    "sin": Operation("sin", lambda x: sp.sin(x), math.sin),
    "cos": Operation("cos", lambda x: sp.cos(x), math.cos),
    **{name: _from_activation(name) for name in ("tanh", "sigmoid", "relu")},
}


def has_kink(name: str) -> bool:
    """Whether an activation or operation's slope jumps at 0 (ReLU): a shake there mixes two."""
    record = ACTIVATION_RECORDS.get(name)
    return record is not None and bool(record.slope_at_kink)


def activation_is_rational(name: str) -> bool:
    """Whether an operation maps rationals to rationals (ReLU): exact arithmetic stays exact
    and small through it, where exp, log, tanh, sin nest a closed form."""
    record = ACTIVATION_RECORDS.get(name)
    return record is not None and record.rational


def apply(name: str, x: float, slope: float = DEFAULT_LEAKY_SLOPE) -> float:
    """An element-wise activation or a program's operation of ``x``, on floats."""
    if name in ACTIVATION_RECORDS:
        return ACTIVATION_RECORDS[name].layer([x], slope)[0]
    return OPERATIONS[name].numeric(x)


@cache
def local_derivative_form(
    name: str, slope: float = DEFAULT_LEAKY_SLOPE, stable: bool = True
) -> sp.Expr:
    """∂out/∂net of an element-wise activation or a program's operation, in NET and OUT.

    SymPy's derivative of the record, with the function of net written as out (σ′ is
    out·(1 − out)) and, when ``stable``, each group the record names replaced by its form in net
    (out·σ(−net)): what every view evaluates, so that none takes a derivative from a rounded out.
    """
    if stable:  # the unstable form, derived once, with the record's groups put in
        record = ACTIVATION_RECORDS.get(name)
        if record is None:
            return local_derivative_form(name, slope, False)
        groups = record.stable(fn.OUT, fn.NET, [fn.NET], 0)
        return local_derivative_form(name, slope, False).xreplace(groups)
    if name in ACTIVATION_RECORDS:
        record = ACTIVATION_RECORDS[name]
        if not record.elementwise:
            raise ValueError(f"{name} is not element-wise: its derivative is a Jacobian")
        built = record.build(fn.NET, [fn.NET], 0, slope)
    else:
        built = OPERATIONS[name].symbolic(fn.NET)
    derivative = sp.diff(built, fn.NET)
    return derivative.xreplace({built: fn.OUT}) if built != fn.NET else derivative
