"""Networks: one step in scalar or matrix form, one parameter's chain, training, the graph."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from .. import model, options
from ..errors import OptionError, OutputError, ScenarioError
from ..model import TrainingRun
from ..scenario import Scenario, load_scenario
from .results import Walkthrough, as_api

if TYPE_CHECKING:
    from .matrix_results import Matrices

ScenarioLike = str | Path | Mapping[str, Any] | Scenario


#: The conventions of the matrix view (:class:`..model.Convention`'s values), by the names the
#: command line takes.
CONVENTIONS = {"columns": ("columns",), "rows": ("rows",), "both": ("columns", "rows")}
VIEWS = ("scalar", "matrix")


def _scenario(scenario: ScenarioLike) -> Scenario:
    return load_scenario(scenario)


def matrices(
    scenario: ScenarioLike, convention: str = "columns", *, max_work: int = options.DEFAULT_MAX_WORK
) -> Matrices:
    """The derivation in matrix form: ``convention`` columns (the textbook's, one example a
    column), rows (library code's, one example a row) or both."""
    from ..engine.matrix import derive_matrix_form
    from .matrix_results import as_matrices

    if convention not in CONVENTIONS:
        raise OptionError("--convention", f"expected one of {', '.join(CONVENTIONS)}")
    loaded = _scenario(scenario)
    options.check_work(loaded, max_work)
    conventions = tuple(model.Convention(c) for c in CONVENTIONS[convention])
    return as_matrices(derive_matrix_form(loaded, conventions))


@overload
def walkthrough(
    scenario: ScenarioLike,
    *,
    h: float = ...,
    hidden_uses_updated_weights: bool = ...,
    max_parameters: int | None = ...,
    max_work: int = ...,
    exact: bool = ...,
    view: Literal["scalar"] = ...,
    convention: str = ...,
) -> Walkthrough: ...


@overload
def walkthrough(
    scenario: ScenarioLike,
    *,
    h: float = ...,
    hidden_uses_updated_weights: bool = ...,
    max_parameters: int | None = ...,
    max_work: int = ...,
    exact: bool = ...,
    view: Literal["matrix"],
    convention: str = ...,
) -> Matrices: ...


def walkthrough(
    scenario: ScenarioLike,
    *,
    h: float = 1e-6,
    hidden_uses_updated_weights: bool = False,
    max_parameters: int | None = None,
    max_work: int = options.DEFAULT_MAX_WORK,
    exact: bool = False,
    view: str = "scalar",
    convention: str = "columns",
) -> Walkthrough | Matrices:
    """One step of backpropagation for a built-in name, a YAML path, a mapping or a Scenario.

    The limits (:mod:`..options`) are checked before anything is derived: ``max_parameters``
    (the command line sets it for text output, where thousands of parameters are unreadable)
    and ``max_work``, parameters × examples. ``view="matrix"`` gives the same step in matrix
    form (:func:`matrices`, in ``convention``).
    """
    if view not in VIEWS:
        raise OptionError("--view", f"expected one of {', '.join(VIEWS)}")
    if view == "matrix":
        if exact or hidden_uses_updated_weights:
            option = "--exact" if exact else "--hidden-uses-updated-weights"
            raise OptionError(option, "belongs to the scalar view (not --view matrix)")
        return matrices(scenario, convention, max_work=max_work)
    h = options.h(h)
    loaded = _scenario(scenario)
    options.check_work(loaded, max_work)
    if exact:
        options.check_exact_work(loaded)
    count = len(loaded.parameters)
    if max_parameters is not None and count > options.max_parameters(max_parameters):
        raise ScenarioError(
            loaded.source,
            f"{count:,} parameters are too many for a text walkthrough (the limit is "
            f"{max_parameters:,}); use --format json, or raise --max-parameters",
        )
    from ..engine.scalar.derivation import derive  # here: the matrix view does without it

    derived = derive(loaded, h=h, hidden_uses_updated_weights=hidden_uses_updated_weights)
    if exact:  # rationals in, closed forms out (engine/scalar/exact.py says where it stops helping)
        from ..engine.scalar.exact import exact_figures

        hint = "exact closed forms grow with every smooth layer; drop --exact"
        with options.time_budget(options.EXACT_SECONDS, "--exact", hint):
            derived = dataclasses.replace(derived, exact=exact_figures(derived))
    return as_api(derived)


def explain(source: ScenarioLike | model.Walkthrough, parameter: str) -> Walkthrough:
    """A walkthrough of ``parameter`` alone: its chain and everything it rests on."""
    from ..engine.scalar.explain import explain as cut

    derived = source if isinstance(source, model.Walkthrough) else walkthrough(source)
    return as_api(cut(derived, parameter))


def train(
    scenario: ScenarioLike,
    steps: int = 10_000,
    *,
    learning_rate: float | None = None,
    stop_below: float | None = None,
    every: int | None = None,
    hidden_uses_updated_weights: bool = False,
    progress: Callable[[int], None] | None = None,
    max_checkpoints: int = options.DEFAULT_MAX_CHECKPOINTS,
    max_work: int = options.DEFAULT_MAX_WORK,
    max_train_work: int = options.DEFAULT_MAX_TRAIN_WORK,
    cache: bool = True,
) -> TrainingRun:
    """Gradient descent on the compiled fast path; the run's history and final values.

    Every argument is checked as the command line checks its options (:mod:`..options`).
    ``cache``: read and keep the compiled step in the step cache (where, and how to turn it off
    for good: :mod:`..engine.step_cache`); False compiles afresh and writes nothing.
    """
    from ..engine.step_cache import cache_directory
    from ..engine.training import train as run_training

    steps = options.steps(steps)
    rate = None if learning_rate is None else options.learning_rate(learning_rate)
    stop = None if stop_below is None else options.stop_below(stop_below)
    every = None if every is None else options.every(every)
    loaded = _scenario(scenario)
    options.check_work(loaded, max_work)
    options.check_training_work(loaded, steps, max_train_work)
    if hidden_uses_updated_weights and loaded.is_batch:
        raise ScenarioError(
            loaded.source,
            "--hidden-uses-updated-weights needs a single-example scenario (this one is a batch)",
        )
    return run_training(
        loaded,
        steps,
        learning_rate=rate,
        stop_below=stop,
        every=every,
        hidden_uses_updated_weights=hidden_uses_updated_weights,
        progress=progress,
        max_checkpoints=options.max_checkpoints(max_checkpoints),
        cache=cache_directory() if cache else None,
    )


GRAPH_FORMATS = {
    "": "dot",
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
}


def graph_format(output: str | None) -> str:
    """The graph format an output file name asks for: dot, or a picture Graphviz draws."""
    if output is None:
        return "dot"
    suffix = Path(output).suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise OutputError(output, f"cannot draw a {suffix} file (use .dot, .svg, .png or .pdf)")
    return GRAPH_FORMATS[suffix]


def graph(
    scenario: ScenarioLike | model.Walkthrough | model.ExpressionWalkthrough,
    output_format: str = "dot",
    example: int | None = None,
) -> str | bytes:
    """The computation graph as Graphviz DOT (text), or drawn by Graphviz as svg, png or pdf.

    A batch is drawn one cluster per example; ``example`` (counted from 1) draws that
    example alone, with its own part of each gradient."""
    from ..render.dot import draw_with_graphviz, render_dot, render_expression_dot
    from ..shipped import expression_names
    from .expressions import expression as _expression

    if isinstance(scenario, model.ExpressionWalkthrough) or (
        isinstance(scenario, str) and scenario in expression_names()
    ):
        walked = (
            scenario if isinstance(scenario, model.ExpressionWalkthrough) else _expression(scenario)
        )
        source = render_expression_dot(walked)
        return source if output_format == "dot" else draw_with_graphviz(source, output_format)
    derived = scenario if isinstance(scenario, model.Walkthrough) else walkthrough(scenario)
    source = render_dot(derived, example=example)
    return source if output_format == "dot" else draw_with_graphviz(source, output_format)
