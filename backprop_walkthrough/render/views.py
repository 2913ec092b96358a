"""The one view registry: for each kind of result, the formats it is written in, how each
document is made and its terminal renderable. ``api.export``, ``api.terminal_view``, the
results' own ``export()`` and the command line look a result up here; nothing else dispatches
on the result's type. Every writer is imported when it is used (``--help`` stays light).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import OptionError
from ..model import (
    CheckResult,
    ClassCheck,
    ExpressionWalkthrough,
    ShapeWalkthrough,
    TensorReport,
    TrainingRun,
    Walkthrough,
)

if TYPE_CHECKING:
    from ..model import MatrixWalkthrough
    from .blocks import Document

DOCUMENTS = ("text", "json", "markdown", "latex", "html")


class Settings(NamedTuple):
    digits: int = 9
    full: bool = False
    log_scale: bool = True


class View(NamedTuple):
    what: str  # how a message names it: "a walkthrough"
    formats: tuple[str, ...]
    json: Callable[[Any], str]
    renderable: Callable[[Any, Settings], Any]
    #: the blocks of the result, which every document writer writes (None: no documents)
    layout: Callable[[Any, Settings], Document] | None = None
    #: a document written without the layout (the shapes' markdown)
    documents: Mapping[str, Callable[[Any, Settings], str]] = MappingProxyType({})


def _walkthrough_layout(w: Walkthrough, s: Settings) -> Document:
    from .layout import lay_out

    return lay_out(w, s.digits, s.full)


def _walkthrough_json(w: Walkthrough) -> str:
    from .json import render_json

    return render_json(w)


def _walkthrough_renderable(w: Walkthrough, s: Settings) -> Any:
    from .terminal import TerminalView

    return TerminalView(w, s.digits, s.full)


def _matrix_layout(w: MatrixWalkthrough, s: Settings) -> Document:
    from .matrix_layout import lay_out_matrices

    return lay_out_matrices(w, s.digits, s.full)


def _matrix_json(w: MatrixWalkthrough) -> str:
    from .matrix_json import render_matrix_json

    return render_matrix_json(w)


def _expression_layout(w: ExpressionWalkthrough, s: Settings) -> Document:
    from .expression_layout import lay_out_expression

    return lay_out_expression(w, s.digits)


def _expression_json(w: ExpressionWalkthrough) -> str:
    from .expression import render_expression_json

    return render_expression_json(w)


def _laid_out(layout: Callable[[Any, Settings], Document]) -> Callable[[Any, Settings], Any]:
    """The terminal view of a result the layout lays out."""

    def renderable(result: Any, s: Settings) -> Any:
        from .terminal import TerminalView

        return TerminalView(layout(result, s))

    return renderable


def _training_json(run: TrainingRun) -> str:
    from .training import render_training_json

    return render_training_json(run)


def _training_renderable(run: TrainingRun, s: Settings) -> Any:
    from ..engine.training import published_comparisons
    from .training import TrainingView

    return TrainingView(run, s.digits, s.log_scale, published_comparisons(run))


def _shapes_json(w: ShapeWalkthrough) -> str:
    from .shapes import render_shapes_json

    return render_shapes_json(w)


def _shapes_markdown(w: ShapeWalkthrough, _s: Settings) -> str:
    from .shapes import render_shapes_markdown

    return render_shapes_markdown(w)


def _shapes_renderable(w: ShapeWalkthrough, _s: Settings) -> Any:
    from .shapes import ShapesView

    return ShapesView(w)


def _class(result: CheckResult | ClassCheck) -> ClassCheck:
    """One file's result is a class of one: the JSON has one shape for any number of files."""
    return result if isinstance(result, ClassCheck) else ClassCheck((result,))


def _check_json(result: CheckResult | ClassCheck) -> str:
    from .check import render_check_json

    return render_check_json(_class(result))


def _tensor_report_layout(r: TensorReport, _s: Settings) -> Document:
    from .tensor_check import lay_out_tensor_report

    return lay_out_tensor_report(r)


def _tensor_report_json(r: TensorReport) -> str:
    from .tensor_check import tensor_report_json

    return tensor_report_json(r)


def _check_renderable(result: CheckResult | ClassCheck, _s: Settings) -> Any:
    from .check import check_view

    return check_view(_class(result))


#: The view of each kind of result, by its class in :mod:`..model` (named, not imported: a
#: training run's view loads nothing of the matrix view, which loads SymPy).
VIEWS: dict[str, View] = {
    "scalar.Walkthrough": View(
        "a walkthrough", DOCUMENTS, _walkthrough_json, _walkthrough_renderable, _walkthrough_layout
    ),
    "matrix.MatrixWalkthrough": View(
        "a walkthrough", DOCUMENTS, _matrix_json, _laid_out(_matrix_layout), _matrix_layout
    ),
    "expression.ExpressionWalkthrough": View(
        "an expression",
        DOCUMENTS,
        _expression_json,
        _laid_out(_expression_layout),
        _expression_layout,
    ),
    "scalar.TrainingRun": View(
        "a training run", ("text", "json"), _training_json, _training_renderable
    ),
    "tensors.ShapeWalkthrough": View(
        "shapes",
        ("text", "json", "markdown"),
        _shapes_json,
        _shapes_renderable,
        documents=MappingProxyType({"markdown": _shapes_markdown}),
    ),
    "tensors.TensorReport": View(
        "a tensor check",
        DOCUMENTS,
        _tensor_report_json,
        _laid_out(_tensor_report_layout),
        _tensor_report_layout,
    ),
    "check.CheckResult": View("a check", ("text", "json"), _check_json, _check_renderable),
    "check.ClassCheck": View("a class's check", ("text", "json"), _check_json, _check_renderable),
}


_MODEL = f"{__package__.rpartition('.')[0]}.model."


def view_of(result: object) -> View:
    """The view of a result (or of the class it extends, as the API's results do)."""
    for cls in type(result).__mro__:
        name = f"{cls.__module__.removeprefix(_MODEL)}.{cls.__qualname__}"
        if name in VIEWS:
            return VIEWS[name]
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
    if output_format == "json":
        return view.json(result)
    if output_format in view.documents:
        return view.documents[output_format](result, settings)
    if output_format != "text":
        from .writers import write

        assert view.layout is not None
        return write(view.layout(result, settings), output_format)
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
