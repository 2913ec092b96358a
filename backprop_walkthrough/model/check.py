"""A learner's answers, graded (``check``, ``practice``)."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

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
