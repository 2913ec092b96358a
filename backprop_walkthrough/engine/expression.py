"""Backpropagation through a scalar program, node by node, the way the micrograd lecture does.

The graph is the program as written (:mod:`..scenario.program`): a node used twice stays one
node with two uses. The forward pass computes each node in floats. The backward pass goes in
reverse topological order: the output's gradient is 1, and each node's gradient is the sum,
over every use of it, of the user's gradient × the local derivative ∂user/∂node — which SymPy
derives from the user's own operation, one input slot at a time (so ∂(a + a)/∂a is two terms of
1, not one of 2). A shake check (:class:`~..model.Shake`) stands beside every leaf's gradient.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import sympy as sp

from .. import ops, options
from ..errors import NumericalError, OptionError, ScenarioError
from ..model import (
    Contribution,
    ExpressionWalkthrough,
    ExprNode,
    LocalDerivative,
    Shake,
)
from ..scenario.program import Program, ProgramNode
from .accumulate import accumulate
from .evaluate import evaluate
from .local import activation_slope
from .shake import Kinks, shake

_SLOTS = (sp.Symbol("_x0"), sp.Symbol("_x1"))


def _formula(node: ProgramNode, slots: tuple[sp.Symbol, ...]) -> sp.Expr:
    """The node's operation on placeholder inputs (unevaluated: a + a stays a sum of two)."""
    if node.op == "+":
        return sp.Add(*slots, evaluate=False) if len(slots) > 1 else slots[0]
    if node.op == "-":
        return sp.Add(slots[0], sp.Mul(-1, slots[1], evaluate=False), evaluate=False)
    if node.op == "*":
        return sp.Mul(*slots, evaluate=False)
    if node.op == "/":
        return sp.Mul(slots[0], sp.Pow(slots[1], -1, evaluate=False), evaluate=False)
    if node.op == "neg":
        return sp.Mul(-1, slots[0], evaluate=False)
    if node.op == "pow":
        assert node.exponent is not None
        exponent = (
            sp.Integer(int(node.exponent))
            if node.exponent.is_integer()
            else sp.Rational(repr(node.exponent))  # 0.5 is 1/2: exact arithmetic keeps it
        )
        return sp.Pow(slots[0], exponent, evaluate=False)
    return ops.OPERATIONS[node.op].symbolic(slots[0])


def _float(node: ProgramNode, values: Mapping[str, float]) -> float:
    args = [values[i] for i in node.inputs]
    try:
        if node.op == "+":
            return math.fsum(args)
        if node.op == "-":
            return args[0] - args[1]
        if node.op == "*":
            return args[0] * args[1]
        if node.op == "/":
            return args[0] / args[1]
        if node.op == "neg":
            return -args[0]
        if node.op == "pow":
            assert node.exponent is not None
            result = args[0] ** node.exponent
            if isinstance(result, complex):
                raise ValueError("a negative number to a fractional power")
            return float(result)
        return ops.OPERATIONS[node.op].numeric(args[0])
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise NumericalError(f"{node.name} = {node.op}({', '.join(node.inputs)}): {exc}") from None


def forward(program: Program, leaves: Mapping[str, float]) -> dict[str, float]:
    values: dict[str, float] = {}
    for node in program.nodes:
        if node.op == "leaf":
            values[node.name] = leaves[node.name]
        elif node.op == "const":
            assert node.exponent is not None
            values[node.name] = node.exponent
        else:
            value = _float(node, values)
            if not math.isfinite(value):  # a*b of two 1e300: no value a double holds
                inputs = ", ".join(f"{i} = {values[i]:.6g}" for i in node.inputs)
                raise NumericalError(
                    f"{node.name} is {value} ({inputs}): beyond the range of a double"
                )
            values[node.name] = value
    return values


def backpropagate(
    program: Program,
    leaves: Mapping[str, float],
    name: str = "expression",
    h: float = 1e-6,
    nudge: float | None = None,
) -> ExpressionWalkthrough:
    missing = [n.name for n in program.nodes if n.op == "leaf" and n.name not in leaves]
    if missing:
        raise ScenarioError(
            name, f"no value for {', '.join(missing)} (give NAME=VALUE, or values: in a file)"
        )
    values = forward(program, leaves)
    symbols = {n.name: sp.Symbol(n.name) for n in program.nodes}
    formulas: dict[str, sp.Expr] = {}
    locals_of: dict[str, list[LocalDerivative]] = {}
    for node in program.nodes:
        if node.op in ("leaf", "const"):
            formulas[node.name] = (
                symbols[node.name] if node.op == "leaf" else sp.Float(values[node.name])
            )
            continue
        slots = _SLOTS[: len(node.inputs)]
        placeholder = _formula(node, slots)
        named = dict(zip(slots, (symbols[i] for i in node.inputs), strict=True))
        formulas[node.name] = _formula(node, tuple(symbols[i] for i in node.inputs))
        derivatives = []
        for slot, source in zip(slots, node.inputs, strict=True):
            local = sp.diff(placeholder, slot).xreplace(named)
            substitutions = {symbols[i]: values[i] for i in node.inputs}
            derivatives.append(
                LocalDerivative(source, local, substitutions, _local_value(node, local, values))
            )
        locals_of[node.name] = derivatives
    contributions: dict[str, list[Contribution]] = {n.name: [] for n in program.nodes}

    def shares(name: str, gradient: float) -> Iterator[tuple[str, float]]:
        for local in locals_of.get(name, ()):
            term = gradient * local.value
            contributions[local.input].append(Contribution(name, gradient, local, term))
            yield local.input, term

    reached = accumulate([n.name for n in program.nodes], program.output, shares)
    grads = {n.name: reached.get(n.name, 0.0) for n in program.nodes}
    nodes = tuple(
        ExprNode(
            n.name,
            n.op,
            n.inputs,
            formulas[n.name],
            values[n.name],
            grads[n.name],
            tuple(contributions[n.name]),
            n.given,
        )
        for n in program.nodes
    )
    shakes = tuple(
        _shake(program, leaves, leaf.name, grads[leaf.name], h)
        for leaf in program.nodes
        if leaf.op == "leaf"
    )
    nudged = None
    if nudge is not None:
        moved = {k: v + nudge * grads[k] for k, v in leaves.items()}
        try:
            nudged = forward(program, moved)[program.output]
        except NumericalError as exc:
            raise NumericalError(f"the nudge of {nudge:g} × each gradient: {exc}") from None
    return ExpressionWalkthrough(name, program.text, nodes, program.output, shakes, nudge, nudged)


def _local_value(node: ProgramNode, local: sp.Expr, values: Mapping[str, float]) -> float:
    """∂node/∂input at the forward values: a function's from its record, in the stable form
    every view uses (tanh′(20) is 1.7e−17, not 1 − 1.0²); arithmetic's from SymPy's rule."""
    if node.op in ops.OPERATIONS:
        return activation_slope(node.op, values[node.inputs[0]])
    substitutions = {sp.Symbol(i): values[i] for i in node.inputs}
    try:
        return float(evaluate(local, substitutions))
    except NumericalError as exc:
        raise NumericalError(f"∂{node.name}: {exc}") from None


def _shake(
    program: Program, leaves: Mapping[str, float], leaf: str, symbolic: float, h: float
) -> Shake:
    """The central difference of the output in the leaf, judged as the network's are."""
    centre = leaves[leaf]

    def output_at(value: float) -> float:
        try:
            return forward(program, {**leaves, leaf: value})[program.output]
        except NumericalError:
            return math.nan

    kinked = [n for n in program.nodes if ops.has_kink(n.op)]
    at = forward(program, leaves) if kinked else {}

    def kinks(h: float) -> Kinks:
        """The ReLUs whose input the nudge of ±4h lies on or carries across 0."""
        if not kinked:
            return ()
        try:
            low = forward(program, {**leaves, leaf: centre - 4 * h})
            high = forward(program, {**leaves, leaf: centre + 4 * h})
        except NumericalError:
            return ()
        found = []
        for node in kinked:
            source = node.inputs[0]
            on = at[source] == 0 and low[source] != high[source]
            if on or (low[source] > 0) != (high[source] > 0):
                found.append((source, node.op, on))
        return tuple(found)

    return shake(leaf, centre, symbolic, output_at, h, kinks=kinks)


#: Exact arithmetic simplifies every value: past this many nodes it would take long.
MAX_EXACT_NODES = 60


def exact_number(program: Program) -> sp.Expr:
    """The exact value of a one-statement program (a leaf's value written exactly: 1/3,
    6 + log(1 + sqrt(2))), built from its nodes — never by sympify."""
    values: dict[str, sp.Expr] = {}
    for node in program.nodes:
        if node.op == "leaf":
            raise ScenarioError(program.text, f"{node.name!r} has no value here: give numbers")
        values[node.name] = _exact_node(node, values)
    return values[program.output]


def _exact_node(node: ProgramNode, values: Mapping[str, sp.Expr]) -> sp.Expr:
    if node.op == "const":
        return sp.Rational(node.literal) if node.literal else sp.Float(node.exponent)
    args = [values[i] for i in node.inputs]
    formula = _formula(node, _SLOTS[: len(args)])
    return formula.xreplace(dict(zip(_SLOTS, args, strict=False)))


def _closed(expr: sp.Expr) -> sp.Expr:
    """The simplest form SymPy finds: as it is, simplified, or simplified through exp."""
    candidates = [expr, sp.simplify(expr), sp.simplify(expr.rewrite(sp.exp))]
    return min(candidates, key=sp.count_ops)


def _digits(value: sp.Expr) -> int:
    """The digits of a leaf's exact value (numerator and denominator of a rational)."""
    if value.is_Rational:
        return len(str(abs(value.p))) + len(str(value.q))
    return sum(_digits(a) for a in value.atoms(sp.Rational)) or 1


def _check_exact_cost(program: Program, leaves: Mapping[str, sp.Expr]) -> None:
    """Refuse, before anything is computed, a program whose exact values would be too large
    (the digits of a rational multiply with a power) or too deep (functions nested in
    functions: each simplification works on the whole nest)."""
    digits: dict[str, float] = {}
    nesting: dict[str, int] = {}
    for node in program.nodes:
        inputs = [digits[i] for i in node.inputs]
        if node.op == "leaf":
            digits[node.name] = _digits(leaves[node.name])
        elif node.op == "const":
            digits[node.name] = len(node.literal or "1")
        elif node.op == "pow":
            assert node.exponent is not None
            digits[node.name] = inputs[0] * max(1.0, abs(node.exponent))
        else:
            digits[node.name] = sum(inputs) + 1
        deepest = max((nesting[i] for i in node.inputs), default=0)
        smooth = node.op in ops.OPERATIONS and not ops.activation_is_rational(node.op)
        nesting[node.name] = deepest + smooth
        if digits[node.name] > options.MAX_EXACT_DIGITS:
            raise OptionError(
                "--exact",
                f"{node.name} would be a number of about {digits[node.name]:,.0f} digits "
                f"(the limit is {options.MAX_EXACT_DIGITS:,}); drop --exact",
            )
        if nesting[node.name] > options.MAX_EXACT_NESTING:
            raise OptionError(
                "--exact",
                f"{node.name} nests {nesting[node.name]} functions (the limit is "
                f"{options.MAX_EXACT_NESTING}): its exact closed form grows with each; "
                "drop --exact",
            )


def exact_walk(
    program: Program, leaves: Mapping[str, sp.Expr]
) -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """Every node's exact value and gradient, simplified (the same rules as the float walk)."""
    if len(program.nodes) > MAX_EXACT_NODES:
        raise ScenarioError(
            program.text, f"--exact takes programs of at most {MAX_EXACT_NODES} nodes", "program"
        )
    _check_exact_cost(program, leaves)
    values: dict[str, sp.Expr] = {}
    for node in program.nodes:
        values[node.name] = leaves[node.name] if node.op == "leaf" else _exact_node(node, values)
    by_name = {n.name: n for n in program.nodes}

    def shares(name: str, gradient: sp.Expr) -> Iterator[tuple[str, sp.Expr]]:
        node = by_name[name]
        if node.op in ("leaf", "const"):
            return
        slots = _SLOTS[: len(node.inputs)]
        placeholder = _formula(node, slots)
        at = dict(zip(slots, (values[i] for i in node.inputs), strict=True))
        for slot, source in zip(slots, node.inputs, strict=True):
            yield source, gradient * sp.diff(placeholder, slot).xreplace(at)

    reached = accumulate(list(by_name), program.output, shares, sp.Integer(1))
    grads = {name: reached.get(name, sp.Integer(0)) for name in by_name}
    return {n.name: (_closed(values[n.name]), _closed(grads[n.name])) for n in program.nodes}
