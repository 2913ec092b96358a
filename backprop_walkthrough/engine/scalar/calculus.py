"""The calculus: every symbolic derivative the walkthrough shows, taken with ``sympy.diff``.

Nothing here knows a number. :class:`Calculus` differentiates a network's local expressions and
caches each result, so a derivative used by many chains (∂out_h1/∂net_h1, say) is taken once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import sympy as sp

from ... import ops
from .network import E_TOTAL, Network


@lru_cache(maxsize=1 << 16)
def derivative(of: sp.Symbol, wrt: sp.Symbol) -> sp.Derivative:
    """The unevaluated ∂of/∂wrt used as a label. Building one costs SymPy ~0.1 ms of checks,
    and a wide network labels the same few thousand derivatives many times over."""
    return sp.Derivative(of, wrt)


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


def own_rule(expr: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """d expr/d wrt when ``wrt`` is one plain argument of the function ``expr`` (or ``expr``
    itself): the function's derivative rule in that argument. Anything else: ``sp.diff``."""
    if expr == wrt:
        return sp.Integer(1)
    if isinstance(expr, sp.Function) and expr.args.count(wrt) == 1:
        others = [a for a in expr.args if a != wrt]
        if not any(a.has(wrt) for a in others):
            return expr.fdiff(expr.args.index(wrt) + 1)
    return sp.diff(expr, wrt)


#: Stand-ins for the symbols of a summand: its shape, differentiated once.
_SHAPE = sp.symbols("_s0:8")


@lru_cache(maxsize=256)
def _shape_derivative(shape: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    return sp.diff(shape, wrt)


def summand_derivative(summand: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """d summand/d wrt, with ``sp.diff`` taken once per shape of summand (w·out, b·1): the
    summand's symbols are put in for stand-ins after. A wide layer has thousands of summands of
    one shape, and SymPy's diff costs half a millisecond each; ``sp.diff(summand, wrt)`` gives
    the same (a test checks it)."""
    symbols = sorted(summand.free_symbols, key=lambda s: s.name)
    if len(symbols) > len(_SHAPE) or wrt not in symbols:
        return sp.diff(summand, wrt)
    stand_ins = dict(zip(symbols, _SHAPE, strict=False))
    shape = summand.xreplace(stand_ins)
    derived = _shape_derivative(shape, stand_ins[wrt])
    return derived.xreplace({v: k for k, v in stand_ins.items()})


def has_pole(expr: sp.Expr) -> bool:
    """Whether ``expr`` divides by something (−target/out: the cross-entropies' derivatives)."""
    return any(p.exp.is_negative for p in expr.atoms(sp.Pow))


def cancelled_product(d_out: sp.Expr, d_error: sp.Expr) -> sp.Expr:
    """∂out/∂net × ∂E/∂out in the one form SymPy cancels it to (σ′ × BCE′ = out − target): what
    is computed where the two factors are 0 and ∞ in doubles."""
    return sp.factor(sp.cancel(d_out * d_error))


def collected_softmax_delta(
    total: sp.Expr, out: sp.Symbol, targets: Sequence[sp.Symbol], sums_to_one: bool
) -> tuple[sp.Expr, ...]:
    """A softmax δ_k = Σ_j ∂out_j/∂net_k · ∂E/∂out_j, expanded and collected in out_k: with the
    cross-entropy out_k·(t_1 + … + t_K) − t_k, and where the targets sum to 1 (the scenario
    checks it) out_k − t_k. The forms found, simplest last; () when nothing simplifies."""
    collected = sp.collect(sp.expand(total), out)
    if collected == total:
        return ()
    forms = [collected]
    if sums_to_one:
        final = collected.subs(sp.Add(*targets), 1)
        if final != collected:
            forms.append(final)
    return tuple(forms)


class Calculus:
    """Every symbolic derivative the walkthrough shows, taken once with ``sympy.diff``."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._cache: dict[tuple[Any, ...], Any] = {}

    def _once(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def d_net(self, neuron: str, wrt: sp.Symbol) -> sp.Expr:
        """∂net_n/∂wrt, from net_n = Σ w·out + b·1.

        By the sum rule only the summands that contain ``wrt`` contribute, so SymPy
        differentiates those alone: the same result as ``sp.diff(net_expr, wrt)`` (a test checks
        it), without walking all the terms of a wide layer for every weight — that would make
        the engine grow with the square of the layer width.
        """

        def make() -> sp.Expr:
            summands = self._summands(neuron)
            return sp.Add(*(summand_derivative(s, wrt) for s in summands.get(wrt, ())))

        return self._once(("net", neuron, wrt), make)

    def _summands(self, neuron: str) -> dict[sp.Symbol, list[sp.Expr]]:
        """The summands of net_n, indexed by every symbol each one contains."""
        key = ("summands", neuron)
        if key not in self._cache:
            net_expr = self.network.neurons[neuron].net_expr
            index: dict[sp.Symbol, list[sp.Expr]] = {}
            for summand in sp.Add.make_args(net_expr):
                for symbol in summand.free_symbols:
                    index.setdefault(symbol, []).append(summand)
            self._cache[key] = index
        return self._cache[key]  # type: ignore[no-any-return]

    def d_out(self, neuron: str, wrt_neuron: str) -> sp.Expr:
        """∂out_n/∂net_m, written in terms of the outputs (σ' = out·(1 − out)).

        out_n = f(…, net_m, …) with net_m a plain argument of f, so by the chain rule the
        derivative is f's own derivative rule in that argument (SymPy's ``fdiff``) times
        ∂net_m/∂net_m = 1: the same result as ``sp.diff`` (a test checks it) without its general
        machinery, which costs milliseconds a call and a walkthrough makes dozens.
        """
        network = self.network
        n, m = network.neurons[neuron], network.neurons[wrt_neuron]

        def make() -> sp.Expr:
            derived = own_rule(n.out_expr, m.net)
            layer = network.layers[n.layer]
            # Replace each activation(net) by the out it names: the textbook form.
            if n.out_expr.is_Symbol:  # a linear neuron: out = net
                return derived
            names = {network.neurons[k].out_expr: network.neurons[k].out for k in layer}
            return derived.xreplace(names)

        return self._once(("out", neuron, wrt_neuron), make)

    def d_error(self, output: str, of: sp.Symbol) -> sp.Expr:
        """∂E/∂out_o for an output neuron, E being E_total or E_o: the same derivative, since
        by the sum rule the other outputs' terms of E_total do not contain out_o; so SymPy
        differentiates E_o alone, once for both."""
        network = self.network
        out = network.outs[output]

        def make() -> sp.Expr:
            derived = sp.diff(network.error_exprs[output], out)
            return textbook_form(derived, network.residuals[output])

        return self._once(("error", output), make)

    def fused_delta(self, output: str) -> sp.Expr | None:
        """δ_o = ∂out_o/∂net_o × ∂E/∂out_o in one form, when ∂E/∂out_o divides by out_o or
        by 1 − out_o (the cross-entropies): SymPy cancels the quotient, σ' × BCE' = out − target.

        Where the output saturates past double precision's range, the two factors are 0 and
        infinite and only this product can be computed (the walkthrough shows both); the fast
        path always uses it. None for a loss without such a pole.
        """

        def make() -> sp.Expr | None:
            error = self.d_error(output, E_TOTAL)
            if not has_pole(error):
                return None
            return cancelled_product(self.d_out(output, output), error)

        fused: sp.Expr | None = self._once(("fused", output), make)
        return fused

    def softmax_delta(self, neuron: str) -> tuple[sp.Expr, ...]:
        """δ_k = Σ_j ∂out_j/∂net_k · ∂E_total/∂out_j, in the simpler forms SymPy finds.

        SymPy expands the sum and collects it in out_k. With the cross-entropy that leaves
        out_k·(target_1 + … + target_K) − target_k, and since the targets sum to 1 (the scenario
        checks it), out_k − target_k. Returns those forms, or () when nothing simplifies.
        """
        network = self.network

        def make() -> tuple[sp.Expr, ...]:
            layer = network.layers[-1]
            out = network.neurons[neuron].out
            total = sp.Add(*(self.d_out(j, neuron) * self.d_error(j, E_TOTAL) for j in layer))
            targets = [network.targets[j] for j in layer]
            sums_to_one = ops.loss(network.scenario.loss).targets_sum_to_one
            return collected_softmax_delta(total, out, targets, sums_to_one)

        forms: tuple[sp.Expr, ...] = self._once(("jacobian", neuron), make)
        return forms
