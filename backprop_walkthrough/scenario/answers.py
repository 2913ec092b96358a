"""A learner's answers file (checked by :mod:`.validate.answers`), read within the limits of
every file the tool reads."""

from __future__ import annotations

from pathlib import Path

from .files import parse_tree, read_scenario_text
from .validate.answers import Answers, AnswersValidator

__all__ = ["Answers", "read_answers"]


def read_answers(path: str | Path) -> Answers:
    """An answers file, or a ScenarioError naming the file, the line and the field."""
    text, source = read_scenario_text(path)
    return AnswersValidator(parse_tree(text, source), source).answers()
