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

    previous = {handled: signal.signal(handled, stop) for handled in NAMES}
    try:
        yield
    finally:
        for handled, handler in previous.items():
            signal.signal(handled, handler)
