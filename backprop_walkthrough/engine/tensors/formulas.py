"""The embedding MLP with numbers: the forward pass and the manual tensor backprop of the
lecture's exercise, in plain Python floats.

Why plain floats and not numpy: the lecture's network is small (32 examples, 3 808
parameters); a forward and backward pass is about 350 000 multiply-adds, a few tens of
milliseconds in Python, and numpy would be a runtime dependency (and ~0.1 s of import) for a
single command. Every sum is an explicit left-to-right loop, so the numbers are the same on
every Python (3.12's ``sum()`` of floats compensates; a loop does not).

Parameters (``init: {seed: N}``, default the lecture's seed 2147483647), drawn as normal
numbers (:class:`...scenario.draws.Draws`, the same on every machine and Python) in this order,
with the lecture's scales: C (vocabulary × embedding) ~ N(0, 1); W1 (block·embedding × hidden)
~ N(0, 1)·(5/3)/√(block·embedding), the tanh gain over √fan-in; b1 ~ N(0, 1)·0.1; W2 (hidden ×
vocabulary) ~ N(0, 1)·0.1; b2 ~ N(0, 1)·0.1. Small but non-zero biases and W2, as in the
exercise, so that no gradient is hidden by a zero. The generator is ours (on Python's
``random()``), not PyTorch's: the same seed gives other numbers than the lecture's notebook,
and the same numbers on every run.

The cross-entropy is taken apart as the exercise does (logit maxes, normalised logits, counts,
their sum and its inverse, probs, logprobs) and backpropagated through each step in its order;
the fused forms — loss = mean(logsumexp − the right logit), dlogits = (softmax − onehot(Y))/n —
are computed beside them. The checks against an independent computation are in
:mod:`.autograd`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ...scenario.draws import Draws
from ...scenario.types import ShapesSpec

Matrix = list[list[float]]

#: The lecture's scales: W1's tanh gain over √fan-in, and a tenth for the rest but C.
TANH_GAIN = 5 / 3
SMALL = 0.1


# --- plain-float tensor helpers (loops, in index order) ---------------------------------------


def matmul(a: Matrix, b: Matrix) -> Matrix:
    columns = list(zip(*b, strict=True))
    out = []
    for row in a:
        line = []
        for column in columns:
            total = 0.0
            for x, y in zip(row, column, strict=True):
                total += x * y
            line.append(total)
        out.append(line)
    return out


def transpose(a: Matrix) -> Matrix:
    return [list(column) for column in zip(*a, strict=True)]


def column_sums(a: Matrix) -> list[float]:
    """``a.sum(0)``: one total per column, the rows added in order."""
    totals = [0.0] * len(a[0])
    for row in a:
        for j, x in enumerate(row):
            totals[j] += x
    return totals


def row_sums(a: Matrix) -> Matrix:
    """``a.sum(1, keepdim=True)``: one total per row, kept as a column."""
    out = []
    for row in a:
        total = 0.0
        for x in row:
            total += x
        out.append([total])
    return out


def shape_of(values: object) -> tuple[int, ...]:
    shape = []
    while isinstance(values, list):
        shape.append(len(values))
        values = values[0] if values else None
    return tuple(shape)


# --- the parameters -----------------------------------------------------------------------------


def initialise(spec: ShapesSpec, vocabulary: int) -> dict[str, Any]:
    """C, W1, b1, W2, b2 drawn in that order (see the module's docstring)."""
    rng = Draws(spec.seed)
    fan_in = spec.block_size * spec.embedding_dim

    def draw(rows: int, columns: int, scale: float) -> Matrix:
        return [[rng.gauss(0.0, 1.0) * scale for _ in range(columns)] for _ in range(rows)]

    return {
        "C": draw(vocabulary, spec.embedding_dim, 1.0),
        "W1": draw(fan_in, spec.hidden, TANH_GAIN / math.sqrt(fan_in)),
        "b1": draw(1, spec.hidden, SMALL)[0],
        "W2": draw(spec.hidden, vocabulary, SMALL),
        "b2": draw(1, vocabulary, SMALL)[0],
    }


INIT_TEXT = (
    "C ~ N(0, 1); W1 ~ N(0, 1)·(5/3)/√{fan_in}; b1, W2, b2 ~ N(0, 1)·0.1 — "
    "normal draws from seed {seed}, in that order"
)


# --- forward and backward -----------------------------------------------------------------------


class ManualBackprop:
    """The exercise, tensor by tensor. ``tensors`` holds every value by its code name."""

    def __init__(
        self,
        X: Sequence[Sequence[int]],  # noqa: N803 - the lecture's names
        Y: Sequence[int],  # noqa: N803
        parameters: dict[str, Any],
        spec: ShapesSpec,
    ) -> None:
        self.X, self.Y = X, Y
        self.n, self.b, self.e = len(X), spec.block_size, spec.embedding_dim
        self.t: dict[str, Any] = dict(parameters)

    def forward(self) -> None:
        t, n = self.t, self.n
        C, W1, b1, W2, b2 = (t[k] for k in ("C", "W1", "b1", "W2", "b2"))  # noqa: N806
        emb = [[list(C[index]) for index in context] for context in self.X]
        embcat = [[x for row in example for x in row] for example in emb]
        hpre = [[x + bias for x, bias in zip(row, b1, strict=True)] for row in matmul(embcat, W1)]
        h = [[math.tanh(x) for x in row] for row in hpre]
        logits = [[x + bias for x, bias in zip(row, b2, strict=True)] for row in matmul(h, W2)]
        logit_maxes = [[max(row)] for row in logits]
        norm_logits = [[x - m[0] for x in row] for row, m in zip(logits, logit_maxes, strict=True)]
        counts = [[math.exp(x) for x in row] for row in norm_logits]
        counts_sum = row_sums(counts)
        counts_sum_inv = [[s[0] ** -1] for s in counts_sum]
        probs = [[x * inv[0] for x in row] for row, inv in zip(counts, counts_sum_inv, strict=True)]
        logprobs = [[math.log(p) for p in row] for row in probs]
        total = 0.0
        for i, y in enumerate(self.Y):
            total += logprobs[i][y]
        t.update(
            emb=emb,
            embcat=embcat,
            hpre=hpre,
            h=h,
            logits=logits,
            logit_maxes=logit_maxes,
            norm_logits=norm_logits,
            counts=counts,
            counts_sum=counts_sum,
            counts_sum_inv=counts_sum_inv,
            probs=probs,
            logprobs=logprobs,
            loss=-total / n,
        )

    def fused_loss(self) -> float:
        """mean over the examples of logsumexp(logits) − the right logit (stable: max out)."""
        total = 0.0
        for row, y in zip(self.t["logits"], self.Y, strict=True):
            top = max(row)
            exps = 0.0
            for x in row:
                exps += math.exp(x - top)
            total += top + math.log(exps) - row[y]
        return total / self.n

    def backward(self) -> None:
        """dlogprobs … dC, in the exercise's order, each from the ones before it."""
        t, n, Y = self.t, self.n, self.Y  # noqa: N806
        probs, counts = t["probs"], t["counts"]
        counts_sum, counts_sum_inv = t["counts_sum"], t["counts_sum_inv"]
        rows, vocab = n, len(probs[0])
        dlogprobs = [[0.0] * vocab for _ in range(rows)]
        for i, y in enumerate(Y):
            dlogprobs[i][y] = -1.0 / n
        dprobs = [
            [(1.0 / p) * d for p, d in zip(prow, drow, strict=True)]
            for prow, drow in zip(probs, dlogprobs, strict=True)
        ]
        dcounts_sum_inv = row_sums(
            [
                [c * d for c, d in zip(crow, drow, strict=True)]
                for crow, drow in zip(counts, dprobs, strict=True)
            ]
        )
        dcounts = [
            [inv[0] * d for d in drow] for inv, drow in zip(counts_sum_inv, dprobs, strict=True)
        ]
        dcounts_sum = [
            [-(s[0] ** -2) * d[0]] for s, d in zip(counts_sum, dcounts_sum_inv, strict=True)
        ]
        for drow, ds in zip(dcounts, dcounts_sum, strict=True):
            for j in range(vocab):
                drow[j] += ds[0]  # counts_sum = counts.sum(1): each count gets the row's gradient
        dnorm_logits = [
            [c * d for c, d in zip(crow, drow, strict=True)]
            for crow, drow in zip(counts, dcounts, strict=True)
        ]
        dlogit_maxes = row_sums([[-d for d in row] for row in dnorm_logits])
        dlogits = [list(row) for row in dnorm_logits]
        for i, row in enumerate(t["logits"]):
            dlogits[i][row.index(max(row))] += dlogit_maxes[i][0]
        W1, W2, h, embcat = t["W1"], t["W2"], t["h"], t["embcat"]  # noqa: N806
        dh = matmul(dlogits, transpose(W2))
        dW2 = matmul(transpose(h), dlogits)  # noqa: N806
        db2 = column_sums(dlogits)
        dhpre = [
            [(1.0 - y**2) * d for y, d in zip(hrow, drow, strict=True)]
            for hrow, drow in zip(h, dh, strict=True)
        ]
        dW1 = matmul(transpose(embcat), dhpre)  # noqa: N806
        db1 = column_sums(dhpre)
        dembcat = matmul(dhpre, transpose(W1))
        b, e = self.b, self.e
        demb = [[row[j * e : (j + 1) * e] for j in range(b)] for row in dembcat]
        C = t["C"]  # noqa: N806
        dC = [[0.0] * e for _ in C]  # noqa: N806
        for i, context in enumerate(self.X):
            for j, index in enumerate(context):
                for k in range(e):
                    dC[index][k] += demb[i][j][k]
        t.update(
            dlogprobs=dlogprobs,
            dprobs=dprobs,
            dcounts_sum_inv=dcounts_sum_inv,
            dcounts_sum=dcounts_sum,
            dcounts=dcounts,
            dnorm_logits=dnorm_logits,
            dlogit_maxes=dlogit_maxes,
            dlogits=dlogits,
            dh=dh,
            dW2=dW2,
            db2=db2,
            dhpre=dhpre,
            dW1=dW1,
            db1=db1,
            dembcat=dembcat,
            demb=demb,
            dC=dC,
        )

    def fused_dlogits(self) -> Matrix:
        """(softmax(logits) − onehot(Y)) / n, from the logits directly."""
        out = []
        for row, y in zip(self.t["logits"], self.Y, strict=True):
            top = max(row)
            exps = [math.exp(x - top) for x in row]
            total = 0.0
            for x in exps:
                total += x
            line = [x / total for x in exps]
            line[y] -= 1.0
            out.append([x / self.n for x in line])
        return out

    def naive_scatter(self, index: int) -> list[float]:
        """Row ``index`` of dC as ``dC[X] = demb`` leaves it: each lookup overwrites the row, so
        only the last example that used it counts."""
        row = [0.0] * self.e
        demb = self.t["demb"]
        for i, context in enumerate(self.X):
            for j, used in enumerate(context):
                if used == index:
                    row = list(demb[i][j])
        return row


def most_reused(X: Sequence[Sequence[int]]) -> tuple[int, int]:  # noqa: N803
    """The index of the row of C looked up most often, and how often (ties: the lowest)."""
    uses = Counter(index for context in X for index in context)
    index, count = min(uses.items(), key=lambda item: (-item[1], item[0]))
    return index, count
