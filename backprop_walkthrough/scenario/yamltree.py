"""Safe YAML → plain Python values, remembering the line of every field.

PyYAML's own loaders lose line numbers and silently keep the last of two duplicate keys, so we
compose the node graph with the safe loader and build the values ourselves. Only the plain YAML
types are accepted (mapping, sequence, str, int, float, bool, null); any other tag — including
``!!python/object`` — is refused, and alias expansion is capped so that a "billion laughs"
document fails fast instead of eating memory. A duplicate key is noted (the first value is
kept) rather than stopping the parse, so that it is reported with every other problem. An
unquoted ``1e-3`` is a number (as in YAML 1.2), not the text PyYAML's YAML 1.1 rules make of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

Path = tuple[str, ...]

#: Most nodes a document may expand to (aliases counted every time they are used).
MAX_NODES = 20_000
#: Deepest nesting of mappings and lists (a scenario needs five).
MAX_DEPTH = 32

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# Plain scalars are read by YAML 1.2's core schema, not PyYAML's YAML 1.1 rules: 1e-3 is a
# number, 010 is ten (not eight), 1:20 and 0b101 are text (not 80 and 5), yes is text.
_NULL = re.compile(r"(~|null|Null|NULL|)\Z")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLEANS["FALSE"] = False
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o([0-7]+)\Z")
_HEX = re.compile(r"0x([0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INFINITY = re.compile(r"([-+]?)\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
#: An integer written with more digits than this is refused before Python converts it (a
#: number of thousands of digits is slow to convert, and no scenario value comes near it).
MAX_DIGITS = 100
# What PyYAML's YAML 1.1 resolver makes of some plain scalars (2001-12-14, =); YAML 1.2 reads
# them as text, and so do we.
_IMPLICIT_11 = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"}
_MAP_TAG = "tag:yaml.org,2002:map"
# libyaml's safe loader when PyYAML has it (4× faster to compose), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEQ_TAG = "tag:yaml.org,2002:seq"


class YamlTreeError(ValueError):
    """A document that is not plain, safe YAML; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


@dataclass
class Tree:
    """A parsed document: ``value`` plus the line on which each field path starts."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)
    #: Problems the parse noted and went past (a duplicate key: the first value is kept), so
    #: that validation reports them with everything else in one pass.
    problems: list[YamlTreeError] = field(default_factory=list)

    def line(self, path: Path) -> int | None:
        """The line of ``path`` or of its closest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def parse_yaml(text: str) -> Tree:
    """Parse one YAML document into a :class:`Tree`; raise :class:`YamlTreeError`."""
    if _nesting(text) > MAX_DEPTH:
        raise YamlTreeError(
            f"nested more than {MAX_DEPTH} levels deep; scenario files are flat", None
        )
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:  # a nesting that the count above did not see (block style)
        raise YamlTreeError(f"nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlTreeError(f"not valid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlTreeError(f"not valid YAML: {exc}") from None
    if root is None:
        raise YamlTreeError("the file is empty")
    tree = Tree(None)
    builder = _Builder(tree)
    tree.value = builder.build(root, ())
    return tree


def _nesting(text: str) -> int:
    """How deep the flow brackets of ``text`` nest (a cheap guard before the parser recurses)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class _Builder:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.count = 0
        self.open: set[int] = set()  # the nodes being built, from the root down

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise YamlTreeError(
                f"the document expands to more than {MAX_NODES:,} values "
                "(too many aliases or entries); scenario files are small",
                line,
            )
        if len(path) > MAX_DEPTH:
            raise YamlTreeError(f"nested more than {MAX_DEPTH} levels deep", line, path)
        if id(node) in self.open:
            raise YamlTreeError("an alias refers to a node that contains it (a loop)", line, path)
        self.tree.lines.setdefault(path, line)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if node.tag != _SEQ_TAG:
                raise self._bad_tag(node, path)
            return [self.build(item, path + (str(i),)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS and not (not node.style and node.tag in _IMPLICIT_11):
            raise self._bad_tag(node, path)
        if node.style:  # quoted: text, whatever it looks like
            return node.value
        return self._plain(node, path)

    def _plain(self, node: ScalarNode, path: Path) -> Any:
        """A plain scalar by YAML 1.2's core schema."""
        text = node.value
        if _NULL.match(text):
            return None
        if text in _BOOLEANS:
            return _BOOLEANS[text]
        digits = len(text.lstrip("+-"))
        if digits > MAX_DIGITS and _DECIMAL.match(text):
            self.tree.problems.append(
                YamlTreeError(
                    f"a number of {digits:,} digits is far too large "
                    "(values are at most 1e6 in size)",
                    node.start_mark.line + 1,
                    path,
                )
            )
            return None
        if _DECIMAL.match(text):
            return int(text)
        for pattern, base in ((_OCTAL, 8), (_HEX, 16)):
            found = pattern.match(text)
            if found and len(found.group(1)) <= MAX_DIGITS:
                return int(found.group(1), base)
        if _FLOAT.match(text):
            return float(text)
        infinity = _INFINITY.match(text)
        if infinity:
            return float(f"{infinity.group(1)}inf")
        if _NAN.match(text):
            return float("nan")
        return text

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            raise self._bad_tag(node, path)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlTreeError("merge keys (<<) are not supported", line, path)
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                raise YamlTreeError("keys must be plain names", line, path)
            # The raw text is the key: `yes:` or `1:` stay the names the author typed.
            key = key_node.value
            if key in result:
                first = self.tree.lines.get(path + (key,))
                self.tree.problems.append(
                    YamlTreeError(
                        f"duplicate key {key!r} (first on line {first})", line, path + (key,)
                    )
                )
                continue
            self.tree.lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,))
        return result

    def _bad_tag(self, node: Node, path: Path) -> YamlTreeError:
        return YamlTreeError(
            f"the YAML tag {node.tag!r} is not allowed (only plain values)",
            node.start_mark.line + 1,
            path,
        )


def tree_of(data: Any) -> Tree:
    """A :class:`Tree` of a document given as Python data (a mapping from the API), held to
    the rules of a file: string keys, plain values (text, numbers, booleans, None, lists and
    mappings), no loops, the same limits on size and depth. A problem is noted on the tree
    (the part is left out), so that validation reports it with the rest."""
    tree = Tree(None)
    count = 0
    open_ids: set[int] = set()

    def plain(value: Any, path: Path) -> Any:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise YamlTreeError(f"the document has more than {MAX_NODES:,} values")
        if len(path) > MAX_DEPTH:
            raise YamlTreeError(f"nested more than {MAX_DEPTH} levels deep", None, path)
        if value is None or isinstance(value, (bool, float, str)):
            return value
        if isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                tree.problems.append(
                    YamlTreeError("a number far too large (values are at most 1e6)", None, path)
                )
                return None
            return value
        if not isinstance(value, (dict, list, tuple)):
            tree.problems.append(
                YamlTreeError(f"{type(value).__name__} is not a plain value", None, path)
            )
            return None
        if id(value) in open_ids:
            raise YamlTreeError("the data contains itself (a loop)", None, path)
        open_ids.add(id(value))
        try:
            if isinstance(value, dict):
                result = {}
                for key, item in value.items():
                    if not isinstance(key, str):
                        tree.problems.append(
                            YamlTreeError(f"keys must be names, got {key!r}", None, path)
                        )
                        continue
                    result[key] = plain(item, path + (key,))
                return result
            return [plain(item, path + (str(i),)) for i, item in enumerate(value)]
        finally:
            open_ids.discard(id(value))

    tree.value = plain(data, ())
    return tree
