"""The pipeline: load -> validate -> render -> write, with atomic output.

The new site is written into a temporary folder beside the output and swapped in
only when everything succeeded, so a failed or interrupted build leaves the
previous site untouched.
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
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2.sandbox import SecurityError

from . import brand, sandbox, schedule, themes
from .errors import MapsiteError, Problem
from .load import Document, display_path
from .render import CompiledTemplates, make_environment, markdown_renderer
from .share import base_url
from .site import (
    ASSETS_DIR,
    PLANS_DIR,
    Site,
    asset_bytes,
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
    from .pdf import PdfJob


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    """Not errors: the build published anyway (brand colours with low contrast)."""


def build(
    root: Path,
    out: Path | None = None,
    *,
    today: date,
    pdf: bool = True,
    chromium: str | None = None,
) -> BuildResult:
    """Build every plan of the site at ``root`` into ``out`` (default ``root/public``),
    with a PDF beside each page unless ``pdf`` is false."""
    site, paths, problems = load_settings(root)
    if site.config.whats_new_days:  # before the workers start: read once, not in each
        preload(site, paths, since_days(site.config.whats_new_days, today))
    out = Path(os.path.abspath(out or root / "public"))  # abspath also folds '..'
    _check_output(root, out)
    with _atomic_dir(out) as tmp:
        writer = SiteWriter(site, tmp, today, pdf=pdf, seal=True)
        pages = write_plans(writer, paths, problems)
        writer.write_common(pages)
        live = [page for page in pages if not page.expired]
        if pdf:
            from .pdf import print_pdfs  # Playwright and asyncio: only when printing

            print_pdfs(pdf_jobs(live, tmp, today), site.config.page_size, chromium)
        for page in live:  # printed from the clear page, then both are encrypted
            if page.password_env:
                writer.seal_page(page)
    return BuildResult(out, len(pages), brand_warnings(site))


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

    @classmethod
    def of(cls, doc: Document, today: date) -> Page:
        plan, share = doc.plan, doc.plan.share
        expired = share.expires is not None and share.expires < today
        return cls(doc.slug, doc.source.file, plan.title, plan.seller.name, plan.buyer.name,
                   share.token, tuple(share.previous), expired, share.password_env)  # fmt: skip

    @property
    def pdf_name(self) -> str:
        # a protected plan's files say nothing about it until it is unlocked
        return "plan.pdf" if self.password_env else f"{self.slug}.pdf"

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
GONE_REPLACED = "replaced.html"
GONE_EXPIRED = "expired.html"


PARALLEL_FROM = 64  # plans; below this, starting worker processes costs more than it saves
CHUNK = 25  # plans a worker takes at a time (about 0.1 s of work)


def write_plans(
    writer: SiteWriter, paths: list[Path], problems: list[Problem] | None = None
) -> list[Page]:
    """Load, check and render every plan file; raise MapsiteError with all problems
    (``problems`` found before, in the settings, included).

    Plans are independent, so large sites are split across one process per core.
    """
    problems = list(problems or [])
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
            for chunk_problems, chunk_pages in pool.map(_write_chunk_in_worker, chunks):
                problems += chunk_problems
                pages += chunk_pages
        pages.sort(key=lambda page: page.file)
    problems += token_clashes([((p.token, *p.previous), p.file) for p in pages])
    if problems:
        raise MapsiteError(problems)
    return pages


_worker_writer: SiteWriter | None = None


def _worker_pool(writer: SiteWriter, workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Forked workers inherit the writer with its templates already compiled; where
    processes are spawned (macOS, Windows) each worker makes its own."""
    global _worker_writer
    if "fork" in multiprocessing.get_all_start_methods():
        with template_errors():  # compile once, before forking
            # not the 'default:...' names too: those are the same files again, compiled
            # again, and only a theme's {% extends %} asks for them
            for name in writer.env.list_templates(filter_func=_unprefixed_html):
                writer.env.get_template(name)
        _worker_writer = writer
        return concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")
        )
    site, dest, today, pdf = writer.site, writer.dest, writer.today, writer.pdf
    return concurrent.futures.ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(site, dest, today, pdf)
    )


def _unprefixed_html(name: str) -> bool:
    return name.endswith(".html") and ":" not in name


def _init_worker(site: Site, dest: Path, today: date, pdf: bool) -> None:
    global _worker_writer
    _worker_writer = SiteWriter(site, dest, today, pdf=pdf, copy_files=False)


def _write_chunk_in_worker(paths: list[Path]) -> tuple[list[Problem], list[Page]]:
    assert _worker_writer is not None
    return _write_chunk(_worker_writer, paths)


def _write_chunk(
    writer: SiteWriter, paths: list[Path], stop: bool = False
) -> tuple[list[Problem], list[Page]]:
    """Load and render ``paths``; with ``stop`` (the build already failed), only check."""
    problems: list[Problem] = []
    pages: list[Page] = []
    for path in paths:
        doc, found = load_checked(writer.site, path)
        problems += found
        if doc is None:
            continue
        pages.append(Page.of(doc, writer.today))
        if writer.seal:
            problems += password_problems(doc)
        if problems or stop:
            continue  # the build fails anyway: keep checking, stop rendering
        try:
            writer.write_plan(doc)
        except MapsiteError as exc:  # a template error: the same for every plan
            return problems + exc.problems, pages
    return problems, pages


def password_problems(doc: Document) -> list[Problem]:
    """A protected plan is never published in the clear: its password must be set."""
    name = doc.plan.share.password_env
    if name is None or os.environ.get(name):
        return []
    return [
        doc.source.problem(
            ("share", "password_env"),
            f"the environment variable {name} is not set, so the plan cannot be encrypted",
            f"set {name} to the plan's password, e.g. in Netlify's environment variables, "
            "or remove password_env",
        )
    ]


def write_site(site: Site, dest: Path, today: date, *, pdf: bool = False) -> int:
    """Render a loaded site into the empty folder ``dest``; return the number of plan pages."""
    writer = SiteWriter(site, dest, today, pdf=pdf)
    for doc in site.documents:
        writer.write_plan(doc)
    writer.write_common([Page.of(doc, today) for doc in site.documents])
    return len(site.documents)


def pdf_jobs(pages: list[Page], dest: Path, today: date, out: Path | None = None) -> list[PdfJob]:
    """One PDF per plan page in ``dest``: beside the page, or in ``out`` when given."""
    from .pdf import PdfJob

    return [
        PdfJob(
            html=dest / page.token / "index.html",
            out=out / f"{page.slug}.pdf" if out else dest / page.token / page.pdf_name,
            title=page.title,
            author=page.seller,
            subject=page.buyer,
            as_of=today,
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
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mapsite-pdf-") as tmp:
        write_site(site, Path(tmp), today)
        pages = [p for p in (Page.of(doc, today) for doc in site.documents) if not p.expired]
        jobs = pdf_jobs(pages, Path(tmp), today, out)
        print_pdfs(jobs, site.config.page_size, chromium)
    for page, job in zip(pages, jobs, strict=True):
        if page.password_env:  # the same protection as on the site
            from .seal import encrypt_pdf

            job.out.write_bytes(encrypt_pdf(job.out.read_bytes(), os.environ[page.password_env]))
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
    ) -> None:
        self.site, self.dest, self.today, self.pdf = site, dest, today, pdf
        self.seal = seal
        """Publishing: protected plans need their password (the dev server shows them as is)."""
        self._copies: dict[str, Path] = {}
        """Logo name -> the first copy this writer published, which later plans link to."""
        self.static = copy_static(site.theme, dest / "static" if copy_files else None)
        self.brand = site_brand(site)
        self.static |= write_brand(self.brand, site, dest / "static" if copy_files else None)
        self.base_url = base_url(site.config.base_url)
        """The site's public address, when known: calendars link to it (webcal://)."""
        self.md = markdown_renderer(site.config.markdown_html)
        compiled = CompiledTemplates(site.theme, site.config.markdown_html)
        self.env = make_environment(site.theme, today, self._static_url, self.md, compiled)
        self.common = {
            "site": site.config,
            "theme": site.theme.name,
            "stylesheets": [*site.theme.stylesheets, BRAND_CSS],
            "brand": self.brand,
        }

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
            template = self.env.get_template("plan.html")
            return template.render(self.common, view=view, plan=doc.plan, root="../")

    def write_plan(self, doc: Document) -> Path:
        """The plan's page in its private folder (or the 'expired' page there), its logos
        and calendars beside it, and the 'replaced' page at each of its previous links."""
        page = Page.of(doc, self.today)
        folder = self.dest / page.token
        folder.mkdir(exist_ok=True)
        from . import calendars  # icalendar: only when a page is written

        # the calendars and the page show the same projected dates: worked out once
        projection = schedule.project(doc.plan, doc.dates, doc.calendar, self.today)
        published = calendars.publish(doc, self.today, self.base_url, projection)
        if page.expired:
            html = self.render_gone(GONE_EXPIRED, "../")
        else:
            logos = self._logos(doc, folder, inline=bool(page.password_env))
            accent = doc.plan.buyer.accent
            if accent:  # co-branding: the buyer's colour, from a file (CSP: no inline style)
                (folder / PLAN_CSS).write_text(brand.plan_stylesheet(accent), encoding="utf-8")
            links = published.links() if published else None
            html = self.render_plan(doc, logos, PLAN_CSS if accent else None, links, projection)
        (folder / "index.html").write_text(html, encoding="utf-8")
        write_calendars(folder, published)
        for token in page.previous:
            # for hosts without _redirects (and local viewing); Netlify answers 410
            (self.dest / token).mkdir(exist_ok=True)
            (self.dest / token / "index.html").write_text(
                self.render_gone(GONE_REPLACED, "../"), encoding="utf-8"
            )
        return folder / "index.html"

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

    def seal_page(self, page: Page) -> None:
        """Replace a protected plan's page (and PDF) with encrypted ones."""
        from . import seal

        password = os.environ[page.password_env or ""]
        folder = self.dest / page.token
        clear = (folder / "index.html").read_text(encoding="utf-8")
        sealed = seal.seal(clear, password)
        with template_errors():
            html = self.env.get_template("locked.html").render(
                self.common, sealed=sealed, root="../"
            )
        (folder / "index.html").write_text(html, encoding="utf-8")
        pdf = folder / page.pdf_name
        if pdf.exists():
            pdf.write_bytes(seal.encrypt_pdf(pdf.read_bytes(), password))

    def render_gone(self, name: str, root: str) -> str:
        reason = "replaced" if name == GONE_REPLACED else "expired"
        with template_errors():
            return self.env.get_template("gone.html").render(self.common, reason=reason, root=root)

    def write_common(self, pages: Sequence[Page] = ()) -> None:
        """The neutral root, 404 and gone pages, robots.txt, and _redirects: the links
        that answer 410 Gone (old tokens after a rotation, expired plans)."""
        with template_errors():
            for name in ("index.html", "404.html"):
                html = self.env.get_template(name).render(self.common, root="")
                (self.dest / name).write_text(html, encoding="utf-8")
        for name in (GONE_REPLACED, GONE_EXPIRED):
            (self.dest / name).write_text(self.render_gone(name, ""), encoding="utf-8")
        (self.dest / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
        rules = sorted((token, name) for page in pages for token, name in page.gone.items())
        lines = [f"/{token}/*  /{name}  410!" for token, name in rules]
        (self.dest / "_redirects").write_text(
            "# Links that were replaced or expired: a neutral page with 410 Gone\n"
            + "".join(f"{line}\n" for line in lines),
            encoding="utf-8",
        )


def write_calendars(folder: Path, published: calendars.Calendars | None) -> None:
    """A plan's calendars beside its page, and none left from an earlier render (the
    dev server renders into the same folder when a plan changes or becomes protected)."""
    from .calendars import PEOPLE_DIR, PLAN_FILE

    (folder / PLAN_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder / PEOPLE_DIR, ignore_errors=True)
    for name, data in published.files().items() if published else ():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)


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


def _check_output(root: Path, out: Path) -> None:
    root, real_out = root.resolve(), out.resolve()
    sources = [root / name for name in (PLANS_DIR, ASSETS_DIR, "themes")]
    if root.is_relative_to(real_out) or any(real_out.is_relative_to(s) for s in sources):
        raise MapsiteError(
            [
                Problem(
                    str(out),
                    1,
                    1,
                    "",
                    "the output folder would replace the site itself",
                    "choose another folder with -o",
                )
            ]
        )
    if out.exists() and not out.is_dir():
        raise MapsiteError(
            [Problem(str(out), 1, 1, "", "the output path is a file", "choose a folder with -o")]
        )


@contextmanager
def _atomic_dir(out: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``out``; on success it replaces ``out`` in two renames."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a web server must read it
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
