"""The one view registry: for each kind of result, the formats it is written in, how each
document is made and its terminal renderable. ``api.export``, ``api.terminal_view``, the
results' own ``export()`` and the command line look a result up here; nothing else dispatches
on the result's type. Every writer is imported when it is used (``--help`` stays light).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, NamedTuple

from ..errors import OptionError
from ..model import (
    CheckResult,
    ExpressionWalkthrough,
    MatrixWalkthrough,
    ShapeWalkthrough,
    TrainingRun,
    Walkthrough,
)

DOCUMENTS = ("text", "json", "markdown", "latex", "html")


class Settings(NamedTuple):
    digits: int = 9
    full: bool = False
    log_scale: bool = True


class View(NamedTuple):
    what: str  # how a message names it: "a walkthrough"
    formats: tuple[str, ...]
    #: format (not text) → the document, from the result and the settings
    document: Callable[[Any, str, Settings], str]
    renderable: Callable[[Any, Settings], Any]


def _walkthrough_document(w: Walkthrough, output_format: str, s: Settings) -> str:
    if output_format == "json":
        from .json import render_json

        return render_json(w)
    if output_format == "markdown":
        from .markdown import render_markdown

        return render_markdown(w, s.digits, s.full)
    if output_format == "latex":
        from .latex import render_latex

        return render_latex(w, s.digits, s.full)
    from .html import render_html

    return render_html(w, s.digits, s.full)


def _walkthrough_renderable(w: Walkthrough, s: Settings) -> Any:
    from .terminal import TerminalView

    return TerminalView(w, s.digits, s.full)


def _matrix_document(w: MatrixWalkthrough, output_format: str, s: Settings) -> str:
    if output_format == "json":
        from .matrix_json import render_matrix_json

        return render_matrix_json(w)
    from .matrix_layout import render_matrices

    return render_matrices(w, output_format, s.digits, s.full)


def _matrix_renderable(w: MatrixWalkthrough, s: Settings) -> Any:
    from .matrix_layout import lay_out_matrices
    from .terminal import TerminalView

    return TerminalView(lay_out_matrices(w, s.digits, s.full))


def _expression_document(w: ExpressionWalkthrough, output_format: str, s: Settings) -> str:
    if output_format == "json":
        from .expression import render_expression_json

        return render_expression_json(w)
    from .expression_layout import render_expression

    return render_expression(w, output_format, s.digits)


def _expression_renderable(w: ExpressionWalkthrough, s: Settings) -> Any:
    from .expression_layout import lay_out_expression
    from .terminal import TerminalView

    return TerminalView(lay_out_expression(w, s.digits))


def _training_document(run: TrainingRun, _format: str, _s: Settings) -> str:
    from .json import render_training_json

    return render_training_json(run)


def _training_renderable(run: TrainingRun, s: Settings) -> Any:
    from ..engine.training import published_comparisons
    from .training import TrainingView

    return TrainingView(run, s.digits, s.log_scale, published_comparisons(run))


def _shapes_document(w: ShapeWalkthrough, output_format: str, _s: Settings) -> str:
    from .shapes import render_shapes_json, render_shapes_markdown

    return render_shapes_json(w) if output_format == "json" else render_shapes_markdown(w)


def _shapes_renderable(w: ShapeWalkthrough, _s: Settings) -> Any:
    from .shapes import ShapesView

    return ShapesView(w)


def _check_document(result: CheckResult, _format: str, _s: Settings) -> str:
    from .check import render_check_json

    return render_check_json([result])


def _check_renderable(result: CheckResult, _s: Settings) -> Any:
    from .check import check_view

    return check_view([result])


VIEWS: dict[type, View] = {
    Walkthrough: View("a walkthrough", DOCUMENTS, _walkthrough_document, _walkthrough_renderable),
    MatrixWalkthrough: View("a walkthrough", DOCUMENTS, _matrix_document, _matrix_renderable),
    ExpressionWalkthrough: View(
        "an expression", DOCUMENTS, _expression_document, _expression_renderable
    ),
    TrainingRun: View("a training run", ("text", "json"), _training_document, _training_renderable),
    ShapeWalkthrough: View(
        "shapes", ("text", "json", "markdown"), _shapes_document, _shapes_renderable
    ),
    CheckResult: View("a check", ("text", "json"), _check_document, _check_renderable),
}


def view_of(result: object) -> View:
    """The view of a result (or of the class it extends, as the API's results do)."""
    for cls in type(result).__mro__:
        if cls in VIEWS:
            return VIEWS[cls]
    raise TypeError(f"no view for {type(result).__name__}")


def check_format(view: View, output_format: str) -> None:
    if output_format not in view.formats:
        raise OptionError("--format", f"{view.what} is written as {', '.join(view.formats)}")


def renderable(result: object, settings: Settings | None = None) -> Any:
    """The result's Rich renderable, for ``Console.print``."""
    return view_of(result).renderable(result, settings or Settings())


def export(result: object, output_format: str, settings: Settings, width: int = 100) -> str:
    """The result as a document in ``output_format`` (text: rendered at ``width``, plain)."""
    view = view_of(result)
    check_format(view, output_format)
    if output_format != "text":
        return view.document(result, output_format, settings)
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        markup=False,
        emoji=False,
        highlight=False,
    )
    console.print(view.renderable(result, settings))
    return buffer.getvalue()
