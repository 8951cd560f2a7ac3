"""Printing plan pages to PDF with Chromium through Playwright.

One browser for the whole build, a few reused pages printing concurrently (a new
page costs about four times a reused one). Chromium stamps each PDF with the time
it was made; we rewrite the metadata with pypdf, so the same plan and "today"
give the same bytes, and add the seller as author and the buyer as subject.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .browser import BrowserNotFound, find_chromium, install_hint
from .errors import MapsiteError, Problem

SWAP_BODY = """html => {
    const fresh = new DOMParser().parseFromString(html, "text/html");
    document.title = fresh.title;
    document.body.replaceWith(document.adoptNode(fresh.body));
}"""
PAGE_MARGIN = {"top": "17mm", "bottom": "17mm", "left": "13mm", "right": "13mm"}
CONCURRENCY = 2  # pages printing at once: more does not help on two cores


@dataclass(frozen=True)
class PdfJob:
    html: Path
    out: Path
    title: str
    author: str
    subject: str
    as_of: date


def print_pdfs(jobs: Sequence[PdfJob], page_size: str, chromium: str | None = None) -> None:
    """Print every job; raise MapsiteError when no browser can be found or started."""
    if not jobs:
        return
    try:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency
        raise no_browser("the playwright package is not installed") from None

    async def run() -> None:
        async with async_playwright() as p:
            try:
                executable = find_chromium(chromium, playwright=p)  # type: ignore[arg-type]
            except BrowserNotFound as exc:
                raise no_browser(str(exc)) from None
            try:
                browser = await p.chromium.launch(executable_path=executable)
            except PlaywrightError as exc:
                first = str(exc).strip().splitlines()[0]
                raise no_browser(f"Chromium would not start: {first}") from None
            queue: asyncio.Queue[PdfJob] = asyncio.Queue()
            for job in jobs:
                queue.put_nowait(job)

            async def worker() -> None:
                # its own context, so its own renderer process: workers print in parallel
                context = await browser.new_context()
                page = await context.new_page()
                await page.emulate_media(media="print", color_scheme="light")
                loaded: Path | None = None
                while not queue.empty():
                    job = queue.get_nowait()
                    if loaded is not None and job.html.parent.parent == loaded.parent.parent:
                        # same site, same depth: swap the body in and keep the parsed
                        # stylesheet and fonts (about 4x faster than loading the page)
                        await page.evaluate(SWAP_BODY, job.html.read_text(encoding="utf-8"))
                    else:
                        await page.goto(job.html.as_uri(), wait_until="load")
                        loaded = job.html
                    await page.evaluate("document.fonts.ready")
                    data = await page.pdf(
                        format=page_size,
                        print_background=True,
                        display_header_footer=True,
                        header_template=header(job),
                        footer_template=footer(job),
                        margin=PAGE_MARGIN,
                        outline=True,
                    )
                    # pypdf is Python work: let Chromium print the next one meanwhile
                    job.out.write_bytes(await asyncio.to_thread(with_metadata, data, job))
                await context.close()

            try:
                await asyncio.gather(*(worker() for _ in range(min(CONCURRENCY, len(jobs)))))
            finally:
                await browser.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(run())
        return
    # called from inside an event loop (Jupyter, Playwright's sync API): print from a
    # thread of our own, which may run a loop of its own
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(run())).result()


def no_browser(reason: str) -> MapsiteError:
    return MapsiteError(
        [
            Problem(
                "",
                0,
                0,
                "",
                f"cannot print PDFs: {reason}",
                f"{install_hint()}; or build without PDFs: mapsite build --no-pdf",
            )
        ]
    )


_BAND = (
    '<div style="width:100%;margin:0 13mm;display:flex;justify-content:space-between;'
    "font-family:'Liberation Sans',Arial,sans-serif;font-size:7.5pt;color:#535b73;"
    '-webkit-print-color-adjust:exact">{left}<span>{right}</span></div>'
)


def header(job: PdfJob) -> str:
    left = f"<span>{html.escape(job.title)} · {html.escape(job.subject)}</span>"
    right = f"As of {job.as_of:%a} {job.as_of.day} {job.as_of:%b %Y}"
    return _BAND.format(left=left, right=right)


def footer(job: PdfJob) -> str:
    parties = f"{html.escape(job.author)} &times; {html.escape(job.subject)}"
    left = f"<span>{parties} · mutual action plan</span>"
    right = 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
    return _BAND.format(left=left, right=right)


def with_metadata(data: bytes, job: PdfJob) -> bytes:
    """Title, author (seller), subject (buyer), and dates from 'today', not the clock."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    stamp = f"D:{job.as_of:%Y%m%d}000000Z"
    writer.metadata = {
        "/Title": job.title,
        "/Author": job.author,
        "/Subject": job.subject,
        "/Creator": "mapsite",
        "/Producer": "mapsite (Chromium via Playwright)",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
