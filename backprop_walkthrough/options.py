"""Every option's rule, once: the Python API checks its arguments with these functions and the
command line's option types call the same ones, so both accept and refuse the same values with
the same words (a refusal is an :class:`~.errors.OptionError`).

The limits on work form one family, each with the option that raises it:

=====================  ==========  =============================================================
limit                  default     what it bounds
=====================  ==========  =============================================================
``--max-parameters``   2,000       the parameters of a text walkthrough (JSON: up to the scenario
                                   limit of 20,000)
``--max-work``         20,000      parameters × examples that a derivation takes on (the time it
                                   takes grows with it: 0.4 to 2.5 ms each here, more in a deeper
                                   network)
``--max-train-work``   50,000,000  steps × parameters × examples of a training run (about
                                   0.2 µs each here: the default is some ten seconds), checked
                                   against the steps asked for, even if ``--stop-below`` would end
                                   the run sooner
``--max-checkpoints``  1,000       the E_total values a training run keeps; a longer history is
                                   thinned to every k-th step, k doubling as needed
=====================  ==========  =============================================================
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Iterator
from typing import Any

from .errors import OptionError, ScenarioError

MIN_H = 1e-10  # below, rounding swamps the central difference (ε·E/h ≈ 1e-6 of E)
MAX_H = 0.1  # above, the central difference no longer measures the derivative at the point
MAX_STEPS = 10_000_000
#: A terminal wider than this is laid out at this width (COLUMNS=100000000 would take minutes).
MAX_COLUMNS = 1_000
#: The E_total values a training run may keep (each is a row of its table and a point).
MAX_CHECKPOINTS = 100_000
#: A line of an answer typed (or piped) into practice: longer is not an answer.
MAX_ANSWER_LINE = 1_000
#: The figures a diagnosis may recompute for one wrong figure (each mistaken rule tried in each
#: unwritten figure before it, and the figures after it worked on again): a final answer of a
#: big network stops searching here and says only that no mistake was found.
MAX_DIAGNOSIS_WORK = 200_000
MAX_DIGITS = 15
MAX_LEARNING_RATE = 1e3
DEFAULT_MAX_PARAMETERS = 2_000
DEFAULT_MAX_WORK = 20_000
DEFAULT_MAX_TRAIN_WORK = 50_000_000
DEFAULT_MAX_CHECKPOINTS = 1_000


def _number(option: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionError(option, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise OptionError(option, f"expected a finite number, got {value!r}")
    return number


def whole(option: str, value: Any, low: int, high: int | None = None) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(option, f"expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        span = f"at least {low:,}" if high is None else f"from {low:,} to {high:,}"
        raise OptionError(option, f"must be {span}, got {value:,}")
    return value


def h(value: Any) -> float:
    """The nudge of the shake check: between 1e-10 and 0.1."""
    number = _number("--h", value)
    if not MIN_H <= number <= MAX_H:
        raise OptionError(
            "--h",
            f"must lie between {MIN_H:g} and {MAX_H:g}, got {number:g}: below, rounding "
            "swamps the central difference; above, it no longer measures the derivative",
        )
    return number


def learning_rate(value: Any) -> float:
    number = _number("--learning-rate", value)
    if not 0 < number <= MAX_LEARNING_RATE:
        raise OptionError(
            "--learning-rate", f"must be above 0 and at most {MAX_LEARNING_RATE:g}, got {number:g}"
        )
    return number


def stop_below(value: Any) -> float:
    number = _number("--stop-below", value)
    if not number > 0:
        raise OptionError("--stop-below", f"must be above 0, got {number:g}")
    return number


def steps(value: Any) -> int:
    return whole("--steps", value, 0, MAX_STEPS)


def every(value: Any) -> int:
    return whole("--every", value, 1)


def digits(value: Any) -> int:
    return whole("--digits", value, 1, MAX_DIGITS)


def max_parameters(value: Any) -> int:
    return whole("--max-parameters", value, 1)


def max_work(value: Any) -> int:
    return whole("--max-work", value, 1)


def max_train_work(value: Any) -> int:
    return whole("--max-train-work", value, 1)


def max_checkpoints(value: Any) -> int:
    return whole("--max-checkpoints", value, 2, MAX_CHECKPOINTS)


# the work a scenario asks for, checked before anything is built ---------------------------


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def check_work(scenario: Any, asked: int) -> None:
    """Refuse, before anything is built, a scenario whose parameters × examples pass the limit
    ``asked`` (checked as --max-work is)."""
    limit = max_work(asked)
    parameters, examples = len(scenario.parameters), len(scenario.examples)
    if parameters * examples > limit:
        raise ScenarioError(
            scenario.source,
            f"{_count(parameters, 'parameter')} × {_count(examples, 'example')} = "
            f"{parameters * examples:,} "
            f"is more work than the limit of {limit:,} (--max-work); raise it to go on, or use "
            "fewer examples or a smaller network",
        )


def check_training_work(scenario: Any, steps: int, asked: int) -> None:
    """Refuse, before the first step, a run whose steps × parameters × examples pass the limit
    ``asked`` (checked as --max-train-work is)."""
    limit = max_train_work(asked)
    parameters, examples = len(scenario.parameters), len(scenario.examples)
    work = steps * parameters * examples
    if work > limit:
        raise ScenarioError(
            scenario.source,
            f"{_count(steps, 'step')} × {_count(parameters, 'parameter')} × "
            f"{_count(examples, 'example')} = {work:,} "
            f"is more training than the limit of {limit:,} (--max-train-work); raise it to go "
            "on, or take fewer steps",
        )


# --- exact arithmetic: its closed forms grow with every smooth layer --------------------------

#: ``run --exact``: the network's parameters, and its layers whose activation is smooth (σ,
#: tanh, softplus, SiLU, softmax: each nests the exp of the layer below, where ReLU, leaky ReLU
#: and linear keep rationals). The classic network (10 parameters, 2 smooth layers) takes 3 s.
MAX_EXACT_PARAMETERS = 60
MAX_EXACT_SMOOTH_LAYERS = 2
#: ``expr --exact``: how deep functions other than ReLU may nest (tanh(tanh(tanh(a))) takes 5 s)
#: and how many digits an exact rational may have (a**100 of 1/3 has 48; Python refuses to
#: print past 4,300).
MAX_EXACT_NESTING = 3
MAX_EXACT_DIGITS = 3_000
#: Whatever the checks above let through, exact arithmetic stops after this many seconds.
EXACT_SECONDS = 20


def check_exact_work(scenario: Any) -> None:
    """Refuse, before anything is derived, a network whose exact forms would not finish."""
    from . import ops  # SymPy: only --exact pays for it here

    smooth = [
        layer.activation
        for layer in scenario.layers[1:]
        if layer.activation and not ops.activation_is_rational(layer.activation)
    ]
    count = len(scenario.parameters)
    if count > MAX_EXACT_PARAMETERS or len(smooth) > MAX_EXACT_SMOOTH_LAYERS:
        raise OptionError(
            "--exact",
            f"takes networks of at most {MAX_EXACT_PARAMETERS} parameters and "
            f"{MAX_EXACT_SMOOTH_LAYERS} smooth layers (σ, tanh, softplus, SiLU, softmax): "
            f"{scenario.name} has {count} and {len(smooth)}; the exact closed forms grow with "
            "every one (ReLU, leaky ReLU and linear layers stay rational)",
        )


class _OutOfTime(BaseException):
    pass


@contextlib.contextmanager
def time_budget(seconds: float, what: str, hint: str) -> Iterator[None]:
    """Run the block for at most ``seconds`` (where the platform has SIGALRM and this is the
    main thread; elsewhere the block runs unbounded), else refuse in one line."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise OptionError(what, f"gave up after {seconds:g} s: {hint}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
