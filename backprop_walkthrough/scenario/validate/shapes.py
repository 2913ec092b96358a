"""The ``kind: embedding_mlp`` spec of ``shapes``: its words and sizes, on the shared checker."""

from __future__ import annotations

import re
from typing import Any

from ..types import DEFAULT_SEED, MAX_SHAPES_EXAMPLES, SHAPES_LIMITS, ShapesSpec
from .checker import Checker, Skip, describe


class ShapesValidator(Checker):
    """A ``kind: embedding_mlp`` scenario: the words and sizes of the character-level MLP."""

    KEYS = (
        "kind",
        "name",
        "description",
        "words",
        "block_size",
        "embedding_dim",
        "hidden",
        "w1",
        "init",
        "batchnorm",
    )
    LIMITS = SHAPES_LIMITS

    def spec(self) -> ShapesSpec:
        spec: ShapesSpec = self.result()
        return spec

    def build(self) -> ShapesSpec:
        root = self.mapping(self.tree.value, (), "a mapping of scenario keys at the top level")
        if "layers" in root and root.get("kind", "feed_forward") == "feed_forward":
            raise self.fail(
                ("layers",),
                "this is a network scenario (it has layers): shapes takes an embedding_mlp "
                "scenario, such as the built-in names; run the network with "
                "`backprop-walkthrough run`",
            )
        self.kind(root, "embedding_mlp")
        self.attempt(self.keys, root, (), self.KEYS)
        self.named(root)
        defaults = ShapesSpec._field_defaults
        words = self.attempt(self.words, root.get("words", list(defaults["words"])))
        sizes = {
            key: self.attempt(self.integer, root.get(key, defaults[key]), (key,), *span)
            for key, span in self.LIMITS.items()
        }
        w1 = self.attempt(self.w1, root["w1"]) if "w1" in root else None
        seed = self.attempt(self.seed, root["init"]) if "init" in root else DEFAULT_SEED
        batchnorm = self.attempt(self.flag, root.get("batchnorm", False), ("batchnorm",))
        if self.problems:
            raise Skip
        assert words is not None
        return ShapesSpec(
            words=words,
            block_size=sizes["block_size"] or 0,
            embedding_dim=sizes["embedding_dim"] or 0,
            hidden=w1[1] if w1 else sizes["hidden"] or 0,
            w1_rows=w1[0] if w1 else None,
            source=self.source,
            seed=DEFAULT_SEED if seed is None else seed,
            batchnorm=bool(batchnorm),
        )

    def seed(self, value: Any) -> int:
        """``init: {seed: N}``: the parameters of ``shapes --numbers`` (their scales are the
        lecture's, see engine/tensors/formulas.py)."""
        path = ("init",)
        data = self.mapping(value, path, "a mapping with seed, e.g. {seed: 2147483647}")
        self.keys(data, path, ("seed",), ("seed",))
        return self.integer(data["seed"], path + ("seed",), 0, 2**63)

    def words(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(("words",), f"expected a list of words, got {describe(value)}")
        if not value:
            raise self.fail(("words",), "the word list is empty; give at least one word")
        before = len(self.problems)
        for i, word in enumerate(value):
            path = ("words", str(i))
            if not isinstance(word, str):
                self.fail(path, f"{describe(word)} is not a word of the letters a to z")
            elif not re.fullmatch(r"[a-z]+", word):
                bad = " ".join(repr(c) for c in sorted({c for c in word if not "a" <= c <= "z"}))
                self.fail(
                    path,
                    f"{word!r} has characters outside the vocabulary (a to z): "
                    f"{bad or 'an empty word'}",
                )
        if len(self.problems) > before:
            raise Skip
        examples = sum(len(word) + 1 for word in value)
        if examples > MAX_SHAPES_EXAMPLES:
            raise self.fail(
                ("words",),
                f"the words make {examples:,} examples (a row each; the limit is "
                f"{MAX_SHAPES_EXAMPLES:,}): use fewer or shorter words",
            )
        return tuple(value)

    def w1(self, value: Any) -> tuple[int, int]:
        if not (isinstance(value, list) and len(value) == 2):
            raise self.fail(("w1",), "expected [rows, columns], e.g. [9, 100]")
        rows = self.integer(value[0], ("w1", "0"), *self.LIMITS["hidden"])
        columns = self.integer(value[1], ("w1", "1"), *self.LIMITS["hidden"])
        return rows, columns
