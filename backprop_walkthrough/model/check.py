"""A learner's answers, graded (``check``, ``practice``)."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

# --- a learner's answers, graded -------------------------------------------------------------

#: The mistaken rules the diagnosis knows: id → what the learner did instead.
MISTAKES = {
    "updated_output_weights": "the hidden-layer gradients computed with the already-updated "
    "output weights (w5⁺ … instead of w5 …)",
    "missing_sum_term": "a term of the sum over the next layer left out",
    "sign_flipped": "the sign flipped: (target − out) for −(target − out), or p + η·g for p − η·g",
    "derivative_on_net": "the activation's derivative evaluated at net instead of out "
    "(net·(1 − net) for the sigmoid)",
    "activation_applied_twice": "the derivative taken at the activation of out, as if out were "
    "net (σ(out)·(1 − σ(out)) for the sigmoid): the activation applied twice",
    "missing_half": "the ½ of the squared error dropped (a factor 2)",
    "mean_instead_of_sum": "the errors averaged over the outputs where the scenario sums them "
    "(or summed where it averages them: the 1/N left out)",
    "net_instead_of_out": "the next layer fed with net instead of out (the activation forgotten)",
    "bias_not_summed": "a shared bias's gradient from one of the neurons it feeds only",
    "bias_update_rule": "a bias updated where the scenario keeps it fixed, or the reverse",
    "no_learning_rate": "the update p − g, without the learning rate η",
    "other_labelling": "the weights read in the other common labelling (numbered by the neuron "
    "they leave instead of the one they enter, or the reverse)",
}


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
    #: one explanation fits (False: several do, each probable)
    certain: bool = True
    #: the figures the diagnosed mistakes were made in (the figure itself, or an unwritten
    #: figure before it)
    where: tuple[str, ...] = ()
    note: str = ""  # truncated: 0.59 is 0.596884… cut; rounded, it is 0.60


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
    def blank(self) -> bool:
        """No figure given: an untouched worksheet."""
        return not self.figures

    @property
    def mistakes(self) -> dict[str, int]:
        """The mistakes named in the wrong figures, by kind (``not named`` where none was)."""
        counts: dict[str, int] = {}
        for graded in self.figures:
            if graded.status is Status.WRONG:
                for mistake in graded.diagnosis or ("not named",):
                    counts[mistake] = counts.get(mistake, 0) + 1
        return counts

    @property
    def passed(self) -> bool:
        """Something given, and every figure given right (a blank sheet does not pass)."""
        right = (Status.CORRECT, Status.ROUNDING)
        return bool(self.figures) and all(g.status in right for g in self.figures)


class FileProblem(NamedTuple):
    """An answers file that could not be graded, with every problem found in it."""

    source: str
    problems: tuple[tuple[int | None, str, str], ...]  # (line, field, message), in file order


class ClassCheck(NamedTuple):
    """A class's answers files: each graded, or set aside with its problems."""

    files: tuple[CheckResult | FileProblem, ...]

    @property
    def graded(self) -> tuple[CheckResult, ...]:
        return tuple(f for f in self.files if isinstance(f, CheckResult))

    @property
    def problems(self) -> tuple[FileProblem, ...]:
        return tuple(f for f in self.files if isinstance(f, FileProblem))

    @property
    def passed(self) -> bool:
        return not self.problems and all(r.passed for r in self.graded)

    @property
    def mistakes(self) -> dict[str, int]:
        """The mistakes named across the class, by kind, the most frequent first."""
        counts: dict[str, int] = {}
        for result in self.graded:
            for mistake, count in result.mistakes.items():
                counts[mistake] = counts.get(mistake, 0) + count
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def first_wrong(self) -> dict[str, int]:
        """How many files went first wrong at each figure, the most frequent first."""
        counts: dict[str, int] = {}
        for result in self.graded:
            for name in result.first_wrong:
                counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def summary(self) -> dict[str, object]:
        figures = {status.value: 0 for status in Status} | {"missing": 0}
        for result in self.graded:
            for kind, count in result.summary.items():
                figures[kind] += count
        return {
            "files": len(self.files),
            "graded": len(self.graded),
            "not_graded": len(self.problems),
            "passed": sum(r.passed for r in self.graded),
            "blank": sum(r.blank for r in self.graded),
            "figures": figures,
            "mistakes": self.mistakes,
            "first_wrong": self.first_wrong,
        }
