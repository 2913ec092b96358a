"""The derivation as plain data: sections → steps → terms. No formatting lives here.

Every renderer (terminal, JSON, …) reads only these objects, dispatching on the step type, so a
new output format never touches the engine. Formulas are SymPy expressions; each :class:`Term`
carries its symbolic form, the numbers put into it (its substituted form is that expression
printed with those numbers) and its value at full float precision.

``example`` is set (1, 2, …) on the steps of a batch, where each example has its own numbers.
``neuron`` names the neuron a step belongs to, so that a renderer may show one neuron of a big
layer in full and summarise the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import sympy as sp

from .scenario.types import Scenario


@dataclass(frozen=True)
class Term:
    """``label = expr`` evaluated: e.g. ∂out_o1/∂net_o1 = out_o1·(1 − out_o1) = 0.186815602."""

    label: sp.Expr  # a Symbol (net_h1) or an unevaluated Derivative (∂net_o1/∂w5)
    expr: sp.Expr  # the symbolic form, as SymPy derived it
    substitutions: Mapping[sp.Basic, float]  # leaf of expr → the number put in its place
    value: float
    key: str  # a stable name for the figure: "net_h1", "dout_o1/dnet_o1", …
    reference: bool = False  # expr is an earlier result used by its name
    example: int | None = None
    neuron: str | None = None


@dataclass(frozen=True)
class Chain:
    """A chain-rule product: label = factor × factor × …"""

    label: sp.Derivative
    factors: tuple[Term, ...]
    value: float
    key: str
    via: str | None = None  # for one term of a sum: the neuron this path goes through
    example: int | None = None


@dataclass(frozen=True)
class Sum:
    """A derivative that adds one term per path (or per example): ∂E_total/∂out_h1 = … + …"""

    label: sp.Derivative
    terms: tuple[Chain | Sum, ...]
    value: float
    key: str
    example: int | None = None
    simplified: tuple[Term, ...] = ()  # simpler forms SymPy finds for the sum, in order


@dataclass(frozen=True)
class Shake:
    """The numerical check (E(p+h) − E(p−h)) / 2h beside a symbolic derivative."""

    wrt: str
    h: float
    plus: float  # E_total with the quantity nudged up by h
    minus: float
    symbolic: float

    @property
    def numeric(self) -> float:
        return (self.plus - self.minus) / (2 * self.h)

    @property
    def difference(self) -> float:
        return self.symbolic - self.numeric

    @property
    def agrees(self) -> bool:
        """Within what a central difference can resolve: O(h²) plus rounding ~1e-16/h.

        The h² term is scaled by the size of E_total, a stand-in for its third derivative.
        """
        scale = max(1.0, abs(self.symbolic), abs(self.plus))
        tolerance = 10 * self.h**2 * scale + 1e-13 * (1 + abs(self.plus)) / self.h
        return abs(self.difference) <= tolerance


@dataclass(frozen=True)
class Gradient:
    """∂E_total/∂(parameter, out or net), its derivation and its shake check."""

    wrt: str
    derivation: Chain | Sum
    shake: Shake | None = None
    example: int | None = None
    neuron: str | None = None


@dataclass(frozen=True)
class Update:
    """parameter⁺ = parameter − η·∂E_total/∂parameter (or kept, when not updated)."""

    parameter: str
    old: float
    gradient: float
    learning_rate: float
    new: float
    applied: bool


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Comparison:
    """A figure printed by the scenario's source next to what the engine computed."""

    key: str
    published: float
    decimals: int
    computed: float
    why: str = ""

    @property
    def agrees(self) -> bool:
        return round(self.computed, self.decimals) == round(self.published, self.decimals)


@dataclass(frozen=True)
class Overview:
    """The network itself: the renderer reads the scenario's layers, parameters and data."""

    scenario: Scenario
    # (name, σ(x), 1/(1 + e^−x)) for each activation the network uses
    activations: tuple[tuple[str, sp.Expr, sp.Expr], ...]


Step = Overview | Term | Chain | Sum | Gradient | Update | Note | Comparison


@dataclass(frozen=True)
class Section:
    kind: str  # network, forward, error, gradients, biases, update, published
    title: str
    steps: tuple[Step, ...]
    intro: str = ""


@dataclass(frozen=True)
class Walkthrough:
    """One full forward pass, backward pass and update of a scenario."""

    scenario: Scenario
    sections: tuple[Section, ...]
    example_forward: tuple[Mapping[str, float], ...]  # per example: net_h1, out_h1, …
    example_errors: tuple[Mapping[str, float], ...]  # per example: E_o1, …, E_total
    E_total: float  # noqa: N815 - summed over the examples
    gradients: Mapping[str, float]  # parameter → ∂E_total/∂parameter
    numeric_gradients: Mapping[str, float]  # parameter → central difference
    updated: Mapping[str, float]  # parameter → value after one step
    E_total_after: float  # noqa: N815 - the name learners know
    figures: Mapping[str, float]  # every keyed number of the derivation
    comparisons: tuple[Comparison, ...] = ()
    h: float = 1e-6
    hidden_uses_updated_weights: bool = False

    @property
    def forward(self) -> Mapping[str, float] | tuple[Mapping[str, float], ...]:
        """The forward values: one mapping, or one per example for a batch (as in the JSON)."""
        return self.example_forward if self.scenario.is_batch else self.example_forward[0]

    @property
    def errors(self) -> Mapping[str, float] | tuple[Mapping[str, float], ...]:
        return self.example_errors if self.scenario.is_batch else self.example_errors[0]

    def __post_init__(self) -> None:
        # Immutable all the way down: the mappings are read-only views, safe to keep and share.
        for name in ("gradients", "numeric_gradients", "updated", "figures"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        for name in ("example_forward", "example_errors"):
            views = tuple(MappingProxyType(dict(m)) for m in getattr(self, name))
            object.__setattr__(self, name, views)

    def comparison(self, key: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.key == key), None)

    def __repr__(self) -> str:
        return (
            f"<Walkthrough {self.scenario.name}: E_total {self.E_total:.9f}, "
            f"{len(self.gradients)} gradients>"
        )


@dataclass(frozen=True)
class TrainingRun:
    scenario: Scenario
    steps_requested: int
    steps_run: int
    learning_rate: float
    history: tuple[tuple[int, float], ...]  # (steps taken, E_total) at the checkpoints
    E_total: float  # noqa: N815 - after the last step
    outputs: tuple[Mapping[str, float], ...]  # per example, after the last step
    parameters: Mapping[str, float]  # after the last step
    stopped_early: bool
    compile_seconds: float
    hidden_uses_updated_weights: bool = False
