"""What every validator shares: recording problems with their lines, and the typed getters.

Each input kind (a network scenario, a shapes spec, an expression file, an answers file) has a
validator on :class:`Checker`: a check that finds a problem records it and gives up on its own
part only (one weight, one example, one value), so that the other parts are still checked and
every problem is reported at once, in the order of the file, each naming its field and line.
One wording per rule lives here (a whole number's range, text without control characters).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ...errors import ScenarioError, did_you_mean
from ..types import MAX_ABS_VALUE
from ..yamltree import Tree

FieldPath = tuple[str, ...]
T = TypeVar("T")

#: Characters that reorder the text around them (a name could display as another).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: A text value quoted in a message is cut after this many characters.
QUOTED_TEXT = 40
#: The kinds of scenario the tool reads; a feed-forward network unless ``kind:`` says otherwise.
KINDS = ("feed_forward", "embedding_mlp", "expression")


def _paths(value: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    """Every field path of a document, in the order it is written."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (str(key),))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (str(index),))


class Skip(Exception):  # noqa: N818 - control flow: a part was rejected, not an error
    """A check recorded its problem and gives up on its own part of the document."""


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        if len(value) > QUOTED_TEXT:
            return f"the text {value[:QUOTED_TEXT]!r}… ({len(value):,} characters)"
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


class Checker:
    """What both validators share: recording problems and the typed getters."""

    def __init__(self, tree: Tree, source: str) -> None:
        self.tree = tree
        self.source = source
        # Where each field comes in the document (a mapping from Python has no lines, but its
        # order is the order it was written in): problems are reported in that order.
        self.order = {path: index for index, path in enumerate(_paths(tree.value))}
        self.positions: dict[int, int] = {}
        self.problems: list[ScenarioError] = []
        for problem in tree.problems:
            self.record(problem.path, problem.message, problem.line)
        # A field the parse already reported (a duplicate key, a number of 5,000 digits) is not
        # reported again by the checks that read what the parse made of it.
        self.noted = {problem.path for problem in tree.problems}

    def run(self) -> Any:
        """Check the whole document; the result, or None when there was a problem. The
        problems end up in the order of their lines (those of the whole file first)."""
        result = self.attempt(self.build)
        self.problems.sort(key=lambda problem: self.positions[id(problem)])
        return None if self.problems else result

    def build(self) -> Any:
        raise NotImplementedError

    def result(self) -> Any:
        """The checked document; raises its first problem."""
        result = self.run()
        if self.problems:
            raise self.problems[0]
        return result

    def record(self, path: FieldPath, message: str, line: int | None) -> None:
        error = ScenarioError(self.source, message, ".".join(path), line)
        self.positions[id(error)] = self.order.get(path, 0)
        self.problems.append(error)

    def fail(self, path: FieldPath, message: str, line: int | None = None) -> Skip:
        """Record a problem; raise what this returns to give up on the current part."""
        if path not in self.noted:
            self.record(path, message, line if line is not None else self.tree.line(path))
        return Skip()

    def attempt(self, check: Callable[..., T], *args: Any) -> T | None:
        """Run one check; None when it gave up (its problem is recorded)."""
        try:
            return check(*args)
        except Skip:
            return None

    # typed getters --------------------------------------------------------------------

    def mapping(self, value: Any, path: FieldPath, what: str = "a mapping") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected {what}, got {describe(value)}")
        return value

    def keys(
        self,
        data: dict[str, Any],
        path: FieldPath,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> None:
        """Record every unknown and missing key; give up when there was one. A missing key
        that an unknown one looks like a misspelling of is the same mistake, reported once."""
        before = len(self.problems)
        meant = set()
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                meant.add(hint.removeprefix("; did you mean '").removesuffix("'?"))
                hint = hint or f" (allowed: {', '.join(allowed)})"
                self.fail(path + (key,), f"unknown key {key!r}{hint}")
        for key in required:
            if key not in data and key not in meant:
                self.fail(path, f"missing required key {key!r}")
        if len(self.problems) > before:
            raise Skip

    def number(self, value: Any, path: FieldPath) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = ""
            if isinstance(value, str):
                try:
                    float(value)
                    hint = " — write the number without quotes"
                except ValueError:
                    pass
            raise self.fail(path, f"expected a number, got {describe(value)}{hint}")
        number = float(value)
        if not math.isfinite(number):
            raise self.fail(path, f"expected a finite number, got {value}")
        if abs(number) > MAX_ABS_VALUE:
            raise self.fail(path, f"{value} is too large (at most {MAX_ABS_VALUE:g} in size)")
        return number

    def flag(self, value: Any, path: FieldPath) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {describe(value)}")
        return value

    def integer(self, value: Any, path: FieldPath, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected a whole number, got {describe(value)}")
        if not low <= value <= high:
            raise self.fail(path, f"must be a whole number from {low:,} to {high:,}, got {value:,}")
        return value

    def text(self, value: Any, path: FieldPath, lines: bool = False) -> str:
        """One line of plain text: no control characters (an escape sequence in a name would
        reach the terminal, a newline would break a heading) and no bidirectional overrides.
        With ``lines``, line breaks are allowed (a note that the layout joins into one)."""
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {describe(value)}")
        allowed = "\n\t" if lines else ""
        for position, char in enumerate(value):
            if char in allowed:
                continue
            if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
                raise self.fail(
                    path,
                    f"contains the control character U+{ord(char):04X} at position "
                    f"{position + 1}; names, descriptions and notes are one line of plain text",
                )
        return str(value)

    def choice(self, value: Any, path: FieldPath, choices: tuple[str, ...], what: str) -> str:
        value = self.text(value, path)
        if value not in choices:
            raise self.fail(
                path,
                f"unknown {what} {value!r}{did_you_mean(value, choices)}"
                f" (known: {', '.join(choices)})",
            )
        return str(value)

    def kind(self, root: dict[str, Any], expected: str) -> None:
        kind = root.get("kind", "feed_forward")
        if kind not in KINDS:
            raise self.fail(("kind",), f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
        if kind != expected:
            raise self.fail(
                ("kind",),
                "an embedding_mlp scenario is a shape walkthrough: "
                "run `backprop-walkthrough shapes FILE`"
                if kind == "embedding_mlp"
                else "an expression scenario is a program: run `backprop-walkthrough expr FILE`"
                if kind == "expression"
                else f"expected a {expected} scenario here",
            )

    def named(self, root: dict[str, Any]) -> tuple[str, str]:
        name = self.attempt(self.text, root.get("name", Path(self.source).stem), ("name",))
        description = self.attempt(self.text, root.get("description", ""), ("description",))
        return name or "", description or ""
