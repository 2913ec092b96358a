"""Choosing a format and writing a document: to stdout, or atomically to a file.

``--output FILE`` writes to a temporary file beside FILE and renames it into place, so a
reader never sees half a document and a failure leaves no partial file behind. Without
``--format``, the format follows FILE's suffix.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from .model import Walkthrough
from .scenario import ScenarioError

FORMATS = ("text", "json", "markdown", "latex", "html")
SUFFIXES = {
    ".txt": "text",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".tex": "latex",
    ".html": "html",
    ".htm": "html",
}


def format_for(output: str | None, requested: str | None) -> str:
    """The format to write: the one asked for, else the output file's suffix, else text."""
    if requested:
        return requested
    if output is None:
        return "text"
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise ScenarioError(
            output,
            f"cannot tell the format from the suffix {suffix or '(none)'!r}"
            f" (known: {known}); add --format",
        )
    return SUFFIXES[suffix]


def render_document(
    walkthrough: Walkthrough,
    output_format: str,
    digits: int = 9,
    full: bool = False,
    width: int = 100,
) -> str:
    """Any non-terminal rendering of a walkthrough, as text."""
    if output_format == "json":
        from .render.json import render_json

        return render_json(walkthrough)
    if output_format == "markdown":
        from .render.markdown import render_markdown

        return render_markdown(walkthrough, digits)
    if output_format == "latex":
        from .render.latex import render_latex

        return render_latex(walkthrough, digits)
    if output_format == "html":
        from .render.html import render_html

        return render_html(walkthrough, digits)
    from rich.console import Console

    from .render.terminal import render_terminal

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    render_terminal(walkthrough, console, digits, full)
    return buffer.getvalue()


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` all at once, or not at all."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ScenarioError(path, "is a directory; --output needs a file name")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise ScenarioError(path, f"cannot write here: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ScenarioError(path, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
