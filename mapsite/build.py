"""The pipeline: load -> validate -> render -> write, with atomic output.

The new site is written into a temporary folder beside the output and swapped in
only when everything succeeded (output.py), so a failed or interrupted build leaves
the previous site untouched. A protected plan is encrypted in memory: its page and
PDF reach the disk only locked.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import re
import shutil
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SecurityError

from . import brand, heap, i18n, incremental, names, output, routes, sandbox, schedule, themes
from .errors import MapsiteError, Problem, in_one_line
from .load import Document, display_path
from .passwords import password_problems
from .render import CompiledTemplates, make_environment, markdown_renderer
from .share import base_url
from .site import (
    Site,
    asset_bytes,
    asset_problem,
    brand_warnings,
    load_checked,
    load_settings,
    load_site,
    site_brand,
    site_root,
    token_clashes,
)
from .view import build_view
from .whatsnew import page_news, preload, since_days

if TYPE_CHECKING:
    from . import calendars
    from .pdf import Bands, PdfJob


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
    with output.replacing(real, lambda: record[0].build) as tmp:
        carried = {} if problems else incremental.unchanged(site, previous, paths, site_part)
        todo = [path for path in paths if path not in carried]
        if site.config.whats_new_days:  # before the workers start: read once, not in each
            preload(site, todo, since_days(site.config.whats_new_days, today))
        writer = SiteWriter(site, tmp, today, pdf=pdf, seal=True, keep_clear=pdf)
        writer.record = site_part
        # the file as shown from here (the last build may have run from another folder)
        kept = [Page.from_json({**entry.page, "file": display_path(path)})
                for path, entry in carried.items()]  # fmt: skip
        pages = write_plans(writer, todo, problems, kept)
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
            print_pdfs(jobs, site.config.page_size, chromium)
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
    rendered = len([path for path in todo if display_path(path) not in drafts])
    return BuildResult(out, len(published), brand_warnings(site), rendered, drafts)


def _entry(site: Site, site_part: str, path: Path, page: Page, out: Path) -> incremental.Entry:
    """The record of a plan just rendered into ``out`` (its key from the file as read
    now: should it have changed during the build, the next build finds it changed)."""
    assets = incremental.asset_hashes(site, page.logos)
    key = incremental.plan_key(site_part, site, path, path.read_bytes(), assets)
    files = incremental.files_of(out, [page.token, *page.previous])
    return incremental.Entry(key, page.to_json(), files, assets)


@dataclass(frozen=True)
class Page:
    """What the build needs to know of a plan's page (cheap to pass between processes)."""

    slug: str
    file: str
    title: str
    seller: str
    buyer: str
    token: str
    """The page's folder: the plan's private link."""
    previous: tuple[str, ...] = ()
    expired: bool = False
    """Past share.expires: the link shows the 'expired' page, and nothing of the plan."""
    password_env: str | None = None
    logos: tuple[str, ...] = ()
    """The files of assets/ the plan names (the brand's logo is the site's)."""
    draft: bool = False
    """``draft: true``: the build checks the plan and publishes nothing of it."""
    language: str | None = None
    """The plan's own language (None: the site's), for its PDF's header and footer."""

    @classmethod
    def of(cls, doc: Document, today: date) -> Page:
        plan, share = doc.plan, doc.plan.share
        expired = share.expires is not None and share.expires < today
        logos = tuple(name for name in (plan.buyer.logo, plan.seller.logo) if name)
        return cls(doc.slug, doc.source.file, plan.title, plan.seller.name, plan.buyer.name,
                   share.token, tuple(share.previous), expired, share.password_env,
                   logos, plan.draft, i18n.canonical(plan.language or ""))  # fmt: skip

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        return cls(**{**data, "previous": tuple(data["previous"]), "logos": tuple(data["logos"])})

    @property
    def pdf_name(self) -> str:
        """The PDF beside the page: named from what its buyer knows (buyer and title),
        not from the plan's file; a protected plan's files say nothing about it."""
        return "plan.pdf" if self.password_env else self.document_name

    @property
    def document_name(self) -> str:
        """``northwind-financial-revenue-forecasting-rollout.pdf``: the buyer, then the
        title (alone when it names the buyer already)."""
        buyer, title = names.slug(self.buyer), names.slug(self.title)
        name = title if buyer and title.startswith(buyer) else f"{buyer}-{title}".strip("-")
        if len(name) > NAME_LENGTH:  # cut at a word
            name = name[: NAME_LENGTH + 1].rsplit("-", 1)[0]
        return f"{name or 'plan'}.pdf"

    @property
    def links(self) -> tuple[str, ...]:
        """Its private link, and the ones it replaced."""
        return (self.token, *self.previous)

    @property
    def gone(self) -> dict[str, str]:
        """Links that answer 410 Gone, with the page they show."""
        links = dict.fromkeys(self.previous, GONE_REPLACED)
        if self.expired:
            links[self.token] = GONE_EXPIRED
        return links


IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
NAME_LENGTH = 80  # characters of a PDF's name before .pdf


GONE_REPLACED = "replaced.html"
GONE_EXPIRED = "expired.html"


PARALLEL_FROM = 64  # plans; below this, starting worker processes costs more than it saves
CHUNK = 25  # plans a worker takes at a time (about 0.1 s of work)


def write_plans(
    writer: SiteWriter,
    paths: list[Path],
    problems: list[Problem] | None = None,
    carried: Sequence[Page] = (),
) -> list[Page]:
    """Load, check and render every plan file; raise MapsiteError with all problems
    (``problems`` found before, in the settings, included). ``carried``: the pages of
    plans carried over from the last build, which share the site's links.

    Plans are independent, so large sites are split across one process per core.
    """
    with heap.tuned():
        pages, problems = _write_all(writer, paths, list(problems or []))
    pages = sorted([*pages, *carried], key=lambda page: page.file)
    problems += token_clashes([((p.token, *p.previous), p.file) for p in pages])
    if problems:
        raise MapsiteError(problems)
    return pages


def _write_all(
    writer: SiteWriter, paths: list[Path], problems: list[Problem]
) -> tuple[list[Page], list[Problem]]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        found, pages = _write_chunk(writer, paths, stop=bool(problems))
        problems += found
    else:
        # small chunks, so that no worker is left with a long one at the end
        count = max(workers * 4, len(paths) // CHUNK)
        chunks = [paths[i::count] for i in range(count)]
        pages = []
        with _worker_pool(writer, workers) as pool:
            for chunk_problems, chunk_pages, clear, entries in pool.map(
                _write_chunk_in_worker, chunks
            ):
                problems += chunk_problems
                pages += chunk_pages
                writer.clear |= clear
                writer.entries |= entries
    return pages, problems


_worker_writer: SiteWriter | None = None


def _worker_pool(writer: SiteWriter, workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Forked workers inherit the writer with its templates already compiled; where
    processes are spawned (macOS, Windows) each worker makes its own."""
    global _worker_writer
    # forking a process that runs other threads (the dev server's, when it builds all
    # again) can copy a lock some thread holds: then workers are started afresh
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        with template_errors():  # compile once, before forking
            # not the 'default:...' names too: those are the same files again, compiled
            # again, and only a theme's {% extends %} asks for them
            for name in writer.env.list_templates(filter_func=_unprefixed_html):
                writer.env.get_template(name)
        heap.freeze()  # the workers share these pages with this process, untouched
        _worker_writer = writer
        return concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")
        )
    site, dest, today, pdf = writer.site, writer.dest, writer.today, writer.pdf
    return concurrent.futures.ProcessPoolExecutor(
        workers,
        initializer=_init_worker,
        initargs=(site, dest, today, pdf, writer.seal, writer.keep_clear, writer.record),
    )


def _unprefixed_html(name: str) -> bool:
    return name.endswith(".html") and ":" not in name


def _init_worker(
    site: Site, dest: Path, today: date, pdf: bool, seal: bool, keep_clear: bool,
    record: str | None,
) -> None:  # fmt: skip
    global _worker_writer
    _worker_writer = SiteWriter(
        site, dest, today, pdf=pdf, copy_files=False, seal=seal, keep_clear=keep_clear
    )
    _worker_writer.record = record


def _write_chunk_in_worker(
    paths: list[Path], each: bool = False
) -> tuple[list[Problem], list[Page], dict[str, str], dict[str, incremental.Entry]]:
    """A chunk's problems and pages, the clear pages of its protected plans (in
    memory only: the main process prints them), and the record of each plan."""
    assert _worker_writer is not None
    problems, pages = _write_chunk(_worker_writer, paths, each=each)
    clear, _worker_writer.clear = _worker_writer.clear, {}
    entries, _worker_writer.entries = _worker_writer.entries, {}
    return problems, pages, clear, entries


def _write_chunk(
    writer: SiteWriter, paths: list[Path], stop: bool = False, each: bool = False
) -> tuple[list[Problem], list[Page]]:
    """Load and render ``paths``; with ``stop`` (the build already failed), only check.

    ``each`` (the dev server): render every plan that has no problem of its own, and
    return only the pages rendered; a plan that makes mapsite fail is a problem of
    that plan, not the end of the build."""
    problems: list[Problem] = []
    pages: list[Page] = []
    for path in paths:
        if each:
            doc, found = load_served(writer.site, path, seal=writer.seal)
        else:
            doc, found = load_checked(writer.site, path)
            # a draft is published by no build: it needs its password only to be served
            if doc is not None and writer.seal and not doc.plan.draft:
                found += password_problems(doc)
        problems += found
        if doc is None or (each and found):
            continue
        page = Page.of(doc, writer.today)
        if not each:
            # a draft's too: its token is taken, no other plan may use it
            pages.append(page)
            if page.draft:
                writer.remember(path, page)
                continue  # checked, never published: no page, calendar or PDF
        if (problems or stop) and not each:
            continue  # the build fails anyway: keep checking, stop rendering
        try:
            writer.write_plan(doc)
        except MapsiteError as exc:  # a template error: the same for every plan
            return problems + exc.problems, pages
        if not each:
            writer.remember(path, page)
        if each:
            pages.append(page)
    return problems, pages


def load_served(site: Site, path: Path, *, seal: bool) -> tuple[Document | None, list[Problem]]:
    """One plan file as the dev server serves it, or its problems; never an exception
    (the server keeps running). ``seal``: served as published, so it needs its password."""
    try:
        doc, problems = load_checked(site, path)
    except Exception as exc:  # a fault of mapsite's: the plan is not served, the rest is
        return None, [Problem.about(display_path(path), f"cannot be loaded: {in_one_line(exc)}")]
    if doc is not None and seal and (problems := password_problems(doc)):
        return None, problems
    return doc, problems


def render_each(writer: SiteWriter, paths: list[Path]) -> tuple[list[Page], list[Problem]]:
    """The dev server's full build: every plan without problems rendered (on every
    core for a large site, as ``write_plans``); the pages, and the problems of the
    others, or of a template (not about a plan: the same for every plan). Links shared
    by two plans are not checked here."""
    with heap.tuned():
        return _render_all(writer, paths)


def _render_all(writer: SiteWriter, paths: list[Path]) -> tuple[list[Page], list[Problem]]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        problems, pages = _write_chunk(writer, paths, each=True)
        return pages, problems
    count = max(workers * 4, len(paths) // CHUNK)
    chunks = [paths[i::count] for i in range(count)]
    pages, problems = [], []
    with _worker_pool(writer, workers) as pool:
        for found, done, clear, _ in pool.map(_write_chunk_in_worker, chunks, [True] * count):
            problems += found
            pages += done
            writer.clear |= clear
    return pages, problems


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


class SiteWriter:
    """Renders a loaded site into ``dest``: static files first, then any page on demand.

    The build writes every page once; the dev server keeps one writer and re-renders
    only the plan that changed.
    """

    def __init__(
        self,
        site: Site,
        dest: Path,
        today: date,
        *,
        pdf: bool = False,
        copy_files: bool = True,
        seal: bool = False,
        keep_clear: bool = False,
    ) -> None:
        self.site, self.dest, self.today, self.pdf = site, dest, today, pdf
        self.seal = seal
        """Publishing: protected plans need their password, and their pages are written
        only encrypted (the dev server shows them as is)."""
        self.keep_clear = keep_clear
        self.clear: dict[str, str] = {}
        self.record: str | None = None
        """The site's part of the incremental record's keys (incremental.py), when the
        build keeps one."""
        self.entries: dict[str, incremental.Entry] = {}
        """The record of each plan written (with ``record``), by its file."""
        """With ``keep_clear``, the clear page of each protected plan by token, in
        memory only, to print its PDF from."""
        self._copies: dict[str, Path] = {}
        """Logo name -> the first copy this writer published, which later plans link to."""
        self.static = copy_static(site.theme, dest / "static" if copy_files else None)
        self.brand = site_brand(site)
        self.static |= write_brand(self.brand, site, dest / "static" if copy_files else None)
        self.base_url = base_url(site.config.base_url)
        """The site's public address, when known: calendars link to it (webcal://)."""
        self.md = markdown_renderer(site.config.markdown_html)
        self._envs: dict[i18n.Language, jinja2.Environment] = {}
        self.language = site.language()
        self.env = self.env_for(self.language)
        """The environment of the site's own language (``env_for``: any other)."""
        self.common = {
            "site": site.config,
            "theme": site.theme.name,
            "stylesheets": [*site.theme.stylesheets, BRAND_CSS],
            "brand": self.brand,
            **speech(self.language),
        }

    def env_for(self, language: i18n.Language) -> jinja2.Environment:
        """The templates of pages in ``language``, which hold its words (render.py)."""
        env = self._envs.get(language)
        if env is None:
            compiled = CompiledTemplates(self.site.theme, self.site.config.markdown_html, language)
            env = self._envs[language] = make_environment(
                self.site.theme, self.today, self._static_url, self.md, compiled, language
            )
        return env

    def remember(self, path: Path, page: Page) -> None:
        """Record what the plan at ``path`` was made from, beside the page written (in
        the worker that wrote it: a thousand plans' files are walked in parallel)."""
        if self.record is not None:
            entry = _entry(self.site, self.record, path, page, self.dest)
            self.entries[incremental.relative(self.site, path)] = entry

    @jinja2.pass_context
    def _static_url(self, context: jinja2.runtime.Context, name: str) -> str:
        if name not in self.static:
            raise jinja2.TemplateRuntimeError(f"static file '{name}' not found in the theme")
        return f"{context['root']}static/{name}?v={self.static[name]}"

    def render_plan(
        self,
        doc: Document,
        logos: dict[str, str] | None = None,
        plan_css: str | None = None,
        calendar: calendars.CalendarLinks | None = None,
        projection: schedule.Projection | None = None,
    ) -> str:
        with i18n.speaking(self.site.language(doc)) as language:
            return self._render_plan(doc, language, logos, plan_css, calendar, projection)

    def _render_plan(
        self,
        doc: Document,
        language: i18n.Language,
        logos: dict[str, str] | None,
        plan_css: str | None,
        calendar: calendars.CalendarLinks | None,
        projection: schedule.Projection | None,
    ) -> str:
        page = Page.of(doc, self.today)
        news = page_news(self.site, doc, self.today)
        view = build_view(
            doc,
            self.today,
            self.site.config,
            self.md,
            self.site.last_update(doc),
            page.pdf_name if self.pdf else None,
            logos or {},
            plan_css,
            calendar,
            (news.since, news.changes) if news else None,
            projection,
        )
        with template_errors():
            template = self.env_for(language).get_template("plan.html")
            return template.render(
                self.common, **speech(language), view=view, plan=view.plan, root="../"
            )

    def write_plan(self, doc: Document) -> Path:
        """The plan's page in its private folder (or the 'expired' page there), its logos
        and calendars beside it, and the 'replaced' page at each of its previous links."""
        with i18n.speaking(self.site.language(doc)):  # its calendars and gone pages too
            return self._write_plan(doc)

    def _write_plan(self, doc: Document) -> Path:
        page = Page.of(doc, self.today)
        folder = self.dest / page.token
        try:
            folder.mkdir()
        except FileExistsError:  # rendered again (the dev server)
            clear_extras(folder)
        from . import calendars  # icalendar: only when a page is written

        # the calendars and the page show the same projected dates: worked out once
        projection = schedule.project(doc.plan, doc.dates, doc.calendar, self.today)
        published = calendars.publish(doc, self.today, self.base_url, projection)
        if page.expired:
            html = self.render_gone(GONE_EXPIRED, "../")
        else:
            logos = self._logos(doc, folder, inline=bool(page.password_env))
            plan_css = self._plan_css(doc, folder, inline=bool(page.password_env))
            links = published.links() if published else None
            html = self.render_plan(doc, logos, plan_css, links, projection)
            if page.password_env and self.seal:
                html = self.seal_page(page, html)
        output.write_file(folder / "index.html", html.encode())
        write_calendars(folder, published)
        for token in page.previous:
            # for hosts without _redirects (and local viewing); Netlify answers 410
            (self.dest / token).mkdir(exist_ok=True)
            (self.dest / token / "index.html").write_text(
                self.render_gone(GONE_REPLACED, "../"), encoding="utf-8"
            )
        return folder / "index.html"

    def _plan_css(self, doc: Document, folder: Path, *, inline: bool) -> str | None:
        """Co-branding: the buyer's colour, from a stylesheet (CSP: no inline style), and
        no stale one left from an earlier render (the dev server renders again). A
        protected plan carries it inside its encrypted page, as a data: URL, which
        unlock.js applies once the page is open: in a file beside the page, the colour
        would tell anyone who the buyer is."""
        accent = doc.plan.buyer.accent
        if not accent:
            return None
        css = brand.plan_stylesheet(accent)
        if inline:
            return f"data:text/css;base64,{base64.b64encode(css.encode()).decode()}"
        output.write_file(folder / PLAN_CSS, css.encode())
        return PLAN_CSS

    def _logos(self, doc: Document, folder: Path, *, inline: bool) -> dict[str, str]:
        """Each plan gets its own copies of its logos, with neutral names: a shared
        assets/ folder would publish every buyer's logo to every buyer. A protected
        plan carries them inside its encrypted page instead, as data: URLs."""
        logos = {}
        for side in ("buyer", "seller"):
            name = getattr(doc.plan, side).logo or (self.brand.logo if side == "seller" else None)
            if not name:
                continue
            data = asset_bytes(self.site.root, name)
            suffix = Path(name).suffix.lower()
            if inline:
                kind = IMAGE_TYPES.get(suffix, "application/octet-stream")
                logos[side] = f"data:{kind};base64,{base64.b64encode(data).decode()}"
            else:
                target = folder / f"logo-{side}{suffix}"
                self._publish(name, data, target)
                logos[side] = target.name
        return logos

    def _publish(self, name: str, data: bytes, target: Path) -> None:
        """Write a logo, or hard-link the copy already written for another plan: most
        plans share the seller's logo, and creating a file costs far more than a link."""
        first = self._copies.get(name)
        if first is not None:
            try:
                os.link(first, target)
                return
            except FileExistsError:  # a page rendered again (dev server): link afresh
                target.unlink()
                with contextlib.suppress(OSError):
                    os.link(first, target)
                    return
            except OSError:  # a file system without hard links
                pass
        target.unlink(missing_ok=True)  # never write through a link another plan shares
        target.write_bytes(data)
        self._copies[name] = target

    def seal_page(self, page: Page, clear: str) -> str:
        """The locked page that carries a protected plan's page ``clear``, encrypted
        here in memory: the clear page never reaches the disk."""
        from . import seal

        password = os.environ[page.password_env or ""]
        sealed = seal.seal(clear, password, seal.plan_salt(page.token))
        if self.keep_clear:
            self.clear[page.token] = clear
        with template_errors():
            language = i18n.current()
            return (
                self.env_for(language)
                .get_template("locked.html")
                .render(self.common, **speech(language), sealed=sealed, root="../")
            )

    def render_gone(self, name: str, root: str) -> str:
        reason = "replaced" if name == GONE_REPLACED else "expired"
        with template_errors():
            language = i18n.current()
            return (
                self.env_for(language)
                .get_template("gone.html")
                .render(self.common, **speech(language), reason=reason, root=root)
            )

    def write_common(self, pages: Sequence[Page] = ()) -> None:
        """The neutral root, 404 and gone pages, robots.txt, and _redirects: the links
        that answer 410 Gone (old tokens after a rotation, expired plans) and the icon."""
        # 404 and gone pages are shown at any depth (/TOKEN/x/y): their links start at
        # the site's root, not at the page's folder
        with i18n.speaking(self.language), template_errors():
            for name, root in (("index.html", ""), ("404.html", "/")):
                html = self.env.get_template(name).render(self.common, root=root)
                (self.dest / name).write_text(html, encoding="utf-8")
        with i18n.speaking(self.language):
            for name in (GONE_REPLACED, GONE_EXPIRED):
                (self.dest / name).write_text(self.render_gone(name, "/"), encoding="utf-8")
        (self.dest / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
        rules = sorted((token, name) for page in pages for token, name in page.gone.items())
        lines = [f"/{token}/*  /{name}  410!" for token, name in rules]
        # browsers ask for /favicon.ico by themselves (the pages link the SVG)
        lines.append(f"{routes.FAVICON}  {routes.FAVICON_TARGET}  301")
        (self.dest / "_redirects").write_text(
            "# Links that were replaced or expired: a neutral page with 410 Gone; the icon\n"
            + "".join(f"{line}\n" for line in lines),
            encoding="utf-8",
        )


def speech(language: i18n.Language) -> dict[str, str]:
    """What base.html needs of a page's language: ``<html lang dir>``."""
    return {"lang": language.tag, "dir": language.direction}


def write_calendars(folder: Path, published: calendars.Calendars | None) -> None:
    """A plan's calendars beside its page."""
    made: set[str] = set()
    for name, data in published.files().items() if published else ():
        parent = name.rpartition("/")[0]
        if parent and parent not in made:
            (folder / parent).mkdir(exist_ok=True)
            made.add(parent)
        output.write_file(folder / name, data)


def clear_extras(folder: Path) -> None:
    """What an earlier render of a plan may have left beside its page and the new one
    may not write: the dev server renders into the same folder when a plan changes or
    becomes protected (then its colour and calendars must not stay in the clear)."""
    from .calendars import PEOPLE_DIR, PLAN_FILE

    (folder / PLAN_CSS).unlink(missing_ok=True)
    (folder / PLAN_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder / PEOPLE_DIR, ignore_errors=True)


BRAND_CSS = "brand.css"
PLAN_CSS = "plan.css"
FONTS_DIR = "fonts"


def write_brand(tokens: brand.Brand, site: Site, static: Path | None) -> dict[str, str]:
    """static/brand.css from the tokens, and the site's brand fonts beside it; returns
    name -> content hash. Font files named in mapsite.yml come from assets/; those of
    a theme.yml are already in the theme's static/."""
    files: dict[str, bytes] = {}
    urls = list(tokens.font_files)
    if site.config.brand.font_files:
        urls = []
        for name in site.config.brand.font_files:
            if asset_problem(site.root, name):
                continue  # a located error of load_settings: the build fails with it
            target = f"{FONTS_DIR}/{Path(name).name}"
            files[target] = asset_bytes(site.root, name)
            urls.append(target)
    files[BRAND_CSS] = brand.stylesheet(tokens, urls).encode("utf-8")
    for name, data in files.items():
        if static is not None:
            (static / name).parent.mkdir(parents=True, exist_ok=True)
            (static / name).write_bytes(data)
    return {name: hashlib.sha256(data).hexdigest()[:10] for name, data in files.items()}


def copy_static(theme: themes.Theme, dest: Path | None) -> dict[str, str]:
    """Copy the theme's static files (child themes win) unless ``dest`` is None;
    return name -> short content hash."""
    hashes: dict[str, str] = {}
    for folder in theme.static_dirs:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in hashes:
                data = path.read_bytes()
                hashes[name] = hashlib.sha256(data).hexdigest()[:10]
                if dest is not None:
                    target = dest / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
    return hashes


@contextmanager
def template_errors() -> Iterator[None]:
    """Report template mistakes as ``file:line: message`` instead of a traceback."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        file = display_path(Path(exc.filename)) if exc.filename else exc.name or "template"
        raise MapsiteError(
            [Problem(file, exc.lineno, 1, "", exc.message or "syntax error")]
        ) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc)
        raise MapsiteError(
            [Problem(file, line, 1, "", f"template '{exc.name}' not found",
                     "check its name, and the theme it extends")]
        ) from None  # fmt: skip
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc)
        message = re.sub(r"'[\w.]+\.(\w+) object'", r"\1", exc.message or str(exc))
        raise MapsiteError(
            [Problem(file, line, 1, "", f"undefined: {message}",
                     "check the name; docs/theming.md lists the data templates receive")]
        ) from None  # fmt: skip
    except SecurityError as exc:  # the sandbox refused: a theme reaching past its data
        file, line = _template_frame(exc)
        message, hint = sandbox.explain(exc)
        raise MapsiteError([Problem(file, line, 1, "", message, hint)]) from None
    except jinja2.TemplateError as exc:
        file, line = _template_frame(exc)
        raise MapsiteError([Problem(file, line, 1, "", exc.message or str(exc))]) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        # a template's own expression failed ({{ 1 / 0 }}, a macro calling itself)
        file, line = _template_frame(exc)
        if file == "template":  # not from a template: mapsite's own mistake
            raise
        message = f"{type(exc).__name__}: {exc}"
        raise MapsiteError([Problem(file, line, 1, "", message)]) from None


def _template_frame(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line in the traceback."""
    file, line = "template", 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            file, line = display_path(Path(frame.filename)), frame.lineno or 1
    return file, line
