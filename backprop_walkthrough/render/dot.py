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
from ..engine.network import build_network
from ..errors import MissingToolError, OutputError
from ..model import Walkthrough
from .printing import format_value


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(w: Walkthrough, digits: int = 4) -> str:
    network = build_network(w.scenario)
    forward = w.example_forward[0]
    figures = w.figures
    suffix = " [example 1]" if w.scenario.is_batch else ""

    def grad(key: str) -> float | None:
        return figures.get(key + suffix, figures.get(key))

    def node(name: str, value: float, gradient: float | None) -> str:
        g = "" if gradient is None else f" | grad {format_value(gradient, digits)}"
        label = f"{{ {name} | {format_value(value, digits)}{g} }}"
        return f"  {_quote(name)} [shape=record, label={_quote(label)}];"

    lines = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for name, value in w.scenario.examples[0].inputs.items():
        lines.append(node(name, value, None))
    for p in w.scenario.parameters:
        lines.append(node(p.name, p.value, w.gradients[p.name]))
    for neuron in network.neurons.values():
        n = neuron.name
        d_out = grad(f"dE_total/dout_{n}")
        local = grad(f"dout_{n}/dnet_{n}")
        delta = grad(f"dE_total/dnet_{n}")
        if delta is None and d_out is not None and local is not None:
            delta = d_out * local
        lines.append(node(f"net_{n}", forward[f"net_{n}"], delta))
        lines.append(node(f"out_{n}", forward[f"out_{n}"], d_out))
        plus = f"+ net_{n}"
        lines.append(f'  {_quote(plus)} [label="+", shape=circle];')
        lines.append(f"  {_quote(plus)} -> {_quote(f'net_{n}')};")
        for weight, source in neuron.inputs:
            source_node = source if source in w.scenario.examples[0].inputs else f"out_{source}"
            times = f"× {weight}"
            lines.append(f'  {_quote(times)} [label="×", shape=circle];')
            lines.append(f"  {_quote(weight)} -> {_quote(times)};")
            lines.append(f"  {_quote(source_node)} -> {_quote(times)};")
            lines.append(f"  {_quote(times)} -> {_quote(plus)};")
        if neuron.bias is not None:
            lines.append(f"  {_quote(neuron.bias)} -> {_quote(plus)};")
        activation = f"{neuron.activation} {n}"
        label = ops.activation(neuron.activation).printed.dot
        lines.append(f"  {_quote(activation)} [label={_quote(label)}, shape=circle];")
        lines.append(f"  {_quote(f'net_{n}')} -> {_quote(activation)};")
        if not neuron.elementwise:
            for other in network.layers[neuron.layer]:
                if other != n:
                    lines.append(f"  {_quote(f'net_{other}')} -> {_quote(activation)};")
        lines.append(f"  {_quote(activation)} -> {_quote(f'out_{n}')};")
    errors = w.example_errors[0]
    total = "E_total"
    lines.append(node(total, w.E_total, 1.0))
    lines.append('  "+ E_total" [label="+", shape=circle];')
    lines.append(f'  "+ E_total" -> {_quote(total)};')
    for output in network.layers[-1]:
        error = f"E_{output}"
        lines.append(node(error, errors[error], 1.0))
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
