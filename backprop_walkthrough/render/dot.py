"""The computation graph as Graphviz DOT, in the spirit of micrograd's ``draw_dot``.

A record node for every value (inputs, weights, biases, nets, outs, errors, E_total) shows its
value and, where the walkthrough derived it, ∂E_total/∂value; a small node for every operation
(×, +, the activation, the loss) sits on the edges that flow through it. For a batch, the graph
shows the first example.
"""

from __future__ import annotations

import shutil
import subprocess

from .. import ops
from ..errors import MissingToolError, OutputError
from ..model import Walkthrough
from .numbers import format_value


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(w: Walkthrough, digits: int = 4) -> str:
    """The graph of the first example: every value with its gradient, every operation."""
    scenario = w.scenario
    example = w.examples[0]
    layers = [layer.neurons for layer in scenario.layers]
    incoming: dict[str, list[tuple[str, str]]] = {}
    for w_ in scenario.weights:
        incoming.setdefault(w_.target, []).append((w_.name, w_.source))
    bias_of = {n: b.name for b in scenario.biases for n in b.targets}

    def node(name: str, value: float, gradient: float | None) -> str:
        g = "" if gradient is None else f" | grad {format_value(gradient, digits)}"
        label = f"{{ {name} | {format_value(value, digits)}{g} }}"
        return f"  {_quote(name)} [shape=record, label={_quote(label)}];"

    lines = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for name, value in scenario.examples[0].inputs.items():
        lines.append(node(name, value, None))
    for p in scenario.parameters:
        lines.append(node(p.name, p.value, w.gradients[p.name]))
    for index, layer in enumerate(layers[1:], start=1):
        record = ops.activation(scenario.layers[index].activation or "")
        for n in layer:
            values = example.neurons[n]
            lines.append(node(f"net_{n}", values.net, values.d_net))
            lines.append(node(f"out_{n}", values.out, values.d_out))
            plus = f"+ net_{n}"
            lines.append(f'  {_quote(plus)} [label="+", shape=circle];')
            lines.append(f"  {_quote(plus)} -> {_quote(f'net_{n}')};")
            for weight, source in incoming[n]:
                source_node = source if source in layers[0] else f"out_{source}"
                times = f"× {weight}"
                lines.append(f'  {_quote(times)} [label="×", shape=circle];')
                lines.append(f"  {_quote(weight)} -> {_quote(times)};")
                lines.append(f"  {_quote(source_node)} -> {_quote(times)};")
                lines.append(f"  {_quote(times)} -> {_quote(plus)};")
            if n in bias_of:
                lines.append(f"  {_quote(bias_of[n])} -> {_quote(plus)};")
            activation = f"{record.name} {n}"
            lines.append(
                f"  {_quote(activation)} [label={_quote(record.printed.dot)}, shape=circle];"
            )
            lines.append(f"  {_quote(f'net_{n}')} -> {_quote(activation)};")
            if not record.elementwise:
                for other in layer:
                    if other != n:
                        lines.append(f"  {_quote(f'net_{other}')} -> {_quote(activation)};")
            lines.append(f"  {_quote(activation)} -> {_quote(f'out_{n}')};")
    total = "E_total"
    lines.append(node(total, w.E_total, 1.0))
    lines.append('  "+ E_total" [label="+", shape=circle];')
    lines.append(f'  "+ E_total" -> {_quote(total)};')
    for output in layers[-1]:
        error = f"E_{output}"
        lines.append(node(error, example.errors[error], 1.0))
        loss = f"loss {output}"
        lines.append(f'  {_quote(loss)} [label="loss", shape=circle];')
        lines.append(f"  {_quote(f'out_{output}')} -> {_quote(loss)};")
        lines.append(f"  {_quote(loss)} -> {_quote(error)};")
        lines.append(f'  {_quote(error)} -> "+ E_total";')
    lines.append("}")
    return "\n".join(lines) + "\n"


GRAPHVIZ_TIMEOUT_SECONDS = 120


def draw_with_graphviz(source: str, output_format: str) -> bytes:
    """The DOT source drawn by Graphviz's ``dot`` as svg, png or pdf."""
    dot = shutil.which("dot")
    if dot is None:
        raise MissingToolError(
            "drawing the graph needs Graphviz's dot, which is not installed (Debian/Ubuntu: "
            "apt install graphviz; macOS: brew install graphviz); or write a .dot file"
        )
    drawn = subprocess.run(
        [dot, f"-T{output_format}"],
        input=source.encode(),
        capture_output=True,
        timeout=GRAPHVIZ_TIMEOUT_SECONDS,
        check=False,
    )
    if drawn.returncode != 0:
        raise OutputError("dot", "failed: " + drawn.stderr.decode(errors="replace").strip())
    return drawn.stdout
