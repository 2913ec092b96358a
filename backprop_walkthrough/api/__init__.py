"""The Python API: what the command line does, as functions that return objects.

    >>> from backprop_walkthrough import walkthrough, train
    >>> w = walkthrough("mazur")          # a built-in name, a path, a mapping or a Scenario
    >>> round(w.gradients["w1"], 9)
    0.000438568
    >>> run = train("mazur", steps=10_000)
    >>> round(run.E_total, 10)
    3.51019e-05

Everything returned is immutable and safe to keep (but a practice session, which is a
session). In Jupyter a walkthrough displays itself with typeset formulas (``_repr_html_``,
MathML; ``_repr_markdown_``, LaTeX). The command line calls these functions and nothing below
them: an import-linter contract keeps ``cli/`` to this package, ``options``, ``errors``,
``outputs`` and ``shipped``.

One module per kind of work: :mod:`.results` (the result types, ``export``), :mod:`.networks`
(``walkthrough``, ``matrices``, ``explain``, ``train``, ``graph``), :mod:`.expressions`
(``expression``), :mod:`.grading` (``check``), :mod:`.sessions` (a practice session) and
:mod:`.files` (``validate``, the built-in scenarios, ``shapes``), :mod:`.matrix_results` (the
matrix view's result), :mod:`.tensors` (a learner's own tensors checked). Each name is
imported on first use (``__getattr__`` below).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import attributes_from

if TYPE_CHECKING:
    from ..scenario import load_scenario
    from .expressions import expression
    from .files import (
        builtin_scenarios,
        file_kind,
        new_scenario,
        scenario_text,
        shapes,
        validate,
    )
    from .grading import check, check_document, check_files, check_view, figure_names
    from .matrix_results import Matrices
    from .networks import (
        CONVENTIONS,
        VIEWS,
        ScenarioLike,
        explain,
        graph,
        graph_format,
        matrices,
        train,
        walkthrough,
    )
    from .results import Expression, Walkthrough, export, terminal_view
    from .sessions import PARTS, WORKSHEET_FORMATS, Practice, Reply, practice
    from .tensors import TensorCheck, check_tensor_file, check_tensors

#: Where each name lives: imported on first use, so that a command loads only what it calls (a
#: cached ``train`` loads no SymPy, and nothing of ``check`` or the matrix view).
_HOMES = {
    "load_scenario": "..scenario",
    "expression": ".expressions",
    **dict.fromkeys(
        ("builtin_scenarios", "file_kind", "new_scenario", "scenario_text", "shapes", "validate"),
        ".files",
    ),
    **dict.fromkeys(
        ("check", "check_document", "check_files", "check_view", "figure_names"), ".grading"
    ),
    **dict.fromkeys(
        (
            "CONVENTIONS",
            "VIEWS",
            "ScenarioLike",
            "explain",
            "graph",
            "graph_format",
            "matrices",
            "train",
            "walkthrough",
        ),
        ".networks",
    ),
    **dict.fromkeys(("PARTS", "WORKSHEET_FORMATS", "Practice", "Reply", "practice"), ".sessions"),
    "Matrices": ".matrix_results",
    **dict.fromkeys(("TensorCheck", "check_tensors", "check_tensor_file"), ".tensors"),
    **dict.fromkeys(("Expression", "Walkthrough", "export", "terminal_view"), ".results"),
}


__getattr__ = attributes_from(__name__, _HOMES)


__all__ = [
    "CONVENTIONS",
    "PARTS",
    "VIEWS",
    "WORKSHEET_FORMATS",
    "Expression",
    "Matrices",
    "Practice",
    "Reply",
    "TensorCheck",
    "ScenarioLike",
    "Walkthrough",
    "builtin_scenarios",
    "check",
    "check_tensor_file",
    "check_tensors",
    "check_document",
    "check_files",
    "check_view",
    "explain",
    "export",
    "expression",
    "figure_names",
    "file_kind",
    "graph",
    "graph_format",
    "load_scenario",
    "matrices",
    "new_scenario",
    "practice",
    "scenario_text",
    "shapes",
    "terminal_view",
    "train",
    "validate",
    "walkthrough",
]
