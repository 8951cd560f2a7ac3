"""This machine's cache: what is slow to work out and changes only when a package or
a theme does (public holiday tables, compiled templates). Losing it costs time, never correctness:
every read checks what it gets, and a cache that cannot be written is skipped.

The folder is ``$MAPSITE_CACHE_DIR``, else ``$XDG_CACHE_HOME/mapsite`` or
``~/.cache/mapsite`` (``%LOCALAPPDATA%\\mapsite\\cache`` on Windows).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

ENV_VAR = "MAPSITE_CACHE_DIR"


def cache_dir() -> Path:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "mapsite" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mapsite"


def read_bytes(name: str) -> bytes | None:
    """Cache file ``name``, or None when it is not there (or unreadable)."""
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def write_bytes(name: str, data: bytes) -> None:
    """Write cache file ``name`` whole or not at all (another process may be reading it)."""
    path = cache_dir() / name
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError:
            os.unlink(tmp)


def read_lines(name: str) -> list[str] | None:
    """The lines of cache file ``name``, or None when it is not there (or unreadable).

    A file ends with an 'end' line, so a file cut short is never taken for whole."""
    data = read_bytes(name)
    try:
        lines = data.decode("utf-8").splitlines() if data is not None else []
    except UnicodeDecodeError:
        return None
    return lines[:-1] if lines and lines[-1] == "end" else None


def write_lines(name: str, lines: list[str]) -> None:
    write_bytes(name, "".join(f"{line}\n" for line in [*lines, "end"]).encode("utf-8"))
