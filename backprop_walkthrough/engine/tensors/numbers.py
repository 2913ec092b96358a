"""``shapes --numbers``: every tensor of the exercise with its code, its maths, why it has its
shape, and its numbers; every gradient compared with scalar autodiff (the cmp table).

The numbers come from :mod:`.formulas` (the manual backprop) and :mod:`.autograd` (the
independent check); this module says what each tensor is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ...model import HandTraining, NumericTensor, ShapeNumbers, TensorCheck
from ...scenario.types import ShapesSpec
from .batchnorm import backward_tensors, derivation, forward_tensors
from .exercise import CODE, tensor
from .formulas import (
    LEARNING_RATE,
    ManualBackprop,
    init_text,
    initialise,
    most_reused,
    train_by_hand,
)

# --- the tensors as the walkthrough shows them --------------------------------------------------


def _forward_tensors(m: ManualBackprop, sizes: dict[str, int]) -> tuple[NumericTensor, ...]:
    t = m.t
    n, b, e, h, v = (sizes[k] for k in "nbehv")
    pre = m.pre
    hidden_input = "hpreact" if m.batchnorm else "hpre"
    batchnorm = forward_tensors(m, sizes) if m.batchnorm else ()
    return (
        tensor(
            "emb",
            t["emb"],
            CODE["emb"],
            "emb[i, j] = C[X[i, j]]",
            f"each of the {n} × {b} indices replaced by its row of C ({e} numbers)",
        ),
        tensor(
            "embcat",
            t["embcat"],
            CODE["embcat"],
            "embcat[i] = emb[i, 0] ‖ emb[i, 1] ‖ …",
            f"the {b} rows of each example side by side: {b} · {e} = {b * e} numbers",
        ),
        tensor(
            pre,
            t[pre],
            CODE["hpre"].replace("hpre", pre),
            f"{pre} = embcat·W1 + 𝟏·b1",
            f"({n} × {b * e}) @ ({b * e} × {h}); b1 ({h},) broadcast over the {n} rows",
        ),
        *batchnorm,
        tensor(
            "h",
            t["h"],
            CODE["h"].replace("hpre", hidden_input),
            f"h = tanh({hidden_input}), entry by entry",
            f"element-wise: the shape of {hidden_input}",
        ),
        tensor(
            "logits",
            t["logits"],
            CODE["logits"],
            "logits = h·W2 + 𝟏·b2",
            f"({n} × {h}) @ ({h} × {v}); b2 broadcast over the rows",
        ),
        tensor(
            "logit_maxes",
            t["logit_maxes"],
            "logit_maxes = logits.max(1, keepdim=True).values",
            "mᵢ = maxⱼ logits[i, j]",
            f"one per row, kept as a column ({n} × 1, keepdim) to broadcast across the {v} columns",
            keepdim=True,
        ),
        tensor(
            "norm_logits",
            t["norm_logits"],
            "norm_logits = logits - logit_maxes",
            "logits[i, j] − mᵢ",
            f"logit_maxes ({n} × 1) broadcast across each row: the same probabilities, and "
            "exp cannot overflow",
        ),
        tensor(
            "counts",
            t["counts"],
            "counts = norm_logits.exp()",
            "exp, entry by entry",
            "element-wise: the shape of norm_logits",
        ),
        tensor(
            "counts_sum",
            t["counts_sum"],
            "counts_sum = counts.sum(1, keepdim=True)",
            "Sᵢ = Σⱼ counts[i, j]",
            f"a sum over each row, kept as a column ({n} × 1)",
            keepdim=True,
        ),
        tensor(
            "counts_sum_inv",
            t["counts_sum_inv"],
            "counts_sum_inv = counts_sum**-1",
            "1/Sᵢ",
            f"element-wise: {n} × 1",
            keepdim=True,
        ),
        tensor(
            "probs",
            t["probs"],
            "probs = counts * counts_sum_inv",
            "counts[i, j] / Sᵢ",
            f"counts_sum_inv ({n} × 1) broadcast across the {v} columns: each row sums to 1",
        ),
        tensor(
            "logprobs",
            t["logprobs"],
            "logprobs = probs.log()",
            "log, entry by entry",
            "element-wise: the shape of probs",
        ),
        tensor(
            "loss",
            t["loss"],
            "loss = -logprobs[range(n), Yb].mean()",
            "−(1/n) Σᵢ logprobs[i, Y[i]]",
            f"one entry per row picked (the right character's), averaged over {n}: a scalar",
        ),
    )


def _backward_tensors(
    m: ManualBackprop, sizes: dict[str, int], vocabulary: str
) -> tuple[NumericTensor, ...]:
    t = m.t
    n, b, e, h, v = (sizes[k] for k in "nbehv")
    top = float(abs(t["dlogit_maxes"]).max())
    top_text = f"{top:.1e}".replace("-", "−")  # a true minus, as every figure is printed
    lookups = Counter(int(index) for context in m.X for index in context)
    most = ", ".join(
        f"'{vocabulary[index]}' {count}×"
        for index, count in sorted(lookups.items(), key=lambda item: (-item[1], item[0]))[:3]
    )
    return (
        tensor(
            "dlogprobs",
            t["dlogprobs"],
            "dlogprobs = torch.zeros_like(logprobs); dlogprobs[range(n), Yb] = -1.0/n",
            "−1/n at (i, Y[i]), 0 elsewhere",
            f"the loss reads one entry of each row; the other {v - 1} have no effect on it",
        ),
        tensor(
            "dprobs",
            t["dprobs"],
            "dprobs = (1.0 / probs) * dlogprobs",
            "log′(p) = 1/p, entry by entry",
            "element-wise: the shape of probs",
        ),
        tensor(
            "dcounts_sum_inv",
            t["dcounts_sum_inv"],
            "dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)",
            "Σⱼ counts[i, j]·dprobs[i, j]",
            f"counts_sum_inv ({n} × 1) was broadcast across the {v} columns of probs: a "
            "broadcast forward is a sum backward — over the row, kept as a column",
            keepdim=True,
        ),
        tensor(
            "dcounts_sum",
            t["dcounts_sum"],
            "dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv",
            "(x⁻¹)′ = −x⁻²",
            f"element-wise: {n} × 1",
            keepdim=True,
        ),
        tensor(
            "dcounts",
            t["dcounts"],
            "dcounts = counts_sum_inv * dprobs; dcounts += torch.ones_like(counts) * dcounts_sum",
            "counts is used twice: in probs (× 1/Sᵢ) and in Sᵢ (its row's dcounts_sum)",
            f"the two uses add; the sum over the row forward is a copy (broadcast) of "
            f"dcounts_sum ({n} × 1) to each of the {v} entries backward",
        ),
        tensor(
            "dnorm_logits",
            t["dnorm_logits"],
            "dnorm_logits = counts * dcounts",
            "exp′ = exp: counts",
            "element-wise",
        ),
        tensor(
            "dlogit_maxes",
            t["dlogit_maxes"],
            "dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)",
            "−Σⱼ dnorm_logits[i, j]",
            f"logit_maxes was broadcast across the row, so its gradient sums the row. It is "
            f"0 up to rounding (largest |entry| {top_text}): shifting a row of logits changes "
            "no probability",
            keepdim=True,
        ),
        tensor(
            "dlogits",
            t["dlogits"],
            "dlogits = dnorm_logits.clone(); "
            "dlogits += F.one_hot(logits.max(1).indices, num_classes=v) * dlogit_maxes",
            "logits is used twice: in norm_logits, and through the max (its largest entry)",
            "the two uses add; max passes its gradient to the entry it picked",
        ),
        tensor(
            "dh",
            t["dh"],
            CODE["dh"],
            "dlogits·W2ᵀ",
            f"({n} × {v}) @ ({v} × {h}) = {n} × {h}, the shape of h",
        ),
        tensor(
            "dW2",
            t["dW2"],
            CODE["dW2"],
            "hᵀ·dlogits",
            f"({h} × {n}) @ ({n} × {v}): each weight sums its {n} examples' contributions",
        ),
        tensor(
            "db2",
            t["db2"],
            CODE["db2"],
            "Σᵢ dlogits[i, :]",
            f"b2 was broadcast over the {n} rows: its gradient sums them",
        ),
        *_hidden_backward(m, sizes),
        tensor(
            "demb",
            t["demb"],
            CODE["demb"],
            "the view undone",
            f"the same numbers in the shape of emb, {n} × {b} × {e}",
        ),
        tensor(
            "dC",
            t["dC"],
            CODE["dC"],
            "dC[c] = Σ over every lookup of c of its demb",
            f"the lookup forward is a scatter-add backward: a row used k times adds k "
            f"gradients (the most used: {most}); a row never used stays 0",
        ),
    )


def _hidden_backward(m: ManualBackprop, sizes: dict[str, int]) -> tuple[NumericTensor, ...]:
    """dhpre (or dhpreact and the batchnorm layer back to dhprebn), then dW1, db1, dembcat."""
    t = m.t
    n, b, e, h = (sizes[k] for k in "nbeh")
    pre = m.pre
    if m.batchnorm:
        layer: tuple[NumericTensor, ...] = backward_tensors(m, sizes)
    else:
        layer = (
            tensor(
                "dhpre",
                t["dhpre"],
                CODE["dhpre"],
                "tanh′ = 1 − tanh²",
                "element-wise: the shape of h",
            ),
        )
    return (
        *layer,
        tensor(
            "dembcat",
            t["dembcat"],
            CODE["dembcat"].replace("dhpre", f"d{pre}"),
            f"d{pre}·W1ᵀ",
            f"({n} × {h}) @ ({h} × {b * e}), the shape of embcat",
        ),
        tensor(
            "dW1",
            t["dW1"],
            CODE["dW1"].replace("dhpre", f"d{pre}"),
            f"embcatᵀ·d{pre}",
            f"({b * e} × {n}) @ ({n} × {h}) = {b * e} × {h}, the shape of W1",
        ),
        tensor(
            "db1",
            t["db1"],
            CODE["db1"].replace("dhpre", f"d{pre}"),
            f"Σᵢ d{pre}[i, :]",
            f"b1 was broadcast over the {n} rows: its gradient sums them",
        ),
    )


def _flat(values: Any) -> list[float]:
    if isinstance(values, list):
        return [x for item in values for x in _flat(item)]
    return [float(values)]


#: "approximate": |manual − independent| ≤ ABSOLUTE + RELATIVE·|independent|, entry by entry.
ABSOLUTE, RELATIVE = 1e-12, 1e-9
TOLERANCE_TEXT = (
    "|difference| ≤ 1e−12 + 1e−9·|value|, entry by entry — NumPy adds in blocks and pairs and "
    "has its own exp and tanh, where autodiff adds one term at a time with math's, so the last "
    "bits differ"
)


def compare(name: str, manual: object, independent: object, why: str = "") -> TensorCheck:
    a, b = _flat(manual), _flat(independent)
    if len(a) != len(b):
        return TensorCheck(name, "wrong", math.inf, f"{len(a)} numbers against {len(b)}")
    difference = max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0.0)
    if a == b:
        return TensorCheck(name, "exact", 0.0)
    close = all(abs(x - y) <= ABSOLUTE + RELATIVE * abs(y) for x, y in zip(a, b, strict=True))
    if close:
        reason = why  # the common reason is said once, above the table (TOLERANCE_TEXT)
        return TensorCheck(name, "approximate", difference, reason)
    return TensorCheck(name, "wrong", difference, why)


def shape_numbers(
    spec: ShapesSpec,
    X: Sequence[Sequence[int]],  # noqa: N803
    Y: Sequence[int],  # noqa: N803
    vocabulary: str,
    train_steps: int = 0,
) -> ShapeNumbers:
    """Every tensor with numbers, every gradient checked by scalar autodiff (.autograd); and
    with ``train_steps``, exercise 4's training from these parameters (the checked gradients
    are its first step's)."""
    from .autograd import autograd_gradients

    parameters = initialise(spec, len(vocabulary))
    m = ManualBackprop(X, Y, parameters, spec.batchnorm)
    m.forward()
    m.backward()
    sizes = {
        "n": len(X),
        "b": spec.block_size,
        "e": spec.embedding_dim,
        "h": spec.hidden,
        "v": len(vocabulary),
    }
    index, count = most_reused(X)
    uses = (vocabulary[index], count)
    fan_in = spec.block_size * spec.embedding_dim
    h = spec.hidden
    parameter_tensors = (
        tensor(
            "C",
            parameters["C"],
            "C = torch.randn((vocab_size, n_embd))",
            "N(0, 1)",
            f"one row per character ({sizes['v']}), {spec.embedding_dim} numbers each",
        ),
        tensor(
            "W1",
            parameters["W1"],
            "W1 = torch.randn((n_embd * block_size, n_hidden)) * (5/3)/(n_embd * block_size)**0.5",
            f"N(0, 1)·(5/3)/√{fan_in}",
            f"{fan_in} inputs × {h} neurons",
        ),
        tensor(
            "b1",
            parameters["b1"],
            "b1 = torch.randn(n_hidden) * 0.1",
            "N(0, 1)·0.1",
            f"one per neuron ({h},)",
        ),
        tensor(
            "W2",
            parameters["W2"],
            "W2 = torch.randn((n_hidden, vocab_size)) * 0.1",
            "N(0, 1)·0.1",
            f"{h} neurons × {sizes['v']} characters",
        ),
        tensor(
            "b2",
            parameters["b2"],
            "b2 = torch.randn(vocab_size) * 0.1",
            "N(0, 1)·0.1",
            f"one per character ({sizes['v']},)",
        ),
        *(
            (
                tensor(
                    "bngain",
                    parameters["bngain"],
                    "bngain = torch.randn((1, n_hidden))*0.1 + 1.0",
                    "N(0, 1)·0.1 + 1",
                    f"one gain per neuron, kept as a row (1 × {h}) to broadcast over the batch",
                ),
                tensor(
                    "bnbias",
                    parameters["bnbias"],
                    "bnbias = torch.randn((1, n_hidden))*0.1",
                    "N(0, 1)·0.1",
                    f"one shift per neuron (1 × {h})",
                ),
            )
            if spec.batchnorm
            else ()
        ),
    )
    backward = _backward_tensors(m, sizes, vocabulary)
    fused = tensor(
        "dlogits (fused)",
        m.fused_dlogits(),
        "dlogits = F.softmax(logits, 1); dlogits[range(n), Yb] -= 1; dlogits /= n",
        "(softmax(logits) − onehot(Y))/n",
        "the eight steps above in one formula (exercise 2)",
    )
    fused_bn = (
        tensor(
            "dhprebn (fused)",
            m.fused_dhprebn(),
            "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) "
            "- n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))",
            "γ·(σ² + ε)^(−½)/n · (n·dhpreact − Σᵢ dhpreact − n/(n−1)·bnraw·Σᵢ dhpreact·bnraw)",
            "the batchnorm layer's ten steps in one formula (exercise 3, derived below)",
        )
        if spec.batchnorm
        else None
    )
    independent = autograd_gradients(X, Y, parameters, spec.embedding_dim, spec.batchnorm)
    checks = [compare(g.name, g.values, independent[g.name]) for g in backward]
    checks.append(
        compare(
            fused.name,
            fused.values,
            independent["dlogits"],
            "another formula: softmax − onehot rounds otherwise than the eight steps",
        )
    )
    if fused_bn is not None:
        checks.append(
            compare(
                fused_bn.name,
                fused_bn.values,
                independent["dhprebn"],
                "another formula: the sums are taken in another order than the ten steps",
            )
        )
        checks.append(
            compare(
                "dhprebn (fused) vs the ten steps",
                fused_bn.values,
                m.t["dhprebn"].tolist(),
                "the derivation below, checked on these numbers",
            )
        )
    naive = m.naive_scatter()[index].tolist()
    checks.append(
        compare(
            "dC with dC[Xb] = demb",
            [naive],
            [independent["dC"][index]],
            f"assignment keeps only the last of the {count} lookups of '{uses[0]}'",
        )
    )
    return ShapeNumbers(
        seed=spec.seed,
        init=init_text(spec),
        parameters=parameter_tensors,
        forward=_forward_tensors(m, sizes),
        loss=float(m.t["loss"]),
        fused_loss=m.fused_loss(),
        backward=backward,
        fused_dlogits=fused,
        checks=tuple(checks),
        tolerance=TOLERANCE_TEXT,
        reused=uses,
        naive_row=tuple(naive),
        accumulated_row=tuple(m.t["dC"][index].tolist()),
        fused_dhprebn=fused_bn,
        training=_training(X, Y, parameters, spec.batchnorm, train_steps) if train_steps else None,
        derivation=derivation(m) if spec.batchnorm else (),
    )


def _training(
    X: Sequence[Sequence[int]],  # noqa: N803
    Y: Sequence[int],  # noqa: N803
    parameters: dict[str, Any],
    batchnorm: bool,
    steps: int,
) -> HandTraining:
    losses, final = train_by_hand(X, Y, parameters, batchnorm, steps, LEARNING_RATE)
    return HandTraining(steps, LEARNING_RATE, tuple(losses), final, len(X))
