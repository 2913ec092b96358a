"""A feed-forward network scenario: every check between its YAML and a :class:`~..types.Scenario`.

Checks that cross parts (a neuron with no incoming weight) run when the parts they read are
sound, so that one mistake is not reported three times.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from ... import ops
from ...errors import did_you_mean
from ...ops import ACTIVATIONS, LOSSES
from ..initialise import InitSpec, generate
from ..types import (
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
from .checker import Checker, FieldPath, Skip, describe
from .names import (
    RESERVED_NEURON_NAMES,
    default_prefix,
    name_problem,
)

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
_TRAINING_FIGURE = re.compile(r"train [0-9]+ (E_total|out_[A-Za-z][A-Za-z0-9_]*)\Z")
_LAYER_KEYS = ("neurons", "size", "prefix", "activation", "slope")
#: How far from 1 the targets of a cross-entropy example may sum (rounding in a YAML file).
TARGET_SUM_TOLERANCE = 1e-9


class Validator(Checker):
    """A feed-forward scenario: layers, parameters, examples, loss, learning rate."""

    def scenario(self) -> Scenario:
        """The validated scenario; raises the first problem of the document."""
        scenario: Scenario = self.result()
        return scenario

    def build(self) -> Scenario:
        root = self.mapping(self.tree.value, (), "a mapping of scenario keys at the top level")
        if root and not set(root) & set(_TOP_KEYS):
            raise self.fail(
                (), f"not a scenario: none of its keys is one ({', '.join(_TOP_KEYS[:8])}, …)"
            )
        self.kind(root, "feed_forward")
        self.attempt(self.keys, root, (), _TOP_KEYS, ("layers", "learning_rate"))
        init = self.attempt(self.init, root["init"]) if "init" in root else None
        if "init" not in root and "weights" not in root:
            self.fail((), "missing required key 'weights' (or 'init' to generate them)")
        name, description = self.named(root)
        rate = None
        if "learning_rate" in root:
            rate = self.attempt(self.learning_rate, root["learning_rate"])
        update_biases = self.attempt(
            self.flag, root.get("update_biases", False), ("update_biases",)
        )
        loss = self.attempt(
            self.choice, root.get("loss", ops.DEFAULT_LOSS), ("loss",), LOSSES, "loss"
        )
        published = self.attempt(self.published, root.get("published", {}))
        layers = self.attempt(self.layers, root["layers"]) if "layers" in root else None
        if layers is None:
            raise Skip
        neuron_layer = {n: i for i, layer in enumerate(layers) for n in layer.neurons}
        before = len(self.problems)
        weights = self.weights(root.get("weights", {}), neuron_layer)
        biases = self.biases(root.get("biases", {}), neuron_layer)
        parameters_sound = len(self.problems) == before and not ("init" in root and init is None)
        if init is not None and parameters_sound:
            generated = self.attempt(self.generated, init, layers, weights, biases)
            if generated is None:
                parameters_sound = False
            else:
                weights, biases = generated
        if len(weights) + len(biases) > MAX_PARAMETERS:
            raise self.fail(
                ("layers",),
                f"{len(weights) + len(biases):,} parameters; at most {MAX_PARAMETERS:,}",
            )
        self.attempt(self.check_names, layers, weights, biases)
        if parameters_sound:
            self.attempt(self.check_incoming, layers, weights)
        examples = self.attempt(self.examples, root, layers)
        if loss is not None and examples is not None:
            self.attempt(self.check_loss, loss, layers, examples)
        if self.problems:
            raise Skip
        assert rate is not None and update_biases is not None and loss is not None
        assert examples is not None and published is not None
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
            published=published,
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

    def name(self, value: Any, path: FieldPath, what: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"a {what}'s name must be text, got {describe(value)}")
        problem = name_problem(value)
        if problem:
            raise self.fail(path, f"{what} name {value!r} {problem}")
        if what == "neuron" and value in RESERVED_NEURON_NAMES:
            raise self.fail(
                path,
                f"a neuron may not be called {value!r}: its error would be E_{value}, the name "
                f"of the total error; call it {value}1 or out{value.capitalize()}",
            )
        return value

    # layers ------------------------------------------------------------------------------

    def layers(self, value: Any) -> tuple[Layer, ...]:
        """Every layer checked; gives up (after all of them) when one was not sound."""
        path = ("layers",)
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of layers, got {describe(value)}")
        if len(value) < 2:
            raise self.fail(path, "needs at least two layers (inputs and outputs)")
        layers: list[Layer | None] = []
        seen: set[str] = set()
        total = 0
        for index, item in enumerate(value):
            layer = self.attempt(self.layer, item, index, len(value))
            layers.append(layer)
            if layer is None:
                continue
            total += len(layer.neurons)
            lpath = path + (str(index),)
            if total > MAX_NEURONS:
                raise self.fail(lpath, f"more than {MAX_NEURONS:,} neurons in all")
            for j, neuron in enumerate(layer.neurons):
                if neuron in seen:
                    self.fail(lpath + ("neurons", str(j)), f"neuron {neuron!r} appears twice")
                seen.add(neuron)
        if any(layer is None for layer in layers) or len(seen) < total:
            raise Skip
        return tuple(layer for layer in layers if layer is not None)

    def layer(self, item: Any, index: int, count: int) -> Layer:
        path = ("layers", str(index))
        data = self.mapping(item, path)
        self.keys(data, path, _LAYER_KEYS)
        neurons = self.neuron_names(data, path, index, count)
        # A bad activation leaves the layer's shape sound: the weights into it are still
        # checked (its activation stays None, and nothing is built from it).
        checked = self.attempt(self.activation, data, path, index, count, len(neurons))
        activation, slope = checked if checked is not None else (None, None)
        return Layer(tuple(neurons), activation, slope)

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
            names = [
                self.attempt(self.name, n, path + ("neurons", str(j)), "neuron")
                for j, n in enumerate(neurons)
            ]
            if any(n is None for n in names):
                raise Skip
            return [n for n in names if n is not None]
        if "size" not in data:
            raise self.fail(path, "missing required key 'neurons' (or 'size')")
        size = self.integer(data["size"], path + ("size",), 1, MAX_NEURONS)
        prefix = data.get("prefix", default_prefix(index, count))
        if not isinstance(prefix, str):
            raise self.fail(path + ("prefix",), f"a prefix must be text, got {describe(prefix)}")
        problem = name_problem(f"{prefix}{size}")  # h_ makes h_1 … h_16
        if problem:
            raise self.fail(
                path + ("prefix",),
                f"prefix {prefix!r} makes {prefix}{size}, which {problem.removeprefix('is ')}",
            )
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

    # parameters -------------------------------------------------------------------------

    def neuron(self, value: Any, path: FieldPath, neuron_layer: dict[str, int]) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a neuron name, got {describe(value)}")
        if value not in neuron_layer:
            raise self.fail(path, f"unknown neuron {value!r}{did_you_mean(value, neuron_layer)}")
        return value

    def weights(self, value: Any, neuron_layer: dict[str, int]) -> tuple[Weight, ...]:
        """The sound weights; each unsound one recorded and left out."""
        data = self.attempt(self.mapping, value, ("weights",), "a mapping of weight names")
        if data is None:
            return ()
        if len(data) > MAX_PARAMETERS:
            self.fail(("weights",), f"more than {MAX_PARAMETERS:,} weights")
            return ()
        weights: list[Weight] = []
        connections: dict[tuple[str, str], str] = {}
        for name, item in data.items():
            weight = self.attempt(self.weight, name, item, neuron_layer)
            if weight is None:
                continue
            connection = (weight.source, weight.target)
            if connection in connections:
                self.fail(
                    ("weights", name),
                    f"{weight.source} → {weight.target} already has weight "
                    f"{connections[connection]}",
                )
                continue
            connections[connection] = name
            weights.append(weight)
        return tuple(weights)

    def weight(self, name: str, item: Any, neuron_layer: dict[str, int]) -> Weight:
        path = ("weights", name)
        self.name(name, path, "weight")
        spec = self.mapping(item, path, "a mapping with from, to and value")
        self.keys(spec, path, ("from", "to", "value"), ("from", "to", "value"))
        source = self.attempt(self.neuron, spec["from"], path + ("from",), neuron_layer)
        target = self.attempt(self.neuron, spec["to"], path + ("to",), neuron_layer)
        value = self.attempt(self.number, spec["value"], path + ("value",))
        if source is None or target is None or value is None:
            raise Skip
        if neuron_layer[target] != neuron_layer[source] + 1:
            raise self.fail(
                path,
                f"{source} → {target} does not connect a layer to the next one "
                f"(layer {neuron_layer[source] + 1} → layer {neuron_layer[target] + 1})",
            )
        return Weight(name, source, target, value)

    def biases(self, value: Any, neuron_layer: dict[str, int]) -> tuple[Bias, ...]:
        data = self.attempt(self.mapping, value, ("biases",), "a mapping of bias names")
        if data is None:
            return ()
        biases: list[Bias] = []
        fed_by: dict[str, str] = {}
        for name, item in data.items():
            bias = self.attempt(self.bias, name, item, neuron_layer, fed_by)
            if bias is not None:
                biases.append(bias)
        return tuple(biases)

    def bias(
        self, name: str, item: Any, neuron_layer: dict[str, int], fed_by: dict[str, str]
    ) -> Bias:
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
            checked.append(target)
        value = self.number(spec["value"], path + ("value",))
        for target in checked:
            fed_by[target] = name
        return Bias(name, tuple(checked), value)

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
                    self.fail((group, p.name), f"the name {p.name!r} is already {owner[p.name]}")
                owner[p.name] = "a weight" if group == "weights" else "a bias"

    def check_incoming(self, layers: tuple[Layer, ...], weights: tuple[Weight, ...]) -> None:
        """Every neuron is on a path from the inputs to the error: fed by a weight (past the
        inputs) and feeding one (before the outputs). A neuron that feeds nothing has no
        gradient to derive and teaches nothing, and is most often a weight's typo."""
        fed = {w.target for w in weights}
        feeding = {w.source for w in weights}
        for index, layer in enumerate(layers):
            for j, neuron in enumerate(layer.neurons):
                where = ("layers", str(index), "neurons", str(j))
                if index > 0 and neuron not in fed:
                    self.fail(where, f"neuron {neuron!r} has no incoming weight")
                if index < len(layers) - 1 and neuron not in feeding:
                    following = ", ".join(layers[index + 1].neurons[:3])
                    more = ", …" if len(layers[index + 1].neurons) > 3 else ""
                    self.fail(
                        where,
                        f"neuron {neuron!r} feeds nothing: no weight goes from it to the next "
                        f"layer ({following}{more}); add one, or remove {neuron!r}",
                    )

    # examples and the loss ----------------------------------------------------------------

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
            examples = [
                self.attempt(self.example, item, ("examples", str(i)), inputs, outputs)
                for i, item in enumerate(items)
            ]
            if any(e is None for e in examples):
                raise Skip
            return tuple(e for e in examples if e is not None)
        missing = [key for key in ("inputs", "targets") if key not in root]
        for key in missing:
            self.fail((), f"missing required key {key!r} (or 'examples')")
        if missing:
            raise Skip
        return (self.example(root, (), inputs, outputs),)

    def example(
        self, item: Any, path: FieldPath, inputs: tuple[str, ...], outputs: tuple[str, ...]
    ) -> Example:
        data = self.mapping(item, path, "a mapping with inputs and targets")
        if path:
            self.keys(data, path, ("inputs", "targets"), ("inputs", "targets"))
        given = self.attempt(self.values_for, data["inputs"], path + ("inputs",), inputs, "input")
        wanted = self.attempt(
            self.values_for, data["targets"], path + ("targets",), outputs, "output"
        )
        if given is None or wanted is None:
            raise Skip
        return Example(given, wanted)

    def values_for(
        self, value: Any, path: FieldPath, neurons: tuple[str, ...], what: str
    ) -> dict[str, float]:
        data = self.mapping(value, path, f"a mapping of {what} neuron → number")
        before = len(self.problems)
        for key in data:
            if key not in neurons:
                self.fail(
                    path + (key,),
                    f"{key!r} is not an {what} neuron{did_you_mean(key, neurons)}"
                    f" ({what} neurons: {', '.join(neurons)})",
                )
        for neuron in neurons:
            if neuron not in data:
                self.fail(path, f"missing a value for {what} neuron {neuron!r}")
        values = {n: self.attempt(self.number, data[n], path + (n,)) for n in neurons if n in data}
        if len(self.problems) > before:
            raise Skip
        return {n: v for n, v in values.items() if v is not None}

    def check_loss(
        self, loss: str, layers: tuple[Layer, ...], examples: tuple[Example, ...]
    ) -> None:
        output = layers[-1].activation
        if output is None:
            return  # the output layer's activation has a problem of its own
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
                    self.fail(base + (neuron,), f"a {loss} target lies in [0, 1], got {target}")
            total = math.fsum(example.targets.values())
            if needs.targets_sum_to_one and abs(total - 1) > TARGET_SUM_TOLERANCE:
                self.fail(
                    base,
                    f"{loss} targets are a distribution and sum to 1 "
                    f"(one-hot for a class); these sum to {total:g}",
                )

    def published(self, value: Any) -> tuple[PublishedFigure, ...]:
        data = self.mapping(value, ("published",), "a mapping of figure names")
        figures = [self.attempt(self.figure, key, item) for key, item in data.items()]
        if any(f is None for f in figures):
            raise Skip
        return tuple(f for f in figures if f is not None)

    def figure(self, key: str, item: Any) -> PublishedFigure:
        path: FieldPath = ("published", key)
        why = ""
        if isinstance(item, dict):
            self.keys(item, path, ("value", "why"), ("value",))
            why = " ".join(self.text(item.get("why", ""), path + ("why",), lines=True).split())
            item = item["value"]
            path = (*path, "value")
        if key.startswith("train ") and not _TRAINING_FIGURE.match(key):
            raise self.fail(
                ("published", key),
                "a training figure is named 'train STEPS E_total' or 'train STEPS out_NEURON'",
            )
        number = self.number(item, path)
        exponent = Decimal(repr(number)).as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
        return PublishedFigure(key, number, decimals, why, self.tree.line(path))
