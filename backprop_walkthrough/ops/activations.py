"""One record per activation: everything the tool knows about each, in one place.

An :class:`Activation` holds its SymPy function (whose derivative rule reads like a textbook),
its float function (for the shake checks, the numeric forward pass and the compiled fast path),
its printed symbol in every format, its constraints, and the stable forms in net of the groups
its textbook formulas contain (1 − out, log out). Adding an activation is adding a record here
(and a line in the README); nothing else in the package names activations one by one.

Why declare functions instead of using SymPy's formulas: SymPy would differentiate
``1/(1 + exp(-x))`` into ``exp(-x)/(1 + exp(-x))**2``. Declaring the sigmoid as a function with its
own derivative rule, σ'(x) = σ(x)·(1 − σ(x)), keeps the derivative in the form learners write,
``out·(1 − out)`` once σ(net) is replaced by ``out``. Each rule is the calculus fact itself, and a
test checks it against SymPy's derivative of the explicit formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from ..lazy import lazy_import
from .floats import (
    float_leaky_relu,
    float_relu,
    float_silu,
    safe_exp,
    safe_log,
    softmax_component,
    stable_log_softmax,
    stable_log_softmax_complement,
    stable_sigmoid,
    stable_softmax,
    stable_softplus,
)

if TYPE_CHECKING:
    import sympy as sp

    from . import functions as fn
else:  # loaded on first use: a cached `train` reads the records and never derives (lazy.py)
    sp = lazy_import("sympy")
    fn = lazy_import(f"{__package__}.functions")

# --- stable forms: the sub-expressions of the textbook formulas, from net --------------------
#
# The textbook writes σ' = out·(1 − out), tanh' = 1 − out² and the cross-entropies with log(out)
# and log(1 − out). Evaluated from a rounded out, each loses its precision as the neuron
# saturates: out = 0.9999999999 leaves 1 − out with six digits, and from net ≈ 37 on, out is 1.0
# exactly and log(1 − out) is log 0. So these sub-expressions ("groups") are never evaluated from
# out: each activation maps them to a form in net that keeps full precision, 1 − σ(net) = σ(−net)
# and log σ(net) = −softplus(−net), and the walkthrough, the fast path and the shake check all
# substitute them. The formulas shown keep the textbook form.

Groups: TypeAlias = "dict[sp.Expr, sp.Expr]"


def complement(out: sp.Expr) -> sp.Expr:
    """1 − out, as SymPy writes it in every formula (σ', the cross-entropy, its derivative)."""
    return sp.Integer(1) - out


def _sigmoid_groups(out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    return {
        complement(out): fn.sigmoid(-net),
        sp.log(out): -fn.softplus(-net),
        sp.log(complement(out)): -fn.softplus(net),
    }


def _tanh_groups(out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    # 1 − tanh²(x) = sech²(x) = 4·σ(2x)·σ(−2x): a product of two precise factors.
    return {sp.Integer(1) - out**2: 4 * fn.sigmoid(2 * net) * fn.sigmoid(-2 * net)}


def _softmax_groups(out: sp.Symbol, _net: sp.Symbol, nets: Sequence[sp.Symbol], k: int) -> Groups:
    return {
        complement(out): sp.Add(
            *(fn.softmax(sp.Integer(j), *nets) for j in range(len(nets)) if j != k)
        ),
        sp.log(out): fn.log_softmax(sp.Integer(k), *nets),
        sp.log(complement(out)): fn.log_softmax_complement(sp.Integer(k), *nets),
    }


def _no_groups(_out: sp.Symbol, _net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    return {}


# Ends: where out saturates, its distance to the end, from net. A residual target − out with a
# target of exactly 1 cancels as out nears 1 (t − out = 1 − 0.99999999 keeps 8 digits, and past
# net ≈ 37 none); written with out = e·(1 − d), it is d, to full precision. The engine uses
# these forms for an output whose target is an end (one-hot and 0/1 targets).

Ends: TypeAlias = "tuple[tuple[int, sp.Expr], ...]"  # (end e, distance d ≥ 0 with out = e·(1 − d))
#: out lies on an end's side when e·out is above this: there its distance form is the precise
#: one (on the other side d is the imprecise one, and out is kept).
NEAR_END = 0.5


def _sigmoid_ends(_out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    return ((1, fn.sigmoid(-net)),)


def _tanh_ends(_out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    # tanh(x) = 1 − 2σ(−2x) = −1 + 2σ(2x)
    return ((1, 2 * fn.sigmoid(-2 * net)), (-1, 2 * fn.sigmoid(2 * net)))


def _softmax_ends(_out: sp.Symbol, _net: sp.Symbol, nets: Sequence[sp.Symbol], k: int) -> Ends:
    others = sp.Add(*(fn.softmax(sp.Integer(j), *nets) for j in range(len(nets)) if j != k))
    return ((1, others),)


def _no_ends(_out: sp.Symbol, _net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    return ()


# --- the records -------------------------------------------------------------------------------


def _x() -> sp.Symbol:
    """The x of a definition, f(x) = …"""
    return sp.Symbol("x")


class Printed(NamedTuple):
    """How a function's name is printed: in the terminal, LaTeX, MathML and Graphviz DOT."""

    text: str
    latex: str
    mathml: str
    dot: str


class Activation(NamedTuple):
    """An activation: out = activation(net), for one neuron or (softmax) a whole layer."""

    name: str
    #: The name of its SymPy function in :mod:`.functions` (see :attr:`function`); None for
    #: linear. A name, so that reading the records loads no SymPy.
    function_name: str | None
    #: out = activation(net) for the neuron at ``index`` of a layer with these nets.
    build: Callable[[sp.Symbol, Sequence[sp.Symbol], int, float], sp.Expr]
    #: f(x) and its formula, shown once at the top of a walkthrough; leaky ReLU's slope, or
    #: None when the layers differ (the formula then shows α).
    definition: Callable[[float | None], tuple[sp.Expr, sp.Expr]]
    #: The float function, called with the SymPy function's arguments as floats.
    numeric: Callable[..., float]
    #: Every out of a layer from its nets, on floats.
    layer: Callable[[Sequence[float], float], list[float]]
    printed: Printed
    #: The groups of the textbook formulas (1 − out, log out, …) → their stable forms in net,
    #: for the neuron at ``index`` with this out and net among these nets.
    stable: Callable[[sp.Symbol, sp.Symbol, Sequence[sp.Symbol], int], Groups] = _no_groups
    #: The values out saturates towards, each with its distance form (see Ends above).
    ends: Callable[[sp.Symbol, sp.Symbol, Sequence[sp.Symbol], int], Ends] = _no_ends
    elementwise: bool = True  # out_k depends on net_k alone (not softmax)
    output_only: bool = False
    min_neurons: int = 1
    takes_slope: bool = False
    #: For an activation whose slope jumps at net = 0 (ReLU): the slope its derivative takes
    #: there by convention, the one on the left ("0", "α"); a shake across 0 mixes two slopes.
    slope_at_kink: str = ""
    unit_interval: bool = False  # every out lies strictly between 0 and 1
    #: A rational net gives a rational out (ReLU, leaky ReLU, linear): exact arithmetic stays
    #: rational through the layer, where a smooth activation nests an exp.
    rational: bool = False
    normalised: bool = False  # the outs of the layer sum to 1

    @property
    def function(self) -> type[sp.Function] | None:
        """The SymPy function in an expression (``sigmoid``, ``sp.tanh``); None for linear."""
        return None if self.function_name is None else getattr(fn, self.function_name)


def _each(function: Callable[[float], float]) -> Callable[[Sequence[float], float], list[float]]:
    return lambda nets, _slope: [function(n) for n in nets]


def _unevaluated_tanh() -> tuple[sp.Expr, sp.Expr]:
    numerator = sp.Add(sp.exp(_x()), -sp.exp(-_x()), evaluate=False)
    denominator = sp.Add(sp.exp(_x()), sp.exp(-_x()), evaluate=False)
    return sp.Function("tanh")(_x()), sp.Mul(
        numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False
    )


def _softmax_definition(_slope: float | None) -> tuple[sp.Expr, sp.Expr]:
    xk, xj, j, k = sp.symbols("x_k x_j j K")
    return sp.Function("softmax")(xk), sp.exp(xk) / sp.Sum(sp.exp(xj), (j, 1, k))


ACTIVATION_RECORDS: dict[str, Activation] = {
    record.name: record
    for record in (
        Activation(
            "sigmoid",
            "sigmoid",
            lambda net, _nets, _i, _slope: fn.sigmoid(net),
            lambda _slope: (fn.sigmoid(_x()), 1 / (1 + sp.exp(-_x()))),
            stable_sigmoid,
            _each(stable_sigmoid),
            Printed("σ", r"\sigma", "σ", "σ"),
            stable=_sigmoid_groups,
            ends=_sigmoid_ends,
            unit_interval=True,
        ),
        Activation(
            "tanh",
            "tanh",
            lambda net, _nets, _i, _slope: sp.tanh(net),
            lambda _slope: _unevaluated_tanh(),
            math.tanh,
            _each(math.tanh),
            Printed("tanh", r"\tanh", "tanh", "tanh"),
            stable=_tanh_groups,
            ends=_tanh_ends,
        ),
        Activation(
            "relu",
            "relu",
            lambda net, _nets, _i, _slope: fn.relu(net),
            lambda _slope: (fn.relu(_x()), sp.Max(0, _x())),
            float_relu,
            _each(float_relu),
            Printed("relu", r"\operatorname{relu}", "relu", "relu"),
            slope_at_kink="0",
            rational=True,
        ),
        Activation(
            "leaky_relu",
            "leaky_relu",
            lambda net, _nets, _i, slope: fn.leaky_relu(net, sp.Float(slope, 15)),
            lambda slope: (
                sp.Function("leaky_relu")(_x()),
                sp.Max((sp.Symbol("alpha") if slope is None else sp.Float(slope, 15)) * _x(), _x()),
            ),
            float_leaky_relu,
            lambda nets, slope: [float_leaky_relu(n, slope) for n in nets],
            Printed("leaky_relu", r"\operatorname{leaky\_relu}", "leaky_relu", "leaky relu"),
            takes_slope=True,
            slope_at_kink="α",
            rational=True,
        ),
        Activation(
            "softplus",
            "softplus",
            lambda net, _nets, _i, _slope: fn.softplus(net),
            lambda _slope: (fn.softplus(_x()), sp.log(1 + sp.exp(_x()))),
            stable_softplus,
            _each(stable_softplus),
            Printed("softplus", r"\operatorname{softplus}", "softplus", "softplus"),
        ),
        Activation(
            "silu",
            "silu",
            lambda net, _nets, _i, _slope: fn.silu(net),
            lambda _slope: (fn.silu(_x()), sp.Mul(_x(), fn.sigmoid(_x()), evaluate=False)),
            float_silu,
            _each(float_silu),
            Printed("silu", r"\operatorname{silu}", "silu", "silu"),
        ),
        Activation(
            "linear",
            None,
            lambda net, _nets, _i, _slope: net,
            lambda _slope: (sp.Function("linear")(_x()), _x()),
            lambda x: x,
            lambda nets, _slope: list(nets),
            Printed("linear", r"\operatorname{linear}", "linear", "id"),
            rational=True,
        ),
        Activation(
            "softmax",
            "softmax",
            lambda _net, nets, index, _slope: fn.softmax(sp.Integer(index), *nets),
            _softmax_definition,
            softmax_component,
            lambda nets, _slope: stable_softmax(nets),
            Printed("softmax", r"\operatorname{softmax}", "softmax", "softmax"),
            stable=_softmax_groups,
            ends=_softmax_ends,
            elementwise=False,
            output_only=True,
            min_neurons=2,
            unit_interval=True,
            normalised=True,
        ),
    )
}

#: The float form of every function an expression may contain, by the name its SymPy function
#: has (and prints as, in the compiled step): the activations and the functions around them.
FLOAT_FUNCTION_NAMES: dict[str, Callable[..., float]] = {
    "exp": safe_exp,
    "exp_nonpositive": math.exp,
    "log": safe_log,
    "sin": math.sin,
    "cos": math.cos,
    "log_softmax": stable_log_softmax,
    "log_softmax_complement": stable_log_softmax_complement,
    **{r.function_name: r.numeric for r in ACTIVATION_RECORDS.values() if r.function_name},
}


@cache
def float_functions() -> dict[type, Callable[..., float]]:
    """FLOAT_FUNCTION_NAMES by SymPy function (which loads SymPy: made on first use)."""
    return {
        getattr(fn, name) if hasattr(fn, name) else getattr(sp, name): numeric
        for name, numeric in FLOAT_FUNCTION_NAMES.items()
    }


def activation(name: str) -> Activation:
    return ACTIVATION_RECORDS[name]


def printed_function(function: type) -> Printed | None:
    """How a SymPy function of the records prints, or None for any other function."""
    for record in ACTIVATION_RECORDS.values():
        if record.function_name is not None and record.function is function:
            return record.printed
    return None


#: The activations a scenario may use.
ACTIVATIONS = tuple(ACTIVATION_RECORDS)
