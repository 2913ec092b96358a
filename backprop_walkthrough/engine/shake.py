"""The shake check, once: nudge a quantity by ±h, ±2h, ±4h and judge the symbolic derivative.

Networks (a parameter, or one example's out or net) and expressions (a leaf) both call
:func:`shake`; they differ only in how the error is computed at a nudged value, how far the
rounding of the nets it passes through moves it, and which kinks (ReLU at 0) the nudge meets.
The verdict itself — the tolerance from Richardson's estimate and the rounding of E — is
:class:`~..model.Shake`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..model import Shake, Verdict, measured_noise
from ..options import MAX_H

#: How many times a shake's h may grow tenfold where cancellation leaves too few digits.
SHAKE_GROWTHS = 3

Kinks = tuple[tuple[str, str, bool], ...]  # (name of the kinked value, activation, on it)
#: The nudges of a check, in units of its h: E is taken at centre + k·h for each.
NUDGES = (1, -1, 2, -2, 4, -4)


def scaled(h: float, centre: float) -> float:
    """h scaled to the quantity's order of magnitude: h·10^⌊log₁₀ max(1, |centre|)⌋."""
    return h * 10.0 ** math.floor(math.log10(max(1.0, abs(centre))))


def shake(
    wrt: str,
    centre: float,
    symbolic: float,
    error_at: Callable[[float], float],
    h: float,
    forward_rounding: float = 0.0,
    kinks: Callable[[float], Kinks] | None = None,
) -> Shake:
    """Nudge ``wrt`` from ``centre`` and compare the central difference with ``symbolic``.

    h is scaled to the quantity's order of magnitude, h·10^⌊log₁₀ max(1, |value|)⌋ (1e-6 for
    0.15 or 4.2, 1e-5 for 40). Where the check fails, E is also taken at p, p ± 3h to measure
    its rounding noise (:func:`~..model.measured_noise`), and where the check's tolerance leaves
    fewer than four digits of the gradient resolved, h grows tenfold, up to three times and
    never past 0.1 of that scale: the check reports the h it used. ``kinks(h)`` names the kinks
    that ±4h lies on or crosses: a straddled kink is named, not outgrown, and the one-sided
    slopes are shown.
    """
    scale = scaled(1.0, centre)
    h = scaled(h, centre)
    for growth in range(SHAKE_GROWTHS + 1):
        plus, minus, plus2, minus2, plus4, minus4 = (error_at(centre + k * h) for k in NUDGES)
        check = Shake(wrt, h, plus, minus, symbolic, plus2, minus2, plus4, minus4)
        found = kinks(h) if kinks is not None else ()
        check = check._replace(forward_rounding=forward_rounding, kinks=found)
        if found:
            break
        if not check.agrees:  # is it rounding? measure the noise of E here
            middle = [error_at(centre + k * h) for k in (-3, 0, 3)]
            line = [middle[0], minus2, minus, middle[1], plus, plus2, middle[2]]
            check = check._replace(noise=measured_noise(line))
        if (
            check.verdict is not Verdict.UNRESOLVED
            or growth == SHAKE_GROWTHS
            or h * 10 > MAX_H * scale
        ):
            break
        h *= 10
    return check._replace(centre=error_at(centre) if check.kinks else math.nan)
