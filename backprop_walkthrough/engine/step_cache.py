"""The compiled-step cache: a network's compiled step kept on disk, so that the next ``train``
of the same network neither derives nor imports SymPy.

What is kept is the step's Python source (:class:`.scalar.compiled.CompiledStep`), keyed by
everything that changes that source and nothing else:

* the layers (neurons, activations, slopes), the weights' and biases' names and places, the
  loss and whether biases move: the structure;
* the examples' inputs and targets, which the step holds as literals (and whose targets pick
  the precise forms of saturated outputs), and ``--hidden-uses-updated-weights``;
* this package's version (a new version may derive another program) and the cache's format.
  Not SymPy's: another SymPy may print the same program otherwise, but what an entry computes
  does not change with the printer that wrote it.

The parameters' values and the learning rate are arguments of the step: editing a weight, or
``--learning-rate``, reads the same entry.

Reading an entry never trusts it: the file must be JSON of this format and key, and each
source must parse to one function of straight-line arithmetic — assignments of numbers, names,
+ − × ÷ **, comparisons, conditional expressions and calls of the records' float functions
(:data:`..ops.FLOAT_FUNCTION_NAMES`), ``abs`` and ``math``'s functions, ``for`` over a
``range`` and ``if`` (the loop of ``advance``), every name it reads assigned first — before its
code becomes a function over those functions alone (no builtins; no statement of the file is
run, it is compiled and its one function taken: :func:`.scalar.compiled.function_from`).
Anything else (a corrupt file, another version's, a file someone wrote by hand) is ignored and
rebuilt. A directory that cannot be created or written only costs speed.

Where: ``platformdirs.user_cache_dir("backprop-walkthrough")/steps`` (on Linux
``~/.cache/backprop-walkthrough/steps``); ``BACKPROP_WALKTHROUGH_CACHE_DIR`` moves it,
``BACKPROP_WALKTHROUGH_NO_CACHE=1`` (or ``train --no-cache``) turns it off. Deleting the
directory clears it. Each entry is a few kilobytes per hundred parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from ..scenario import Scenario
from ..version import __version__
from .scalar.compiled import CompiledStep, function_from

#: Bumped when an entry's layout or the way a step is compiled changes.
FORMAT = 2
#: The environment variables that move the cache and turn it off.
DIRECTORY_VARIABLE = "BACKPROP_WALKTHROUGH_CACHE_DIR"
OFF_VARIABLE = "BACKPROP_WALKTHROUGH_NO_CACHE"
#: An entry larger than this is not read (the biggest network's step is a few megabytes).
MAX_ENTRY_BYTES = 64_000_000


def cache_directory() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get(OFF_VARIABLE, "").strip() not in ("", "0"):
        return None
    chosen = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("backprop-walkthrough")) / "steps"


def structure_key(scenario: Scenario, hidden_uses_updated_weights: bool) -> str:
    """The entry's name: a SHA-256 of everything the step's source depends on (see above)."""
    described = {
        "format": FORMAT,
        "package": __version__,
        "layers": [
            [list(layer.neurons), layer.activation, layer.slope] for layer in scenario.layers
        ],
        "weights": [[w.name, w.source, w.target] for w in scenario.weights],
        "biases": [[b.name, list(b.targets)] for b in scenario.biases],
        "loss": scenario.loss,
        "update_biases": scenario.update_biases,
        "examples": [
            [
                [[k, v.hex()] for k, v in e.inputs.items()],
                [[k, v.hex()] for k, v in e.targets.items()],
            ]
            for e in scenario.examples
        ],
        "hidden_uses_updated_weights": hidden_uses_updated_weights,
    }
    text = json.dumps(described, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_step(
    scenario: Scenario,
    hidden_uses_updated_weights: bool = False,
    directory: Path | None = None,
) -> CompiledStep:
    """The scenario's compiled step: from ``directory`` when an entry is there and sound, else
    compiled (:func:`.scalar.fastpath.compile_step`) and written there. None: no cache."""
    if directory is None:
        return _compile(scenario, hidden_uses_updated_weights)
    key = structure_key(scenario, hidden_uses_updated_weights)
    path = directory / f"{key}.json"
    step = read_entry(path, key, scenario)
    if step is not None:
        return step
    step = _compile(scenario, hidden_uses_updated_weights)
    write_entry(path, key, step)
    return step


def _compile(scenario: Scenario, hidden_uses_updated_weights: bool) -> CompiledStep:
    from .scalar.fastpath import compile_step  # SymPy: only when there is no entry

    return compile_step(scenario, hidden_uses_updated_weights)


def read_entry(path: Path, key: str, scenario: Scenario) -> CompiledStep | None:
    """The step in ``path``, or None if it is missing, unreadable or not a sound entry."""
    start = time.perf_counter()
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        sources = entry["gradient"], entry["step"], entry["advance"]
        gradient, step, advance = (function_from(source) for source in sources)
    except (OSError, ValueError, KeyError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None
    if gradient is None or step is None or advance is None:
        return None
    return CompiledStep(
        gradient_function=gradient,
        step_function=step,
        parameters=tuple(p.name for p in scenario.parameters),
        inputs=scenario.layers[0].neurons,
        outputs=scenario.layers[-1].neurons,
        examples=len(scenario.examples),
        compile_seconds=time.perf_counter() - start,
        advance=advance,
        gradient_source=sources[0],
        step_source=sources[1],
        advance_source=sources[2],
        from_cache=True,
    )


def write_entry(path: Path, key: str, step: CompiledStep) -> bool:
    """Write ``step`` to ``path`` whole or not at all (a temporary file renamed over it);
    False, and nothing else, where the directory cannot be made or written."""
    entry = {
        "format": FORMAT,
        "key": key,
        "gradient": step.gradient_source,
        "step": step.step_source,
        "advance": step.advance_source,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(entry, file)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
