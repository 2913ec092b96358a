"""One validator for every input kind, on one shared checker (:mod:`.checker`).

:func:`iter_problems` yields every problem of a document of any kind — a network scenario, a
``kind: embedding_mlp`` shapes spec, a ``kind: expression`` file or an answers file — each with
its field and line, in the order of the file; loading raises the first of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...errors import ScenarioError
from ..yamltree import Tree
from .answers import Answers, AnswersValidator, is_answers
from .checker import KINDS, Checker
from .expression import ExpressionSpec, ExpressionValidator
from .names import name_problem
from .network import Validator
from .shapes import ShapesValidator

#: What ``validate`` calls each kind of file.
KIND_NAMES = {
    "feed_forward": "network scenario",
    "embedding_mlp": "shapes spec",
    "expression": "expression file",
    "answers": "answers file",
}


def kind_of(tree: Tree) -> str:
    """Which kind of input a parsed document is: ``kind:``, or an answers file's ``answers:``."""
    root = tree.value
    if is_answers(root):
        return "answers"
    kind = root.get("kind", "feed_forward") if isinstance(root, dict) else "feed_forward"
    return kind if kind in KINDS else "feed_forward"


def validator_for(tree: Tree, source: str) -> Checker:
    kind = kind_of(tree)
    if kind == "answers":
        return AnswersValidator(tree, source)
    if kind == "expression":
        return ExpressionValidator(tree, source)
    if kind == "embedding_mlp":
        return ShapesValidator(tree, source)
    return Validator(tree, source)


def iter_problems(tree: Tree, source: str) -> Iterator[ScenarioError]:
    """Every problem of a parsed document, of any kind, from the top of the file."""
    checker = validator_for(tree, source)
    checker.run()
    yield from checker.problems


__all__ = [
    "KIND_NAMES",
    "Answers",
    "AnswersValidator",
    "ExpressionSpec",
    "ExpressionValidator",
    "ShapesValidator",
    "Validator",
    "iter_problems",
    "kind_of",
    "name_problem",
]
