"""The Python API: what the command line does, as functions that return objects.

    >>> from backprop_walkthrough import walkthrough, train
    >>> w = walkthrough("mazur")          # a built-in name, a path, a mapping or a Scenario
    >>> round(w.gradients["w1"], 9)
    0.000438568
    >>> run = train("mazur", steps=10_000)
    >>> round(run.E_total, 10)
    3.51019e-05

Everything returned is immutable and safe to keep. In Jupyter a walkthrough displays itself
with typeset formulas (``_repr_html_``, MathML; ``_repr_markdown_``, LaTeX). The command line
calls these functions and nothing below them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

from . import model, options
from .errors import OptionError, OutputError, ScenarioError
from .model import ShapeWalkthrough, TrainingRun
from .scenario import Scenario, load_scenario, scenario_problems

__all__ = [
    "Matrices",
    "Walkthrough",
    "builtin_scenarios",
    "explain",
    "graph",
    "load_scenario",
    "matrices",
    "new_scenario",
    "export",
    "scenario_text",
    "shapes",
    "terminal_view",
    "train",
    "validate",
    "walkthrough",
]

ScenarioLike = str | Path | Mapping[str, Any] | Scenario

#: A text walkthrough of more parameters than this is refused (JSON has no such limit).
DEFAULT_MAX_PARAMETERS = 2_000

FORMATS = ("text", "json", "markdown", "latex", "html")


class Walkthrough(model.Walkthrough):
    """A derived walkthrough (plain data, see :mod:`.model`) with the conveniences of the API:
    ``explain()``, ``export()`` and the displays Jupyter uses."""

    def explain(self, parameter: str) -> Walkthrough:
        """Only ``parameter``'s derivation and what it rests on."""
        return explain(self, parameter)

    def export(self, output_format: str = "text", **options: Any) -> str:
        return export(self, output_format, **options)

    def to_text(self, width: int = 100, digits: int = 9, full: bool = False) -> str:
        return export(self, "text", digits=digits, full=full, width=width)

    def to_json(self) -> str:
        return export(self, "json")

    def to_markdown(self, digits: int = 9) -> str:
        return export(self, "markdown", digits=digits)

    def to_latex(self, digits: int = 9) -> str:
        return export(self, "latex", digits=digits)

    def to_html(self, digits: int = 9) -> str:
        return export(self, "html", digits=digits)

    def _repr_html_(self) -> str:
        """Jupyter: the HTML page's content, formulas as MathML."""
        from .render.html import render_html_fragment

        return render_html_fragment(self)

    def _repr_markdown_(self) -> str:
        """Jupyter front ends without HTML: Markdown with $$ LaTeX $$ formulas."""
        return self.to_markdown()


class _Displays:
    """What Jupyter shows of a result that exports itself: the HTML page's content (formulas
    as MathML), or Markdown with $$ LaTeX $$ where a front end takes no HTML."""

    __slots__ = ()

    def export(self, output_format: str = "text") -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_html_(self) -> str:
        from .render.html import html_fragment

        return html_fragment(self.export("html"))

    def _repr_markdown_(self) -> str:
        return self.export("markdown")


class Expression(model.ExpressionWalkthrough, _Displays):
    """A scalar program's walkthrough (plain data, see :mod:`.model`) with ``export()`` and the
    displays Jupyter uses."""

    __slots__ = ()

    def export(self, output_format: str = "text", digits: int = 6) -> str:
        return export(self, output_format, digits=digits)


class Matrices(model.MatrixWalkthrough, _Displays):
    """The derivation in matrix form (plain data, see :mod:`.model`) with ``export()`` and the
    displays Jupyter uses. ``gradients`` are the first convention's, parameter by name."""

    @property
    def gradients(self) -> dict[str, float]:
        return self.forms[0].gradients

    def explain(self, parameter: str) -> Matrices:
        """Only what ``parameter``'s gradient rests on."""
        from .engine.matrix import focus_on

        return _as_matrices(focus_on(self, parameter))

    def export(
        self, output_format: str = "text", *, digits: int = 9, full: bool = False, width: int = 100
    ) -> str:
        return export(self, output_format, digits=digits, full=full, width=width)


#: The conventions of the matrix view, by the names the command line takes.
CONVENTIONS = {
    "columns": (model.Convention.COLUMNS,),
    "rows": (model.Convention.ROWS,),
    "both": (model.Convention.COLUMNS, model.Convention.ROWS),
}
VIEWS = ("scalar", "matrix")


def _scenario(scenario: ScenarioLike) -> Scenario:
    return load_scenario(scenario)


def matrices(
    scenario: ScenarioLike, convention: str = "columns", *, max_work: int = options.DEFAULT_MAX_WORK
) -> Matrices:
    """The derivation in matrix form: ``convention`` columns (the textbook's, one example a
    column), rows (library code's, one example a row) or both."""
    from .engine.matrix import derive_matrix_form

    if convention not in CONVENTIONS:
        raise OptionError("--convention", f"expected one of {', '.join(CONVENTIONS)}")
    loaded = _scenario(scenario)
    check_work(loaded, max_work)
    return _as_matrices(derive_matrix_form(loaded, CONVENTIONS[convention]))


def _as_matrices(derived: model.MatrixWalkthrough) -> Matrices:
    return Matrices(**{f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)})


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

    The limits (:mod:`.options`) are checked before anything is derived: ``max_parameters``
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
    check_work(loaded, max_work)
    count = len(loaded.parameters)
    if max_parameters is not None and count > options.max_parameters(max_parameters):
        raise ScenarioError(
            loaded.source,
            f"{count:,} parameters are too many for a text walkthrough (the limit is "
            f"{max_parameters:,}); use --format json, or raise --max-parameters",
        )
    from .engine.derivation import derive  # here: the matrix view does without it

    derived = derive(loaded, h=h, hidden_uses_updated_weights=hidden_uses_updated_weights)
    if exact:  # rationals in, closed forms out (engine/exact.py says where it stops helping)
        from .engine.exact import exact_figures

        derived = dataclasses.replace(derived, exact=exact_figures(derived))
    return _as_api(derived)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def check_work(scenario: Scenario, max_work: int) -> None:
    """Refuse, before anything is built, a scenario whose parameters × examples pass the limit."""
    limit = options.max_work(max_work)
    parameters, examples = len(scenario.parameters), len(scenario.examples)
    if parameters * examples > limit:
        raise ScenarioError(
            scenario.source,
            f"{_count(parameters, 'parameter')} × {_count(examples, 'example')} = "
            f"{parameters * examples:,} "
            f"is more work than the limit of {limit:,} (--max-work); raise it to go on, or use "
            "fewer examples or a smaller network",
        )


def check_training_work(scenario: Scenario, steps: int, max_train_work: int) -> None:
    """Refuse, before the first step, a run whose steps × parameters × examples pass the limit."""
    limit = options.max_train_work(max_train_work)
    parameters, examples = len(scenario.parameters), len(scenario.examples)
    work = steps * parameters * examples
    if work > limit:
        raise ScenarioError(
            scenario.source,
            f"{_count(steps, 'step')} × {_count(parameters, 'parameter')} × "
            f"{_count(examples, 'example')} = {work:,} "
            f"is more training than the limit of {limit:,} (--max-train-work); raise it to go "
            "on, or take fewer steps",
        )


def _as_api(derived: model.Walkthrough) -> Walkthrough:
    if isinstance(derived, Walkthrough):
        return derived
    fields = {f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)}
    return Walkthrough(**fields)


def explain(source: ScenarioLike | model.Walkthrough, parameter: str) -> Walkthrough:
    """A walkthrough of ``parameter`` alone: its chain and everything it rests on."""
    from .engine.explain import explain as cut

    derived = source if isinstance(source, model.Walkthrough) else walkthrough(source)
    return _as_api(cut(derived, parameter))


def export(
    result: model.Walkthrough
    | TrainingRun
    | ShapeWalkthrough
    | model.MatrixWalkthrough
    | model.ExpressionWalkthrough
    | model.CheckResult,
    output_format: str = "text",
    *,
    digits: int = 9,
    full: bool = False,
    width: int = 100,
    log_scale: bool = True,
) -> str:
    """Any result as a document in ``output_format``.

    Walkthroughs, matrix views and expressions: text, json, markdown, latex, html. Training
    runs and checks: text, json. Shapes: text, json, markdown.
    """
    from .render.views import Settings
    from .render.views import export as write

    digits = options.digits(digits)
    width = options.whole("width", width, 20)
    return write(result, output_format, Settings(digits, full, log_scale), width)


def terminal_view(
    result: model.Walkthrough
    | TrainingRun
    | ShapeWalkthrough
    | model.MatrixWalkthrough
    | model.ExpressionWalkthrough
    | model.CheckResult,
    *,
    digits: int = 9,
    full: bool = False,
    log_scale: bool = True,
) -> Any:
    """A Rich renderable of any result, for ``Console.print`` (coloured on a terminal)."""
    from .render.views import Settings, renderable

    return renderable(result, Settings(digits, full, log_scale))


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
) -> TrainingRun:
    """Gradient descent on the compiled fast path; the run's history and final values.

    Every argument is checked as the command line checks its options (:mod:`.options`).
    """
    from .engine.training import train as run_training

    steps = options.steps(steps)
    rate = None if learning_rate is None else options.learning_rate(learning_rate)
    stop = None if stop_below is None else options.stop_below(stop_below)
    every = None if every is None else options.every(every)
    loaded = _scenario(scenario)
    check_work(loaded, max_work)
    check_training_work(loaded, steps, max_train_work)
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
    from .render.dot import draw_with_graphviz, render_dot, render_expression_dot
    from .shipped import expression_names

    if isinstance(scenario, model.ExpressionWalkthrough) or (
        isinstance(scenario, str) and scenario in expression_names()
    ):
        walked = (
            scenario if isinstance(scenario, model.ExpressionWalkthrough) else expression(scenario)
        )
        source = render_expression_dot(walked)
        return source if output_format == "dot" else draw_with_graphviz(source, output_format)
    derived = scenario if isinstance(scenario, model.Walkthrough) else walkthrough(scenario)
    source = render_dot(derived, example=example)
    return source if output_format == "dot" else draw_with_graphviz(source, output_format)


def validate(path: str | Path) -> list[ScenarioError]:
    """Every problem of an input file of any kind — network scenario, shapes spec, expression
    file, answers file — (an empty list: it is valid)."""
    return scenario_problems(path)


def file_kind(path: str | Path) -> str | None:
    """Which kind of input a file is ("network scenario", "shapes spec", "expression file",
    "answers file"), or None when it cannot be read."""
    from .scenario import file_kind as kind

    return kind(path)


def builtin_scenarios() -> dict[str, str]:
    """The built-in scenarios: name → the one line that says what each shows."""
    from .scenario import builtin_names, describe_builtin

    return {name: describe_builtin(name) for name in builtin_names()}


def scenario_text(name: str) -> str:
    """A scenario's YAML text, for copying: a built-in one, or a file that is a scenario.

    Anything else is refused (this is not a file viewer): a file must end in .yaml or .yml,
    be within the size limit, and be a YAML mapping with the keys of a scenario.
    """
    from .scenario import builtin_names, read_scenario_text, read_tree

    if name in builtin_names():
        return read_scenario_text(name)[0]
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError(
            name,
            "not a built-in scenario or a .yaml scenario file "
            f"(built-in: {', '.join(builtin_names())})",
        )
    tree, source = read_tree(name)
    keys = set(tree.value) if isinstance(tree.value, dict) else set()
    if not keys & {"layers", "kind", "words"}:
        raise ScenarioError(source, "is not a scenario file (it has no layers and no kind)")
    return read_scenario_text(name)[0]


def new_scenario(path: str | Path) -> None:
    """Write the commented template scenario to ``path`` (never over an existing file)."""
    from .outputs import write_output
    from .scenario import template_text

    if Path(path).exists() or Path(path).is_symlink():
        raise OutputError(str(path), "already exists; choose another name")
    write_output(str(path), template_text())


def shapes(
    scenario: str | Path | None = None,
    *,
    words: Sequence[str] | None = None,
    block_size: int | None = None,
    embedding_dim: int | None = None,
    hidden: int | None = None,
    w1_rows: int | None = None,
    numbers: bool = False,
    seed: int | None = None,
) -> ShapeWalkthrough:
    """The embedding MLP's shape walkthrough: a ``kind: embedding_mlp`` file (or the defaults),
    with any of its settings overridden. ``numbers``: every tensor with numbers (parameters
    drawn from ``seed``, default the scenario's ``init: {seed}``), the manual backprop of the
    lecture's exercise and its check against scalar autodiff."""
    from .engine.shapes import shape_walkthrough
    from .scenario import load_shapes_spec
    from .scenario.files import checked_shapes_spec
    from .scenario.types import ShapesSpec

    spec = ShapesSpec() if scenario is None else load_shapes_spec(scenario)
    overrides: dict[str, Any] = {
        "words": None if words is None else tuple(words),
        "block_size": block_size,
        "embedding_dim": embedding_dim,
        "hidden": hidden,
        "w1_rows": w1_rows,
        "seed": None if seed is None else options.whole("--seed", seed, 0, 2**63),
    }
    spec = spec._replace(**{k: v for k, v in overrides.items() if v is not None})
    return shape_walkthrough(checked_shapes_spec(spec), numbers=numbers)


def check(
    answers: str | Path | Mapping[str, Any],
    scenario: ScenarioLike | None = None,
    *,
    max_work: int = options.DEFAULT_MAX_WORK,
) -> model.CheckResult:
    """Grade a learner's worked figures: an answers file (``scenario:`` and ``answers:``) or a
    mapping of figure names to numbers (or arithmetic text). ``scenario`` wins over the file's
    own (default: mazur). See :mod:`.engine.check` for how each figure is judged."""
    from difflib import get_close_matches

    from .engine.check import figure_names, grade
    from .scenario.answers import Answers, read_answers
    from .scenario.arithmetic import AnswerTextError, parse_value

    if isinstance(answers, Mapping):
        values = {}
        for name, value in answers.items():
            try:
                values[str(name)] = parse_value(value)
            except AnswerTextError as exc:
                raise ScenarioError("<answers>", str(exc), f"answers.{name}") from None
        given = Answers("<answers>", None, values, {})
    else:
        given = read_answers(answers)
    chosen = scenario if scenario is not None else given.scenario or "mazur"
    try:
        derived = walkthrough(chosen, max_work=max_work)
    except ScenarioError as exc:
        if scenario is not None or given.scenario is None:
            raise
        # the answers file named it: say which file, then what is wrong with the scenario
        raise ScenarioError(given.source, str(exc), "scenario") from None
    names = figure_names(derived)
    for name in given.values:
        if name not in names:
            close = get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(
                given.source,
                f"{derived.scenario.name} has no figure {name!r}{hint} "
                "(`backprop-walkthrough check --figures` lists them)",
                f"answers.{name}",
                given.lines.get(name),
            )
    variants: list[model.Walkthrough | None] = []

    def variant() -> model.Walkthrough | None:
        """The classic slip's walkthrough, derived once and only when a diagnosis asks."""
        if not variants:
            from .engine.derivation import derive

            single = not derived.scenario.is_batch
            variants.append(
                derive(derived.scenario, hidden_uses_updated_weights=True) if single else None
            )
        return variants[0]

    graded = grade(derived, given.values, given.source, variant)
    return _explain_unnamed(derived, graded)


def _explain_unnamed(derived: model.Walkthrough, result: model.CheckResult) -> model.CheckResult:
    """A first wrong step that no known mistake explains gets its rule, in symbols and with
    the numbers put in (what ``explain`` shows for it), as its explanation."""
    from .engine.check import figure_forms
    from .render.worksheet import rule_lines

    if all(g.diagnosis or not g.first_wrong for g in result.figures):
        return result
    forms = figure_forms(derived)
    expected = {str(k): v for k, v in derived.figures.items()}
    figures = tuple(
        g._replace(explanation="; ".join(rule_lines(forms[g.name], expected)))
        if g.first_wrong and not g.diagnosis
        else g
        for g in result.figures
    )
    return result._replace(figures=figures)


def expression(
    program: str,
    values: Mapping[str, float | str] | None = None,
    *,
    name: str | None = None,
    output: str | None = None,
    nudge: float | None = None,
    h: float = 1e-6,
    exact: bool = False,
    **more: float | str,
) -> Expression:
    """Backpropagate a scalar program node by node: inline text (``"L = (a*b + c)*f"``, with
    the leaves' values as keyword arguments), a built-in (``micrograd``, ``neuron``) or a
    ``kind: expression`` file, whose values the keywords override."""
    import sympy as sp

    from .engine.expression import backpropagate, exact_number, exact_walk
    from .scenario.arithmetic import AnswerTextError, parse_value
    from .scenario.expressions import expression_spec
    from .scenario.files import parse_tree, read_scenario_text
    from .scenario.program import parse_program
    from .shipped import expression_names

    h = options.h(h)
    looks_like_file = program in expression_names() or program.endswith((".yaml", ".yml"))
    if looks_like_file:
        text, source = read_scenario_text(program)
        tree = parse_tree(text, source)
        if not isinstance(tree.value, dict) or tree.value.get("kind") != "expression":
            raise ScenarioError(source, "not an expression scenario (kind: expression)", "kind")
        spec = expression_spec(tree, source)
        parsed, leaves, title = spec.program, dict(spec.values), spec.name
        if output is not None:
            parsed = parse_program(parsed.text, source, output)
    else:
        parsed, leaves, title = parse_program(program, "<program>", output), {}, "expression"
    exact_leaves: dict[str, sp.Expr] = {k: sp.Rational(repr(v)) for k, v in leaves.items()}
    for key, value in {**(values or {}), **more}.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise OptionError(key, f"expected a number, got {value!r}")
        if isinstance(value, str):  # arithmetic text: 1/3, 6 + log(1 + sqrt(2))
            try:
                leaves[key] = parse_value(value).value
            except AnswerTextError as exc:
                raise OptionError(key, str(exc)) from None
            if exact:
                exact_leaves[key] = exact_number(parse_program(f"v = {value}", key))
        else:
            leaves[key] = float(value)
            exact_leaves[key] = (
                sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))
            )
    unknown = sorted(set(leaves) - {n.name for n in parsed.nodes if n.op == "leaf"})
    if unknown:
        raise OptionError(
            unknown[0], "is not a leaf of the program (a name it uses but never assigns)"
        )
    walked = backpropagate(parsed, leaves, name or title, h=h, nudge=nudge)
    if exact:
        walked = walked._replace(exact=exact_walk(parsed, exact_leaves))
    return Expression(*walked)
