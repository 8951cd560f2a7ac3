"""Input files to text: every way a file cannot be read is a problem located in it.

Plans and ``mapsite.yml`` come from people and from whatever their editors, exports and
scripts produce. Reading never raises anything but ``Invalid``: a folder where a
file should be, a pipe (which would block the read for ever), a file too large to be a
plan, one that is not readable or not UTF-8 each get one line that says how to fix it.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from .errors import Invalid, Problem

MAX_BYTES = 4 * 1024 * 1024
"""Largest file read as a plan or settings. The largest example plan is 11 KB: 4 MB is
hundreds of plans' worth, so only pasted data gets there. Dense YAML of that size takes
about 5 s and 600 MB to parse: beyond it a build would take minutes and gigabytes."""

# a file saved as UTF-16 or UTF-32 starts with its byte order mark: name the encoding
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_text(path: Path, shown: str) -> str:
    """Decode UTF-8 (with or without BOM), or raise ``Invalid`` at the first bad byte."""
    return decode(read_bytes(path, shown), shown)


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of the regular file at ``path``, up to ``MAX_BYTES``."""
    try:
        # O_NONBLOCK: opening a pipe (mkfifo) would wait for a writer, for ever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise Invalid([_cannot_read(shown, exc)]) from None
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise Invalid(
                [_problem(shown, "cannot read file: it is a folder", "rename or remove the folder")]
            )
        if not stat.S_ISREG(mode):
            raise Invalid(
                [
                    _problem(
                        shown,
                        "cannot read file: it is not a regular file (a pipe, a socket or a device)",
                        "replace it with a text file",
                    )
                ]
            )
        data = _read_up_to(fd, MAX_BYTES + 1, status.st_size)
    except OSError as exc:
        raise Invalid([_cannot_read(shown, exc)]) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise Invalid(
            [
                _problem(
                    shown,
                    f"file is larger than {MAX_BYTES // 2**20} MB, too large for a plan",
                    "move pasted data out of it: images and files belong in assets/",
                )
            ]
        )
    return data


def _read_up_to(fd: int, limit: int, size: int) -> bytes:
    """At most ``limit`` bytes of the file open at ``fd`` (``size``: its size when it was
    opened): the bare system calls, without a Python file object's own four."""
    chunks = []
    left = limit
    while left > 0:
        # the size it had and one byte more (a file that grew meanwhile says so), or
        # 64 KiB at a time when it said none (a file of /proc)
        chunk = os.read(fd, min(left, max(size + 1, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def decode(data: bytes, shown: str) -> str:
    """A file's bytes as text: UTF-8, a leading BOM dropped; else ``Invalid`` at the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        encoding = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)
        if encoding:
            message = f"file is {encoding} text, not UTF-8"
            line = column = 1
        else:
            text = exc.object  # after the BOM, when there is one: exc.start counts from there
            message = f"file is not UTF-8 text (byte 0x{text[exc.start]:02x})"
            before = text[: exc.start].decode("utf-8", errors="replace")
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
        raise Invalid(
            [Problem(shown, line, column, "", message, "save it as UTF-8 in your editor")]
        ) from None


def _cannot_read(shown: str, exc: OSError) -> Problem:
    if exc.errno == errno.EACCES:
        return _problem(shown, "cannot read file: permission denied", f"chmod u+r {shown}")
    if exc.errno == errno.EISDIR:
        return _problem(shown, "cannot read file: it is a folder", "rename or remove the folder")
    return _problem(shown, f"cannot read file: {exc.strerror or exc}")


def _problem(shown: str, message: str, hint: str = "") -> Problem:
    return Problem(shown, 1, 1, "", message, hint)
