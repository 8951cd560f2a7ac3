"""Printing plan pages to PDF with Chromium through Playwright.

A browser per core, each with one page that prints plan after plan. Most of a PDF's
cost is Chromium's own: laying the page out for paper, painting it, and writing and
compressing the file. So each plan's HTML is swapped into the loaded page (no
reload, no screen rendering in between), the browsers run in a single process each
where they can (SINGLE_PROCESS), and the page uses as few fonts as it can (each one
is embedded in the PDF).

Chromium stamps each PDF with the time it was made; we replace the document
information (the seller as author, the buyer as subject, dates from "today"), so the
same plan and "today" give the same bytes from the same Chromium. (An ordinary
browser, the fallback, may embed a font twice where a single-process one embeds it
once: the same pages, other bytes.)"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import io
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n
from .bidi import isolated, page_direction
from .browser import install_hint
from .errors import MapsiteError, Problem
from .i18n import gettext as _

if TYPE_CHECKING:
    from playwright.async_api import Browser, ViewportSize

    from .printing import Printing

# Run once on each loaded page, in print media: load every font the theme declares
# (the hidden page never asks for them itself), add the style that hides the page on
# screen and holds the header and footer, and return the font family the printed
# page uses, for the header and footer.
PREPARE_PAGE = """async () => {
    await Promise.allSettled([...document.fonts].map(face => face.load()));
    const style = document.createElement("style");
    style.id = "mapsite-print";
    document.head.append(style);
    return getComputedStyle(document.body).fontFamily;
}"""
# Printing lays the page out for paper anyway: hidden on screen, the page costs
# nothing to lay out, paint and composite between prints. Chromium also lays it out
# in print media at the window's size before it lays it out on paper: the window is
# far wider than any paper (WINDOW), so the page is hidden for that pass too (about
# a quarter of the CPU of a PDF; the PDF is the same, byte for byte).
HIDDEN = "@media screen, print and (min-width: 2500px) { html { display: none !important } }\n"
WINDOW: ViewportSize = {"width": 3000, "height": 200}
# The next page's body replaces the current one: the stylesheets, fonts and images
# already loaded stay (about 4x faster than loading the page). Relative addresses
# resolve against the new page's own file (a <base>), and its stylesheets replace
# the current ones where they differ (a plan's own plan.css). Also done right after
# a load, so that what theme scripts changed on the page is not printed.
SWAP_BODY = """async ([html, url, style]) => {
    document.getElementById("mapsite-print").textContent = style;
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
    document.documentElement.dir = fresh.documentElement.dir;
    document.title = fresh.title;
    document.body.replaceWith(document.adoptNode(fresh.body));
    await Promise.all(loads);
    await Promise.allSettled([...document.images].map(image => image.decode()));
}"""
# Chromium's toolbar pages (the omnibox popup) load in the background of every
# browser window, about a second of CPU that printing has no use for.
LAUNCH_ARGS = ["--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup"]
# Each worker has a browser of its own, all in one process: no print compositor
# process to start for each PDF, no copies between processes (about 15% less CPU).
# Chromium does not support this mode officially and it is tried on Linux only; a
# browser that will not start, dies or hangs that way is replaced by an ordinary one.
SINGLE_PROCESS = ["--single-process"] if sys.platform.startswith("linux") else []
TIMEOUT = 60.0  # seconds to start a browser or print one plan: a plan takes well under 1
CLOSE_TIMEOUT = 5.0  # a hung browser does not close: it goes when Playwright's driver stops
PAGE_MARGIN = {"top": "17mm", "bottom": "17mm", "left": "13mm", "right": "13mm"}
CONCURRENCY = 2  # browsers printing at once: more does not help on two cores
MARGIN_BOXES_SINCE = 131  # the first Chromium that prints CSS page margin boxes
BAND_FONT = "'Liberation Sans',Arial,sans-serif"  # header and footer, if the page has none


@dataclass(frozen=True)
class Bands:
    """The words of a PDF's header and footer, in its plan's language (``words``)."""

    as_of: str
    """``As of Tue 15 Dec 2026``."""
    kind: str = "mutual action plan"
    pages: str = "Page %(page)s of %(pages)s"


def words(as_of: date) -> Bands:
    """The header's and footer's words in the language being spoken (i18n.speaking)."""
    return Bands(
        _("As of %(date)s") % {"date": i18n.current().full_date(as_of)},
        _("mutual action plan"),
        _("Page %(page)s of %(pages)s"),
    )


@dataclasses.dataclass(frozen=True)
class PdfJob:
    html: Path
    """The page, where its relative links (stylesheets, logos) resolve."""
    out: Path
    title: str
    author: str
    subject: str
    as_of: date
    content: str | None = dataclasses.field(default=None, repr=False)
    """The page to print, when not the file at ``html``: a protected plan's clear page,
    which exists only in memory (the file there is its locked page)."""
    password: str | None = dataclasses.field(default=None, repr=False)
    """Encrypt the PDF with this password before it is written."""
    bands: Bands | None = None
    """The header's and footer's words (None: English)."""

    @property
    def words(self) -> Bands:
        return self.bands or Bands(f"As of {self.as_of:%a} {self.as_of.day} {self.as_of:%b %Y}")


def print_pdfs(
    jobs: Sequence[PdfJob],
    page_size: str,
    chromium: str | None = None,
    printing: Printing | None = None,
) -> None:
    """Print every job; raise MapsiteError when no browser can be found, started or
    made to print. ``printing``: browsers the build started ahead (printing.py)."""
    if not jobs:
        return
    from .printing import Printing

    if printing is not None:
        printing.print(jobs)
        return
    with Printing(page_size, chromium) as own:
        own.print(jobs)


class Printer:
    """A browser with one page that prints job after job: the first job's page is
    loaded, then each job's body is swapped into it."""

    def __init__(self, browser: Browser, page_size: str, *, single_process: bool) -> None:
        self.browser, self.page_size, self.single_process = browser, page_size, single_process
        self.font = BAND_FONT
        # the header and footer as page margin boxes, or (older Chromium) as Chromium's
        # header and footer templates, which cost about a quarter of the CPU of a PDF
        self.margin_boxes = int(browser.version.split(".")[0]) >= MARGIN_BOXES_SINCE

    async def load(self, job: PdfJob) -> None:
        # our own <style> is inline: a page's Content-Security-Policy must not stop it
        context = await self.browser.new_context(bypass_csp=True, viewport=WINDOW)
        self.page = await context.new_page()
        await self.page.emulate_media(media="print", color_scheme="light")
        await self.page.goto(job.html.as_uri(), wait_until="load")
        self.font = await self.page.evaluate(PREPARE_PAGE) or BAND_FONT
        await self.page.emulate_media(media="null")  # printing uses print media anyway

    async def print(self, job: PdfJob) -> bytes:
        html = job.content if job.content is not None else job.html.read_text(encoding="utf-8")
        rtl = page_direction(html) == "rtl"
        style = HIDDEN + (bands(job, self.font, rtl) if self.margin_boxes else "")
        await self.page.evaluate(SWAP_BODY, [html, job.html.as_uri(), style])
        # Tagged: the PDF carries the page's structure (headings, lists, tables, links,
        # the logos' alt text) for screen readers. Chromium builds the outline (a
        # bookmark per heading: each milestone) from those tags: without them, none.
        if self.margin_boxes:
            return await self.page.pdf(
                format=self.page_size, print_background=True, margin=PAGE_MARGIN,
                tagged=True, outline=True,
            )  # fmt: skip
        return await self.page.pdf(
            format=self.page_size,
            print_background=True,
            display_header_footer=True,
            header_template=header(job, self.font, rtl),
            footer_template=footer(job, self.font, rtl),
            margin=PAGE_MARGIN,
            tagged=True,
            outline=True,
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # crashed, hung (CLOSE_TIMEOUT) or gone
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await self.browser.close()


def write_pdf(job: PdfJob, data: bytes) -> None:
    """Write the PDF whole (a file of its own, renamed into place), encrypted first if
    it has a password: a protected plan's PDF is never on disk in clear."""
    if job.password is not None:
        from .seal import encrypt_pdf

        data = encrypt_pdf(data, job.password)
    part = job.out.with_name(f".{job.out.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, job.out)
    finally:
        part.unlink(missing_ok=True)


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


def print_failed(job: PdfJob, exc: Exception) -> MapsiteError:
    reason = "it stopped answering" if isinstance(exc, TimeoutError) else first_line(exc)
    return MapsiteError(
        [
            Problem(
                "",
                0,
                0,
                "",
                f"cannot print the PDF of '{job.title}': Chromium failed: {reason}",
                "try again; or build without PDFs: mapsite build --no-pdf",
            )
        ]
    )


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def bands(job: PdfJob, font: str, rtl: bool = False) -> str:
    """The header and footer as CSS page margin boxes, in the page's own font (each font
    a PDF uses is embedded): title and buyer, the date; parties, page X of Y. A
    right-to-left page has them mirrored: the title at the top right."""
    box = f"font-family: {font}; font-size: 7.5pt; font-weight: 400; color: #535b73"
    top = "vertical-align: top; padding-top: 5.1mm"  # where Chromium's templates put them
    bottom = "vertical-align: bottom; padding-bottom: 5.6mm"
    start, end = ("right", "left") if rtl else ("left", "right")
    title, author, subject = names(job, rtl)
    parties = f"{author} × {subject} · {job.words.kind}"
    boxes = {
        f"top-{start}": (css_string(f"{title} · {subject}"), top),
        f"top-{end}": (css_string(as_of(job)), top),
        f"bottom-{start}": (css_string(parties), bottom),
        f"bottom-{end}": (page_counter(job.words.pages), bottom),
    }
    return (
        "@page {\n"
        + "".join(
            f"  @{at} {{ content: {text}; {box}; {place} }}\n"
            for at, (text, place) in boxes.items()
        )
        + "}\n"
    )


def names(job: PdfJob, rtl: bool) -> tuple[str, str, str]:
    """The plan's title, seller and buyer; each isolated in a right-to-left page, where
    a Latin name's full stop would otherwise leave its end."""
    if not rtl:
        return job.title, job.author, job.subject
    return isolated(job.title), isolated(job.author), isolated(job.subject)


def css_string(text: str) -> str:
    escaped = "".join(
        "\\" + ch if ch in '"\\' else f"\\{ord(ch):x} " if ord(ch) < 0x20 or ch == "\x7f" else ch
        for ch in text
    )
    return f'"{escaped}"'


def page_counter(template: str) -> str:
    """``Page %(page)s of %(pages)s`` as CSS content: ``"Page " counter(page) ...``."""
    parts = PAGE_FIELD.split(template)
    return " ".join(
        (f"counter({part})" if i % 2 else css_string(part))
        for i, part in enumerate(parts)
        if part or i % 2
    )


PAGE_FIELD = re.compile(r"%\((pages|page)\)s")


def as_of(job: PdfJob) -> str:
    return job.words.as_of


# Chromium's header and footer templates, for a Chromium without page margin boxes
_BAND = (
    '<div dir="{dir}" style="width:100%;margin:0 13mm;display:flex;justify-content:space-between;'
    'font-family:{font};font-size:7.5pt;color:#535b73;-webkit-print-color-adjust:exact">'
    "{left}<span>{right}</span></div>"
)


def header(job: PdfJob, font: str = BAND_FONT, rtl: bool = False) -> str:
    title, _, subject = names(job, rtl)
    left = f"<span>{html.escape(title)} · {html.escape(subject)}</span>"
    return _BAND.format(
        dir="rtl" if rtl else "ltr", font=html.escape(font), left=left, right=as_of(job)
    )


def footer(job: PdfJob, font: str = BAND_FONT, rtl: bool = False) -> str:
    _, author, subject = names(job, rtl)
    parties = f"{html.escape(author)} &times; {html.escape(subject)}"
    left = f"<span>{parties} · {html.escape(job.words.kind)}</span>"
    spans = {
        "page": '<span class="pageNumber"></span>',
        "pages": '<span class="totalPages"></span>',
    }
    right = "".join(
        spans[part] if i % 2 else html.escape(part)
        for i, part in enumerate(PAGE_FIELD.split(job.words.pages))
    )
    return _BAND.format(dir="rtl" if rtl else "ltr", font=html.escape(font), left=left, right=right)


_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def stable_ids(data: bytes) -> bytes:
    """A tagged PDF names some structure elements (table headers) after the page's DOM
    nodes, ``(node00001743)``, numbered by how many nodes the browser made before:
    which plans it printed first. Renumbered from 1 in the same order (so the ID tree
    stays sorted) and at the same width (so no offset moves), a plan prints the same
    bytes whichever browser prints it after whichever plans."""
    found = sorted(set(_NODE_ID.findall(data)))
    if not found:
        return data
    new = {old: b"%08d" % n for n, old in enumerate(found, 1)}
    return _NODE_ID.sub(lambda m: b"(node" + new[m[1]] + b")", data)


def with_metadata(data: bytes, job: PdfJob) -> bytes:
    """Title, author (seller), subject (buyer), and dates from 'today', not the clock;
    node IDs numbered as in no other print (``stable_ids``); the small objects packed
    (``packed``)."""
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
    return packed(stable_ids(data), info)


def packed(data: bytes, info: dict[str, str]) -> bytes:
    """The PDF with ``info`` as its document information (and nothing else there), and
    its objects other than streams packed into compressed object streams (PDF 1.5), in
    one pass of qpdf. Chromium writes each object as plain text: a tagged PDF's
    structure tree is some 800 of them, a quarter of the file (northwind's: 361 KB,
    packed 271 KB, in 10 ms). The streams stay as Chromium compressed them; the file's
    ID is made from its content, so the same page prints the same bytes."""
    import pikepdf  # qpdf: only when printing

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # a text as PDFDocEncoding where it can be, else UTF-16 (pikepdf.String)
        fields = {f"/{key}": pikepdf.String(value) for key, value in info.items()}
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(fields))
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )
    return out.getvalue()
