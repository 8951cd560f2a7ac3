"""How a build uses Python's garbage collector.

Rendering a plan makes tens of thousands of short-lived objects (YAML nodes, views,
template output), nearly all freed by reference counting as soon as they are done
with. At its default thresholds CPython's cycle collector still scanned the young
ones some seventy times a plan and, every few plans, walked the whole heap: the
compiled templates, pydantic's schemas, every module. That was a sixth of a build's
time (``benchmarks/build_speed.py``). For the length of a build, what exists before it
is frozen (never scanned again; a forked worker does not copy those pages by touching
them) and the youngest generation is collected every ``YOUNG`` allocations instead of
every 700. Cycles are still collected, just less often.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 10_000
"""Allocations between two collections of the youngest generation during a build."""


@contextmanager
def tuned() -> Iterator[None]:
    """The collector tuned for a build, and as it was afterwards (the dev server and
    any program that calls ``build`` keep running with their own settings)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(YOUNG, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


_one_shot = False


def one_shot() -> None:
    """For a command that loads every plan and exits (build, check, report, digest): no
    cycle collection at all, which would re-scan hundreds of thousands of live objects
    many times over for nothing (``tuned`` then leaves it off), and no freeing of them
    one by one at the end (``ending``)."""
    global _one_shot
    _one_shot = True
    gc.freeze()
    gc.disable()


def ending(status: object) -> None:
    """End the process with ``status`` (as ``sys.exit`` takes it). After a one-shot
    command, without tearing the interpreter down: freeing every module and object one
    at a time took 0.07 s after a 1000-plan build, and the system frees the memory at
    once. The exit handlers run and the output is flushed, as at a normal exit."""
    if not _one_shot:
        sys.exit(status)
    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:  # a message, as sys.exit prints it
        print(status, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what a normal exit runs first
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (mapsite report | head)
            code = code or 1
    os._exit(code & 0xFF)  # as the system keeps it: sys.exit(-1) is 255


def freeze() -> None:
    """Leave what exists now out of every later collection (before forking workers:
    the templates compiled for them)."""
    gc.freeze()
