"""The checks that turn a parsed YAML document into a :class:`~.scenario.Scenario`.

Each check raises :class:`~.scenario.ScenarioError` at the first problem, naming the field and
(from the parsed tree) its line.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import ops
from ..errors import ScenarioError, did_you_mean
from ..ops import ACTIVATIONS, LOSSES
from .initialise import InitSpec, generate
from .types import (
    MAX_ABS_VALUE,
    MAX_EXAMPLES,
    MAX_LEARNING_RATE,
    MAX_NEURONS,
    MAX_PARAMETERS,
    Bias,
    Example,
    Layer,
    PublishedFigure,
    Scenario,
    Weight,
)
from .yamltree import Tree

FieldPath = tuple[str, ...]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,31}\Z")
_TOP_KEYS = (
    "kind",
    "name",
    "description",
    "layers",
    "weights",
    "biases",
    "inputs",
    "targets",
    "examples",
    "loss",
    "learning_rate",
    "update_biases",
    "init",
    "published",
)
_TRAINING_FIGURE = re.compile(r"train [0-9]+ (E_total|out_[A-Za-z][A-Za-z0-9]*)\Z")
#: How far from 1 the targets of a cross-entropy example may sum (rounding in a YAML file).
TARGET_SUM_TOLERANCE = 1e-9
_LAYER_KEYS = ("neurons", "size", "prefix", "activation", "slope")


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


def default_prefix(index: int, count: int) -> str:
    """Neuron names for ``size:`` layers: i1…, h1… (one hidden layer) or h1n1…, o1…"""
    if index == 0:
        return "i"
    if index == count - 1:
        return "o"
    return "h" if count == 3 else f"h{index}n"


class Validator:
    def __init__(self, tree: Tree, source: str) -> None:
        self.tree = tree
        self.source = source

    def fail(self, path: FieldPath, message: str) -> ScenarioError:
        return ScenarioError(self.source, message, ".".join(path), self.tree.line(path))

    # typed getters --------------------------------------------------------------------

    def mapping(self, value: Any, path: FieldPath, what: str = "a mapping") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected {what}, got {_describe(value)}")
        return value

    def keys(
        self,
        data: dict[str, Any],
        path: FieldPath,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
                raise self.fail(path + (key,), f"unknown key {key!r}{hint}")
        for key in required:
            if key not in data:
                raise self.fail(path, f"missing required key {key!r}")

    def number(self, value: Any, path: FieldPath) -> float:
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

    def integer(self, value: Any, path: FieldPath, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected a whole number, got {_describe(value)}")
        if not low <= value <= high:
            raise self.fail(path, f"must be between {low:,} and {high:,}, got {value:,}")
        return value

    def text(self, value: Any, path: FieldPath) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {_describe(value)}")
        return str(value)

    def name(self, value: Any, path: FieldPath, what: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(
                path,
                f"{what} {_describe(value)} is not a valid name "
                "(a letter, then up to 31 letters or digits)",
            )
        return value

    def choice(self, value: Any, path: FieldPath, choices: tuple[str, ...], what: str) -> str:
        value = self.text(value, path)
        if value not in choices:
            raise self.fail(
                path,
                f"unknown {what} {value!r}{did_you_mean(value, choices)}"
                f" (known: {', '.join(choices)})",
            )
        return str(value)

    # the document ----------------------------------------------------------------------

    def scenario(self) -> Scenario:
        root = self.mapping(self.tree.value, (), "a mapping of scenario keys at the top level")
        kind = root.get("kind", "feed_forward")
        if kind == "embedding_mlp":
            raise self.fail(
                ("kind",),
                "an embedding_mlp scenario is a shape walkthrough: "
                "run `backprop-walkthrough shapes FILE`",
            )
        if kind != "feed_forward":
            raise self.fail(
                ("kind",), f"unknown kind {kind!r} (known: feed_forward, embedding_mlp)"
            )
        self.keys(root, (), _TOP_KEYS, ("layers", "learning_rate"))
        init = self.init(root["init"]) if "init" in root else None
        if init is None and "weights" not in root:
            raise self.fail((), "missing required key 'weights' (or 'init' to generate them)")
        name = self.text(root.get("name", Path(self.source).stem), ("name",))
        description = self.text(root.get("description", ""), ("description",))
        layers = self.layers(root["layers"])
        neuron_layer = {n: i for i, layer in enumerate(layers) for n in layer.neurons}
        weights = self.weights(root.get("weights", {}), neuron_layer)
        biases = self.biases(root.get("biases", {}), neuron_layer)
        if init is not None:
            weights, biases = self.generated(init, layers, weights, biases)
        if len(weights) + len(biases) > MAX_PARAMETERS:
            raise self.fail(
                ("layers",),
                f"{len(weights) + len(biases):,} parameters; at most {MAX_PARAMETERS:,}",
            )
        self.check_names(layers, weights, biases)
        self.check_incoming(layers, weights)
        examples = self.examples(root, layers)
        loss = self.choice(root.get("loss", ops.DEFAULT_LOSS), ("loss",), LOSSES, "loss")
        self.check_loss(loss, layers, examples)
        rate = self.learning_rate(root["learning_rate"])
        update_biases = self.flag(root.get("update_biases", False), ("update_biases",))
        return Scenario(
            name=name,
            description=description,
            layers=layers,
            weights=weights,
            biases=biases,
            examples=examples,
            loss=loss,
            learning_rate=rate,
            update_biases=update_biases,
            published=self.published(root.get("published", {})),
            source=self.source,
            init=init.describe() if init else "",
        )

    def learning_rate(self, value: Any) -> float:
        rate = self.number(value, ("learning_rate",))
        if not 0 < rate <= MAX_LEARNING_RATE:
            raise self.fail(
                ("learning_rate",), f"must be above 0 and at most {MAX_LEARNING_RATE:g}, got {rate}"
            )
        return rate

    def flag(self, value: Any, path: FieldPath) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {_describe(value)}")
        return value

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
            self.keys(data, lpath, _LAYER_KEYS)
            neurons = self.neuron_names(data, lpath, index, len(value))
            total += len(neurons)
            if total > MAX_NEURONS:
                raise self.fail(lpath, f"more than {MAX_NEURONS:,} neurons in all")
            for j, neuron in enumerate(neurons):
                if neuron in seen:
                    raise self.fail(lpath + ("neurons", str(j)), f"neuron {neuron!r} appears twice")
                seen.add(neuron)
            activation, slope = self.activation(data, lpath, index, len(value), len(neurons))
            layers.append(Layer(tuple(neurons), activation, slope))
        return tuple(layers)

    def neuron_names(
        self, data: dict[str, Any], path: FieldPath, index: int, count: int
    ) -> list[str]:
        if "neurons" in data:
            for key in ("size", "prefix"):
                if key in data:
                    raise self.fail(path + (key,), f"give either 'neurons' or '{key}', not both")
            neurons = data["neurons"]
            if not isinstance(neurons, list) or not neurons:
                raise self.fail(path + ("neurons",), "expected a non-empty list of neuron names")
            return [
                self.name(n, path + ("neurons", str(j)), "neuron") for j, n in enumerate(neurons)
            ]
        if "size" not in data:
            raise self.fail(path, "missing required key 'neurons' (or 'size')")
        size = self.integer(data["size"], path + ("size",), 1, MAX_NEURONS)
        prefix = data.get("prefix", default_prefix(index, count))
        self.name(prefix, path + ("prefix",), "prefix")
        return [f"{prefix}{j}" for j in range(1, size + 1)]

    def activation(
        self, data: dict[str, Any], path: FieldPath, index: int, count: int, size: int
    ) -> tuple[str | None, float | None]:
        activation = data.get("activation")
        if index == 0:
            if activation is not None:
                raise self.fail(path + ("activation",), "the input layer has no activation")
            if "slope" in data:
                raise self.fail(path + ("slope",), "the input layer has no activation")
            return None, None
        if activation is None:
            raise self.fail(path, "missing required key 'activation'")
        activation = self.choice(activation, path + ("activation",), ACTIVATIONS, "activation")
        record = ops.activation(activation)
        if record.output_only and index != count - 1:
            raise self.fail(
                path + ("activation",), f"{activation} belongs on the output layer only"
            )
        if size < record.min_neurons:
            raise self.fail(
                path + ("activation",),
                f"{activation} needs at least {record.min_neurons} neurons",
            )
        slope = None
        if "slope" in data:
            if not record.takes_slope:
                sloped = [r.name for r in ops.ACTIVATION_RECORDS.values() if r.takes_slope]
                raise self.fail(path + ("slope",), f"only {' and '.join(sloped)} has a slope")
            slope = self.number(data["slope"], path + ("slope",))
            if not 0 <= slope < 1:
                raise self.fail(path + ("slope",), f"must be at least 0 and below 1, got {slope}")
        elif record.takes_slope:
            slope = ops.DEFAULT_LEAKY_SLOPE
        return activation, slope

    def neuron(self, value: Any, path: FieldPath, neuron_layer: dict[str, int]) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a neuron name, got {_describe(value)}")
        if value not in neuron_layer:
            raise self.fail(path, f"unknown neuron {value!r}{did_you_mean(value, neuron_layer)}")
        return value

    def weights(self, value: Any, neuron_layer: dict[str, int]) -> tuple[Weight, ...]:
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
            value = self.number(spec["value"], path + ("value",))
            weights.append(Weight(name, source, target, value))
        return tuple(weights)

    def biases(self, value: Any, neuron_layer: dict[str, int]) -> tuple[Bias, ...]:
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
            value = self.number(spec["value"], path + ("value",))
            biases.append(Bias(name, tuple(checked), value))
        return tuple(biases)

    def init(self, value: Any) -> InitSpec:
        path = ("init",)
        data = self.mapping(value, path, "a mapping with seed and uniform, normal or xavier")
        self.keys(data, path, ("seed", "uniform", "normal", "xavier", "biases"), ("seed",))
        seed = self.integer(data["seed"], path + ("seed",), 0, 2**63)
        methods = [m for m in ("uniform", "normal", "xavier") if m in data]
        if len(methods) != 1:
            raise self.fail(
                path,
                "give exactly one of uniform: [low, high], normal: [mean, std] "
                "or xavier: uniform|normal",
            )
        method = methods[0]
        biases = self.flag(data.get("biases", True), (*path, "biases"))
        if method == "xavier":
            kind = self.choice(data["xavier"], path + ("xavier",), ("uniform", "normal"), "kind")
            return InitSpec(seed, f"xavier_{kind}", biases=biases)
        pair = data[method]
        mpath = path + (method,)
        if not isinstance(pair, list) or len(pair) != 2:
            raise self.fail(mpath, "expected two numbers, e.g. [-1, 1]")
        first, second = (self.number(x, mpath + (str(i),)) for i, x in enumerate(pair))
        if method == "uniform" and not first < second:
            raise self.fail(
                mpath, f"the low end must be below the high end, got [{first}, {second}]"
            )
        if method == "normal" and not second > 0:
            raise self.fail(mpath, f"the standard deviation must be above 0, got {second}")
        return InitSpec(seed, method, first, second, biases)

    def generated(
        self,
        init: InitSpec,
        layers: tuple[Layer, ...],
        weights: tuple[Weight, ...],
        biases: tuple[Bias, ...],
    ) -> tuple[tuple[Weight, ...], tuple[Bias, ...]]:
        count = sum(
            len(a.neurons) * len(b.neurons) for a, b in zip(layers, layers[1:], strict=False)
        )
        if count > MAX_PARAMETERS:
            raise self.fail(("layers",), f"{count:,} weights; at most {MAX_PARAMETERS:,}")
        all_weights, all_biases = generate(init, layers, weights, biases)
        listed = {w.name: w for w in weights}
        for w in all_weights:
            if w.name in listed and listed[w.name] is not w:
                raise self.fail(
                    ("weights", w.name),
                    f"{w.name} is the generated name of "
                    f"{w.source} → {w.target}; rename the listed weight",
                )
        return all_weights, all_biases

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

    def examples(self, root: dict[str, Any], layers: tuple[Layer, ...]) -> tuple[Example, ...]:
        inputs, outputs = layers[0].neurons, layers[-1].neurons
        if "examples" in root:
            for key in ("inputs", "targets"):
                if key in root:
                    raise self.fail(
                        (key,), "give either 'examples' or inputs and targets, not both"
                    )
            items = root["examples"]
            if not isinstance(items, list) or not items:
                raise self.fail(("examples",), "expected a non-empty list of examples")
            if len(items) > MAX_EXAMPLES:
                raise self.fail(("examples",), f"at most {MAX_EXAMPLES} examples")
            examples = []
            for index, item in enumerate(items):
                path = ("examples", str(index))
                data = self.mapping(item, path, "a mapping with inputs and targets")
                self.keys(data, path, ("inputs", "targets"), ("inputs", "targets"))
                examples.append(
                    Example(
                        self.values_for(data["inputs"], path + ("inputs",), inputs, "input"),
                        self.values_for(data["targets"], path + ("targets",), outputs, "output"),
                    )
                )
            return tuple(examples)
        for key in ("inputs", "targets"):
            if key not in root:
                raise self.fail((), f"missing required key {key!r} (or 'examples')")
        return (
            Example(
                self.values_for(root["inputs"], ("inputs",), inputs, "input"),
                self.values_for(root["targets"], ("targets",), outputs, "output"),
            ),
        )

    def values_for(
        self, value: Any, path: FieldPath, neurons: tuple[str, ...], what: str
    ) -> dict[str, float]:
        data = self.mapping(value, path, f"a mapping of {what} neuron → number")
        for key in data:
            if key not in neurons:
                raise self.fail(
                    path + (key,),
                    f"{key!r} is not an {what} neuron{did_you_mean(key, neurons)}"
                    f" ({what} neurons: {', '.join(neurons)})",
                )
        for neuron in neurons:
            if neuron not in data:
                raise self.fail(path, f"missing a value for {what} neuron {neuron!r}")
        return {n: self.number(data[n], path + (n,)) for n in neurons}

    def check_loss(
        self, loss: str, layers: tuple[Layer, ...], examples: tuple[Example, ...]
    ) -> None:
        output = layers[-1].activation or ""
        needs, has = ops.loss(loss), ops.activation(output)

        def layers_that(holds: str) -> str:
            return " or ".join(r.name for r in ops.ACTIVATION_RECORDS.values() if getattr(r, holds))

        if needs.needs_normalised and not has.normalised:
            raise self.fail(
                ("loss",),
                f"{loss} needs a {layers_that('normalised')} output layer "
                f"(the output layer is {output})",
            )
        if needs.needs_unit_interval and not has.unit_interval:
            raise self.fail(
                ("loss",),
                f"{loss} needs outputs between 0 and 1: "
                f"a {layers_that('unit_interval')} output layer (it is {output})",
            )
        if not needs.targets_in_unit_interval:
            return
        for index, example in enumerate(examples):
            base = ("examples", str(index), "targets") if len(examples) > 1 else ("targets",)
            for neuron, target in example.targets.items():
                if not 0 <= target <= 1:
                    raise self.fail(
                        base + (neuron,), f"a {loss} target lies in [0, 1], got {target}"
                    )
            total = sum(example.targets.values())
            if needs.targets_sum_to_one and abs(total - 1) > TARGET_SUM_TOLERANCE:
                raise self.fail(
                    base,
                    f"{loss} targets are a distribution and sum to 1 "
                    f"(one-hot for a class); these sum to {total:g}",
                )

    def published(self, value: Any) -> tuple[PublishedFigure, ...]:
        data = self.mapping(value, ("published",), "a mapping of figure names")
        figures = []
        for key, item in data.items():
            path = ("published", key)
            why = ""
            if isinstance(item, dict):
                self.keys(item, path, ("value", "why"), ("value",))
                why = " ".join(self.text(item.get("why", ""), path + ("why",)).split())
                item = item["value"]
                path = (*path, "value")  # type: ignore[assignment]
            if key.startswith("train ") and not _TRAINING_FIGURE.match(key):
                raise self.fail(
                    ("published", key),
                    "a training figure is named 'train STEPS E_total' or 'train STEPS out_NEURON'",
                )
            number = self.number(item, path)
            exponent = Decimal(repr(number)).as_tuple().exponent
            decimals = max(0, -exponent) if isinstance(exponent, int) else 0
            figures.append(PublishedFigure(key, number, decimals, why, self.tree.line(path)))
        return tuple(figures)


def all_problems(tree: Tree, source: str) -> list[ScenarioError]:
    """Every problem of a document, not only the first (``validate`` reports them all).

    Each part — a top-level key, a layer list, each weight, each bias, the examples — is checked
    on its own; a part that the others depend on (the layers) stops only what depends on it.
    When the parts are all fine, the full check runs for what crosses them.
    """
    v = Validator(tree, source)
    problems: list[ScenarioError] = []

    def attempt(check: Any, *args: Any) -> Any:
        try:
            return check(*args)
        except ScenarioError as exc:
            problems.append(exc)
            return None

    root = attempt(v.mapping, tree.value, (), "a mapping of scenario keys at the top level")
    if root is None:
        return problems
    for key in root:
        if key not in _TOP_KEYS:
            attempt(v.keys, {key: None}, (), _TOP_KEYS)
    for key in ("layers", "learning_rate"):
        if key not in root:
            problems.append(v.fail((), f"missing required key {key!r}"))
    for key in ("name", "description"):
        if key in root:
            attempt(v.text, root[key], (key,))
    if "learning_rate" in root:
        attempt(v.learning_rate, root["learning_rate"])
    if "update_biases" in root:
        attempt(v.flag, root["update_biases"], ("update_biases",))
    if "loss" in root:
        attempt(v.choice, root["loss"], ("loss",), LOSSES, "loss")
    if "published" in root:
        attempt(v.published, root["published"])
    if "init" in root:
        attempt(v.init, root["init"])
    layers = attempt(v.layers, root["layers"]) if "layers" in root else None
    if layers is None:
        return problems
    neuron_layer = {n: i for i, layer in enumerate(layers) for n in layer.neurons}
    before = len(problems)
    for group, check in (("weights", v.weights), ("biases", v.biases)):
        data = root.get(group, {})
        if isinstance(data, dict):
            for name, item in data.items():
                attempt(check, {name: item}, neuron_layer)
        else:
            attempt(check, data, neuron_layer)
    attempt(v.examples, root, layers)
    if len(problems) == before and not problems:
        attempt(v.scenario)  # what crosses the parts: names, connections, the loss's needs
    elif len(problems) == before:
        for group, check in (("weights", v.weights), ("biases", v.biases)):
            attempt(check, root.get(group, {}), neuron_layer)
    return problems
