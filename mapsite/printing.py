"""The browsers that print the PDFs, started before there is anything to print.

Starting Playwright's driver and a browser per core takes a second or more, most of
it waiting for processes to start. A build starts them as soon as the worker
processes that write the pages are running (``Printing.start``, from build.py), so
that they are ready when the pages are; then it hands over the jobs (``print``).
Playwright runs in an event loop of its own, in a thread of its own: the build's
main thread only waits, so Ctrl-C, SIGTERM and SIGHUP reach it as anywhere else, and
``close`` stops the browsers however the build ends.

The printing itself (a page per browser that prints plan after plan, and what is
done when a browser fails) is pdf.py's ``Printer``; this module says when and where.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import pdf
from .browser import BrowserNotFound, find_chromium
from .pdf import PdfJob, Printer, first_line, no_browser, print_failed, with_metadata, write_pdf

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright


class Printing:
    """Playwright and its browsers, in a thread of their own, for one build."""

    def __init__(self, page_size: str, chromium: str | None = None) -> None:
        self.page_size, self.chromium = page_size, chromium
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started: concurrent.futures.Future[None] | None = None
        self._manager: Any = None
        self._playwright: Playwright | None = None
        self._executable = ""
        self._ready: list[Browser] = []
        """Browsers launched ahead, not printing yet."""
        self._single_process = bool(pdf.SINGLE_PROCESS)  # until a browser fails that way
        self._print_task: asyncio.Task[Any] | None = None

    def start(self, browsers: int = pdf.CONCURRENCY) -> None:
        """Start the driver and up to ``browsers`` browsers now, in the background (none
        for nothing to print: every plan carried over)."""
        if self._started is None and browsers > 0:
            # made only now: worker processes forked before must not inherit the loop
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="mapsite-printing", daemon=True
            )
            self._thread.start()
            count = max(1, min(pdf.CONCURRENCY, browsers))
            self._started = asyncio.run_coroutine_threadsafe(self._start(count), self._loop)

    def print(self, jobs: Sequence[PdfJob]) -> None:
        """Print every job (waiting for the browsers if they are still starting); raise
        MapsiteError when no browser can be found, started or made to print."""
        if not jobs:
            return
        self.start(len(jobs))
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._print(jobs), self._loop).result()

    def close(self) -> None:
        """Stop printing, close the browsers and the driver, and end the thread."""
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            return
        stopping = asyncio.run_coroutine_threadsafe(self._stop(), self._loop)
        with contextlib.suppress(Exception):  # whatever it was, the browsers are going
            stopping.result(timeout=pdf.TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=pdf.TIMEOUT)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> Printing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- in the thread's event loop ------------------------------------------------------

    async def _start(self, browsers: int) -> None:
        try:
            from playwright.async_api import async_playwright
        except ImportError:  # pragma: no cover - playwright is a dependency
            raise no_browser("the playwright package is not installed") from None
        self._manager = async_playwright()
        self._playwright = await self._manager.start()
        try:
            self._executable = find_chromium(self.chromium, playwright=self._playwright)  # type: ignore[arg-type]
        except BrowserNotFound as exc:
            raise no_browser(str(exc)) from None
        # launched ahead where they will launch; one that will not is launched again, and
        # its failure said, when there is something to print
        launched = await asyncio.gather(
            *(self._launch() for _ in range(browsers)), return_exceptions=True
        )
        self._ready += [b for b in launched if not isinstance(b, BaseException)]

    async def _launch(self) -> Browser:
        from playwright.async_api import Error as PlaywrightError

        assert self._playwright is not None
        solo = self._single_process
        args = pdf.LAUNCH_ARGS + (pdf.SINGLE_PROCESS if solo else [])
        async with asyncio.timeout(pdf.TIMEOUT):
            try:
                return await self._playwright.chromium.launch(
                    executable_path=self._executable, args=args
                )
            except PlaywrightError as exc:
                if solo:
                    raise
                raise no_browser(f"Chromium would not start: {first_line(exc)}") from None

    async def _print(self, jobs: Sequence[PdfJob]) -> None:
        from playwright.async_api import Error as PlaywrightError

        self._print_task = asyncio.current_task()
        assert self._started is not None
        await asyncio.wrap_future(self._started)  # its failure (no browser) is this one's
        queue = collections.deque(jobs)

        async def open_printer(first: PdfJob) -> Printer:
            solo = self._single_process
            browser = None
            while self._ready and browser is None:  # one launched ahead, if it still can
                ahead = self._ready.pop()
                if solo and ahead.is_connected():
                    browser = ahead
                else:  # gone, or single-process when those failed
                    await _close(ahead)
            browser = browser or await self._launch()
            printer = Printer(browser, self.page_size, single_process=solo)
            try:
                await printer.load(first)
            except BaseException:
                await printer.close()
                raise
            return printer

        async def worker() -> None:
            printer: Printer | None = None
            try:
                while queue:
                    job = queue.popleft()
                    while True:
                        solo = printer.single_process if printer else self._single_process
                        try:
                            async with asyncio.timeout(pdf.TIMEOUT):
                                printer = printer or await open_printer(job)
                                data = await printer.print(job)
                            break
                        except (PlaywrightError, TimeoutError) as exc:
                            if printer is not None:
                                await printer.close()
                                printer = None
                            if not solo:
                                raise print_failed(job, exc) from None
                            # a single-process browser failed: an ordinary one prints
                            # this plan again, and so do all from now on
                            self._single_process = False
                    # only whole PDFs are written: a browser that failed wrote nothing
                    write_pdf(job, with_metadata(data, job))
            finally:
                if printer is not None:
                    await printer.close()

        tasks = [asyncio.create_task(worker()) for _ in range(min(pdf.CONCURRENCY, len(jobs)))]
        try:
            await asyncio.gather(*tasks)
        finally:  # one failed (or the build stops): stop the others before Playwright goes
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _stop(self) -> None:
        # printing stops at once: each of its workers closes its browser on the way out
        printing = self._print_task
        if printing is not None and not printing.done():
            printing.cancel()
            await asyncio.wait([printing])
        # starting is let finish: a driver cancelled half started could stay behind
        if self._started is not None and not self._started.done():
            await asyncio.wait([asyncio.wrap_future(self._started)], timeout=pdf.TIMEOUT)
        for browser in self._ready:
            await _close(browser)
        self._ready = []
        if self._manager is not None:  # waits for the driver to end
            with contextlib.suppress(Exception):
                await self._manager.__aexit__(None, None, None)
            self._manager = None


async def _close(browser: Browser) -> None:
    with contextlib.suppress(Exception):  # crashed, hung (pdf.CLOSE_TIMEOUT) or gone
        async with asyncio.timeout(pdf.CLOSE_TIMEOUT):
            await browser.close()
