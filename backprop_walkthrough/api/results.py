"""The results the API returns: plain data of :mod:`..model` with ``export()``, ``explain()``
and the displays Jupyter uses, and the two functions every result is written by. (The matrix
view's result is in :mod:`.matrix_results`: its model subclasses SymPy's, which a cached ``train``
never loads.)"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeAlias

from .. import model, options
from ..model import ShapeWalkthrough, TrainingRun


class Walkthrough(model.Walkthrough):
    """A derived walkthrough (plain data, see :mod:`..model`) with the conveniences of the API:
    ``explain()``, ``export()`` and the displays Jupyter uses."""

    def explain(self, parameter: str) -> Walkthrough:
        """Only ``parameter``'s derivation and what it rests on."""
        from ..engine.scalar.explain import explain as cut

        return as_api(cut(self, parameter))

    def export(self, output_format: str = "text", **options: Any) -> str:
        return export(self, output_format, **options)

    def to_text(self, width: int = 100, digits: int = 9, full: bool = False) -> str:
        return export(self, "text", digits=digits, full=full, width=width)

    def to_json(self) -> str:
        return export(self, "json")

    def to_markdown(self, digits: int = 9) -> str:
        return export(self, "markdown", digits=digits)

    def to_latex(self, digits: int = 9) -> str:
        return export(self, "latex", digits=digits)

    def to_html(self, digits: int = 9) -> str:
        return export(self, "html", digits=digits)

    def _repr_html_(self) -> str:
        """Jupyter: the HTML page's content, formulas as MathML."""
        from ..render.html import render_html_fragment

        return render_html_fragment(self)

    def _repr_markdown_(self) -> str:
        """Jupyter front ends without HTML: Markdown with $$ LaTeX $$ formulas."""
        return self.to_markdown()


class Displays:
    """What Jupyter shows of a result that exports itself: the HTML page's content (formulas
    as MathML), or Markdown with $$ LaTeX $$ where a front end takes no HTML."""

    __slots__ = ()

    def export(self, output_format: str = "text") -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_html_(self) -> str:
        from ..render.html import html_fragment

        return html_fragment(self.export("html"))

    def _repr_markdown_(self) -> str:
        return self.export("markdown")


class Expression(model.ExpressionWalkthrough, Displays):
    """A scalar program's walkthrough (plain data, see :mod:`..model`) with ``export()`` and the
    displays Jupyter uses."""

    __slots__ = ()

    def export(self, output_format: str = "text", digits: int = 6) -> str:
        return export(self, output_format, digits=digits)


def as_api(derived: model.Walkthrough) -> Walkthrough:
    if isinstance(derived, Walkthrough):
        return derived
    fields = {f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)}
    return Walkthrough(**fields)


#: Every kind of result the API returns, which ``export`` and ``terminal_view`` take.
Result: TypeAlias = (
    "model.Walkthrough | TrainingRun | ShapeWalkthrough | model.MatrixWalkthrough"
    " | model.ExpressionWalkthrough | model.CheckResult | model.ClassCheck | model.TensorReport"
)


def export(
    result: Result,
    output_format: str = "text",
    *,
    digits: int = 9,
    full: bool = False,
    width: int = 100,
    log_scale: bool = True,
) -> str:
    """Any result as a document in ``output_format``.

    Walkthroughs, matrix views and expressions: text, json, markdown, latex, html. Training
    runs and checks: text, json. Shapes: text, json, markdown.
    """
    from ..render.views import Settings
    from ..render.views import export as write

    digits = options.digits(digits)
    width = options.whole("width", width, 20)
    return write(result, output_format, Settings(digits, full, log_scale), width)


def terminal_view(
    result: Result,
    *,
    digits: int = 9,
    full: bool = False,
    log_scale: bool = True,
) -> Any:
    """A Rich renderable of any result, for ``Console.print`` (coloured on a terminal)."""
    from ..render.views import Settings, renderable

    return renderable(result, Settings(digits, full, log_scale))
