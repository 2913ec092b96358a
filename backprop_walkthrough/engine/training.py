"""Training runs: many gradient steps on the compiled fast path, plain floats only.

One step uses every example of the scenario (full-batch gradient descent, E_total summed over
the examples) and moves every weight — and the biases when ``update_biases`` is true — by
−η·∂E_total/∂p. ``history`` holds (number of steps taken, E_total with the parameters after
those steps) at every checkpoint, starting with (0, the scenario's own E_total).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NumericalError
from ..model import PerExample, TrainingRun
from ..scenario import Scenario
from .scalar.compiled import CompiledStep
from .step_cache import cached_step

if TYPE_CHECKING:
    from .vectorised import VectorisedStep

#: The most E_total values a run keeps (options.DEFAULT_MAX_CHECKPOINTS, which the API passes).
DEFAULT_MAX_CHECKPOINTS = 1_000
#: How often (in steps) the progress callback hears how far the run is.
PROGRESS_EVERY = 1000


class TrainingDivergedError(NumericalError):
    """E_total or a gradient stopped being a finite number."""

    def __init__(self, step: int, reason: str, source: str = "") -> None:
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}training diverged at step {step:,}: {reason} (try a smaller --learning-rate)"
        )
        self.step = step


def step_for(
    scenario: Scenario,
    hidden_uses_updated_weights: bool = False,
    vectorised: bool | None = None,
    cache: Path | None = None,
) -> CompiledStep | VectorisedStep:
    """The step a run uses: the scalar program (from the step cache in ``cache``, if given and
    it holds the network's; :mod:`.step_cache`), or the layers as arrays (see :func:`train`)."""
    from . import vectorised as arrays

    big = len(scenario.parameters) >= arrays.VECTORISED_FROM
    if vectorised is False or (vectorised is None and not big):
        return cached_step(scenario, hidden_uses_updated_weights, cache)
    reason = arrays.unsupported(scenario, hidden_uses_updated_weights)
    if reason is None:
        return arrays.VectorisedStep(scenario)
    if vectorised is None:  # a big network the arrays do not cover: the scalar program
        return cached_step(scenario, hidden_uses_updated_weights, cache)
    raise ValueError(f"the vectorised path does not cover {reason}")


def default_every(steps: int) -> int:
    """Ten checkpoints or so, at round numbers: 10,000 steps → every 1,000."""
    if steps <= 10:
        return 1
    magnitude = 10 ** int(math.log10(steps / 10))
    return int(max(1, (steps // 10) // magnitude * magnitude))


def train(
    scenario: Scenario,
    steps: int,
    *,
    learning_rate: float | None = None,
    stop_below: float | None = None,
    every: int | None = None,
    hidden_uses_updated_weights: bool = False,
    progress: Callable[[int], None] | None = None,
    max_checkpoints: int = DEFAULT_MAX_CHECKPOINTS,
    vectorised: bool | None = None,
    cache: Path | None = None,
) -> TrainingRun:
    """Run up to ``steps`` gradient steps; ``progress(steps_done)`` is called now and then.

    At most ``max_checkpoints`` values of E_total are kept: when the history would grow past
    it, every other checkpoint is dropped and the interval between checkpoints doubles, so a
    run of ten million steps recorded at every step keeps a thousand, evenly spaced.

    ``vectorised``: None takes the vectorised path (:mod:`.vectorised`) from
    ``VECTORISED_FROM`` parameters on where it covers the network; True or False asks for one
    path (True where it does not cover the network is an error). ``cache``: the directory of
    the compiled-step cache (:mod:`.step_cache`), or None to compile afresh.
    """
    if steps < 0:
        raise ValueError("steps must be at least 0")
    compiled = step_for(scenario, hidden_uses_updated_weights, vectorised, cache)
    rate = scenario.learning_rate if learning_rate is None else learning_rate
    every = every or default_every(steps)
    history: list[tuple[int, float]] = []

    params = [p.value for p in scenario.parameters]
    below = -math.inf if stop_below is None else stop_below
    step, stopped_early = 0, False
    while step < steps:  # chunks between progress reports, each one call
        size = min(steps - step, PROGRESS_EVERY - step % PROGRESS_EVERY)
        start = params
        try:
            done, total, recorded, params = compiled.advance(
                params, rate, size, below, every, step, stop_below is not None
            )
        except (OverflowError, ZeroDivisionError, NumericalError):
            _stopped_within(compiled, scenario, start, rate, step, size)
            raise  # pragma: no cover - the replay raises first
        for entry in recorded:  # as if recorded one by one: a thinning doubles the interval
            if entry[0] % every == 0:
                history.append(entry)
                if len(history) > max_checkpoints:
                    history, every = history[::2], every * 2
        if done < size:  # E_total stopped being finite, or fell below --stop-below
            step += done
            if not math.isfinite(total):
                _stopped_within(compiled, scenario, start, rate, step - done, done + 1)
            stopped_early = True
            break
        if not all(map(math.isfinite, params)):  # a NaN the checkpoints did not see
            _stopped_within(compiled, scenario, start, rate, step, size)
        step += size
        if progress is not None:
            progress(step)
    try:
        final_total, outputs, _ = compiled.gradient(params, rate)
    except (OverflowError, ZeroDivisionError, NumericalError):
        _stopped_within(compiled, scenario, params, rate, step, 1)
        raise  # pragma: no cover - the replay raises first
    if not stopped_early:  # the last step's error: checked and recorded as every step's
        total = final_total + 0.0  # never −0.0 (an error of 0·log 0)
        if not math.isfinite(total):
            raise TrainingDivergedError(step, f"E_total became {total}", scenario.source)
        if step % every == 0:
            history.append((step, total))
            if len(history) > max_checkpoints:
                history, every = history[::2], every * 2
    total = float(total)  # a float, whichever path ran
    if history[-1][0] != step:
        history.append((step, total))
    if progress is not None:
        progress(step)
    return TrainingRun(
        scenario=scenario,
        steps_requested=steps,
        steps_run=step,
        learning_rate=rate,
        history=tuple(history),
        E_total=total,
        outputs=PerExample(dict(zip(compiled.outputs, outs, strict=True)) for outs in outputs),
        parameters=dict(zip(compiled.parameters, map(float, params), strict=True)),
        stopped_early=stopped_early,
        compile_seconds=compiled.compile_seconds,
        hidden_uses_updated_weights=hidden_uses_updated_weights,
        path="scalar" if isinstance(compiled, CompiledStep) else "vectorised",
        step_from_cache=isinstance(compiled, CompiledStep) and compiled.from_cache,
    )


def published_comparisons(run: TrainingRun) -> list[tuple[str, float, int, float, str]]:
    """The scenario's published figures for this many steps: ``train 10000 E_total`` and
    ``train 10000 out_o1`` (single-example scenarios), as (key, published, decimals, computed,
    why)."""
    if run.scenario.is_batch:
        return []
    prefix = f"train {run.steps_run} "
    figures = {"E_total": run.E_total, **{f"out_{n}": v for n, v in run.outputs[0].items()}}
    rows = []
    for figure in run.scenario.published:
        name = figure.key.removeprefix(prefix)
        if figure.key.startswith(prefix) and name in figures:
            rows.append((figure.key, figure.value, figure.decimals, figures[name], figure.why))
    return rows


def _stopped_within(
    compiled: CompiledStep | VectorisedStep,
    scenario: Scenario,
    params: Sequence[float],
    rate: float,
    first: int,
    count: int,
) -> None:
    """Raise what stopped a run within ``count`` steps from step ``first`` (whose parameters
    are ``params``), naming the step: the chunk again, one step at a time (a run is
    deterministic), each step's E_total checked."""
    where = f"{scenario.source}: " if scenario.source else ""
    for step in range(first, first + count):
        try:
            result = compiled.step_function(params, rate)
        except OverflowError:
            raise TrainingDivergedError(
                step, "a value overflowed floating point (past 1.8e308)", scenario.source
            ) from None
        except (ZeroDivisionError, NumericalError) as exc:
            # Not a divergence (E_total and the parameters are finite): a factor of the
            # gradient left the range of a double, as an output saturated past net ≈ ±745.
            reason = "a division by zero" if isinstance(exc, ZeroDivisionError) else str(exc)
            raise NumericalError(
                f"{where}training stopped at step {step:,}: {reason} (a factor of the gradient "
                "left the range of a double; try a smaller --learning-rate)"
            ) from None
        total = result[0] + 0.0
        if not math.isfinite(total):
            raise TrainingDivergedError(step, f"E_total became {total}", scenario.source)
        params = result[1:]
    raise TrainingDivergedError(
        first + count, "a parameter became inf or NaN", scenario.source
    )  # pragma: no cover - a NaN parameter gives a NaN E_total on the next step
