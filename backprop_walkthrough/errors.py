"""The errors the tool raises on purpose, each one line, each with the exit code it means.

The command line maps them in one place (``cli/common.py``); the Python API raises them as they
are. Anything else that escapes is a bug.

===================  ====  ===========================================================
error                exit  what went wrong
===================  ====  ===========================================================
ScenarioError        2     a scenario (file, name or mapping) that cannot be used
OptionError          2     an option or argument value that cannot be used
OutputError          2     the output cannot go where it was asked to (a bad path)
NumericalError       2     the scenario's numbers cannot be computed in floating point
MissingToolError     1     an external program the command needs is not installed
MachineError         1     the machine refused (a full disk, a closed stdout, …)
===================  ====  ===========================================================
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1


def visible(text: str) -> str:
    """User text as it may reach a terminal: every control character (an escape sequence, a
    carriage return, a NUL) and bidirectional override shown as its escape, so that a file
    name, a program's comment or a typed answer can neither clear the screen nor hide what
    follows. Every place that prints text a user wrote goes through here."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


class BackpropError(Exception):
    """Base class: ``str()`` is the one-line message, ``exit_code`` what the CLI exits with."""

    exit_code = EXIT_BAD_INPUT


class ScenarioError(BackpropError, ValueError):
    """A scenario that cannot be used; ``str()`` is one line: source:line: field: message."""

    def __init__(self, source: str, message: str, field: str = "", line: int | None = None) -> None:
        self.source = source
        self.field = field
        self.line = line
        self.message = message
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class OptionError(BackpropError, ValueError):
    """An option value that cannot be used: ``--h 1e-300``, ``steps=1.5``."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")


class OutputError(BackpropError, ValueError):
    """The output cannot be written where it was asked to go."""

    def __init__(self, target: str, message: str) -> None:
        self.target = target
        self.message = message
        super().__init__(f"{target}: {message}")


class NumericalError(BackpropError, ArithmeticError):
    """A value that cannot be computed in floating point (an overflow, a log of 0)."""


class MissingToolError(BackpropError):
    """An external program (Graphviz's dot) that the command needs is not installed."""

    exit_code = EXIT_ENVIRONMENT


class MachineError(BackpropError):
    """The machine refused: a full disk, an encoding that cannot show the output."""

    exit_code = EXIT_ENVIRONMENT


def did_you_mean(word: str, choices: Iterable[object]) -> str:
    """``; did you mean 'w1'?`` for the closest of ``choices``, or nothing."""
    import difflib  # here, not at the top: --help imports this module and needs no difflib

    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
