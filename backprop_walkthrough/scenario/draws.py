"""Seeded numbers that are the same on every machine and every Python: ``init:`` networks,
``practice --new`` sheets and the tensor exercise's parameters all draw from here.

Python promises one thing about its generator across versions: ``random()`` after ``seed()``
gives the same stream (an int seed, or a str seed with the default version 2). It does not
promise ``gauss``, ``normalvariate``, ``choice`` or ``randrange``, whose algorithms have changed
before. So every number here is made from ``random()`` alone, with + − × ÷ and √ only — the
operations IEEE 754 fixes bit for bit — and a logarithm written out in those operations (the C
library's ``log`` is not correctly rounded everywhere):

* ``uniform(low, high)`` is ``low + (high − low)·random()``, as Python's own;
* ``gauss(mean, std)`` is Marsaglia's polar method (two uniforms in the unit disc, no cosine);
* ``index(n)`` is ``⌊n·random()⌋``.

Pinned by tests: the first numbers of a few seeds, as exact floats.
"""

from __future__ import annotations

import math
import random

#: ln 2 as the nearest double.
LN2 = 0.6931471805599453
SQRT_HALF = 0.7071067811865476


def log(x: float) -> float:
    """The natural logarithm of ``x`` > 0 from + − × ÷ only (after an exact frexp), to about
    one unit in the last place: the same bits on every platform."""
    mantissa, exponent = math.frexp(x)  # x = mantissa·2^exponent, mantissa in [0.5, 1)
    if mantissa < SQRT_HALF:
        mantissa *= 2.0
        exponent -= 1
    # ln m = 2·atanh(t) = 2(t + t³/3 + t⁵/5 + …), t = (m − 1)/(m + 1), |t| ≤ 0.172
    t = (mantissa - 1.0) / (mantissa + 1.0)
    square = t * t
    term, total = t, 0.0
    for k in range(1, 40, 2):
        total += term / k
        term *= square
    return exponent * LN2 + 2.0 * total


class Draws:
    """A seeded stream of uniform, normal and index draws (see the module's docstring)."""

    def __init__(self, seed: int | str) -> None:
        self._generator = random.Random(seed)

    def random(self) -> float:
        return self._generator.random()

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def gauss(self, mean: float = 0.0, std: float = 1.0) -> float:
        while True:  # accepts π/4 of the pairs: two tries on average
            u = 2.0 * self.random() - 1.0
            v = 2.0 * self.random() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                return mean + std * u * math.sqrt(-2.0 * log(s) / s)

    def index(self, n: int) -> int:
        """One of 0 … n − 1, evenly."""
        return min(int(self.random() * n), n - 1)
