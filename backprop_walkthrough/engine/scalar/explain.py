"""One parameter's derivation and everything it rests on, cut out of the full walkthrough.

``explain(w, "w1")`` keeps: the forward values the chain substitutes, every earlier derivative
it uses by name (∂E_total/∂out_h1 and, recursively, what that one uses), the parameter's own
chain with its shake check, and its update — in the order of the full walkthrough.
"""

from __future__ import annotations

from dataclasses import replace

from ...errors import ScenarioError, did_you_mean
from ...model import (
    Chain,
    FigureKey,
    Gradient,
    SectionKind,
    Step,
    Sum,
    Term,
    Update,
    Walkthrough,
    steps_of,
)
from ...scenario.types import Scenario

Reference = tuple[FigureKey, int | None]


def _symbols_and_references(step: Chain | Sum) -> tuple[set[str], set[Reference]]:
    symbols: set[str] = set()
    references: set[Reference] = set()
    if isinstance(step, Sum):
        for term in step.terms:
            more, refs = _symbols_and_references(term)
            symbols |= more
            references |= refs
        return symbols, references
    for factor in step.factors:
        if factor.reference:
            references.add((factor.key, factor.example))
        else:
            symbols |= {str(s) for s in factor.substitutions if s.is_Symbol}
    return symbols, references


def require_parameter(scenario: Scenario, parameter: str) -> list[str]:
    """The scenario's parameter names; a ScenarioError naming them if ``parameter`` is not one."""
    names = [p.name for p in scenario.parameters]
    if parameter not in names:
        raise ScenarioError(
            scenario.source,
            f"no parameter {parameter!r}{did_you_mean(parameter, names)} "
            f"(parameters: {', '.join(names)})",
        )
    return names


def explain(w: Walkthrough, parameter: str) -> Walkthrough:
    """A walkthrough of ``parameter`` alone (raises ScenarioError naming the valid ones)."""
    names = require_parameter(w.scenario, parameter)
    gradients = list(steps_of(w.sections, Gradient))
    by_key = {(g.derivation.key, g.example): g for g in gradients if g.wrt not in names}
    target = next(g for g in gradients if g.wrt == parameter and g.example is None)
    keep: list[Gradient] = [target]
    symbols, pending = _symbols_and_references(target.derivation)
    seen: set[Reference] = set()
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        found = by_key.get(key)
        if found is None:
            continue
        keep.append(found)
        more, refs = _symbols_and_references(found.derivation)
        symbols |= more
        pending |= refs
    kept = {id(g) for g in keep}
    sections = []
    steps: tuple[Step, ...]
    for section in w.sections:
        if section.kind in (SectionKind.FORWARD, SectionKind.ERROR):
            steps = tuple(s for s in section.steps if isinstance(s, Term) and s.key.name in symbols)
        elif section.kind in (SectionKind.GRADIENTS, SectionKind.BIASES):
            steps = tuple(s for s in section.steps if id(s) in kept)
        elif section.kind == SectionKind.UPDATE:
            steps = tuple(
                s for s in section.steps if isinstance(s, Update) and s.parameter == parameter
            )
        else:
            continue
        if steps:
            sections.append(section._replace(steps=steps))
    return replace(w, sections=tuple(sections), comparisons=())
