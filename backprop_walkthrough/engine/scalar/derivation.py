"""The engine: the chain rule, step by step, with SymPy doing every derivative.

``derive(scenario)`` returns a :class:`~backprop_walkthrough.model.Walkthrough` and prints
nothing, and writes no prose: titles and sentences are the layout's. It walks the layers from
the output back to the input. For each neuron it derives ∂out/∂net once and ∂E_total/∂out once —
for a hidden neuron, as a sum over the neurons of the next layer, each term reusing that layer's
δ = ∂E_total/∂net — so work grows linearly with the number of parameters and the fully composed
E_total is never expanded.

How a chain is written depends on what the layer is:

* weights into an element-wise layer (every activation but softmax):
  ∂E_total/∂w = ∂net/∂w × ∂out/∂net × ∂E_total/∂out (the classic three factors);
* the last hidden layer before an element-wise output layer, as in the classic example:
  ∂E_total/∂out_h = Σ_o ∂E_o/∂out_h, with ∂E_o/∂out_h = ∂net_o/∂out_h × ∂out_o/∂net_o × ∂E_o/∂out_o;
* any other hidden layer: ∂E_total/∂out_h = Σ_m ∂net_m/∂out_h × δ_m, with δ_m = ∂E_total/∂net_m
  derived once in layer m;
* a softmax output layer: δ_k = Σ_j ∂out_j/∂net_k × ∂E_total/∂out_j (the Jacobian terms
  out_j·(δ_jk − out_k)), which SymPy simplifies to out_k − target_k for the cross-entropy.

For a batch, every example gets its own chains and each gradient is the sum over the examples.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy as sp

from ... import ops
from ...errors import NumericalError, ScenarioError
from ...model import (
    E_TOTAL_AFTER_KEY,
    E_TOTAL_KEY,
    Chain,
    ExampleValues,
    FigureKey,
    Gradient,
    NeuronValues,
    Overview,
    Section,
    SectionKind,
    Shake,
    Step,
    Sum,
    Term,
    Update,
    Walkthrough,
)
from ...scenario import Scenario
from ..evaluate import evaluate
from ..memory import collection_paused
from . import residuals
from .calculus import Calculus, derivative
from .forward import forward, parameter_values
from .network import E_TOTAL, Network, activations_used, build_network
from .network_shake import NetworkShaker
from .numeric import NumericNetwork
from .published import compare_published

E_TOTAL_AFTER = sp.Symbol("E_total⁺")  # ⁺: after the update, as w5⁺


def example_total(index: int) -> sp.Symbol:
    """E_total^(n): one example's part of a batch's E_total."""
    return sp.Symbol(f"E_total^({index})")


def key_of(of: sp.Basic, wrt: sp.Basic, via: str | None = None) -> FigureKey:
    return FigureKey.derivative(of, wrt, via)


class _Example:
    """The numbers of one example and the results already derived for it."""

    def __init__(
        self,
        index: int,
        values: dict[sp.Basic, float],
        batch: bool,
        saturated: dict[sp.Symbol, tuple[int, sp.Symbol]],
        whole_targets: dict[sp.Symbol, sp.Integer],
    ) -> None:
        self.index = index
        self.values = values
        #: out → (end, distance) for the outputs whose target is an end and whose out lies on
        #: its side: their formulas are evaluated in the precise form (residuals.py).
        self.saturated = saturated
        self.whole_targets = whole_targets
        self.tag = index + 1 if batch else None  # shown as "example 1" in a batch
        self.d_out: dict[str, Term | Sum] = {}  # ∂E_total/∂out_n, for the chains that use it
        self.delta: dict[str, Term | Chain | Sum] = {}  # δ_n = ∂E_total/∂net_n
        self.d_out_value: dict[str, float] = {}  # every neuron's ∂E_total/∂out_n (the graph's)
        self.delta_value: dict[str, float] = {}
        self.gradients: dict[str, float] = {}  # parameter → this example's term


class _Engine:
    def __init__(self, network: Network, h: float, hidden_uses_updated_weights: bool) -> None:
        self.network = network
        self.scenario = network.scenario
        self.calculus = Calculus(network)
        self.numeric = NumericNetwork(self.scenario)
        self.h = h
        self.hidden_uses_updated_weights = hidden_uses_updated_weights
        self.figures: dict[FigureKey, float] = {}
        batch = self.scenario.is_batch
        self.examples = []
        for e, example in enumerate(self.scenario.examples):
            values = forward(network, parameter_values(network, example=e))
            ends = residuals.ends_at_targets(network, example.targets)
            whole = residuals.whole_targets(network, example.targets)
            self.examples.append(
                _Example(e, values, batch, residuals.saturated(ends, values), whole)
            )
        self.gradients: dict[str, Gradient] = {}
        self.groups_of: dict[sp.Basic, list[sp.Expr]] = {}  # out symbol → its groups
        for group in network.groups():
            for symbol in group.free_symbols:
                self.groups_of.setdefault(symbol, []).append(group)
        self._groups_in: dict[sp.Basic, tuple[sp.Expr, ...]] = {}
        self.shaker = NetworkShaker(network, self.numeric, self.examples, h)

    def groups_in(self, expr: sp.Expr) -> tuple[sp.Expr, ...]:
        """The groups (1 − out_o1, log(out_o1), …) that ``expr`` contains, found once."""
        if expr not in self._groups_in:
            candidates = {g for s in expr.free_symbols for g in self.groups_of.get(s, ())}
            # Each candidate looked up among the expression's subtrees, gathered once: what
            # ``expr.has(g)`` finds, without a walk of a wide net for every out in it.
            subtrees = set(sp.preorder_traversal(expr)) if candidates else set()
            self._groups_in[expr] = tuple(g for g in candidates if g in subtrees)
        return self._groups_in[expr]

    # small builders --------------------------------------------------------------------

    def term(
        self, ex: _Example, label: sp.Expr, expr: sp.Expr, key: FigureKey, neuron: str | None = None
    ) -> Term:
        # The leaves, and the groups whose stable values replace them (evaluate meets a group
        # before its leaves, and the printers show a group's value where its out rounds away).
        groups = self.groups_in(expr)
        substitutions = {s: ex.values[s] for s in (*expr.free_symbols, *groups)}
        ends = {o: e for o, e in ex.saturated.items() if o in substitutions}
        try:
            if ends:
                value = self.precise(ex, expr, ends)
                # The residuals too, for the printers to show where out rounds away.
                for node in sp.preorder_traversal(expr):
                    if node.is_Add and node.free_symbols & ends.keys():
                        substitutions[node] = self.precise(ex, node, ends)
            else:
                value = evaluate(expr, substitutions)
        except NumericalError:
            if not isinstance(label, sp.Derivative):
                raise
            # A factor beyond the range of a double (1/(1 − out) with out = 1.0 past net ≈ 745):
            # NaN, and the chain it belongs to is computed from its fused form (see chain).
            value = math.nan
        self.figures[key.at(ex.tag)] = value
        return Term(label, expr, substitutions, value, key, example=ex.tag, neuron=neuron)

    def precise(self, ex: _Example, expr: sp.Expr, ends: dict[sp.Symbol, residuals.End]) -> float:
        """``expr`` evaluated in its precise form for saturated outputs (residuals.py)."""
        groups = self.groups_in(expr)
        return residuals.stable_value(expr, ex.values, groups, ends, ex.whole_targets)

    @staticmethod
    def reference(step: Term | Chain | Sum) -> Term:
        """An earlier result used as a factor by its name: ∂E_total/∂out_h1."""
        return Term(
            step.label,
            step.label,
            {step.label: step.value},
            step.value,
            step.key,
            reference=True,
            example=step.example,
        )

    def chain(
        self,
        ex: _Example,
        label: sp.Derivative,
        factors: tuple[Term, ...],
        key: FigureKey,
        via: str | None = None,
    ) -> Chain:
        value = 1.0
        for factor in factors:
            value *= factor.value
        fused = None
        if not math.isfinite(value):
            fused = self.fused(ex, label, factors, key)
            value = fused.value
        self.figures[key.at(ex.tag)] = value
        return Chain(label, factors, value, key, via, ex.tag, fused)

    def fused(
        self, ex: _Example, label: sp.Derivative, factors: tuple[Term, ...], key: FigureKey
    ) -> Term:
        """A chain whose factors cannot be multiplied in double precision (0 × ∞): SymPy
        cancels the product of their formulas, and that form is evaluated instead."""
        computed = [f for f in factors if not f.reference]
        form = sp.factor(sp.cancel(sp.Mul(*(f.expr for f in computed))))
        try:
            fused = self.term(ex, label, form, key)
        except NumericalError as exc:
            raise NumericalError(f"{label} {exc}") from None
        references = math.prod(f.value for f in factors if f.reference)
        if not math.isfinite(fused.value * references):
            names = " × ".join(str(f.label) for f in computed)
            raise NumericalError(
                f"{label}: {names} lies beyond the range of a double (an output saturated "
                "past net ≈ ±745), and no cancelled form of it can be computed either"
            )
        return fused._replace(value=fused.value * references)

    def total(
        self,
        ex: _Example | None,
        label: sp.Derivative,
        terms: tuple[Chain | Sum, ...],
        key: FigureKey,
        simplified: tuple[Term, ...] = (),
    ) -> Sum:
        value = ops.fsum(t.value for t in terms)
        tag = ex.tag if ex else None
        self.figures[key.at(tag)] = value
        return Sum(label, terms, value, key, tag, simplified)

    # factors ----------------------------------------------------------------------------

    def d_net(self, ex: _Example, neuron: str, wrt: sp.Symbol) -> Term:
        n = self.network.neurons[neuron]
        return self.term(
            ex, derivative(n.net, wrt), self.calculus.d_net(neuron, wrt), key_of(n.net, wrt), neuron
        )

    def d_out(self, ex: _Example, neuron: str, wrt_neuron: str | None = None) -> Term:
        n = self.network.neurons[neuron]
        m = self.network.neurons[wrt_neuron or neuron]
        return self.term(
            ex,
            derivative(n.out, m.net),
            self.calculus.d_out(neuron, wrt_neuron or neuron),
            key_of(n.out, m.net),
            neuron,
        )

    def d_error(self, ex: _Example, output: str, of: sp.Symbol) -> Term:
        out = self.network.outs[output]
        factor = self.term(
            ex, derivative(of, out), self.calculus.d_error(output, of), key_of(of, out), output
        )
        ex.d_out_value[output] = factor.value  # ∂E_o/∂out_o = ∂E_total/∂out_o
        return factor

    def parameter_chain(
        self,
        ex: _Example,
        parameter: sp.Symbol,
        neuron: str,
        of: sp.Symbol = E_TOTAL,
        via: str | None = None,
    ) -> Chain:
        """∂E/∂p = ∂net_n/∂p × ∂out_n/∂net_n × ∂E/∂out_n, or ∂net_n/∂p × δ_n for softmax."""
        n = self.network.neurons[neuron]
        first = self.d_net(ex, neuron, parameter)
        if not n.elementwise:
            factors: tuple[Term, ...] = (first, self.reference(ex.delta[neuron]))
        elif self.network.is_output(neuron):
            factors = (first, self.d_out(ex, neuron), self.d_error(ex, neuron, of))
        else:
            factors = (first, self.d_out(ex, neuron), self.reference(ex.d_out[neuron]))
        if n.elementwise:
            delta = factors[1].value * factors[2].value
            fused = self.calculus.fused_delta(neuron) if self.network.is_output(neuron) else None
            if not math.isfinite(delta) and fused is not None:  # 0 × ∞: SymPy's product
                ends = {o: e for o, e in ex.saturated.items() if o in fused.free_symbols}
                delta = self.precise(ex, fused, ends) if ends else evaluate(fused, ex.values)
            ex.delta_value[neuron] = delta
        return self.chain(ex, derivative(of, parameter), factors, key_of(of, parameter, via), via)

    # per-neuron results -----------------------------------------------------------------

    def hidden_sum(self, ex: _Example, neuron: str) -> Sum:
        """∂E_total/∂out_n as a sum over the neurons m of the next layer that n feeds."""
        network = self.network
        out = network.outs[neuron]
        terms: list[Chain | Sum] = []
        for m in network.layers[network.neurons[neuron].layer + 1]:
            target = network.neurons[m]
            if not any(src == neuron for _, src in target.inputs):
                continue
            if network.is_output(m) and target.elementwise:
                error = network.errors[m]
                factors: tuple[Term, ...] = (
                    self.d_net(ex, m, out),
                    self.d_out(ex, m),
                    self.d_error(ex, m, error),
                )
                terms.append(self.chain(ex, derivative(error, out), factors, key_of(error, out)))
            else:
                factors = (self.d_net(ex, m, out), self.reference(ex.delta[m]))
                terms.append(
                    self.chain(ex, derivative(E_TOTAL, out), factors, key_of(E_TOTAL, out, m), m)
                )
        total = self.total(ex, derivative(E_TOTAL, out), tuple(terms), key_of(E_TOTAL, out))
        ex.d_out_value[neuron] = total.value
        return total

    def hidden_delta(self, ex: _Example, neuron: str) -> Chain:
        """δ_n = ∂E_total/∂net_n = ∂out_n/∂net_n × ∂E_total/∂out_n."""
        n = self.network.neurons[neuron]
        factors = (self.d_out(ex, neuron), self.reference(ex.d_out[neuron]))
        delta = self.chain(ex, derivative(E_TOTAL, n.net), factors, key_of(E_TOTAL, n.net))
        ex.delta_value[neuron] = delta.value
        return delta

    def softmax_delta(self, ex: _Example, neuron: str) -> Sum:
        """δ_k = Σ_j ∂out_j/∂net_k × ∂E_total/∂out_j over the softmax layer."""
        network = self.network
        net = network.neurons[neuron].net
        terms = []
        for j in network.layers[-1]:
            factors = (self.d_out(ex, j, neuron), self.d_error(ex, j, E_TOTAL))
            terms.append(
                self.chain(ex, derivative(E_TOTAL, net), factors, key_of(E_TOTAL, net, j), j)
            )
        key = key_of(E_TOTAL, net)
        simplified = [
            self.term(ex, derivative(E_TOTAL, net), form, key.simplified(i + 1), neuron)
            for i, form in enumerate(self.calculus.softmax_delta(neuron))
        ]
        total = ops.fsum(t.value for t in terms)
        if math.isfinite(total):
            # The sum of the chains keeps every digit (its factors use 1 − out whole), where
            # an expanded form such as out_k − out_k² cancels at saturation: each form shows
            # the sum's value, which is its value.
            for i, form in enumerate(simplified):
                simplified[i] = form._replace(value=total)
                self.figures[form.key.at(ex.tag)] = total
        elif simplified:  # the chains left double range: the first form is the value
            total = simplified[0].value
        delta = self.total(ex, derivative(E_TOTAL, net), tuple(terms), key, tuple(simplified))
        delta = delta._replace(value=total)
        self.figures[key.at(ex.tag)] = total
        ex.delta_value[neuron] = delta.value
        return delta

    def shake_check(self, wrt: str, symbolic: float, example: int | None = None) -> Shake:
        """Nudge a parameter (or, for ``example``, one out/net of that example)."""
        return self.shaker.check(wrt, symbolic, example)

    # sections ---------------------------------------------------------------------------

    def gradient_of(self, name: str, per_example: list[Chain | Sum], neuron: str) -> Gradient:
        """A parameter's gradient: the only example's derivation, or the sum over a batch."""
        for ex, derivation in zip(self.examples, per_example, strict=True):
            ex.gradients[name] = derivation.value
        if len(per_example) == 1:
            derivation = per_example[0]
        else:
            symbol = self.network.params[name]
            derivation = self.total(
                None, derivative(E_TOTAL, symbol), tuple(per_example), key_of(E_TOTAL, symbol)
            )
        gradient = Gradient(
            name, derivation, self.shake_check(name, derivation.value), None, neuron
        )
        self.gradients[name] = gradient
        return gradient

    def neuron_gradient(
        self, ex: _Example, neuron: str, of: sp.Symbol, derivation: Chain | Sum
    ) -> Gradient:
        """∂E_total/∂out_n or ∂E_total/∂net_n of one example, with its shake."""
        shake = self.shake_check(str(of), derivation.value, ex.index)
        return Gradient(str(of), derivation, shake, ex.tag, neuron)

    def layer_section(self, layer: int) -> Section:
        network = self.network
        last = len(network.layers) - 1
        steps: list[Step] = []
        for ex in self.examples:
            for neuron in network.layers[layer]:
                n = network.neurons[neuron]
                if layer == last and not n.elementwise:
                    delta = self.softmax_delta(ex, neuron)
                    # Later chains use the simplest form by name; its value is the sum's.
                    ex.delta[neuron] = (
                        delta.simplified[-1]._replace(key=delta.key, value=delta.value)
                        if delta.simplified
                        else delta
                    )
                    steps.append(self.neuron_gradient(ex, neuron, n.net, delta))
                elif layer != last:
                    total = self.hidden_sum(ex, neuron)
                    ex.d_out[neuron] = total
                    steps.append(self.neuron_gradient(ex, neuron, n.out, total))
                    if layer >= 2:  # the layer before is hidden and will reuse δ_n
                        delta_chain = self.hidden_delta(ex, neuron)
                        ex.delta[neuron] = delta_chain
                        steps.append(self.neuron_gradient(ex, neuron, n.net, delta_chain))
        weights = [w for w in self.scenario.weights if network.neurons[w.target].layer == layer]
        for weight in weights:
            symbol = network.params[weight.name]
            chains: list[Chain | Sum] = [
                self.parameter_chain(ex, symbol, weight.target) for ex in self.examples
            ]
            steps.append(self.gradient_of(weight.name, chains, weight.target))
        if self.hidden_uses_updated_weights:
            rate = self.scenario.learning_rate
            for weight in weights:
                new = weight.value - rate * self.gradients[weight.name].derivation.value
                for ex in self.examples:
                    ex.values[network.params[weight.name]] = new
        return Section(SectionKind.GRADIENTS, tuple(steps), layer=layer)

    def bias_section(self) -> Section | None:
        network = self.network
        steps: list[Step] = []
        for bias in self.scenario.biases:
            symbol = network.params[bias.name]
            chains: list[Chain | Sum] = []
            for ex in self.examples:
                if len(bias.targets) == 1:
                    chains.append(self.parameter_chain(ex, symbol, bias.targets[0]))
                    continue
                terms: list[Chain | Sum] = []
                for neuron in bias.targets:
                    n = network.neurons[neuron]
                    if network.is_output(neuron) and n.elementwise:
                        terms.append(
                            self.parameter_chain(ex, symbol, neuron, network.errors[neuron])
                        )
                    else:
                        terms.append(self.parameter_chain(ex, symbol, neuron, E_TOTAL, neuron))
                chains.append(
                    self.total(
                        ex, derivative(E_TOTAL, symbol), tuple(terms), key_of(E_TOTAL, symbol)
                    )
                )
            steps.append(self.gradient_of(bias.name, chains, bias.targets[0]))
        return Section(SectionKind.BIASES, tuple(steps)) if steps else None

    def forward_sections(self) -> list[Section]:
        sections = []
        for ex in self.examples:
            steps: list[Step] = []
            for neuron in self.network.neurons.values():
                for symbol, expr in ((neuron.net, neuron.net_expr), (neuron.out, neuron.out_expr)):
                    steps.append(self.term(ex, symbol, expr, FigureKey(str(symbol)), neuron.name))
            sections.append(Section(SectionKind.FORWARD, tuple(steps), example=ex.tag))
        return sections

    def error_section(self) -> tuple[Section, list[dict[str, float]], float]:
        network = self.network
        steps: list[Step] = []
        errors = []
        for ex in self.examples:
            example_errors: dict[str, float] = {}
            for name, expr in network.error_exprs.items():
                symbol = network.errors[name]
                step = self.term(ex, symbol, expr, FigureKey(str(symbol)), name)
                steps.append(step)
                example_errors[str(symbol)] = step.value
            label = E_TOTAL if ex.tag is None else example_total(ex.tag)
            step = self.term(ex, label, network.total_expr, E_TOTAL_KEY)
            steps.append(step)
            example_errors["E_total"] = step.value
            errors.append(example_errors)
        if len(self.examples) == 1:
            return Section(SectionKind.ERROR, tuple(steps)), errors, errors[0]["E_total"]
        parts = [example_total(e + 1) for e in range(len(self.examples))]
        values = {p: err["E_total"] for p, err in zip(parts, errors, strict=True)}
        total_expr = sp.Add(*parts, evaluate=False)
        total = evaluate(total_expr, values)
        self.figures[E_TOTAL_KEY] = total
        steps.append(Term(E_TOTAL, total_expr, values, total, E_TOTAL_KEY))
        return Section(SectionKind.ERROR, tuple(steps)), errors, total

    def example_values(self, errors: list[dict[str, float]]) -> tuple[ExampleValues, ...]:
        """Every neuron's values and gradients in each example, for the graph and the API."""
        network = self.network
        result = []
        for ex, example_errors in zip(self.examples, errors, strict=True):
            neurons = {
                name: NeuronValues(
                    net=ex.values[n.net],
                    out=ex.values[n.out],
                    d_net=ex.delta_value[name],
                    d_out=ex.d_out_value.get(name, 0.0),
                )
                for name, n in network.neurons.items()
            }
            forward_values = {
                str(s): ex.values[s] for n in network.neurons.values() for s in (n.net, n.out)
            }
            result.append(ExampleValues.of(forward_values, example_errors, neurons, ex.gradients))
        return tuple(result)


def derive(
    scenario: Scenario, *, h: float = 1e-6, hidden_uses_updated_weights: bool = False
) -> Walkthrough:
    """Derive, evaluate and check one step of backpropagation for ``scenario``."""
    if not 0 < h < 1:
        raise ValueError(f"h must lie between 0 and 1, got {h}")
    try:
        with collection_paused():  # every object lives until the model is built
            return _derive(scenario, h, hidden_uses_updated_weights)
    except NumericalError as exc:
        raise ScenarioError(
            scenario.source,
            f"cannot compute the walkthrough in floating point: {exc} (try smaller weights, "
            "inputs or learning rate)",
        ) from None


def _derive(scenario: Scenario, h: float, hidden_uses_updated_weights: bool) -> Walkthrough:
    network = build_network(scenario)
    engine = _Engine(network, h, hidden_uses_updated_weights)
    # The forward values are read before the backward pass may replace weights (the post's
    # order), so that the graph shows the forward pass as computed.
    forward_sections = engine.forward_sections()
    error_section, errors, total = engine.error_section()
    sections = [
        Section(SectionKind.NETWORK, (Overview(scenario, activations_used(scenario)),)),
        *forward_sections,
        error_section,
        *(engine.layer_section(layer) for layer in range(len(network.layers) - 1, 0, -1)),
    ]
    biases = engine.bias_section()
    if biases is not None:
        sections.append(biases)

    ordered = [p.name for p in scenario.parameters]
    gradients = {name: engine.gradients[name].derivation.value for name in ordered}
    numeric = {name: engine.gradients[name].shake.numeric for name in ordered}  # type: ignore[union-attr]
    rate = scenario.learning_rate
    updates: list[Step] = []
    updated: dict[str, float] = {}
    bias_names = {b.name for b in scenario.biases}
    for p in scenario.parameters:
        is_bias = p.name in bias_names
        applied = not is_bias or scenario.update_biases
        new = p.value - rate * gradients[p.name] if applied else p.value
        updated[p.name] = new
        engine.figures[FigureKey.update(p.name)] = new
        updates.append(Update(p.name, p.value, gradients[p.name], rate, new, applied, is_bias))
    after = _error_after(network, updated)
    updates.append(after)
    engine.figures[E_TOTAL_AFTER_KEY] = after.value
    sections.append(Section(SectionKind.UPDATE, tuple(updates)))

    # In the post's order, a figure that moved away from the correct derivation differs for
    # that reason, whatever the scenario's own `why` says about the correct one.
    correct = _derive(scenario, h, False).figures if hidden_uses_updated_weights else engine.figures
    comparisons = compare_published(scenario, engine.figures, correct)
    if comparisons:
        sections.append(Section(SectionKind.PUBLISHED, tuple(comparisons)))
    # The forward values of the examples come from before any weight was replaced.
    examples = engine.example_values(errors)
    return Walkthrough(
        scenario=scenario,
        sections=tuple(sections),
        examples=examples,
        E_total=total,
        gradients=gradients,
        numeric_gradients=numeric,
        updated=updated,
        E_total_after=after.value,
        figures=dict(engine.figures),
        comparisons=tuple(comparisons),
        h=h,
        hidden_uses_updated_weights=hidden_uses_updated_weights,
    )


def _error_after(network: Network, updated: Mapping[str, float]) -> Term:
    """E_total with the updated parameters: Σ over the examples of Σ E_o."""
    parts: dict[sp.Basic, float] = {}
    batch = network.scenario.is_batch
    for e in range(len(network.scenario.examples)):
        values = forward(network, parameter_values(network, updated, example=e))
        if batch:
            parts[example_total(e + 1)] = values[E_TOTAL]
        else:
            parts = {network.errors[n]: values[network.errors[n]] for n in network.errors}
    expr = sp.Add(*parts, evaluate=False) if len(parts) > 1 else next(iter(parts))
    return Term(E_TOTAL_AFTER, expr, parts, evaluate(expr, parts), E_TOTAL_AFTER_KEY)
