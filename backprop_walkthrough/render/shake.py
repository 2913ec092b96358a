"""The shake check's block and notes, once: networks and expressions lay it out alike."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import sympy as sp

from .. import ops
from ..model import Shake, Verdict
from .blocks import CellRole, Check, Formula, Mark, Note
from .names import shaken
from .numbers import format_decimals, format_difference, format_value, with_minus

#: The E values of a shake check are shown to this many decimals, so the quotient checks.
SHAKE_DECIMALS = 15
SMALL_SHAKEN_ERROR = 1e-3


def shaken_error(value: float) -> str:
    """An E value of a shake check, with the digits that the quotient needs: 15 decimals, or
    16 significant digits for an E below 0.001 (15 decimals of 4.2e−18 would be zeros)."""
    if value != 0 and abs(value) < SMALL_SHAKEN_ERROR:
        return with_minus(f"{value:.15e}")
    return format_decimals(value, SHAKE_DECIMALS, True)


def shaken_value(h: float, shown: int) -> Callable[[float], str]:
    """An output value of a shake check to the digits that carry meaning: the quotient,
    shown to ``shown`` decimals, needs the two values to about h·10^−shown — more digits are
    the noise of doubles (−7.999996, not −7.999996000000000 or −8.000004000000001)."""
    decimals = min(SHAKE_DECIMALS, shown + max(0, math.ceil(-math.log10(h))))

    def text(value: float) -> str:
        if value != 0 and abs(value) < SMALL_SHAKEN_ERROR:
            return shaken_error(value)
        written = format_decimals(value, decimals, True)
        return written.rstrip("0").rstrip(".") if "." in written else written

    return text


def shake_check(
    shake: Shake,
    output: str,
    error_text: Callable[[float], str],
    value_text: Callable[[float], str],
) -> Check:
    """The check beside a derivative: E at ±h, the quotient, the derived value, the verdict."""
    p = shake.wrt
    return Check(
        "shake it",
        f"h = {shake.h:g}",
        (
            (shaken(output, p, 1), error_text(shake.plus), CellRole.NUMBER),
            (shaken(output, p, -1), error_text(shake.minus), CellRole.NUMBER),
            ("(difference) / 2h", value_text(shake.numeric), CellRole.VALUE),
            ("derived", value_text(shake.symbolic), CellRole.VALUE),
        ),
        verdict_mark(shake),
        ""
        if shake.verdict is Verdict.UNRESOLVED  # the difference is noise: see the note
        else f"differs by {format_difference(shake.difference, True)}",
    )


def verdict_mark(shake: Shake, short: bool = False) -> Mark:
    """✓, ✗ or ○ and the verdict's words."""
    verdict = shake.verdict
    ok = {Verdict.AGREES: True, Verdict.DISAGREES: False}.get(verdict)
    if short:
        return Mark(ok)
    return Mark(ok, verdict.value)


def shake_notes(shake: Shake, output: str) -> Iterator[Note]:
    """Why a check that does not agree is not a disagreement: a kink, or cancellation."""
    verdict = shake.verdict
    if verdict is Verdict.UNRESOLVED and shake.plus == shake.minus:
        yield Note(
            (
                shaken(output, shake.wrt, 1),
                " and ",
                shaken(output, shake.wrt, -1),
                " agree to all their "
                f"digits even at h = {shake.h:g}: the gradient is 0 to within "
                f"±{format_difference(shake.tolerance, True)}, and the shake check cannot "
                "tell a derived value smaller than that from 0.",
            ),
        )
    elif verdict is Verdict.UNRESOLVED:
        yield Note(
            (
                f"The shake check cannot resolve this gradient at h = {shake.h:g}: its "
                "central difference is uncertain by "
                f"±{format_difference(shake.tolerance, True)} (the rounding of ",
                Formula(sp.Symbol(output)),
                " over h, and the step's own error), more than a "
                "ten-thousandth of the gradient itself, so it can neither confirm nor refute "
                "the derived value.",
            ),
        )
    elif verdict is Verdict.KINK:
        left, right = shake.one_sided
        for net, activation, on in shake.kinks:
            slope = ops.activation(activation).slope_at_kink
            if on:
                convention = (
                    f" = 0 lies on {activation}'s kink, where the slope jumps. From the left ",
                    Formula(sp.Symbol(output)),
                    f" changes at {format_value(left, 6, True)} per unit, "
                    f"from the right at {format_value(right, 6, True)}: the derivative takes "
                    f"{activation}′(0) = {slope}, the slope on the left, by convention, and "
                    "the central difference measures the average of the two.",
                )
                matches = abs(shake.symbolic - left) <= shake.tolerance
                verdict_text = (
                    " The derived value is the left slope, as the convention says."
                    if matches
                    else ""
                )
                yield Note((Formula(sp.Symbol(net)), *convention, verdict_text))
            else:
                yield Note(
                    (
                        "The nudge of ±4h carries ",
                        Formula(sp.Symbol(net)),
                        f" across {activation}'s kink at 0, "
                        "where the slope jumps: the central difference mixes the two "
                        "one-sided slopes, so it need not agree with the derivative, and "
                        "that is no error. A smaller --h keeps the nudge on one side.",
                    ),
                )
