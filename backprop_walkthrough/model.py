"""The derivation as plain data: sections → steps → terms. No formatting, no prose lives here.

The layout (:mod:`.render.layout`) reads only these objects, dispatching on the step type, and
the JSON and DOT writers read their values, so a new output format never touches the engine.
Formulas are SymPy expressions; each :class:`Term` carries its symbolic form, the numbers put
into it (its substituted form is that expression printed with those numbers) and its value at
full float precision.

``example`` is set (1, 2, …) on the steps of a batch, where each example has its own numbers.
``neuron`` names the neuron a step belongs to, so that the layout may show one neuron of a big
layer in full and summarise the others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any, NamedTuple

import sympy as sp

from .scenario.types import Scenario, ShapesSpec

# --- figure keys -----------------------------------------------------------------------------

_KEY = re.compile(
    r"(?P<name>.+?)(?: via (?P<via>\S+))?(?: simplified (?P<form>\d+))?"
    r"(?: \[example (?P<example>\d+)\])?\Z"
)


class FigureKey(NamedTuple):
    """The name of one number of the derivation, as the JSON and ``published:`` spell it:
    ``net_h1``, ``dE_total/dw5``, ``dE_total/dout_h1 via o2``, ``new w5``, ``E_total_after``,
    with `` [example 2]`` in a batch. ``str()`` gives that spelling, :meth:`parse` reads it."""

    name: str
    via: str | None = None  # one term of a sum: the neuron its path goes through
    form: int | None = None  # a simplified form of a sum, counted from 1
    example: int | None = None  # 1, 2, … in a batch

    def __str__(self) -> str:
        text = self.name
        if self.via is not None:
            text += f" via {self.via}"
        if self.form is not None:
            text += f" simplified {self.form}"
        if self.example is not None:
            text += f" [example {self.example}]"
        return text

    @classmethod
    def parse(cls, text: str) -> FigureKey:
        found = _KEY.match(text)
        if found is None:  # pragma: no cover - the pattern matches every non-empty text
            raise ValueError(f"not a figure name: {text!r}")
        form, example = found["form"], found["example"]
        return cls(
            found["name"],
            found["via"],
            int(form) if form else None,
            int(example) if example else None,
        )

    @classmethod
    def derivative(cls, of: object, wrt: object, via: str | None = None) -> FigureKey:
        """``d{of}/d{wrt}``: the spelling of ∂of/∂wrt."""
        return cls(f"d{of}/d{wrt}", via)

    @classmethod
    def update(cls, parameter: str) -> FigureKey:
        return cls(f"new {parameter}")

    def at(self, example: int | None) -> FigureKey:
        """The same figure in one example of a batch (or, with None, for the whole)."""
        return FigureKey(self.name, self.via, self.form, example)

    def simplified(self, form: int) -> FigureKey:
        return FigureKey(self.name, self.via, form, self.example)


E_TOTAL_KEY = FigureKey("E_total")
E_TOTAL_AFTER_KEY = FigureKey("E_total_after")


class Figures(Mapping[FigureKey, float]):
    """Every keyed number of a derivation; looked up by :class:`FigureKey` or by its spelling."""

    def __init__(self, figures: Mapping[FigureKey, float]) -> None:
        self._figures = dict(figures)

    def __getitem__(self, key: FigureKey | str) -> float:
        return self._figures[FigureKey.parse(key) if isinstance(key, str) else key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            key = FigureKey.parse(key)
        return key in self._figures

    def __iter__(self) -> Iterator[FigureKey]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def __repr__(self) -> str:
        return f"Figures({len(self)} figures)"


# --- steps -------------------------------------------------------------------------------------


class Term(NamedTuple):
    """``label = expr`` evaluated: e.g. ∂out_o1/∂net_o1 = out_o1·(1 − out_o1) = 0.186815602."""

    label: sp.Expr  # a Symbol (net_h1) or an unevaluated Derivative (∂net_o1/∂w5)
    expr: sp.Expr  # the symbolic form, as SymPy derived it
    substitutions: Mapping[sp.Basic, float]  # leaf of expr → the number put in its place
    value: float
    key: FigureKey
    reference: bool = False  # expr is an earlier result used by its name
    example: int | None = None
    neuron: str | None = None


class Chain(NamedTuple):
    """A chain-rule product: label = factor × factor × …

    ``fused``: where the factors cannot be multiplied in double precision — a saturated
    output's ∂out/∂net underflows to 0 while its cross-entropy ∂E/∂out overflows (a factor's
    value is then NaN: beyond the range of a double) — the product of their formulas as SymPy
    cancels it (i1·(out_o1 − target_o1)), which gives the chain's value instead.
    """

    label: sp.Derivative
    factors: tuple[Term, ...]
    value: float
    key: FigureKey
    via: str | None = None  # for one term of a sum: the neuron this path goes through
    example: int | None = None
    fused: Term | None = None


class Sum(NamedTuple):
    """A derivative that adds one term per path (or per example): ∂E_total/∂out_h1 = … + …"""

    label: sp.Derivative
    terms: tuple[Chain | Sum, ...]
    value: float
    key: FigureKey
    example: int | None = None
    simplified: tuple[Term, ...] = ()  # simpler forms SymPy finds for the sum, in order


#: The shake check's tolerance (see Shake.tolerance): double precision's unit roundoff, the
#: units of the last place an E value may be off by, a safety factor on the estimate, and a
#: relative floor below which two values count as the same.
EPSILON = 2.0**-52
ROUNDING_ULPS = 4
SAFETY = 4
RELATIVE_FLOOR = 1e-9
#: A shake check resolves a gradient when its tolerance is below the gradient's size by this
#: many digits: then a derivative wrong in its fourth digit fails it.
RESOLVED_DIGITS = 4
#: The measured noise is a typical size; an E value may be off by a few times that.
NOISE_SAFETY = 4


def measured_noise(values: list[float]) -> float:
    """The rounding noise of E from its values at p − 3h, …, p + 3h (seven, evenly spaced).

    The k-th differences of a smooth function shrink like h^k; those of rounding noise of
    size σ keep a spread of σ·√C(2k, k). So the largest of |Δᵏ|/√C(2k, k) for k = 3 … 6 is σ,
    as in Moré and Wild's ECnoise (2011), unless h is so large that Δ³ still sees the function
    (an overestimate, which makes the check more careful, never less).
    """
    estimates = []
    differences = list(values)
    for k in range(1, 7):
        differences = [b - a for a, b in zip(differences, differences[1:], strict=False)]
        if k >= 3:
            mean_square = math.fsum(d * d for d in differences) / len(differences)
            estimates.append(math.sqrt(mean_square / math.comb(2 * k, k)))
    return max(estimates)


class Verdict(Enum):
    """What a shake check concludes."""

    AGREES = "agrees"
    DISAGREES = "does not agree"
    #: The check's uncertainty (the rounding of E over h, the step's own error) is more than
    #: 10^-RESOLVED_DIGITS of the gradient: it cannot say whether the derivative is right.
    UNRESOLVED = "cannot resolve"
    #: The nudge carries a ReLU's net across its kink at 0: the difference measures a mix of
    #: the two one-sided slopes, the derivative takes one of them by convention.
    KINK = "at a kink"


class Shake(NamedTuple):
    """The numerical check (E(p+h) − E(p−h)) / 2h beside a symbolic derivative.

    E is also taken at p ± 2h and p ± 4h. Three central differences give two Richardson
    extrapolations, whose disagreement bounds how far the better one can be from the true
    derivative; with the rounding of E divided by the step, that is the tolerance. So the
    verdict follows from the numbers at any h, rather than from a fixed allowance that is too
    loose at one end and too tight at the other.
    """

    wrt: str
    h: float
    plus: float  # E_total with the quantity nudged up by h
    minus: float
    symbolic: float
    plus2: float  # … by 2h
    minus2: float
    plus4: float  # … by 4h
    minus4: float
    #: The kinks the nudge of ±4h lies on or crosses, each as (net name, activation name,
    #: whether the net lies exactly on it).
    kinks: tuple[tuple[str, str, bool], ...] = ()
    centre: float = math.nan  # E_total at the quantity's own value (for the one-sided slopes)
    #: The rounding noise of E near the point, measured (see ``measured_noise``) when the
    #: check would otherwise fail: E computed from large nets rounds far above ε·E.
    noise: float = 0.0
    #: How far E may move when the nets the nudge passes through round: Σ |∂E/∂net|·ε·|net|
    #: (a net of 34 rounds at 7e−15, and E with it, however small E is).
    forward_rounding: float = 0.0

    @property
    def one_sided(self) -> tuple[float, float]:
        """(left, right) slopes: (E(p) − E(p − h))/h and (E(p + h) − E(p))/h."""
        return (self.centre - self.minus) / self.h, (self.plus - self.centre) / self.h

    @property
    def numeric(self) -> float:
        return (self.plus - self.minus) / (2 * self.h)

    @property
    def extrapolated(self) -> float:
        """Richardson's (4·D(h) − D(2h)) / 3: the h² error of both central differences cancels."""
        return (4 * self.numeric - self._difference(2)) / 3

    def _difference(self, times: int) -> float:
        plus, minus = {1: (self.plus, self.minus), 2: (self.plus2, self.minus2)}.get(
            times, (self.plus4, self.minus4)
        )
        return (plus - minus) / (2 * times * self.h)

    @property
    def difference(self) -> float:
        return self.symbolic - self.numeric

    @property
    def tolerance(self) -> float:
        """How far the extrapolated difference may be from the true derivative: its error
        (O(h⁴): a sixteenth of the gap to the coarser extrapolation from 2h and 4h), and the
        rounding of E (a few units of its last place, over the step)."""
        coarser = (4 * self._difference(2) - self._difference(4)) / 3
        truncation = abs(self.extrapolated - coarser) / 15
        return SAFETY * truncation + self.rounding / self.h + RELATIVE_FLOOR * abs(self.symbolic)

    @property
    def rounding(self) -> float:
        """How far a value of E may be off: a few units in its last place, or the noise."""
        size = max(abs(v) for v in (self.plus, self.minus, self.plus2, self.minus2))
        return max(
            ROUNDING_ULPS * EPSILON * size,
            NOISE_SAFETY * self.noise,
            ROUNDING_ULPS * self.forward_rounding,
        )

    @property
    def agrees(self) -> bool:
        return abs(self.symbolic - self.extrapolated) <= self.tolerance

    @property
    def resolved_digits(self) -> float:
        """The significant digits of the derivative that the check can vouch for: its size
        over the tolerance (16 where the tolerance is 0)."""
        size = max(abs(self.symbolic), abs(self.extrapolated))
        tolerance = self.tolerance
        if tolerance == 0:
            return 16.0
        if size == 0:
            return 0.0
        return max(0.0, math.log10(size / tolerance))

    @property
    def verdict(self) -> Verdict:
        """At a kink, the kink; where E did not move and the derivative is 0, agreement;
        where too few digits of the change survive rounding, no verdict; else the test."""
        if self.kinks:  # the seven points straddle the kink: no noise estimate applies
            return Verdict.AGREES if self._replace(noise=0.0).agrees else Verdict.KINK
        if self.symbolic == 0 and self.plus == self.minus:
            return Verdict.AGREES
        if self.resolved_digits < RESOLVED_DIGITS:
            return Verdict.UNRESOLVED
        return Verdict.AGREES if self.agrees else Verdict.DISAGREES


class Gradient(NamedTuple):
    """∂E_total/∂(parameter, out or net), its derivation and its shake check."""

    wrt: str
    derivation: Chain | Sum
    shake: Shake | None = None
    example: int | None = None
    neuron: str | None = None


class Update(NamedTuple):
    """parameter⁺ = parameter − η·∂E_total/∂parameter (or kept, when not updated)."""

    parameter: str
    old: float
    gradient: float
    learning_rate: float
    new: float
    applied: bool
    bias: bool = False


class Comparison(NamedTuple):
    """A figure printed by the scenario's source next to what the engine computed.

    ``moved_by_option``: the figure differs from the correct derivation's because of
    ``--hidden-uses-updated-weights`` (the scenario's own ``why`` is about the correct one).
    """

    key: FigureKey
    published: float
    decimals: int
    computed: float
    why: str = ""
    moved_by_option: bool = False

    @property
    def agrees(self) -> bool:
        return round(self.computed, self.decimals) == round(self.published, self.decimals)


class Overview(NamedTuple):
    """The network itself: the layout reads the scenario's layers, parameters and data."""

    scenario: Scenario
    # (name, σ(x), 1/(1 + e^−x)) for each activation the network uses
    activations: tuple[tuple[str, sp.Expr, sp.Expr], ...]


Step = Overview | Term | Chain | Sum | Gradient | Update | Comparison


class SectionKind(Enum):
    NETWORK = "network"
    FORWARD = "forward"
    ERROR = "error"
    GRADIENTS = "gradients"  # the weights into one layer (``Section.layer``)
    BIASES = "biases"
    UPDATE = "update"
    PUBLISHED = "published"


class Section(NamedTuple):
    kind: SectionKind
    steps: tuple[Step, ...]
    layer: int | None = None  # GRADIENTS: the layer whose incoming weights these are
    example: int | None = None  # FORWARD of a batch: the example


# --- the values of every neuron, for the graph --------------------------------------------------


class NeuronValues(NamedTuple):
    """One neuron in one example: its net and out, and ∂E_total/∂ of each (this example's
    part of E_total)."""

    net: float
    out: float
    d_net: float  # δ = ∂E_total/∂net
    d_out: float  # ∂E_total/∂out


class ExampleValues(NamedTuple):
    """One example: its forward values, errors, every neuron, and its part of each gradient."""

    forward: Mapping[str, float]  # net_h1, out_h1, …
    errors: Mapping[str, float]  # E_o1, …, E_total (this example's)
    neurons: Mapping[str, NeuronValues]  # every non-input neuron
    gradients: Mapping[str, float]  # parameter → this example's term of ∂E_total/∂parameter

    @classmethod
    def of(
        cls,
        forward: Mapping[str, float],
        errors: Mapping[str, float],
        neurons: Mapping[str, NeuronValues],
        gradients: Mapping[str, float],
    ) -> ExampleValues:
        """Read-only views of copies: safe to keep and share."""
        return cls(
            MappingProxyType(dict(forward)),
            MappingProxyType(dict(errors)),
            MappingProxyType(dict(neurons)),
            MappingProxyType(dict(gradients)),
        )


class PerExample(tuple[Mapping[str, float], ...]):
    """One read-only mapping per example, for a single example and a batch alike:
    ``outputs[0]["o1"]``; ``outputs.only["o1"]`` where there is one example."""

    __slots__ = ()

    def __new__(cls, mappings: Iterable[Mapping[str, float]]) -> PerExample:
        return super().__new__(cls, (MappingProxyType(dict(m)) for m in mappings))

    @property
    def only(self) -> Mapping[str, float]:
        """The mapping of the only example (a batch has no single one: index it)."""
        if len(self) != 1:
            raise ValueError(
                f"there are {len(self)} examples, one mapping each: index them, [0] to "
                f"[{len(self) - 1}]"
            )
        return self[0]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):  # outputs["o1"]: say how to ask
            raise TypeError(
                f"one mapping per example: [0][{index!r}] (or .only[{index!r}] for a single "
                f"example), not [{index!r}]"
            )
        return super().__getitem__(index)


# --- the walkthrough ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Walkthrough:
    """One full forward pass, backward pass and update of a scenario."""

    scenario: Scenario
    sections: tuple[Section, ...]
    examples: tuple[ExampleValues, ...]  # one per example (a single one outside a batch)
    E_total: float
    gradients: Mapping[str, float]  # parameter → ∂E_total/∂parameter
    numeric_gradients: Mapping[str, float]  # parameter → central difference
    updated: Mapping[str, float]  # parameter → value after one step
    E_total_after: float
    figures: Mapping[FigureKey, float]  # every keyed number of the derivation
    comparisons: tuple[Comparison, ...] = ()
    h: float = 1e-6
    hidden_uses_updated_weights: bool = False
    #: with ``exact``: every figure (but E_total_after) in exact arithmetic, by its JSON name
    exact: Mapping[str, sp.Expr] | None = None

    @property
    def forward(self) -> PerExample:
        """The forward values, one mapping per example: ``w.forward[0]["out_h1"]``
        (``w.forward.only["out_h1"]`` for a single example)."""
        return PerExample(e.forward for e in self.examples)

    @property
    def errors(self) -> PerExample:
        """E_o1, …, E_total, one mapping per example: ``w.errors[0]["E_total"]``."""
        return PerExample(e.errors for e in self.examples)

    def __post_init__(self) -> None:
        # Immutable all the way down: the mappings are read-only views, safe to keep and share.
        for name in ("gradients", "numeric_gradients", "updated"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if not isinstance(self.figures, Figures):
            object.__setattr__(self, "figures", Figures(self.figures))

    def comparison(self, key: FigureKey) -> Comparison | None:
        return next((c for c in self.comparisons if c.key == key), None)

    def __repr__(self) -> str:
        return (
            f"<Walkthrough {self.scenario.name}: E_total {self.E_total:.9f}, "
            f"{len(self.gradients)} gradients>"
        )


class TrainingRun(NamedTuple):
    scenario: Scenario
    steps_requested: int
    steps_run: int
    learning_rate: float
    history: tuple[tuple[int, float], ...]  # (steps taken, E_total) at the checkpoints
    E_total: float
    #: The outputs after the last step, one mapping per example: ``run.outputs[0]["o1"]``,
    #: or ``run.outputs.only["o1"]`` for a single example.
    outputs: PerExample
    parameters: Mapping[str, float]  # after the last step
    stopped_early: bool
    compile_seconds: float
    hidden_uses_updated_weights: bool = False


# --- a learner's answers, graded -------------------------------------------------------------


class Status(Enum):
    """How a learner's figure is graded (the way examiners mark: an error is counted once)."""

    CORRECT = "correct"  # the true value at the precision written
    ROUNDING = "rounding"  # off only by the learner's own rounded earlier values
    CARRIED = "carried_forward"  # right from the learner's own earlier (wrong) values
    WRONG = "wrong"


class Graded(NamedTuple):
    """One figure of a learner's answers: what they gave, what it is, and why it differs."""

    name: str
    given: float
    text: str  # as written
    expected: float
    status: Status
    #: the value recomputed from the learner's own earlier figures (None: not recomputable)
    recomputed: float | None = None
    first_wrong: bool = False  # a wrong figure whose inputs were all right
    diagnosis: tuple[str, ...] = ()  # ids of the mistaken rules that give the learner's value
    explanation: str = ""


class CheckResult(NamedTuple):
    """A learner's answers file, graded figure by figure in derivation order."""

    scenario: str
    source: str  # the answers file
    figures: tuple[Graded, ...]
    missing: tuple[str, ...]  # figures of the walkthrough the learner left out

    @property
    def first_wrong(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.figures if g.first_wrong)

    @property
    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for graded in self.figures:
            counts[graded.status.value] += 1
        return {**counts, "missing": len(self.missing)}

    @property
    def passed(self) -> bool:
        return all(g.status in (Status.CORRECT, Status.ROUNDING) for g in self.figures)


# --- a scalar program, backpropagated node by node (``expr``) ----------------------------------


class LocalDerivative(NamedTuple):
    """∂node/∂input for one use of an input: its SymPy form (in the inputs' names) and value."""

    input: str
    symbolic: sp.Expr
    substitutions: Mapping[sp.Basic, float]
    value: float


class Contribution(NamedTuple):
    """One term of a node's gradient: from a user, upstream gradient × local derivative."""

    user: str
    upstream: float
    local: LocalDerivative
    value: float


class ExprNode(NamedTuple):
    name: str
    op: str  # leaf, const, +, -, *, /, neg, pow, or an operation (exp, tanh, …)
    inputs: tuple[str, ...]
    formula: sp.Expr  # the node in its inputs' names: e*c, tanh(n)
    value: float
    grad: float
    contributions: tuple[Contribution, ...]  # its gradient's terms, one per use
    given: bool  # named in the program (not a t1, t2 … of a sub-expression)


class ExpressionWalkthrough(NamedTuple):
    name: str
    program: str
    nodes: tuple[ExprNode, ...]  # in topological order (the order written)
    output: str
    shakes: tuple[Shake, ...]  # one per leaf
    nudge: float | None = None
    nudged_output: float | None = None
    #: with --exact: each node's (value, gradient) as SymPy's simplified closed forms
    exact: Mapping[str, tuple[sp.Expr, sp.Expr]] | None = None

    @property
    def by_name(self) -> dict[str, ExprNode]:
        return {n.name: n for n in self.nodes}


# --- the embedding MLP's shapes ---------------------------------------------------------------


class Tensor(NamedTuple):
    name: str
    shape: tuple[int, ...]
    formula: str
    why: str


class ShapeMismatch(NamedTuple):
    """Where the shapes stop fitting: the tensor that cannot be formed, the rule it breaks
    (SymPy's, for a product) and what would make it fit."""

    tensor: str
    formula: str
    rule: str
    fix: str


class ShapeWalkthrough(NamedTuple):
    spec: ShapesSpec
    examples: tuple[tuple[str, str], ...]  # (context, next character)
    X: tuple[tuple[int, ...], ...]
    Y: tuple[int, ...]
    row_uses: tuple[tuple[str, int], ...]  # how often each row of C is looked up
    forward: tuple[Tensor, ...]  # up to the mismatch, if there is one
    backward: tuple[Tensor, ...]  # empty where the forward pass could not be completed
    mismatch: ShapeMismatch | None = None
    numbers: ShapeNumbers | None = None  # shapes --numbers


# --- the matrix view ---------------------------------------------------------------------------


class Convention(Enum):
    """Where the examples go: ``columns`` (the textbook's z = W·a + b, W out × in) or ``rows``
    (library code's Z = X·W + b, X n × d with one example a row, W in × out)."""

    COLUMNS = "columns"
    ROWS = "rows"


class Applied(sp.MatrixExpr):
    """An activation applied to a matrix entry by entry (``derivative`` 1: its derivative):
    σ(z⁽¹⁾), σ′(z⁽¹⁾); softmax, which is not element-wise, column by column (row by row).

    A matrix expression of its own so that SymPy checks its shape in the formulas around it;
    its value is computed by the engine from the activation's record, not by SymPy."""

    def __new__(cls, activation: str | sp.Symbol, arg: sp.Basic, derivative: int = 0) -> Applied:
        made: Applied = super().__new__(
            cls, sp.Symbol(str(activation)), arg, sp.Integer(derivative)
        )
        return made

    @property
    def activation(self) -> str:
        return str(self.args[0])

    @property
    def arg(self) -> sp.Basic:
        return self.args[1]

    @property
    def derivative(self) -> int:
        return int(self.args[2])

    @property
    def shape(self) -> tuple[int, int]:
        return self.args[1].shape  # type: ignore[no-any-return]


#: The parameter named at each entry of a matrix (None: no parameter, a fixed 0).
EntryNames = tuple[tuple[str | None, ...], ...]


class MatrixStep(NamedTuple):
    """One matrix equation: ``label`` = ``symbolic`` = the same with ``substitutions`` put in
    = ``value``. ``rule`` is an element-wise step's formula for one entry (σ′(x) = …);
    ``simplified`` a form the symbolic one reduces to (softmax with the cross-entropy: a − y)."""

    kind: str  # the JSON key: W, b, z, a, dE_da, sigma_prime, jacobian, delta, dA, dW, db, link
    label: sp.MatrixExpr
    symbolic: sp.MatrixExpr
    substitutions: Mapping[sp.Basic, sp.ImmutableMatrix]
    value: sp.ImmutableMatrix
    names: EntryNames | None = None
    rule: tuple[sp.Expr, sp.Expr] | None = None  # (left, right) of the entry's formula
    simplified: sp.MatrixExpr | None = None


class MatrixLayer(NamedTuple):
    number: int  # 1 … L (layer 0 holds the inputs)
    activation: str
    forward: tuple[MatrixStep, ...]  # W, b, z, a
    backward: tuple[MatrixStep, ...]  # δ (or dA, dZ) and its factors, dW, db
    #: a bias shared by every neuron of the layer and no other: one scalar broadcast
    broadcast_bias: str | None = None


class Link(NamedTuple):
    """An entry (or, for a shared bias, the sum of entries) of a gradient matrix and the scalar
    gradient it is: entry (1, 2) of ∂E_total/∂W⁽¹⁾ is ∂E_total/∂w2."""

    parameter: str
    layer: int
    kind: str  # dW or db
    entries: tuple[tuple[int, int], ...]  # counted from 1, as the text prints them
    value: float


class MatrixForm(NamedTuple):
    """The whole derivation in one convention."""

    convention: Convention
    inputs: MatrixStep  # a⁽⁰⁾ (X in rows)
    targets: MatrixStep  # y (Y)
    layers: tuple[MatrixLayer, ...]
    links: tuple[Link, ...]
    sums: tuple[MatrixStep, ...]  # a shared bias's gradient: 1ᵀ·(the entries it feeds)

    @property
    def gradients(self) -> dict[str, float]:
        """Every parameter's gradient as the matrices give it."""
        return {link.parameter: link.value for link in self.links}


@dataclass(frozen=True)
class MatrixWalkthrough:
    scenario: Scenario
    forms: tuple[MatrixForm, ...]  # one per convention asked for, columns first
    E_total: float
    #: ``explain PARAM --view matrix``: show only what this parameter's gradient rests on
    focus: str | None = None


# --- the embedding MLP with numbers ------------------------------------------------------------

#: A tensor's numbers: a float (a scalar), or lists nested as deep as the tensor has dimensions.
Nested = Any


class NumericTensor(NamedTuple):
    """One tensor of ``shapes --numbers``: how the exercise's code computes it, the same in
    maths, why it has its shape (where a broadcast became a sum, a lookup a scatter-add), and
    every number."""

    name: str
    shape: tuple[int, ...]
    values: Nested
    code: str
    maths: str
    why: str
    keepdim: bool = False  # a 32 × 1 reduction kept as a column, to broadcast back


class TensorCheck(NamedTuple):
    """One row of the cmp table: a manual gradient against the independent computation."""

    name: str
    status: str  # exact (bit for bit), approximate (within the tolerance) or wrong
    max_difference: float
    why: str = ""  # why approximate rather than exact


class ShapeNumbers(NamedTuple):
    seed: int
    init: str  # how the parameters were drawn, in words
    parameters: tuple[NumericTensor, ...]  # C, W1, b1, W2, b2
    forward: tuple[NumericTensor, ...]  # emb … logprobs, in the exercise's order
    loss: float  # the cross-entropy step by step
    fused_loss: float  # the same from the logits in one formula
    backward: tuple[NumericTensor, ...]  # dlogprobs … dC, in the exercise's order
    fused_dlogits: NumericTensor  # (softmax − onehot(Y)) / n
    checks: tuple[TensorCheck, ...]
    tolerance: str  # what "approximate" allows, in words
    reused: tuple[str, int]  # the most-reused row of C: its character and how often
    naive_row: tuple[float, ...]  # that row of dC with dC[X] = demb (assignment)
    accumulated_row: tuple[float, ...]  # and with dC[X] += demb, row by row (accumulation)
