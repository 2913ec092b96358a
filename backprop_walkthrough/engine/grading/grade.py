"""Grade a learner's worked numbers against a walkthrough, the way an examiner marks.

Figures are judged in derivation order (their recipes: :mod:`.recipes`), each at the precision
the learner wrote (:class:`~...scenario.arithmetic.Typed`):

* **correct** — the true value, rounded as the learner rounded;
* **rounding** — off, but right when recomputed from the learner's own earlier (rounded)
  values, or the true value *truncated* (cut, not rounded) at the digits written: 0.59 for
  0.596884 (a note says so);
* **carried_forward** — right from the learner's earlier values, one of which was wrong: the
  mistake was made before, and is counted there;
* **wrong** — neither. A wrong figure whose inputs were all right is the *first wrong step*.

A wrong figure gets a *diagnosis*: the known mistaken rules (:data:`...model.MISTAKES`) that
give the learner's value, tried on their own earlier values — first the figure's own slips,
then (where the figures its rule needs were not given: homework often asks for the gradients
and the updates only) a slip in any figure before it that the learner did not write, carried
to this one, then two slips in one figure (a sign and a lost ½). Exactly one explanation is
named; where several fit, each is given as probable. A wrong figure after a carried one is
diagnosed the same way, from the learner's own values: a second, independent mistake.

A figure the learner left out takes the value its recipe gives from their earlier figures, so
that a chain checked without its factors is still judged on what the learner carried.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

import sympy as sp

from ... import options
from ...model import (
    E_TOTAL_AFTER_KEY,
    MISTAKES,
    CheckResult,
    FigureKey,
    Graded,
    Status,
    Walkthrough,
)
from ...scenario.arithmetic import Typed
from .program import Tree, View
from .recipes import Form, Recipe, Recipes, Slip

__all__ = [
    "MISTAKES",
    "figure_forms",
    "figure_names",
    "figures_shown",
    "grade",
    "matches",
    "truncates",
]

#: Float slack on top of the learner's half unit: values are doubles.
RELATIVE_SLACK = 1e-12
#: The coarsest figure (half a unit over its size: 5e-3 is three significant digits) whose
#: mistake is looked for in the figures before it that the learner did not write.
DIAGNOSIS_PRECISION = 5e-3

#: The recipes of the last few walkthroughs graded, newest last (a walkthrough is frozen but
#: not hashable; few, because the recipes keep their walkthrough alive).
_RECIPES: list[Recipes] = []


def recipes_of(w: Walkthrough) -> Recipes:
    """The recipes of ``w``, built once (a class of thirty files grades one walkthrough)."""
    for found in _RECIPES:
        if found.w is w:
            return found
    found = Recipes(w)
    _RECIPES[:] = [*_RECIPES[-3:], found]
    return found


def _significant(text: str) -> int:
    """The significant digits of a number as written (0.019049119 → 8); 0 for arithmetic."""
    mantissa = text.strip().lstrip("+-−").split("e")[0].split("E")[0]
    if not mantissa.replace(".", "", 1).isdigit():
        return 0
    return len(mantissa.replace(".", "").lstrip("0"))


def _slack(value: float) -> float:
    return RELATIVE_SLACK * abs(value) + 4 * math.ulp(value)


def matches(given: Typed, value: float | None, units: float = 1.0, spread: float = 0.0) -> bool:
    """Does the learner's number equal ``value`` at the precision they wrote (within
    ``units`` half-units of their last digit)? Two half-units, a whole unit, is what rounding
    an earlier figure first does (−0.0190491185 → −0.019049119 where the truth is
    −0.01904911826): that is graded rounding, not a mistake, for a number of four or more
    significant digits (0.5 for 0.5969 is a mistake)."""
    if value is None or not math.isfinite(value):
        return False
    return abs(given.value - value) <= units * given.half_unit + spread + _slack(value)


def truncates(given: Typed, value: float | None, spread: float = 0.0) -> bool:
    """Is the learner's number ``value`` cut toward zero at the last digit written (0.59 for
    0.596884)? Two significant digits at least: one digit says too little to tell a cut
    from a mistake."""
    if value is None or not math.isfinite(value) or _significant(given.text) < 2:
        return False
    unit, slack = 2 * given.half_unit, spread + _slack(value)
    if not unit:
        return False
    beyond = value - given.value if value >= 0 else given.value - value
    return -slack <= beyond <= unit + slack


def _truncation_note(given: Typed, value: float) -> str:
    """'truncated: 0.59 is 0.596884… cut; rounded, it is 0.60'."""
    unit = 2 * given.half_unit
    decimals = max(0, -math.floor(math.log10(unit) + 1e-9))
    return f"truncated: {given.text} is {value:.{decimals + 4}g}… cut; rounded, it is " + (
        f"{value:.{decimals}f}"
    )


Compute = Callable[[View], float | None]


def _spread(
    compute: Compute, view: dict[str, float], inputs: tuple[str, ...], unsure: View
) -> float:
    """How far ``compute`` may move when each input moves by its own uncertainty (the half
    unit the learner rounded it to): the sum of the single moves, to first order."""
    centre = compute(view)
    if centre is None:
        return 0.0
    total = 0.0
    for name in dict.fromkeys(inputs):
        step = unsure.get(name, 0.0)
        if not step or name not in view:
            continue
        kept = view[name]
        view[name] = kept + step
        moved = compute(view)
        view[name] = kept
        if moved is not None:
            total += abs(moved - centre)
    return total


class Explanation(NamedTuple):
    """Mistaken rules that together give the learner's value, made in figure ``where``."""

    mistakes: tuple[str, ...]
    where: str


class _Grader:
    """One answers file graded against one walkthrough (see the module's docstring)."""

    def __init__(
        self,
        w: Walkthrough,
        answers: Mapping[str, Typed],
        variant: Callable[[], Walkthrough | None],
    ) -> None:
        self.w, self.answers, self.variant = w, answers, variant
        self.book = recipes_of(w)
        self.expected = self.book.expected
        self.order = {name: i for i, name in enumerate(self.expected)}
        self.view: dict[str, float] = {}
        self.unsure: dict[str, float] = {}  # how far each figure of the view may be off
        self.tainted: set[str] = set()
        self.work = 0  # recipe evaluations spent on diagnoses
        self._upstream: dict[str, list[str]] = {}

    def graded(self) -> Iterator[Graded]:
        after = str(E_TOTAL_AFTER_KEY)  # read by no later figure
        for name in self.expected:
            given = self.answers.get(name)
            if given is None and name == after:
                continue
            graded = self.figure(name, given)
            if graded is not None:
                yield graded

    def figure(self, name: str, given: Typed | None) -> Graded | None:
        expected = self.expected[name]
        if given is not None:
            if matches(given, expected):
                self.keep(name, given.value, given.half_unit)
                return Graded(name, given.value, given.text, expected, Status.CORRECT)
            if truncates(given, expected):
                self.keep(name, given.value, 2 * given.half_unit)
                note = _truncation_note(given, expected)
                return Graded(name, given.value, given.text, expected, Status.ROUNDING, note=note)
        recipe = self.book.recipes.get(name)
        compute = self.computing(recipe.tree) if recipe is not None else None
        recomputed = compute(self.view) if compute is not None else None
        inputs = recipe.inputs if recipe is not None else ()
        spread = _spread(compute, self.view, inputs, self.unsure) if compute else 0.0
        inherited = any(i in self.tainted for i in inputs)
        if given is None:
            self.keep(name, recomputed if recomputed is not None else expected, spread)
            if inherited:
                self.tainted.add(name)
            return None
        self.keep(name, given.value, given.half_unit)
        twice = _significant(given.text) >= 4 and matches(given, expected, units=2.0)
        cut = not twice and truncates(given, recomputed, spread)
        if matches(given, recomputed, spread=spread) or twice or cut:
            status = Status.CARRIED if inherited else Status.ROUNDING
            if inherited:
                self.tainted.add(name)
            if cut:
                self.unsure[name] = 2 * given.half_unit
            note = _truncation_note(given, recomputed) if cut and recomputed is not None else ""
            return Graded(name, given.value, given.text, expected, status, recomputed, note=note)
        self.tainted.add(name)
        found = self.diagnose(name, given, recomputed, inherited)
        ids = tuple(dict.fromkeys(m for e in found for m in e.mistakes))
        return Graded(
            name,
            given.value,
            given.text,
            expected,
            Status.WRONG,
            recomputed,
            not inherited,
            ids,
            describe(found, name),
            certain=len(found) <= 1,
            where=tuple(dict.fromkeys(e.where for e in found)),
        )

    def computing(self, tree: Tree) -> Compute:
        return lambda view: self.book.value(tree, view)

    def slip(self, slip: Slip) -> Compute:
        """A slip's value: its tree, times its scale."""
        scale = 1.0 if slip.scale is None else slip.scale

        def compute(view: View) -> float | None:
            value = self.book.value(slip.tree, view)
            return None if value is None else value * scale

        return compute

    def keep(self, name: str, value: float, unsure: float) -> None:
        self.view[name] = value
        self.unsure[name] = unsure

    # the diagnosis ------------------------------------------------------------------------

    def diagnose(
        self, name: str, given: Typed, recomputed: float | None, inherited: bool
    ) -> list[Explanation]:
        """Every explanation of ``given`` (see the module's docstring), one per set of
        mistakes, the nearest figure first."""
        recipe = self.book.recipes.get(name)
        if recipe is None:
            return []
        found: list[Explanation] = []
        if not inherited:
            other = self.variant()
            if other is not None and matches(given, other.figures.get(FigureKey.parse(name))):
                found.append(Explanation(("updated_output_weights",), name))
        own = dict(self.view)
        own[name] = recomputed if recomputed is not None else self.expected[name]
        # Through figures not written, a mistake is looked for only in a figure written to
        # three significant digits or more: coarser, too many slips fit to tell them apart.
        precise = given.half_unit <= DIAGNOSIS_PRECISION * abs(given.value)
        upstream = self.upstream(name) if precise else []
        for where in (name, *upstream):
            for slip in self.book.recipes[where].slips:
                if self.fits(name, given, own, where, self.slip(slip)):
                    found.append(Explanation((slip.mistake,), where))
        if not found:  # two slips in one figure: a scaling slip on top of another
            for where in (name, *upstream):
                slips = self.book.recipes[where].slips
                for first in slips:
                    for second in slips:
                        if second.scale is None or second.mistake == first.mistake:
                            continue
                        if self.fits(name, given, own, where, self.slip(first), second.scale):
                            found.append(Explanation((first.mistake, second.mistake), where))
        unique: dict[frozenset[str], Explanation] = {}
        for explanation in found:
            unique.setdefault(frozenset(explanation.mistakes), explanation)
        return list(unique.values())

    def upstream(self, name: str) -> list[str]:
        """The figures before ``name`` that the learner did not write and that ``name``
        reads, directly or through other figures not written, in derivation order."""
        if name in self._upstream:
            return self._upstream[name]
        seen: set[str] = set()
        frontier = list(self.book.recipes[name].inputs)
        while frontier:
            following: list[str] = []
            for figure in frontier:
                if figure in seen or figure in self.answers or figure not in self.book.recipes:
                    continue
                seen.add(figure)
                following += self.book.recipes[figure].inputs
            frontier = following
        found = self._upstream[name] = sorted(seen, key=self.order.__getitem__, reverse=True)
        return found

    def fits(
        self,
        name: str,
        given: Typed,
        view: dict[str, float],
        where: str,
        slip: Compute,
        scale: float = 1.0,
    ) -> bool:
        """With figure ``where`` made by ``slip`` (times ``scale``) and every unwritten
        figure after it worked on from there, does ``name`` come out as ``given``? The
        tolerance: the learner's own rounding of the inputs, carried to the figure."""
        if self.work > options.MAX_DIAGNOSIS_WORK:
            return False
        self.work += 1
        value = slip(view)
        if value is None:
            return False
        value *= scale
        where_inputs = self.book.recipes[where].inputs
        if where == name:
            spread = _spread(slip, view, where_inputs, self.unsure) * abs(scale)
            return matches(given, value, spread=spread)
        trial = dict(view)
        trial[where] = value
        start, stop = self.order[where], self.order[name]
        for figure in reversed(self.upstream(name)):  # in derivation order
            if not start < self.order[figure] < stop:
                continue
            self.work += 1
            computed = self.book.value(self.book.recipes[figure].tree, trial)
            if computed is None:
                return False
            trial[figure] = computed
        recipe: Recipe = self.book.recipes[name]
        self.work += 1
        compute = self.computing(recipe.tree)
        return matches(
            given, compute(trial), spread=_spread(compute, trial, recipe.inputs, self.unsure)
        )


def describe(found: list[Explanation], name: str) -> str:
    """The diagnosis in words: each explanation, where it was made if not in ``name``."""
    texts = []
    for explanation in found:
        text = ", and ".join(MISTAKES[m] for m in explanation.mistakes)
        if explanation.where != name:
            text += f", in {explanation.where}"
        texts.append(text)
    return "; or ".join(texts)


def figure_forms(w: Walkthrough) -> dict[str, Form]:
    """Every figure's form (for hints) and section (for ``practice --only``), in order."""
    book = recipes_of(w)
    return {name: book.forms.get(name, Form(sp.Symbol(name))) for name in book.expected}


def figures_shown(w: Walkthrough) -> list[str]:
    """The figures the walkthrough's sections show (an ``explain`` cut shows a few)."""
    return [n for n in recipes_of(w).forms if n != str(E_TOTAL_AFTER_KEY)]


def figure_names(w: Walkthrough) -> list[str]:
    """Every figure a learner may give, in derivation order."""
    return [str(k) for k in w.figures]


def grade(
    w: Walkthrough,
    answers: Mapping[str, Typed],
    source: str,
    variant: Callable[[], Walkthrough | None] = lambda: None,
) -> CheckResult:
    """Grade ``answers`` (figure name → the learner's value) against ``w``. ``variant`` gives
    the same scenario derived with the updated output weights (the classic slip), if it can
    be; it is asked only when a first wrong step needs a diagnosis."""
    grader = _Grader(w, answers, variant)
    graded = tuple(grader.graded())
    missing = tuple(n for n in grader.expected if n not in answers)
    return CheckResult(w.scenario.name, source, graded, missing)


def program(w: Walkthrough, variant: Walkthrough | None = None) -> dict[str, object]:
    """The grading program as data, for the practice page's interpreter (``render/practice.js``):
    every figure's recipe and mistaken ways as trees, in derivation order, with the constants
    of the judgement. ``variant``: the classic slip's walkthrough, whose figures the page
    compares with as this module does."""
    book = recipes_of(w)
    figures = []
    for name, expected in book.expected.items():
        recipe = book.recipes.get(name)
        figures.append(
            {
                "name": name,
                "expected": expected,
                "inputs": list(recipe.inputs) if recipe else [],
                "tree": recipe.tree if recipe else None,
                "slips": [[s.mistake, s.tree, s.scale] for s in recipe.slips] if recipe else [],
                "variant": variant.figures.get(FigureKey.parse(name)) if variant else None,
            }
        )
    return {
        "figures": figures,
        "forward": [name for name, _tree in book.interpreter.forward],
        "total": book.interpreter.total,
        "after": str(E_TOTAL_AFTER_KEY),
        "mistakes": MISTAKES,
        "slack": RELATIVE_SLACK,
        "precision": DIAGNOSIS_PRECISION,
        "work": options.MAX_DIAGNOSIS_WORK,
    }
