"""One spelling of every name: the names in running text typeset as the equations' are.

The engine and the layout write their sentences with the terminal's spelling of a name
(``E_total``, ``∂E_o2/∂net_o2``, the post's ``dE_o2/dout_h1``, a figure's key
``dE_total/dw5``). :func:`typeset` finds the walkthrough's own names in such a sentence and
makes each a :class:`Formula`, so that every writer prints it with its formula printer: as
MathML or LaTeX on a page, as the terminal's text in a text format. Only names the
walkthrough defines are recognised; any other word stays a word.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import sympy as sp

from ..model import FigureKey
from ..scenario.types import Scenario
from .blocks import Code, Formula, Inline, Prose
from .printing import at


def scenario_names(scenario: Scenario) -> frozenset[str]:
    """Every name a walkthrough of ``scenario`` writes: inputs, parameters, each neuron's net
    and out, targets, each output's error and the total."""
    names = {"E_total", *scenario.inputs}
    names |= {w.name for w in scenario.weights} | {b.name for b in scenario.biases}
    for layer in scenario.layers[1:]:
        for neuron in layer.neurons:
            names |= {f"net_{neuron}", f"out_{neuron}"}
    for output in scenario.layers[-1].neurons:
        names |= {f"target_{output}", f"E_{output}"}
    return frozenset(names)


@lru_cache(maxsize=16)
def _pattern(names: frozenset[str]) -> re.Pattern[str]:
    name = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # ∂a/∂b, da/db (a figure's key, the post's spelling), a/b never: only ∂ and d fractions
    return re.compile(
        rf"(?<![\w⁺])(?:(?P<d>[∂d])(?P<of>{name})/(?P=d)(?P<wrt>{name})|(?P<name>{name}))"
        rf"(?![\w⁺(])|(?<![\w-])(?P<option>--[a-z][a-z-]*[a-z])"
    )


def typeset(text: str, names: Collection[str]) -> Prose:
    """``text`` with every name of ``names`` in it (and every ∂- or d-fraction of two of them)
    made a formula, and every option (``--full``) code; a name followed by ``(`` is a
    function's and stays a word."""
    if not names:
        return (text,)
    parts: list[Inline] = []
    end = 0
    for found in _pattern(frozenset(names)).finditer(text):
        if found.start() > end:
            parts.append(text[end : found.start()])
        option = found["option"]
        parts.append(Code(option) if option else Formula(_formula(found), inline=True))
        end = found.end()
    if end < len(text):
        parts.append(text[end:])
    return tuple(parts)


def _formula(found: re.Match[str]) -> sp.Basic:
    if found["name"]:
        return sp.Symbol(found["name"])
    return sp.Derivative(sp.Symbol(found["of"]), sp.Symbol(found["wrt"]))


def figure_formula(key: FigureKey) -> Formula:
    """A figure's key as the equations write it: ``dE_total/dw5`` is ∂E_total/∂w5,
    ``new w5`` is w5⁺, ``E_total_after`` is E_total⁺; a term's neuron and a batch's example
    are its tag."""
    name = key.name
    fraction = re.fullmatch(r"d(\S+)/d(\S+)", name)
    if name.startswith("new "):
        expr: sp.Basic = sp.Symbol(name.removeprefix("new ") + "⁺")
    elif name == "E_total_after":
        expr = sp.Symbol("E_total⁺")
    elif fraction:
        expr = sp.Derivative(sp.Symbol(fraction[1]), sp.Symbol(fraction[2]))
    else:
        expr = sp.Symbol(name)
    tags = [f"via {key.via}"] if key.via else []
    tags += [f"simplified {key.form}"] if key.form else []
    tags += [f"example {key.example}"] if key.example else []
    return Formula(expr, tag=", ".join(tags), inline=True)


def shaken(output: str, wrt: str, sign: int) -> Formula:
    """``E_total(w5 + h)`` (``sign`` 1) or ``E_total(w5 − h)`` (−1): an output at a nudged
    parameter."""
    h = sp.Symbol("h")
    point = sp.Add(sp.Symbol(wrt), sign * h, evaluate=False)
    return Formula(at(sp.Symbol(output), point), inline=True)


__all__ = ["figure_formula", "scenario_names", "shaken", "typeset"]
