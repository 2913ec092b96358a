"""A compiled step as plain data: its two functions, the Python source they were made from, and
the names of what they take and return. SymPy-free, so that a step read back from the cache
(:mod:`..step_cache`) needs nothing of the engine that wrote it (:mod:`.fastpath`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple


class CompiledStep(NamedTuple):
    """One gradient step of the whole scenario, compiled.

    ``gradient(params, rate)`` → (E_total, outputs per example, ∂E_total/∂p per parameter);
    ``step_function(params, rate)`` → [E_total, parameters after one step…]: the same program,
    without the outputs and gradients that a training loop does not need. E_total is the error
    of ``params``, before the step. ``gradient_source`` and ``step_source`` are the two
    functions' Python source (one ``def``, straight-line arithmetic), which the cache keeps.
    """

    gradient_function: Callable[..., list[float]]
    step_function: Callable[..., list[float]]
    parameters: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    examples: int
    compile_seconds: float
    gradient_source: str
    step_source: str
    from_cache: bool = False

    def gradient(
        self,
        params: Sequence[float],
        rate: float = 0.0,
    ) -> tuple[float, list[list[float]], list[float]]:
        result = self.gradient_function(params, rate)
        n = len(self.outputs)
        outs = [result[1 + e * n : 1 + (e + 1) * n] for e in range(self.examples)]
        return result[0], outs, result[1 + self.examples * n :]
