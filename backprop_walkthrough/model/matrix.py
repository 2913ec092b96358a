"""The matrix view: the same derivation, one matrix equation a step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

import sympy as sp

from ..scenario.types import Scenario

# --- the matrix view ---------------------------------------------------------------------------


class Convention(Enum):
    """Where the examples go: ``columns`` (the textbook's z = W·a + b, W out × in) or ``rows``
    (library code's Z = X·W + b, X n × d with one example a row, W in × out)."""

    COLUMNS = "columns"
    ROWS = "rows"


class Applied(sp.MatrixExpr):
    """An activation applied to a matrix entry by entry (``derivative`` 1: its derivative):
    σ(z⁽¹⁾), σ′(z⁽¹⁾); softmax, which is not element-wise, column by column (row by row).

    A matrix expression of its own so that SymPy checks its shape in the formulas around it;
    its value is computed by the engine from the activation's record, not by SymPy."""

    def __new__(cls, activation: str | sp.Symbol, arg: sp.Basic, derivative: int = 0) -> Applied:
        made: Applied = super().__new__(
            cls, sp.Symbol(str(activation)), arg, sp.Integer(derivative)
        )
        return made

    @property
    def activation(self) -> str:
        return str(self.args[0])

    @property
    def arg(self) -> sp.Basic:
        return self.args[1]

    @property
    def derivative(self) -> int:
        return int(self.args[2])

    @property
    def shape(self) -> tuple[int, int]:
        return self.args[1].shape  # type: ignore[no-any-return]


#: The parameter named at each entry of a matrix (None: no parameter, a fixed 0).
EntryNames = tuple[tuple[str | None, ...], ...]


class MatrixStep(NamedTuple):
    """One matrix equation: ``label`` = ``symbolic`` = the same with ``substitutions`` put in
    = ``value``. ``rule`` is an element-wise step's formula for one entry (σ′(x) = …);
    ``simplified`` a form the symbolic one reduces to (softmax with the cross-entropy: a − y)."""

    kind: str  # the JSON key: W, b, z, a, dE_da, sigma_prime, jacobian, delta, dA, dW, db, link
    label: sp.MatrixExpr
    symbolic: sp.MatrixExpr
    substitutions: Mapping[sp.Basic, sp.ImmutableMatrix]
    value: sp.ImmutableMatrix
    names: EntryNames | None = None
    rule: tuple[sp.Expr, sp.Expr] | None = None  # (left, right) of the entry's formula
    simplified: sp.MatrixExpr | None = None


class MatrixLayer(NamedTuple):
    number: int  # 1 … L (layer 0 holds the inputs)
    activation: str
    forward: tuple[MatrixStep, ...]  # W, b, z, a
    backward: tuple[MatrixStep, ...]  # δ (or dA, dZ) and its factors, dW, db
    #: a bias shared by every neuron of the layer and no other: one scalar broadcast
    broadcast_bias: str | None = None


class Link(NamedTuple):
    """An entry (or, for a shared bias, the sum of entries) of a gradient matrix and the scalar
    gradient it is: entry (1, 2) of ∂E_total/∂W⁽¹⁾ is ∂E_total/∂w2."""

    parameter: str
    layer: int
    kind: str  # dW or db
    entries: tuple[tuple[int, int], ...]  # counted from 1, as the text prints them
    value: float


class MatrixForm(NamedTuple):
    """The whole derivation in one convention."""

    convention: Convention
    inputs: MatrixStep  # a⁽⁰⁾ (X in rows)
    targets: MatrixStep  # y (Y)
    layers: tuple[MatrixLayer, ...]
    links: tuple[Link, ...]
    sums: tuple[MatrixStep, ...]  # a shared bias's gradient: 1ᵀ·(the entries it feeds)

    @property
    def gradients(self) -> dict[str, float]:
        """Every parameter's gradient as the matrices give it."""
        return {link.parameter: link.value for link in self.links}


@dataclass(frozen=True)
class MatrixWalkthrough:
    scenario: Scenario
    forms: tuple[MatrixForm, ...]  # one per convention asked for, columns first
    E_total: float
    #: ``explain PARAM --view matrix``: show only what this parameter's gradient rests on
    focus: str | None = None
