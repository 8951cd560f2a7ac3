"""Printing plan pages to PDF with Chromium through Playwright.

One browser for the whole build and one reused page per core, printing at the same
time. Most of a PDF's cost is Chromium's own: laying the page out for paper, painting
it, and a print compositor process per PDF that writes and compresses the file. So
each page is printed straight from its HTML swapped into a loaded page (no reload,
no screen rendering in between), with as few embedded fonts as the page allows.

Chromium stamps each PDF with the time it was made; we replace the document
information (the seller as author, the buyer as subject, dates from "today"), so the
same plan and "today" give the same bytes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .browser import BrowserNotFound, find_chromium, install_hint
from .errors import MapsiteError, Problem

# Run once on each loaded page, in print media: load every font the theme declares
# (the hidden page never asks for them itself), hide the page on screen, and return
# the font family the printed page uses, for the header and footer.
PREPARE_PAGE = """async () => {
    await Promise.allSettled([...document.fonts].map(face => face.load()));
    const hide = document.createElement("style");
    hide.textContent = "@media screen { html { display: none !important } }";
    document.head.append(hide);
    return getComputedStyle(document.body).fontFamily;
}"""
# The next page's body replaces the current one: the stylesheets, fonts and images
# already loaded stay (about 4x faster than loading the page). Relative addresses
# resolve against the new page's own file (a <base>), and its stylesheets replace
# the current ones where they differ (a plan's own plan.css). Also done right after
# a load, so that what theme scripts changed on the page is not printed.
SWAP_BODY = """async ([html, url]) => {
    const fresh = new DOMParser().parseFromString(html, "text/html");
    const have = [...document.head.querySelectorAll("link[rel~=stylesheet]")];
    for (const link of have) link.dataset.url ||= link.href;  // before <base> moves
    let base = document.head.querySelector("base");
    if (!base) base = document.head.insertBefore(document.createElement("base"),
                                                 document.head.firstChild);
    base.href = url;
    const want = [...fresh.head.querySelectorAll("link[rel~=stylesheet]")];
    const address = link => new URL(link.getAttribute("href"), url).href;
    let same = 0;
    while (same < have.length && same < want.length
           && have[same].dataset.url === address(want[same])) same++;
    for (const link of have.slice(same)) link.remove();
    const loads = want.slice(same).map(link => new Promise(done => {
        const copy = document.importNode(link);
        copy.href = copy.dataset.url = address(link);
        copy.onload = copy.onerror = done;
        document.head.append(copy);
    }));
    document.documentElement.lang = fresh.documentElement.lang;
    document.title = fresh.title;
    document.body.replaceWith(document.adoptNode(fresh.body));
    await Promise.all(loads);
    await Promise.allSettled([...document.images].map(image => image.decode()));
}"""
# Chromium's toolbar pages (the omnibox popup) load in the background of every
# browser window, about a second of CPU that printing has no use for.
LAUNCH_ARGS = ["--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup"]
PAGE_MARGIN = {"top": "17mm", "bottom": "17mm", "left": "13mm", "right": "13mm"}
CONCURRENCY = 2  # pages printing at once: more does not help on two cores
BAND_FONT = "'Liberation Sans',Arial,sans-serif"  # header and footer, if the page has none


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
                browser = await p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
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
                loaded = False
                font = BAND_FONT
                while not queue.empty():
                    job = queue.get_nowait()
                    if not loaded:
                        await page.emulate_media(media="print", color_scheme="light")
                        await page.goto(job.html.as_uri(), wait_until="load")
                        font = await page.evaluate(PREPARE_PAGE) or BAND_FONT
                        await page.emulate_media(media="null")  # printing uses print media
                        loaded = True
                    html = job.html.read_text(encoding="utf-8")
                    await page.evaluate(SWAP_BODY, [html, job.html.as_uri()])
                    data = await page.pdf(
                        format=page_size,
                        print_background=True,
                        display_header_footer=True,
                        header_template=header(job, font),
                        footer_template=footer(job, font),
                        margin=PAGE_MARGIN,
                        outline=True,
                    )
                    # Python work: let Chromium print the next one meanwhile
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


# In the page's own font: each font a PDF uses is embedded, and costs time to print.
_BAND = (
    '<div style="width:100%;margin:0 13mm;display:flex;justify-content:space-between;'
    'font-family:{font};font-size:7.5pt;color:#535b73;-webkit-print-color-adjust:exact">'
    "{left}<span>{right}</span></div>"
)


def header(job: PdfJob, font: str = BAND_FONT) -> str:
    left = f"<span>{html.escape(job.title)} · {html.escape(job.subject)}</span>"
    right = f"As of {job.as_of:%a} {job.as_of.day} {job.as_of:%b %Y}"
    return _BAND.format(font=html.escape(font), left=left, right=right)


def footer(job: PdfJob, font: str = BAND_FONT) -> str:
    parties = f"{html.escape(job.author)} &times; {html.escape(job.subject)}"
    left = f"<span>{parties} · mutual action plan</span>"
    right = 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
    return _BAND.format(font=html.escape(font), left=left, right=right)


def with_metadata(data: bytes, job: PdfJob) -> bytes:
    """Title, author (seller), subject (buyer), and dates from 'today', not the clock."""
    stamp = f"D:{job.as_of:%Y%m%d}000000Z"
    info = {
        "Title": job.title,
        "Author": job.author,
        "Subject": job.subject,
        "Creator": "mapsite",
        "Producer": "mapsite (Chromium via Playwright)",
        "CreationDate": stamp,
        "ModDate": stamp,
    }
    try:
        return replace_info(data, info)
    except ValueError:  # not laid out as Chromium writes it: let pypdf rewrite the file
        return rewrite_info(data, info)


_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$", re.DOTALL)
_SECTION = re.compile(rb"xref\s+0 (\d+)\s+")
_INFO_REF = re.compile(rb"/Info (\d+) 0 R")


def replace_info(data: bytes, info: dict[str, str]) -> bytes:
    """Chromium's PDF with its document information object replaced: a new object of
    the same number where the old one was, and the cross-reference table moved to
    match. Raises ValueError when the file is not laid out as expected (one
    cross-reference table, one trailer)."""
    trailer = _TRAILER.match(data, max(data.rfind(b"trailer"), 0))
    if trailer is None or b"/Prev" in trailer[1] or b"/Encrypt" in trailer[1]:
        raise ValueError("no simple trailer")
    xref_at = int(trailer[2])
    section = _SECTION.match(data, xref_at)
    info_ref = _INFO_REF.search(trailer[1])
    if section is None or info_ref is None:
        raise ValueError("no single cross-reference table or no /Info")
    count, number = int(section[1]), int(info_ref[1])
    rows = data[section.end() : section.end() + 20 * count]
    if len(rows) != 20 * count or not 0 < number < count:
        raise ValueError("short cross-reference table")
    offsets = [int(rows[i * 20 : i * 20 + 10]) for i in range(count)]
    kinds = [rows[i * 20 + 17 : i * 20 + 18] for i in range(count)]
    start = offsets[number]
    if kinds[number] != b"n" or not data.startswith(b"%d 0 obj" % number, start):
        raise ValueError("the /Info object is not where the table says")
    # the old object ends where the next one in the file begins (or the table does)
    end = min(
        [o for o, k in zip(offsets, kinds, strict=True) if k == b"n" and o > start] + [xref_at]
    )
    entries = "".join(f"/{key} {pdf_text(value)}\n" for key, value in info.items())
    new = f"{number} 0 obj\n<<{entries}>>\nendobj\n".encode("ascii")
    shift = len(new) - (end - start)
    table = b"".join(
        b"%010d" % (o + shift) + rows[i * 20 + 10 : i * 20 + 20]
        if kinds[i] == b"n" and o > start
        else rows[i * 20 : i * 20 + 20]
        for i, o in enumerate(offsets)
    )
    rest = data[section.end() + 20 * count : trailer.start(2)]
    return b"".join(
        [data[:start], new, data[end:xref_at], data[xref_at : section.end()], table, rest,
         b"%d\n%%%%EOF\n" % (xref_at + shift)]
    )  # fmt: skip


def pdf_text(value: str) -> str:
    """A PDF text string: printable ASCII as a literal, anything else as UTF-16 in hex."""
    if all(" " <= ch <= "~" for ch in value):
        return "(" + re.sub(r"([\\()])", r"\\\1", value) + ")"
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def rewrite_info(data: bytes, info: dict[str, str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.metadata = {f"/{key}": value for key, value in info.items()}
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
