"""Grading a learner's worked figures (``check``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import model, options
from ..errors import ScenarioError
from .networks import ScenarioLike, walkthrough


def check(
    answers: str | Path | Mapping[str, Any],
    scenario: ScenarioLike | None = None,
    *,
    max_work: int = options.DEFAULT_MAX_WORK,
) -> model.CheckResult:
    """Grade a learner's worked figures: an answers file (``scenario:`` and ``answers:``) or a
    mapping of figure names to numbers (or arithmetic text). ``scenario`` wins over the file's
    own (default: mazur). See :mod:`..engine.grading.grade` for how each figure is judged."""
    from difflib import get_close_matches

    from ..engine.grading.grade import figure_names, grade
    from ..scenario.answers import Answers, read_answers
    from ..scenario.arithmetic import AnswerTextError, parse_value

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
            from ..engine.scalar.derivation import derive

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
    from ..engine.grading.grade import figure_forms
    from ..render.worksheet import rule_lines

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


def figure_names(
    scenario: ScenarioLike = "mazur", *, max_work: int = options.DEFAULT_MAX_WORK
) -> list[str]:
    """Every figure a learner may give for ``scenario``, in derivation order."""
    from ..engine.grading.grade import figure_names as names

    return names(walkthrough(scenario, max_work=max_work))


def check_document(results: list[model.CheckResult]) -> str:
    """A class's check results as JSON (one file: its object)."""
    from ..render.check import render_check_json

    return render_check_json(results)


def check_view(results: list[model.CheckResult]) -> Any:
    """A class's check results as a Rich renderable: each file's table, then the summary."""
    from ..render.check import check_view as view

    return view(results)
