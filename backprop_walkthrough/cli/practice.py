"""`practice`: the learner works each figure out, the tool checks it on the spot.

The questions are the walkthrough's figures in derivation order (or a part of them). An answer
is graded as `check` grades a file (:class:`..api.Practice`), against the answers given so far:
✓, ✓ (rounding), or ✗ with the mistake named and another try. ``?`` gives the next hint — the
rule in symbols, then with the numbers put in, then the value — ``s`` skips, ``q`` ends. On a
terminal the answers are typed; otherwise they are read line by line from standard input, so a
script (or a test) can drive a session.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

import click

from .. import options
from ..errors import OptionError, visible
from .common import (
    CONTEXT_SETTINGS,
    debug_option,
    deliver,
    max_work_option,
    scenario_argument,
    terminal,
    user_errors,
)

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".md": "markdown", ".tex": "latex", ".html": "html"}
#: The parts and worksheet formats of api.sessions (kept here too: --help imports no api).
PARTS = ("forward", "output", "hidden", "biases", "update")
WORKSHEET_FORMATS = ("yaml", "markdown", "latex", "html")
PAPERS = ("a4", "letter")


def _suffix_format(output: str | None) -> str | None:
    from pathlib import Path

    return None if output is None else _SUFFIXES.get(Path(output).suffix.lower())


def _reader() -> Callable[[str], str | None]:
    """Ask and read one answer: typed on a terminal, a line of standard input otherwise (the
    prompt and the answer are echoed, so the transcript reads as a session)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        # Line editing and history (arrow keys, ↑ for the last answer) where the platform has
        # readline; input() uses it once it is imported. Without it, input() reads plainly.
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401

        def typed(prompt: str) -> str | None:
            try:
                return input(prompt)
            except EOFError:
                return None

        return typed

    def piped(prompt: str) -> str | None:
        line = sys.stdin.readline(options.MAX_ANSWER_LINE + 1)
        if not line:
            return None
        if len(line) > options.MAX_ANSWER_LINE and not line.endswith("\n"):
            # Not an answer: skip the rest of the line, within a bound (/dev/zero has no end).
            first, skipped = line, 0
            while line and not line.endswith("\n") and skipped < options.MAX_ANSWER_LINE * 1000:
                line = sys.stdin.readline(options.MAX_ANSWER_LINE)
                skipped += len(line)
            if not line.endswith("\n"):
                longest = options.MAX_ANSWER_LINE * 1000
                raise OptionError(
                    "standard input", f"a line of more than {longest:,} characters: not answers"
                )
            click.echo(f"{prompt}(a line of more than {options.MAX_ANSWER_LINE:,} characters)")
            return first.strip()  # graded as what it is: not an answer
        click.echo(prompt + visible(line.rstrip("\n")))
        return line.strip()

    return piped


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
    "--page",
    is_flag=True,
    help="Write one self-contained HTML page that grades each answer as it is typed.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(WORKSHEET_FORMATS),
    default=None,
    help="The worksheet's format: yaml (an answers file for check; the default), markdown, "
    "latex or html; --output's suffix chooses it too.",
)
@click.option(
    "--paper",
    type=click.Choice(PAPERS),
    default="a4",
    show_default=True,
    help="The LaTeX worksheet's page size.",
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
    page: bool,
    output_format: str | None,
    paper: str,
    output: str | None,
    max_work: int,
    debug: bool,
) -> None:
    """Work the walkthrough out yourself, one figure at a time, checked as you go.

    Type a number or short arithmetic (0.5933*(1-0.5933)); ✓, ✓ (rounding) or ✗ with the
    mistake named and another try. ? gives a hint (the rule, then the numbers, then the
    value), s skips, q ends; a score table closes the session. The network's numbers come
    first. On a terminal, answers are typed with line editing and history (readline); not on
    a terminal, they are read line by line from standard input.

    --worksheet writes the questions for paper instead: the network with all its numbers,
    then each figure's rule and a blank (--answer-key: the values), in yaml (an answers file
    for check), markdown, latex (--paper a4 or letter) or html. --page writes one HTML page
    that grades each answer as it is typed, in the browser, exactly as check grades a file.

    \b
    Examples:
      backprop-walkthrough practice
      backprop-walkthrough practice --only output
      backprop-walkthrough practice --param w1 --new 7
      backprop-walkthrough practice --worksheet --new 7 --output sheet.md
      backprop-walkthrough practice --answer-key --new 7 --output key.md
      backprop-walkthrough practice --new 7 --page -o practice.html
      printf '0.3775\\n?\\nq\\n' | backprop-walkthrough practice
    """
    with user_errors(debug):
        from .. import api

        session = api.practice(
            scenario, seed=seed, only=only, param=param, digits=digits, max_work=max_work
        )
        if page:
            deliver(session.page(), output, protect=scenario)
            return
        if worksheet or answer_key:
            chosen = output_format or _suffix_format(output) or "yaml"
            sheet = session.worksheet(chosen, key=answer_key, paper=paper)
            deliver(sheet, output, protect=scenario)
            return
        click.echo(f"{session.title} — {len(session.names)} figures. ? hint, s skip, q quit.")
        terminal().print(session.network())  # the numbers the questions are about
        read = _reader()
        while session.question is not None:
            line = read(f"{session.question} = ")
            if line is None or line.lower() == "q":
                break
            if line.lower() == "s":
                session.skip()
                continue
            reply = session.hint() if line == "?" else session.answer(line)
            click.echo(reply.text)
        click.echo("\n".join(session.score_lines()))


COMMANDS = (practice,)
