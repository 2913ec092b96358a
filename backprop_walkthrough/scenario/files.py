"""Finding and reading scenarios: built-in names, files within the limits, parsed YAML."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from .types import MAX_FILE_BYTES, Scenario, ShapesSpec
from .validate import ShapesValidator, Validator, iter_problems
from .yamltree import Tree, YamlTreeError, parse_yaml


def scenarios_dir() -> Path:
    """Where the built-in scenarios live: inside the installed package (the wheel puts them
    there), or at the top of the source tree (an editable install or a checkout)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "scenarios"
    return packaged if packaged.is_dir() else package.parent / "scenarios"


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
        return Validator(Tree(scenario), source).scenario()
    text, source = read_scenario_text(scenario)
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


def load_shapes_spec(name_or_path: str | Path) -> ShapesSpec:
    """An embedding-MLP scenario (``kind: embedding_mlp``) from a built-in name or a file."""
    tree, source = read_tree(name_or_path)
    return ShapesValidator(tree, source).spec()


def template_text() -> str:
    """The commented template that ``scenarios new`` writes."""
    return (Path(__file__).parent / "template.yaml").read_text(encoding="utf-8")
