"""A learner's answers file: which scenario, and the figures they worked out.

    scenario: mazur            # optional: a built-in name or a path (the command line wins)
    answers:
      net_h1: 0.3775
      out_h1: 0.5933*(1-0.5933)   # or a short arithmetic expression
      dE_total/dw5: 0.0822

Read with the scenario files' limits and YAML rules; every value goes through the safe
arithmetic parser (:mod:`.arithmetic`). Figure names are checked against the walkthrough
later, by the grader, which knows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ScenarioError
from .arithmetic import AnswerTextError, Typed, parse_value
from .files import parse_tree, read_scenario_text

_KEYS = ("scenario", "answers")


class Answers(NamedTuple):
    source: str
    scenario: str | dict[str, Any] | None  # a name, a path, or a scenario written out
    values: dict[str, Typed]
    lines: dict[str, int]  # figure name → its line in the file


def read_answers(path: str | Path) -> Answers:
    """An answers file, or a ScenarioError naming the file, the line and the field."""
    text, source = read_scenario_text(path)
    tree = parse_tree(text, source)
    root = tree.value
    if not isinstance(root, dict):
        raise ScenarioError(
            source, "an answers file is a mapping with 'answers:' (and 'scenario:')"
        )
    for key in root:
        if key not in _KEYS:
            raise ScenarioError(
                source,
                f"unknown key {key!r} (an answers file has scenario and answers)",
                key,
                tree.line((key,)),
            )
    scenario = root.get("scenario")
    if scenario is not None and not isinstance(scenario, str | dict):
        raise ScenarioError(
            source,
            "expected a scenario's name or path, or a scenario written out",
            "scenario",
            tree.line(("scenario",)),
        )
    given = root.get("answers")
    if not isinstance(given, dict):
        raise ScenarioError(
            source,
            "expected a mapping of figure names to numbers",
            "answers",
            tree.line(("answers",)),
        )
    values: dict[str, Typed] = {}
    lines: dict[str, int] = {}
    for name, value in given.items():
        line = tree.line(("answers", name))
        if value is None:  # a blank of a worksheet: not answered, not graded
            continue
        try:
            values[str(name)] = parse_value(value)
        except AnswerTextError as exc:
            raise ScenarioError(source, str(exc), f"answers.{name}", line) from None
        if line is not None:
            lines[str(name)] = line
    return Answers(source, scenario, values, lines)
