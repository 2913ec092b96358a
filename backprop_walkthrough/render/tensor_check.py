"""A learner's tensors checked (``check_tensors``, ``shapes --check``): the lecture's cmp table
laid out as blocks — so the terminal, Markdown, LaTeX and HTML (a notebook's table) write the
same thing — and as JSON."""

from __future__ import annotations

from typing import Any

from ..engine.tensors.learner import LABELS
from ..model import TensorReport, TensorVerdict
from .blocks import (
    Align,
    CellRole,
    Code,
    Column,
    Document,
    Heading,
    Mark,
    Paragraph,
    Table,
    Title,
    Tone,
)
from .json_writer import dumps
from .numbers import with_minus


def _difference(v: TensorVerdict) -> str:
    if v.max_difference == float("inf"):
        return "shapes differ"
    return with_minus(f"{v.max_difference:.1e}")


def _shape(v: TensorVerdict) -> str:
    shape = " × ".join(map(str, v.shape)) or "scalar"
    return (
        shape
        if v.shape == v.expected_shape
        else f"{shape} (expected {' × '.join(map(str, v.expected_shape))})"
    )


def lay_out_tensor_report(report: TensorReport, _settings: Any = None) -> Document:
    rows = []
    for v in report.verdicts:
        first = v.name == report.first_wrong
        name: Any = Mark(False, v.name) if first else v.name
        label = "carried forward" if v.status == "carried" else LABELS.get(v.mistake, "")
        rows.append(
            (
                name,
                Mark(True) if v.status == "exact" else "",
                Mark(True) if v.status in ("exact", "approximate") else Mark(False),
                _difference(v),
                _shape(v),
                f"{label} — fix first" if first else label,
            )
        )
    table = Table(
        columns=(
            Column("tensor", role=CellRole.LABEL),
            Column("exact"),
            Column("approx."),
            Column("max diff", Align.RIGHT, CellRole.VALUE),
            Column("shape"),
            Column("mistake"),
        ),
        rows=tuple(rows),
    )
    kind = "with batchnorm" if report.batchnorm else "without batchnorm"
    wrong = [v for v in report.verdicts if v.status == "wrong"]
    carried = [v for v in report.verdicts if v.status == "carried"]
    verdict = (
        f"All {len(report.verdicts)} gradients right."
        if not wrong
        else f"{len(wrong)} of {len(report.verdicts)} wrong; the first, {report.first_wrong}, "
        "is the one to fix first."
        + (
            f" {len(carried)} more are only carried forward: right for your earlier "
            f"gradients ({', '.join(v.name for v in carried)})."
            if carried
            else ""
        )
    )
    blocks: list[Any] = [
        Title("Your tensors checked", f"the exercise {kind}, {report.examples} examples"),
        Paragraph(
            (
                "Every gradient recomputed from your parameters and batch, in your precision "
                f"({report.dtype}), by the lecture's lines; compared as its ",
                Code("cmp"),
                " does: exact when every entry is equal, approximate as ",
                Code("torch.allclose"),
                f" (rtol 1e−5, atol 1e−8). The loss of your parameters: {report.loss:.6g}.",
            ),
            Tone.INTRO,
        ),
        Heading("cmp"),
        table,
        Paragraph((verdict,), gap=True),
    ]
    explained = [v for v in report.verdicts if v.words and v.status != "carried"]
    if explained:
        blocks.append(Heading("What went wrong"))
        for v in explained:
            blocks.append(Paragraph((Code(v.name), f": {v.words}.")))
    if report.not_given:
        blocks.append(
            Paragraph((f"Not given (not checked): {', '.join(report.not_given)}.",), Tone.QUIET)
        )
    return Document(tuple(blocks))


def tensor_report_json(report: TensorReport) -> str:
    return dumps(
        {
            "all_right": report.all_right,
            "first_wrong": report.first_wrong,
            "dtype": report.dtype,
            "batchnorm": report.batchnorm,
            "examples": report.examples,
            "loss": report.loss,
            "tensors": [
                {
                    **v._asdict(),
                    "shape": list(v.shape),
                    "expected_shape": list(v.expected_shape),
                    "max_difference": None
                    if v.max_difference == float("inf")
                    else v.max_difference,
                }
                for v in report.verdicts
            ],
            "not_given": list(report.not_given),
        }
    )
