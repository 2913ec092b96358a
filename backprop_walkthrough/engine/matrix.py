"""The derivation in matrix form: the same network, one matrix equation a step, SymPy doing the
algebra.

Each step is a SymPy matrix expression over :class:`~sympy.MatrixSymbol` s (whose shapes SymPy
checks as it builds the product: a mismatch would raise here, never print), the explicit
matrices put in its place, and its value — ``symbolic.xreplace(substitutions).doit()``, so the
formula shown is the formula computed. Only the activations are applied by their float records
(:mod:`..ops`), entry by entry, and their derivatives are SymPy's derivatives of those records,
as in the scalar view.

Two conventions (:class:`~..model.Convention`):

* columns, the textbook's: W⁽ˡ⁾ is out × in, entry (j, k) the weight from neuron k of the layer
  below to neuron j; one example a column; z⁽ˡ⁾ = W⁽ˡ⁾·a⁽ˡ⁻¹⁾ + b⁽ˡ⁾; δ⁽ᴸ⁾ = ∂E/∂a⁽ᴸ⁾ ⊙ σ′(z⁽ᴸ⁾);
  δ⁽ˡ⁾ = ((W⁽ˡ⁺¹⁾)ᵀ·δ⁽ˡ⁺¹⁾) ⊙ σ′(z⁽ˡ⁾); ∂E/∂b⁽ˡ⁾ = δ⁽ˡ⁾; ∂E/∂W⁽ˡ⁾ = δ⁽ˡ⁾·(a⁽ˡ⁻¹⁾)ᵀ.
* rows, library code's: W is in × out, one example a row; Z = A·W + b; dW = Aᵀ·dZ;
  db = 𝟏ᵀ·dZ (``dZ.sum(0)``: a broadcast forward is a sum backward); dA = dZ·Wᵀ.

A batch of m examples is m columns (rows); the bias is broadcast by 𝟏 (b·𝟏ᵀ, 𝟏·b), so that its
gradient is the sum over the batch, and the weights' gradient sums the examples by the matrix
product itself. E_total is the sum of the examples' errors, as in the scalar view.

A connection the scenario does not have is a fixed 0 in W with no name; the matrices compute
its gradient all the same, which no parameter takes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sympy as sp
from sympy import ImmutableMatrix as Matrix

from .. import ops
from ..model import (
    Applied,
    Convention,
    EntryNames,
    Link,
    MatrixForm,
    MatrixLayer,
    MatrixStep,
    MatrixWalkthrough,
)
from ..scenario.types import Scenario
from .local import (
    LOSS_OUT,
    LOSS_TARGET,
    OutputExample,
    activation_slope,
    loss_derivative,
    output_error,
    output_layer,
)

X = sp.Symbol("x")
E_TOTAL = sp.Symbol("E_total")
OUT, TARGET = sp.Symbol("a_k"), sp.Symbol("y_k")


def symbol(name: str, layer: int | None, shape: tuple[int, int]) -> sp.MatrixSymbol:
    """A matrix symbol: ``W^(1)`` typesets as W⁽¹⁾ (see render/matrices.py)."""
    return sp.MatrixSymbol(name if layer is None else f"{name}^({layer})", *shape)


def ones(rows: int, columns: int) -> sp.MatrixSymbol:
    """𝟏, the matrix of ones that broadcasts a bias (SymPy's OneMatrix loses its shape in a
    product, so 𝟏 is a symbol whose value is put in like any other)."""
    return sp.MatrixSymbol("ones", rows, columns)


def step(
    kind: str,
    label: sp.MatrixExpr,
    symbolic: sp.MatrixExpr,
    substitutions: dict[sp.Basic, Matrix],
    names: EntryNames | None = None,
    rule: tuple[sp.Expr, sp.Expr] | None = None,
) -> MatrixStep:
    """A step whose value SymPy computes from its formula with the matrices put in."""
    if label.shape != symbolic.shape:  # pragma: no cover - the formulas are built to match
        raise AssertionError(f"{label} is {label.shape}, its formula {symbolic.shape}")
    filled = {**substitutions}
    for leaf in symbolic.atoms(sp.MatrixSymbol):
        if leaf.name == "ones":
            filled[leaf] = Matrix.ones(*leaf.shape)
    value = Matrix(symbolic.xreplace(filled).doit())
    return MatrixStep(kind, label, symbolic, filled, value, names, rule)


def given(
    kind: str, label: sp.MatrixSymbol, value: Matrix, names: EntryNames | None = None
) -> MatrixStep:
    """A matrix the scenario gives (W, b, the inputs, the targets): its own value."""
    return MatrixStep(kind, label, label, {}, value, names)


def _floats(rows: Sequence[Sequence[float]]) -> Matrix:
    return Matrix([[sp.Float(v) for v in row] for row in rows])


def _entries(matrix: Matrix) -> list[list[float]]:
    return [[float(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]


class _Builder:
    """The one derivation, written for the columns convention; ``rows`` transposes the
    orientation of every matrix and the order of every product."""

    def __init__(self, scenario: Scenario, convention: Convention) -> None:
        self.s = scenario
        self.rows = convention is Convention.ROWS
        self.convention = convention
        self.m = len(scenario.examples)
        self.layers = scenario.layers

    def oriented(self, shape: tuple[int, int]) -> tuple[int, int]:
        return (shape[1], shape[0]) if self.rows else shape

    def matrix(self, columns_form: list[list[float]]) -> Matrix:
        """A matrix given in the columns orientation, in this convention's."""
        matrix = _floats(columns_form)
        return matrix.T if self.rows else matrix

    def names(self, columns_form: list[list[str | None]]) -> EntryNames:
        grid = [list(row) for row in columns_form]
        if self.rows:
            grid = [list(column) for column in zip(*grid, strict=True)]
        return tuple(tuple(row) for row in grid)

    def product(self, left: sp.MatrixExpr, right: sp.MatrixExpr) -> sp.MatrixExpr:
        """left·right in columns, rightᵀ-style order in rows (W·a becomes A·W)."""
        return sp.MatMul(right, left) if self.rows else sp.MatMul(left, right)

    # the given matrices ------------------------------------------------------------------

    def weights(self, layer: int) -> MatrixStep:
        below, here = self.layers[layer - 1].neurons, self.layers[layer].neurons
        by_connection = {(w.source, w.target): w for w in self.s.weights}
        values = [[0.0] * len(below) for _ in here]
        names: list[list[str | None]] = [[None] * len(below) for _ in here]
        for j, target in enumerate(here):
            for k, source in enumerate(below):
                weight = by_connection.get((source, target))
                if weight is not None:
                    values[j][k], names[j][k] = weight.value, weight.name
        label = symbol("W", layer, self.oriented((len(here), len(below))))
        return given("W", label, self.matrix(values), self.names(names))

    def bias(self, layer: int) -> MatrixStep:
        here = self.layers[layer].neurons
        fed_by = {t: b for b in self.s.biases for t in b.targets}
        values = [[fed_by[n].value if n in fed_by else 0.0] for n in here]
        names = [[fed_by[n].name if n in fed_by else None] for n in here]
        label = symbol("b", layer, self.oriented((len(here), 1)))
        return given("b", label, self.matrix(values), self.names(names))

    def data(self) -> tuple[MatrixStep, MatrixStep]:
        inputs, outputs = self.layers[0].neurons, self.layers[-1].neurons
        x = [[e.inputs[n] for e in self.s.examples] for n in inputs]
        y = [[e.targets[n] for e in self.s.examples] for n in outputs]
        a0 = symbol(
            "X" if self.rows else "a",
            None if self.rows else 0,
            self.oriented((len(inputs), self.m)),
        )
        target = symbol("Y" if self.rows else "y", None, self.oriented((len(outputs), self.m)))
        return given("inputs", a0, self.matrix(x)), given("targets", target, self.matrix(y))

    # the forward pass ---------------------------------------------------------------------

    def activation_of(self, layer: int) -> str:
        activation = self.layers[layer].activation
        assert activation is not None
        return activation

    def slope(self, layer: int) -> float:
        """Leaky ReLU's slope (as the scalar view takes it: a slope of 0 is 0, not the
        default)."""
        slope = self.layers[layer].slope
        return ops.DEFAULT_LEAKY_SLOPE if slope is None else slope

    def applied(self, layer: int, z: Matrix) -> Matrix:
        """a = σ(z): the record's float function, one example at a time (softmax needs all
        the nets of its example)."""
        record = ops.activation(self.activation_of(layer))
        slope = self.slope(layer)
        columns = _entries(z.T if not self.rows else z)  # one list per example
        outs = [record.layer(nets, slope) for nets in columns]
        return _floats(outs) if self.rows else _floats(outs).T

    def forward(self, layer: int, a_below: MatrixStep) -> tuple[MatrixStep, ...]:
        W, b = self.weights(layer), self.bias(layer)
        n = len(self.layers[layer].neurons)
        broadcast: sp.MatrixExpr = b.label
        if self.m > 1:  # b·𝟏ᵀ (𝟏·b): one copy of the bias per example, 𝟏 a column of m ones
            column = ones(self.m, 1)
            broadcast = (
                sp.MatMul(column, b.label)
                if self.rows
                else sp.MatMul(b.label, sp.Transpose(column))
            )
        z_label = symbol("Z" if self.rows else "z", layer, self.oriented((n, self.m)))
        values = {W.label: W.value, a_below.label: a_below.value, b.label: b.value}
        z = step("z", z_label, sp.MatAdd(self.product(W.label, a_below.label), broadcast), values)
        activation = self.activation_of(layer)
        a_label = symbol("A" if self.rows else "a", layer, z_label.shape)
        a = MatrixStep(
            "a",
            a_label,
            Applied(activation, z_label),
            {z_label: z.value},
            self.applied(layer, z.value),
        )
        return W, b, z, a

    # the backward pass --------------------------------------------------------------------

    def sigma_prime(self, layer: int, z: MatrixStep) -> MatrixStep:
        """σ′(z): the activation record's derivative (SymPy's, shown as the rule), evaluated at
        every entry in its stable form from z (:mod:`.local`), never from the rounded a."""
        activation = self.activation_of(layer)
        record = ops.activation(activation)
        slope = self.slope(layer)
        built = record.build(X, [X], 0, slope)
        # The record's derivative (the one every view takes), written in x for the rule shown.
        unstable = ops.local_derivative_form(activation, slope, stable=False)
        derivative = unstable.xreplace({ops.NET: X, ops.OUT: built})
        values = [
            [activation_slope(activation, v, slope) for v in row] for row in _entries(z.value)
        ]
        applied = Applied(activation, z.label, 1)
        rule = (sp.Derivative(built, X), derivative)
        return MatrixStep(
            "sigma_prime", applied, applied, {z.label: z.value}, _floats(values), None, rule
        )

    def output_examples(self, z: MatrixStep, y: MatrixStep) -> list[OutputExample]:
        """The output layer's local derivatives, one example at a time (:mod:`.local`)."""
        last = len(self.layers) - 1
        nets = _entries(z.value if self.rows else z.value.T)  # one list per example
        targets = _entries(y.value if self.rows else y.value.T)
        return [
            output_layer(self.s.loss, self.activation_of(last), n, t, self.slope(last))
            for n, t in zip(nets, targets, strict=True)
        ]

    def by_example(self, rows: list[list[float]]) -> Matrix:
        """A matrix from one list per example, in this convention's orientation."""
        return _floats(rows) if self.rows else _floats(rows).T

    def loss_gradient(self, a: MatrixStep, examples: list[OutputExample]) -> MatrixStep:
        """∂E_total/∂a⁽ᴸ⁾: SymPy's derivative of the loss record (the rule shown), evaluated
        stably entry by entry (its groups from z, a residual at a saturated end as a distance)."""
        outputs = len(self.layers[-1].neurons)
        rule = loss_derivative(self.s.loss, outputs, LOSS_OUT, LOSS_TARGET).xreplace(
            {LOSS_OUT: OUT, LOSS_TARGET: TARGET}
        )
        label = gradient_symbol(
            "A" if self.rows else "a", len(self.layers) - 1, a.label.shape, self.rows
        )
        values = self.by_example([e.d_error for e in examples])
        return MatrixStep(
            "dE_da", label, label, {}, values, None, (sp.Derivative(E_TOTAL, OUT), rule)
        )

    def output_delta(self, z: MatrixStep, a: MatrixStep, y: MatrixStep) -> list[MatrixStep]:
        """δ⁽ᴸ⁾: ∂E/∂a ⊙ σ′(z), or for softmax (not element-wise) Jᵀ·∂E/∂a per example."""
        last = len(self.layers) - 1
        examples = self.output_examples(z, y)
        gradient = self.loss_gradient(a, examples)
        label = gradient_symbol("Z" if self.rows else "z", last, z.label.shape, self.rows)
        if ops.activation(self.activation_of(last)).elementwise:
            local = self.sigma_prime(last, z)
            formula = sp.HadamardProduct(gradient.label, local.label)
            values = {gradient.label: gradient.value, local.label: local.value}
            delta = step("delta", label, formula, values)
            if any(e.fused for e in examples):
                # 0 × ∞ in doubles: the δ of those entries is SymPy's cancelled product
                # (σ′ × BCE′ = a − y), as in the scalar view.
                delta = delta._replace(value=self.by_example([e.delta for e in examples]))
            return [gradient, local, delta]
        return [gradient, *self.softmax_delta(label, a, y, gradient, examples)]

    def example(self, matrix: Matrix, example: int) -> Matrix:
        """One example's column (row) of a batch's matrix."""
        return matrix.row(example) if self.rows else matrix.col(example)

    def softmax_delta(
        self,
        label: sp.MatrixSymbol,
        a: MatrixStep,
        y: MatrixStep,
        gradient: MatrixStep,
        examples: list[OutputExample],
    ) -> list[MatrixStep]:
        """Softmax: J = diag(a) − a·aᵀ for each example, δ = Jᵀ·∂E/∂a (J is symmetric); with
        the cross-entropy (targets summing to 1) that is a − y."""
        n = len(self.layers[-1].neurons)
        last = len(self.layers) - 1
        shape = self.oriented((n, 1))
        steps, parts = [], []
        for example in range(self.m):
            suffix = f"{last}),{example + 1}" if self.m > 1 else f"{last})"
            a_k = sp.MatrixSymbol(f"{'A' if self.rows else 'a'}^({suffix}", *shape)
            g_k = sp.MatrixSymbol(f"{'dA' if self.rows else 'dE_total/da'}^({suffix}", *shape)
            J = sp.MatrixSymbol(f"J^({suffix}", n, n)
            outer = self.product(a_k, sp.Transpose(a_k))  # a·aᵀ (aᵀ·a in rows)
            jacobian = step(
                "jacobian",
                J,
                sp.MatAdd(sp.DiagMatrix(a_k), -outer),
                {a_k: self.example(a.value, example)},
            )
            # Its value from the stable forms: diag(a) − a·aᵀ from a rounded a cancels on the
            # diagonal (a_k − a_k² is 0 at a_k = 1.0; it is a_k·Σ_{j≠k} a_j).
            jacobian = jacobian._replace(value=_floats(examples[example].jacobian or []))
            delta_k = sp.MatrixSymbol(f"{'dZ' if self.rows else 'delta'}^({suffix}", *shape)
            local = step(
                "delta",
                delta_k,
                self.product(sp.Transpose(J), g_k),
                {J: jacobian.value, g_k: self.example(gradient.value, example)},
            )
            steps += [jacobian, local]
            parts.append(local.value)
        value = Matrix.vstack(*parts) if self.rows else Matrix.hstack(*parts)
        if ops.loss(self.s.loss).targets_sum_to_one:  # cross-entropy: Jᵀ·(−y/a) = a − y
            simplified = sp.MatAdd(a.label, -y.label)
            check = Matrix(simplified.xreplace({a.label: a.value, y.label: y.value}).doit())
            assert max(abs(float(d)) for d in (check - value)) < 1e-12
            delta = MatrixStep("delta", label, label, {}, value, None, None, simplified)
            if self.m == 1:  # the only example: its δ is the layer's
                steps[-1] = steps[-1]._replace(label=label, simplified=simplified)
                return steps
            return [*steps, delta]
        return [*steps, MatrixStep("delta", label, label, {}, value)] if self.m > 1 else steps

    def backward(
        self, layer: int, a_below: MatrixStep, z: MatrixStep, upstream: list[MatrixStep]
    ) -> list[MatrixStep]:
        """From the δ of this layer (the last of ``upstream``): dW and db."""
        delta = upstream[-1]
        parameters = self.weights(layer)
        W_gradient = gradient_symbol("W", layer, parameters.label.shape, self.rows)
        transposed = sp.Transpose(a_below.label)
        formula = (
            sp.MatMul(transposed, delta.label) if self.rows else sp.MatMul(delta.label, transposed)
        )
        dW = step(
            "dW",
            W_gradient,
            formula,
            {delta.label: delta.value, a_below.label: a_below.value},
            parameters.names,
        )
        bias = self.bias(layer)
        b_gradient = gradient_symbol("b", layer, bias.label.shape, self.rows)
        b_formula: sp.MatrixExpr = delta.label
        if self.m > 1:  # the sum over the batch: δ·𝟏 (𝟏ᵀ·dZ)
            column = ones(self.m, 1)
            b_formula = (
                sp.MatMul(sp.Transpose(column), delta.label)
                if self.rows
                else sp.MatMul(delta.label, column)
            )
        db = step("db", b_gradient, b_formula, {delta.label: delta.value}, bias.names)
        return [*upstream, dW, db]

    def hidden_delta(
        self, layer: int, z: MatrixStep, above_W: MatrixStep, above_delta: MatrixStep
    ) -> list[MatrixStep]:
        """δ⁽ˡ⁾ = ((W⁽ˡ⁺¹⁾)ᵀ·δ⁽ˡ⁺¹⁾) ⊙ σ′(z⁽ˡ⁾); in rows dA = dZ·Wᵀ, then dZ = dA ⊙ σ′(Z)."""
        local = self.sigma_prime(layer, z)
        label = gradient_symbol("Z" if self.rows else "z", layer, z.label.shape, self.rows)
        back = sp.Transpose(above_W.label)
        values = {above_W.label: above_W.value, above_delta.label: above_delta.value}
        if not self.rows:
            formula = sp.HadamardProduct(sp.MatMul(back, above_delta.label), local.label)
            return [local, step("delta", label, formula, {**values, local.label: local.value})]
        dA_label = gradient_symbol("A", layer, z.label.shape, True)
        dA = step("dA", dA_label, sp.MatMul(above_delta.label, back), values)
        formula = sp.HadamardProduct(dA.label, local.label)
        return [
            dA,
            local,
            step("delta", label, formula, {dA.label: dA.value, local.label: local.value}),
        ]

    # the whole ----------------------------------------------------------------------------

    def form(self) -> MatrixForm:
        inputs, targets = self.data()
        forwards: list[tuple[MatrixStep, ...]] = []
        below = inputs
        for layer in range(1, len(self.layers)):
            steps = self.forward(layer, below)
            forwards.append(steps)
            below = steps[3]
        backwards: dict[int, list[MatrixStep]] = {}
        last = len(self.layers) - 1
        for layer in range(last, 0, -1):
            W, b, z, a = forwards[layer - 1]
            a_below = inputs if layer == 1 else forwards[layer - 2][3]
            if layer == last:
                upstream = self.output_delta(z, a, targets)
            else:
                above_W = forwards[layer][0]
                above_delta = [s for s in backwards[layer + 1] if s.kind == "delta"][-1]
                upstream = self.hidden_delta(layer, z, above_W, above_delta)
            backwards[layer] = self.backward(layer, a_below, z, upstream)
        layers = tuple(
            MatrixLayer(
                layer,
                self.activation_of(layer),
                forwards[layer - 1],
                tuple(backwards[layer]),
                self.broadcast_bias(layer),
            )
            for layer in range(1, last + 1)
        )
        links, sums = self.links(layers)
        return MatrixForm(self.convention, inputs, targets, layers, links, sums)

    def broadcast_bias(self, layer: int) -> str | None:
        here = set(self.layers[layer].neurons)
        for b in self.s.biases:
            if len(b.targets) > 1 and set(b.targets) == here:
                return b.name
        return None

    def links(
        self, layers: tuple[MatrixLayer, ...]
    ) -> tuple[tuple[Link, ...], tuple[MatrixStep, ...]]:
        """Each parameter's entries in the gradient matrices; a bias at several entries (shared)
        gets a step of its own, 𝟏ᵀ·(those entries), which SymPy sums."""
        links: list[Link] = []
        bias_entries: dict[str, list[tuple[MatrixStep, int, int, int]]] = {}
        for layer in layers:
            for gradient in layer.backward:
                if gradient.kind not in ("dW", "db") or gradient.names is None:
                    continue
                for i, row in enumerate(gradient.names):
                    for j, name in enumerate(row):
                        if name is None:
                            continue
                        if gradient.kind == "db":
                            bias_entries.setdefault(name, []).append((gradient, layer.number, i, j))
                        else:
                            value = float(gradient.value[i, j])
                            links.append(Link(name, layer.number, "dW", ((i + 1, j + 1),), value))
        sums: list[MatrixStep] = []
        for name, entries in bias_entries.items():
            gradient, layer_index = entries[0][0], entries[0][1]
            positions = tuple((i + 1, j + 1) for _g, _l, i, j in entries)
            if len(entries) == 1:
                value = float(gradient.value[entries[0][2], entries[0][3]])
            else:
                summed = self.bias_sum(name, entries)
                sums.append(summed)
                value = float(summed.value[0, 0])
            links.append(Link(name, layer_index, "db", positions, value))
        return tuple(links), tuple(sums)

    def bias_sum(self, name: str, entries: list[tuple[MatrixStep, int, int, int]]) -> MatrixStep:
        """∂E_total/∂b1 = 𝟏ᵀ·∂E_total/∂b⁽¹⁾ (b1 broadcast to the layer): the entries it feeds."""
        terms = []
        values: dict[sp.Basic, Matrix] = {}
        for gradient, layer_number, _i, _j in entries:
            if gradient.label in values:
                continue
            size = gradient.value.rows * gradient.value.cols
            mask = [1 if n == name else 0 for row in gradient.names or () for n in row]
            row = gradient.value.rows == 1  # rows: db is 1 × n, summed as db·𝟏
            if all(mask):
                selector: sp.MatrixExpr = ones(size, 1)
            else:
                selector = sp.MatrixSymbol(f"select_{name}^({layer_number})", size, 1)
                values[selector] = Matrix([[m] for m in mask])
            if row:
                terms.append(sp.MatMul(gradient.label, selector))
            else:
                terms.append(sp.MatMul(sp.Transpose(selector), gradient.label))
            values[gradient.label] = gradient.value
        label = sp.MatrixSymbol(f"dE_total/d{name}", 1, 1)
        return step("link", label, sp.MatAdd(*terms) if len(terms) > 1 else terms[0], values)


def gradient_symbol(of: str, layer: int, shape: tuple[int, int], rows: bool) -> sp.MatrixSymbol:
    """∂E_total/∂W⁽¹⁾ in the textbook's convention, dW⁽¹⁾ in library code's; δ⁽ˡ⁾ for ∂E/∂z."""
    if of in ("z", "Z"):
        return symbol("dZ" if rows else "delta", layer, shape)
    return symbol(f"d{of}" if rows else f"dE_total/d{of}", layer, shape)


def derive_matrix_form(
    scenario: Scenario, conventions: Sequence[Convention] = (Convention.COLUMNS,)
) -> MatrixWalkthrough:
    """The matrix derivation of ``scenario`` in each of ``conventions``."""
    forms = tuple(_Builder(scenario, c).form() for c in conventions)
    builder = _Builder(scenario, Convention.COLUMNS)
    z = forms[0].layers[-1].forward[2].value
    nets = _entries(z if forms[0].convention is Convention.ROWS else z.T)
    last = len(scenario.layers) - 1
    E_total = ops.fsum(
        output_error(
            scenario.loss,
            builder.activation_of(last),
            n,
            [data.targets[name] for name in scenario.layers[-1].neurons],
            builder.slope(last),
        )
        for n, data in zip(nets, scenario.examples, strict=True)
    )
    return MatrixWalkthrough(scenario, forms, E_total)


def focus_on(w: MatrixWalkthrough, parameter: str) -> MatrixWalkthrough:
    """The same derivation, to be shown for ``parameter`` alone (ScenarioError naming the
    valid ones for an unknown name)."""
    from .scalar.explain import require_parameter

    require_parameter(w.scenario, parameter)
    return dataclasses.replace(w, focus=parameter)
