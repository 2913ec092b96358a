"""A ``kind: expression`` file, on the shared checker: a program, its leaves' values, an output.

kind: expression
program: |
  e = a*b
  L = e + c
values: {a: 2, b: -3, c: 10}
output: L          # optional: the last assignment by default
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ...errors import ScenarioError
from ..program import Program, parse_program
from .checker import Checker, Skip

KEYS = ("kind", "name", "description", "program", "values", "output")


class ExpressionSpec(NamedTuple):
    name: str
    program: Program
    values: dict[str, float]


class ExpressionValidator(Checker):
    """Every problem of an expression file at once: keys, name, program, values, output."""

    def spec(self) -> ExpressionSpec:
        spec: ExpressionSpec = self.result()
        return spec

    def build(self) -> ExpressionSpec:
        root = self.mapping(self.tree.value, (), "a mapping with program: and values:")
        self.kind(root, "expression")
        self.attempt(self.keys, root, (), KEYS, ("program",))
        name = self.attempt(self.text, root.get("name", Path(self.source).stem), ("name",))
        self.attempt(self.text, root.get("description", ""), ("description",), True)
        output = self.attempt(self.text, root["output"], ("output",)) if "output" in root else None
        program = self.attempt(self.program, root.get("program"), output)
        values = self.attempt(self.values, root.get("values", {}))
        if self.problems:
            raise Skip
        assert program is not None and values is not None
        return ExpressionSpec(name or "", program, values)

    def program(self, value: Any, output: str | None) -> Program:
        path = ("program",)
        if not isinstance(value, str):
            raise self.fail(path, "expected the program as text")
        try:
            return parse_program(value, self.source, output)
        except ScenarioError as problem:
            # The line in the file: a block (``program: |``) starts on the line after the key.
            start = self.tree.line(path)
            line = start
            if start is not None and problem.line is not None:
                line = start + problem.line - (0 if "\n" in value.rstrip("\n") else 1)
            raise self.fail(path, problem.message, line) from None

    def values(self, value: Any) -> dict[str, float]:
        data = self.mapping(value or {}, ("values",), "a mapping of names to numbers")
        values: dict[str, float] = {}
        for key, item in data.items():
            number = self.attempt(self.number, item, ("values", key))
            if number is not None:
                values[str(key)] = number
        if len(values) < len(data):
            raise Skip
        return values
