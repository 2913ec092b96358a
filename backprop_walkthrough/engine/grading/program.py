"""A figure's recipe as data: an expression tree that a grader interprets — here, in Python, for
``check`` and ``practice``, and in the practice page, in JavaScript (``render/practice.js``).
Two interpreters of one program: the trees are made once, from the model, and exported as JSON.

A tree is a JSON array whose first item says what it is:

* ``["f", figure]`` — the learner's value of an earlier figure (from the *view*);
* ``["p", name, value]`` — a parameter: its value, or (after the update) its new value;
* ``["c", value]`` — a constant (an input, a target, a number of the formula);
* ``["+", a, b, …]``, ``["*", a, b, …]``, ``["^", base, exponent]``;
* ``["fn", name, a, …]`` — a function of :data:`FUNCTIONS` (the activations' stable float forms,
  exp, log, …);
* ``["max", a, b, …]``; ``["pw", [value, condition], …]`` — the first piece whose condition
  holds, a condition being ``["gt"|"ge"|"lt"|"le", a, b]`` or ``["true"]``;
* ``["after"]`` — E_total after the update: the forward figures' trees again, each parameter
  read as its new value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy as sp

from ... import ops
from ...errors import NumericalError

Tree = list[Any]
View = Mapping[str, float]

#: Every function a tree may call, by name, with its float form (the stable one of its record).
FUNCTIONS: dict[str, Callable[..., float]] = ops.FLOAT_FUNCTION_NAMES

_RELATIONS = {
    sp.StrictGreaterThan: "gt",
    sp.GreaterThan: "ge",
    sp.StrictLessThan: "lt",
    sp.LessThan: "le",
}


def tree_of(expr: sp.Basic, leaf: Callable[[sp.Symbol], Tree]) -> Tree:
    """A SymPy expression as a tree; ``leaf`` says what each symbol is."""
    if expr.is_Symbol:
        return leaf(expr)
    if expr.is_Number:
        return ["c", float(expr)]
    if expr is sp.true:
        return ["true"]
    args = [tree_of(a, leaf) for a in expr.args] if not isinstance(expr, sp.Piecewise) else []
    if expr.is_Add:
        return ["+", *args]
    if expr.is_Mul:
        return ["*", *args]
    if expr.is_Pow:
        return ["^", *args]
    if isinstance(expr, sp.Max):
        return ["max", *args]
    if isinstance(expr, sp.Piecewise):
        return ["pw", *([tree_of(v, leaf), tree_of(c, leaf)] for v, c in expr.args)]
    if type(expr) in _RELATIONS:
        return [_RELATIONS[type(expr)], *args]
    name = type(expr).__name__ if type(expr) in ops.float_functions() else None
    if name is None:
        raise TypeError(f"no tree for {type(expr).__name__}")
    return ["fn", name, *args]


class Interpreter:
    """Runs trees on a view; ``forward`` (figure → tree, in derivation order) is what
    ``["after"]`` runs again with the new parameters."""

    def __init__(self, forward: Sequence[tuple[str, Tree]], total: str = "E_total") -> None:
        self.forward = forward
        self.total = total

    def value(self, tree: Tree, view: View) -> float | None:
        """The tree's value, or None where it has none (a figure not in the view, a log of a
        negative number, an overflow)."""
        try:
            value = self.run(tree, view, None)
        except (NumericalError, ArithmeticError, ValueError, KeyError, TypeError):
            return None
        return value if math.isfinite(value) else None

    def run(self, tree: Tree, view: View, new: View | None) -> float:
        kind = tree[0]
        if kind == "f":
            return view[tree[1]]
        if kind == "p":
            return tree[2] if new is None else new.get(f"new {tree[1]}", tree[2])
        if kind == "c":
            return float(tree[1])
        if kind == "after":
            return self.after(view)
        if kind == "pw":
            for piece, condition in tree[1:]:
                if self.holds(condition, view, new):
                    return self.run(piece, view, new)
            raise NumericalError("no piece applies")
        args = [self.run(t, view, new) for t in tree[2 if kind == "fn" else 1 :]]
        if kind == "+":
            return ops.fsum(args)
        if kind == "*":
            return math.prod(args)
        if kind == "^":
            result = args[0] ** args[1]
            if isinstance(result, complex):
                raise NumericalError("not real")
            return float(result)
        if kind == "max":
            return max(args)
        if kind == "fn":
            return float(FUNCTIONS[tree[1]](*args))
        raise TypeError(f"unknown node {kind!r}")

    def holds(self, condition: Tree, view: View, new: View | None) -> bool:
        if condition[0] == "true":
            return True
        a, b = (self.run(t, view, new) for t in condition[1:])
        return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[condition[0]]

    def after(self, view: View) -> float:
        """E_total with every parameter replaced by the learner's new value (``new p``)."""
        again: dict[str, float] = {}
        for name, tree in self.forward:
            again[name] = self.run(tree, again, view)
        return again[self.total]
