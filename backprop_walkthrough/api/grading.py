"""Grading a learner's worked figures (``check``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import model, options
from ..errors import ScenarioError
from .networks import ScenarioLike, walkthrough


class _Derived:
    """Each scenario a class's files name, derived once (and its classic slip's variant, once,
    when a diagnosis asks): a class of thirty files naming one scenario derives it once."""

    def __init__(self, max_work: int) -> None:
        self.max_work = max_work
        self.walkthroughs: dict[Any, model.Walkthrough] = {}
        self.variants: dict[Any, model.Walkthrough | None] = {}

    @staticmethod
    def key(scenario: ScenarioLike) -> Any:
        if isinstance(scenario, Mapping):
            return ("mapping", json.dumps(scenario, sort_keys=True, default=str))
        if isinstance(scenario, str | Path):
            from ..shipped import builtin_names

            if str(scenario) in builtin_names():
                return ("built-in", str(scenario))
            try:
                found = Path(scenario).stat()
            except OSError:
                return ("path", str(scenario))  # reading it will say what is wrong
            return ("file", found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
        return ("object", id(scenario))

    def walkthrough(self, scenario: ScenarioLike) -> model.Walkthrough:
        key = self.key(scenario)
        if key not in self.walkthroughs:
            self.walkthroughs[key] = walkthrough(scenario, max_work=self.max_work)
        return self.walkthroughs[key]

    def variant(self, derived: model.Walkthrough) -> model.Walkthrough | None:
        if id(derived) not in self.variants:
            self.variants[id(derived)] = classic_slip(derived)
        return self.variants[id(derived)]


def classic_slip(derived: model.Walkthrough) -> model.Walkthrough | None:
    """The same scenario derived with the classic slip (the updated output weights in the
    hidden layer), whose figures name the mistake ``updated_output_weights``; None for a
    batch."""
    from ..engine.scalar.derivation import derive

    if derived.scenario.is_batch:
        return None
    return derive(derived.scenario, hidden_uses_updated_weights=True)


def check_files(
    paths: Sequence[str | Path],
    scenario: ScenarioLike | None = None,
    *,
    max_work: int = options.DEFAULT_MAX_WORK,
) -> model.ClassCheck:
    """Grade a class's answers files, deriving each distinct scenario they name once. A file
    with problems (a typo in a figure's name, a number that is not one, a scenario that does
    not exist) is set aside with all of them, and the others are graded."""
    derived = _Derived(max_work)
    files: list[model.CheckResult | model.FileProblem] = []
    for path in paths:
        try:
            files.append(check(path, scenario, max_work=max_work, _derived=derived))
        except _FileProblemsError as found:
            files.append(_file_problem(str(path), found.problems))
        except ScenarioError as exc:
            files.append(_file_problem(str(path), [exc]))
    return model.ClassCheck(tuple(files))


class _FileProblemsError(ScenarioError):
    """Every problem of one answers file (raised as its first)."""

    def __init__(self, problems: Sequence[ScenarioError]) -> None:
        first = problems[0]
        super().__init__(first.source, first.message, first.field, first.line)
        self.problems = list(problems)


def _file_problem(path: str, problems: Sequence[ScenarioError]) -> model.FileProblem:
    return model.FileProblem(path, tuple((p.line, p.field, p.message) for p in problems))


def _read(answers: str | Path) -> tuple[Any, list[ScenarioError], dict[str, int | None]]:
    """An answers file as far as it can be read, its problems, and every figure name it
    gives with its line (the badly written ones too)."""
    from ..scenario.files import parse_tree, read_scenario_text
    from ..scenario.validate.answers import AnswersValidator

    text, source = read_scenario_text(answers)
    checker = AnswersValidator(parse_tree(text, source), source)
    given = checker.run()
    if checker.problems:
        return checker.partial, list(checker.problems), dict(checker.names)
    return given, [], dict(checker.names)


def answers_problems(
    path: str | Path, *, max_work: int = options.DEFAULT_MAX_WORK
) -> list[ScenarioError]:
    """Every problem of an answers file, its figure names checked against its scenario (an
    empty list: it can be graded)."""
    try:
        check(path, max_work=max_work, _grade=False)
    except _FileProblemsError as found:
        return found.problems
    except ScenarioError as exc:
        return [exc]
    return []


def check(
    answers: str | Path | Mapping[str, Any],
    scenario: ScenarioLike | None = None,
    *,
    max_work: int = options.DEFAULT_MAX_WORK,
    _derived: _Derived | None = None,
    _grade: bool = True,
) -> model.CheckResult:
    """Grade a learner's worked figures: an answers file (``scenario:`` and ``answers:``) or a
    mapping of figure names to numbers (or arithmetic text). ``scenario`` wins over the file's
    own (default: mazur). See :mod:`..engine.grading.grade` for how each figure is judged.
    A file with problems raises the first (:func:`check_files` reports them all)."""
    from difflib import get_close_matches

    from ..engine.grading.grade import figure_names, grade
    from ..scenario.answers import Answers
    from ..scenario.arithmetic import AnswerTextError, parse_value

    problems: list[ScenarioError] = []
    if isinstance(answers, Mapping):
        values = {}
        for name, value in answers.items():
            try:
                values[str(name)] = parse_value(value)
            except AnswerTextError as exc:
                raise ScenarioError("<answers>", str(exc), f"answers.{name}") from None
        given = Answers("<answers>", None, values, {})
        named: dict[str, int | None] = dict.fromkeys(values)
    else:
        given, problems, named = _read(answers)
        if given is None:  # not an answers file at all: nothing more to say
            raise _FileProblemsError(problems)
    chosen = scenario if scenario is not None else given.scenario or "mazur"
    cache = _derived or _Derived(max_work)
    try:
        derived = cache.walkthrough(chosen)
    except ScenarioError as exc:
        if scenario is not None or given.scenario is None:
            raise
        # the answers file named it: say which file, then what is wrong with the scenario
        problems.append(ScenarioError(given.source, str(exc), "scenario"))
        raise _FileProblemsError(problems) from None
    names = figure_names(derived)
    noted = {p.field for p in problems}  # one problem a figure: a bad number is said already
    for name, line in named.items():
        if name not in names and f"answers.{name}" not in noted:
            close = get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                ScenarioError(
                    given.source,
                    f"{derived.scenario.name} has no figure {name!r}{hint} "
                    "(`backprop-walkthrough check --figures` lists them)",
                    f"answers.{name}",
                    line,
                )
            )
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise _FileProblemsError(problems)
    if not _grade:
        return model.CheckResult(derived.scenario.name, given.source, (), ())
    graded = grade(derived, given.values, given.source, lambda: cache.variant(derived))
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


def check_document(results: model.ClassCheck) -> str:
    """A class's check results as JSON, one shape for any number of files:
    ``{"files": [...], "summary": {...}}``."""
    from ..render.check import render_check_json

    return render_check_json(results)


def check_view(results: model.ClassCheck, *, summary_only: bool = False) -> Any:
    """A class's check results as a Rich renderable: each file's table, then (for several
    files, or with ``summary_only`` alone) the class's summary."""
    from ..render.check import check_view as view

    return view(results, summary_only=summary_only)
