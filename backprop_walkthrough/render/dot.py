"""The computation graph as Graphviz DOT, in the spirit of micrograd's ``draw_dot``.

A record node for every value (inputs, weights, biases, nets, outs, errors, E_total) shows its
value and, where the walkthrough derived it, ∂E_total/∂value; a small node for every operation
(×, +, the activation, the loss) sits on the edges that flow through it.

A batch is drawn as it is computed: one cluster per example, in order, each with its own copy
of the parameters (their data, and this example's part of each gradient), its inputs, nets,
outs and errors, labelled with its data; E_total the sum of the examples' errors, and beside it
one table of the parameters with each gradient summed over the examples ("Σ grad"). Drawing the
shared parameters once, with an edge into every cluster, knotted the edges through the clusters
and let Graphviz reorder them. ``example=k`` draws example k alone.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Callable, Mapping
from functools import partial

from .. import ops
from ..errors import MissingToolError, OptionError, OutputError
from ..model import ExampleValues, ExpressionWalkthrough, Walkthrough
from ..scenario import Example, Scenario
from .numbers import format_operand


def _fixed(value: float, decimals: int) -> str:
    """One format for every number of the graph, as micrograd's draw_dot (%.4f); a value
    that rounds to zero without its sign (−0.0000 would read as a value)."""
    text = f"{value:.{decimals}f}"
    return text.removeprefix("-") if float(text) == 0 else text


def _cells(cells: list[str]) -> str:
    """micrograd's record ``{ name | data … | grad … }`` as an HTML-like label (a record
    cannot take the invisible edges that keep a layer in order)."""
    row = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
    table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
    return f"<{table}<tr>{row}</tr></table>>"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Graph:
    def __init__(self, w: Walkthrough, digits: int) -> None:
        self.w = w
        self.digits = digits
        self.lines: list[str] = []
        scenario: Scenario = w.scenario
        self.layers = [layer.neurons for layer in scenario.layers]
        self.incoming: dict[str, list[tuple[str, str]]] = {}
        for weight in scenario.weights:
            self.incoming.setdefault(weight.target, []).append((weight.name, weight.source))
        self.bias_of = {n: b.name for b in scenario.biases for n in b.targets}

    def add(self, line: str, indent: str = "  ") -> None:
        self.lines.append(indent + line)

    def node(self, key: str, name: str, value: float, gradient: float | None, grad: str) -> str:
        cells = [name, f"data {_fixed(value, self.digits)}"]
        if gradient is not None:
            cells.append(f"{grad} {_fixed(gradient, self.digits)}")
        return f"{_quote(key)} [shape=plaintext, label={_cells(cells)}];"

    def in_order(self, prefix: str, indent: str) -> None:
        """Each layer's neurons top to bottom in their order (h1 above h2, as o1 above o2):
        an invisible edge from each to the next within the layer's rank. Left to right, the
        tail of a flat edge goes above its head — except inside a cluster (a batch's example),
        where Graphviz sets it below: measured with Graphviz 2.43 and kept by a test."""
        for layer in self.layers:
            for kind in ("net_", "out_") if layer is not self.layers[0] else ("",):
                ordered = reversed(layer) if prefix else layer
                names = [_quote(f"{prefix}{kind}{n}") for n in ordered]
                if len(names) > 1:
                    chain = " -> ".join(names)
                    self.add(f"{{ rank=same; {chain} [style=invis]; }}", indent)

    def parameters(
        self, gradients: Mapping[str, float], prefix: str = "", indent: str = "  "
    ) -> None:
        for p in self.w.scenario.parameters:
            self.add(self.node(prefix + p.name, p.name, p.value, gradients[p.name], "grad"), indent)

    def summed(self, gradients: Mapping[str, float]) -> None:
        """A batch's parameters in one table: name, data and the gradient summed over the
        examples."""
        rows = "".join(
            f"<tr><td>{html.escape(p.name)}</td><td>data {_fixed(p.value, self.digits)}</td>"
            f"<td>Σ grad {_fixed(gradients[p.name], self.digits)}</td></tr>"
            for p in self.w.scenario.parameters
        )
        table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
        self.add(f'"parameters" [shape=plaintext, label=<{table}{rows}</table>>];')

    def example(
        self,
        data: Example,
        values: ExampleValues,
        prefix: str,
        indent: str,
        then: Callable[[], None] = lambda: None,
    ) -> str:
        """One example's nodes and edges (``then`` runs after its inputs); returns the node of
        its error."""
        layers, add = self.layers, self.add

        def key(name: str) -> str:
            return _quote(prefix + name)

        for name, value in data.inputs.items():
            add(self.node(prefix + name, name, value, None, ""), indent)
        then()
        for index, layer in enumerate(layers[1:], start=1):
            record = ops.activation(self.w.scenario.layers[index].activation or "")
            for n in layer:
                neuron = values.neurons[n]
                add(
                    self.node(f"{prefix}net_{n}", f"net_{n}", neuron.net, neuron.d_net, "grad"),
                    indent,
                )
                add(
                    self.node(f"{prefix}out_{n}", f"out_{n}", neuron.out, neuron.d_out, "grad"),
                    indent,
                )
                plus = key(f"+ net_{n}")
                add(f'{plus} [label="+", shape=circle];', indent)
                add(f"{plus} -> {key(f'net_{n}')};", indent)
                for weight, source in self.incoming[n]:
                    source_node = key(source if source in layers[0] else f"out_{source}")
                    times = key(f"× {weight}")
                    add(f'{times} [label="×", shape=circle];', indent)
                    add(f"{key(weight)} -> {times};", indent)
                    add(f"{source_node} -> {times};", indent)
                    add(f"{times} -> {plus};", indent)
                if n in self.bias_of:
                    add(f"{key(self.bias_of[n])} -> {plus};", indent)
                activation = key(f"{record.name} {n}")
                add(f"{activation} [label={_quote(record.printed.dot)}, shape=circle];", indent)
                add(f"{key(f'net_{n}')} -> {activation};", indent)
                if not record.elementwise:
                    for other in layer:
                        if other != n:
                            add(f"{key(f'net_{other}')} -> {activation};", indent)
                add(f"{activation} -> {key(f'out_{n}')};", indent)
        self.in_order(prefix, indent)
        total = "E_total" if not prefix else f"{prefix}E"
        add(
            self.node(
                total, "E_total" if not prefix else "E", values.errors["E_total"], 1.0, "grad"
            ),
            indent,
        )
        plus_error = key("+ E" if prefix else "+ E_total")
        add(f'{plus_error} [label="+", shape=circle];', indent)
        add(f"{plus_error} -> {_quote(total)};", indent)
        for output in layers[-1]:
            error = f"E_{output}"
            add(self.node(prefix + error, error, values.errors[error], 1.0, "grad"), indent)
            loss = key(f"loss {output}")
            add(f'{loss} [label="loss", shape=circle];', indent)
            add(f"{key(f'out_{output}')} -> {loss};", indent)
            add(f"{loss} -> {key(error)};", indent)
            add(f"{key(error)} -> {plus_error};", indent)
        return total


def _data_label(data: Example) -> str:
    inputs = ", ".join(f"{n} = {format_operand(v, 9)}" for n, v in data.inputs.items())
    targets = ", ".join(f"{n} = {format_operand(v, 9)}" for n, v in data.targets.items())
    return f"{inputs} → target {targets}"


def render_dot(w: Walkthrough, digits: int = 4, example: int | None = None) -> str:
    """The graph of the scenario: one example as it is; a batch as one cluster per example
    around the shared parameters (or, with ``example`` k counted from 1, example k alone)."""
    scenario = w.scenario
    count = len(scenario.examples)
    graph = _Graph(w, digits)
    header = [
        "digraph backprop {",
        "  rankdir=LR; newrank=true;",
        '  graph [fontname="Helvetica"]; node [fontname="Helvetica"];',
    ]
    if example is not None and not 1 <= example <= count:
        raise OptionError(
            "--example",
            f"{scenario.name} has {count} example{'s' if count > 1 else ''}, numbered 1 to "
            f"{count}; got {example}",
        )
    if count == 1 or example is not None:
        index = 0 if example is None else example - 1
        values = w.examples[index]
        if count > 1:
            title = (
                f"example {example} of {count} ({_data_label(scenario.examples[index])}): its "
                "own part of E_total and of each gradient"
            )
            header.append(f"  label={_quote(title)}; labelloc=t;")
        gradients = values.gradients if count > 1 else w.gradients
        graph.example(
            scenario.examples[index], values, "", "  ", lambda: graph.parameters(gradients)
        )
    else:
        title = (
            f"{count} examples, one cluster each: E_total and each parameter's gradient are "
            "sums over the examples (Σ grad)"
        )
        header.append(f"  label={_quote(title)}; labelloc=t;")
        graph.add(graph.node("E_total", "E_total", w.E_total, 1.0, "grad"))
        graph.summed(w.gradients)
        graph.add('{ rank=same; "E_total" -> "parameters" [style=invis]; }')
        graph.add('"+ E_total" [label="+", shape=circle];')
        graph.add('"+ E_total" -> "E_total";')
        for index, (data, values) in enumerate(zip(scenario.examples, w.examples, strict=True)):
            graph.add(f"subgraph cluster_example{index + 1} {{")
            label = f"example {index + 1}: {_data_label(data)}"
            graph.add(f'label={_quote(label)}; style=rounded; color="gray50";', "    ")
            prefix = f"ex{index + 1} "
            error = graph.example(
                data,
                values,
                prefix,
                "    ",
                partial(graph.parameters, values.gradients, prefix, "    "),
            )
            graph.add("}")
            graph.add(f'{_quote(error)} -> "+ E_total";')
    return "\n".join([*header, *graph.lines, "}"]) + "\n"


def render_expression_dot(w: ExpressionWalkthrough, digits: int = 4) -> str:
    """A scalar program as micrograd's ``draw_dot`` draws it: a record per value
    (name | data | grad) and a small node for the operation that made it."""
    lines = ["digraph expression {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in w.nodes:
        label = (
            f"{{ {node.name} | data {_fixed(node.value, digits)} | "
            f"grad {_fixed(node.grad, digits)} }}"
        )
        lines.append(f"  {_quote(node.name)} [shape=record, label={_quote(label)}];")
        if node.op in ("leaf", "const"):
            continue
        op = f"{node.name} op"
        shown = {"neg": "−", "pow": "**", "*": "×"}.get(node.op, node.op)
        lines.append(f"  {_quote(op)} [label={_quote(shown)}, shape=circle];")
        lines.append(f"  {_quote(op)} -> {_quote(node.name)};")
        for source in node.inputs:  # twice for a node used twice: two arrows
            lines.append(f"  {_quote(source)} -> {_quote(op)};")
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
