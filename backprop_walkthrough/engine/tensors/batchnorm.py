"""The batchnorm layer of the exercise with numbers: its tensors forward (bnmeani … hpreact)
and its gradients backward (dhpreact … dhprebn), each with its code, its maths and the rule that
makes it (a broadcast forward is a sum backward, a variable used twice adds, Bessel's
correction); and exercise 3, the fused backward derived line by line."""

from __future__ import annotations

from ...model import NumericTensor
from .exercise import tensor
from .formulas import ManualBackprop


def forward_tensors(m: ManualBackprop, sizes: dict[str, int]) -> tuple[NumericTensor, ...]:
    """bnmeani … hpreact, between hprebn and tanh."""
    t = m.t
    n, h = sizes["n"], sizes["h"]
    return (
        tensor(
            "bnmeani",
            t["bnmeani"],
            "bnmeani = 1/n*hprebn.sum(0, keepdim=True)",
            "μⱼ = (1/n) Σᵢ hprebn[i, j]",
            f"the mean over the batch (dimension 0) of each neuron, kept as a row (1 × {h},"
            f" keepdim) to broadcast back over the {n} rows",
            keepdim=True,
        ),
        tensor(
            "bndiff",
            t["bndiff"],
            "bndiff = hprebn - bnmeani",
            "hprebn[i, j] − μⱼ",
            f"bnmeani (1 × {h}) broadcast over the {n} rows",
        ),
        tensor(
            "bndiff2",
            t["bndiff2"],
            "bndiff2 = bndiff**2",
            "bndiff², entry by entry",
            "element-wise: the shape of bndiff",
        ),
        tensor(
            "bnvar",
            t["bnvar"],
            "bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True)",
            "σ²ⱼ = 1/(n − 1) Σᵢ bndiff2[i, j]",
            f"a sum over the batch, kept as a row (1 × {h}); Bessel's correction divides by "
            f"n − 1 = {n - 1}, not {n}: the mean was estimated from the same {n} rows",
            keepdim=True,
        ),
        tensor(
            "bnvar_inv",
            t["bnvar_inv"],
            "bnvar_inv = (bnvar + 1e-5)**-0.5",
            "1/√(σ²ⱼ + ε), ε = 1e−5",
            f"element-wise: 1 × {h}",
            keepdim=True,
        ),
        tensor(
            "bnraw",
            t["bnraw"],
            "bnraw = bndiff * bnvar_inv",
            "(hprebn − μ)/√(σ² + ε)",
            f"bnvar_inv (1 × {h}) broadcast over the {n} rows: each column now has mean 0 "
            "and variance about 1",
        ),
        tensor(
            "hpreact",
            t["hpreact"],
            "hpreact = bngain * bnraw + bnbias",
            "γ·bnraw + β",
            f"bngain and bnbias (1 × {h}) broadcast over the {n} rows",
        ),
    )


def backward_tensors(m: ManualBackprop, sizes: dict[str, int]) -> tuple[NumericTensor, ...]:
    """dhpreact … dhprebn, in the exercise's order."""
    t = m.t
    n, h = sizes["n"], sizes["h"]
    return (
        tensor(
            "dhpreact",
            t["dhpreact"],
            "dhpreact = (1.0 - h**2) * dh",
            "tanh′ = 1 − tanh²",
            "element-wise: the shape of h",
        ),
        tensor(
            "dbngain",
            t["dbngain"],
            "dbngain = (bnraw * dhpreact).sum(0, keepdim=True)",
            "Σᵢ bnraw[i, j]·dhpreact[i, j]",
            f"bngain (1 × {h}) was broadcast over the {n} rows: a broadcast forward is a "
            "sum backward — over dimension 0, kept as a row",
            keepdim=True,
        ),
        tensor(
            "dbnbias",
            t["dbnbias"],
            "dbnbias = dhpreact.sum(0, keepdim=True)",
            "Σᵢ dhpreact[i, j]",
            "bnbias was broadcast over the rows too: the same sum",
            keepdim=True,
        ),
        tensor(
            "dbnraw",
            t["dbnraw"],
            "dbnraw = bngain * dhpreact",
            "γ·dhpreact",
            f"element-wise, bngain broadcast over the {n} rows as in the forward pass",
        ),
        tensor(
            "dbnvar_inv",
            t["dbnvar_inv"],
            "dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)",
            "Σᵢ bndiff[i, j]·dbnraw[i, j]",
            f"bnvar_inv (1 × {h}) was broadcast over the {n} rows of bnraw: their sum",
            keepdim=True,
        ),
        tensor(
            "dbnvar",
            t["dbnvar"],
            "dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv",
            "(x^(−1/2))′ = −½·x^(−3/2)",
            f"element-wise: 1 × {h}",
            keepdim=True,
        ),
        tensor(
            "dbndiff2",
            t["dbndiff2"],
            "dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar",
            "dbnvar/(n − 1), copied to every row",
            f"a sum over the rows forward is a copy (broadcast) backward, scaled by "
            f"Bessel's 1/(n − 1) = 1/{n - 1}, not 1/{n}",
        ),
        tensor(
            "dbndiff",
            t["dbndiff"],
            "dbndiff = bnvar_inv * dbnraw; dbndiff += (2*bndiff) * dbndiff2",
            "bndiff is used twice: in bnraw (× bnvar_inv) and in bndiff2 (the square: 2·bndiff)",
            "the two uses add",
        ),
        tensor(
            "dbnmeani",
            t["dbnmeani"],
            "dbnmeani = (-dbndiff).sum(0)",
            "−Σᵢ dbndiff[i, j]",
            f"bnmeani was broadcast over the {n} rows of bndiff: their sum, negated",
        ),
        tensor(
            "dhprebn",
            t["dhprebn"],
            "dhprebn = dbndiff.clone(); dhprebn += 1.0/n * (torch.ones_like(hprebn) * dbnmeani)",
            "hprebn is used twice: in bndiff, and through its mean (1/n to every row)",
            f"the two uses add; the mean's gradient is copied to each of the {n} rows, × 1/n",
        ),
    )


def derivation(m: ManualBackprop) -> tuple[tuple[str, str], ...]:
    """Exercise 3 on paper: from the ten steps to the one formula, per column (neuron) j, with
    v = bnvar + ε; each line (a formula, why it holds), the fact it rests on measured here."""
    n = m.n
    centred = float(abs(m.t["bndiff"].sum(0)).max())
    return (
        ("dbnraw_i = γ·dhpreact_i", "hpreact = γ·bnraw + β"),
        (
            "dv = −½·v^(−3/2)·Σₖ bndiff_k·dbnraw_k = −½·v^(−1)·Σₖ bnraw_k·dbnraw_k",
            "bnvar_inv = v^(−1/2) is broadcast over the rows, and bndiff_k = bnraw_k·v^(1/2)",
        ),
        (
            "dbndiff_i = v^(−1/2)·dbnraw_i + 2·bndiff_i·dv/(n − 1)",
            "bndiff is used twice: in bnraw, and squared in bnvar = Σₖ bndiff_k²/(n − 1)",
        ),
        (
            "dhprebn_i = dbndiff_i − (1/n)·Σₖ dbndiff_k",
            "hprebn is used twice: in bndiff, and through the mean μ = (1/n)·Σₖ hprebn_k",
        ),
        (
            "Σₖ dbndiff_k = v^(−1/2)·Σₖ dbnraw_k",
            f"the deviations from the mean sum to 0: Σₖ bndiff_k = 0 (here at most "
            f"{centred:.1e} in any column, rounding)".replace("-", "−"),
        ),
        (
            "2·bndiff_i·dv/(n − 1) = −v^(−1/2)·bnraw_i·Σₖ bnraw_k·dbnraw_k/(n − 1)",
            "bndiff_i = bnraw_i·v^(1/2), and dv from the second line",
        ),
        (
            "dhprebn_i = v^(−1/2)·(dbnraw_i − (1/n)·Σₖ dbnraw_k − bnraw_i·Σₖ bnraw_k·dbnraw_k/"
            "(n − 1))",
            "lines 3 to 6 together",
        ),
        (
            "dhprebn_i = γ·v^(−1/2)/n·(n·dhpreact_i − Σₖ dhpreact_k − n/(n − 1)·bnraw_i·"
            "Σₖ bnraw_k·dhpreact_k)",
            f"dbnraw = γ·dhpreact, and n/n taken out (n = {n}): the lecture's formula",
        ),
    )
