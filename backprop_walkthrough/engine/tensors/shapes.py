"""The embedding-MLP shape walkthrough: a character-level language model, shape by shape.

The lecture's model: a context of ``block_size`` characters → their rows of an embedding table
C → flattened → a tanh hidden layer → logits over the vocabulary → softmax and cross-entropy.
This module builds the dataset from words exactly as the lecture does and derives every
tensor's shape, forward and backward. Matrix products and broadcast additions are built as
SymPy matrix expressions (``MatrixSymbol``), so the shapes are checked by SymPy's own rules: a
first layer declared 6 × 100 for a 9-wide input is caught where the product is formed and
explained, not asserted.
"""

from __future__ import annotations

import re
from collections import Counter

import sympy as sp

from ...errors import ScenarioError
from ...model import ShapeMismatch, ShapeWalkthrough, Tensor
from ...scenario.types import ShapesSpec
from .exercise import CODE

VOCABULARY = "." + "abcdefghijklmnopqrstuvwxyz"  # '.' starts and ends every word
_WORD = re.compile(r"[a-z]+\Z")


def build_dataset(words: tuple[str, ...], block_size: int) -> list[tuple[str, str]]:
    """Each word padded with '.' and cut into (context → next character) examples."""
    examples = []
    for word in words:
        context = "." * block_size
        for char in word + ".":
            examples.append((context, char))
            context = context[1:] + char
    return examples


class _Mismatch(Exception):  # noqa: N818 - control flow: the forward pass stops here
    def __init__(self, left: sp.MatrixExpr, right: sp.MatrixExpr) -> None:
        self.left, self.right = left, right


def _product(left: sp.MatrixExpr, right: sp.MatrixExpr) -> sp.MatrixExpr:
    """left · right, with SymPy checking the shapes (it raises ShapeError on a mismatch)."""
    try:
        return left * right
    except sp.ShapeError:
        raise _Mismatch(left, right) from None


def _first_layer_mismatch(spec: ShapesSpec, error: _Mismatch) -> ShapeMismatch:
    """The rule the first layer breaks, and the ways to mend it."""
    (a, b), (c, d) = error.left.shape, error.right.shape
    block, dim = spec.block_size, spec.embedding_dim
    rule = (
        f"embcat @ W1 cannot be formed: embcat is {a} × {b} and W1 is {c} × {d}. A matrix "
        f"product (n × k) @ (k × m) needs the inner sizes to match — each of embcat's {b} "
        f"numbers per row needs a row of weights in W1 — and here they differ: {b} ≠ {c}."
    )
    splits = [
        f"--block-size {k} --embedding-dim {c // k}"
        for k in range(1, c + 1)
        if c % k == 0 and (k, c // k) != (block, dim)
    ][:2]
    other = f", or make the flattened context {c} numbers wide ({' or '.join(splits)})"
    fix = (
        f"W1 needs block_size · embedding_dim = {block} · {dim} = {block * dim} rows, one per "
        f"number of the flattened context: leave the rows to the tool (no --w1-rows, no w1 in "
        f"the scenario) or declare {block * dim}" + (other if splits else "") + "."
    )
    return ShapeMismatch("hpre", CODE["hpre"], rule, fix)


def _shape(expr: sp.MatrixExpr) -> tuple[int, int]:
    rows, cols = expr.shape
    return int(rows), int(cols)


def _uses(uses: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(uses.items(), key=lambda item: (-item[1], item[0])))


def _inputs(
    n: int,
    b: int,
    e: int,
    h: int,
    v: int,
    embcat: sp.MatrixExpr,
    W1: sp.MatrixExpr,  # noqa: N803
) -> tuple[Tensor, ...]:
    """The tensors before the first product: the data, the embedding and the parameters."""
    ctx = f"{b} character{'s' if b > 1 else ''}"
    rows = _shape(W1)[0]
    w1_why = f"{b * e} inputs (the flattened context) × {h} hidden neurons"
    if rows != b * e:
        w1_why = (
            f"declared with {rows} rows × {h} hidden neurons; the flattened context has {b * e}"
        )
    return (
        Tensor(
            "X",
            (n, b),
            "X[i] = the indices of example i's context",
            f"one row per example ({n}), one column per character of the context ({ctx})",
        ),
        Tensor(
            "Y", (n,), "Y[i] = the index of the character that follows", "one target per example"
        ),
        Tensor(
            "C",
            (v, e),
            "the embedding table",
            f"one row per character of the vocabulary ({v}), {e} numbers each",
        ),
        Tensor(
            "emb",
            (n, b, e),
            CODE["emb"],
            f"indexing C with Xb replaces every index in Xb ({n} × {b}) by its row of C "
            f"({e} numbers): a new last dimension",
        ),
        Tensor(
            "embcat",
            _shape(embcat),
            CODE["embcat"],
            f"the {ctx} of each example side by side: {b} × {e} = {b * e} numbers per row",
        ),
        Tensor(
            "W1",
            _shape(W1),
            "the first layer's weights",
            w1_why,
        ),
        Tensor(
            "b1",
            (h,),
            "the first layer's biases",
            f"one per hidden neuron; broadcast: the same {h} numbers added to all {n} rows",
        ),
    )


#: shapes --numbers checks every gradient by scalar autodiff, a Python object per
#: multiply-add: at most this many multiply-adds in a pass.
MAX_NUMBERS_WORK = 2_000_000
#: shapes --train: at most this many steps × multiply-adds of a pass (some ten seconds here).
MAX_TRAIN_WORK = 3_000_000_000


def numbers_work(spec: ShapesSpec, examples: int) -> int:
    """The multiply-adds of one forward pass (a backward pass is about twice that)."""
    b, e, h = spec.block_size, spec.embedding_dim, spec.hidden
    return examples * (b * e * h + h * len(VOCABULARY))


def _batchnorm_forward(n: int, h: int) -> tuple[Tensor, ...]:
    """The batchnorm layer's shapes (``shapes --numbers`` shows every step with numbers)."""
    return (
        Tensor(
            "bnmeani",
            (1, h),
            "bnmeani = 1/n*hprebn.sum(0, keepdim=True)",
            f"each neuron's mean over the {n} examples, kept as a row (keepdim)",
        ),
        Tensor(
            "bnvar",
            (1, h),
            "bnvar = 1/(n-1)*((hprebn - bnmeani)**2).sum(0, keepdim=True)",
            f"each neuron's variance over the batch (Bessel: ÷ {n - 1}), kept as a row",
        ),
        Tensor(
            "bnraw",
            (n, h),
            "bnraw = (hprebn - bnmeani) * (bnvar + 1e-5)**-0.5",
            f"the two rows broadcast back over the {n} examples: the shape of hprebn",
        ),
        Tensor(
            "hpreact",
            (n, h),
            "hpreact = bngain * bnraw + bnbias",
            f"bngain and bnbias (1 × {h}): one gain and one shift per neuron, broadcast",
        ),
    )


def _batchnorm_backward(n: int, h: int) -> tuple[Tensor, ...]:
    return (
        Tensor(
            "dhpreact",
            (n, h),
            "dhpreact = (1.0 - h**2) * dh",
            "tanh's local gradient 1 − h², number by number: same shape",
        ),
        Tensor(
            "dbngain",
            (1, h),
            "dbngain = (bnraw * dhpreact).sum(0, keepdim=True)",
            f"bngain was broadcast over the {n} rows: its gradient sums them",
        ),
        Tensor(
            "dbnbias",
            (1, h),
            "dbnbias = dhpreact.sum(0, keepdim=True)",
            "the same for bnbias",
        ),
        Tensor(
            "dhprebn",
            (n, h),
            "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) "
            "- n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))",
            "through the batch's mean and variance back to each example: the shape of hprebn",
        ),
    )


def shape_walkthrough(
    spec: ShapesSpec, numbers: bool = False, train_steps: int = 0
) -> ShapeWalkthrough:
    """Every tensor's shape; with ``numbers``, every tensor's numbers and checked gradients;
    with ``train_steps``, exercise 4's training too (it implies ``numbers``)."""
    numbers = numbers or train_steps > 0
    if numbers:
        work = numbers_work(spec, len(build_dataset(spec.words, spec.block_size)))
        if work > MAX_NUMBERS_WORK:
            raise ScenarioError(
                spec.source,
                f"--numbers checks every gradient by scalar autodiff, at most "
                f"{MAX_NUMBERS_WORK:,} multiply-adds a pass; this network needs {work:,}: use a "
                "smaller hidden layer or fewer words",
                "hidden",
            )
        if train_steps * work > MAX_TRAIN_WORK:
            raise ScenarioError(
                spec.source,
                f"--train {train_steps:,} would take {train_steps * work:,} multiply-adds (the "
                f"limit is {MAX_TRAIN_WORK:,}, some ten seconds): fewer steps",
                "hidden",
            )
    examples = build_dataset(spec.words, spec.block_size)
    index = {c: i for i, c in enumerate(VOCABULARY)}
    X = tuple(tuple(index[c] for c in context) for context, _ in examples)  # noqa: N806
    Y = tuple(index[c] for _, c in examples)  # noqa: N806
    uses = Counter(c for context, _ in examples for c in context)
    n, b, e, h, v = len(examples), spec.block_size, spec.embedding_dim, spec.hidden, len(VOCABULARY)
    w1_rows = spec.w1_rows if spec.w1_rows is not None else b * e

    # The matrices, as SymPy sees them: their shapes are checked whenever they are combined.
    embcat = sp.MatrixSymbol("embcat", n, b * e)
    W1 = sp.MatrixSymbol("W1", w1_rows, h)  # noqa: N806
    b1 = sp.MatrixSymbol("b1", 1, h)
    W2 = sp.MatrixSymbol("W2", h, v)  # noqa: N806
    b2 = sp.MatrixSymbol("b2", 1, v)
    ones = sp.OneMatrix(n, 1)  # broadcasting a row over n rows is the product ones · row
    try:
        hpre = _product(embcat, W1) + ones * b1
    except _Mismatch as mismatch:
        explained = _first_layer_mismatch(spec, mismatch)
        forward = _inputs(n, b, e, h, v, embcat, W1)
        return ShapeWalkthrough(spec, tuple(examples), X, Y, _uses(uses), forward, (), explained)
    hidden = sp.MatrixSymbol("h", *hpre.shape)
    logits = _product(hidden, W2) + ones * b2
    dlogits = sp.MatrixSymbol("dlogits", *logits.shape)
    dW2 = hidden.T * dlogits  # noqa: N806
    db2 = sp.OneMatrix(1, n) * dlogits
    dh = dlogits * W2.T
    dW1 = embcat.T * dh  # noqa: N806 - dhpre has dh's shape
    db1 = sp.OneMatrix(1, n) * dh
    dembcat = dh * W1.T
    for gradient, value in ((dW2, W2), (db2, b2), (dW1, W1), (db1, b1), (dembcat, embcat)):
        assert gradient.shape == value.shape  # the calculus, not the input: cannot fail

    pre = "hprebn" if spec.batchnorm else "hpre"
    forward = (
        *_inputs(n, b, e, h, v, embcat, W1),
        Tensor(
            pre,
            _shape(hpre),
            CODE["hpre"].replace("hpre", pre),
            f"({n} × {b * e}) @ ({b * e} × {h}) = {n} × {h}; + b1 on every row",
        ),
        *(_batchnorm_forward(n, h) if spec.batchnorm else ()),
        Tensor(
            "h",
            _shape(hidden),
            CODE["h"].replace("hpre", "hpreact" if spec.batchnorm else "hpre"),
            "tanh acts on each number: same shape",
        ),
        Tensor(
            "W2",
            _shape(W2),
            "the second layer's weights",
            f"{h} hidden neurons × {v} characters of the vocabulary",
        ),
        Tensor("b2", (v,), "the second layer's biases", f"one per character, broadcast over {n}"),
        Tensor(
            "logits",
            _shape(logits),
            CODE["logits"],
            f"({n} × {h}) @ ({h} × {v}) = {n} × {v}: a score per example and character",
        ),
        Tensor(
            "loss",
            (),
            "loss = cross_entropy(logits, Y)",
            "softmax each row, take −log of the probability of the right character, "
            "average over the examples: one number",
        ),
    )
    backward = (
        Tensor(
            "dlogits",
            _shape(dlogits),
            f"dlogits = (softmax(logits) − onehot(Y)) / {n}",
            "the gradient of a tensor has the shape of the tensor: one number per logit",
        ),
        Tensor(
            "dW2",
            _shape(dW2),
            CODE["dW2"],
            f"({h} × {n}) @ ({n} × {v}) = {h} × {v}, the shape of W2: each weight sums its "
            f"contributions over the {n} examples",
        ),
        Tensor(
            "db2",
            (v,),
            CODE["db2"],
            f"b2 was broadcast over {n} rows, so its gradient sums those {n} rows",
        ),
        Tensor(
            "dh",
            _shape(dh),
            CODE["dh"],
            f"({n} × {v}) @ ({v} × {h}) = {n} × {h}, the shape of h",
        ),
        *(
            _batchnorm_backward(n, h)
            if spec.batchnorm
            else (
                Tensor(
                    "dhpre",
                    _shape(dh),
                    CODE["dhpre"],
                    "tanh's local gradient 1 − h², number by number: same shape",
                ),
            )
        ),
        Tensor(
            "dW1",
            _shape(dW1),
            CODE["dW1"].replace("dhpre", f"d{pre}"),
            f"({b * e} × {n}) @ ({n} × {h}) = {b * e} × {h}, the shape of W1",
        ),
        Tensor(
            "db1",
            (h,),
            CODE["db1"].replace("dhpre", f"d{pre}"),
            f"broadcasting in the forward pass becomes a sum in the backward pass: "
            f"the {n} rows add up",
        ),
        Tensor(
            "dembcat",
            _shape(dembcat),
            CODE["dembcat"].replace("dhpre", f"d{pre}"),
            f"({n} × {h}) @ ({h} × {b * e}) = {n} × {b * e}, the shape of embcat",
        ),
        Tensor(
            "demb",
            (n, b, e),
            CODE["demb"],
            "the view undone: the same numbers in the shape of C[Xb]",
        ),
        Tensor(
            "dC",
            (v, e),
            CODE["dC"],
            f"the lookup scatters back into C: each of the {n * b} looked-up rows adds its "
            "gradient to the row it came from, so a row used several times adds up",
        ),
    )
    computed = None
    if numbers:
        from .numbers import shape_numbers

        computed = shape_numbers(spec, X, Y, VOCABULARY, train_steps)
    return ShapeWalkthrough(
        spec=spec,
        examples=tuple(examples),
        X=X,
        Y=Y,
        row_uses=_uses(uses),
        forward=forward,
        backward=backward,
        numbers=computed,
    )
