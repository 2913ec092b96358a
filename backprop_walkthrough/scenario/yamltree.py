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
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str, ...]

#: Most nodes a document may expand to (aliases counted every time they are used).
MAX_NODES = 20_000

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# YAML 1.1 (PyYAML) reads an unquoted 1e-3 as text; YAML 1.2 and every user read it as a number.
_YAML12_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+\Z")
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
    try:
        root = yaml.compose(text, Loader=_LOADER)
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


class _Builder:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.count = 0
        self.constructor = SafeConstructor()

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlTreeError(
                f"the document expands to more than {MAX_NODES:,} values "
                "(too many aliases or entries); scenario files are small",
                node.start_mark.line + 1,
            )
        self.tree.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._bad_tag(node, path)
            return [self.build(item, path + (str(i),)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self._bad_tag(node, path)
        if not node.style and node.tag.endswith(":str") and _YAML12_FLOAT.match(node.value):
            return float(node.value)
        return self.constructor.construct_object(node)

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
