"""A practice session: the learner works each figure out and it is graded on the spot.

:class:`Practice` holds everything a session is — the questions (the walkthrough's figures in
derivation order, or a part of them), the next hint, grading an answer against the answers
given so far exactly as ``check`` grades a file, skipping, and the score — so that the command
line's ``practice`` and a notebook drive the same object::

    >>> from backprop_walkthrough.api import practice
    >>> p = practice("mazur", only="forward")
    >>> p.question
    'net_h1'
    >>> p.answer("0.3775").status
    'correct'
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any, NamedTuple

from .. import ops, options
from ..errors import OptionError
from .networks import ScenarioLike, explain, walkthrough

PARTS = ("forward", "output", "hidden", "biases", "update")
WORKSHEET_FORMATS = ("yaml", "markdown", "latex", "html")
PAPERS = ("a4", "letter")
#: Hints before the value is shown: the rule in symbols, then with the numbers.
HINTS = 2
SCORE_KINDS = ("first try", "after tries or hints", "revealed", "skipped")


class Reply(NamedTuple):
    """What the session says to an answer or a request."""

    status: str  # correct, rounding, wrong, not a number, hint, revealed, skipped
    text: str  # one line, as the command line prints it
    diagnosis: tuple[str, ...] = ()


def new_scenario(scenario: str, seed: int) -> dict[str, Any]:
    """The same network with fresh numbers from ``seed``, rounded to two decimals: weights and
    biases in [−1, 1], inputs in [0, 1], targets in [0.01, 0.99] (one-hot for a
    cross-entropy).

    The scenario is read and checked as ``run`` reads it (the same YAML rules, every problem
    refused in one line) before anything is drawn. The numbers come from ``random()`` alone,
    seeded with the text of the seed (so 5 and −5 differ): the one stream Python promises to
    keep across versions (:mod:`..scenario.draws`).
    """
    from ..scenario import load_scenario, read_tree
    from ..scenario.draws import Draws

    load_scenario(scenario)  # every problem of the file, as run reports it
    tree, source = read_tree(scenario)
    doc: dict[str, Any] = copy.deepcopy(tree.value)
    if "weights" not in doc or "init" in doc:
        raise OptionError("--new", f"{scenario} has no written weights to draw again")
    rng = Draws(f"backprop-walkthrough practice --new {seed}")

    def draw(low: float, high: float) -> float:
        return round(rng.uniform(low, high), 2)

    for group in ("weights", "biases"):
        for spec in (doc.get(group) or {}).values():
            spec["value"] = draw(-1, 1)
    examples = doc.get("examples", [doc])
    for example in examples:
        example["inputs"] = {n: draw(0, 1) for n in example["inputs"]}
        targets = list(example["targets"])
        if ops.loss(doc.get("loss") or ops.DEFAULT_LOSS).targets_sum_to_one:
            hot = targets[rng.index(len(targets))]
            example["targets"] = {n: 1.0 if n == hot else 0.0 for n in targets}
        else:
            example["targets"] = {n: draw(0.01, 0.99) for n in targets}
    doc.pop("published", None)
    doc["name"] = f"{doc.get('name', source)}-{seed}"
    return doc


class Practice:
    """A practice session over ``scenario``'s figures: ``seed`` fresh numbers of the same
    network, ``only`` one part (:data:`PARTS`), ``param`` one parameter's chain, ``digits`` the
    hints' decimals (see the module's docstring)."""

    def __init__(
        self,
        scenario: ScenarioLike = "mazur",
        *,
        seed: int | None = None,
        only: str | None = None,
        param: str | None = None,
        digits: int = 6,
        max_work: int = options.DEFAULT_MAX_WORK,
    ) -> None:
        from ..engine.grading.grade import figure_forms, figures_shown

        if only is not None and only not in PARTS:
            raise OptionError("--only", f"expected one of {', '.join(PARTS)}")
        self.digits = options.whole("--digits", digits, 1, 15)
        self.seed = seed
        self.scenario, self.only, self.param = scenario, only, param
        if seed is not None and not isinstance(scenario, str):
            raise OptionError("--new", "draws new numbers for a built-in name or a file")
        self.source: Any = scenario if seed is None else new_scenario(str(scenario), seed)
        self.derived = walkthrough(self.source, max_work=max_work)
        self.forms = figure_forms(self.derived)
        self.expected = {str(k): v for k, v in self.derived.figures.items()}
        names = list(self.forms)
        if param is not None:
            kept = set(figures_shown(explain(self.derived, param)))
            names = [n for n in names if n in kept]
        if only is not None:
            names = [n for n in names if self.forms[n].section == only]
        self.names = names
        self.title = f"Practice: {self.derived.scenario.name}"
        if seed is not None:
            self.title += f" (new numbers, seed {seed})"
        self.answers: dict[str, Any] = {}
        self.score: Counter[str] = Counter()
        self.mistakes: Counter[str] = Counter()
        self._position = 0
        self._tries = self._hints = 0

    # the questions ------------------------------------------------------------------------

    @property
    def question(self) -> str | None:
        """The figure asked now, or None when every figure has been asked."""
        return self.names[self._position] if self._position < len(self.names) else None

    @property
    def finished(self) -> bool:
        return self.question is None

    def network(self) -> Any:
        """The network with all its numbers (parameters, data, η, loss, activations), as a
        worksheet's head shows it but for the drawing (a screen has 24 lines): a Rich
        renderable."""
        from ..render.blocks import Document
        from ..render.layout import network_blocks
        from ..render.terminal import TerminalView

        blocks = network_blocks(self.derived, self.digits, after=False, drawing=False)
        return TerminalView(Document(tuple(blocks), self.digits))

    def _next(self) -> None:
        self._position += 1
        self._tries = self._hints = 0

    # what the learner does ----------------------------------------------------------------

    def hint(self) -> Reply:
        """The next hint for the question: its rule, then the numbers; then the value, which
        counts as revealed and moves on."""
        from ..render.numbers import format_operand
        from ..render.worksheet import rule_lines
        from ..scenario.arithmetic import Typed

        name = self._asked()
        self._hints += 1
        if self._hints > HINTS:
            value = self.expected[name]
            self.answers[name] = Typed(value, repr(value), 0.0)
            self.score["revealed"] += 1
            self._next()
            return Reply("revealed", f"  = {format_operand(value, 12)} (shown)")
        lines = rule_lines(self.forms[name], self.expected, self.digits)
        return Reply("hint", "  hint: " + lines[min(self._hints, len(lines)) - 1])

    def skip(self) -> Reply:
        self._asked()
        self.score["skipped"] += 1
        self._next()
        return Reply("skipped", "")

    def answer(self, text: str) -> Reply:
        """Grade ``text`` (a number, or arithmetic) for the question, from the answers given so
        far, as ``check`` grades it; a right answer moves on, a wrong one may be tried again."""
        from ..engine.grading.grade import grade
        from ..model import Status
        from ..scenario.arithmetic import AnswerTextError, parse_value

        name = self._asked()
        try:
            typed = parse_value(text)
        except AnswerTextError as exc:
            return Reply("not a number", f"  {exc}")
        self._tries += 1
        graded = {g.name: g for g in grade(self.derived, {**self.answers, name: typed}, "").figures}
        mark = graded[name]
        if mark.status in (Status.CORRECT, Status.ROUNDING):
            rounding = mark.status is Status.ROUNDING
            self.answers[name] = typed
            first = self._tries == 1 and not self._hints
            self.score["first try" if first else "after tries or hints"] += 1
            self._next()
            return Reply(mark.status.value, "  ✓ (rounding)" if rounding else "  ✓")
        named = ", ".join(mark.diagnosis)
        self.mistakes.update(mark.diagnosis or ("not named",))
        probably = "" if mark.certain else "probably "
        why = f": {probably}{mark.explanation} ({named})" if mark.diagnosis else ""
        text = f"  ✗ not {typed.text}{why}. Try again (? for a hint, s to skip)."
        return Reply("wrong", text, tuple(mark.diagnosis))

    def _asked(self) -> str:
        name = self.question
        if name is None:
            raise OptionError("practice", "every question has been asked")
        return name

    # the score and the worksheet ----------------------------------------------------------

    def score_lines(self) -> list[str]:
        """The score table, then the mistakes by kind."""
        lines = ["", "Score"]
        for kind in SCORE_KINDS:
            lines.append(f"  {kind:<22}{self.score[kind]:>4}")
        reached = sum(self.score[k] for k in SCORE_KINDS)
        lines.append(f"  {'not reached':<22}{len(self.names) - reached:>4}")
        if self.mistakes:
            lines.append("Mistakes by kind")
            lines += [f"  {kind:<26}{count:>4}" for kind, count in self.mistakes.most_common()]
        return lines

    def worksheet(self, output_format: str = "yaml", key: bool = False, paper: str = "a4") -> str:
        """The questions as a worksheet with blanks (``key``: filled in) in a format of
        :data:`WORKSHEET_FORMATS`; ``paper`` (a4 or letter) sets the LaTeX page."""
        from ..render.worksheet import Sheet, render_worksheet

        if output_format not in WORKSHEET_FORMATS:
            raise OptionError("--format", f"a worksheet is {', '.join(WORKSHEET_FORMATS)}")
        if paper not in PAPERS:
            raise OptionError("--paper", f"expected one of {', '.join(PAPERS)}")
        sheet = Sheet(
            self.derived,
            self.title,
            self.names,
            self.forms,
            self.expected if key else None,
            self.regenerate(),
        )
        return render_worksheet(sheet, self.source, output_format, paper)

    def page(self) -> str:
        """The questions as one self-contained HTML page that grades each answer as it is
        typed, exactly as ``check`` grades a file (see :mod:`..render.practice_page`)."""
        from ..engine.grading.grade import program
        from ..render.practice_page import render_practice_page
        from ..render.worksheet import yaml_scenario
        from .grading import classic_slip

        scenario = self.derived.scenario
        head = f"# {self.title}: answers typed into the practice page; grade them with\n"
        head += "# backprop-walkthrough check THIS-FILE.yaml\n" + yaml_scenario(self.source)
        return render_practice_page(
            self.derived,
            program(self.derived, classic_slip(self.derived)),
            title=self.title,
            subtitle=f"Regenerate this page: {self.regenerate('--page')}" if self.seed else "",
            names=self.names,
            forms=self.forms,
            expected=self.expected,
            key=f"{scenario.name} {self.seed} {self.only} {self.param}",
            yaml_head=head,
            file_name=f"answers-{scenario.name}.yaml",
            digits=self.digits,
        )

    def _repr_html_(self) -> str:
        """In a notebook, the page itself, in a frame of its own (its script and its
        Content-Security-Policy stay inside it)."""
        from html import escape

        return (
            f'<iframe srcdoc="{escape(self.page(), quote=True)}" '
            'style="width: 100%; height: 40rem; border: 1px solid #ccc"></iframe>'
        )

    def regenerate(self, option: str = "--answer-key") -> str:
        """The command that draws this session's numbers again (a ``--new`` seed's), and
        writes them with ``option`` (the key, or the page)."""
        if self.seed is None or not isinstance(self.scenario, str):
            return ""
        command = f"backprop-walkthrough practice {self.scenario} --new {self.seed}"
        command += f" --only {self.only}" if self.only else ""
        command += f" --param {self.param}" if self.param else ""
        return f"{command} {option}"


#: ``practice(scenario, seed=…, only=…, param=…)``: a session, as the class makes it.
practice = Practice
