"""The baselines of the training rows: what a learner would write by hand.

``numpy_train(scenario, steps)`` is a plain NumPy loop for a layered network of tanh hidden
layers and a sigmoid output with the half squared error (the 4-H-H-4 networks of
benchmarks/scaling.py): three matrix products forward, the textbook δ backward (σ′ = out·(1 −
out), tanh′ = 1 − out²), the update in place. No stable forms, no checks: the floor a tool
cannot go below. ``SCRIPT`` is the classic example's 10,000 steps as a plain Python script, the
baseline of ``train mazur`` as a whole process.
"""

from __future__ import annotations

import numpy as np

from backprop_walkthrough import Scenario


def _matrices(scenario: Scenario) -> tuple[list[np.ndarray], list[np.ndarray]]:
    layers = scenario.layers
    position = {n: i for layer in layers for i, n in enumerate(layer.neurons)}
    layer_of = {n: li for li, layer in enumerate(layers) for n in layer.neurons}
    ws = [
        np.zeros((len(layers[li].neurons), len(layers[li - 1].neurons)))
        for li in range(1, len(layers))
    ]
    bs = [np.zeros(len(layers[li].neurons)) for li in range(1, len(layers))]
    for w in scenario.weights:
        ws[layer_of[w.target] - 1][position[w.target], position[w.source]] = w.value
    for b in scenario.biases:
        for t in b.targets:
            bs[layer_of[t] - 1][position[t]] = b.value
    return ws, bs


def numpy_train(scenario: Scenario, steps: int) -> float:
    """E_total after ``steps`` full-batch steps (tanh hidden layers, a sigmoid output; the
    biases moved where the scenario says so)."""
    ws, bs = _matrices(scenario)
    x = np.array([[e.inputs[n] for n in scenario.layers[0].neurons] for e in scenario.examples])
    t = np.array([[e.targets[n] for n in scenario.layers[-1].neurons] for e in scenario.examples])
    rate = scenario.learning_rate
    last = len(ws) - 1
    for _ in range(steps):
        outs = [x]
        for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
            z = outs[-1] @ w.T + b
            outs.append(1 / (1 + np.exp(-z)) if i == last else np.tanh(z))
        o = outs[-1]
        delta = (o - t) * o * (1 - o)
        for i in range(last, -1, -1):
            gw, gb = delta.T @ outs[i], delta.sum(axis=0)
            if i:
                delta = (delta @ ws[i]) * (1 - outs[i] ** 2)
            ws[i] -= rate * gw
            if scenario.update_biases:
                bs[i] -= rate * gb
    outs = [x]
    for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
        z = outs[-1] @ w.T + b
        outs.append(1 / (1 + np.exp(-z)) if i == last else np.tanh(z))
    return float((0.5 * (t - outs[-1]) ** 2).sum())


#: The classic example trained for 10,000 steps in plain Python, as a learner writes it: the
#: baseline of ``backprop-walkthrough train mazur --steps 10000`` as a whole process.
SCRIPT = """
import math
i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
b1, b2, rate = 0.35, 0.60, 0.5
s = lambda x: 1 / (1 + math.exp(-x))
for _ in range(10000):
    h1, h2 = s(w1 * i1 + w2 * i2 + b1), s(w3 * i1 + w4 * i2 + b1)
    o1, o2 = s(w5 * h1 + w6 * h2 + b2), s(w7 * h1 + w8 * h2 + b2)
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
    w5, w6 = w5 - rate * d1 * h1, w6 - rate * d1 * h2
    w7, w8 = w7 - rate * d2 * h1, w8 - rate * d2 * h2
    w1, w2 = w1 - rate * e1 * i1, w2 - rate * e1 * i2
    w3, w4 = w3 - rate * e2 * i1, w4 - rate * e2 * i2
h1, h2 = s(w1 * i1 + w2 * i2 + b1), s(w3 * i1 + w4 * i2 + b1)
o1, o2 = s(w5 * h1 + w6 * h2 + b2), s(w7 * h1 + w8 * h2 + b2)
print(0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2)
"""
