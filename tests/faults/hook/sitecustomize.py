"""Loaded by each Python process the fault tests start (they put this folder on
PYTHONPATH): kills the process at a chosen file operation, deterministically.

An audit hook (``sys.addaudithook``) sees every file operation the process makes:
files opened for writing, folders made, renames, removals. Only operations on paths
under ``MAPSITE_FAULT_ROOT`` count, so the count does not depend on caches or
Python's own files; and the lookup of ``renameat2``, which comes right before each
swap (ctypes calls themselves raise no audit event). With
``MAPSITE_FAULT_AT=SIGTERM@17`` the process sends itself SIGTERM just before its
17th operation, which therefore never happens. With ``MAPSITE_FAULT_TRACE=FILE``
each operation is written to FILE as ``N event path``: the tests read a trace to
choose their kill points. No product code is involved.
"""

from __future__ import annotations

import os
import signal
import sys

_ROOT = os.environ.get("MAPSITE_FAULT_ROOT")
_AT = os.environ.get("MAPSITE_FAULT_AT")
_TRACE = os.environ.get("MAPSITE_FAULT_TRACE")
_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {
    "os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.link", "os.chmod", "shutil.rmtree",
}  # fmt: skip


def _install() -> None:
    signum, at = 0, 0
    if _AT:
        name, _, number = _AT.partition("@")
        signum, at = getattr(signal, name), int(number)
    trace = os.open(_TRACE, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if _TRACE else None
    count = 0

    def hook(event: str, args: tuple) -> None:  # type: ignore[type-arg]
        nonlocal count
        if event == "open":
            path, _mode, flags = args
            if not isinstance(flags, int) or not flags & _WRITES:
                return
        elif event in _PATH_EVENTS:
            path = args[0]
        elif event == "ctypes.dlsym" and args[1] == "renameat2":
            path = ""  # mapsite looks renameat2 up right before each swap
        else:
            return
        if path != "":
            if isinstance(path, int):
                return
            path = os.fsdecode(os.fspath(path))
            if not os.path.abspath(path).startswith(_ROOT):
                return
        count += 1
        if count == at:
            os.kill(os.getpid(), signum)
        if trace is not None:
            os.write(trace, f"{count} {event} {path}\n".encode())

    sys.addaudithook(hook)


if _ROOT and (_AT or _TRACE):
    _install()
