"""The embedding MLP: its shapes (``shapes``) and, with ``--numbers``, its tensors."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..scenario.types import ShapesSpec

# --- the embedding MLP's shapes ---------------------------------------------------------------


class Tensor(NamedTuple):
    name: str
    shape: tuple[int, ...]
    formula: str
    why: str


class ShapeMismatch(NamedTuple):
    """Where the shapes stop fitting: the tensor that cannot be formed, the rule it breaks
    (SymPy's, for a product) and what would make it fit."""

    tensor: str
    formula: str
    rule: str
    fix: str


class ShapeWalkthrough(NamedTuple):
    spec: ShapesSpec
    examples: tuple[tuple[str, str], ...]  # (context, next character)
    X: tuple[tuple[int, ...], ...]
    Y: tuple[int, ...]
    row_uses: tuple[tuple[str, int], ...]  # how often each row of C is looked up
    forward: tuple[Tensor, ...]  # up to the mismatch, if there is one
    backward: tuple[Tensor, ...]  # empty where the forward pass could not be completed
    mismatch: ShapeMismatch | None = None
    numbers: ShapeNumbers | None = None  # shapes --numbers


# --- the embedding MLP with numbers ------------------------------------------------------------

#: A tensor's numbers: a float (a scalar), or lists nested as deep as the tensor has dimensions.
Nested = Any


class NumericTensor(NamedTuple):
    """One tensor of ``shapes --numbers``: how the exercise's code computes it, the same in
    maths, why it has its shape (where a broadcast became a sum, a lookup a scatter-add), and
    every number."""

    name: str
    shape: tuple[int, ...]
    values: Nested
    code: str
    maths: str
    why: str
    keepdim: bool = False  # a 32 × 1 reduction kept as a column, to broadcast back


class TensorCheck(NamedTuple):
    """One row of the cmp table: a manual gradient against the independent computation."""

    name: str
    status: str  # exact (bit for bit), approximate (within the tolerance) or wrong
    max_difference: float
    why: str = ""  # why approximate rather than exact


class HandTraining(NamedTuple):
    """Exercise 4: gradient descent with the manual backward pass (``shapes --train N``)."""

    steps: int
    learning_rate: float
    losses: tuple[tuple[int, float], ...]  # (step, loss before it): at most MAX_POINTS, even
    final_loss: float  # after the last step
    batch: int  # examples in each step's batch (the whole dataset)


class ShapeNumbers(NamedTuple):
    seed: int
    init: str  # how the parameters were drawn, in words
    parameters: tuple[NumericTensor, ...]  # C, W1, b1, W2, b2
    forward: tuple[NumericTensor, ...]  # emb … logprobs, in the exercise's order
    loss: float  # the cross-entropy step by step
    fused_loss: float  # the same from the logits in one formula
    backward: tuple[NumericTensor, ...]  # dlogprobs … dC, in the exercise's order
    fused_dlogits: NumericTensor  # (softmax − onehot(Y)) / n
    checks: tuple[TensorCheck, ...]
    tolerance: str  # what "approximate" allows, in words
    reused: tuple[str, int]  # the most-reused row of C: its character and how often
    naive_row: tuple[float, ...]  # that row of dC with dC[X] = demb (assignment)
    accumulated_row: tuple[float, ...]  # and with dC[X] += demb, row by row (accumulation)
    #: With batchnorm: dhprebn from dhpreact in one formula (exercise 3).
    fused_dhprebn: NumericTensor | None = None
    training: HandTraining | None = None  # shapes --train
    #: With batchnorm: exercise 3 derived, (formula, why it holds) line by line.
    derivation: tuple[tuple[str, str], ...] = ()


# --- a learner's own tensors checked (check_tensors, shapes --check) --------------------------


class TensorVerdict(NamedTuple):
    """One row of the lecture's cmp table for a learner's gradient."""

    name: str  # dlogprobs … dC
    #: exact, approximate (torch.allclose), carried (wrong, but right for the learner's own
    #: earlier gradients) or wrong
    status: str
    max_difference: float  # inf where the shapes do not broadcast
    shape: tuple[int, ...]  # the learner's
    expected_shape: tuple[int, ...]
    mistake: str = ""  # the id of a named slip (learner.MISTAKES), where one fits
    words: str = ""  # what the slip is, or a note (a shape that differs harmlessly)


class TensorReport(NamedTuple):
    """A learner's gradients against the exercise recomputed from their parameters."""

    verdicts: tuple[TensorVerdict, ...]  # in the exercise's order
    first_wrong: str | None  # the one to fix first
    dtype: str  # the precision the exercise was recomputed in (the learner's)
    batchnorm: bool
    examples: int  # n, the batch
    loss: float  # the loss of their parameters on their batch, recomputed
    not_given: tuple[str, ...]  # the exercise's gradients the learner did not pass

    @property
    def all_right(self) -> bool:
        return self.first_wrong is None
