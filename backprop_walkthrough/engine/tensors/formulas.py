"""The embedding MLP with numbers: the forward pass and the manual tensor backprop of the
lecture's exercise, line for line, on NumPy arrays.

Why NumPy: these are the lecture's own lines (``hprebn = embcat @ W1 + b1``,
``dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv``), each one array operation, so that the
same code serves ``shapes --numbers``, the training loop of exercise 4 and ``check_tensors``,
which recomputes a learner's tensors from *their* parameters in *their* precision: a learner
who writes the lecture's lines in NumPy gets every tensor bit for bit. Each step keeps the
lecture's order of operations; where a sum's order differs from PyTorch's the last bits
differ, which the cmp table calls approximate.

Parameters (``init: {seed: N}``, default the lecture's seed 2147483647), drawn as normal
numbers (:class:`...scenario.draws.Draws`, the same on every machine and Python) in this order,
with the lecture's scales: C (vocabulary × embedding) ~ N(0, 1); W1 (block·embedding × hidden)
~ N(0, 1)·(5/3)/√(block·embedding), the tanh gain over √fan-in; b1 ~ N(0, 1)·0.1; W2 (hidden ×
vocabulary) ~ N(0, 1)·0.1; b2 ~ N(0, 1)·0.1; with batchnorm, bngain ~ N(0, 1)·0.1 + 1 and
bnbias ~ N(0, 1)·0.1 (1 × hidden). Small but non-zero biases and W2, and a gain that is not 1:
the lecture's "non-standard" initialisation, so that no gradient is hidden by a zero or a one.
The generator is ours (on Python's ``random()``), not PyTorch's: the same seed gives other
numbers than the lecture's notebook, and the same numbers on every run.

The cross-entropy is taken apart as the exercise does (logit maxes, normalised logits, counts,
their sum and its inverse, probs, logprobs) and backpropagated through each step in its order;
the fused forms — loss = mean(logsumexp − the right logit), dlogits = (softmax − onehot(Y))/n,
dhprebn = bngain·bnvar_inv/n·(n·dhpreact − Σ dhpreact − n/(n−1)·bnraw·Σ dhpreact·bnraw) — are
computed beside them. The checks against an independent computation are in :mod:`.autograd`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ...scenario.draws import Draws
from ...scenario.types import ShapesSpec

#: The lecture's scales: W1's tanh gain over √fan-in, and a tenth for the rest but C.
TANH_GAIN = 5 / 3
SMALL = 0.1
#: Added to the batch variance before its inverse square root (the lecture's 1e-5).
EPSILON = 1e-5

#: The parameters, in the order they are drawn (and the lecture lists them).
PARAMETERS = ("C", "W1", "b1", "W2", "b2")
BATCHNORM_PARAMETERS = ("bngain", "bnbias")

#: The gradients of exercise 1, in its order, without and with the batchnorm layer.
GRADIENTS = (
    "dlogprobs", "dprobs", "dcounts_sum_inv", "dcounts_sum", "dcounts", "dnorm_logits",
    "dlogit_maxes", "dlogits", "dh", "dW2", "db2", "dhpre", "dembcat", "dW1", "db1", "demb", "dC",
)  # fmt: skip
BATCHNORM_GRADIENTS = (
    "dlogprobs", "dprobs", "dcounts_sum_inv", "dcounts_sum", "dcounts", "dnorm_logits",
    "dlogit_maxes", "dlogits", "dh", "dW2", "db2", "dhpreact", "dbngain", "dbnbias", "dbnraw",
    "dbnvar_inv", "dbnvar", "dbndiff2", "dbndiff", "dbnmeani", "dhprebn", "dembcat", "dW1", "db1",
    "demb", "dC",
)  # fmt: skip


def parameter_names(batchnorm: bool) -> tuple[str, ...]:
    return PARAMETERS + (BATCHNORM_PARAMETERS if batchnorm else ())


def initialise(spec: ShapesSpec, vocabulary: int) -> dict[str, Any]:
    """C, W1, b1, W2, b2 (and bngain, bnbias) drawn in that order (see the module's
    docstring), as float64 arrays."""
    import numpy as np

    rng = Draws(spec.seed)
    fan_in = spec.block_size * spec.embedding_dim

    def draw(rows: int, columns: int, scale: float, shift: float = 0.0) -> Any:
        drawn = [[rng.gauss(0.0, 1.0) * scale + shift for _ in range(columns)] for _ in range(rows)]
        return np.array(drawn, dtype=np.float64)

    parameters = {
        "C": draw(vocabulary, spec.embedding_dim, 1.0),
        "W1": draw(fan_in, spec.hidden, TANH_GAIN / math.sqrt(fan_in)),
        "b1": draw(1, spec.hidden, SMALL)[0],
        "W2": draw(spec.hidden, vocabulary, SMALL),
        "b2": draw(1, vocabulary, SMALL)[0],
    }
    if spec.batchnorm:
        parameters["bngain"] = draw(1, spec.hidden, SMALL, 1.0)
        parameters["bnbias"] = draw(1, spec.hidden, SMALL)
    return parameters


INIT_TEXT = (
    "C ~ N(0, 1); W1 ~ N(0, 1)·(5/3)/√{fan_in}; b1, W2, b2 ~ N(0, 1)·0.1{batchnorm} — "
    "normal draws from seed {seed}, in that order"
)
BATCHNORM_INIT_TEXT = "; bngain ~ N(0, 1)·0.1 + 1; bnbias ~ N(0, 1)·0.1"


def init_text(spec: ShapesSpec) -> str:
    batchnorm = BATCHNORM_INIT_TEXT if spec.batchnorm else ""
    fan_in = spec.block_size * spec.embedding_dim
    return INIT_TEXT.format(fan_in=fan_in, seed=spec.seed, batchnorm=batchnorm)


class ManualBackprop:
    """The exercise, tensor by tensor. ``t`` holds every value by its code name, as arrays of
    the parameters' dtype (float64 for our own; a learner's float32 stays float32)."""

    def __init__(
        self,
        X: Any,  # noqa: N803 - the lecture's names
        Y: Any,  # noqa: N803
        parameters: Mapping[str, Any],
        batchnorm: bool = False,
    ) -> None:
        import numpy as np

        self.np = np
        self.X = np.asarray(X, dtype=np.intp)
        self.Y = np.asarray(Y, dtype=np.intp)
        self.n = len(self.X)
        self.batchnorm = batchnorm
        self.t: dict[str, Any] = {k: np.asarray(v) for k, v in parameters.items()}
        self.dtype = self.t["W1"].dtype

    @property
    def pre(self) -> str:
        """The hidden layer's pre-activation: hprebn (before batchnorm) or hpre."""
        return "hprebn" if self.batchnorm else "hpre"

    def forward(self) -> None:
        np, t, n = self.np, self.t, self.n
        emb = t["C"][self.X]
        embcat = emb.reshape(emb.shape[0], -1)
        pre = embcat @ t["W1"] + t["b1"]
        t.update(emb=emb, embcat=embcat)
        if self.batchnorm:
            bnmeani = 1 / n * pre.sum(0, keepdims=True)
            bndiff = pre - bnmeani
            bndiff2 = bndiff**2
            bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)  # Bessel's correction
            bnvar_inv = (bnvar + EPSILON) ** -0.5
            bnraw = bndiff * bnvar_inv
            hpreact = t["bngain"] * bnraw + t["bnbias"]
            t.update(hprebn=pre, bnmeani=bnmeani, bndiff=bndiff, bndiff2=bndiff2, bnvar=bnvar)
            t.update(bnvar_inv=bnvar_inv, bnraw=bnraw, hpreact=hpreact)
            h = np.tanh(hpreact)
        else:
            t["hpre"] = pre
            h = np.tanh(pre)
        logits = h @ t["W2"] + t["b2"]
        logit_maxes = logits.max(1, keepdims=True)
        norm_logits = logits - logit_maxes
        counts = np.exp(norm_logits)
        counts_sum = counts.sum(1, keepdims=True)
        counts_sum_inv = counts_sum**-1
        probs = counts * counts_sum_inv
        logprobs = np.log(probs)
        loss = -logprobs[np.arange(n), self.Y].mean()
        t.update(h=h, logits=logits, logit_maxes=logit_maxes, norm_logits=norm_logits)
        t.update(counts=counts, counts_sum=counts_sum, counts_sum_inv=counts_sum_inv)
        t.update(probs=probs, logprobs=logprobs, loss=loss)

    def backward(self, given: Mapping[str, Any] | None = None) -> None:
        """dlogprobs … dC, in the exercise's order, each from the ones before it.

        ``given``: a learner's gradients, each used in place of the computed one from where it
        is computed on (where its shape is the right one), so that every later line works on
        the learner's own earlier values; ``own`` then holds what each line gives from those
        (a wrong gradient that is right for the learner's earlier ones is carried forward).
        """
        np, t, n = self.np, self.t, self.n
        self.own: dict[str, Any] = {}
        #: A variable used twice: its gradient through each use alone, the lecture's two lines.
        self.uses: dict[str, tuple[Any, Any]] = {}

        def take(name: str, value: Any) -> Any:
            self.own[name] = value
            if given is not None and name in given and given[name].shape == value.shape:
                return given[name].astype(value.dtype)
            return value

        dlogprobs = np.zeros_like(t["logprobs"])
        dlogprobs[np.arange(n), self.Y] = -1.0 / n
        dlogprobs = take("dlogprobs", dlogprobs)
        dprobs = take("dprobs", (1.0 / t["probs"]) * dlogprobs)
        dcounts_sum_inv = take("dcounts_sum_inv", (t["counts"] * dprobs).sum(1, keepdims=True))
        dcounts = t["counts_sum_inv"] * dprobs
        dcounts_sum = take("dcounts_sum", (-(t["counts_sum"] ** -2)) * dcounts_sum_inv)
        self.uses["dcounts"] = (dcounts, np.ones_like(t["counts"]) * dcounts_sum)
        dcounts = take("dcounts", dcounts + self.uses["dcounts"][1])  # counts used twice: add
        dnorm_logits = take("dnorm_logits", t["counts"] * dcounts)
        dlogits = dnorm_logits.copy()
        dlogit_maxes = take("dlogit_maxes", (-dnorm_logits).sum(1, keepdims=True))
        picked = one_hot(np, t["logits"].argmax(1), t["logits"].shape[1], self.dtype)
        dlogits += picked * dlogit_maxes
        dlogits = take("dlogits", dlogits)
        dh = take("dh", dlogits @ t["W2"].T)
        dW2 = take("dW2", t["h"].T @ dlogits)  # noqa: N806
        db2 = take("db2", dlogits.sum(0))
        dpre = (1.0 - t["h"] ** 2) * dh
        g = {"dlogprobs": dlogprobs, "dprobs": dprobs, "dcounts_sum_inv": dcounts_sum_inv}
        g.update(dcounts_sum=dcounts_sum, dcounts=dcounts, dnorm_logits=dnorm_logits)
        g.update(dlogit_maxes=dlogit_maxes, dlogits=dlogits, dh=dh, dW2=dW2, db2=db2)
        if self.batchnorm:
            dhpreact = take("dhpreact", dpre)
            dbngain = take("dbngain", (t["bnraw"] * dhpreact).sum(0, keepdims=True))
            dbnraw = take("dbnraw", t["bngain"] * dhpreact)
            dbnbias = take("dbnbias", dhpreact.sum(0, keepdims=True))
            dbndiff = t["bnvar_inv"] * dbnraw
            dbnvar_inv = take("dbnvar_inv", (t["bndiff"] * dbnraw).sum(0, keepdims=True))
            dbnvar = take("dbnvar", (-0.5 * (t["bnvar"] + EPSILON) ** -1.5) * dbnvar_inv)
            dbndiff2 = take("dbndiff2", (1.0 / (n - 1)) * np.ones_like(t["bndiff2"]) * dbnvar)
            self.uses["dbndiff"] = (dbndiff, (2 * t["bndiff"]) * dbndiff2)
            dbndiff = take("dbndiff", dbndiff + self.uses["dbndiff"][1])  # bndiff used twice
            dbnmeani = take("dbnmeani", (-dbndiff).sum(0))
            self.uses["dhprebn"] = (dbndiff, 1.0 / n * (np.ones_like(t["hprebn"]) * dbnmeani))
            dhprebn = take("dhprebn", dbndiff + self.uses["dhprebn"][1])  # hprebn used twice
            g.update(dhpreact=dhpreact, dbngain=dbngain, dbnraw=dbnraw, dbnbias=dbnbias)
            g.update(dbndiff=dbndiff, dbnvar_inv=dbnvar_inv, dbnvar=dbnvar, dbndiff2=dbndiff2)
            g.update(dhprebn=dhprebn, dbnmeani=dbnmeani)
            dpre = dhprebn
        else:
            dpre = take("dhpre", dpre)
            g["dhpre"] = dpre
        dembcat = take("dembcat", dpre @ t["W1"].T)
        dW1 = take("dW1", t["embcat"].T @ dpre)  # noqa: N806
        db1 = take("db1", dpre.sum(0))
        demb = take("demb", dembcat.reshape(t["emb"].shape))
        dC = np.zeros_like(t["C"])  # noqa: N806
        np.add.at(dC, self.X, demb)  # a lookup forward is a scatter-add backward, in order
        dC = take("dC", dC)  # noqa: N806
        g.update(dembcat=dembcat, dW1=dW1, db1=db1, demb=demb, dC=dC)
        t.update(g)

    def gradients(self) -> tuple[str, ...]:
        return BATCHNORM_GRADIENTS if self.batchnorm else GRADIENTS

    def fused_loss(self) -> float:
        """mean over the examples of logsumexp(logits) − the right logit (stable: max out)."""
        np, logits = self.np, self.t["logits"]
        top = logits.max(1, keepdims=True)
        lse = top[:, 0] + np.log(np.exp(logits - top).sum(1))
        return float((lse - logits[np.arange(self.n), self.Y]).mean())

    def fused_dlogits(self) -> Any:
        """(softmax(logits) − onehot(Y)) / n, from the logits directly (exercise 2)."""
        np, logits = self.np, self.t["logits"]
        counts = np.exp(logits - logits.max(1, keepdims=True))
        dlogits = counts / counts.sum(1, keepdims=True)
        dlogits[np.arange(self.n), self.Y] -= 1
        return dlogits / self.n

    def fused_dhprebn(self) -> Any:
        """dhprebn from dhpreact in one formula (exercise 3), the lecture's: bngain·bnvar_inv/n ·
        (n·dhpreact − dhpreact.sum(0) − n/(n−1)·bnraw·(dhpreact·bnraw).sum(0))."""
        t, n = self.t, self.n
        dhpreact, bnraw = t["dhpreact"], t["bnraw"]
        return (
            t["bngain"]
            * t["bnvar_inv"]
            / n
            * (n * dhpreact - dhpreact.sum(0) - n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0))
        )

    def naive_scatter(self) -> Any:
        """dC as ``dC[Xb] = demb`` leaves it: each lookup overwrites its row, so only the last
        example that used a row counts."""
        dC = self.np.zeros_like(self.t["C"])  # noqa: N806
        dC[self.X] = self.t["demb"]
        return dC

    def step(self, rate: float) -> None:
        """One step of gradient descent on the parameters (exercise 4), from the gradients."""
        for name in parameter_names(self.batchnorm):
            self.t[name] = self.t[name] - rate * self.t[f"d{name}"]


#: The lecture's learning rate (for its first 100,000 steps).
LEARNING_RATE = 0.1
#: A curve of more steps keeps this many points, evenly spaced.
MAX_POINTS = 1_000


def train_by_hand(
    X: Any,  # noqa: N803
    Y: Any,  # noqa: N803
    parameters: Mapping[str, Any],
    batchnorm: bool,
    steps: int,
    rate: float = LEARNING_RATE,
) -> tuple[list[tuple[int, float]], float]:
    """Exercise 4: ``steps`` steps of gradient descent on the whole batch, each gradient from
    the manual backward pass; the loss before each step (at most MAX_POINTS of them, evenly
    spaced) and the loss after the last."""
    m = ManualBackprop(X, Y, {k: v.copy() for k, v in parameters.items()}, batchnorm)
    every = max(1, -(-steps // MAX_POINTS))
    losses: list[tuple[int, float]] = []
    for step in range(steps):
        m.forward()
        if step % every == 0:
            losses.append((step, float(m.t["loss"])))
        m.backward()
        m.step(rate)
    m.forward()
    return losses, float(m.t["loss"])


def one_hot(np: Any, indices: Any, classes: int, dtype: Any) -> Any:
    """F.one_hot(indices, classes), as rows of 0 and 1 in ``dtype``."""
    out = np.zeros((len(indices), classes), dtype=dtype)
    out[np.arange(len(indices)), indices] = 1
    return out


def most_reused(X: Sequence[Sequence[int]]) -> tuple[int, int]:  # noqa: N803
    """The index of the row of C looked up most often, and how often (ties: the lowest)."""
    uses = Counter(int(index) for context in X for index in context)
    index, count = min(uses.items(), key=lambda item: (-item[1], item[0]))
    return index, count


def shape_of(values: object) -> tuple[int, ...]:
    shape = getattr(values, "shape", None)
    if shape is not None:
        return tuple(int(s) for s in shape)
    dims = []
    while isinstance(values, list):
        dims.append(len(values))
        values = values[0] if values else None
    return tuple(dims)
