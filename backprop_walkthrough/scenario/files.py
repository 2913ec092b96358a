"""Finding and reading scenarios: built-in names, files within the limits, parsed YAML."""

from __future__ import annotations

import difflib
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ScenarioError
from ..shipped import builtin_names, scenarios_dir
from .types import MAX_FILE_BYTES, Scenario, ShapesSpec
from .validate import KIND_NAMES, ShapesValidator, Validator, iter_problems, kind_of
from .yamltree import Tree, YamlTreeError, parse_yaml, tree_of


def describe_builtin(name: str) -> str:
    """The one-line "What this shows:" comment that opens a built-in scenario."""
    for line in (scenarios_dir() / f"{name}.yaml").read_text().splitlines():
        if line.startswith("# What this shows:"):
            return line.removeprefix("# What this shows:").strip()
    return ""


#: The names that read a scenario from standard input.
STDIN_NAMES = ("-", "/dev/stdin")


def resolve(name_or_path: str) -> Path:
    """A built-in name (``mazur``) or a path → the file to load."""
    path = Path(name_or_path)
    try:
        exists = path.exists()
    except OSError:  # a name too long for the file system is not a file
        exists = False
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in name_or_path or exists
    if looks_like_path:
        return path
    builtin = scenarios_dir() / f"{name_or_path}.yaml"
    if name_or_path in builtin_names():
        return builtin
    names = builtin_names()
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ScenarioError(
        name_or_path,
        f"no such file or built-in scenario (built-in: {', '.join(names)}){hint}",
    )


def load_scenario(
    scenario: str | Path | Mapping[str, Any] | Scenario, source: str = "<dict>"
) -> Scenario:
    """A validated scenario from a built-in name, a YAML path, a mapping or a Scenario.

    A mapping is validated exactly as a file would be (the same checks and messages);
    ``source`` names it in those messages.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, (str, Path)):  # a mapping (or anything else) given in Python
        try:
            tree = tree_of(scenario)
        except YamlTreeError as exc:
            raise ScenarioError(source, exc.message, ".".join(exc.path), exc.line) from None
        return Validator(tree, source).scenario()
    text, source = read_scenario_text(scenario)
    return parse_scenario(text, source)


def read_scenario_text(name_or_path: str | Path) -> tuple[str, str]:
    """(the text, its name for messages) of a built-in scenario, a file or standard input
    (``-``), refusing what is not a small UTF-8 file. A built-in is named by its name."""
    if str(name_or_path) in STDIN_NAMES:
        if sys.stdin is None:
            raise ScenarioError("<stdin>", "standard input is closed")
        return _decoded(_bounded(sys.stdin.buffer, "<stdin>"), "<stdin>")
    path = resolve(str(name_or_path))
    builtin = path.parent == scenarios_dir() and path.stem == str(name_or_path)
    source = str(name_or_path) if builtin else str(path)
    return _decoded(read_bounded(path, source), source)


def read_bounded(path: Path, source: str) -> bytes:
    """The bytes of a regular file, at most the limit: never a directory, a device, a FIFO or
    a socket (``/dev/zero`` would never end, a FIFO with no writer would never start). The
    file is opened without blocking and checked after opening, so nothing can be swapped in
    between the check and the read."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ScenarioError(source, "no such file") from None
    except OSError as exc:
        raise ScenarioError(source, f"cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        if stat.S_ISDIR(mode):
            raise ScenarioError(source, "is a directory, not a scenario file")
        raise ScenarioError(
            source,
            "is not a regular file (a device, a pipe or a socket); give a scenario file, "
            "or - to read one from standard input",
        )
    with os.fdopen(handle, "rb") as stream:
        return _bounded(stream, source)


def _bounded(stream: BinaryIO, source: str) -> bytes:
    """At most the limit + 1 bytes of ``stream``: one byte more says the file is too big."""
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            source,
            f"is larger than {MAX_FILE_BYTES:,} bytes; scenario files are at most "
            f"{MAX_FILE_BYTES:,}",
        )
    return data


def _decoded(raw: bytes, source: str) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), source
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(source, "not UTF-8 text", line=line) from None


def parse_scenario(text: str, source: str = "<string>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
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


def scenario_problems(name_or_path: str | Path) -> list[ScenarioError]:
    """Every problem of a scenario file of any kind (an empty list: it is valid), in one pass.

    The file is read once, with the same limits as :func:`load_scenario`; a file that cannot be
    read or is not YAML has that one problem only.
    """
    try:
        tree, source = read_tree(name_or_path)
    except ScenarioError as unreadable:
        return [unreadable]
    return list(iter_problems(tree, source))


def file_kind(name_or_path: str | Path) -> str | None:
    """What kind of input a file is ("network scenario", "answers file", …), or None when it
    cannot be read as YAML."""
    try:
        tree, _source = read_tree(name_or_path)
    except ScenarioError:
        return None
    return KIND_NAMES[kind_of(tree)]


def checked_shapes_spec(spec: ShapesSpec) -> ShapesSpec:
    """A spec built in Python (a file's with options put over it), held to the file's rules by
    the same validator: one wording for every rule, however the value came."""
    document: dict[str, Any] = {
        "kind": "embedding_mlp",
        "words": list(spec.words),
        "block_size": spec.block_size,
        "embedding_dim": spec.embedding_dim,
        "init": {"seed": spec.seed},
        "batchnorm": spec.batchnorm,
    }
    if spec.w1_rows is None:
        document["hidden"] = spec.hidden
    else:
        document["w1"] = [spec.w1_rows, spec.hidden]
    checked = ShapesValidator(tree_of(document), spec.source).spec()
    return checked._replace(source=spec.source)


def load_shapes_spec(name_or_path: str | Path) -> ShapesSpec:
    """An embedding-MLP scenario (``kind: embedding_mlp``) from a built-in name or a file."""
    tree, source = read_tree(name_or_path)
    return ShapesValidator(tree, source).spec()


def template_text() -> str:
    """The commented template that ``scenarios new`` writes."""
    return (Path(__file__).parent / "template.yaml").read_text(encoding="utf-8")
