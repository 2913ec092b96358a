"""A network's derivation as plain data: figure keys, sections → steps → terms, and the
walkthrough. No formatting, no prose lives here.

The layout (:mod:`..render.layout`) reads only these objects, dispatching on the step type, and
the JSON and DOT writers read their values, so a new output format never touches the engine.
Formulas are SymPy expressions; each :class:`Term` carries its symbolic form, the numbers put
into it (its substituted form is that expression printed with those numbers) and its value at
full float precision.

``example`` is set (1, 2, …) on the steps of a batch, where each example has its own numbers.
``neuron`` names the neuron a step belongs to, so that the layout may show one neuron of a big
layer in full and summarise the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..lazy import lazy_import
from ..scenario.types import Scenario
from .shake import Shake

if TYPE_CHECKING:
    import sympy as sp
else:  # loaded on first use (lazy.py)
    sp = lazy_import("sympy")

T = TypeVar("T")

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


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def path_tag(step: Chain | Sum) -> str:
    """What tells one term of a sum from the others: its path (``via h1``) and its example."""
    parts = []
    if isinstance(step, Chain) and step.via:
        parts.append(f"via {step.via}")
    if step.example is not None:
        parts.append(f"example {step.example}")
    return ", ".join(parts)


class StepVisitor:
    """The one dispatch on step types: ``visit(step, …)`` calls ``visit_<type>(step, …)``
    (``visit_term``, ``visit_gradient``, ``visit_chain``…), as SymPy's printers call
    ``_print_<Class>``. A step type without a method is passed over, or — where every type
    must be handled (``strict``, the layout) — refused. The layout, grading's recipes, exact
    arithmetic, explain and the JSON writer walk the steps this way."""

    strict = False

    def visit(self, step: Step, *args: Any) -> Any:
        method = getattr(self, f"visit_{_snake(type(step).__name__)}", None)
        if method is None:
            if self.strict:
                raise TypeError(f"{type(self).__name__} handles no {type(step).__name__}")
            return None
        return method(step, *args)


def steps_of(sections: Iterable[Section], kind: type[T]) -> Iterator[T]:
    """Every step of one type, in the order of the sections."""
    for section in sections:
        for step in section.steps:
            if isinstance(step, kind):
                yield step


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
    #: "scalar" (the compiled program of single statements) or "vectorised" (NumPy layers)
    path: str = "scalar"
    #: The scalar step was read from the compiled-step cache (compile_seconds: the reading).
    step_from_cache: bool = False
