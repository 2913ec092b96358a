"""`practice`: the learner works each figure out, the tool checks it on the spot.

The questions are the walkthrough's figures in derivation order (or a part of them). An answer
is graded as `check` grades a file (:mod:`..engine.check`), against the answers given so far:
✓, ✓ (rounding), or ✗ with the mistake named and another try. ``?`` gives the next hint — the
rule in symbols, then with the numbers put in, then the value — ``s`` skips, ``q`` ends. On a
terminal the answers are typed; otherwise they are read line by line from standard input, so a
script (or a test) can drive a session.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import click

from .common import (
    CONTEXT_SETTINGS,
    debug_option,
    deliver,
    max_work_option,
    scenario_argument,
    user_errors,
)

PARTS = ("forward", "output", "hidden", "biases", "update")
WORKSHEET_FORMATS = ("yaml", "markdown", "latex", "html")
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".md": "markdown", ".tex": "latex", ".html": "html"}


def _suffix_format(output: str | None) -> str | None:
    from pathlib import Path

    return None if output is None else _SUFFIXES.get(Path(output).suffix.lower())


#: Hints before the value is shown: the rule in symbols, then with the numbers.
HINTS = 2


def _reader() -> Callable[[str], str | None]:
    """Ask and read one answer: typed on a terminal, a line of standard input otherwise (the
    prompt and the answer are echoed, so the transcript reads as a session)."""
    if sys.stdin.isatty() and sys.stdout.isatty():

        def typed(prompt: str) -> str | None:
            try:
                return input(prompt)
            except EOFError:
                return None

        return typed

    def piped(prompt: str) -> str | None:
        line = sys.stdin.readline()
        if not line:
            return None
        click.echo(prompt + line.rstrip("\n"))
        return line.strip()

    return piped


def _hint(level: int, name: str, form: Any, expected: dict[str, float], digits: int) -> str:
    from ..render.numbers import format_operand
    from ..render.printing import to_text

    def number(value: float) -> str:
        return format_operand(value, digits, typographic=True)

    label = form.label if isinstance(form.label, str) else to_text(form.label)
    if form.expr is not None:
        if level == 1:
            return f"{label} = {to_text(form.expr)}"
        return f"{label} = {to_text(form.expr, form.substitutions, digits)}"
    if not form.parts:
        return label
    if form.operator == "":  # an update: p⁺ = p − η·g
        ((gradient, _),) = form.parts
        return label if level == 1 else f"{label}, with {gradient} = {number(expected[gradient])}"
    joiner = f" {form.operator} "
    if level == 1:
        return f"{label} = " + joiner.join(to_text(part) for _, part in form.parts)
    return f"{label} = " + joiner.join(number(expected[key]) for key, _ in form.parts)


def new_scenario(scenario: str, seed: int) -> dict[str, Any]:
    """The same network with fresh numbers from ``seed``, rounded to two decimals: weights and
    biases in [−1, 1], inputs in [0, 1], targets in [0.01, 0.99] (one-hot for a
    cross-entropy)."""
    import yaml

    from .. import api, ops
    from ..errors import OptionError

    doc = yaml.safe_load(api.scenario_text(scenario))
    if not isinstance(doc, dict) or "weights" not in doc or "init" in doc:
        raise OptionError("--new", f"{scenario} has no written weights to draw again")
    rng = random.Random(seed)

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
            hot = rng.choice(targets)
            example["targets"] = {n: 1.0 if n == hot else 0.0 for n in targets}
        else:
            example["targets"] = {n: draw(0.01, 0.99) for n in targets}
    doc.pop("published", None)
    doc["name"] = f"{doc.get('name', scenario)}-{seed}"
    return doc


@click.command(context_settings=CONTEXT_SETTINGS)
@scenario_argument()
@click.option("--only", type=click.Choice(PARTS), default=None, help="Practise one part only.")
@click.option("--param", default=None, metavar="P", help="Practise the chain of parameter P.")
@click.option(
    "--new",
    "seed",
    type=int,
    default=None,
    metavar="SEED",
    help="Fresh numbers of the same network, drawn from SEED (two decimals).",
)
@click.option("--digits", type=click.IntRange(1, 15), default=6, help="Digits in hints.")
@click.option(
    "--worksheet",
    is_flag=True,
    help="Write the questions as a worksheet with blanks instead of asking them.",
)
@click.option("--answer-key", is_flag=True, help="Write the worksheet filled in.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(WORKSHEET_FORMATS),
    default=None,
    help="The worksheet's format: yaml (an answers file for check; the default), markdown, "
    "latex or html; --output's suffix chooses it too.",
)
@click.option("--output", "-o", default=None, metavar="FILE", help="Write the worksheet to FILE.")
@max_work_option
@debug_option
def practice(
    scenario: str,
    only: str | None,
    param: str | None,
    seed: int | None,
    digits: int,
    worksheet: bool,
    answer_key: bool,
    output_format: str | None,
    output: str | None,
    max_work: int,
    debug: bool,
) -> None:
    """Work the walkthrough out yourself, one figure at a time, checked as you go.

    Type a number or short arithmetic (0.5933*(1-0.5933)); ✓, ✓ (rounding) or ✗ with the
    mistake named and another try. ? gives a hint (the rule, then the numbers, then the
    value), s skips, q ends; a score table closes the session. Not on a terminal, the answers
    are read line by line from standard input.

    \b
    Examples:
      backprop-walkthrough practice
      backprop-walkthrough practice --only output
      backprop-walkthrough practice --param w1 --new 7
      backprop-walkthrough practice --worksheet --new 7 --output sheet.md
      backprop-walkthrough practice --answer-key --new 7 --output key.md
      printf '0.3775\\n?\\nq\\n' | backprop-walkthrough practice
    """
    with user_errors(debug):
        from .. import api
        from ..engine.check import figure_forms, figures_shown, grade
        from ..model import Status
        from ..render.numbers import format_operand
        from ..scenario.arithmetic import AnswerTextError, Typed, parse_value

        source: Any = scenario if seed is None else new_scenario(scenario, seed)
        derived = api.walkthrough(source, max_work=max_work)
        forms = figure_forms(derived)
        expected = {str(k): v for k, v in derived.figures.items()}
        names = list(forms)
        if param is not None:
            kept = set(figures_shown(api.explain(derived, param)))
            names = [n for n in names if n in kept]
        if only is not None:
            names = [n for n in names if forms[n].section == only]
        title = f"Practice: {derived.scenario.name}"
        if seed is not None:
            title += f" (new numbers, seed {seed})"
        if worksheet or answer_key:
            from ..render.worksheet import render_worksheet

            values = expected if answer_key else None
            sheets = render_worksheet(title, source, names, forms, values)
            chosen = output_format or _suffix_format(output) or "yaml"
            deliver(sheets[chosen], output)
            return
        click.echo(f"{title} — {len(names)} figures. ? hint, s skip, q quit.")
        if seed is not None:  # the numbers are part of the worksheet
            import yaml

            shown = {
                k: source[k] for k in ("weights", "biases", "inputs", "targets") if k in source
            }
            dumped = yaml.safe_dump(
                shown, sort_keys=False, allow_unicode=True, default_flow_style=None
            )
            click.echo(dumped.rstrip())
        read = _reader()
        answers: dict[str, Typed] = {}
        score: Counter[str] = Counter()
        mistakes: Counter[str] = Counter()
        for name in names:
            tries = hints = 0
            while True:
                line = read(f"{name} = ")
                if line is None or line.lower() == "q":
                    _score(score, mistakes, len(names))
                    return
                if line.lower() == "s":
                    score["skipped"] += 1
                    break
                if line == "?":
                    hints += 1
                    if hints > HINTS:
                        value = format_operand(expected[name], 12)
                        click.echo(f"  = {value} (shown)")
                        answers[name] = Typed(expected[name], repr(expected[name]), 0.0)
                        score["revealed"] += 1
                        break
                    click.echo("  hint: " + _hint(hints, name, forms[name], expected, digits))
                    continue
                try:
                    typed = parse_value(line)
                except AnswerTextError as exc:
                    click.echo(f"  {exc}")
                    continue
                tries += 1
                graded = {g.name: g for g in grade(derived, {**answers, name: typed}, "").figures}
                mark = graded[name]
                if mark.status in (Status.CORRECT, Status.ROUNDING):
                    rounding = " (rounding)" if mark.status is Status.ROUNDING else ""
                    click.echo(f"  ✓{rounding}")
                    answers[name] = typed
                    score["first try" if tries == 1 and not hints else "after tries or hints"] += 1
                    break
                named = ", ".join(mark.diagnosis)
                mistakes.update(mark.diagnosis or ("not named",))
                why = f": {mark.explanation} ({named})" if mark.diagnosis else ""
                click.echo(f"  ✗ not {typed.text}{why}. Try again (? for a hint, s to skip).")
        _score(score, mistakes, len(names))


def _score(score: Counter[str], mistakes: Counter[str], total: int) -> None:
    click.echo("")
    click.echo("Score")
    for kind in ("first try", "after tries or hints", "revealed", "skipped"):
        click.echo(f"  {kind:<22}{score[kind]:>4}")
    click.echo(f"  {'not reached':<22}{total - sum(score.values()):>4}")
    if mistakes:
        click.echo("Mistakes by kind")
        for kind, count in mistakes.most_common():
            click.echo(f"  {kind:<26}{count:>4}")


COMMANDS = (practice,)
