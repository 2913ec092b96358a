"""A scalar program, as the learner writes it: ``e = a*b; d = e + c; L = d*f``.

Parsed by Python's ``ast`` and walked with a whitelist into our own nodes — never ``eval``,
never SymPy's ``sympify``/``parse_expr`` (both run Python). Allowed: names, numbers, + − * /,
unary minus, ``**`` with a number exponent, and calls of the operations of
:data:`..ops.OPERATIONS` by bare name. Every statement assigns a new name; a name is used
after it is assigned (so there are no cycles), and a name never assigned is a leaf, whose value
must be given. The graph keeps the program as written: ``b = a + a`` uses ``a`` twice, and an
unnamed sub-expression becomes a node of its own (``t1``, ``t2``, …).
"""

from __future__ import annotations

import ast
import math
import re
from typing import NamedTuple

from .. import ops
from ..errors import ScenarioError
from .arithmetic import operator_name

MAX_LENGTH = 20_000
MAX_NODES = 2_000
MAX_DEPTH = 100
MAX_EXPONENT = 100
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ProgramNode(NamedTuple):
    """One value of the program: a leaf (``op`` is "leaf") or an operation on earlier nodes."""

    name: str
    op: str  # leaf, +, -, *, /, neg, pow, or an operation of ops.OPERATIONS
    inputs: tuple[str, ...] = ()
    exponent: float | None = None  # for pow
    given: bool = False  # a name of the program (not a t1, t2 … of a sub-expression)
    literal: str = ""  # a number as written (kept for exact arithmetic: 0.1 is 1/10)


class Program(NamedTuple):
    nodes: tuple[ProgramNode, ...]  # in the order written: every input before its user
    output: str
    text: str


#: Where the expression being parsed starts in its statement (columns count from the statement).
_OFFSET = [0]


def _fail(
    source: str, message: str, node: ast.AST | None = None, line: int | None = None
) -> ScenarioError:
    if node is not None and hasattr(node, "col_offset"):
        message = f"column {_OFFSET[0] + node.col_offset + 1}: {message}"
        line = line if line is not None else getattr(node, "lineno", None)
    return ScenarioError(source, message, "program", line)


def _depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def parse_program(text: str, source: str = "<program>", output: str | None = None) -> Program:
    """The program's nodes, or one ScenarioError naming the column and what is not allowed."""
    if len(text) > MAX_LENGTH:
        raise _fail(source, f"longer than {MAX_LENGTH:,} characters; a program is a few lines")
    if _depth(text) > MAX_DEPTH:
        raise _fail(source, f"parentheses nested more than {MAX_DEPTH} deep")
    statements = [s for s in re.split(r"[;\n]", text) if s.strip()]
    if not statements:
        raise _fail(source, "empty: write assignments such as  L = (a*b + c)*f")
    nodes: dict[str, ProgramNode] = {}
    assigned: list[str] = []
    counter = [0]
    current = [""]  # the expression being walked, as parsed (its literals are cut from it)

    def fresh() -> str:
        counter[0] += 1
        while f"t{counter[0]}" in nodes or f"t{counter[0]}" in text:
            counter[0] += 1
        return f"t{counter[0]}"

    def add(node: ProgramNode) -> str:
        if len(nodes) >= MAX_NODES:
            raise _fail(source, f"more than {MAX_NODES:,} nodes")
        nodes[node.name] = node
        return node.name

    def walk(node: ast.expr, line: int, depth: int, name: str | None) -> str:
        """The node of ``node``'s value (named ``name`` when it is a statement's whole value)."""
        if depth > MAX_DEPTH:
            raise _fail(source, f"nested more than {MAX_DEPTH} deep", node, line)
        if isinstance(node, ast.Name):
            if node.id not in nodes:
                if not _NAME.match(node.id) or node.id.startswith("t") and node.id[1:].isdigit():
                    raise _fail(source, f"{node.id!r} is not a usable name", node, line)
                if node.id in ops.OPERATIONS:
                    raise _fail(
                        source, f"{node.id!r} is an operation: call it, {node.id}(x)", node, line
                    )
                add(ProgramNode(node.id, "leaf", given=True))
            if name is None:
                return node.id
            return add(ProgramNode(name, "+", (node.id,), given=True))  # L = d: a copy
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise _fail(source, f"only numbers, not {type(node.value).__name__}", node, line)
            literal = ast.get_source_segment(current[0], node) or repr(node.value)
            number = _finite(node.value)
            if number is None:
                shown = literal if len(literal) <= 20 else f"{literal[:12]}… ({len(literal)} chars)"
                raise _fail(source, f"{shown} is too large for a double", node, line)
            constant = name or fresh()
            return add(ProgramNode(constant, "const", (), number, bool(name), literal))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = walk(node.operand, line, depth + 1, None)
            if isinstance(node.op, ast.UAdd):
                return inner if name is None else add(ProgramNode(name, "+", (inner,), given=True))
            return add(ProgramNode(name or fresh(), "neg", (inner,), given=bool(name)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = _number(node.right)
            if exponent is None:
                raise _fail(source, "an exponent must be a number (x**2, x**-1)", node.right, line)
            if abs(exponent) > MAX_EXPONENT:
                raise _fail(
                    source, f"an exponent of at most {MAX_EXPONENT} in size", node.right, line
                )
            base = walk(node.left, line, depth + 1, None)
            return add(ProgramNode(name or fresh(), "pow", (base,), exponent, bool(name)))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            # A chain of one operator (a + b + … + z) is a flat sum as written: its length is
            # bounded by the nodes, not by the nesting, which only parentheses add.
            same = isinstance(node.left, ast.BinOp) and type(node.left.op) is type(node.op)
            left = walk(node.left, line, depth if same else depth + 1, None)
            right = walk(node.right, line, depth + 1, None)
            op = _BINARY[type(node.op)]
            return add(ProgramNode(name or fresh(), op, (left, right), given=bool(name)))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in ops.OPERATIONS:
                known = ", ".join(ops.OPERATIONS)
                raise _fail(source, f"the only functions are {known}, called by name", node, line)
            if node.keywords or len(node.args) != 1:
                raise _fail(source, f"{node.func.id} takes one argument", node, line)
            inner = walk(node.args[0], line, depth + 1, None)
            return add(ProgramNode(name or fresh(), node.func.id, (inner,), given=bool(name)))
        kind = _KINDS.get(type(node), type(node).__name__)
        if isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare):
            operator = node.ops[0] if isinstance(node, ast.Compare) else node.op
            kind = f"the operator {operator_name(operator)}"
        raise _fail(
            source,
            f"{kind} is not allowed (names, numbers, + − * / **, and {', '.join(ops.OPERATIONS)})",
            node,
            line,
        )

    for number, statement in enumerate(statements, start=1):
        target, sign, value = statement.partition("=")
        if not sign:
            target, value = ("L" if "L" not in nodes else fresh()), statement
        target = target.strip()
        if not _NAME.match(target):
            raise _fail(
                source, f"statement {number}: {target!r} is not a name to assign to", line=number
            )
        if target in ops.OPERATIONS:
            raise _fail(
                source,
                f"statement {number}: {target!r} is an operation; choose another name",
                line=number,
            )
        if target in nodes:
            what = "assigned twice" if target in assigned else "used before it is assigned"
            raise _fail(source, f"statement {number}: {target!r} is {what}", line=number)
        _OFFSET[0] = len(statement) - len(value.lstrip())  # the expression's first column
        current[0] = value.strip()
        try:
            tree = ast.parse(current[0], mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise _fail(
                source,
                f"statement {number}: {value.strip()[:40]!r} is not an expression",
                line=number,
            ) from None
        walk(tree.body, number, 0, target)
        assigned.append(target)
    chosen = output or assigned[-1]
    if chosen not in nodes or chosen not in assigned:
        raise _fail(source, f"the output {chosen!r} is not assigned by the program")
    return Program(tuple(nodes.values()), chosen, text)


_KINDS = {ast.Attribute: "an attribute", ast.Subscript: "a subscript", ast.Lambda: "a lambda"}


def _finite(value: int | float) -> float | None:
    """The number as a finite double, or None (1e400, a whole number of 400 digits)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _number(node: ast.expr) -> float | None:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return None
