"""An expression scenario (``kind: expression``): a program, the values of its leaves, and
optionally which assignment is the output.

    kind: expression
    program: |
      e = a*b
      L = e + c
    values: {a: 2, b: -3, c: 10}
    output: L          # optional: the last assignment by default
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ScenarioError
from .program import Program, parse_program
from .yamltree import Tree

_KEYS = ("kind", "name", "description", "program", "values", "output")


class ExpressionSpec(NamedTuple):
    name: str
    program: Program
    values: dict[str, float]


def expression_spec(tree: Tree, source: str) -> ExpressionSpec:
    """The spec of a parsed ``kind: expression`` document, or one ScenarioError."""
    root: Any = tree.value
    for key in root:
        if key not in _KEYS:
            raise ScenarioError(
                source, f"unknown key {key!r} (known: {', '.join(_KEYS)})", key, tree.line((key,))
            )
    text = root.get("program")
    if not isinstance(text, str):
        raise ScenarioError(
            source, "expected the program as text", "program", tree.line(("program",))
        )
    output = root.get("output")
    if output is not None and not isinstance(output, str):
        raise ScenarioError(source, "expected a name", "output", tree.line(("output",)))
    program = parse_program(text, source, output)
    given = root.get("values") or {}
    if not isinstance(given, dict):
        raise ScenarioError(source, "expected a mapping of names to numbers", "values")
    values = {}
    for key, value in given.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ScenarioError(
                source,
                f"expected a finite number, got {value!r}",
                f"values.{key}",
                tree.line(("values", key)),
            )
        values[str(key)] = float(value)
    name = root.get("name") if isinstance(root.get("name"), str) else Path(source).stem
    return ExpressionSpec(name, program, values)


def expression_problems(tree: Tree, source: str) -> Iterator[ScenarioError]:
    try:
        expression_spec(tree, source)
    except ScenarioError as problem:
        yield problem
