"""A validated scenario as frozen data: layers, parameters, examples, loss, learning rate.

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

The checks live in :mod:`.validate`, generated parameters in :mod:`.initialise`, reading files
in :mod:`.files`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

MAX_FILE_BYTES = 1_000_000
MAX_ABS_VALUE = 1e6
MAX_LEARNING_RATE = 1e3
MAX_NEURONS = 2_000
MAX_PARAMETERS = 20_000
MAX_EXAMPLES = 100


class Layer(NamedTuple):
    neurons: tuple[str, ...]
    activation: str | None  # None for the input layer
    slope: float | None = None  # leaky_relu only: the slope for net ≤ 0


class Weight(NamedTuple):
    name: str
    source: str
    target: str
    value: float


class Bias(NamedTuple):
    name: str
    targets: tuple[str, ...]
    value: float


class Example(NamedTuple):
    inputs: Mapping[str, float]
    targets: Mapping[str, float]


class PublishedFigure(NamedTuple):
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


#: The sizes an embedding-MLP scenario may ask for: (lowest, highest).
SHAPES_LIMITS = {"block_size": (1, 16), "embedding_dim": (1, 1000), "hidden": (1, 100_000)}
#: The examples the words make (each character of a word and its end): the dataset's rows.
MAX_SHAPES_EXAMPLES = 10_000

#: The lecture's five names: 32 examples with a context of three characters.
DEFAULT_WORDS = ("emma", "olivia", "ava", "isabella", "sophia")
#: The seed of the lecture's generator, used when a scenario gives none (``init: {seed: …}``).
#: Python's generator is not PyTorch's: the same seed draws different numbers than the lecture.
DEFAULT_SEED = 2147483647


class ShapesSpec(NamedTuple):
    words: tuple[str, ...] = DEFAULT_WORDS
    block_size: int = 3
    embedding_dim: int = 3
    hidden: int = 100
    w1_rows: int | None = None  # the first layer's declared input size (default: what fits)
    source: str = "<options>"
    seed: int = DEFAULT_SEED  # the parameters' generator, for shapes --numbers
    #: A batchnorm layer between the first linear layer and tanh (the lecture's makemore 4).
    batchnorm: bool = False
