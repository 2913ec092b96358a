"""Names: what a name of the user's may be (a neuron, a weight, a figure), and a spelling that
would do where it is not."""

from __future__ import annotations

import re

#: A name: a letter, then letters, digits and single underscores between them (h1_1, w_ih).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*\Z")
MAX_NAME_LENGTH = 32
#: The tool names each neuron's values net_h1, out_h1, target_h1 and E_h1 (and E_total): a
#: name of the user's may not begin that way, or it could be one of them.
RESERVED_PREFIXES = ("net_", "out_", "target_", "E_")

#: Neuron names that would make a derived name collide with another: E_total is the total error.
RESERVED_NEURON_NAMES = frozenset({"total"})


def name_problem(name: str) -> str:
    """What is wrong with a name ("" if nothing), with a spelling that would do."""
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            return (
                f"begins with {prefix!r}, which the tool uses for the values of a neuron "
                f"(net_h1, out_h1, target_h1, E_h1); call it "
                f"{_spelling(name.replace('_', '', 1))!r}"
            )
    if len(name) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters; call it {name[:MAX_NAME_LENGTH]!r}"
    if _NAME.match(name):
        return ""
    if not name:
        return "is empty"
    if not name[0].isascii() or not name[0].isalpha():
        why = "does not begin with a letter"
    elif "__" in name or name.endswith("_"):
        why = "has an underscore that is not between two letters or digits"
    else:
        why = "has characters other than letters, digits and underscores"
    return f"{why} (a name is like h1, h1_1 or w_ih); call it {_spelling(name)!r}"


def _spelling(name: str) -> str:
    """A valid name close to ``name``: other characters as single underscores, a letter first."""
    spelled = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    if not spelled or not spelled[0].isalpha():
        spelled = "n" + spelled
    for prefix in RESERVED_PREFIXES:
        if spelled.startswith(prefix):
            spelled = spelled.replace("_", "", 1)
    return spelled[:MAX_NAME_LENGTH]


def default_prefix(index: int, count: int) -> str:
    """Neuron names for ``size:`` layers: i1…, h1… (one hidden layer) or h1n1…, o1…"""
    if index == 0:
        return "i"
    if index == count - 1:
        return "o"
    return "h" if count == 3 else f"h{index}n"
