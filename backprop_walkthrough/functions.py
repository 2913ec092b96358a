"""Activation functions as SymPy functions whose derivatives read like a textbook.

SymPy would differentiate ``1/(1 + exp(-x))`` into ``exp(-x)/(1 + exp(-x))**2``. Declaring the
sigmoid as a function with its own derivative rule, σ'(x) = σ(x)·(1 − σ(x)), keeps the derivative
in the form learners write, ``out·(1 − out)`` once σ(net) is replaced by ``out``. The rule is the
calculus fact itself: a test checks it against SymPy's derivative of the explicit formula.
"""

from __future__ import annotations

import sympy as sp


class sigmoid(sp.Function):  # noqa: N801 - SymPy functions are lower-case, like sp.exp
    """The logistic function σ(x) = 1 / (1 + e^(−x))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


#: The activations a scenario may name, and the SymPy function for each.
ACTIVATION_FUNCTIONS: dict[str, type[sp.Function]] = {"sigmoid": sigmoid}

#: The formula of each activation, shown once at the top of the walkthrough.
_x = sp.Symbol("x")
ACTIVATION_DEFINITIONS: dict[str, tuple[sp.Expr, sp.Expr]] = {
    "sigmoid": (sigmoid(_x), 1 / (1 + sp.exp(-_x))),
}
