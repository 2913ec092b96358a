"""The engine: the chain rule, step by step, with SymPy doing every derivative.

``derive(scenario)`` returns a :class:`~backprop_walkthrough.walkthrough.Walkthrough` and prints
nothing. The derivation walks the layers from the output back to the input. For each neuron it
derives ∂out/∂net once and ∂E_total/∂out once (for a hidden neuron, as a sum over the neurons it
feeds, each term reusing the next layer's result), so work grows linearly with the network and
the fully composed E_total is never expanded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy as sp

from .evaluate import evaluate, forward, parameter_values, total_error
from .functions import ACTIVATION_DEFINITIONS
from .network import E_TOTAL, Network, build_network
from .scenario import Scenario, ScenarioError, _did_you_mean
from .walkthrough import (
    Chain,
    Comparison,
    Gradient,
    Note,
    Overview,
    Section,
    Shake,
    Step,
    Sum,
    Term,
    Update,
    Walkthrough,
)

E_TOTAL_AFTER = sp.Symbol("E_total⁺")  # ⁺: after the update, as w5⁺


def derivative_key(of: sp.Symbol, wrt: sp.Symbol) -> str:
    return f"d{of}/d{wrt}"


def textbook_form(derivative: sp.Expr, residual: sp.Expr) -> sp.Expr:
    """Write a loss derivative as a multiple of the residual (target − out) when it is one.

    SymPy simplifies d/dout ½(target − out)² to ``out − target``; the textbook keeps the residual
    and writes −(target − out). Same expression, the form learners recognise.
    """
    ratio = sp.cancel(derivative / residual)
    if ratio.free_symbols:
        return derivative
    if ratio == 1:
        return residual
    return sp.Mul(ratio, residual, evaluate=False)


class _Derivation:
    def __init__(
        self,
        network: Network,
        values: dict[sp.Basic, float],
        h: float,
        hidden_uses_updated_weights: bool,
    ) -> None:
        self.network = network
        self.scenario = network.scenario
        self.values = values  # the numbers substituted into formulas (see update_early)
        self.original = dict(values)  # the forward pass with the scenario's parameters
        self.h = h
        self.hidden_uses_updated_weights = hidden_uses_updated_weights
        self.activation_terms: dict[str, Term] = {}
        self.dE_dout: dict[str, Term | Sum] = {}
        self.gradients: dict[str, Gradient] = {}
        self.figures: dict[str, float] = {}

    # small builders --------------------------------------------------------------------

    def term(self, label: sp.Expr, expr: sp.Expr, key: str) -> Term:
        substitutions = {s: self.values[s] for s in expr.free_symbols}
        value = evaluate(expr, substitutions)
        self.figures[key] = value
        return Term(label, expr, substitutions, value, key)

    def reference(self, step: Term | Sum) -> Term:
        """An earlier result used as a factor by its name: ∂E_total/∂out_h1."""
        return Term(step.label, step.label, {step.label: step.value}, step.value, step.key, True)

    def chain(
        self, label: sp.Derivative, factors: Iterable[Term], key: str, via: str | None = None
    ) -> Chain:
        factors = tuple(factors)
        value = 1.0
        for factor in factors:
            value *= factor.value
        self.figures[key] = value
        return Chain(label, factors, value, key, via)

    # the pieces of every chain ---------------------------------------------------------

    def d_net_d(self, neuron: str, wrt: sp.Symbol) -> Term:
        """∂net_n/∂wrt, from net_n = Σ w·out + b·1."""
        n = self.network.neurons[neuron]
        return self.term(
            sp.Derivative(n.net, wrt), sp.diff(n.net_expr, wrt), derivative_key(n.net, wrt)
        )

    def d_out_d_net(self, neuron: str) -> Term:
        """∂out_n/∂net_n, written in terms of out_n (σ' = out·(1 − out))."""
        if neuron not in self.activation_terms:
            n = self.network.neurons[neuron]
            derived = sp.diff(n.out_expr, n.net).xreplace({n.out_expr: n.out})
            self.activation_terms[neuron] = self.term(
                sp.Derivative(n.out, n.net), derived, derivative_key(n.out, n.net)
            )
        return self.activation_terms[neuron]

    def d_error_d_out(self, output: str, of: sp.Symbol) -> Term:
        """∂E/∂out_o for an output neuron, E being E_total or E_o (the same derivative)."""
        network = self.network
        out = network.outs[output]
        expr = network.total_in_outputs() if of == E_TOTAL else network.error_exprs[output]
        derived = textbook_form(sp.diff(expr, out), network.residuals[output])
        return self.term(sp.Derivative(of, out), derived, derivative_key(of, out))

    def d_total_d_out_factor(self, neuron: str) -> Term:
        """The last factor of a chain into ``neuron``: derived here, or a reference."""
        if self.network.is_output(neuron):
            return self.d_error_d_out(neuron, E_TOTAL)
        return self.reference(self.dE_dout[neuron])

    # ∂E_total/∂out for hidden neurons ----------------------------------------------------

    def hidden_sum(self, neuron: str) -> Sum:
        """∂E_total/∂out_n = Σ over the neurons m that n feeds."""
        network = self.network
        out = network.outs[neuron]
        terms = []
        for m in network.neurons.values():
            if not any(src == neuron for _, src in m.inputs):
                continue
            if network.is_output(m.name):
                error = network.errors[m.name]
                last = self.d_error_d_out(m.name, error)
                label, key, via = sp.Derivative(error, out), derivative_key(error, out), None
            else:
                last = self.reference(self.dE_dout[m.name])
                label = sp.Derivative(E_TOTAL, out)
                key, via = f"{derivative_key(E_TOTAL, out)} via {m.name}", m.name
            factors = (self.d_net_d(m.name, out), self.d_out_d_net(m.name), last)
            terms.append(self.chain(label, factors, key, via))
        value = sum(t.value for t in terms)
        key = derivative_key(E_TOTAL, out)
        self.figures[key] = value
        return Sum(sp.Derivative(E_TOTAL, out), tuple(terms), value, key)

    def parameter_chain(
        self,
        parameter: sp.Symbol,
        neuron: str,
        of: sp.Symbol,
        via: str | None = None,
        key: str | None = None,
    ) -> Chain:
        """∂E/∂p = ∂net_n/∂p × ∂out_n/∂net_n × ∂E/∂out_n."""
        factors = (self.d_net_d(neuron, parameter), self.d_out_d_net(neuron))
        if of == E_TOTAL:
            last = self.d_total_d_out_factor(neuron)
        else:
            last = self.d_error_d_out(neuron, of)
        return self.chain(
            sp.Derivative(of, parameter),
            factors + (last,),
            key or derivative_key(of, parameter),
            via,
        )

    # shake checks -----------------------------------------------------------------------

    def shake_parameter(self, name: str, symbolic: float) -> Shake:
        symbol = self.network.params[name]
        base = parameter_values(self.network)
        plus = total_error(self.network, {**base, symbol: base[symbol] + self.h})
        minus = total_error(self.network, {**base, symbol: base[symbol] - self.h})
        return Shake(name, self.h, plus, minus, symbolic)

    def shake_output(self, neuron: str, symbolic: float) -> Shake:
        """Nudge out_n itself and recompute everything downstream of it."""
        out = self.network.outs[neuron]
        base = parameter_values(self.network)
        centre = self.original[out]
        plus = forward(self.network, base, fixed={out: centre + self.h})[E_TOTAL]
        minus = forward(self.network, base, fixed={out: centre - self.h})[E_TOTAL]
        return Shake(str(out), self.h, plus, minus, symbolic)

    # sections ------------------------------------------------------------------------------

    def weight_sections(self) -> list[Section]:
        network = self.network
        sections = []
        last = len(network.layers) - 1
        for layer in range(last, 0, -1):
            steps: list[Step] = []
            if layer != last:
                if self.hidden_uses_updated_weights:
                    steps.append(
                        Note(
                            "--hidden-uses-updated-weights: the weights of the next layer are "
                            "substituted with their updated values, as the post author's early "
                            "code did. The shake checks show that this is not the gradient of "
                            "E_total."
                        )
                    )
                for neuron in network.layers[layer]:
                    total = self.hidden_sum(neuron)
                    self.dE_dout[neuron] = total
                    shake = self.shake_output(neuron, total.value)
                    steps.append(Gradient(str(network.outs[neuron]), total, shake))
            weights = [w for w in self.scenario.weights if network.neurons[w.target].layer == layer]
            for weight in weights:
                derivation = self.parameter_chain(
                    network.params[weight.name], weight.target, E_TOTAL
                )
                gradient = Gradient(
                    weight.name, derivation, self.shake_parameter(weight.name, derivation.value)
                )
                self.gradients[weight.name] = gradient
                steps.append(gradient)
            if self.hidden_uses_updated_weights:
                rate = self.scenario.learning_rate
                for weight in weights:
                    symbol = network.params[weight.name]
                    self.values[symbol] = (
                        weight.value - rate * self.gradients[weight.name].derivation.value
                    )
            names = ", ".join(w.name for w in weights)
            if layer == last:
                title = f"Output-layer weights ({names})"
            elif last == 2:
                title = f"Hidden-layer weights ({names})"
            else:
                title = f"Hidden layer {layer} weights ({names})"
            sections.append(Section("gradients", title, tuple(steps)))
        return sections

    def bias_section(self) -> Section | None:
        network = self.network
        steps: list[Step] = []
        for bias in self.scenario.biases:
            symbol = network.params[bias.name]
            if len(bias.targets) == 1:
                derivation: Chain | Sum = self.parameter_chain(symbol, bias.targets[0], E_TOTAL)
            else:
                terms = []
                for neuron in bias.targets:
                    if network.is_output(neuron):
                        error = network.errors[neuron]
                        terms.append(self.parameter_chain(symbol, neuron, error))
                    else:
                        key = f"{derivative_key(E_TOTAL, symbol)} via {neuron}"
                        terms.append(self.parameter_chain(symbol, neuron, E_TOTAL, neuron, key))
                value = sum(t.value for t in terms)
                key = derivative_key(E_TOTAL, symbol)
                self.figures[key] = value
                derivation = Sum(sp.Derivative(E_TOTAL, symbol), tuple(terms), value, key)
            gradient = Gradient(
                bias.name, derivation, self.shake_parameter(bias.name, derivation.value)
            )
            self.gradients[bias.name] = gradient
            steps.append(gradient)
        if not steps:
            return None
        intro = (
            "A bias is a weight on a constant input of 1. A bias shared by several neurons "
            "collects one term per neuron it feeds."
        )
        return Section("biases", "Biases", tuple(steps), intro)


def derive(
    scenario: Scenario, *, h: float = 1e-6, hidden_uses_updated_weights: bool = False
) -> Walkthrough:
    """Derive, evaluate and check one step of backpropagation for ``scenario``."""
    if not 0 < h < 1:
        raise ValueError(f"h must lie between 0 and 1, got {h}")
    network = build_network(scenario)
    values = forward(network, parameter_values(network))
    d = _Derivation(network, dict(values), h, hidden_uses_updated_weights)

    forward_steps: list[Step] = []
    forward_values: dict[str, float] = {}
    for neuron in network.neurons.values():
        for symbol, expr in ((neuron.net, neuron.net_expr), (neuron.out, neuron.out_expr)):
            step = d.term(symbol, expr, str(symbol))
            forward_steps.append(step)
            forward_values[str(symbol)] = step.value

    error_steps: list[Step] = []
    errors: dict[str, float] = {}
    for name, expr in network.error_exprs.items():
        step = d.term(network.errors[name], expr, str(network.errors[name]))
        error_steps.append(step)
        errors[step.key] = step.value
    total = d.term(E_TOTAL, network.total_expr, "E_total")
    error_steps.append(total)
    errors["E_total"] = total.value

    sections = [
        Section("network", "The network", (Overview(scenario, _activations_used(scenario)),)),
        Section("forward", "Forward pass", tuple(forward_steps)),
        Section(
            "error",
            "The error",
            tuple(error_steps),
            "E_total = Σ ½ (target − out)² over the output neurons.",
        ),
        *d.weight_sections(),
    ]
    biases = d.bias_section()
    if biases is not None:
        sections.append(biases)

    gradients = {name: g.derivation.value for name, g in d.gradients.items()}
    ordered = [p.name for p in scenario.parameters]
    gradients = {name: gradients[name] for name in ordered}
    numeric = {name: d.gradients[name].shake.numeric for name in ordered}  # type: ignore[union-attr]
    rate = scenario.learning_rate
    updates: list[Step] = []
    updated: dict[str, float] = {}
    bias_names = {b.name for b in scenario.biases}
    for p in scenario.parameters:
        applied = p.name not in bias_names or scenario.update_biases
        new = p.value - rate * gradients[p.name] if applied else p.value
        updated[p.name] = new
        d.figures[f"new {p.name}"] = new
        updates.append(Update(p.name, p.value, gradients[p.name], rate, new, applied))

    after_values = forward(network, parameter_values(network, updated))
    after = Term(
        E_TOTAL_AFTER,
        network.total_expr,
        {network.errors[n]: after_values[network.errors[n]] for n in network.errors},
        after_values[E_TOTAL],
        "E_total_after",
    )
    d.figures["E_total_after"] = after.value
    updates.append(after)
    if not scenario.update_biases and scenario.biases:
        updates.insert(0, Note("The biases stay fixed (update_biases: false)."))
    sections.append(
        Section(
            "update",
            "The update",
            tuple(updates),
            "Every parameter moves against its gradient: "
            f"p⁺ = p − η·∂E_total/∂p with η = {rate:g}.",
        )
    )

    # In the post's order, a figure that moved away from the correct derivation differs for
    # that reason, whatever the scenario's own `why` says about the correct one.
    correct = derive(scenario, h=h).figures if hidden_uses_updated_weights else d.figures
    comparisons = _compare(scenario, d.figures, correct)
    if comparisons:
        sections.append(
            Section("published", "Checked against the published figures", tuple(comparisons))
        )

    return Walkthrough(
        scenario=scenario,
        sections=tuple(sections),
        forward=forward_values,
        errors=errors,
        gradients=gradients,
        numeric_gradients=numeric,
        updated=updated,
        E_total_after=after.value,
        figures=dict(d.figures),
        comparisons=tuple(comparisons),
        h=h,
        hidden_uses_updated_weights=hidden_uses_updated_weights,
    )


def _activations_used(scenario: Scenario) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
    names = dict.fromkeys(layer.activation for layer in scenario.layers[1:] if layer.activation)
    return tuple(ACTIVATION_DEFINITIONS[name] for name in names)


def _compare(
    scenario: Scenario, figures: Mapping[str, float], correct: Mapping[str, float]
) -> list[Comparison]:
    comparisons = []
    for figure in scenario.published:
        if figure.key not in figures:
            raise ScenarioError(
                scenario.source,
                f"no figure named {figure.key!r}{_did_you_mean(figure.key, figures)}",
                f"published.{figure.key}",
                figure.line,
            )
        comparison = Comparison(
            figure.key, figure.value, figure.decimals, figures[figure.key], figure.why
        )
        moved = abs(figures[figure.key] - correct[figure.key]) > 1e-12
        if moved and not comparison.agrees:
            comparison = Comparison(
                figure.key,
                figure.value,
                figure.decimals,
                figures[figure.key],
                "expected here: --hidden-uses-updated-weights changes the hidden-layer gradients",
            )
        comparisons.append(comparison)
    return comparisons
