"""SymPy's printers for matrix formulas: the terminal's grids (``pretty``), ``bmatrix`` LaTeX and
MathML ``mtable`` s.

The printers are SymPy's own; these subclasses only say how our names read (``W^(1)`` is W⁽¹⁾,
``dE_total/dW^(1)`` is ∂E_total/∂W⁽¹⁾, ``ones`` is 𝟏), write ⊙ for the element-wise product
(SymPy's default is ∘), write each number with the walkthrough's decimals, and — with
``shapes`` — print each matrix symbol with its shape under it (W⁽¹⁾ over 2×2). An explicit
matrix is a grid; the symbols ⋯ ⋮ ⋱ stand for the entries a big matrix does not show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

from .. import ops
from ..model import Applied
from .numbers import MINUS, format_decimals, format_operand, with_minus
from .printing import LatexFormulaPrinter, MathMLFormulaPrinter, latex_symbol

#: The entries a corner of a big matrix leaves out, as symbols in its place.
ELIDED = {"⋯": (r"\cdots", "⋯"), "⋮": (r"\vdots", "⋮"), "⋱": (r"\ddots", "⋱")}
_SUPERSCRIPT = str.maketrans("0123456789(),Ll+-−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾˒ᴸˡ⁺⁻⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_NAME = re.compile(
    r"(?P<prefix>dE_total/d|d(?=[WbZA](?:\^|,|\Z)))?(?P<base>[A-Za-z_]+?\d*)"
    r"(?:\^\((?P<layer>[^)]+)\))?(?:,(?P<example>\d+))?\Z"
)
_GREEK = {"delta": ("δ", r"\delta")}


class MatrixName(NamedTuple):
    """A matrix symbol's name read: ``dE_total/d`` + ``W`` + layer 1 (+ example 2)."""

    prefix: str  # "", "d" (library code's dW) or "dE_total/d" (the textbook's ∂E_total/∂W)
    base: str
    layer: str
    example: str

    @classmethod
    def parse(cls, name: str) -> MatrixName:
        found = _NAME.match(name)
        if found is None:  # pragma: no cover - the engine names every symbol in this form
            return cls("", name, "", "")
        return cls(
            found["prefix"] or "", found["base"], found["layer"] or "", found["example"] or ""
        )


def needs_parentheses(arg: sp.Basic, operator: str) -> bool:
    """(Wᵀ·δ) ⊙ σ′(z): a sum inside any product, and a matrix product inside ⊙, in brackets
    (SymPy would leave the second to precedence, which few readers know for ⊙)."""
    if isinstance(arg, sp.MatAdd):
        return True
    return operator == "⊙" and isinstance(arg, (sp.MatMul, sp.HadamardProduct))


def padded_entries(matrix: Any, digits: int) -> dict[sp.Float, str]:
    """Each number of a matrix as written, with zeros added to the most decimals of its column
    so that a column's decimal points line up (0.20 under 0.15, −0.022602540 under 0.082…)."""
    padded: dict[sp.Float, str] = {}
    for j in range(matrix.cols):
        column = [matrix[i, j] for i in range(matrix.rows) if isinstance(matrix[i, j], sp.Float)]
        texts = [format_operand(float(v), digits) for v in column]
        if any("e" in t for t in texts):
            continue
        decimals = max((len(t.partition(".")[2]) for t in texts), default=0)
        for value in column:
            padded[value] = format_decimals(float(value), decimals)
    return padded


def shape_text(shape: tuple[Any, Any]) -> str:
    return f"{shape[0]}×{shape[1]}"


#: The activation of the four equations in general: σ, any activation.
GENERIC = "σ"


def _activation_names(activation: str) -> ops.Printed:
    if activation == GENERIC:
        return ops.Printed("σ", r"\sigma", "σ", "σ")
    return ops.activation(activation).printed


# --- the terminal: SymPy's pretty printer ------------------------------------------------------


class MatrixTextPrinter(PrettyPrinter):
    """``pretty`` with our names, ⊙, and numbers to ``digits`` decimals, right-aligned."""

    def __init__(self, digits: int = 9, shapes: bool = False) -> None:
        super().__init__({"use_unicode": True, "order": "none", "wrap_line": False})
        self.digits = digits
        self.shapes = shapes
        self.padded: dict[sp.Float, str] = {}  # the numbers of the matrix being printed

    def name(self, name: str) -> str:
        if name == "ones":
            return "𝟏"
        if name.startswith("select_"):  # the entries a partly shared bias feeds
            return f"𝟏[{MatrixName.parse(name[7:]).base}]"
        read = MatrixName.parse(name)
        base = _GREEK.get(read.base, (read.base,))[0]
        text = base + (f"({read.layer})".translate(_SUPERSCRIPT) if read.layer else "")
        text += read.example.translate(_SUBSCRIPT)
        return {"": text, "d": "d" + text, "dE_total/d": "∂E_total/∂" + text}[read.prefix]

    def _print_MatrixSymbol(self, e: sp.MatrixSymbol) -> prettyForm:
        return self.shaped(self.name(e.name), e.shape)

    def shaped(self, name: str, shape: tuple[Any, Any]) -> prettyForm:
        """The name, and with ``shapes`` its shape on the line below."""
        if not self.shapes:
            return prettyForm(name)
        below = shape_text(shape)
        width = max(len(name), len(below))
        return prettyForm(f"{name.center(width)}\n{below.center(width)}", baseline=0)

    def _print_Transpose(self, e: sp.Transpose) -> prettyForm:
        if isinstance(e.arg, sp.MatrixSymbol):
            return self.shaped(self.name(e.arg.name) + "ᵀ", e.shape)
        inner = self._print(e.arg)
        return prettyForm(*inner.right("ᵀ"))

    def _print_HadamardProduct(self, e: sp.HadamardProduct) -> prettyForm:
        return self._joined(e.args, " ⊙ ", parenthesise=True)

    def _print_MatMul(self, e: sp.MatMul) -> prettyForm:
        args = list(e.args)
        sign = ""
        if args[0] == -1:
            sign, args = MINUS, args[1:]
        explicit = any(isinstance(a, sp.MatrixBase) for a in sp.preorder_traversal(e))
        form = self._joined(args, " · " if explicit else "·", parenthesise=True)
        return prettyForm(*form.left(sign)) if sign else form

    def _print_MatAdd(self, e: sp.MatAdd) -> prettyForm:
        form: prettyForm | None = None
        for arg in e.args:
            negative = isinstance(arg, sp.MatMul) and arg.args[0] == -1
            printed = self._print(-arg if negative else arg)
            if form is None:
                form = prettyForm(*printed.left(MINUS)) if negative else printed
            else:
                form = prettyForm(*form.right(f" {MINUS} " if negative else " + ", printed))
        assert form is not None
        return form

    def _joined(self, args: Any, operator: str, parenthesise: bool = False) -> prettyForm:
        form: prettyForm | None = None
        outer = operator.strip()
        for arg in args:
            printed = self._print(arg)
            if parenthesise and needs_parentheses(arg, outer):
                printed = prettyForm(*printed.parens())
            form = printed if form is None else prettyForm(*form.right(operator, printed))
        assert form is not None
        return form

    def _print_Applied(self, e: Applied) -> prettyForm:
        name = _activation_names(e.activation).text + ("′" if e.derivative else "")
        if isinstance(e.arg, sp.MatrixSymbol):  # σ(z⁽¹⁾) on one line, its shape under it
            return self.shaped(f"{name}({self.name(e.arg.name)})", e.shape)
        return prettyForm(*prettyForm(*self._print(e.arg).parens()).left(name))

    def _print_DiagMatrix(self, e: Any) -> prettyForm:
        return prettyForm(*prettyForm(*self._print(e.args[0]).parens()).left("diag"))

    def _print_Float(self, e: sp.Float) -> prettyForm:
        text = self.padded.get(e) or format_operand(float(e), self.digits)
        return prettyForm(with_minus(text))

    def _print_Symbol(self, e: sp.Symbol, bold_name: bool = False) -> prettyForm:
        return prettyForm(e.name)

    def _print_matrix_contents(self, e: Any) -> prettyForm:
        """SymPy's grid, packed: no blank line between rows, numbers right-aligned so that
        their decimal points line up."""
        self.padded = padded_entries(e, self.digits)
        cells = [[str(self._print(e[i, j])) for j in range(e.cols)] for i in range(e.rows)]
        self.padded = {}
        widths = [max(len(cells[i][j]) for i in range(e.rows)) for j in range(e.cols)]
        lines = []
        for row in cells:
            parts = [cell.rjust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("  ".join(parts))
        return prettyForm("\n".join(lines), baseline=(e.rows - 1) // 2)


def pretty_side(expr: sp.Basic, digits: int, shapes: bool = False) -> prettyForm:
    return MatrixTextPrinter(digits, shapes)._print(expr)


class Piece(NamedTuple):
    """One operand of a side cut before its top-level operators; a product inside ⊙ keeps its
    brackets, the opening one on its first factor and the closing one on its last."""

    operator: str  # "", "+", "−", "·" or "⊙"
    expr: sp.Basic
    opens: bool = False
    closes: bool = False
    bracketed: bool = False  # the whole operand in brackets


def side_pieces(expr: sp.Basic) -> list[Piece]:
    """A side too wide for its line, cut before its top-level operators (and a product's
    factors), each operand to be printed whole — never a cut through a matrix."""
    operators = {sp.MatAdd: "+", sp.MatMul: "·", sp.HadamardProduct: "⊙"}
    if type(expr) not in operators or (isinstance(expr, sp.MatMul) and expr.args[0] == -1):
        return [Piece("", expr)]
    pieces: list[Piece] = []
    for i, arg in enumerate(expr.args):
        operator = operators[type(expr)] if i else ""
        if isinstance(expr, sp.MatAdd) and isinstance(arg, sp.MatMul) and arg.args[0] == -1:
            operator, arg = MINUS, -arg
        if isinstance(arg, sp.MatMul) and arg.args[0] != -1:
            first, *rest = side_pieces(arg)
            inside = isinstance(expr, sp.HadamardProduct)
            pieces.append(first._replace(operator=operator, opens=inside))
            pieces += rest[:-1]
            pieces.append(rest[-1]._replace(closes=inside))
            continue
        pieces.append(Piece(operator, arg, bracketed=needs_parentheses(arg, operators[type(expr)])))
    return pieces


def pretty_pieces(expr: sp.Basic, digits: int) -> list[tuple[str, prettyForm]]:
    """:func:`side_pieces` printed for the terminal: (" ⊙ ", operand) pairs."""
    printer = MatrixTextPrinter(digits)
    printed = []
    for piece in side_pieces(expr):
        form = printer._print(piece.expr)
        if piece.bracketed or (piece.opens and piece.closes):
            form = prettyForm(*form.parens())
        elif piece.opens:
            form = prettyForm(*form.parens(right=""))
        elif piece.closes:
            form = prettyForm(*form.parens(left=""))
        operator = f" {piece.operator} " if piece.operator else ""
        printed.append((operator, form))
    return printed


#: A LaTeX side wider than this many characters of the terminal's print (about the width of an
#: A4 text block at 11 pt) is cut before its operators onto lines of its own.
LATEX_LINE = 80


# --- LaTeX: SymPy's LaTeX printer ---------------------------------------------------------------


def latex_matrix_name(name: str) -> str:
    if name == "ones":
        return r"\mathbf{1}"
    if name.startswith("select_"):
        return rf"\mathbf{{1}}_{{[{MatrixName.parse(name[7:]).base}]}}"
    read = MatrixName.parse(name)
    base = _GREEK[read.base][1] if read.base in _GREEK else latex_symbol(read.base)
    text = base + (f"^{{({read.layer})}}" if read.layer else "")
    text += f"_{{{read.example}}}" if read.example else ""
    if read.prefix == "d":
        return rf"\mathrm{{d}}{text}"
    if read.prefix == "dE_total/d":
        return rf"\frac{{\partial E_{{\mathrm{{total}}}}}}{{\partial {text}}}"
    return text


class MatrixLatexPrinter(LatexFormulaPrinter):
    """SymPy's LaTeX printer: ``bmatrix`` grids, ⊙ as ``\\odot``, shapes under the symbols."""

    SETTINGS = {"order": "none", "mul_symbol": "dot", "mat_str": "bmatrix", "mat_delim": ""}

    def __init__(self, digits: int = 9, shapes: bool = False) -> None:
        super().__init__(None, digits)
        self.shapes = shapes
        self.padded: dict[sp.Float, str] = {}

    def _print_MatrixBase(self, expr: Any) -> str:
        self.padded = padded_entries(expr, self.digits or 9)
        try:
            return str(super()._print_MatrixBase(expr))
        finally:
            self.padded = {}

    def _print_Float(self, expr: sp.Float) -> str:
        padded = self.padded.get(expr)
        return padded if padded is not None else str(super()._print_Float(expr))

    def shaped(self, text: str, shape: tuple[Any, Any]) -> str:
        if not self.shapes:
            return text
        return rf"\underset{{{shape[0]}\times {shape[1]}}}{{{text}}}"

    def _print_MatrixSymbol(self, e: sp.MatrixSymbol, style: str = "plain") -> str:
        return self.shaped(latex_matrix_name(e.name), e.shape)

    def _print_Transpose(self, e: sp.Transpose) -> str:
        if isinstance(e.arg, sp.MatrixSymbol):
            name = latex_matrix_name(e.arg.name)
            if "frac" in name or "^" in name:
                name = rf"\left({name}\right)"
            return self.shaped(rf"{name}^{{\mathsf{{T}}}}", e.shape)
        return rf"{self._print(e.arg)}^{{\mathsf{{T}}}}"

    def _print_HadamardProduct(self, e: sp.HadamardProduct) -> str:
        return r" \odot ".join(self._factor(a, "⊙") for a in e.args)

    def _factor(self, arg: sp.Basic, operator: str = "·") -> str:
        text = self._print(arg)
        if needs_parentheses(arg, operator):
            return rf"\left({text}\right)"
        return str(text)

    def _print_MatMul(self, e: sp.MatMul) -> str:
        args = list(e.args)
        sign = ""
        if args[0] == -1:
            sign, args = "-", args[1:]
        return sign + r" \cdot ".join(self._factor(a) for a in args)

    def _print_MatAdd(self, e: sp.MatAdd) -> str:
        text = ""
        for arg in e.args:
            negative = isinstance(arg, sp.MatMul) and arg.args[0] == -1
            printed = self._print(-arg if negative else arg)
            if not text:
                text = ("-" if negative else "") + printed
            else:
                text += (" - " if negative else " + ") + printed
        return text

    def _print_Applied(self, e: Applied) -> str:
        name = _activation_names(e.activation).latex + ("'" if e.derivative else "")
        if isinstance(e.arg, sp.MatrixSymbol):
            inner = latex_matrix_name(e.arg.name)
            return self.shaped(rf"{name}\left({inner}\right)", e.shape)
        return rf"{name}\left({self._print(e.arg)}\right)"

    def _print_DiagMatrix(self, e: Any) -> str:
        return rf"\operatorname{{diag}}\left({self._print(e.args[0])}\right)"

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if expr.name in ELIDED:
            return ELIDED[expr.name][0]
        return super()._print_Symbol(expr, style)


def latex_side(expr: sp.Basic, digits: int, shapes: bool = False) -> str:
    return str(MatrixLatexPrinter(digits, shapes).doprint(expr))


def latex_aligned(label: sp.Basic, sides: Sequence[sp.Basic], digits: int, shapes: bool) -> str:
    """The rows of an ``align*`` (``aligned``): label = first side, then = each other side; a
    side too wide for the page goes on over several rows, cut before its operators."""
    rows = []
    for i, side in enumerate(sides):
        start = ("" if i else latex_side(label, digits, shapes)) + " &= "
        if pretty_side(side, digits).width() <= LATEX_LINE:
            rows.append(start + latex_side(side, digits, shapes and i == 0))
            continue
        line, width = start, 0
        for piece in side_pieces(side):
            text = latex_side(piece.expr, digits)
            if piece.bracketed or (piece.opens and piece.closes):
                text = rf"\left({text}\right)"
            elif piece.opens:
                text = rf"\left({text}\right."
            elif piece.closes:
                text = rf"\left.{text}\right)"
            operator = {"·": r"\cdot", "⊙": r"\odot", MINUS: "-"}.get(
                piece.operator, piece.operator
            )
            size = pretty_side(piece.expr, digits).width() + 3
            if piece.operator and width + size > LATEX_LINE:
                rows.append(line)
                line, width = r" &\quad " + operator + " ", 0
            elif piece.operator:
                line += f" {operator} "
            line += text
            width += size
        rows.append(line)
    return " \\\\\n".join(rows)


# --- MathML: SymPy's presentation printer ------------------------------------------------------


class MatrixMathMLPrinter(MathMLFormulaPrinter):
    """SymPy's MathML: ``mtable`` grids in brackets, ⊙, shapes under the symbols (``munder``)."""

    def __init__(self, digits: int = 9, shapes: bool = False) -> None:
        super().__init__(None, digits)
        self.shapes = shapes
        self.padded: dict[sp.Float, str] = {}

    def shaped(self, element: Any, shape: tuple[Any, Any]) -> Any:
        if not self.shapes:
            return element
        under = self.dom.createElement("munder")
        under.appendChild(element)
        small = self.dom.createElement("mstyle")
        small.setAttribute("mathsize", "80%")
        small.appendChild(self._element("mn", shape_text(shape)))
        under.appendChild(small)
        return under

    def name(self, name: str) -> Any:
        if name == "ones":
            return self._element("mn", "𝟏")
        if name.startswith("select_"):
            return self._row(
                self._element("mn", "𝟏"),
                self._element("mtext", f"[{MatrixName.parse(name[7:]).base}]"),
            )
        read = MatrixName.parse(name)
        base = _GREEK[read.base][0] if read.base in _GREEK else read.base
        core = self._element("mi", base)
        if read.layer or read.example:
            tag = {(True, True): "msubsup", (True, False): "msup", (False, True): "msub"}[
                (bool(read.layer), bool(read.example))
            ]
            element = self.dom.createElement(tag)
            element.appendChild(core)
            if read.example:
                element.appendChild(self._element("mn", read.example))
            if read.layer:
                # (l−1) with a minus sign, not the hyphen of the name; a thin space first, or
                # the bracket touches an italic W's overhang
                layer = self._row(
                    self.dom.createElement("mspace"),
                    self._element("mn", f"({with_minus(read.layer)})"),
                )
                layer.firstChild.setAttribute("width", "0.12em")
                element.appendChild(layer)
            core = element
        if read.prefix == "d":
            return self._row(self._element("mi", "d"), core)
        if read.prefix == "dE_total/d":
            fraction = self.dom.createElement("mfrac")
            total = self.dom.createElement("msub")
            total.appendChild(self._element("mi", "E"))
            total.appendChild(self._element("mi", "total"))
            fraction.appendChild(self._row(self._element("mo", "∂"), total))
            fraction.appendChild(self._row(self._element("mo", "∂"), core))
            return fraction
        return core

    def _print_MatrixSymbol(self, e: sp.MatrixSymbol) -> Any:
        return self.shaped(self.name(e.name), e.shape)

    def _print_Transpose(self, e: sp.Transpose) -> Any:
        element = self.dom.createElement("msup")
        inner = self.name(e.arg.name) if isinstance(e.arg, sp.MatrixSymbol) else self._print(e.arg)
        if isinstance(e.arg, sp.MatrixSymbol) and e.arg.name.startswith(("dE_total", "d")):
            inner = self._row(self._element("mo", "("), inner, self._element("mo", ")"))
        element.appendChild(inner)
        element.appendChild(self._element("mi", "T"))
        return self.shaped(element, e.shape) if isinstance(e.arg, sp.MatrixSymbol) else element

    def _joined(self, args: Any, operator: str) -> Any:
        row = self._row()
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._element("mo", operator))
            printed = self._print(arg)
            if needs_parentheses(arg, operator):
                printed = self._row(self._element("mo", "("), printed, self._element("mo", ")"))
            row.appendChild(printed)
        return row

    def _print_HadamardProduct(self, e: sp.HadamardProduct) -> Any:
        return self._joined(e.args, "⊙")

    def _print_MatMul(self, e: sp.MatMul) -> Any:
        args = list(e.args)
        if args[0] == -1:
            return self._row(self._element("mo", MINUS), self._joined(args[1:], "·"))
        return self._joined(args, "·")

    def _print_MatAdd(self, e: sp.MatAdd) -> Any:
        row = self._row()
        for i, arg in enumerate(e.args):
            negative = isinstance(arg, sp.MatMul) and arg.args[0] == -1
            if i or negative:
                row.appendChild(self._element("mo", MINUS if negative else "+"))
            row.appendChild(self._print(-arg if negative else arg))
        return row

    def _print_Applied(self, e: Applied) -> Any:
        # σ and its prime apart: one <mi>σ′</mi> of two letters would be set upright
        name = self._element("mi", _activation_names(e.activation).mathml)
        if e.derivative:
            name = self._row(name, self._element("mo", "′"))
        symbolic = isinstance(e.arg, sp.MatrixSymbol)
        applied = self._row(
            name,
            self._element("mo", "("),
            self.name(e.arg.name) if symbolic else self._print(e.arg),
            self._element("mo", ")"),
        )
        return self.shaped(applied, e.shape) if symbolic else applied

    def _print_DiagMatrix(self, e: Any) -> Any:
        return self._row(
            self._element("mi", "diag"),
            self._element("mo", "("),
            self._print(e.args[0]),
            self._element("mo", ")"),
        )

    def _print_Float(self, expr: sp.Float) -> Any:
        text = self.padded.get(expr) or format_operand(float(expr), self.digits or 9)
        return self._element("mn", with_minus(text))

    def _print_Symbol(self, sym: sp.Symbol, style: str = "plain") -> Any:
        if sym.name in ELIDED:
            return self._element("mo", ELIDED[sym.name][1])
        return super()._print_Symbol(sym, style)

    def _print_MatrixBase(self, m: Any) -> Any:
        self.padded = padded_entries(m, self.digits or 9)
        table = self.dom.createElement("mtable")
        for i in range(m.rows):
            row = self.dom.createElement("mtr")
            for j in range(m.cols):
                cell = self.dom.createElement("mtd")
                cell.setAttribute("columnalign", "right")
                cell.appendChild(self._print(m[i, j]))
                row.appendChild(cell)
            table.appendChild(row)
        self.padded = {}
        return self._row(self._element("mo", "["), table, self._element("mo", "]"))


def mathml_side(expr: sp.Basic, digits: int, shapes: bool = False) -> str:
    return str(MatrixMathMLPrinter(digits, shapes).doprint(expr))
