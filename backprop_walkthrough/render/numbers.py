"""The one number formatter: how a computed value and a number put into a formula are written.

``typographic=True`` writes a true minus sign (U+2212) instead of the hyphen, as the terminal and
the HTML page do; LaTeX and JSON keep the ASCII hyphen.
"""

from __future__ import annotations

import math

MINUS = "−"
#: Below this many significant digits at the requested decimals, a value switches to e-notation.
KEPT_SIGNIFICANT_DIGITS = 3
#: From this size on a value is written in e-notation (a diverging run never prints 300 digits).
LARGE = 1e10


def with_minus(text: str) -> str:
    """The typographic minus sign in place of every hyphen of a number."""
    return text.replace("-", MINUS)


def format_value(value: float, digits: int | None, typographic: bool = False) -> str:
    """A computed value: ``digits`` decimals, or full precision when ``digits`` is None.

    Values too small to keep three significant digits at that many decimals, and values of
    1e10 and more, switch to scientific notation: a tiny gradient never prints as 0.000000000
    and a diverging run never prints a hundred digits.
    """
    value += 0.0  # no "-0.000000000": a negative zero prints as zero
    if digits is None:
        text = repr(value)
    elif not math.isfinite(value):
        text = str(value)
    elif value != 0 and (
        abs(value) < 10.0 ** (KEPT_SIGNIFICANT_DIGITS - 1 - digits) or abs(value) >= LARGE
    ):
        text = f"{value:.{max(digits - KEPT_SIGNIFICANT_DIGITS, 2)}e}"
    else:
        text = f"{value:.{digits}f}"
    return with_minus(text) if typographic else text


def format_operand(value: float, digits: int | None, typographic: bool = False) -> str:
    """A number put into a formula: like a value, without trailing zeros (0.15, 0.75136507)."""
    text = format_value(value, digits)
    if digits is not None and "e" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return with_minus(text) if typographic else text


def format_decimals(value: float, decimals: int, typographic: bool = False) -> str:
    """A figure with exactly ``decimals`` decimals, as a published source printed it."""
    text = f"{value + 0.0:.{decimals}f}"
    return with_minus(text) if typographic else text


def format_difference(value: float, typographic: bool = False) -> str:
    """A small difference, two significant digits: 2.4e-11."""
    text = f"{value + 0.0:.1e}"
    return with_minus(text) if typographic else text


def format_given(value: float, typographic: bool = False) -> str:
    """A number as a scenario gives it (an input, a target, a learning rate): 0.05, 1e-06."""
    text = f"{value + 0.0:g}"
    return with_minus(text) if typographic else text
