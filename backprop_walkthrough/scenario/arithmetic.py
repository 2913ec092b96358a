"""A learner's number, or a short sum they typed: ``0.5933*(1-0.5933)``, ``exp(-0.3775)``.

Never ``eval`` and never SymPy's ``sympify`` (both run Python): the text is parsed by Python's
``ast`` and only a whitelist is walked — numbers, + − × ÷ **, parentheses, and the functions
exp, log, sqrt. Everything else (a name, an attribute, a call of anything else, a subscript, a
string) is refused in one line, and so are overlong text, deep nesting and powers that would
not fit a double (``9**9**9`` is refused before it is computed).

The precision the learner wrote travels with the value (:class:`Typed`): a number typed with
k decimals, or in scientific notation with k significant figures, is judged at that precision.
"""

from __future__ import annotations

import ast
import math
import re
import sys
from collections.abc import Callable
from typing import NamedTuple

#: Longer text is not an answer (a worked number, or a short expression for one).
MAX_LENGTH = 200
MAX_DEPTH = 20
#: A power's exponent beyond this is refused before it is computed.
MAX_EXPONENT = 1000

FUNCTIONS: dict[str, Callable[[float], float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
}
_DECIMAL = re.compile(r"[+-]?(\d*)\.?(\d*)\Z")
_SCIENTIFIC = re.compile(r"[+-]?(\d*)\.?(\d*)[eE][+-]?\d+\Z")


#: How a refusal names an operator that is not allowed (in an answer and in a program alike).
_OPERATORS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Not: "not",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^ (write a power as **)",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.And: "and",
    ast.Or: "or",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


def operator_name(operator: ast.AST) -> str:
    return _OPERATORS.get(type(operator), type(operator).__name__)


class AnswerTextError(ValueError):
    """Text that is not a number or an allowed expression; the message is one line."""


class Typed(NamedTuple):
    """A value as the learner wrote it: the number, its text, and the precision it claims."""

    value: float
    text: str
    #: Half a unit in the last place written: 0.3775 → 0.00005; 4.4e-4 → 0.05e-4; an
    #: expression takes the finest precision among its numbers.
    half_unit: float


def _half_unit_of_literal(text: str) -> float:
    """Half a unit in the last place of a number as written."""
    text = text.strip().replace("_", "")
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        mantissa, exponent = re.split(r"[eE]", text)
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return 0.5 * 10.0 ** (int(exponent) - decimals)
    decimal = _DECIMAL.match(text)
    if decimal:
        return 0.5 * 10.0 ** -len(decimal.group(2))
    return 0.0


_LARGEST_WHOLE = int(sys.float_info.max)
#: A double holds 17 significant digits: more, written, claim a precision no value has.
DOUBLE_DIGITS = 17


def _judged_half_unit(text: str) -> float:
    """Half a unit of the last digit written — where those digits are significant. A zero
    mantissa (0e9), a tolerance as large as the number itself, or more digits than a double
    holds claim no precision: such a number is judged as the value it is (0.0)."""
    literal = text.strip().replace("_", "").lstrip("+-")
    half = _half_unit_of_literal(literal)
    digits = re.split(r"[eE]", literal)[0].replace(".", "").lstrip("0")
    if not digits or len(digits) > DOUBLE_DIGITS:
        return 0.0
    try:
        size = abs(float(literal))
    except ValueError:
        return 0.0
    return 0.0 if half >= size else half


def parse_value(text: str | float | int) -> Typed:
    """A learner's answer as a :class:`Typed` value; raise :class:`AnswerTextError`."""
    if isinstance(text, bool):
        raise AnswerTextError(f"expected a number, got {text}")
    if isinstance(text, int | float):
        # YAML already read it as a number: its precision is that of its shortest repr (a
        # whole number's, of its digits: 10000000000000000 is not 1e+16 to one digit)
        if isinstance(text, float) and not math.isfinite(text):
            raise AnswerTextError(f"expected a finite number, got {text}")
        written = repr(text)
        if isinstance(text, int) and abs(text) > _LARGEST_WHOLE:
            raise AnswerTextError(
                f"{written[:20]}… ({len(written)} digits) is too large for a double"
            )
        return Typed(float(text), written, _judged_half_unit(written))
    if not isinstance(text, str):
        raise AnswerTextError(f"expected a number or an arithmetic expression, got {text!r}")
    source = text.strip()
    if not source:
        raise AnswerTextError("empty: expected a number or an arithmetic expression")
    if len(source) > MAX_LENGTH:
        raise AnswerTextError(f"longer than {MAX_LENGTH} characters: not a worked number")
    # The literals are cut from the text that was parsed (× is two bytes in UTF-8, * one: the
    # offsets are the parsed text's).
    parsed = as_python(source)
    try:
        tree = ast.parse(parsed, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise AnswerTextError(f"{source!r} is not a number or an arithmetic expression") from None
    literals: list[str] = []
    value = _walk(tree.body, parsed, literals, 0)
    if not math.isfinite(value):
        raise AnswerTextError(f"{source!r} is not a finite number")
    # an expression is as precise as its finest rounded number (whole numbers are exact)
    rounded = [t for t in literals if "." in t or "e" in t.lower()]
    half = min((_judged_half_unit(t) for t in rounded), default=0.0)
    if isinstance(tree.body, ast.Constant) or _is_signed_constant(tree.body):
        half = _judged_half_unit(parsed)
    return Typed(value, source, half)


def as_python(text: str) -> str:
    """A learner's arithmetic in Python's spelling: the signs the tool itself prints (× ·
    −) and a power written with ^ read as * - and **. The one reading of such text, for
    answers and for the values given on the command line, exact or not."""
    return text.replace("×", "*").replace("·", "*").replace("−", "-").replace("^", "**")


def _is_signed_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)


def _walk(node: ast.expr, source: str, literals: list[str], depth: int) -> float:
    if depth > MAX_DEPTH:
        raise AnswerTextError(f"{source!r} is nested too deeply")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise AnswerTextError(f"{source!r}: only numbers, not {type(node.value).__name__}")
        literal = ast.get_source_segment(source, node) or repr(node.value)
        literals.append(literal)
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        operand = _walk(node.operand, source, literals, depth + 1)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _walk(node.left, source, literals, depth + 1)
        right = _walk(node.right, source, literals, depth + 1)
        try:
            return _binary(node.op, left, right, source)
        except ZeroDivisionError:
            raise AnswerTextError(f"{source!r} divides by zero") from None
        except OverflowError:
            raise AnswerTextError(f"{source!r} is too large for a double") from None
    if isinstance(node, ast.Call):
        if (
            not isinstance(node.func, ast.Name)
            or node.func.id not in FUNCTIONS
            or node.keywords
            or len(node.args) != 1
        ):
            raise AnswerTextError(
                f"{source!r}: the only functions are {', '.join(FUNCTIONS)}, with one argument"
            )
        argument = _walk(node.args[0], source, literals, depth + 1)
        try:
            return FUNCTIONS[node.func.id](argument)
        except (ValueError, OverflowError):
            raise AnswerTextError(
                f"{source!r}: {node.func.id}({argument:g}) is undefined"
            ) from None
    what = {ast.Name: "a name", ast.Attribute: "an attribute", ast.Subscript: "a subscript"}
    kind = what.get(type(node), type(node).__name__)
    if isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare):
        operator = node.ops[0] if isinstance(node, ast.Compare) else node.op
        kind = f"the operator {operator_name(operator)}"
    raise AnswerTextError(
        f"{source!r}: {kind} is not allowed (numbers, + − * / **, parentheses, exp, log, sqrt)"
    )


def _binary(op: ast.operator, left: float, right: float, source: str) -> float:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        return left / right
    if isinstance(op, ast.Pow):
        if abs(right) > MAX_EXPONENT or (
            abs(left) > 1 and abs(right) * math.log10(abs(left)) > 308
        ):
            raise AnswerTextError(f"{source!r}: the power is too large for a double")
        if left < 0 and not float(right).is_integer():
            raise AnswerTextError(f"{source!r}: a negative number to a fractional power")
        return float(left**right)
    raise AnswerTextError(
        f"{source!r}: the operator {operator_name(op)} is not allowed "
        "(numbers, + − * / **, parentheses)"
    )
