"""The exercise's tensors as the lecture's code writes them, once (and :func:`tensor`, one of
them with its numbers).

The shapes view (:mod:`.shapes`) and the numbers view (:mod:`.numbers`) show the same tensors:
each takes its line of code from here, and adds its own words — why a tensor has its shape, or
how its numbers are checked.
"""

from __future__ import annotations

from ...model import NumericTensor
from .formulas import shape_of

CODE = {
    "emb": "emb = C[Xb]",
    "embcat": "embcat = emb.view(emb.shape[0], -1)",
    "hpre": "hpre = embcat @ W1 + b1",
    "h": "h = torch.tanh(hpre)",
    "logits": "logits = h @ W2 + b2",
    "dW2": "dW2 = h.T @ dlogits",
    "db2": "db2 = dlogits.sum(0)",
    "dh": "dh = dlogits @ W2.T",
    "dhpre": "dhpre = (1.0 - h**2) * dh",
    "dW1": "dW1 = embcat.T @ dhpre",
    "db1": "db1 = dhpre.sum(0)",
    "dembcat": "dembcat = dhpre @ W1.T",
    "demb": "demb = dembcat.view(emb.shape)",
    "dC": "dC = torch.zeros_like(C); for i, j: dC[Xb[i, j]] += demb[i, j]",
}


def tensor(
    name: str, values: object, code: str, maths: str, why: str, keepdim: bool = False
) -> NumericTensor:
    """A tensor of the walkthrough with numbers; its numbers as nested lists (an array's
    ``tolist``)."""
    plain = values.tolist() if hasattr(values, "tolist") else values
    return NumericTensor(name, shape_of(values), plain, code, maths, why, keepdim)
