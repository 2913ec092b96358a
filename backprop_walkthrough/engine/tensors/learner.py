"""A learner's own tensors checked: the lecture's cmp table for their gradients, recomputed from
*their* parameters and batch, with the usual mistakes named.

The learner computes the exercise in their own notebook (PyTorch's generator, their seed) and
passes the parameters (C, W1, b1, W2, b2, and bngain, bnbias with batchnorm), the batch (Xb,
Yb) and any of the gradients, named as in the lecture (dlogprobs … dC). Each is converted to a
NumPy array without importing PyTorch: a tensor is detached (``.detach()``) and read through
``__array__``, anything else through ``numpy.asarray`` (nested lists, arrays). The tool runs
the exercise's lines on those numbers in their precision (float32 stays float32;
:class:`.formulas.ManualBackprop`) and compares as the lecture's ``cmp`` does: *exact* when
every entry is equal, *approximate* as ``torch.allclose`` (rtol 1e−5, atol 1e−8), and the
largest difference. A tensor that is neither is *carried forward* when the lecture's line gives
it from the learner's own earlier gradients (their line is right; the mistake is earlier —
every line is rerun with the learner's tensors in place of the computed ones), and *wrong*
otherwise; the first wrong one in the exercise's order is the one to fix first. Where a wrong
tensor is a known slip of what the line gives from the learner's earlier gradients, the slip is
named (:data:`MISTAKES`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...errors import OptionError
from ...model import TensorReport, TensorVerdict
from .formulas import BATCHNORM_GRADIENTS, GRADIENTS, ManualBackprop, parameter_names

#: The lecture's cmp: torch.allclose's defaults.
RTOL, ATOL = 1e-5, 1e-8
#: At most this many numbers in all the tensors given (a lecture-sized set is about 40,000).
MAX_ELEMENTS = 20_000_000

#: Each named slip in a few words (the cmp table's column), by its id.
LABELS = {
    "transposed": "transposed",
    "missing_sum": "a sum is missing",
    "lost_keepdim": "keepdim lost",
    "missing_1_over_n": "1/n missing",
    "extra_1_over_n": "1/n twice",
    "sign": "the sign",
    "naive_scatter": "dC[Xb] = demb",
    "bessel": "1/n for 1/(n − 1)",
    "not_accumulated": "a use not added",
    "shape": "the shape",
}

#: What each named slip means, by its id.
MISTAKES = {
    "transposed": "the transpose of the right gradient: a product's gradient keeps the shape of "
    "the factor it is taken for (dW = Xᵀ·dY is W's shape)",
    "missing_sum": "a broadcast in the forward pass is a sum in the backward pass: {what} "
    "{shape} was broadcast over the {along}, so sum over dimension {axis} (keepdim=True)",
    "lost_keepdim": "the right numbers without keepdim=True: a column of {n} lost its second "
    "dimension and will broadcast along the wrong one",
    "missing_1_over_n": "{ratio} times the right gradient: a factor 1/{n} is missing (the loss "
    "is a mean over the {n} examples)",
    "extra_1_over_n": "the right gradient divided by {n}: 1/n applied twice",
    "sign": "the right gradient with the opposite sign",
    "naive_scatter": "dC[Xb] = demb keeps only the last lookup of each row; a row looked up k "
    "times needs all k gradients added: dC[Xb[k, j]] += demb[k, j] (or np.add.at)",
    "bessel": "(n − 1)/n times the right gradient: 1/n in place of Bessel's 1/(n − 1) — the "
    "forward pass divides the variance by n − 1 = {n_minus_1}",
    "not_accumulated": "{what} is used twice in the forward pass; only its use in {counted} "
    "was counted — the two uses' gradients add ({fix})",
}

#: For a variable used twice: (its gradient, the use counted, the other, the line that adds it).
TWICE = {
    "dcounts": ("counts", "probs", "counts_sum", "dcounts += ones_like(counts) * dcounts_sum"),
    "dbndiff": ("bndiff", "bnraw", "bndiff2", "dbndiff += (2*bndiff) * dbndiff2"),
    "dhprebn": ("hprebn", "bndiff", "bnmeani", "dhprebn += 1.0/n * ones_like(hprebn) * dbnmeani"),
}

#: Gradients whose tensor was broadcast in the forward pass, and the dimension it was broadcast
#: along (the sum the backward pass needs).
BROADCAST = {
    "dcounts_sum_inv": 1, "dlogit_maxes": 1, "db2": 0, "db1": 0, "dbngain": 0, "dbnbias": 0,
    "dbnvar_inv": 0, "dbnmeani": 0,
}  # fmt: skip


def exercise_names() -> frozenset[str]:
    """Every name a learner may pass: parameters, batch and gradients."""
    return frozenset({*parameter_names(True), "Xb", "Yb", *BATCHNORM_GRADIENTS, *GRADIENTS})


def as_array(value: Any, name: str) -> Any:
    """``value`` as a NumPy array, without importing PyTorch (a tensor is detached first)."""
    import numpy as np

    detach = getattr(value, "detach", None)
    if callable(detach):
        value = detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise OptionError(name, f"is not an array of numbers ({exc})") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise OptionError(name, f"is not an array of numbers (its type is {array.dtype})")
    return array


def check_tensors(given: Mapping[str, Any]) -> TensorReport:
    """The cmp table of the gradients in ``given`` (see the module's docstring)."""
    import numpy as np

    known = exercise_names()
    for name in given:
        if name not in known:
            from ...errors import did_you_mean

            raise OptionError(name, f"is not a tensor of the exercise{did_you_mean(name, known)}")
    arrays = {name: as_array(value, name) for name, value in given.items()}
    total = sum(int(a.size) for a in arrays.values())
    if total > MAX_ELEMENTS:
        raise OptionError("tensors", f"{total:,} numbers in all; the limit is {MAX_ELEMENTS:,}")
    batchnorm = "bngain" in arrays or "bnbias" in arrays
    for name in (*parameter_names(batchnorm), "Xb", "Yb"):
        if name not in arrays:
            raise OptionError(
                name, "is missing: the check recomputes from your parameters and batch"
            )
    dtype = arrays["W1"].dtype if arrays["W1"].dtype.kind == "f" else np.dtype(np.float64)
    parameters = {k: arrays[k].astype(dtype) for k in parameter_names(batchnorm)}
    X, Y = _batch(arrays, parameters)  # noqa: N806
    m = ManualBackprop(X, Y, parameters, batchnorm)
    mine = ManualBackprop(X, Y, parameters, batchnorm)  # the lines on the learner's gradients
    with np.errstate(all="ignore"):
        m.forward()
        m.backward()
        mine.forward()
        mine.backward({k: v for k, v in arrays.items() if k in m.gradients()})
    verdicts = []
    for name in m.gradients():
        if name in arrays:
            verdicts.append(_verdict(name, arrays[name], m, mine))
    first = next((v.name for v in verdicts if v.status == "wrong"), None)
    return TensorReport(
        verdicts=tuple(verdicts),
        first_wrong=first,
        dtype=str(dtype),
        batchnorm=batchnorm,
        examples=m.n,
        loss=float(m.t["loss"]),
        not_given=tuple(n for n in m.gradients() if n not in arrays),
    )


def _batch(arrays: Mapping[str, Any], parameters: Mapping[str, Any]) -> tuple[Any, Any]:
    """Xb and Yb, with every parameter's shape checked against them (one line where one does
    not fit, before any arithmetic)."""
    X, Y = arrays["Xb"], arrays["Yb"]  # noqa: N806
    if X.ndim != 2 or X.dtype.kind not in "iu":
        raise OptionError("Xb", f"expected a 2-D array of indices, got shape {X.shape} {X.dtype}")
    if Y.shape != (X.shape[0],) or Y.dtype.kind not in "iu":
        raise OptionError("Yb", f"expected {X.shape[0]} indices (one per row of Xb), got {Y.shape}")
    if X.shape[0] < 2:
        raise OptionError("Xb", "a batch of at least 2 examples (batchnorm divides by n − 1)")
    C = parameters["C"]  # noqa: N806
    if C.ndim != 2 or 0 in C.shape:
        raise OptionError("C", f"expected a 2-D table (vocabulary × embedding), got {C.shape}")
    vocabulary, embedding = C.shape
    W1 = parameters["W1"]  # noqa: N806
    if W1.ndim != 2 or W1.shape[0] != X.shape[1] * embedding:
        raise OptionError(
            "W1",
            f"expected {X.shape[1] * embedding} rows (Xb's {X.shape[1]} lookups of C's "
            f"{embedding} numbers), got shape {W1.shape}",
        )
    hidden = W1.shape[1]
    expected = {
        "b1": ((hidden,), (1, hidden)),
        "W2": ((hidden, vocabulary),),
        "b2": ((vocabulary,), (1, vocabulary)),
        "bngain": ((1, hidden), (hidden,)),
        "bnbias": ((1, hidden), (hidden,)),
    }
    for name, shapes in expected.items():
        if name in parameters and parameters[name].shape not in shapes:
            wanted = " or ".join(str(shape) for shape in shapes)
            raise OptionError(name, f"expected shape {wanted}, got {parameters[name].shape}")
    if X.size and (X.min() < 0 or X.max() >= vocabulary):
        raise OptionError("Xb", f"every index must be a row of C (0 to {vocabulary - 1})")
    if Y.size and (Y.min() < 0 or Y.max() >= vocabulary):
        raise OptionError("Yb", f"every index must be a column of W2 (0 to {vocabulary - 1})")
    return X, Y


def _verdict(name: str, given: Any, m: ManualBackprop, mine: ManualBackprop) -> TensorVerdict:
    """Right (exact or approximate), carried forward (wrong, but what the lecture's line gives
    from the learner's own earlier gradients: the mistake is earlier), or wrong — with the
    slip named, found from the learner's earlier gradients too."""
    np = m.np
    right = np.asarray(m.t[name])
    shape_ok = given.shape == right.shape
    try:
        broadcast = np.broadcast_shapes(given.shape, right.shape) == right.shape
    except ValueError:
        broadcast = False
    if broadcast:
        with np.errstate(all="ignore"):
            difference = float(np.max(np.abs(given - right), initial=0.0))
            exact = bool(np.all(given == right))
            close = bool(np.allclose(given, right, rtol=RTOL, atol=ATOL))
        if exact or close:
            note = "" if shape_ok else f"shape {given.shape} for {right.shape}: the same numbers"
            status = "exact" if exact else "approximate"
            return TensorVerdict(name, status, difference, given.shape, right.shape, "", note)
    else:
        difference = float("inf")
    own = np.asarray(mine.own[name])
    with np.errstate(all="ignore"):
        if _close(np, given, own):
            words = "right for your earlier gradients: the mistake is before this one"
            return TensorVerdict(name, "carried", difference, given.shape, right.shape, "", words)
    mistake, words = _diagnosis(name, given, own, mine)
    return TensorVerdict(name, "wrong", difference, given.shape, right.shape, mistake, words)


def _close(np: Any, a: Any, b: Any) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _diagnosis(name: str, given: Any, right: Any, m: ManualBackprop) -> tuple[str, str]:
    """The named slip that turns ``right`` into ``given``, if one does: (id, words)."""
    np, n = m.np, m.n
    facts = {"n": n, "n_minus_1": n - 1}
    candidates: list[tuple[str, Callable[[], Any], dict[str, Any]]] = [
        ("transposed", lambda: right.T, {}),
        ("sign", lambda: -right, {}),
        ("missing_1_over_n", lambda: right * n, {"ratio": n}),
        ("extra_1_over_n", lambda: right / n, {}),
        ("bessel", lambda: right * (n - 1) / n, {}),
    ]
    if name in BROADCAST and given.ndim == 2 and right.size and given.size > right.size:
        axis = BROADCAST[name]
        if given.shape[axis] == n or given.shape[axis] == m.t["logits"].shape[axis]:
            along = f"{given.shape[axis]} {'rows' if axis == 0 else 'columns'}"
            words = {"what": name[1:], "shape": right.shape, "along": along, "axis": axis}
            return "missing_sum", MISTAKES["missing_sum"].format(**words)
    squeezed = tuple(d for d in right.shape if d != 1)
    lost = right.ndim == 2 and given.shape == squeezed != right.shape
    if lost and _close(np, given, right.reshape(given.shape)):
        return "lost_keepdim", MISTAKES["lost_keepdim"].format(**facts)
    if name == "dC":
        candidates.insert(0, ("naive_scatter", m.naive_scatter, {}))
    if name in TWICE:
        what, counted, other, fix = TWICE[name]
        first, second = m.uses[name]
        for part, use in ((first, counted), (second, other)):
            words = {"what": what, "counted": use, "fix": fix}
            candidates.append(("not_accumulated", _constant(part), words))
    for mistake, wrong, words in candidates:
        with np.errstate(all="ignore"):
            if _close(np, given, np.asarray(wrong())):
                return mistake, MISTAKES[mistake].format(**facts, **words)
    if given.shape != right.shape:
        return "shape", f"shape {given.shape} where {name[1:]} is {right.shape}"
    return "", ""


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value
