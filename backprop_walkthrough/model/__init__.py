"""The derivation as plain data, one module per view: :mod:`.scalar` (a network's sections,
steps and walkthrough), :mod:`.shake` (the shake check and its verdict), :mod:`.matrix`,
:mod:`.expression`, :mod:`.tensors`, :mod:`.check` (graded answers). No formatting and no prose
live here; every name is re-exported, so ``from ..model import Walkthrough`` reads the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import attributes_from
from .check import (
    MISTAKES,
    CheckResult,
    ClassCheck,
    FileProblem,
    Graded,
    Status,
)
from .expression import (
    Contribution,
    ExpressionWalkthrough,
    ExprNode,
    LocalDerivative,
)
from .scalar import (
    E_TOTAL_AFTER_KEY,
    E_TOTAL_KEY,
    Chain,
    Comparison,
    ExampleValues,
    FigureKey,
    Figures,
    Gradient,
    NeuronValues,
    Overview,
    PerExample,
    Section,
    SectionKind,
    Step,
    StepVisitor,
    Sum,
    Term,
    TrainingRun,
    Update,
    Walkthrough,
    path_tag,
    steps_of,
)
from .shake import (
    EPSILON,
    NOISE_SAFETY,
    RELATIVE_FLOOR,
    RESOLVED_DIGITS,
    ROUNDING_ULPS,
    SAFETY,
    Shake,
    Verdict,
    measured_noise,
)
from .tensors import (
    HandTraining,
    Nested,
    NumericTensor,
    ShapeMismatch,
    ShapeNumbers,
    ShapeWalkthrough,
    Tensor,
    TensorCheck,
    TensorReport,
    TensorVerdict,
)

if TYPE_CHECKING:
    from .matrix import (
        Applied,
        Convention,
        EntryNames,
        Link,
        MatrixForm,
        MatrixLayer,
        MatrixStep,
        MatrixWalkthrough,
    )

#: The matrix view's model subclasses SymPy's matrix expressions: imported on first use, so that
#: a cached ``train`` loads no SymPy (lazy.py).
_MATRIX_NAMES = frozenset(
    {
        "Applied",
        "Convention",
        "EntryNames",
        "Link",
        "MatrixForm",
        "MatrixLayer",
        "MatrixStep",
        "MatrixWalkthrough",
    }
)


__getattr__ = attributes_from(__name__, dict.fromkeys(_MATRIX_NAMES, ".matrix"))


__all__ = [
    "MISTAKES",
    "Applied",
    "Chain",
    "CheckResult",
    "ClassCheck",
    "FileProblem",
    "Comparison",
    "Contribution",
    "Convention",
    "EPSILON",
    "E_TOTAL_AFTER_KEY",
    "E_TOTAL_KEY",
    "EntryNames",
    "ExampleValues",
    "ExprNode",
    "ExpressionWalkthrough",
    "FigureKey",
    "Figures",
    "Graded",
    "HandTraining",
    "Gradient",
    "Link",
    "LocalDerivative",
    "MatrixForm",
    "MatrixLayer",
    "MatrixStep",
    "MatrixWalkthrough",
    "NOISE_SAFETY",
    "Nested",
    "NeuronValues",
    "NumericTensor",
    "Overview",
    "PerExample",
    "RELATIVE_FLOOR",
    "RESOLVED_DIGITS",
    "ROUNDING_ULPS",
    "SAFETY",
    "Section",
    "SectionKind",
    "Shake",
    "ShapeMismatch",
    "ShapeNumbers",
    "ShapeWalkthrough",
    "Status",
    "Step",
    "StepVisitor",
    "Sum",
    "Tensor",
    "TensorCheck",
    "TensorReport",
    "TensorVerdict",
    "Term",
    "TrainingRun",
    "Update",
    "Verdict",
    "Walkthrough",
    "measured_noise",
    "path_tag",
    "steps_of",
]
