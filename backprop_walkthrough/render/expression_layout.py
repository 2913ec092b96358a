"""A scalar program's walkthrough as presentation blocks, for every writer.

The same blocks as a network's (:mod:`.blocks`): the terminal, Markdown, LaTeX and HTML write
them; nothing here knows a format. The backward pass writes each gradient as the lecture does,
∂L/∂n = Σ over n's uses of ∂L/∂user × ∂user/∂n, the local derivatives first in symbols, then
with the numbers, then the value (and, with ``--exact``, the closed form).
"""

from __future__ import annotations

import sympy as sp

from ..errors import visible
from ..model import ExpressionWalkthrough, ExprNode, Shake
from .blocks import (
    Block,
    Check,
    Document,
    Equations,
    ExpressionGraph,
    Formula,
    GraphNode,
    Heading,
    Joined,
    MathCell,
    Note,
    Number,
    Paragraph,
    Role,
    Row,
    Title,
    Tone,
    product,
)
from .numbers import format_value
from .printing import gradient
from .shake import shake_check, shake_notes, shaken_value

PLUS_EQUALS = (
    "{name} is used {count} times, so its gradient is a sum: each use adds its part "
    "(grad += upstream × local). Writing = instead of += keeps only the last use — the bug the "
    "lecture's own notebook corrects."
)


def lay_out_expression(w: ExpressionWalkthrough, digits: int = 6) -> Document:
    title = f"Backpropagation through an expression — {visible(w.name)}"
    blocks: list[Block] = [Title(title, _program(w))]
    blocks.append(Heading("The graph"))
    blocks.append(
        Paragraph(
            ("Every operation is a node; a sub-expression without a name gets one (t1, t2, …).",),
            Tone.INTRO,
        )
    )
    blocks.append(
        Equations(
            tuple(
                Row(
                    Role.STATEMENT,
                    Formula(sp.Symbol(n.name)),
                    (_constant(n.value) if n.op == "const" else Formula(n.formula),),
                )
                for n in w.nodes
                if n.op != "leaf"
            )
        )
    )
    nodes = tuple(GraphNode(n.name, n.op, n.inputs, n.value, n.grad) for n in w.nodes)
    blocks.append(ExpressionGraph(nodes, f"The graph of {w.name}, with each value and gradient"))
    blocks.append(Heading("Forward pass"))
    rows = []
    for node in w.nodes:
        if node.op == "const":
            continue
        sides: list[MathCell] = []
        if node.op != "leaf":
            numbers = {sp.Symbol(i): w.by_name[i].value for i in node.inputs}
            sides += [Formula(node.formula), Formula(node.formula, numbers)]
        sides += _value_cells(w, node, 0)
        rows.append(Row(Role.STATEMENT, Formula(sp.Symbol(node.name)), tuple(sides)))
    blocks.append(Equations(tuple(rows)))
    blocks.append(Heading("Backward pass"))
    blocks.append(
        Paragraph(
            (
                f"From {w.output} back to the leaves, in reverse order: each node's gradient is "
                "the sum, over every use of it, of the user's gradient × the local derivative, "
                "which SymPy takes from the user's own operation.",
            ),
            Tone.INTRO,
        )
    )
    shakes = {s.wrt: s for s in w.shakes}
    explained = False
    for node in reversed(w.nodes):
        if node.op == "const":
            continue
        blocks.append(_gradient(w, node))
        if len(node.contributions) > 1 and not explained:
            explained = True
            text = PLUS_EQUALS.format(name=node.name, count=len(node.contributions))
            blocks.append(Note((text,)))
        if node.name in shakes:
            blocks.append(_check(shakes[node.name], w.output, digits))
            blocks.extend(shake_notes(shakes[node.name], w.output))
    if w.nudge is not None and w.nudged_output is not None:
        blocks.append(Heading("A nudge"))
        before = format_value(w.by_name[w.output].value, digits, typographic=True)
        after = format_value(w.nudged_output, digits, typographic=True)
        blocks.append(
            Paragraph(
                (
                    f"Every leaf moved by {w.nudge:g} × its gradient: {w.output} goes from "
                    f"{before} to {after}.",
                )
            )
        )
    return Document(tuple(blocks), digits)


def _constant(value: float) -> MathCell:
    """A number of the program as written: 2, not 2.000000."""
    return Formula(sp.Integer(int(value))) if value == int(value) else Number(value)


def _program(w: ExpressionWalkthrough) -> str:
    # The program as written, comments too: user text, so its control characters are shown.
    lines = (line.strip() for line in w.program.strip().splitlines())
    return visible("; ".join(line for line in lines if line))


def _value_cells(w: ExpressionWalkthrough, node: ExprNode, which: int) -> list[MathCell]:
    """The value (or gradient): its decimal, and with --exact its closed form first."""
    value = node.value if which == 0 else node.grad
    if w.exact is None:
        return [Number(value)]
    closed = w.exact[node.name][which]
    if closed.is_Integer:
        return [Formula(closed)]
    return [Formula(closed), Number(float(closed.evalf(30)))]


def _d(of: str, wrt: str) -> sp.Derivative:
    """A local derivative, ∂user/∂input: of one operation, by SymPy."""
    return sp.Derivative(sp.Symbol(of), sp.Symbol(wrt))


def _total(of: str, wrt: str) -> sp.Basic:
    """A gradient, dL/dn: of the output, through every path (the lecture's notation)."""
    return gradient(sp.Symbol(of), sp.Symbol(wrt))


def _gradient(w: ExpressionWalkthrough, node: ExprNode) -> Equations:
    label = Formula(_total(w.output, node.name))
    if node.name == w.output:
        return Equations((Row(Role.STATEMENT, label, (Number(1.0),), aside="the output itself"),))
    if not node.contributions:
        note = "the output does not depend on it"
        return Equations((Row(Role.STATEMENT, label, (Number(0.0),), aside=note),))
    symbolic = Joined(
        tuple(
            product((Formula(_total(w.output, c.user)), Formula(_d(c.user, node.name))))
            for c in node.contributions
        ),
        "+",
    )
    local = Joined(
        tuple(product((Number(c.upstream, True), _local(c))) for c in node.contributions),
        "+",
    )
    sides: list[MathCell] = [symbolic, local, *_value_cells(w, node, 1)]
    return Equations((Row(Role.STATEMENT, label, tuple(sides)),), gap=True)


def _local(c: object) -> MathCell:
    from ..model import Contribution

    assert isinstance(c, Contribution)
    if c.local.symbolic.is_Number or c.local.symbolic.is_Symbol:  # a number, or one input
        return Number(c.local.value, True)
    return Formula(c.local.symbolic, dict(c.local.substitutions))


def _check(shake: Shake, output: str, digits: int) -> Check:
    return shake_check(
        shake, output, shaken_value(shake.h, digits), lambda v: format_value(v, digits, True)
    )


def render_expression(w: ExpressionWalkthrough, output_format: str, digits: int = 6) -> str:
    """The walkthrough in a document format, by the same writers as a network's."""
    from .writers import write

    return write(lay_out_expression(w, digits), output_format)
