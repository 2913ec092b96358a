"""The matrix view laid out: the legend of every matrix, the forward pass, the backward pass
layer by layer, and after each gradient matrix the scalar gradients its entries are.

As for the scalar view (:mod:`.layout`), every sentence and every decision about what is shown
lives here; the writers print :class:`~.blocks.MatrixEquation` s with SymPy's printers. A matrix
of more than :data:`~.layout.COMPACT_ABOVE` rows or columns shows its corner (``--full``: all).
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy as sp

from .. import ops
from ..model import (
    Applied,
    Convention,
    Link,
    MatrixForm,
    MatrixLayer,
    MatrixStep,
    MatrixWalkthrough,
)
from .blocks import (
    Align,
    Block,
    Cell,
    CellRole,
    Code,
    Column,
    Document,
    Equations,
    Formula,
    Heading,
    MatrixEquation,
    Note,
    Number,
    Paragraph,
    Prose,
    Role,
    Row,
    SideBySide,
    Table,
    Title,
    Tone,
)
from .layout import COMPACT_ABOVE
from .matrices import GENERIC
from .numbers import format_value

#: A big matrix shows this many of its first rows (columns), then ⋮ (⋯) and its last one.
CORNER = 3
CAPTIONS = {
    Convention.COLUMNS: "columns: one example a column",
    Convention.ROWS: "rows: one example a row",
}
#: The four equations, as each convention writes them (generic layers l and L).
LAST, ANY, ABOVE, BELOW = "L", "l", "l+1", "l-1"


def lay_out_matrices(w: MatrixWalkthrough, digits: int = 9, full: bool = False) -> Document:
    """The blocks of a matrix walkthrough: one convention after the other's parts, or — for
    two — each part side by side."""
    layouts = [_FormLayout(w, form, digits, full) for form in w.forms]
    title = Title(f"Backpropagation in matrix form — {w.scenario.name}", w.scenario.description)
    blocks: list[Block] = [title]
    if w.focus is not None:
        blocks.append(
            Paragraph(
                (
                    "Only what ",
                    _gradient_of(w.focus),
                    " rests on: the matrices of its layer, the forward pass, and the backward "
                    "pass from the output down to its layer.",
                ),
                Tone.INTRO,
            )
        )
    for heading, method in (
        ("The matrices", "legend"),
        ("Forward pass", "forward"),
        ("The four equations", "equations"),
        ("Backward pass", "backward"),
    ):
        blocks.append(Heading(heading))
        parts = [tuple(getattr(layout, method)()) for layout in layouts]
        if len(parts) == 1:
            blocks += parts[0]
        else:
            captions = (CAPTIONS[w.forms[0].convention], CAPTIONS[w.forms[1].convention])
            blocks.append(SideBySide(captions, (parts[0], parts[1])))
    return Document(tuple(blocks), digits)


def corner(matrix: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
    """The top-left corner of a big matrix, its last row and column, and ⋯ ⋮ ⋱ between."""
    rows = _kept(matrix.rows)
    columns = _kept(matrix.cols)
    grid = []
    for i in rows:
        grid.append(
            [
                sp.Symbol(
                    {(True, True): "⋱", (True, False): "⋮", (False, True): "⋯"}[
                        (i is None, j is None)
                    ]
                )
                if i is None or j is None
                else matrix[i, j]
                for j in columns
            ]
        )
    return sp.ImmutableMatrix(grid)


def _kept(size: int) -> list[int | None]:
    if size <= COMPACT_ABOVE:
        return list(range(size))
    return [*range(CORNER), None, size - 1]


class _FormLayout:
    def __init__(self, w: MatrixWalkthrough, form: MatrixForm, digits: int, full: bool) -> None:
        self.w = w
        self.form = form
        self.rows = form.convention is Convention.ROWS
        self.digits = digits
        self.full = full
        self.neurons = [layer.neurons for layer in w.scenario.layers]
        self.focus = w.focus
        #: the layers shown in the legend and the backward pass (explain: down to the focus's)
        self.lowest = 1
        self.links_of = form.links
        if w.focus is not None:
            self.links_of = tuple(k for k in form.links if k.parameter == w.focus)
            self.lowest = min(k.layer for k in self.links_of)

    def legend_layers(self) -> list[MatrixLayer]:
        if self.focus is None:
            return list(self.form.layers)
        layers = {k.layer for k in self.links_of}
        return [layer for layer in self.form.layers if layer.number in layers]

    def value(self, value: float) -> str:
        return format_value(value, self.digits, typographic=True)

    # matrices as shown: a big one by its corner -----------------------------------------

    def shown(self, expr: sp.Basic) -> sp.Basic:
        if self.full:
            return expr
        if isinstance(expr, sp.MatrixBase):  # a matrix's own xreplace works on its entries
            return corner(expr) if max(expr.shape) > COMPACT_ABOVE else expr
        big = {
            m: corner(m)
            for m in sp.preorder_traversal(expr)
            if isinstance(m, sp.MatrixBase) and max(m.shape) > COMPACT_ABOVE
        }
        return expr.xreplace(big) if big else expr

    def equation(self, step: MatrixStep, gap: bool = False) -> MatrixEquation:
        """label = symbolic (shapes under it) = matrices put in = value."""
        sides: list[sp.Basic] = []
        if step.symbolic != step.label:
            sides.append(step.symbolic)
        if step.substitutions and not isinstance(step.symbolic, sp.MatrixSymbol):
            # (a bare symbol put in is its value: shown once, below)
            sides.append(self.shown(step.symbolic.xreplace(dict(step.substitutions))))
        if step.simplified is not None:
            sides.append(step.simplified)
        sides.append(self.shown(step.value))
        return MatrixEquation(step.label, tuple(sides), gap=gap)

    def big(self) -> bool:
        return not self.full and max(len(n) for n in self.neurons) > COMPACT_ABOVE

    # the legend -----------------------------------------------------------------------------

    def legend(self) -> Iterator[Block]:
        if self.rows:
            yield Paragraph(
                (
                    "One example a row: X is n × d. W⁽ˡ⁾ has a row per neuron of layer l − 1 and a "
                    "column per neuron of layer l — entry (k, j) is the weight from neuron k to "
                    "neuron j, the transpose of the textbook's W. PyTorch's nn.Linear keeps its "
                    "weight out × in, the textbook's way, and computes X·weightᵀ + bias.",
                ),
                Tone.INTRO,
            )
        else:
            yield Paragraph(
                (
                    "One example a column. W⁽ˡ⁾ has a row per neuron of layer l and a column per "
                    "neuron of layer l − 1: entry (j, k) is the weight from neuron k below to "
                    "neuron j.",
                ),
                Tone.INTRO,
            )
        for layer in self.legend_layers():
            weights, b = layer.forward[0], layer.forward[1]
            below, here = self.neurons[layer.number - 1], self.neurons[layer.number]
            rows, columns = ", ".join(below), ", ".join(here)
            if not self.rows:
                rows, columns = columns, rows
            yield Paragraph(
                (f"layer {layer.number}: rows {rows}; columns {columns}",),
                Tone.QUIET,
                gap=True,
            )
            yield MatrixEquation(
                weights.label, (self.shown(_names(weights)), self.shown(weights.value))
            )
            yield MatrixEquation(b.label, (self.shown(_names(b)), self.shown(b.value)))
            if layer.broadcast_bias:
                bias = Formula(sp.Symbol(layer.broadcast_bias))
                yield Note(
                    (
                        bias,
                        f" is one scalar broadcast to the layer: b⁽{_sup(layer.number)}⁾ = ",
                        bias,
                        "·𝟏. Its gradient is the sum of the entries of the bias gradient, 𝟏ᵀ·δ.",
                    ),
                )
            elif any(name is None for row in (weights.names or ()) for name in row):
                yield Note(("A 0 without a name is a connection the scenario does not have.",))
        data = "X" if self.rows else "a⁽⁰⁾"
        yield Paragraph(
            (f"the inputs {data} and the targets {'Y' if self.rows else 'y'}",),
            Tone.QUIET,
            gap=True,
        )
        yield MatrixEquation(self.form.inputs.label, (self.shown(self.form.inputs.value),))
        yield MatrixEquation(self.form.targets.label, (self.shown(self.form.targets.value),))
        if self.big():
            yield Paragraph(
                (
                    f"Matrices of more than {COMPACT_ABOVE} rows or columns show their corners; "
                    "--full shows every entry.",
                ),
                Tone.QUIET,
            )

    # the forward pass ----------------------------------------------------------------------

    def forward(self) -> Iterator[Block]:
        for layer in self.form.layers:
            z, a = layer.forward[2:]
            yield self.equation(z, gap=layer.number > 1)
            yield self.equation(a)
        yield Equations(
            (Row(Role.STATEMENT, Formula(sp.Symbol("E_total")), (Number(self.w.E_total),)),),
            gap=True,
        )

    # the four equations --------------------------------------------------------------------

    def equations(self) -> Iterator[Block]:
        """The equations in symbols, for any layer l, as this convention writes them."""

        def m(name: str, layer: str) -> sp.MatrixSymbol:
            return sp.MatrixSymbol(f"{name}^({layer})", 1, 1)

        sigma = _generic_derivative
        if self.rows:
            rows = [
                (m("dZ", LAST), sp.HadamardProduct(m("dA", LAST), sigma(m("Z", LAST)))),
                (m("dA", ANY), sp.MatMul(m("dZ", ABOVE), sp.Transpose(m("W", ABOVE)))),
                (m("dZ", ANY), sp.HadamardProduct(m("dA", ANY), sigma(m("Z", ANY)))),
                (
                    m("db", ANY),
                    sp.MatMul(sp.Transpose(sp.MatrixSymbol("ones", 1, 1)), m("dZ", ANY)),
                ),
                (m("dW", ANY), sp.MatMul(sp.Transpose(m("A", BELOW)), m("dZ", ANY))),
            ]
            note: Prose = (
                "In code: ",
                Code("dA = dZ @ W.T"),
                ", ",
                Code("db = dZ.sum(0)"),
                " (the bias was broadcast over the rows in the forward pass, so its gradient "
                "sums them), ",
                Code("dW = A.T @ dZ"),
                "; dX is dA⁽⁰⁾.",
            )
        else:
            rows = [
                (m("delta", LAST), sp.HadamardProduct(m("dE_total/da", LAST), sigma(m("z", LAST)))),
                (
                    m("delta", ANY),
                    sp.HadamardProduct(
                        sp.MatMul(sp.Transpose(m("W", ABOVE)), m("delta", ABOVE)),
                        sigma(m("z", ANY)),
                    ),
                ),
                (m("dE_total/db", ANY), m("delta", ANY)),
                (m("dE_total/dW", ANY), sp.MatMul(m("delta", ANY), sp.Transpose(m("a", BELOW)))),
            ]
            note = (
                _gradient_of("W"),
                " is an outer product: entry (j, k) is δⱼ·aₖ, the chain rule of the scalar "
                "view for the weight from k to j. For a batch the product sums the examples, and ",
                _gradient_of("b"),
                " sums δ's columns (δ·𝟏).",
            )
        for label, formula in rows:
            yield MatrixEquation(label, (formula,), shapes=False)
        last = self.w.scenario.layers[-1].activation
        if last is not None and not ops.activation(last).elementwise:
            yield Paragraph(
                (
                    "Softmax is not element-wise: its layer's δ is Jᵀ·",
                    _gradient_of("a"),
                    " with the Jacobian J = diag(a) − a·aᵀ, one for each example; with the "
                    "cross-entropy it is a − y.",
                ),
                Tone.QUIET,
            )
        yield Paragraph(note, Tone.QUIET)

    # the backward pass ----------------------------------------------------------------------

    def backward(self) -> Iterator[Block]:
        for layer in reversed(self.form.layers[self.lowest - 1 :]):
            yield Paragraph((f"layer {layer.number}",), Tone.QUIET, gap=True)
            for step in layer.backward:
                if step.rule is not None:
                    left, right = step.rule
                    yield Equations(
                        (
                            Row(
                                Role.STATEMENT,
                                Formula(left),
                                (Formula(right),),
                                aside="entry by entry",
                            ),
                        )
                    )
                yield self.equation(step)
                if step.kind in ("dW", "db"):
                    yield from self.links(layer.number, step.kind)
        for summed in self.form.sums:
            if self.focus is None or summed.label.name == f"dE_total/d{self.focus}":
                yield self.equation(summed, gap=True)

    def links(self, layer: int, kind: str) -> Iterator[Block]:
        """The entries of a gradient matrix as the scalar gradients they are."""
        links = [k for k in self.links_of if k.layer == layer and k.kind == kind]
        if kind == "db":
            links = [k for k in links if len(k.entries) == 1]  # shared: its sum follows
        if not links:
            return
        shown = (
            links if self.full or len(links) <= 2 * COMPACT_ABOVE else links[: 2 * COMPACT_ABOVE]
        )
        rows: list[tuple[str, Cell, str]] = [
            (_entry(link), _gradient_of(link.parameter), self.value(link.value)) for link in shown
        ]
        if len(shown) < len(links):
            rows.append(("…", f"{len(links) - len(shown)} more (--full)", ""))
        columns = (
            Column("entry"),
            Column("is the scalar gradient", role=CellRole.LABEL),
            Column("value", Align.RIGHT, CellRole.VALUE),
        )
        yield Table(columns, tuple(rows))


def _gradient_of(parameter: str) -> Formula:
    """∂E_total/∂w5: the scalar gradient an entry of a gradient matrix is."""
    return Formula(sp.Derivative(sp.Symbol("E_total"), sp.Symbol(parameter)), inline=True)


def _entry(link: Link) -> str:
    ((i, j),) = link.entries
    return f"({i}, {j})"


def _sup(index: int) -> str:
    return str(index).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _generic_derivative(z: sp.MatrixSymbol) -> sp.Basic:
    """σ′(z), σ standing for any activation, as in the textbook."""
    return Applied(GENERIC, z, 1)


def _names(step: MatrixStep) -> sp.ImmutableMatrix:
    """The matrix of parameter names (a fixed 0 where there is none)."""
    assert step.names is not None
    return sp.ImmutableMatrix(
        [[sp.Symbol(n) if n else sp.Integer(0) for n in row] for row in step.names]
    )


def render_matrices(
    w: MatrixWalkthrough, output_format: str, digits: int = 9, full: bool = False
) -> str:
    """The matrix walkthrough in a document format, by the same writers as the scalar view."""
    from .writers import write

    return write(lay_out_matrices(w, digits, full), output_format)
