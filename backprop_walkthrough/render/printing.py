"""SymPy printers for one-line text: symbolic forms and the same forms with numbers put in.

The substituted form of a formula is the formula printed with each leaf replaced by its number,
so it always has exactly the structure of the symbolic form above it (no re-ordering, no
simplification). ``order="none"`` keeps the order in which the engine built each expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.str import StrPrinter

from ..ops import printed_function
from .numbers import MINUS, format_operand, with_minus

# Typography for the terminal: products with a middle dot, true minus signs, small powers.
#: The decimals of a number put into a formula when no number of digits is asked for (JSON).
FULL_DIGITS = 15
#: A group's own value is shown where its printed parts come to a value off by more than this.
GROUP_TOLERANCE = 1e-3
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: A whole exponent as superscript digits (a**30 is a³⁰, never a³0); any other power with ^.
_WHOLE_POWER = re.compile(r"\*\*(\d+)(?![\d.])")
_TEXT_REPLACEMENTS = (("**", "^"), ("*", "·"), ("-", MINUS))


class gradient(sp.Function):  # noqa: N801 - printed by name, as SymPy's functions are
    """dL/dn, the gradient of an expression's output with respect to a node (the lecture's
    notation, d for the total derivative through every path): dL/dn in text, a fraction
    with an upright d in LaTeX and MathML, as ∂ is for a local derivative."""

    nargs = 2


class at(sp.Function):  # noqa: N801 - printed by name, as SymPy's functions are
    """A named quantity at a point, ``E_total(w5 + h)`` in a shake check: the name printed as
    a symbol (E with total below), not as a function's name."""

    nargs = 2


class _Substituting:
    """What the text, LaTeX and MathML printers share: the numbers they put in place of leaves.

    A leaf found in ``substitutions`` prints as its number; everything else as SymPy would.
    """

    SETTINGS: dict[str, Any] = {"order": "none"}  # the order in which the engine built it

    def __init__(
        self,
        substitutions: Mapping[sp.Basic, float] | None = None,
        digits: int | None = 9,
        inline: bool = False,
    ) -> None:
        super().__init__(dict(self.SETTINGS))  # type: ignore[call-arg]
        self.substitutions = substitutions or {}
        self.digits = digits
        #: In running text or a table's name column: ∂a/∂b on one line, as text sets it
        #: (a built-up fraction would open the lines apart).
        self.inline = inline
        self._whole: dict[sp.Basic, bool] = {}

    def _plain(self, value: float) -> str:
        """The number as text, as the arithmetic of the printed parts reads it back."""
        return _operand(value, self.digits)

    def _format(self, value: float) -> str:
        """The number as this printer's markup shows it."""
        return self._plain(value)

    def _operand_of(self, expr: sp.Basic) -> str | None:
        """The number put in place of ``expr``, or None when it is not substituted.

        Besides leaves, the engine gives the values of groups such as 1 − out_o1, log(out_o1)
        and target_o1 − out_o1, computed to full precision (see ops.py). A group is shown as its
        own number only where the arithmetic of its printed parts would be off by more than a
        thousandth: 1 − 1 does not show 4.8e−11. Everywhere else the leaves' arithmetic is
        shown, as the textbook writes it.
        """
        if expr not in self.substitutions:
            return None
        if not (expr.is_Symbol or isinstance(expr, sp.Derivative)) and not self._shown_whole(expr):
            return None
        return self._format(self.substitutions[expr])

    def _shown_whole(self, group: sp.Basic) -> bool:
        if group not in self._whole:
            precise = self.substitutions[group]
            printed = self._printed_value(group, top=True)
            self._whole[group] = not (
                printed is not None and abs(printed - precise) <= GROUP_TOLERANCE * abs(precise)
            )
        return self._whole[group]

    def _printed_value(self, expr: sp.Basic, top: bool = False) -> float | None:
        """What ``expr`` comes to from the numbers printed inside it (None: undefined)."""
        if expr in self.substitutions and (expr.is_Symbol or (not top and self._shown_whole(expr))):
            text = self._plain(self.substitutions[expr])
            return float(text.replace(MINUS, "-"))
        if expr.is_Number:
            return float(expr)
        parts = [self._printed_value(a) for a in expr.args]
        if any(p is None for p in parts):
            return None
        values = [p for p in parts if p is not None]
        try:
            if expr.is_Add:
                return math.fsum(values)
            if expr.is_Mul:
                return math.prod(values)
            if expr.is_Pow:
                result = values[0] ** values[1]
                return None if isinstance(result, complex) else float(result)
            if isinstance(expr, sp.log):
                return math.log(values[0])
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
        return None

    def _bare(self, expr: sp.Basic) -> str:
        """An argument that needs no parentheses of its own: f(−0.5), not f((−0.5))."""
        return self._operand_of(expr) or str(self._print(expr))  # type: ignore[attr-defined]


class TextPrinter(_Substituting, StrPrinter):
    """``sstr`` with ∂ for derivatives, σ for the sigmoid, optional numbers for leaves."""

    def _plain(self, value: float) -> str:
        return format_operand(value, self.digits)  # None: full precision, for JSON

    def _number(self, expr: sp.Basic) -> str | None:
        text = self._operand_of(expr)
        return f"({text})" if text is not None and text.startswith("-") else text

    def doprint(self, expr: sp.Basic) -> str:
        return self._bare(expr)

    def _print_Function(self, expr: sp.Function) -> str:
        printed = printed_function(expr.func)
        name = printed.text if printed else expr.func.__name__
        return f"{name}({', '.join(self._bare(a) for a in expr.args)})"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        greek = _GREEK.get(expr.name)
        return self._number(expr) or (greek[1] if greek else super()._print_Symbol(expr))

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        return self._number(expr) or super()._print_Add(expr, order)

    def _print_log(self, expr: sp.log) -> str:
        return self._number(expr) or self._print_Function(expr)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        number = self._number(expr)
        if number is not None:
            return number
        ((variable, _count),) = expr.variable_count
        return f"∂{self._print(expr.expr)}/∂{self._print(variable)}"

    def _print_gradient(self, expr: sp.Function) -> str:
        return f"d{self._print(expr.args[0])}/d{self._print(expr.args[1])}"

    def _print_at(self, expr: sp.Function) -> str:
        return f"{self._print(expr.args[0])}({self._print(expr.args[1])})"

    def _print_softmax(self, expr: sp.Function) -> str:
        k, nets = int(expr.args[0]), expr.args[1:]
        total = " + ".join(f"exp({self._bare(n)})" for n in nets)
        return f"exp({self._bare(nets[k])})/({total})"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        (value, condition), (otherwise, _) = expr.args
        return f"({self._print(value)} if {self._print(condition)} else {self._print(otherwise)})"

    def _print_Float(self, expr: sp.Float) -> str:
        return format_operand(float(expr), FULL_DIGITS if self.digits is None else self.digits)

    def _print_Max(self, expr: sp.Max) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Sum(self, expr: sp.Sum) -> str:
        ((index, low, high),) = expr.limits
        return f"Σ_{index}={self._print(low)}..{self._print(high)} {self._print(expr.function)}"


def to_text(
    expr: sp.Basic,
    substitutions: Mapping[sp.Basic, float] | None = None,
    digits: int | None = 9,
    typographic: bool = True,
) -> str:
    """One line of text for ``expr``; with ``substitutions``, its numbers put in."""
    numbers = tuple(substitutions.items()) if substitutions else ()
    return _text(expr, numbers, digits, typographic)


@lru_cache(maxsize=1 << 14)
def _text(
    expr: sp.Basic,
    numbers: tuple[tuple[sp.Basic, float], ...],
    digits: int | None,
    typographic: bool,
) -> str:
    """The printing itself, kept: a factor such as out_o1·(1 − out_o1) with its numbers is
    printed once, however many chains show it."""
    text = TextPrinter(dict(numbers), digits).doprint(expr)
    if typographic:
        text = _WHOLE_POWER.sub(lambda m: m.group(1).translate(_SUPERSCRIPT_DIGITS), text)
        for old, new in _TEXT_REPLACEMENTS:
            text = text.replace(old, new)
    return text


def latex_scientific(text: str) -> str:
    """A number's text for LaTeX math: 4.2e-18 as 4.2 · 10^{−18} (an ``e`` would read as a
    variable, and its minus as a subtraction)."""
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \cdot 10^{{{int(exponent.replace(MINUS, '-'))}}}"


def _operand(value: float, digits: int | None) -> str:
    return format_operand(value, FULL_DIGITS if digits is None else digits)


#: The symbols of our own formulas that are Greek letters (leaky ReLU's slope): LaTeX, MathML.
_GREEK = {"alpha": (r"\alpha", "α"), "eta": (r"\eta", "η")}
_TRAILING_DIGITS = re.compile(r"([A-Za-z]+)(\d+)\Z")


def symbol_parts(name: str) -> tuple[str, str, str]:
    """(base, subscript, superscript) of a symbol's name, for LaTeX and MathML alike:
    ``net_h1`` → net, h1; ``w5`` → w, 5; ``h1_1`` → h, (1,1); ``net_h1_1`` → net, (h1,1);
    ``w_ih`` → w, ih; ``E_total^(1)`` → E, total, (1); ``E_total⁺`` → +.
    The name is taken as written: a neuron called beta or pi is that word, never β or π."""
    superscript = ""
    if name.endswith("⁺"):  # E_total⁺: the value after the update
        name, superscript = name[:-1], "+"
    if "^" in name:  # E_total^(1): one example's part
        name, superscript = name.split("^", 1)
    base, *parts = name.split("_")
    digits = _TRAILING_DIGITS.match(base)
    if digits:  # w5 → w with 5; h1_1 → h with 1,1 (the digits lead the subscript)
        base, first = digits.groups()
        parts = [first, *parts]
    return base, ",".join(parts), superscript


def latex_symbol(name: str) -> str:
    """A symbol's name as LaTeX: words upright (``\\mathrm{net}_{h1}``, ``E_{\\mathrm{total}}``),
    trailing digits as a subscript (``w_{5}``), ``^(1)`` and ``⁺`` as superscripts."""
    if name in _GREEK:
        return _GREEK[name][0]
    base, subscript, superscript = symbol_parts(name)

    def word(text: str) -> str:  # a name of more than one character is upright (h1, bh1n1)
        return rf"\mathrm{{{text}}}" if len(text) > 1 and not text.isdigit() else text

    text = word(base) + (f"_{{{word(subscript)}}}" if subscript else "")
    return text + (f"^{{{superscript}}}" if superscript else "")


class LatexFormulaPrinter(_Substituting, LatexPrinter):
    """SymPy's LaTeX printer in the learner's order, with ∂-fractions and optional numbers."""

    SETTINGS = {"order": "none", "mul_symbol": "dot"}

    def _format(self, value: float) -> str:
        return latex_scientific(self._plain(value))

    def _number(self, expr: sp.Basic) -> str | None:
        text = self._operand_of(expr)
        return rf"\left({text}\right)" if text is not None and text.startswith("-") else text

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        number = self._number(expr)
        if number is not None:
            return number
        return latex_symbol(expr.name)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        return self._number(expr) or str(super()._print_Add(expr, order))

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        return self._number(expr) or str(super()._print_log(expr, exp))

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        number = self._number(expr)
        if number is not None:
            return number
        ((variable, _count),) = expr.variable_count
        of, wrt = self._print(expr.expr), self._print(variable)
        if self.inline:
            return rf"\partial {of}/\partial {wrt}"
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"

    def _print_gradient(self, expr: sp.Function, exp: str | None = None) -> str:
        of, wrt = (self._print(a) for a in expr.args)
        if self.inline:
            return rf"\mathrm{{d}}{of}/\mathrm{{d}}{wrt}"
        return rf"\frac{{\mathrm{{d}}{of}}}{{\mathrm{{d}}{wrt}}}"

    def _print_Float(self, expr: sp.Float) -> str:
        return self._format(float(expr))

    def _print_at(self, expr: sp.Function, exp: str | None = None) -> str:
        return f"{self._print(expr.args[0])}({self._print(expr.args[1])})"

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        printed = printed_function(expr.func)
        if printed is None:
            return str(super()._print_Function(expr, exp))
        name = printed.latex if exp is None else f"{printed.latex}^{{{exp}}}"
        return rf"{name}\left({', '.join(self._bare(a) for a in expr.args)}\right)"

    def _print_softmax(self, expr: sp.Function) -> str:
        k, nets = int(expr.args[0]), expr.args[1:]
        total = " + ".join(rf"e^{{{self._bare(n)}}}" for n in nets)
        return rf"\frac{{e^{{{self._bare(nets[k])}}}}}{{{total}}}"


def to_latex(
    expr: sp.Basic,
    substitutions: Mapping[sp.Basic, float] | None = None,
    digits: int | None = 9,
    inline: bool = False,
) -> str:
    """LaTeX for ``expr``; with ``substitutions``, its numbers put in; ``inline``: its
    fractions on one line."""
    printer = LatexFormulaPrinter(substitutions, digits, inline)
    whole = printer._operand_of(expr)
    return whole if whole is not None else str(printer.doprint(expr))


class MathMLFormulaPrinter(_Substituting, MathMLPresentationPrinter):
    """SymPy's MathML (presentation) printer with the same conventions as the LaTeX one."""

    def _element(self, tag: str, text: str) -> Any:
        element = self.dom.createElement(tag)
        element.appendChild(self.dom.createTextNode(text))
        return element

    def _row(self, *children: Any) -> Any:
        row = self.dom.createElement("mrow")
        for child in children:
            row.appendChild(child)
        return row

    def _number(self, expr: sp.Basic) -> Any:
        operand = self._operand_of(expr)
        if operand is None:
            return None
        text = with_minus(operand)
        number = self._element("mn", text)
        if text.startswith(MINUS):
            return self._row(self._element("mo", "("), number, self._element("mo", ")"))
        return number

    def _print_Symbol(self, sym: sp.Symbol, style: str = "plain") -> Any:
        number = self._number(sym)
        if number is not None:
            return number
        if sym.name in _GREEK:
            return self._element("mi", _GREEK[sym.name][1])
        base, subscript, superscript = symbol_parts(sym.name)
        parts = [self._element("mi", base)]
        if subscript:
            parts.append(self._element("mi", subscript))
        if superscript:
            parts.append(self._element("mo" if superscript == "+" else "mi", superscript))
        tag = {1: "", 2: "msup" if superscript else "msub", 3: "msubsup"}[len(parts)]
        if not tag:
            return parts[0]
        element = self.dom.createElement(tag)
        for part in parts:
            element.appendChild(part)
        return element

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> Any:
        number = self._number(expr)
        return number if number is not None else super()._print_Add(expr, order)

    def _print_log(self, expr: sp.log) -> Any:
        number = self._number(expr)
        return number if number is not None else self._print_Function(expr)

    def _print_Derivative(self, expr: sp.Derivative) -> Any:
        number = self._number(expr)
        if number is not None:
            return number
        ((variable, _count),) = expr.variable_count
        return self._fraction("∂", "mo", expr.expr, variable)

    def _print_gradient(self, expr: sp.Function) -> Any:
        return self._fraction("d", "mi", *expr.args)

    def _tight(self, tag: str, text: str) -> Any:
        """An element set without an operator's space around it (∂ and the solidus of
        ∂a/∂b are part of a name, as in print)."""
        element = self._element(tag, text)
        if tag == "mo":
            element.setAttribute("lspace", "0")
            element.setAttribute("rspace", "0")
        return element

    def _fraction(self, d: str, tag: str, of: sp.Basic, wrt: sp.Basic) -> Any:
        """∂of/∂wrt (or d): built up, or on one line where the maths is inline."""
        top = self._row(self._tight(tag, d), self._print(of))
        bottom = self._row(self._tight(tag, d), self._print(wrt))
        if self.inline:
            return self._row(top, self._tight("mo", "/"), bottom)
        fraction = self.dom.createElement("mfrac")
        fraction.appendChild(top)
        fraction.appendChild(bottom)
        return fraction

    def _print_at(self, expr: sp.Function) -> Any:
        name, point = (self._print(a) for a in expr.args)
        return self._row(name, self._element("mo", "("), point, self._element("mo", ")"))

    def _print_Float(self, expr: sp.Float) -> Any:
        return self._element("mn", _operand(float(expr), self.digits))

    def _print_Mul(self, expr: sp.Mul) -> Any:
        args = expr.args
        # −(target − out): SymPy's MathML printer drops the parentheses of a negated sum.
        if len(args) == 2 and args[0] == -1 and args[1].is_Add:
            return self._row(
                self._element("mo", MINUS),
                self._element("mo", "("),
                self._print(args[1]),
                self._element("mo", ")"),
            )
        fractional = any(
            (a.is_Rational and not a.is_Integer) or (a.is_Pow and a.exp.is_negative) for a in args
        )
        if fractional or args[0] == -1:
            return super()._print_Mul(expr)
        # w1·i1 in the order built, with a visible dot: with numbers put in, SymPy's invisible
        # product would run 0.15 and 0.05 together as 0.150.05.
        row = self._row()
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._element("mo", "·"))
            if arg.is_Add:
                row.appendChild(
                    self._row(self._element("mo", "("), self._print(arg), self._element("mo", ")"))
                )
            else:
                row.appendChild(self._print(arg))
        return row

    def _print_Function(self, expr: sp.Function) -> Any:
        printed = printed_function(expr.func)
        if printed is None:
            return super()._print_Function(expr)
        row = self._row(self._element("mi", printed.mathml), self._element("mo", "("))
        for i, arg in enumerate(expr.args):
            if i:
                row.appendChild(self._element("mo", ","))
            row.appendChild(self._print(arg))
        row.appendChild(self._element("mo", ")"))
        return row

    def _print_softmax(self, expr: sp.Function) -> Any:
        k, nets = int(expr.args[0]), expr.args[1:]
        fraction = self.dom.createElement("mfrac")
        fraction.appendChild(self._print(sp.exp(nets[k], evaluate=False)))
        fraction.appendChild(
            self._print(sp.Add(*(sp.exp(n, evaluate=False) for n in nets), evaluate=False))
        )
        return fraction

    def _print_Piecewise(self, expr: sp.Piecewise) -> Any:
        (value, condition), (otherwise, _) = expr.args
        return self._row(
            self._element("mo", "("),
            self._print(value),
            self._element("mtext", "\u00a0if\u00a0"),  # MathML trims plain spaces
            self._print(condition),
            self._element("mtext", "\u00a0else\u00a0"),
            self._print(otherwise),
            self._element("mo", ")"),
        )


def to_mathml(
    expr: sp.Basic,
    substitutions: Mapping[sp.Basic, float] | None = None,
    digits: int | None = 9,
    inline: bool = False,
) -> str:
    """Presentation MathML (the inside of a <math> element) for ``expr``; ``inline``: its
    fractions on one line."""
    printer = MathMLFormulaPrinter(substitutions, digits, inline)
    whole = printer._operand_of(expr)
    if whole is not None:
        return f"<mn>{with_minus(whole)}</mn>"
    # SymPy writes a subtraction with the hyphen; typeset it with the minus sign. A bracket
    # inside a row is an infix operator to MathML, spaced like one (σ ( 0.3775 )): say
    # which side it closes, and it hugs what it encloses.
    return (
        str(printer.doprint(expr))
        .replace("<mo>-</mo>", f"<mo>{MINUS}</mo>")
        .replace("<mo>(</mo>", FENCES[0])
        .replace("<mo>)</mo>", FENCES[1])
    )


#: Brackets as MathML sets them tight: an opening one prefix, a closing one postfix, neither
#: stretched (Chromium sets a stretchy bracket apart from what it encloses).
FENCES = (
    '<mo form="prefix" stretchy="false">(</mo>',
    '<mo form="postfix" stretchy="false">)</mo>',
)
