"""SIGTERM and SIGHUP stop a command the way Ctrl-C does.

A cancelled CI job sends SIGTERM, a closed terminal SIGHUP; Python's default for both
is to die on the spot, with no ``finally`` run: a build would leave its temporary
folder behind. Here each raises ``Stopped`` (a KeyboardInterrupt), so the same
cleanup runs as for Ctrl-C, and the command exits with 128 + the signal's number.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # asyncio takes 16 ms to import: every command would pay it at start
    import asyncio

NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    NAMES[signal.SIGHUP] = "SIGHUP"


class Stopped(KeyboardInterrupt):
    """A signal asked the command to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")


@contextmanager
def on_signals() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP raise ``Stopped``; after the first,
    further ones are ignored, so that the cleanup they started runs to its end."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (and receives signals)
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        for handled in NAMES:
            signal.signal(handled, signal.SIG_IGN)
        raise Stopped(signum)

    stop.mapsite_stops = True  # type: ignore[attr-defined]
    previous = {handled: signal.signal(handled, stop) for handled in NAMES}
    try:
        yield
    finally:
        for handled, handler in previous.items():
            signal.signal(handled, handler)


@contextmanager
def cancelling(task: asyncio.Task[object]) -> Iterator[list[int]]:
    """In a running event loop, the signals that ``on_signals`` turns into ``Stopped``
    cancel ``task`` instead, once: an exception raised in the middle of a task leaves
    asyncio half stopped (browsers not closed, a traceback at exit). Yields the list
    the signal received is added to; afterwards the handlers are as they were."""
    import asyncio

    loop = asyncio.get_running_loop()
    ours = [s for s in NAMES if getattr(signal.getsignal(s), "mapsite_stops", False)]
    if threading.current_thread() is not threading.main_thread():
        ours = []
    previous = {s: signal.getsignal(s) for s in ours}
    received: list[int] = []

    def cancel(signum: int) -> None:
        if not received:
            received.append(signum)
            task.cancel()

    for handled in ours:
        loop.add_signal_handler(handled, cancel, handled)
    try:
        yield received
    finally:
        for handled, handler in previous.items():
            loop.remove_signal_handler(handled)
            signal.signal(handled, handler)
