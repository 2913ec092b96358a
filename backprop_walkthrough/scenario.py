"""Scenario files: YAML → a validated, frozen :class:`Scenario`.

Decisions written down here (the README repeats them for users):

* Numbers must be YAML numbers. ``"0.15"`` in quotes is refused with a hint, because a quoted
  value is usually a typing slip and silently converting it hides where it came from.
* Every number is finite and at most 1e6 in size; the learning rate lies in (0, 1000].
* Names of neurons and parameters are a letter followed by letters or digits (``h1``, ``w5``,
  ``bias2``): they become SymPy symbols such as ``out_h1``, whose underscore typesets as a
  subscript, so a name may not contain one.
* A non-input neuron has at most one bias; a bias may feed several neurons (shared).
* Weights connect a layer to the next one only.
* A batch (``examples:``) has one E_total: the sum of every example's error.

The checks themselves live in :mod:`.validate`; generated parameters in :mod:`.initialise`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .yamltree import Tree, YamlTreeError, parse_yaml

#: Activations and the losses a scenario may name.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
LOSSES = ("half_squared_error", "mean_squared_error", "binary_cross_entropy", "cross_entropy")

MAX_FILE_BYTES = 1_000_000
MAX_ABS_VALUE = 1e6
MAX_LEARNING_RATE = 1e3
MAX_NEURONS = 2_000
MAX_PARAMETERS = 20_000
MAX_EXAMPLES = 100


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is one line: file:line: field: message."""

    def __init__(self, source: str, message: str, field: str = "", line: int | None = None):
        self.source = source
        self.field = field
        self.line = line
        self.message = message
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


@dataclass(frozen=True)
class Layer:
    neurons: tuple[str, ...]
    activation: str | None  # None for the input layer
    slope: float | None = None  # leaky_relu only: the slope for net ≤ 0


@dataclass(frozen=True)
class Weight:
    name: str
    source: str
    target: str
    value: float


@dataclass(frozen=True)
class Bias:
    name: str
    targets: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class Example:
    inputs: Mapping[str, float]
    targets: Mapping[str, float]


@dataclass(frozen=True)
class PublishedFigure:
    """A figure printed by the scenario's source, with ``decimals`` as printed."""

    key: str
    value: float
    decimals: int
    why: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    layers: tuple[Layer, ...]
    weights: tuple[Weight, ...]
    biases: tuple[Bias, ...]
    examples: tuple[Example, ...]
    loss: str
    learning_rate: float
    update_biases: bool
    published: tuple[PublishedFigure, ...] = ()
    source: str = "<scenario>"
    init: str = ""  # how generated parameters were drawn, for the reader ("" if none)

    @property
    def parameters(self) -> tuple[Weight | Bias, ...]:
        return self.weights + self.biases

    @property
    def is_batch(self) -> bool:
        return len(self.examples) > 1

    @property
    def inputs(self) -> Mapping[str, float]:
        """The first (for a single-example scenario: the only) example's inputs."""
        return self.examples[0].inputs

    @property
    def targets(self) -> Mapping[str, float]:
        return self.examples[0].targets

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> Scenario:
        """Validate a mapping exactly as a file would be validated."""
        from .validate import Validator

        return Validator(Tree(data), source).scenario()


# --- finding and reading files -------------------------------------------------------------


def scenarios_dir() -> Path:
    """Where the built-in scenarios live: inside the installed package (the wheel puts them
    there), or at the top of the source tree (an editable install or a checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "scenarios"
    return packaged if packaged.is_dir() else here.parent / "scenarios"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def network_names() -> list[str]:
    """The built-in feed-forward scenarios (not the ``kind: embedding_mlp`` shape ones)."""
    return [
        n
        for n in builtin_names()
        if "\nkind: embedding_mlp" not in (scenarios_dir() / f"{n}.yaml").read_text()
    ]


def describe_builtin(name: str) -> str:
    """The one-line "What this shows:" comment that opens a built-in scenario."""
    for line in (scenarios_dir() / f"{name}.yaml").read_text().splitlines():
        if line.startswith("# What this shows:"):
            return line.removeprefix("# What this shows:").strip()
    return ""


def resolve(name_or_path: str) -> Path:
    """A built-in name (``mazur``) or a path → the file to load."""
    path = Path(name_or_path)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in name_or_path or path.exists()
    if looks_like_path:
        return path
    builtin = scenarios_dir() / f"{name_or_path}.yaml"
    if builtin.is_file():
        return builtin
    names = builtin_names()
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ScenarioError(
        name_or_path,
        f"no such file or built-in scenario (built-in: {', '.join(names)}){hint}",
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario from a built-in name or a YAML file."""
    text, source = read_scenario_text(name_or_path)
    return parse_scenario(text, source)


def read_scenario_text(name_or_path: str | Path) -> tuple[str, str]:
    """(the file's text, its name for messages), refusing what is not a small UTF-8 file."""
    path = resolve(str(name_or_path))
    source = str(path)
    if not path.exists():
        raise ScenarioError(source, "no such file")
    if path.is_dir():
        raise ScenarioError(source, "is a directory, not a scenario file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                source, f"file is {size:,} bytes; scenario files are at most {MAX_FILE_BYTES:,}"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(source, "not UTF-8 text", line=line) from None
    return text, source


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    from .validate import Validator

    return Validator(parse_tree(text, source), source).scenario()


def parse_tree(text: str, source: str) -> Tree:
    """YAML text → a :class:`Tree`, or one ScenarioError naming the file and line."""
    try:
        return parse_yaml(text)
    except YamlTreeError as exc:
        raise ScenarioError(source, exc.message, ".".join(exc.path), exc.line) from None


def read_tree(name_or_path: str | Path) -> tuple[Tree, str]:
    """A scenario file's parsed YAML and its name for messages, within the file limits."""
    text, source = read_scenario_text(name_or_path)
    return parse_tree(text, source), source


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def scenario_problems(name_or_path: str | Path) -> list[ScenarioError]:
    """Every problem of a scenario file (an empty list: it is valid).

    The file is read once, with the same limits as :func:`load_scenario`; a file that cannot be
    read or is not YAML has that one problem only.
    """
    from .validate import Validator, all_problems

    try:
        tree, source = read_tree(name_or_path)
    except ScenarioError as unreadable:
        return [unreadable]
    try:
        Validator(tree, source).scenario()
    except ScenarioError as first:
        return all_problems(tree, source) or [first]
    return []
