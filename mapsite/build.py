"""The pipeline: load -> validate -> render -> write, with atomic output.

The new site is written into a temporary folder beside the output and swapped in
only when everything succeeded (output.py), so a failed or interrupted build leaves
the previous site untouched. A protected plan is encrypted in memory: its page and
PDF reach the disk only locked.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n, incremental, output
from .errors import MapsiteError, Problem
from .load import display_path
from .page import Page
from .passwords import password_problems
from .site import (
    Site,
    brand_warnings,
    load_settings,
    load_site,
    site_root,
)
from .whatsnew import preload, since_days
from .workers import write_plans
from .writer import SiteWriter

if TYPE_CHECKING:
    from .pdf import Bands, PdfJob
    from .printing import Printing


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    """Not errors: the build published anyway (brand colours with low contrast)."""
    rendered: int | None = None
    """Plans rendered (the others were carried over unchanged); None: all of them."""
    drafts: list[str] = dataclasses.field(default_factory=list)
    """The plan files marked ``draft: true``: checked, not published."""


def build(
    root: Path,
    out: Path | None = None,
    *,
    today: date,
    pdf: bool = True,
    chromium: str | None = None,
    replace: bool = False,
    full: bool = False,
) -> BuildResult:
    """Build every plan of the site at ``root`` into ``out`` (default ``root/public``),
    with a PDF beside each page unless ``pdf`` is false. ``replace`` lets the build
    replace a folder with files that mapsite did not write (``--replace-output``).

    Plans whose inputs did not change since the last build are carried over from it
    (incremental.py) unless ``full``."""
    site, paths, problems = load_settings(root)
    out = Path(os.path.abspath(out or root / "public"))  # abspath also folds '..'
    real = output.check(root, out, replace=replace)
    previous = None if full else incremental.read(real)
    site_part = incremental.site_key(site, today, pdf=pdf, chromium=chromium)
    record: list[incremental.Record] = []  # what the new output is made from, once made
    printing = printers(site, chromium) if pdf else contextlib.nullcontext()
    with output.replacing(real, lambda: record[0].build) as tmp, printing as printers_ahead:
        carried = {} if problems else incremental.unchanged(site, previous, paths, site_part)
        todo = [path for path in paths if path not in carried]
        if site.config.whats_new_days:  # before the workers start: read once, not in each
            preload(site, todo, since_days(site.config.whats_new_days, today))
        writer = SiteWriter(site, tmp, today, pdf=pdf, seal=True, keep_clear=pdf)
        writer.record = site_part
        # the file as shown from here (the last build may have run from another folder)
        kept = [Page.from_json({**entry.page, "file": display_path(path)})
                for path, entry in carried.items()]  # fmt: skip
        # the PDF printers start as soon as the pages are being written (printing.py)
        ahead = printers_ahead.start if printers_ahead and todo and not problems else None
        pages = write_plans(writer, todo, problems, kept, ahead)
        # linked in only now, after every page was written: nothing the build writes
        # can go through a link into the old site
        lost = [path for path, entry in carried.items()
                if not incremental.carry(real, tmp, entry.files)]  # fmt: skip
        if lost:  # changed by hand meanwhile: rendered after all
            gone = {display_path(path) for path in lost}
            for path in lost:
                del carried[path]
            todo += lost
            pages = write_plans(writer, lost, [], [p for p in pages if p.file not in gone])
        # a draft's page is checked and its link reserved, nothing of it published
        published = [page for page in pages if not page.draft]
        writer.write_common(published)
        if pdf:
            from .pdf import print_pdfs  # Playwright and asyncio: only when printing

            fresh = {entry.page["token"] for entry in carried.values()}
            live = [p for p in published if not p.expired and p.token not in fresh]
            jobs = pdf_jobs(live, tmp, today, clear=writer.clear, language=site.config.language)
            print_pdfs(jobs, site.config.page_size, chromium, printers_ahead)
            # each plan's record was made as its page was written, before its PDF
            by_token = {entry.page["token"]: entry for entry in writer.entries.values()}
            for job in jobs:
                files = by_token[job.out.parent.name].files
                files.append(job.out.relative_to(tmp).as_posix())
                files.sort()
        rel = {path: incremental.relative(site, path) for path in paths}
        entries = {rel[path]: carried.get(path) or writer.entries[rel[path]] for path in paths}
        record.append(incremental.Record(site_part, entries))
    incremental.write(real, record[0])
    drafts = [page.file for page in pages if page.draft]
    rendered = len(todo)
    if drafts:  # not shown: a draft is checked, never rendered
        rendered -= len([path for path in todo if display_path(path) in drafts])
    return BuildResult(out, len(published), brand_warnings(site), rendered, drafts)


def printers(site: Site, chromium: str | None) -> Printing:
    """The build's PDF printers, not started yet (Playwright: only when printing)."""
    from .printing import Printing

    return Printing(site.config.page_size, chromium)


def write_site(site: Site, dest: Path, today: date, *, pdf: bool = False) -> int:
    """Render a loaded site into the empty folder ``dest``; return the number of plan pages."""
    writer = SiteWriter(site, dest, today, pdf=pdf)
    for doc in site.documents:
        writer.write_plan(doc)
    writer.write_common([Page.of(doc, today) for doc in site.documents])
    return len(site.documents)


def pdf_jobs(
    pages: list[Page],
    dest: Path,
    today: date,
    out: Path | None = None,
    clear: dict[str, str] | None = None,
    language: str = i18n.SOURCE,
) -> list[PdfJob]:
    """One PDF per plan page in ``dest``: beside the page, or in ``out`` when given.
    A protected plan is printed from its clear page in ``clear`` (token -> HTML, never
    on disk), and its PDF encrypted before it is written. ``language``: the site's."""
    from .pdf import PdfJob, words

    def bands(page: Page) -> Bands:
        with i18n.speaking(i18n.language(page.language or language)):
            return words(today)

    clear = clear or {}
    return [
        PdfJob(
            html=dest / page.token / "index.html",
            out=out / page.document_name if out else dest / page.token / page.pdf_name,
            title=page.title,
            author=page.seller,
            subject=page.buyer,
            as_of=today,
            content=clear[page.token] if page.password_env else None,
            password=os.environ[page.password_env] if page.password_env else None,
            bands=bands(page),
        )
        for page in pages
    ]


def print_plans(
    paths: list[Path], out: Path, *, today: date, chromium: str | None = None
) -> list[Path]:
    """``mapsite pdf``: print chosen plan files into ``out``; returns the PDFs written."""
    roots = {site_root(p) for p in paths}
    if len(roots) != 1:
        raise MapsiteError(
            [Problem(display_path(p), 1, 1, "", "plans from several sites",
                     "print the plans of one site at a time") for p in paths[:1]]
        )  # fmt: skip
    from .pdf import print_pdfs

    site = load_site(roots.pop(), only=[p.absolute() for p in paths])
    missing = [problem for doc in site.documents for problem in password_problems(doc)]
    if missing:
        raise MapsiteError(missing)
    pages = [p for p in (Page.of(doc, today) for doc in site.documents) if not p.expired]
    named: dict[str, Page] = {}
    clashes = []
    for page in pages:
        other = named.setdefault(page.document_name, page)
        if other is not page:  # the wrong buyer's PDF must never sit under the name
            clashes.append(Problem.about(page.file,
                f"its PDF would be {display_path(out / page.document_name)}, "
                f"like that of {other.file} (the same buyer and title)",
                "give one plan another title, or print them one at a time into "
                "different folders with -o"))  # fmt: skip
    if clashes:
        raise MapsiteError(clashes, "nothing written")
    out.mkdir(parents=True, exist_ok=True)
    # the pages the PDFs are printed from: protected ones locked, printed from memory
    with tempfile.TemporaryDirectory(prefix="mapsite-pdf-") as tmp:
        writer = SiteWriter(site, Path(tmp), today, seal=True, keep_clear=True)
        for doc in site.documents:
            writer.write_plan(doc)
        writer.write_common(pages)
        jobs = pdf_jobs(pages, Path(tmp), today, out, writer.clear, site.config.language)
        print_pdfs(jobs, site.config.page_size, chromium)
    return [job.out for job in jobs]
