"""A layered network as SymPy symbols and local expressions — no numbers, no calculus.

Notation (the symbol's name; LaTeX typesets the part after ``_`` as a subscript):

=============  ==============================================================
``i1``         the value of input neuron i1 (an input's output is its value)
``w5``, ``b1`` a weight, a bias (the names the scenario gives them)
``net_h1``     the net input of neuron h1:  Σ w·out + b·1
``out_h1``     the output of h1:  activation(net_h1)
``target_o1``  the target of output neuron o1
``E_o1``       the error of output neuron o1, e.g. ½(target_o1 − out_o1)² (see ops.py)
``E_total``    the total error, Σ E_o (for a batch: summed over the examples too)
=============  ==============================================================

Local expressions are built with ``evaluate=False`` so that they print in the order a learner
writes them (``w1·i1 + w2·i2 + b1·1``, not SymPy's sorted ``b1 + i1*w1 + i2*w2``).
"""

from __future__ import annotations

from typing import NamedTuple

import sympy as sp

from ... import ops
from ...scenario import Scenario

E_TOTAL = sp.Symbol("E_total")


def net_symbol(neuron: str) -> sp.Symbol:
    return sp.Symbol(f"net_{neuron}")


def out_symbol(neuron: str, is_input: bool = False) -> sp.Symbol:
    return sp.Symbol(neuron if is_input else f"out_{neuron}")


def distance_symbol(neuron: str, end: int) -> sp.Symbol:
    """d in out = e·(1 − d): how far out_n is from the end e (internal, never printed)."""
    return sp.Symbol(f"_distance_{neuron}_{'up' if end > 0 else 'down'}")


def target_symbol(neuron: str) -> sp.Symbol:
    return sp.Symbol(f"target_{neuron}")


def error_symbol(neuron: str) -> sp.Symbol:
    return sp.Symbol(f"E_{neuron}")


class Neuron(NamedTuple):
    """A non-input neuron and its local expressions."""

    name: str
    layer: int
    net: sp.Symbol
    out: sp.Symbol
    net_expr: sp.Expr  # Σ w·out_prev + b·1, in the scenario's order
    out_expr: sp.Expr  # activation(net)
    inputs: tuple[tuple[str, str], ...]  # (weight name, source neuron) in scenario order
    bias: str | None
    activation: str
    #: The groups of this neuron's textbook formulas (1 − out, log out, …) → their stable forms
    #: in net (ops.py says why): what every evaluation puts in their place.
    stable: ops.Groups
    #: Where out saturates: (end e, the symbol of its distance d, d's form in net), with
    #: out = e·(1 − d) (ops.py says why).
    ends: tuple[tuple[int, sp.Symbol, sp.Expr], ...]

    @property
    def elementwise(self) -> bool:
        """out depends on this neuron's net alone (every activation but softmax)."""
        return ops.activation(self.activation).elementwise


class Network(NamedTuple):
    scenario: Scenario
    layers: tuple[tuple[str, ...], ...]
    neurons: dict[str, Neuron]  # non-input neurons by name
    outs: dict[str, sp.Symbol]  # every neuron's output symbol (inputs: their own symbol)
    params: dict[str, sp.Symbol]
    targets: dict[str, sp.Symbol]
    errors: dict[str, sp.Symbol]  # output neuron → E_o
    error_exprs: dict[str, sp.Expr]  # output neuron → ½(target − out)²
    residuals: dict[str, sp.Expr]  # output neuron → (target − out), unevaluated
    total_expr: sp.Expr  # E_o1 + E_o2 + …

    def is_output(self, neuron: str) -> bool:
        return neuron in self.layers[-1]

    def groups(self) -> ops.Groups:
        """Every neuron's stable forms, in one mapping (their groups never coincide)."""
        return {group: form for n in self.neurons.values() for group, form in n.stable.items()}

    def total_in_outputs(self) -> sp.Expr:
        """E_total written directly in the output symbols: Σ ½(target − out)²."""
        return sp.Add(*self.error_exprs.values())


def build_network(scenario: Scenario) -> Network:
    """Symbols and local expressions for every neuron of ``scenario``."""
    layers = tuple(layer.neurons for layer in scenario.layers)
    outs = {n: out_symbol(n, is_input=True) for n in layers[0]}
    params = {p.name: sp.Symbol(p.name) for p in scenario.parameters}
    bias_of = {n: b.name for b in scenario.biases for n in b.targets}
    incoming: dict[str, list[tuple[str, str]]] = {}
    for w in scenario.weights:
        incoming.setdefault(w.target, []).append((w.name, w.source))

    neurons: dict[str, Neuron] = {}
    for index, layer in enumerate(scenario.layers[1:], start=1):
        layer_nets = [net_symbol(n) for n in layer.neurons]
        for position, name in enumerate(layer.neurons):
            terms = [sp.Mul(params[w], outs[src], evaluate=False) for w, src in incoming[name]]
            bias = bias_of.get(name)
            if bias is not None:
                # b·1: the bias is a weight on a constant input of 1, as the textbook writes it.
                terms.append(sp.Mul(params[bias], sp.Integer(1), evaluate=False))
            net_expr = terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
            net = net_symbol(name)
            outs[name] = out_symbol(name)
            record = ops.activation(layer.activation or "")
            neurons[name] = Neuron(
                name=name,
                layer=index,
                net=net,
                out=outs[name],
                net_expr=net_expr,
                out_expr=record.build(
                    net,
                    layer_nets,
                    position,
                    ops.DEFAULT_LEAKY_SLOPE if layer.slope is None else layer.slope,
                ),
                inputs=tuple(incoming[name]),
                bias=bias,
                activation=layer.activation or "",
                stable=record.stable(outs[name], net, layer_nets, position),
                ends=tuple(
                    (end, distance_symbol(name, end), form)
                    for end, form in record.ends(outs[name], net, layer_nets, position)
                ),
            )

    targets = {n: target_symbol(n) for n in layers[-1]}
    residuals = {n: ops.residual_expression(targets[n], outs[n]) for n in layers[-1]}
    error_exprs = {
        n: ops.loss(scenario.loss).term(targets[n], outs[n], len(layers[-1])) for n in layers[-1]
    }
    errors = {n: error_symbol(n) for n in layers[-1]}
    total_expr = (
        sp.Add(*errors.values(), evaluate=False) if len(errors) > 1 else errors[layers[-1][0]]
    )
    return Network(
        scenario=scenario,
        layers=layers,
        neurons=neurons,
        outs=outs,
        params=params,
        targets=targets,
        errors=errors,
        error_exprs=error_exprs,
        residuals=residuals,
        total_expr=total_expr,
    )


def activations_used(scenario: Scenario) -> tuple[tuple[str, sp.Expr, sp.Expr], ...]:
    """Each activation the layers use: (name, f(x), its formula), shown once at the top."""
    names = dict.fromkeys(layer.activation for layer in scenario.layers[1:] if layer.activation)
    definitions = []
    for name in names:
        slopes = {layer.slope for layer in scenario.layers if layer.activation == name}
        function, formula = ops.activation(name).definition(
            slopes.pop() if len(slopes) == 1 else None
        )
        definitions.append((name, function, formula))
    return tuple(definitions)
