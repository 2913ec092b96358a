"""Every printed equation is true: each arithmetic side of every printed step, read back with
the package's own safe arithmetic parser (scenario/arithmetic.py — never eval), evaluates to the
value printed at the end of the step, within the printed rounding. A substituted form missing
its parentheses (2 × 1 − tanh(0.5)² for 2 × (1 − tanh(0.5)²)) fails here, in every view."""

from __future__ import annotations

import io
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from backprop_walkthrough import api, expression, matrices, walkthrough
from backprop_walkthrough.scenario import arithmetic, network_names

from ..engine.test_properties import networks

#: The functions the printed steps use, for the read-back (the parser's table, extended here).
FUNCTIONS = {
    "σ": lambda x: 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x)),
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x)),
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
    "softplus": lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
    "silu": lambda x: x / (1 + math.exp(-x)),
    "sin": math.sin,
    "cos": math.cos,
}
_SUPERSCRIPTS = str.maketrans({"·": "*", "−": "-", "½": "0.5", "^": "**"})
_POWER = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SIDES = re.compile(r"\s+=\s+")


@pytest.fixture(autouse=True)
def _read_back_functions(monkeypatch):
    monkeypatch.setattr(arithmetic, "FUNCTIONS", {**arithmetic.FUNCTIONS, **FUNCTIONS})
    monkeypatch.setattr(arithmetic, "MAX_LENGTH", 100_000)
    monkeypatch.setattr(arithmetic, "MAX_DEPTH", 200)


def number(side: str) -> tuple[float, float] | None:
    """(value, half a unit of its last printed digit) of a side that is pure arithmetic."""
    side = side.strip()
    if not side or re.search(r"[A-Za-z_][A-Za-z0-9_]*(?!\s*\()", _without_functions(side)):
        return None
    try:
        plain = _POWER.sub(lambda m: "**" + m.group(0).translate(_DIGITS), side)
        typed = arithmetic.parse_value(plain.translate(_SUPERSCRIPTS))
    except arithmetic.AnswerTextError:
        return None
    return typed.value, typed.half_unit


def _without_functions(side: str) -> str:
    for name in sorted(FUNCTIONS, key=len, reverse=True) + ["exp", "log", "sqrt"]:
        side = side.replace(f"{name}(", "(")
    return re.sub(r"\d[eE][−+-]?\d", "0", side)  # 4.2e−18 is a number, not a name


def equations(text: str) -> list[list[str]]:
    """Each printed equation as its sides: a line with " = " and the lines that continue it
    (an indented "= …")."""
    found: list[list[str]] = []
    for line in text.splitlines():
        if re.match(r"\s+= ", line) and found:
            found[-1].extend(_columns(_SIDES.split(line.strip()[2:])))
        elif " = " in line:
            found.append(_columns(_SIDES.split(line.strip())))
    return found


def _columns(sides: list[str]) -> list[str]:
    """The sides up to a gap of two spaces or more: after it comes an annotation ("  ✓ agrees")
    or another column of the page (the shake's "h = 1e-06   E_total(w5 + h)")."""
    kept = []
    for side in sides:
        before, *after = re.split(r"\s{2,}", side)
        kept.append(before)
        if after:
            break
    return [side for side in kept if not re.fullmatch(r"\d+×\d+", side.strip())]


def false_equations(text: str) -> tuple[int, list[str]]:
    """(how many equations had two or more arithmetic sides, the ones that are false)."""
    checked, wrong = 0, []
    for sides in equations(text):
        read = [(s, v) for s, v in ((s, number(s)) for s in sides) if v is not None]
        if len(read) < 2:
            continue
        checked += 1
        printed, half = read[-1][1]
        for side, (value, side_half) in read[:-1]:
            # The printed rounding, carried through: each number written is off by half a unit
            # of its last digit, and a sum that cancels keeps that error of its largest term.
            numbers = [float(n.replace("−", "-")) for n in _NUMBERS.findall(side)]
            scale = max([abs(printed), *map(abs, numbers)])
            tolerance = 10 * (half + len(numbers) * side_half) + 1e-6 * scale + 1e-300
            if not abs(value - printed) <= tolerance:
                wrong.append(" = ".join(sides))
    return checked, wrong


_NUMBERS = re.compile(r"\d+(?:\.\d+)?(?:e[−+-]?\d+)?")


def terminal(result, width: int = 400) -> str:
    console = Console(file=io.StringIO(), width=width, no_color=True, highlight=False)
    console.print(api.terminal_view(result))
    return console.file.getvalue()


def test_the_checker_catches_a_missing_parenthesis():
    checked, wrong = false_equations("dL/dn = 2.000000 × 1 − tanh(0.5)² = 1.572895\n")
    assert checked == 1 and wrong
    checked, wrong = false_equations("dL/dn = 2.000000 × (1 − tanh(0.5)²) = 1.572895\n")
    assert checked == 1 and not wrong


@pytest.mark.parametrize("name", network_names())
def test_every_equation_of_every_builtin_walkthrough_is_true(name):
    checked, wrong = false_equations(terminal(walkthrough(name)))
    assert not wrong
    assert checked >= 10


@pytest.mark.parametrize("name", ["micrograd", "neuron"])
def test_every_equation_of_the_builtin_expressions_is_true(name):
    checked, wrong = false_equations(terminal(expression(name)))
    assert not wrong and checked >= 5


@pytest.mark.parametrize("name", ["mazur", "softmax", "xor"])
def test_every_equation_of_the_matrix_view_is_true(name):
    _checked, wrong = false_equations(terminal(matrices(name, "both")))
    assert not wrong


@settings(max_examples=15)
@given(networks())
def test_every_equation_of_random_networks_is_true(doc):
    checked, wrong = false_equations(terminal(walkthrough(doc)))
    assert not wrong and checked >= 3


_LEAF = st.sampled_from(["a", "b", "c"])
_FUNCTION = st.sampled_from(["tanh", "sigmoid", "relu", "exp", "sin", "cos"])


@st.composite
def programs(draw) -> str:
    """A random program of two to four statements over leaves a, b, c."""
    names = ["a", "b", "c"]
    statements = []
    for index in range(draw(st.integers(2, 4))):
        left = draw(st.sampled_from(names))
        right = draw(st.sampled_from([*names, "2", "0.5", "-3"]))
        operator = draw(st.sampled_from(["+", "-", "*"]))
        body = f"{left} {operator} {right}"
        if draw(st.booleans()):
            body = f"{draw(_FUNCTION)}({body})"
        if draw(st.booleans()):
            body = f"{draw(st.sampled_from(['2', '-1.5']))}*({body})"
        name = f"n{index}"
        statements.append(f"{name} = {body}")
        names.append(name)
    return "; ".join(statements)


@settings(max_examples=40)
@given(programs(), st.lists(st.floats(-3, 3).map(lambda x: round(x, 3)), min_size=3, max_size=3))
def test_every_equation_of_random_programs_is_true(program, values):
    used = {name for name in "abc" if re.search(rf"\b{name}\b", program)}
    w = expression(program, {k: v for k, v in zip("abc", values, strict=True) if k in used})
    checked, wrong = false_equations(terminal(w))
    assert not wrong and checked >= 1


def test_a_piecewise_factor_is_not_parenthesised_twice():
    text = terminal(expression("L = relu(a)*3", {"a": 0.0}))
    assert "× (1 if 0 > 0 else 0) = 0.000000000" in text and "((" not in text


def test_a_power_of_several_digits_prints_as_one_superscript():
    """a**30 was printed a³0 and a**100 a··100."""
    text = terminal(expression("L = a**30 + a**100 + a**12", {"a": 1.01}))
    assert "a³⁰" in text and "a¹⁰⁰" in text and "a¹²" in text
    assert "³0" not in text and "··" not in text
    checked, wrong = false_equations(text)
    assert not wrong and checked >= 5
