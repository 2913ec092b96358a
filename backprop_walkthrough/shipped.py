"""Where the built-in scenarios live, and their names.

Only the standard library: shell completion reads the names on every Tab, and must not wait
for SymPy (which importing :mod:`.scenario` loads).
"""

from __future__ import annotations

from pathlib import Path

#: The line that marks an embedding-MLP scenario (for ``shapes``), not a network.
_SHAPES_KIND = "\nkind: embedding_mlp"
_EXPRESSION_KIND = "\nkind: expression"


def scenarios_dir() -> Path:
    """Where the built-in scenarios live: inside the installed package (the wheel puts them
    there), or at the top of the source tree (an editable install or a checkout)."""
    package = Path(__file__).resolve().parent
    packaged = package / "scenarios"
    return packaged if packaged.is_dir() else package.parent / "scenarios"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def _is_shapes(name: str) -> bool:
    return _SHAPES_KIND in (scenarios_dir() / f"{name}.yaml").read_text(encoding="utf-8")


def _is_expression(name: str) -> bool:
    text = (scenarios_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    return _EXPRESSION_KIND in text


def network_names() -> list[str]:
    """The built-in feed-forward scenarios (not the shape or expression ones)."""
    return [n for n in builtin_names() if not _is_shapes(n) and not _is_expression(n)]


def expression_names() -> list[str]:
    """The built-in scalar programs, for ``expr``."""
    return [n for n in builtin_names() if _is_expression(n)]


def shapes_names() -> list[str]:
    """The built-in embedding-MLP scenarios, for ``shapes``."""
    return [n for n in builtin_names() if _is_shapes(n)]
