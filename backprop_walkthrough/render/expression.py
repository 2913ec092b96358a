"""A scalar program's walkthrough: the graph, the forward pass, the backward pass node by node
(with the sum written out where a node is used more than once), the shake checks and the nudge.
In the terminal (Rich) and as JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from ..model import ExpressionWalkthrough, ExprNode, Verdict
from .numbers import format_operand, format_value
from .printing import to_text

PLUS_EQUALS = (
    "{name} is used {count} times, so its gradient is a sum: each use adds its part "
    "(grad += upstream × local), and writing = instead of += would keep only the last one."
)


def _op_text(node: ExprNode) -> str:
    return {"leaf": "given", "const": "a number"}.get(node.op, to_text(node.formula))


def _gradient_lines(w: ExpressionWalkthrough, node: ExprNode, digits: int) -> list[str]:
    out = w.output
    head = f"d{out}/d{node.name}"
    if node.name == out:
        return [f"{head} = 1   (the output itself)"]
    if not node.contributions:
        return [f"{head} = 0   (the output does not depend on it)"]
    symbolic = " + ".join(f"d{out}/d{c.user} × ∂{c.user}/∂{node.name}" for c in node.contributions)
    locals_ = " + ".join(
        f"{format_operand(c.upstream, digits, typographic=True)} × {_local_text(c, digits)}"
        for c in node.contributions
    )
    value = format_value(node.grad, digits, typographic=True)
    return [
        f"{head} = {symbolic}",
        f"{' ' * len(head)} = {locals_}",
        f"{' ' * len(head)} = {value}",
    ]


def _exact_text(w: ExpressionWalkthrough, name: str, which: int, digits: int) -> str:
    """With --exact: the closed form, and its decimal where it is not a plain number."""
    if w.exact is None:
        return ""
    closed = w.exact[name][which]
    text = to_text(closed)
    if closed.is_Integer:
        return text
    decimal = format_value(float(closed.evalf(30)), digits, typographic=True)
    return f"{text} ≈ {decimal}"


def _local_text(c: Any, digits: int) -> str:
    symbolic = to_text(c.local.symbolic)
    number = format_operand(c.local.value, digits, typographic=True)
    if symbolic == number or c.local.symbolic.is_Number:
        return number
    return f"({symbolic} = {number})"


class ExpressionView:
    def __init__(self, walkthrough: ExpressionWalkthrough, digits: int = 6) -> None:
        self.w = walkthrough
        self.digits = digits

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        w, digits = self.w, self.digits
        yield Panel(
            Text(
                f"Backpropagation through an expression — {w.name}\n{w.program.strip()}",
                style="bold",
            ),
            expand=False,
        )
        yield Rule(Text("The graph", style="bold magenta"), align="left")
        for node in w.nodes:
            if node.op not in ("leaf", "const"):
                named = "" if node.given else "   (a sub-expression, named here)"
                yield Text(f"{node.name} = {to_text(node.formula)}{named}")
        yield Text()
        yield Rule(Text("Forward pass", style="bold magenta"), align="left")
        for node in w.nodes:
            value = format_value(node.value, digits, typographic=True)
            exact = _exact_text(w, node.name, 0, digits)
            if node.op == "leaf":
                given = exact or format_operand(node.value, None, typographic=True)
                yield Text(f"{node.name} = {given}   (given)")
            elif node.op != "const":
                yield Text(f"{node.name} = {to_text(node.formula)} = {exact or value}")
        yield Text()
        yield Rule(Text("Backward pass", style="bold magenta"), align="left")
        yield Text(
            f"From {w.output} back to the leaves, in reverse order: each node's gradient is the "
            "sum, over every use of it, of the user's gradient × the local derivative.",
            style="italic",
        )
        explained = False
        shakes = {s.wrt: s for s in w.shakes}
        for node in reversed(w.nodes):
            if node.op == "const":
                continue
            yield Text()
            for line in _gradient_lines(w, node, digits):
                yield Text(line)
            exact = _exact_text(w, node.name, 1, digits)
            if exact and node.contributions:
                head = f"d{w.output}/d{node.name}"
                yield Text(f"{' ' * len(head)} = {exact}   (exactly)")
            if len(node.contributions) > 1 and not explained:
                explained = True
                count = len(node.contributions)
                yield Panel(Text(PLUS_EQUALS.format(name=node.name, count=count)), title="note")
            if node.name in shakes:
                yield _shake_text(shakes[node.name], w.output)
        if w.nudge is not None and w.nudged_output is not None:
            yield Text()
            yield Rule(Text("A nudge", style="bold magenta"), align="left")
            before = format_value(w.by_name[w.output].value, digits, typographic=True)
            after = format_value(w.nudged_output, digits, typographic=True)
            yield Text(
                f"Every leaf moved by {w.nudge:g} × its gradient: {w.output} goes from {before} "
                f"to {after}."
            )


def _shake_text(shake: Any, output: str) -> Text:
    verdict = shake.verdict
    mark = {Verdict.AGREES: ("✓", "green"), Verdict.DISAGREES: ("✗", "red")}.get(
        verdict, ("○", "yellow")
    )
    numeric = format_value(shake.numeric, 9, typographic=True)
    return Text(
        f"  shake it: ({output}({shake.wrt} + h) − {output}({shake.wrt} − h)) / 2h = {numeric} "
        f"at h = {shake.h:g}  {mark[0]} {verdict.value}",
        style=mark[1],
    )


def expression_document(w: ExpressionWalkthrough) -> dict[str, Any]:
    shakes = {s.wrt: s for s in w.shakes}
    return {
        "name": w.name,
        "program": w.program,
        "output": w.output,
        "order": [n.name for n in w.nodes],
        "nodes": {
            n.name: {
                "value": n.value,
                "grad": n.grad,
                "op": n.op,
                "inputs": list(n.inputs),
                "formula": str(n.formula),
                "terms": [
                    {"from": c.user, "upstream": c.upstream, "local": c.local.value}
                    for c in n.contributions
                ],
                **(
                    {
                        "shake": {
                            "numeric": shakes[n.name].numeric,
                            "verdict": shakes[n.name].verdict.value,
                        }
                    }
                    if n.name in shakes
                    else {}
                ),
            }
            for n in w.nodes
        },
        "nudge": w.nudge,
        "nudged_output": w.nudged_output,
        "exact": None
        if w.exact is None
        else {k: {"value": str(v), "grad": str(g)} for k, (v, g) in w.exact.items()},
    }


def render_expression_json(w: ExpressionWalkthrough) -> str:
    return json.dumps(expression_document(w), indent=2, ensure_ascii=False) + "\n"
