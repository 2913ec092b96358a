"""One record per activation and per loss: everything the tool knows about each, in one place.

An :class:`Activation` holds its SymPy function (whose derivative rule reads like a textbook),
its float function (for the shake checks, the numeric forward pass and the compiled fast path),
its printed symbol in every format, and its constraints. A :class:`Loss` holds the error of one
output neuron as SymPy builds it, the same on floats, its one-line description and what it needs
of the output layer and the targets. Adding an activation is adding a record here (and a line in
the README); nothing else in the package names activations one by one.

Why declare functions instead of using SymPy's formulas: SymPy would differentiate
``1/(1 + exp(-x))`` into ``exp(-x)/(1 + exp(-x))**2``. Declaring the sigmoid as a function with its
own derivative rule, σ'(x) = σ(x)·(1 − σ(x)), keeps the derivative in the form learners write,
``out·(1 − out)`` once σ(net) is replaced by ``out``. Each rule is the calculus fact itself, and a
test checks it against SymPy's derivative of the explicit formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import NamedTuple

import sympy as sp

from .errors import NumericalError

# Lower-case class names, as SymPy's own functions (sp.exp, sp.tanh).
# ruff: noqa: N801

DEFAULT_LEAKY_SLOPE = 0.01
DEFAULT_LOSS = "half_squared_error"

# --- the SymPy functions and their derivative rules -------------------------------------------


class sigmoid(sp.Function):
    """The logistic function σ(x) = 1 / (1 + e^(−x)); σ'(x) = σ(x)·(1 − σ(x))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))


def _step(x: sp.Expr, below: sp.Expr) -> sp.Expr:
    """1 for x > 0, else ``below``: the derivative of (leaky) ReLU, 0 taken at x = 0."""
    return sp.Piecewise((1, x > 0), (below, True))


class relu(sp.Function):
    """max(0, x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _step(self.args[0], sp.Integer(0))

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, x)


class leaky_relu(sp.Function):
    """max(α·x, x) for a slope 0 ≤ α < 1 (the second argument)."""

    nargs = 2

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return _step(self.args[0], self.args[1])

    def _eval_rewrite_as_Max(self, x: sp.Expr, slope: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(slope * x, x)


class softplus(sp.Function):
    """log(1 + e^x), a smooth ReLU; its derivative is the sigmoid, softplus'(x) = σ(x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))


class silu(sp.Function):
    """x·σ(x) (also called swish); silu'(x) = σ(x)·(1 + x·(1 − σ(x)))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        x = self.args[0]
        # Built unevaluated so that it prints in the textbook's order, σ(x) first.
        return sp.Mul(sigmoid(x), 1 + x * (1 - sigmoid(x)), evaluate=False)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return x / (1 + sp.exp(-x))


class softmax(sp.Function):
    """softmax(k, net_1, …, net_K) = exp(net_k) / Σ_j exp(net_j), k counted from 0.

    Its partial derivatives are the Jacobian terms out_k·(δ_kj − out_j).
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex == 1:
            raise sp.ArgumentIndexError(self, argindex)
        k, nets = self.args[0], self.args[1:]
        j = sp.Integer(argindex - 2)
        return softmax(k, *nets) * (sp.KroneckerDelta(k, j) - softmax(j, *nets))

    def _eval_rewrite_as_exp(self, k: sp.Expr, *nets: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.exp(nets[int(k)]) / sp.Add(*(sp.exp(n) for n in nets))


class log_softmax(sp.Function):
    """log softmax(k, net_1, …): log out_k to full precision however saturated (no log 0).

    Used only inside the stable forms below, after every derivative has been taken.
    """


class log_softmax_complement(sp.Function):
    """log(1 − softmax(k, net_1, …)) to full precision: the log of the other outputs' sum."""


# --- the same on floats: stable forms that never overflow ----------------------------------


def fsum(values: Iterable[float]) -> float:
    """Σ values correctly rounded (``math.fsum``): the same on every Python, where 3.12's
    ``sum()`` of floats compensates and 3.11's does not. ∞ − ∞ is NaN, as with ``sum``."""
    values = list(values)
    try:
        return math.fsum(values)
    except (ValueError, OverflowError):  # ∞ − ∞, or finite terms whose sum overflows
        return sum(values)


def stable_sigmoid(x: float) -> float:
    """σ(x) without overflow: e^(−x) is only formed for x ≥ 0."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def float_relu(x: float) -> float:
    return x if x > 0 else 0.0


def float_leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def stable_softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log(1 + e^(−|x|)): no overflow, no cancellation."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def float_silu(x: float) -> float:
    return x * stable_sigmoid(x)


def safe_log(x: float) -> float:
    if x <= 0:
        raise NumericalError(f"log({x!r}) is undefined")
    return math.log(x)


def safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise NumericalError(f"exp({x!r}) overflows") from None


def stable_softmax(nets: Sequence[float]) -> list[float]:
    """exp(net_k) / Σ exp(net_j), computed with the largest net subtracted (no overflow)."""
    top = max(nets)
    exps = [math.exp(n - top) for n in nets]
    total = fsum(exps)
    return [e / total for e in exps]


def _logsumexp(xs: Sequence[float]) -> float:
    top = max(xs)
    return top + math.log(math.fsum(math.exp(x - top) for x in xs))


def stable_log_softmax(k: float, *nets: float) -> float:
    """log out_k. Where net_k is the largest, −log(1 + Σ_j≠k e^(net_j − net_k)) by log1p: no
    cancellation between two large numbers when out_k is close to 1."""
    index = int(k)
    own = nets[index]
    if own >= max(nets):
        return -math.log1p(math.fsum(math.exp(n - own) for j, n in enumerate(nets) if j != index))
    return own - _logsumexp(nets)


def stable_log_softmax_complement(k: float, *nets: float) -> float:
    """log(1 − out_k): log1p(−out_k) while out_k is small, else the log of the others' sum."""
    index = int(k)
    out = stable_softmax(nets)[index]
    if out < 0.5:
        return math.log1p(-out)
    others = [n for j, n in enumerate(nets) if j != index]
    return _logsumexp(others) - _logsumexp(nets)


def softmax_component(k: float, *nets: float) -> float:
    """softmax(k, net_1, …) as SymPy's ``softmax`` function takes it: component k (from 0)."""
    return stable_softmax(nets)[int(k)]


# --- stable forms: the sub-expressions of the textbook formulas, from net --------------------
#
# The textbook writes σ' = out·(1 − out), tanh' = 1 − out² and the cross-entropies with log(out)
# and log(1 − out). Evaluated from a rounded out, each loses its precision as the neuron
# saturates: out = 0.9999999999 leaves 1 − out with six digits, and from net ≈ 37 on, out is 1.0
# exactly and log(1 − out) is log 0. So these sub-expressions ("groups") are never evaluated from
# out: each activation maps them to a form in net that keeps full precision, 1 − σ(net) = σ(−net)
# and log σ(net) = −softplus(−net), and the walkthrough, the fast path and the shake check all
# substitute them. The formulas shown keep the textbook form.

Groups = dict[sp.Expr, sp.Expr]


def complement(out: sp.Expr) -> sp.Expr:
    """1 − out, as SymPy writes it in every formula (σ', the cross-entropy, its derivative)."""
    return sp.Integer(1) - out


def _sigmoid_groups(out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    return {
        complement(out): sigmoid(-net),
        sp.log(out): -softplus(-net),
        sp.log(complement(out)): -softplus(net),
    }


def _tanh_groups(out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    # 1 − tanh²(x) = sech²(x) = 4·σ(2x)·σ(−2x): a product of two precise factors.
    return {sp.Integer(1) - out**2: 4 * sigmoid(2 * net) * sigmoid(-2 * net)}


def _softmax_groups(out: sp.Symbol, _net: sp.Symbol, nets: Sequence[sp.Symbol], k: int) -> Groups:
    return {
        complement(out): sp.Add(
            *(softmax(sp.Integer(j), *nets) for j in range(len(nets)) if j != k)
        ),
        sp.log(out): log_softmax(sp.Integer(k), *nets),
        sp.log(complement(out)): log_softmax_complement(sp.Integer(k), *nets),
    }


def _no_groups(_out: sp.Symbol, _net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Groups:
    return {}


# Ends: where out saturates, its distance to the end, from net. A residual target − out with a
# target of exactly 1 cancels as out nears 1 (t − out = 1 − 0.99999999 keeps 8 digits, and past
# net ≈ 37 none); written with out = e·(1 − d), it is d, to full precision. The engine uses
# these forms for an output whose target is an end (one-hot and 0/1 targets).

Ends = tuple[tuple[int, sp.Expr], ...]  # (end e, distance d ≥ 0 with out = e·(1 − d))


def _sigmoid_ends(_out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    return ((1, sigmoid(-net)),)


def _tanh_ends(_out: sp.Symbol, net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    # tanh(x) = 1 − 2σ(−2x) = −1 + 2σ(2x)
    return ((1, 2 * sigmoid(-2 * net)), (-1, 2 * sigmoid(2 * net)))


def _softmax_ends(_out: sp.Symbol, _net: sp.Symbol, nets: Sequence[sp.Symbol], k: int) -> Ends:
    others = sp.Add(*(softmax(sp.Integer(j), *nets) for j in range(len(nets)) if j != k))
    return ((1, others),)


def _no_ends(_out: sp.Symbol, _net: sp.Symbol, _nets: Sequence[sp.Symbol], _k: int) -> Ends:
    return ()


# --- the records -------------------------------------------------------------------------------

X = sp.Symbol("x")


class Printed(NamedTuple):
    """How a function's name is printed: in the terminal, LaTeX, MathML and Graphviz DOT."""

    text: str
    latex: str
    mathml: str
    dot: str


class Activation(NamedTuple):
    """An activation: out = activation(net), for one neuron or (softmax) a whole layer."""

    name: str
    #: The SymPy function in an expression (``sigmoid``, ``sp.tanh``); None for linear.
    function: type[sp.Function] | None
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
    normalised: bool = False  # the outs of the layer sum to 1


def _each(function: Callable[[float], float]) -> Callable[[Sequence[float], float], list[float]]:
    return lambda nets, _slope: [function(n) for n in nets]


def _unevaluated_tanh() -> tuple[sp.Expr, sp.Expr]:
    numerator = sp.Add(sp.exp(X), -sp.exp(-X), evaluate=False)
    denominator = sp.Add(sp.exp(X), sp.exp(-X), evaluate=False)
    return sp.Function("tanh")(X), sp.Mul(
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
            sigmoid,
            lambda net, _nets, _i, _slope: sigmoid(net),
            lambda _slope: (sigmoid(X), 1 / (1 + sp.exp(-X))),
            stable_sigmoid,
            _each(stable_sigmoid),
            Printed("σ", r"\sigma", "σ", "σ"),
            stable=_sigmoid_groups,
            ends=_sigmoid_ends,
            unit_interval=True,
        ),
        Activation(
            "tanh",
            sp.tanh,
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
            relu,
            lambda net, _nets, _i, _slope: relu(net),
            lambda _slope: (relu(X), sp.Max(0, X)),
            float_relu,
            _each(float_relu),
            Printed("relu", r"\operatorname{relu}", "relu", "relu"),
            slope_at_kink="0",
        ),
        Activation(
            "leaky_relu",
            leaky_relu,
            lambda net, _nets, _i, slope: leaky_relu(net, sp.Float(slope, 15)),
            lambda slope: (
                sp.Function("leaky_relu")(X),
                sp.Max((sp.Symbol("alpha") if slope is None else sp.Float(slope, 15)) * X, X),
            ),
            float_leaky_relu,
            lambda nets, slope: [float_leaky_relu(n, slope) for n in nets],
            Printed("leaky_relu", r"\operatorname{leaky\_relu}", "leaky_relu", "leaky relu"),
            takes_slope=True,
            slope_at_kink="α",
        ),
        Activation(
            "softplus",
            softplus,
            lambda net, _nets, _i, _slope: softplus(net),
            lambda _slope: (softplus(X), sp.log(1 + sp.exp(X))),
            stable_softplus,
            _each(stable_softplus),
            Printed("softplus", r"\operatorname{softplus}", "softplus", "softplus"),
        ),
        Activation(
            "silu",
            silu,
            lambda net, _nets, _i, _slope: silu(net),
            lambda _slope: (silu(X), sp.Mul(X, sigmoid(X), evaluate=False)),
            float_silu,
            _each(float_silu),
            Printed("silu", r"\operatorname{silu}", "silu", "silu"),
        ),
        Activation(
            "linear",
            None,
            lambda net, _nets, _i, _slope: net,
            lambda _slope: (sp.Function("linear")(X), X),
            lambda x: x,
            lambda nets, _slope: list(nets),
            Printed("linear", r"\operatorname{linear}", "linear", "id"),
        ),
        Activation(
            "softmax",
            softmax,
            lambda _net, nets, index, _slope: softmax(sp.Integer(index), *nets),
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

#: The functions an expression may contain besides the activations, with their float forms.
FLOAT_FUNCTIONS: dict[type, Callable[..., float]] = {
    sp.exp: safe_exp,
    sp.log: safe_log,
    sp.sin: math.sin,
    sp.cos: math.cos,
    log_softmax: stable_log_softmax,
    log_softmax_complement: stable_log_softmax_complement,
    **{r.function: r.numeric for r in ACTIVATION_RECORDS.values() if r.function is not None},
}


def activation(name: str) -> Activation:
    return ACTIVATION_RECORDS[name]


def printed_function(function: type) -> Printed | None:
    """How a SymPy function of the records prints, or None for any other function."""
    for record in ACTIVATION_RECORDS.values():
        if record.function is function:
            return record.printed
    return None


# --- losses ------------------------------------------------------------------------------------


def residual_expression(target: sp.Symbol, out: sp.Symbol) -> sp.Expr:
    """(target − out), unevaluated."""
    return sp.Add(target, sp.Mul(-1, out, evaluate=False), evaluate=False)


def _half_squared(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    residual = residual_expression(target, out)
    return sp.Mul(sp.Rational(1, 2), sp.Pow(residual, 2, evaluate=False), evaluate=False)


def _mean_squared(target: sp.Symbol, out: sp.Symbol, outputs: int) -> sp.Expr:
    residual = residual_expression(target, out)
    return sp.Mul(sp.Rational(1, outputs), sp.Pow(residual, 2, evaluate=False), evaluate=False)


def _binary_cross_entropy(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    one_minus = sp.Add(1, sp.Mul(-1, target, evaluate=False), evaluate=False)
    one_minus_out = sp.Add(1, sp.Mul(-1, out, evaluate=False), evaluate=False)
    inner = sp.Add(
        sp.Mul(target, sp.log(out), evaluate=False),
        sp.Mul(one_minus, sp.log(one_minus_out), evaluate=False),
        evaluate=False,
    )
    return sp.Mul(-1, inner, evaluate=False)


def _cross_entropy(target: sp.Symbol, out: sp.Symbol, _outputs: int) -> sp.Expr:
    return sp.Mul(-1, sp.Mul(target, sp.log(out), evaluate=False), evaluate=False)


class Loss(NamedTuple):
    """The error of one output neuron; E_total is their sum (and, for a batch, over examples).

    ``term`` is built unevaluated so that it prints as written: ½(target − out)², not SymPy's
    reordering.
    """

    name: str
    description: str
    term: Callable[[sp.Symbol, sp.Symbol, int], sp.Expr]
    needs_unit_interval: bool = False  # outputs strictly between 0 and 1 (log of out, 1 − out)
    needs_normalised: bool = False  # outputs that sum to 1 (a softmax layer)
    targets_in_unit_interval: bool = False
    targets_sum_to_one: bool = False
    #: the ½ of ½(target − out)², which a learner drops (``check``'s missing_half)
    halved: bool = False
    #: E_total sums the outputs' errors (rather than averaging them: mean_instead_of_sum)
    sums_outputs: bool = True


LOSS_RECORDS: dict[str, Loss] = {
    record.name: record
    for record in (
        Loss(
            "half_squared_error",
            "E_total = Σ ½ (target − out)² over the output neurons.",
            _half_squared,
            halved=True,
        ),
        Loss(
            "mean_squared_error",
            "E_total = (1/N) Σ (target − out)² over the N output neurons.",
            _mean_squared,
            sums_outputs=False,
        ),
        Loss(
            "binary_cross_entropy",
            "E_total = −Σ [target·log(out) + (1 − target)·log(1 − out)] over the output neurons.",
            _binary_cross_entropy,
            needs_unit_interval=True,
            targets_in_unit_interval=True,
        ),
        Loss(
            "cross_entropy",
            "E_total = −Σ target·log(out) over the output neurons.",
            _cross_entropy,
            needs_normalised=True,
            targets_in_unit_interval=True,
            targets_sum_to_one=True,
        ),
    )
}

#: The names a scenario may use.
ACTIVATIONS = tuple(ACTIVATION_RECORDS)
LOSSES = tuple(LOSS_RECORDS)


def loss(name: str) -> Loss:
    return LOSS_RECORDS[name]


# --- the operations of a scalar program (``expr``) ---------------------------------------------


class Operation(NamedTuple):
    """A function of one value in a program: its SymPy form (for the local derivative) and its
    float (for the forward pass). The activations are the same records as in a network."""

    name: str
    symbolic: Callable[[sp.Expr], sp.Expr]
    numeric: Callable[[float], float]


def _from_activation(name: str) -> Operation:
    record = ACTIVATION_RECORDS[name]
    assert record.function is not None
    function = record.function
    return Operation(name, lambda x: function(x), lambda x: record.layer([x], 0.0)[0])


OPERATIONS: dict[str, Operation] = {
    "exp": Operation("exp", sp.exp, math.exp),
    "log": Operation("log", sp.log, math.log),
    "sqrt": Operation("sqrt", sp.sqrt, math.sqrt),
    "sin": Operation("sin", sp.sin, math.sin),
    "cos": Operation("cos", sp.cos, math.cos),
    **{name: _from_activation(name) for name in ("tanh", "sigmoid", "relu")},
}


def has_kink(name: str) -> bool:
    """Whether an activation or operation's slope jumps at 0 (ReLU): a shake there mixes two."""
    record = ACTIVATION_RECORDS.get(name)
    return record is not None and bool(record.slope_at_kink)


def apply(name: str, x: float, slope: float = DEFAULT_LEAKY_SLOPE) -> float:
    """An element-wise activation or a program's operation of ``x``, on floats."""
    if name in ACTIVATION_RECORDS:
        return ACTIVATION_RECORDS[name].layer([x], slope)[0]
    return OPERATIONS[name].numeric(x)


#: The symbols of :func:`local_derivative_form`.
NET, OUT = sp.Symbol("net"), sp.Symbol("out")


@cache
def local_derivative_form(
    name: str, slope: float = DEFAULT_LEAKY_SLOPE, stable: bool = True
) -> sp.Expr:
    """∂out/∂net of an element-wise activation or a program's operation, in NET and OUT.

    SymPy's derivative of the record, with the function of net written as out (σ′ is
    out·(1 − out)) and, when ``stable``, each group the record names replaced by its form in net
    (out·σ(−net)): what every view evaluates, so that none takes a derivative from a rounded out.
    """
    if name in ACTIVATION_RECORDS:
        record = ACTIVATION_RECORDS[name]
        if not record.elementwise:
            raise ValueError(f"{name} is not element-wise: its derivative is a Jacobian")
        built = record.build(NET, [NET], 0, slope)
        groups = record.stable(OUT, NET, [NET], 0)
    else:
        built = OPERATIONS[name].symbolic(NET)
        groups = {}
    derivative = sp.diff(built, NET)
    if built != NET:
        derivative = derivative.xreplace({built: OUT})
    return derivative.xreplace(groups) if stable else derivative
