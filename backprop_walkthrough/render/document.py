"""The walkthrough as a document: one walk over the steps, a few hooks per format.

Markdown, LaTeX and HTML show the same content as the terminal — the network, the forward pass,
the error, every chain with its factors, the shake checks, the update and the published figures —
so the dispatch on step types lives here once, and each format supplies how a heading, a
paragraph, a table, a block of aligned equations and a formula are written. Formulas come from
SymPy's printers (LaTeX or MathML) via :mod:`.printing`.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from ..model import (
    Chain,
    Comparison,
    Gradient,
    Note,
    Overview,
    Section,
    Shake,
    Step,
    Sum,
    Term,
    Update,
    Walkthrough,
)
from .drawing import draw_network
from .printing import format_operand, format_value

Row = list[str]  # markup of one aligned equation row: label, =, …


class DocumentRenderer:
    """Base class: subclasses implement the hooks; :meth:`render` returns the document."""

    def __init__(self, walkthrough: Walkthrough, digits: int = 9) -> None:
        self.walkthrough = walkthrough
        self.digits = digits
        self.parts: list[str] = []

    # hooks ------------------------------------------------------------------------------

    def begin(self, title: str, subtitle: str) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Close the document (LaTeX's \\end{document}, HTML's </body>)."""

    def heading(self, text: str, level: int = 2) -> None:
        raise NotImplementedError

    def paragraph(self, text: str) -> None:
        raise NotImplementedError

    def preformatted(self, text: str) -> None:
        raise NotImplementedError

    def table(
        self, header: list[str], rows: list[list[str]], math_columns: frozenset[int] = frozenset()
    ) -> None:
        """``rows`` are plain text, except the cells of ``math_columns``, which are math markup."""
        raise NotImplementedError

    def equations(self, rows: list[Row]) -> None:
        """Aligned equations; each row's cells are math markup, the '=' cells become aligned."""
        raise NotImplementedError

    def note(self, text: str) -> None:
        raise NotImplementedError

    def math(self, expr: sp.Basic, substitutions: Mapping[sp.Basic, float] | None = None) -> str:
        raise NotImplementedError

    def number(self, value: float, parenthesised: bool = False) -> str:
        """A value as math markup; negative ones in parentheses inside products and sums."""
        raise NotImplementedError

    def operator(self, name: str) -> str:
        """Math markup of ×, +, = (``times``, ``plus``, ``equals``)."""
        raise NotImplementedError

    # the walk -----------------------------------------------------------------------------

    def render(self) -> str:
        w = self.walkthrough
        self.begin(f"Backpropagation, step by step — {w.scenario.name}", w.scenario.description)
        for section in w.sections:
            self.section(section)
        self.end()
        return "".join(self.parts)

    def value(self, value: float) -> str:
        return format_value(value, self.digits)

    def section(self, section: Section) -> None:
        self.heading(section.title)
        if section.intro:
            self.paragraph(section.intro)
        if section.kind == "published":
            self.comparisons([s for s in section.steps if isinstance(s, Comparison)])
            return
        if section.kind == "update":
            for step in section.steps:
                if isinstance(step, Note):
                    self.note(step.text)
            self.updates([s for s in section.steps if isinstance(s, Update)])
            for step in section.steps:
                if isinstance(step, Term):
                    self.step(step)
            return
        for step in section.steps:
            self.step(step)

    def step(self, step: Step) -> None:
        if isinstance(step, Overview):
            self.overview(step)
        elif isinstance(step, Term):
            self.equations(self.term_rows(step))
            self.notes_for([step.key])
        elif isinstance(step, Gradient):
            self.equations(self.derivation_rows(step.derivation))
            self.notes_for(self.keys(step.derivation))
            if step.shake is not None:
                self.shake(step.shake)
        elif isinstance(step, (Chain, Sum)):
            self.equations(self.derivation_rows(step))
        elif isinstance(step, Note):
            self.note(step.text)
        elif isinstance(step, Update):
            self.updates([step])
        elif isinstance(step, Comparison):
            self.comparisons([step])
        else:  # pragma: no cover - the meta-test checks every step type is handled
            raise TypeError(f"no document rendering for {type(step).__name__}")

    def overview(self, step: Overview) -> None:
        s = step.scenario
        rows = [
            [w.name, f"{w.source} → {w.target}", format_operand(w.value, self.digits)]
            for w in s.weights
        ]
        rows += [
            [b.name, f"1 → {', '.join(b.targets)}", format_operand(b.value, self.digits)]
            for b in s.biases
        ]
        self.table(["parameter", "connection", "value"], rows)
        data = [[f"input {k}", format_operand(v, self.digits)] for k, v in s.inputs.items()]
        data += [[f"target {k}", format_operand(v, self.digits)] for k, v in s.targets.items()]
        if s.is_batch:
            data = [
                [
                    f"example {i}",
                    ", ".join(f"{k} = {v:g}" for k, v in {**e.inputs, **e.targets}.items()),
                ]
                for i, e in enumerate(s.examples, start=1)
            ]
        data += [
            ["learning rate η", format_operand(s.learning_rate, self.digits)],
            ["loss", s.loss.replace("_", " ")],
            ["update biases", "yes" if s.update_biases else "no"],
        ]
        self.table(["", "value"], data)
        if max(len(layer.neurons) for layer in s.layers) <= 4:
            self.network_picture(step)
        for _name, function, definition in step.activations:
            self.equations([[self.math(function), self.operator("equals"), self.math(definition)]])

    def network_picture(self, step: Overview) -> None:
        self.preformatted(draw_network(step.scenario))

    # formulas -------------------------------------------------------------------------------

    def term_rows(self, term: Term) -> list[Row]:
        eq = self.operator("equals")
        label = self.math(term.label)
        return [
            [label, eq, self.math(term.expr)],
            ["", eq, self.math(term.expr, term.substitutions)],
            ["", eq, self.number(term.value)],
        ]

    def tagged(self, step: Chain | Sum) -> str:
        label = self.math(step.label)
        parts = []
        if isinstance(step, Chain) and step.via:
            parts.append(f"via {step.via}")
        if step.example is not None:
            parts.append(f"example {step.example}")
        return label + (self.annotation(", ".join(parts)) if parts else "")

    def annotation(self, text: str) -> str:
        """A few words beside a formula, e.g. (via o1)."""
        raise NotImplementedError

    def derivation_rows(self, step: Chain | Sum) -> list[Row]:
        eq, times, plus = self.operator("equals"), self.operator("times"), self.operator("plus")
        label = self.tagged(step)
        if isinstance(step, Chain):
            rows = [[label, eq, times.join(self.math(f.label) for f in step.factors)]]
            for f in step.factors:
                symbolic = self.annotation("from above") if f.reference else self.math(f.expr)
                rows.append(
                    [
                        self.math(f.label),
                        eq,
                        symbolic,
                        eq,
                        self.math(f.expr, f.substitutions),
                        eq,
                        self.number(f.value),
                    ]
                )
            rows.append(
                [
                    label,
                    eq,
                    times.join(self.number(f.value, True) for f in step.factors),
                    eq,
                    self.number(step.value),
                ]
            )
            return rows
        rows = [[label, eq, plus.join(self.tagged(t) for t in step.terms)]]
        for term in step.terms:
            rows.extend(self.derivation_rows(term))
        rows.append(
            [
                label,
                eq,
                plus.join(self.number(t.value, True) for t in step.terms),
                eq,
                self.number(step.value),
            ]
        )
        for form in step.simplified:
            rows.append([label, eq, self.math(form.expr)])
        if step.simplified:
            last = step.simplified[-1]
            rows.append(
                [label, eq, self.math(last.expr, last.substitutions), eq, self.number(last.value)]
            )
        return rows

    def keys(self, step: Chain | Sum) -> list[str]:
        if isinstance(step, Chain):
            return [step.key] + [f.key for f in step.factors if not f.reference]
        return [step.key] + [k for t in step.terms for k in self.keys(t)]

    def shake(self, shake: Shake) -> None:
        mark = "✓ agrees" if shake.agrees else "✗ does not agree"
        self.paragraph(
            f"Shake it: (E_total({shake.wrt} + h) − E_total({shake.wrt} − h)) / 2h with "
            f"h = {shake.h:g} is ({shake.plus:.15f} − {shake.minus:.15f}) / {2 * shake.h:g} = "
            f"{self.value(shake.numeric)}; derived {self.value(shake.symbolic)} — {mark} "
            f"(differs by {shake.difference:.1e})."
        )

    # notes, updates, comparisons --------------------------------------------------------------

    def notes_for(self, keys: list[str]) -> None:
        for key in dict.fromkeys(keys):
            c = self.walkthrough.comparison(key)
            if c is None or c.agrees:
                continue
            text = (
                f"The published source prints {c.published:.{c.decimals}f} for {key}; "
                f"computed: {self.value(c.computed)}."
            )
            self.note(text + (f" Why: {c.why}" if c.why else ""))

    def updates(self, updates: list[Update]) -> None:
        rows = []
        for u in updates:
            if u.applied:
                gradient = format_operand(u.gradient, self.digits)
                gradient = f"({gradient})" if u.gradient < 0 else gradient
                formula = (
                    f"{format_operand(u.old, self.digits)} − "
                    f"{format_operand(u.learning_rate, self.digits)}·{gradient}"
                )
            else:
                formula = f"kept at {format_operand(u.old, self.digits)}"
            rows.append([u.parameter + "⁺", formula, self.value(u.new)])
        self.table(["parameter", "p − η·∂E_total/∂p", "new value"], rows)
        self.notes_for([f"new {u.parameter}" for u in updates])

    def comparisons(self, comparisons: list[Comparison]) -> None:
        rows = [
            [
                c.key,
                f"{c.published:.{c.decimals}f}",
                self.value(c.computed),
                "✓ agrees" if c.agrees else "✗ differs (see the note above)",
            ]
            for c in comparisons
        ]
        self.table(["figure", "published", "computed", ""], rows)
