"""Numbers for SymPy expressions: a small float evaluator.

Why not ``expr.subs(...).evalf()``: it is ~100× slower and the walkthrough evaluates thousands of
small expressions. This walks the expression tree once with IEEE doubles — the precision the
published figures were computed with — using the float functions of the records in
:mod:`..ops`, which cannot overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy as sp

from .. import ops
from ..errors import NumericalError

_RELATIONS: dict[type, Callable[[float, float], bool]] = {
    sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b,
    sp.StrictLessThan: lambda a, b: a < b,
    sp.LessThan: lambda a, b: a <= b,
}


def _holds(condition: sp.Basic, values: Mapping[sp.Basic, float]) -> bool:
    if condition is sp.true:
        return True
    if condition is sp.false:
        return False
    relation = _RELATIONS[type(condition)]
    return relation(evaluate(condition.lhs, values), evaluate(condition.rhs, values))


def evaluate(expr: sp.Basic, values: Mapping[sp.Basic, float]) -> float:
    """The value of ``expr`` with every symbol (or other leaf) looked up in ``values``."""
    if expr in values:
        return values[expr]
    if expr.is_Number:
        return float(expr)
    if expr.is_Symbol:
        raise KeyError(f"no value for {expr}")
    if isinstance(expr, sp.Piecewise):
        for piece, condition in expr.args:
            if _holds(condition, values):
                return evaluate(piece, values)
        raise NumericalError(f"no case of {expr} applies")
    args = [evaluate(arg, values) for arg in expr.args]
    if expr.is_Add:
        return ops.fsum(args)  # correctly rounded: the same on every Python
    if expr.is_Mul:
        return math.prod(args)
    if expr.is_Pow:
        try:
            result = args[0] ** args[1]
        except (OverflowError, ZeroDivisionError) as exc:
            raise NumericalError(f"{expr}: {exc}") from None
        if isinstance(result, complex):
            raise NumericalError(f"{expr} is not real")
        return float(result)
    function = ops.float_functions().get(type(expr))
    if function is None:
        raise TypeError(f"cannot evaluate {type(expr).__name__}")
    return function(*args)
