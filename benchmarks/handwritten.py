"""The baseline for the training benchmark: the classic 2-2-2 network as a minimal float loop.

Written by hand, as a learner would after reading the walkthrough: no SymPy, no abstraction.
It shares no code with the package.
"""

from __future__ import annotations

import math


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def train_classic(steps: int) -> tuple[float, float, float]:
    """E_total, out_o1 and out_o2 after ``steps`` steps of the classic example."""
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, i1, i2, t1, t2, rate = 0.35, 0.60, 0.05, 0.10, 0.01, 0.99, 0.5
    for _ in range(steps):
        h1 = sigmoid(w1 * i1 + w2 * i2 + b1)
        h2 = sigmoid(w3 * i1 + w4 * i2 + b1)
        o1 = sigmoid(w5 * h1 + w6 * h2 + b2)
        o2 = sigmoid(w7 * h1 + w8 * h2 + b2)
        d1 = (o1 - t1) * o1 * (1 - o1)
        d2 = (o2 - t2) * o2 * (1 - o2)
        e1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1)
        e2 = (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        w5, w6, w7, w8 = (
            w5 - rate * d1 * h1,
            w6 - rate * d1 * h2,
            w7 - rate * d2 * h1,
            w8 - rate * d2 * h2,
        )
        w1, w2, w3, w4 = (
            w1 - rate * e1 * i1,
            w2 - rate * e1 * i2,
            w3 - rate * e2 * i1,
            w4 - rate * e2 * i2,
        )
    h1 = sigmoid(w1 * i1 + w2 * i2 + b1)
    h2 = sigmoid(w3 * i1 + w4 * i2 + b1)
    o1 = sigmoid(w5 * h1 + w6 * h2 + b2)
    o2 = sigmoid(w7 * h1 + w8 * h2 + b2)
    return 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2, o1, o2
