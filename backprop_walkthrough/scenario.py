"""Scenario files: YAML → a validated, frozen :class:`Scenario`.

Decisions written down here (the README repeats them for users):

* Numbers must be YAML numbers. ``"0.15"`` in quotes is refused with a hint, because a quoted
  value is usually a typing slip and silently converting it hides where it came from.
* Every number is finite and at most 1e6 in size; the learning rate lies in (0, 1000].
* Names of neurons and parameters are a letter followed by letters or digits (``h1``, ``w5``,
  ``bias2``): they become SymPy symbols such as ``out_h1``, whose underscore typesets as a
  subscript, so a name may not contain one.
* A non-input neuron has at most one bias; a bias may feed several neurons of one layer (shared).
* Weights connect a layer to the next one only.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .yamltree import Tree, YamlTreeError, parse_yaml

ACTIVATIONS = ("sigmoid",)
LOSSES = ("half_squared_error",)

MAX_FILE_BYTES = 1_000_000
MAX_ABS_VALUE = 1e6
MAX_LEARNING_RATE = 1e3
MAX_NEURONS = 2_000
MAX_PARAMETERS = 20_000

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,31}\Z")
_TOP_KEYS = (
    "name",
    "description",
    "layers",
    "weights",
    "biases",
    "inputs",
    "targets",
    "loss",
    "learning_rate",
    "update_biases",
    "published",
)
_REQUIRED = ("layers", "weights", "inputs", "targets", "learning_rate")


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
    inputs: Mapping[str, float]
    targets: Mapping[str, float]
    loss: str
    learning_rate: float
    update_biases: bool
    published: tuple[PublishedFigure, ...] = ()
    source: str = "<scenario>"

    @property
    def parameters(self) -> tuple[Weight | Bias, ...]:
        return self.weights + self.biases

    def replace_values(self, values: Mapping[str, float]) -> Scenario:
        """A copy with some weights/biases set to new values (used by the shake and updates)."""
        from dataclasses import replace

        return replace(
            self,
            weights=tuple(replace(w, value=values.get(w.name, w.value)) for w in self.weights),
            biases=tuple(replace(b, value=values.get(b.name, b.value)) for b in self.biases),
        )

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> Scenario:
        """Validate a mapping exactly as a file would be validated."""
        return _Checker(Tree(data), source).scenario()


# --- finding and reading files -------------------------------------------------------------


def scenarios_dir() -> Path:
    """Where the built-in scenarios live: inside the installed package, or the source tree."""
    packaged = resources.files("backprop_walkthrough") / "scenarios"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "scenarios"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


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
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    try:
        tree = parse_yaml(text)
    except YamlTreeError as exc:
        raise ScenarioError(source, exc.message, ".".join(exc.path), exc.line) from None
    return _Checker(tree, source).scenario()


# --- validation ------------------------------------------------------------------------------


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


class _Checker:
    """Walks the parsed document, raising ScenarioError at the first problem."""

    def __init__(self, tree: Tree, source: str) -> None:
        self.tree = tree
        self.source = source

    def fail(self, path: tuple[str, ...], message: str) -> ScenarioError:
        return ScenarioError(self.source, message, ".".join(path), self.tree.line(path))

    # typed getters -------------------------------------------------------------

    def mapping(self, value: Any, path: tuple[str, ...], what: str = "a mapping") -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected {what}, got {_describe(value)}")
        return value

    def keys(
        self, data: dict, path: tuple[str, ...], allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    path + (key,),
                    f"unknown key {key!r}{_did_you_mean(key, allowed)}"
                    + ("" if _did_you_mean(key, allowed) else f" (allowed: {', '.join(allowed)})"),
                )
        for key in required:
            if key not in data:
                raise self.fail(path, f"missing required key {key!r}")

    def number(self, value: Any, path: tuple[str, ...]) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = ""
            if isinstance(value, str):
                try:
                    float(value)
                    hint = " — write the number without quotes"
                except ValueError:
                    pass
            raise self.fail(path, f"expected a number, got {_describe(value)}{hint}")
        number = float(value)
        if not math.isfinite(number):
            raise self.fail(path, f"expected a finite number, got {value}")
        if abs(number) > MAX_ABS_VALUE:
            raise self.fail(path, f"{value} is too large (at most {MAX_ABS_VALUE:g} in size)")
        return number

    def text(self, value: Any, path: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {_describe(value)}")
        return value

    def name(self, value: Any, path: tuple[str, ...], what: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(
                path,
                f"{what} {_describe(value)} is not a valid name "
                "(a letter, then up to 31 letters or digits)",
            )
        return value

    # the document ----------------------------------------------------------------

    def scenario(self) -> Scenario:
        root = self.mapping(self.tree.value, (), "a mapping of scenario keys at the top level")
        self.keys(root, (), _TOP_KEYS, _REQUIRED)
        name = self.text(root.get("name", Path(self.source).stem), ("name",))
        description = self.text(root.get("description", ""), ("description",))
        layers = self.layers(root["layers"])
        neuron_layer = {n: i for i, layer in enumerate(layers) for n in layer.neurons}
        weights = self.weights(root["weights"], layers, neuron_layer)
        biases = self.biases(root.get("biases", {}), layers, neuron_layer)
        self.check_names(layers, weights, biases)
        self.check_incoming(layers, weights)
        inputs = self.values_for(root["inputs"], ("inputs",), layers[0].neurons, "input")
        targets = self.values_for(root["targets"], ("targets",), layers[-1].neurons, "output")
        loss = self.text(root.get("loss", "half_squared_error"), ("loss",))
        if loss not in LOSSES:
            raise self.fail(
                ("loss",),
                f"unknown loss {loss!r}{_did_you_mean(loss, LOSSES)} (known: {', '.join(LOSSES)})",
            )
        rate = self.number(root["learning_rate"], ("learning_rate",))
        if not 0 < rate <= MAX_LEARNING_RATE:
            raise self.fail(
                ("learning_rate",), f"must be above 0 and at most {MAX_LEARNING_RATE:g}, got {rate}"
            )
        update_biases = root.get("update_biases", False)
        if not isinstance(update_biases, bool):
            raise self.fail(
                ("update_biases",), f"expected true or false, got {_describe(update_biases)}"
            )
        published = self.published(root.get("published", {}))
        return Scenario(
            name=name,
            description=description,
            layers=layers,
            weights=weights,
            biases=biases,
            inputs=inputs,
            targets=targets,
            loss=loss,
            learning_rate=rate,
            update_biases=update_biases,
            published=published,
            source=self.source,
        )

    def layers(self, value: Any) -> tuple[Layer, ...]:
        path = ("layers",)
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of layers, got {_describe(value)}")
        if len(value) < 2:
            raise self.fail(path, "needs at least two layers (inputs and outputs)")
        layers: list[Layer] = []
        seen: set[str] = set()
        total = 0
        for index, item in enumerate(value):
            lpath = path + (str(index),)
            data = self.mapping(item, lpath)
            self.keys(data, lpath, ("neurons", "activation"), ("neurons",))
            neurons = data["neurons"]
            if not isinstance(neurons, list) or not neurons:
                raise self.fail(lpath + ("neurons",), "expected a non-empty list of neuron names")
            total += len(neurons)
            if total > MAX_NEURONS:
                raise self.fail(lpath + ("neurons",), f"more than {MAX_NEURONS:,} neurons in all")
            for j, neuron in enumerate(neurons):
                self.name(neuron, lpath + ("neurons", str(j)), "neuron")
                if neuron in seen:
                    raise self.fail(lpath + ("neurons", str(j)), f"neuron {neuron!r} appears twice")
                seen.add(neuron)
            activation = data.get("activation")
            if index == 0:
                if activation is not None:
                    raise self.fail(lpath + ("activation",), "the input layer has no activation")
            else:
                if activation is None:
                    raise self.fail(lpath, "missing required key 'activation'")
                activation = self.text(activation, lpath + ("activation",))
                if activation not in ACTIVATIONS:
                    raise self.fail(
                        lpath + ("activation",),
                        f"unknown activation {activation!r}{_did_you_mean(activation, ACTIVATIONS)}"
                        f" (known: {', '.join(ACTIVATIONS)})",
                    )
            layers.append(Layer(tuple(neurons), activation))
        return tuple(layers)

    def neuron(self, value: Any, path: tuple[str, ...], neuron_layer: dict[str, int]) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a neuron name, got {_describe(value)}")
        if value not in neuron_layer:
            raise self.fail(path, f"unknown neuron {value!r}{_did_you_mean(value, neuron_layer)}")
        return value

    def weights(
        self, value: Any, layers: tuple[Layer, ...], neuron_layer: dict[str, int]
    ) -> tuple[Weight, ...]:
        data = self.mapping(value, ("weights",), "a mapping of weight names")
        if len(data) > MAX_PARAMETERS:
            raise self.fail(("weights",), f"more than {MAX_PARAMETERS:,} weights")
        weights: list[Weight] = []
        connections: dict[tuple[str, str], str] = {}
        for name, item in data.items():
            path = ("weights", name)
            self.name(name, path, "weight")
            spec = self.mapping(item, path, "a mapping with from, to and value")
            self.keys(spec, path, ("from", "to", "value"), ("from", "to", "value"))
            source = self.neuron(spec["from"], path + ("from",), neuron_layer)
            target = self.neuron(spec["to"], path + ("to",), neuron_layer)
            if neuron_layer[target] != neuron_layer[source] + 1:
                raise self.fail(
                    path,
                    f"{source} → {target} does not connect a layer to the next one "
                    f"(layer {neuron_layer[source] + 1} → layer {neuron_layer[target] + 1})",
                )
            if (source, target) in connections:
                raise self.fail(
                    path, f"{source} → {target} already has weight {connections[(source, target)]}"
                )
            connections[(source, target)] = name
            weights.append(
                Weight(name, source, target, self.number(spec["value"], path + ("value",)))
            )
        return tuple(weights)

    def biases(
        self, value: Any, layers: tuple[Layer, ...], neuron_layer: dict[str, int]
    ) -> tuple[Bias, ...]:
        data = self.mapping(value, ("biases",), "a mapping of bias names")
        biases: list[Bias] = []
        fed_by: dict[str, str] = {}
        for name, item in data.items():
            path = ("biases", name)
            self.name(name, path, "bias")
            spec = self.mapping(item, path, "a mapping with to and value")
            self.keys(spec, path, ("to", "value"), ("to", "value"))
            targets = spec["to"]
            if isinstance(targets, str):
                targets = [targets]
            if not isinstance(targets, list) or not targets:
                raise self.fail(path + ("to",), "expected a neuron name or a list of them")
            checked = []
            for j, target in enumerate(targets):
                tpath = path + ("to",) if len(targets) == 1 else path + ("to", str(j))
                target = self.neuron(target, tpath, neuron_layer)
                if neuron_layer[target] == 0:
                    raise self.fail(tpath, f"{target} is an input neuron; inputs have no bias")
                if target in fed_by:
                    raise self.fail(tpath, f"{target} already has bias {fed_by[target]}")
                fed_by[target] = name
                checked.append(target)
            biases.append(Bias(name, tuple(checked), self.number(spec["value"], path + ("value",))))
        return tuple(biases)

    def check_names(
        self, layers: tuple[Layer, ...], weights: tuple[Weight, ...], biases: tuple[Bias, ...]
    ) -> None:
        owner: dict[str, str] = {n: "a neuron" for layer in layers for n in layer.neurons}
        for group, params in (("weights", weights), ("biases", biases)):
            for p in params:
                if p.name in owner:
                    raise self.fail(
                        (group, p.name), f"the name {p.name!r} is already {owner[p.name]}"
                    )
                owner[p.name] = "a weight" if group == "weights" else "a bias"

    def check_incoming(self, layers: tuple[Layer, ...], weights: tuple[Weight, ...]) -> None:
        fed = {w.target for w in weights}
        for index, layer in enumerate(layers[1:], start=1):
            for j, neuron in enumerate(layer.neurons):
                if neuron not in fed:
                    raise self.fail(
                        ("layers", str(index), "neurons", str(j)),
                        f"neuron {neuron!r} has no incoming weight",
                    )

    def values_for(
        self, value: Any, path: tuple[str, ...], neurons: tuple[str, ...], what: str
    ) -> dict[str, float]:
        data = self.mapping(value, path, f"a mapping of {what} neuron → number")
        for key in data:
            if key not in neurons:
                raise self.fail(
                    path + (key,),
                    f"{key!r} is not an {what} neuron{_did_you_mean(key, neurons)}"
                    f" ({what} neurons: {', '.join(neurons)})",
                )
        for neuron in neurons:
            if neuron not in data:
                raise self.fail(path, f"missing a value for {what} neuron {neuron!r}")
        return {n: self.number(data[n], path + (n,)) for n in neurons}

    def published(self, value: Any) -> tuple[PublishedFigure, ...]:
        data = self.mapping(value, ("published",), "a mapping of figure names")
        figures = []
        for key, item in data.items():
            path = ("published", key)
            why = ""
            if isinstance(item, dict):
                self.keys(item, path, ("value", "why"), ("value",))
                why = " ".join(self.text(item.get("why", ""), path + ("why",)).split())
                item, path = item["value"], path + ("value",)
            number = self.number(item, path)
            exponent = Decimal(repr(number)).as_tuple().exponent
            decimals = max(0, -exponent) if isinstance(exponent, int) else 0
            figures.append(PublishedFigure(key, number, decimals, why, self.tree.line(path)))
        return tuple(figures)
