"""A learner's answers file, on the shared checker: which scenario, and the figures worked out.

    scenario: mazur            # optional: a built-in name or a path (the command line wins)
    answers:
      net_h1: 0.3775
      out_h1: 0.5933*(1-0.5933)   # or a short arithmetic expression
      dE_total/dw5: 0.0822

Every value goes through the safe arithmetic parser (:mod:`..arithmetic`). A duplicate figure is
refused, as a duplicate key is in every file the tool reads. Figure names are checked against
the walkthrough later, by the grader, which knows them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..arithmetic import AnswerTextError, Typed, parse_value
from .checker import Checker, Skip

KEYS = ("scenario", "answers")


class Answers(NamedTuple):
    source: str
    scenario: str | dict[str, Any] | None  # a name, a path, or a scenario written out
    values: dict[str, Typed]
    lines: dict[str, int]  # figure name → its line in the file


def is_answers(root: Any) -> bool:
    """An answers file is known by its ``answers:`` key (a scenario never has one)."""
    return isinstance(root, dict) and "answers" in root


class AnswersValidator(Checker):
    """Every problem of an answers file at once, each with its line."""

    partial: Answers | None = None
    names: dict[str, int | None] = {}

    def answers(self) -> Answers:
        answers: Answers = self.result()
        return answers

    def build(self) -> Answers:
        root = self.mapping(self.tree.value, (), "a mapping with 'answers:' (and 'scenario:')")
        self.attempt(self.keys, root, (), KEYS, ("answers",))
        scenario = root.get("scenario")
        if scenario is not None:
            scenario = self.attempt(self.scenario, scenario)
        given = self.attempt(
            self.mapping, root.get("answers"), ("answers",), "a mapping of figure names to numbers"
        )
        values: dict[str, Typed] = {}
        lines: dict[str, int] = {}
        for name, value in (given or {}).items():
            path = ("answers", str(name))
            line = self.tree.line(path)
            if value is None:  # a blank of a worksheet: not answered, not graded
                continue
            typed = self.attempt(self.value, value, path)
            if typed is not None:
                values[str(name)] = typed
                if line is not None:
                    lines[str(name)] = line
        # what could be read, for a caller that reports every problem (the names are checked
        # against the scenario later, the badly written ones too)
        self.partial = Answers(self.source, scenario, values, lines)
        self.names = {str(n): self.tree.line(("answers", str(n))) for n in given or {}}
        if self.problems:
            raise Skip
        return self.partial

    def scenario(self, value: Any) -> str | dict[str, Any]:
        if isinstance(value, dict):
            return value
        return self.text(value, ("scenario",))

    def value(self, value: Any, path: tuple[str, ...]) -> Typed:
        try:
            return parse_value(value)
        except AnswerTextError as exc:
            raise self.fail(path, str(exc)) from None
