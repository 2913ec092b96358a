"""The fast path: the engine's own derivatives compiled once into a plain-float function.

Training runs thousands of steps, so SymPy must never be called inside the loop. This module
asks :class:`~.calculus.Calculus` for the same derivatives the walkthrough shows — ∂out/∂net,
∂E/∂out, ∂net/∂w, the softmax Jacobian — arranges them as the δ recursion (one assignment per
neuron, so the program grows linearly with the network) and lets ``sympy.lambdify`` turn that
straight-line program into one Python function.

``lambdify`` prints the expressions to Python source and compiles it. Nothing of the scenario's
text reaches that source: every argument is renamed to an internal identifier (``_p0``,
``_x0``, ``_t0``) and intermediate names are ``net_*``/``out_*``/``_d*``, built from validated
neuron names.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp

from ... import ops
from ...scenario import Scenario
from . import residuals
from .calculus import Calculus, has_pole
from .compiled import CompiledStep, function_from, loop_source
from .network import E_TOTAL, Network, build_network

#: Significant digits that write a double exactly (the inputs and targets in the program).
ROUND_TRIP_DIGITS = 17

#: What the compiled source calls for each function SymPy prints, by the name it prints.
FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = ops.FLOAT_FUNCTION_NAMES


def _live(program: list[Any], results: list[sp.Expr]) -> list[Any]:
    """The assignments of ``program`` that ``results`` depend on, in their order; an
    assignment whose right-hand side repeats an earlier one, or is a symbol, reads that one
    instead."""
    first: dict[sp.Expr, sp.Symbol] = {}
    renamed: dict[sp.Symbol, sp.Symbol] = {}
    deduplicated: list[Any] = []
    for target, value in program:
        value = value.xreplace(renamed) if renamed else value
        if value.is_Symbol:  # an alias (a sum of one term): read the symbol itself
            renamed[target] = value
            continue
        if value in first:
            renamed[target] = first[value]
            continue
        first[value] = target
        deduplicated.append((target, value))
    results[:] = [r.xreplace(renamed) if renamed else r for r in results]
    needed: set[sp.Basic] = set().union(*(r.free_symbols for r in results))
    kept: list[Any] = []
    for target, value in reversed(deduplicated):
        if target in needed:
            kept.append((target, value))
            needed |= value.free_symbols
    return kept[::-1]


def compile_step(scenario: Scenario, hidden_uses_updated_weights: bool = False) -> CompiledStep:
    """Compile E_total, the outputs, every ∂E_total/∂p and the update into plain Python."""
    if hidden_uses_updated_weights and scenario.is_batch:
        raise ValueError("--hidden-uses-updated-weights needs a single-example scenario")
    start = time.perf_counter()
    network = build_network(scenario)
    program, total, outs, gradients, updated, arguments = _program(
        network, hidden_uses_updated_weights
    )
    program = _inline_sigmoids(program)

    def compile_returning(results: list[sp.Expr]) -> tuple[Callable[..., list[float]], str]:
        def straight_line(exprs: list[sp.Expr]) -> tuple[list[Any], list[sp.Expr]]:
            # our own assignments, in the order of the δ recursion, without the ones these
            # results never read (every stable form of every neuron is assigned; a loss uses
            # a few): dead code costs a call per step
            return _live(program, exprs), exprs

        function: Callable[..., list[float]] = sp.lambdify(
            arguments,
            results,
            modules=[FLOAT_FUNCTIONS, "math"],
            cse=straight_line,
            docstring_limit=0,
        )
        return function, inspect.getsource(function)

    gradient, gradient_source = compile_returning([total, *outs, *gradients])
    step, step_source = compile_returning([total, *updated])
    advance_source = loop_source(step_source)
    advance = function_from(advance_source)
    assert advance is not None, "the loop of a compiled step is one the checks accept"
    return CompiledStep(
        gradient_function=gradient,
        step_function=step,
        advance=advance,
        parameters=tuple(p.name for p in scenario.parameters),
        inputs=network.layers[0],
        outputs=network.layers[-1],
        examples=len(scenario.examples),
        compile_seconds=time.perf_counter() - start,
        gradient_source=gradient_source,
        step_source=step_source,
        advance_source=advance_source,
    )


def _inline_sigmoids(program: list[Any]) -> list[Any]:
    """Every σ of the program as a conditional expression on e^(−|x|), computed once for σ(x)
    and σ(−x) (which the stable forms ask for side by side): a call of a Python function per
    σ was half the time of a step of the classic example. The values are bit for bit
    :func:`~...ops.stable_sigmoid`'s."""
    exps: dict[sp.Expr, sp.Symbol] = {}
    result: list[Any] = []
    for target, value in program:
        found = list(value.atoms(ops.sigmoid))
        replacements = {}
        for function in found:
            argument = function.args[0]
            base = -argument if argument.could_extract_minus_sign() else argument
            if base not in exps:
                exps[base] = sp.Symbol(f"_e{len(exps)}")
                result.append((exps[base], ops.exp_nonpositive(-sp.Abs(base))))
            replacements[function] = ops.inline_sigmoid(argument, exps[base])
        result.append((target, value.xreplace(replacements) if replacements else value))
    return result


def _program(network: Network, hidden_uses_updated_weights: bool) -> tuple[Any, ...]:
    """The straight-line program of a whole step: every example's forward and backward pass
    (the δ recursion), the gradients summed over the examples, and the updated parameters.

    Returns (assignments, E_total, outputs, gradients, updated parameters, lambdify arguments).
    The scenario's inputs and targets are numbers in the program, not text: SymPy prints each
    Float as a literal.
    """
    scenario = network.scenario
    calculus = Calculus(network)
    params = [network.params[p.name] for p in scenario.parameters]
    arguments_params = [sp.Symbol(f"_p{i}") for i in range(len(params))]
    eta = sp.Symbol("_eta")
    counter = iter(range(1 << 30))
    program: list[tuple[sp.Symbol, sp.Expr]] = []

    def fresh() -> sp.Symbol:
        return sp.Symbol(f"_d{next(counter)}")

    totals: list[sp.Symbol] = []
    outs: list[sp.Symbol] = []
    per_example: list[dict[str, sp.Symbol]] = []
    for example in scenario.examples:
        rename: dict[sp.Basic, sp.Basic] = dict(zip(params, arguments_params, strict=True))
        for name, value in example.inputs.items():
            rename[network.outs[name]] = sp.Float(value, ROUND_TRIP_DIGITS)
        for name, value in example.targets.items():
            rename[network.targets[name]] = sp.Float(value, ROUND_TRIP_DIGITS)

        def assign(expr: sp.Expr, rename: dict[Any, Any] = rename) -> sp.Symbol:
            symbol = fresh()
            program.append((symbol, expr.xreplace(rename)))
            return symbol

        # Forward: every net of a layer before its outs (a softmax reads all of them).
        for layer in network.layers[1:]:
            for name in layer:
                rename[network.neurons[name].net] = assign(network.neurons[name].net_expr)
            for name in layer:
                rename[network.neurons[name].out] = assign(network.neurons[name].out_expr)
                # 1 − out, log(out), …: from net, as the walkthrough evaluates them (ops.py).
                for group, form in network.neurons[name].stable.items():
                    rename[group] = assign(form)
                for _end, distance, form in network.neurons[name].ends:
                    rename[distance] = assign(form)
        totals.append(assign(network.total_in_outputs()))
        outs.extend(rename[network.outs[n]] for n in network.layers[-1])
        precise = _precise_forms(network, example.targets)
        per_example.append(
            _backward(network, calculus, assign, rename, eta, hidden_uses_updated_weights, precise)
        )

    gradients = []
    for p in scenario.parameters:
        symbol = fresh()
        program.append((symbol, sp.Add(*(g[p.name] for g in per_example))))
        gradients.append(symbol)
    total = fresh()
    program.append((total, sp.Add(*totals)))
    bias_names = {b.name for b in scenario.biases}
    updated = [
        arguments_params[i] - eta * gradients[i]
        if p.name not in bias_names or scenario.update_biases
        else arguments_params[i]
        for i, p in enumerate(scenario.parameters)
    ]
    return program, total, outs, gradients, updated, [arguments_params, eta]


def _backward(
    network: Network,
    calculus: Calculus,
    assign: Callable[[sp.Expr], sp.Symbol],
    rename: dict[Any, Any],
    eta: sp.Symbol,
    hidden_uses_updated_weights: bool,
    precise: Callable[[sp.Expr], sp.Expr],
) -> dict[str, sp.Symbol]:
    """δ_n = ∂E_total/∂net_n once per neuron, from the output back; returns ∂E/∂p by name."""
    scenario = network.scenario
    d_out: dict[str, sp.Symbol] = {}
    delta: dict[str, sp.Symbol] = {}
    gradient: dict[str, sp.Symbol] = {}
    updated: dict[sp.Basic, sp.Expr] = {}  # weight → its updated value (the post's order only)
    last = len(network.layers) - 1
    for index in range(last, 0, -1):
        layer = network.layers[index]
        for name in layer:
            if index == last:
                error = calculus.d_error(name, E_TOTAL)
                fused = calculus.fused_delta(name) if network.neurons[name].elementwise else None
                if fused is not None:  # σ' × BCE' as out − target: no 0 × ∞ at saturation
                    delta[name] = assign(precise(fused))
                elif network.neurons[name].elementwise or not has_pole(error):
                    d_out[name] = assign(precise(error))
                # else: a softmax cross-entropy, whose δ is its simplified form (below):
                # −target/out is never needed, and would divide by an out of 0.0.
                continue
            out = network.outs[name]
            terms = [
                calculus.d_net(m, out).xreplace(updated) * delta[m]
                for m in network.layers[index + 1]
                if calculus.d_net(m, out) != 0
            ]
            d_out[name] = assign(sp.Add(*terms))
        for name in layer:
            if name in delta:
                continue
            if network.neurons[name].elementwise:
                delta[name] = assign(calculus.d_out(name, name) * d_out[name])
            elif has_pole(calculus.d_error(name, E_TOTAL)):
                # The cross-entropy: the first simplified form, out_k·Σ target − target_k, exact
                # for the targets as given (out_k − target_k assumes they sum to exactly 1), and
                # no 0 × ∞ where an output saturates past double range.
                forms = calculus.softmax_delta(name)
                delta[name] = assign(precise(forms[0]))
            else:
                # The Jacobian sum: its factors keep 1 − out whole, where an expanded form
                # (out_k − out_k²) cancels at saturation.
                delta[name] = assign(sp.Add(*(calculus.d_out(j, name) * d_out[j] for j in layer)))
        for w in scenario.weights:
            if w.target in layer:
                symbol = network.params[w.name]
                gradient[w.name] = assign(calculus.d_net(w.target, symbol) * delta[w.target])
                if hidden_uses_updated_weights:
                    # xreplace maps the weight to its argument; the update is in terms of it.
                    updated[symbol] = symbol - eta * gradient[w.name]
    for b in scenario.biases:
        symbol = network.params[b.name]
        gradient[b.name] = assign(
            sp.Add(*(calculus.d_net(n, symbol) * delta[n] for n in b.targets))
        )
    return gradient


def _precise_forms(network: Network, targets: Mapping[str, float]) -> Callable[[sp.Expr], sp.Expr]:
    """For one example: an output formula in its precise form where an output's target is an
    end of its activation (residuals.py), chosen at run time by which side of ½ out lies on."""
    ends = residuals.ends_at_targets(network, targets)
    whole = residuals.whole_targets(network, targets)
    groups = network.groups()

    def precise(expr: sp.Expr) -> sp.Expr:
        mine = {out: end for out, end in ends.items() if out in expr.free_symbols}
        if not mine:
            return expr
        present = [g for g in groups if expr.has(g)]
        form, placeholders = residuals.precise_form(expr, mine, whole, present)
        form = form.xreplace(placeholders)  # the groups back, for their stable values
        near = sp.And(*(e * out > residuals.NEAR_END for out, (e, _d) in mine.items()))
        return sp.Piecewise((form, near), (expr, True))

    return precise
