"""Files: validating any input, the built-in scenarios, a new scenario, the shapes spec."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import options
from ..errors import OutputError, ScenarioError
from ..model import ShapeWalkthrough
from ..scenario import scenario_problems


def validate(path: str | Path) -> list[ScenarioError]:
    """Every problem of an input file of any kind — network scenario, shapes spec, expression
    file, answers file — (an empty list: it is valid). An answers file's figure names are
    checked against its scenario too."""
    if file_kind(path) == "answers file":
        from .grading import answers_problems

        return answers_problems(path)
    return scenario_problems(path)


def file_kind(path: str | Path) -> str | None:
    """Which kind of input a file is ("network scenario", "shapes spec", "expression file",
    "answers file"), or None when it cannot be read."""
    from ..scenario import file_kind as kind

    return kind(path)


def builtin_scenarios() -> dict[str, str]:
    """The built-in scenarios: name → the one line that says what each shows."""
    from ..scenario import builtin_names, describe_builtin

    return {name: describe_builtin(name) for name in builtin_names()}


def scenario_text(name: str) -> str:
    """A scenario's YAML text, for copying: a built-in one, or a file that is a scenario.

    Anything else is refused (this is not a file viewer): a file must end in .yaml or .yml,
    be within the size limit, and be a YAML mapping with the keys of a scenario.
    """
    from ..scenario import builtin_names, read_scenario_text, read_tree

    if name in builtin_names():
        return read_scenario_text(name)[0]
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError(
            name,
            "not a built-in scenario or a .yaml scenario file "
            f"(built-in: {', '.join(builtin_names())})",
        )
    tree, source = read_tree(name)
    keys = set(tree.value) if isinstance(tree.value, dict) else set()
    if not keys & {"layers", "kind", "words"}:
        raise ScenarioError(source, "is not a scenario file (it has no layers and no kind)")
    return read_scenario_text(name)[0]


def new_scenario(path: str | Path) -> None:
    """Write the commented template scenario to ``path`` (never over an existing file)."""
    from ..outputs import write_output
    from ..scenario import template_text

    if Path(path).exists() or Path(path).is_symlink():
        raise OutputError(str(path), "already exists; choose another name")
    write_output(str(path), template_text())


#: shapes --train: at most this many steps (and the work limit of engine/tensors/shapes.py).
MAX_HAND_STEPS = 1_000_000


def shapes(
    scenario: str | Path | None = None,
    *,
    words: Sequence[str] | None = None,
    block_size: int | None = None,
    embedding_dim: int | None = None,
    hidden: int | None = None,
    w1_rows: int | None = None,
    numbers: bool = False,
    seed: int | None = None,
    batchnorm: bool | None = None,
    train: int = 0,
) -> ShapeWalkthrough:
    """The embedding MLP's shape walkthrough: a ``kind: embedding_mlp`` file (or the defaults),
    with any of its settings overridden. ``numbers``: every tensor with numbers (parameters
    drawn from ``seed``, default the scenario's ``init: {seed}``), the manual backprop of the
    lecture's exercise and its check against scalar autodiff. ``batchnorm``: a batchnorm layer
    before tanh (the built-in makemore4 has one). ``train``: exercise 4, this many steps of
    gradient descent with the manual backward pass (implies ``numbers``)."""
    from ..engine.tensors.shapes import shape_walkthrough
    from ..scenario import load_shapes_spec
    from ..scenario.files import checked_shapes_spec
    from ..scenario.types import ShapesSpec

    spec = ShapesSpec() if scenario is None else load_shapes_spec(scenario)
    overrides: dict[str, Any] = {
        "words": None if words is None else tuple(words),
        "block_size": block_size,
        "embedding_dim": embedding_dim,
        "hidden": hidden,
        "w1_rows": w1_rows,
        "seed": None if seed is None else options.whole("--seed", seed, 0, 2**63),
        "batchnorm": batchnorm,
    }
    spec = spec._replace(**{k: v for k, v in overrides.items() if v is not None})
    steps = options.whole("--train", train, 0, MAX_HAND_STEPS)
    return shape_walkthrough(checked_shapes_spec(spec), numbers=numbers, train_steps=steps)
