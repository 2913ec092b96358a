"""A shake check as data: the central differences beside a derivative, and its verdict."""

from __future__ import annotations

import math
from enum import Enum
from typing import NamedTuple

EPSILON = 2.0**-52
ROUNDING_ULPS = 4
SAFETY = 4
RELATIVE_FLOOR = 1e-9
#: A shake check resolves a gradient when its tolerance is below the gradient's size by this
#: many digits: then a derivative wrong in its fourth digit fails it.
RESOLVED_DIGITS = 4
#: The measured noise is a typical size; an E value may be off by a few times that.
NOISE_SAFETY = 4


def measured_noise(values: list[float]) -> float:
    """The rounding noise of E from its values at p − 3h, …, p + 3h (seven, evenly spaced).

    The k-th differences of a smooth function shrink like h^k; those of rounding noise of
    size σ keep a spread of σ·√C(2k, k). So the largest of |Δᵏ|/√C(2k, k) for k = 3 … 6 is σ,
    as in Moré and Wild's ECnoise (2011), unless h is so large that Δ³ still sees the function
    (an overestimate, which makes the check more careful, never less).
    """
    estimates = []
    differences = list(values)
    for k in range(1, 7):
        differences = [b - a for a, b in zip(differences, differences[1:], strict=False)]
        if k >= 3:
            mean_square = math.fsum(d * d for d in differences) / len(differences)
            estimates.append(math.sqrt(mean_square / math.comb(2 * k, k)))
    return max(estimates)


class Verdict(Enum):
    """What a shake check concludes."""

    AGREES = "agrees"
    DISAGREES = "does not agree"
    #: The check's uncertainty (the rounding of E over h, the step's own error) is more than
    #: 10^-RESOLVED_DIGITS of the gradient: it cannot say whether the derivative is right.
    UNRESOLVED = "cannot resolve"
    #: The nudge carries a ReLU's net across its kink at 0: the difference measures a mix of
    #: the two one-sided slopes, the derivative takes one of them by convention.
    KINK = "at a kink"


class Shake(NamedTuple):
    """The numerical check (E(p+h) − E(p−h)) / 2h beside a symbolic derivative.

    E is also taken at p ± 2h and p ± 4h. Three central differences give two Richardson
    extrapolations, whose disagreement bounds how far the better one can be from the true
    derivative; with the rounding of E divided by the step, that is the tolerance. So the
    verdict follows from the numbers at any h, rather than from a fixed allowance that is too
    loose at one end and too tight at the other.
    """

    wrt: str
    h: float
    plus: float  # E_total with the quantity nudged up by h
    minus: float
    symbolic: float
    plus2: float  # … by 2h
    minus2: float
    plus4: float  # … by 4h
    minus4: float
    #: The kinks the nudge of ±4h lies on or crosses, each as (net name, activation name,
    #: whether the net lies exactly on it).
    kinks: tuple[tuple[str, str, bool], ...] = ()
    centre: float = math.nan  # E_total at the quantity's own value (for the one-sided slopes)
    #: The rounding noise of E near the point, measured (see ``measured_noise``) when the
    #: check would otherwise fail: E computed from large nets rounds far above ε·E.
    noise: float = 0.0
    #: How far E may move when the nets the nudge passes through round: Σ |∂E/∂net|·ε·|net|
    #: (a net of 34 rounds at 7e−15, and E with it, however small E is).
    forward_rounding: float = 0.0

    @property
    def one_sided(self) -> tuple[float, float]:
        """(left, right) slopes: (E(p) − E(p − h))/h and (E(p + h) − E(p))/h."""
        return (self.centre - self.minus) / self.h, (self.plus - self.centre) / self.h

    @property
    def numeric(self) -> float:
        return (self.plus - self.minus) / (2 * self.h)

    @property
    def extrapolated(self) -> float:
        """Richardson's (4·D(h) − D(2h)) / 3: the h² error of both central differences cancels."""
        return (4 * self.numeric - self._difference(2)) / 3

    def _difference(self, times: int) -> float:
        plus, minus = {1: (self.plus, self.minus), 2: (self.plus2, self.minus2)}.get(
            times, (self.plus4, self.minus4)
        )
        return (plus - minus) / (2 * times * self.h)

    @property
    def difference(self) -> float:
        return self.symbolic - self.numeric

    @property
    def tolerance(self) -> float:
        """How far the extrapolated difference may be from the true derivative: its error
        (O(h⁴): a sixteenth of the gap to the coarser extrapolation from 2h and 4h), and the
        rounding of E (a few units of its last place, over the step)."""
        coarser = (4 * self._difference(2) - self._difference(4)) / 3
        truncation = abs(self.extrapolated - coarser) / 15
        return SAFETY * truncation + self.rounding / self.h + RELATIVE_FLOOR * abs(self.symbolic)

    @property
    def rounding(self) -> float:
        """How far a value of E may be off: a few units in its last place, or the noise."""
        size = max(abs(v) for v in (self.plus, self.minus, self.plus2, self.minus2))
        return max(
            ROUNDING_ULPS * EPSILON * size,
            NOISE_SAFETY * self.noise,
            ROUNDING_ULPS * self.forward_rounding,
        )

    @property
    def agrees(self) -> bool:
        return abs(self.symbolic - self.extrapolated) <= self.tolerance

    @property
    def resolved_digits(self) -> float:
        """The significant digits of the derivative that the check can vouch for: its size
        over the tolerance (16 where the tolerance is 0)."""
        size = max(abs(self.symbolic), abs(self.extrapolated))
        tolerance = self.tolerance
        if tolerance == 0:
            return 16.0
        if size == 0:
            return 0.0
        return max(0.0, math.log10(size / tolerance))

    @property
    def verdict(self) -> Verdict:
        """At a kink, the kink; where E did not move and the derivative is 0, agreement;
        where too few digits of the change survive rounding, no verdict; else the test."""
        if self.kinks:  # the seven points straddle the kink: no noise estimate applies
            return Verdict.AGREES if self._replace(noise=0.0).agrees else Verdict.KINK
        if self.symbolic == 0 and self.plus == self.minus:
            return Verdict.AGREES
        if self.resolved_digits < RESOLVED_DIGITS:
            return Verdict.UNRESOLVED
        return Verdict.AGREES if self.agrees else Verdict.DISAGREES
