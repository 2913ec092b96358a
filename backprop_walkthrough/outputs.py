"""Where a document goes: the output format a file name implies, and writing it safely.

The rules of :func:`write_output`, decided here once for every command:

* a regular file is replaced atomically — written to a temporary file beside it, then renamed
  into place — so that a reader never sees half a document and a failure (or an interruption)
  leaves the old file and no temporary one;
* a symbolic link is followed, and the file it points to is what is replaced (the link stays);
* an existing file keeps its permissions; a new file gets the usual ones (0666 less the umask);
* a file without write permission is not replaced, whoever runs the tool (root included);
* no file the command reads (a scenario, an answers file, an expression file, a spec) is ever
  written over, whatever the path: through a symbolic link, or a hard link to it;
* a file with other names (hard links) is written in place, so that every name keeps seeing
  it; a file replaced keeps its owner (as root, writing over another user's file);
* anything that is not a regular file (``/dev/stdout``, ``/dev/null``, a FIFO) is written
  directly, never replaced by a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import MachineError, OutputError

SUFFIXES = {
    ".txt": "text",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".tex": "latex",
    ".html": "html",
    ".htm": "html",
}
#: Errors that say the machine ran out of room, not that the path was wrong.
_MACHINE = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}


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


def _refusal(path: str, exc: OSError, doing: str) -> OutputError | MachineError:
    reason = f"cannot {doing}: {exc.strerror or exc}"
    return MachineError(f"{path}: {reason}") if exc.errno in _MACHINE else OutputError(path, reason)


def write_output(path: str, data: str | bytes, protect: Iterable[str | Path] = ()) -> None:
    """Write ``data`` to ``path`` by the rules above; ``protect`` names the files being read."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        found: os.stat_result | None = Path(path).stat()  # through any symbolic link
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _refusal(path, exc, "write here") from None
    # A regular file behind a symbolic link is replaced where it is; anything else (/dev/stdout
    # is a link to the descriptor itself) is written through the path as given.
    target = (
        Path(os.path.realpath(path)) if found is None or stat.S_ISREG(found.st_mode) else Path(path)
    )
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise OutputError(path, "is a directory; --output needs a file name")
        for source in protect:
            with contextlib.suppress(OSError):
                if os.path.samestat(found, Path(source).stat()):
                    raise OutputError(
                        path, f"is a file this command reads ({source}); choose another file"
                    )
        if not stat.S_ISREG(found.st_mode):
            _write_directly(path, target, raw)
            return
        if not found.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise OutputError(path, "is read-only; it is not replaced")
        if found.st_nlink > 1:  # renaming a new file over it would split the names
            _write_directly(path, target, raw, truncate=True)
            return
    _replace(path, target, raw, stat.S_IMODE(found.st_mode) if found else _new_file_mode(), found)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_directly(path: str, target: Path, raw: bytes, truncate: bool = False) -> None:
    """A device or a FIFO: opened without blocking (a FIFO with no reader is refused); or a
    file with several names, written in place (``truncate``)."""
    flags = os.O_WRONLY | os.O_NONBLOCK | (os.O_TRUNC if truncate else 0)
    try:
        handle = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(path, "is a pipe with no reader") from None
        raise _refusal(path, exc, "write") from None
    try:
        os.set_blocking(handle, True)
        view = memoryview(raw)
        while view:
            view = view[os.write(handle, view) :]
    except OSError as exc:
        raise _refusal(path, exc, "write") from None
    finally:
        os.close(handle)


def _replace(
    path: str, target: Path, raw: bytes, mode: int, found: os.stat_result | None = None
) -> None:
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _refusal(path, exc, "write here") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
        Path(temporary).chmod(mode)
        if found is not None and (found.st_uid, found.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # only root may give a file away: keep its owner
                os.chown(temporary, found.st_uid, found.st_gid)
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _refusal(path, exc, "write") from None
    except BaseException:  # an interruption: the old file stays, the temporary one goes
        Path(temporary).unlink(missing_ok=True)
        raise
