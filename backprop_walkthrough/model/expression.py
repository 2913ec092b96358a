"""A scalar program, backpropagated node by node (``expr``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from ..lazy import lazy_import
from .shake import Shake

if TYPE_CHECKING:
    import sympy as sp
else:  # loaded on first use (lazy.py)
    sp = lazy_import("sympy")

# --- a scalar program, backpropagated node by node (``expr``) ----------------------------------


class LocalDerivative(NamedTuple):
    """∂node/∂input for one use of an input: its SymPy form (in the inputs' names) and value."""

    input: str
    symbolic: sp.Expr
    substitutions: Mapping[sp.Basic, float]
    value: float


class Contribution(NamedTuple):
    """One term of a node's gradient: from a user, upstream gradient × local derivative."""

    user: str
    upstream: float
    local: LocalDerivative
    value: float


class ExprNode(NamedTuple):
    name: str
    op: str  # leaf, const, +, -, *, /, neg, pow, or an operation (exp, tanh, …)
    inputs: tuple[str, ...]
    formula: sp.Expr  # the node in its inputs' names: e*c, tanh(n)
    value: float
    grad: float
    contributions: tuple[Contribution, ...]  # its gradient's terms, one per use
    given: bool  # named in the program (not a t1, t2 … of a sub-expression)


class ExpressionWalkthrough(NamedTuple):
    name: str
    program: str
    nodes: tuple[ExprNode, ...]  # in topological order (the order written)
    output: str
    shakes: tuple[Shake, ...]  # one per leaf
    nudge: float | None = None
    nudged_output: float | None = None
    #: with --exact: each node's (value, gradient) as SymPy's simplified closed forms
    exact: Mapping[str, tuple[sp.Expr, sp.Expr]] | None = None

    @property
    def by_name(self) -> dict[str, ExprNode]:
        return {n.name: n for n in self.nodes}
