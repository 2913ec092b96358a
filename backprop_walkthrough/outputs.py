"""Where a document goes: the output format a file name implies, and writing files safely.

``--output FILE`` writes to a temporary file beside FILE and renames it into place, so a
reader never sees half a document and a failure leaves no partial file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

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
        raise OutputError(
            output,
            f"cannot tell the format from the suffix {suffix or '(none)'!r}"
            f" (known: {known}); add --format",
        )
    return SUFFIXES[suffix]


def write_atomically(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` all at once, or not at all."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    if target.is_dir():
        raise OutputError(path, "is a directory; --output needs a file name")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise OutputError(path, f"cannot write here: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(path, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
