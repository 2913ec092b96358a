"""An expression scenario (``kind: expression``): a program, the values of its leaves, and
optionally which assignment is the output (checked by :mod:`.validate.expression`)."""

from __future__ import annotations

from .validate.expression import ExpressionSpec, ExpressionValidator
from .yamltree import Tree

__all__ = ["ExpressionSpec", "expression_spec"]


def expression_spec(tree: Tree, source: str) -> ExpressionSpec:
    """The spec of a parsed ``kind: expression`` document, or its first ScenarioError."""
    return ExpressionValidator(tree, source).spec()
