"""The pipeline: load -> validate -> render -> write, with atomic output.

The new site is written into a temporary folder beside the output and swapped in
only when everything succeeded, so a failed or interrupted build leaves the
previous site untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from . import history, themes
from .config import CONFIG_FILE, SiteConfig, load_config
from .errors import MapsiteError, Problem
from .load import Document, Invalid, Source, display_path, find_plans, load_plan
from .pdf import PdfJob, print_pdfs
from .render import build_view, make_environment, markdown_renderer

PLANS_DIR = "plans"
ASSETS_DIR = "assets"


@dataclass(frozen=True)
class Site:
    """A loaded, valid site: ready to render."""

    root: Path
    config: SiteConfig
    theme: themes.Theme
    documents: list[Document]
    config_source: Source | None
    commits: dict[Path, date]
    """Last commit date of each plan file (empty outside git)."""

    def last_update(self, doc: Document) -> date | None:
        return history.last_update(doc.plan.updated, self.commits.get(doc.path.resolve()))


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int


def load_site(root: Path, *, with_history: bool = True, only: list[Path] | None = None) -> Site:
    """Load settings, theme and every plan (or ``only`` these plan files).

    Raises one ``MapsiteError`` with every problem found.
    """
    problems: list[Problem] = []
    try:
        config, config_source = load_config(root)
    except Invalid as exc:
        problems += exc.problems
        config, config_source = SiteConfig(), None

    theme = None
    try:
        theme = themes.resolve(root, config.theme)
    except themes.ThemeNotFound as exc:
        where = config_source.problem(("theme",), str(exc), exc.hint) if config_source else None
        problems.append(where or Problem(CONFIG_FILE, 1, 1, "theme", str(exc), exc.hint))

    plans_dir = root / PLANS_DIR
    paths = only if only is not None else find_plans(plans_dir) if plans_dir.is_dir() else []
    if not paths:
        problems.append(
            Problem(
                display_path(plans_dir),
                1,
                1,
                "",
                "no plans found",
                "add a Markdown plan there, e.g. with 'mapsite new NAME'",
            )
        )
    documents: list[Document] = []
    by_slug: dict[str, Document] = {}
    for path in paths:
        try:
            doc = load_plan(path, config.holidays)
        except Invalid as exc:
            problems += exc.problems
            continue
        problems += check_assets(doc, root)
        if doc.slug in by_slug:
            problems.append(
                Problem(
                    doc.source.file,
                    1,
                    1,
                    "",
                    f"page name '{doc.slug}' is already used by {by_slug[doc.slug].source.file}",
                    "rename one of the files",
                )
            )
        by_slug[doc.slug] = doc
        documents.append(doc)
    if problems:
        raise MapsiteError(problems)
    assert theme is not None
    commits = history.last_commit_dates(plans_dir) if with_history else {}
    return Site(root, config, theme, documents, config_source, commits)


def check_assets(doc: Document, root: Path) -> list[Problem]:
    problems = []
    for side in ("buyer", "seller"):
        logo = getattr(doc.plan, side).logo
        if logo is None:
            continue
        path = (root / ASSETS_DIR / logo).resolve()
        inside = path.is_relative_to((root / ASSETS_DIR).resolve())
        if not inside or not path.is_file():
            problems.append(
                doc.source.problem(
                    (side, "logo"),
                    f"logo '{logo}' not found in {ASSETS_DIR}/",
                    f"put the file at {ASSETS_DIR}/{logo} or fix the path",
                )
            )
    return problems


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
    site = load_site(root)
    out = Path(os.path.abspath(out or root / "public"))  # abspath also folds '..'
    _check_output(root, out)
    with _atomic_dir(out) as tmp:
        pages = write_site(site, tmp, today, pdf=pdf)
        if pdf:
            print_pdfs(pdf_jobs(site, tmp, today), site.config.page_size, chromium)
    return BuildResult(out, pages)


def write_site(site: Site, dest: Path, today: date, *, pdf: bool = False) -> int:
    """Render the whole site into the empty folder ``dest``; return the number of plan pages."""
    writer = SiteWriter(site, dest, today, pdf=pdf)
    for doc in site.documents:
        writer.write_plan(doc)
    writer.write_common()
    return len(site.documents)


def pdf_name(doc: Document) -> str:
    return f"{doc.slug}.pdf"


def pdf_jobs(site: Site, dest: Path, today: date, out: Path | None = None) -> list[PdfJob]:
    """One PDF per plan page in ``dest``: beside the page, or in ``out`` when given."""
    return [
        PdfJob(
            html=dest / doc.slug / "index.html",
            out=(out or dest / doc.slug) / pdf_name(doc),
            title=doc.plan.title,
            author=doc.plan.seller.name,
            subject=doc.plan.buyer.name,
            as_of=today,
        )
        for doc in site.documents
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
    site = load_site(roots.pop(), only=[p.absolute() for p in paths])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mapsite-pdf-") as tmp:
        write_site(site, Path(tmp), today)
        jobs = pdf_jobs(site, Path(tmp), today, out)
        print_pdfs(jobs, site.config.page_size, chromium)
    return [job.out for job in jobs]


def site_root(plan: Path) -> Path:
    """The site a plan file belongs to: the folder holding its plans/ folder."""
    for parent in plan.absolute().parents:
        if parent.name == PLANS_DIR:
            return parent.parent
    return plan.absolute().parent


class SiteWriter:
    """Renders a loaded site into ``dest``: static files first, then any page on demand.

    The build writes every page once; the dev server keeps one writer and re-renders
    only the plan that changed.
    """

    def __init__(self, site: Site, dest: Path, today: date, *, pdf: bool = False) -> None:
        self.site, self.dest, self.today, self.pdf = site, dest, today, pdf
        self.static = copy_static(site.theme, dest / "static")
        if (site.root / ASSETS_DIR).is_dir():
            shutil.copytree(site.root / ASSETS_DIR, dest / ASSETS_DIR, dirs_exist_ok=True)
        self.md = markdown_renderer()
        self.env = make_environment(site.theme, today, self._static_url, self.md)
        self.common = {"site": site.config, "theme": site.theme.name}

    @jinja2.pass_context
    def _static_url(self, context: jinja2.runtime.Context, name: str) -> str:
        if name not in self.static:
            raise jinja2.TemplateRuntimeError(f"static file '{name}' not found in the theme")
        return f"{context['root']}static/{name}?v={self.static[name]}"

    def render_plan(self, doc: Document) -> str:
        view = build_view(
            doc,
            self.today,
            self.site.config,
            self.md,
            self.site.last_update(doc),
            pdf_name(doc) if self.pdf else None,
        )
        with template_errors():
            template = self.env.get_template("plan.html")
            return template.render(self.common, view=view, plan=doc.plan, root="../")

    def write_plan(self, doc: Document) -> Path:
        page = self.dest / doc.slug / "index.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(self.render_plan(doc), encoding="utf-8")
        return page

    def write_common(self) -> None:
        """The neutral root page, the 404 page and robots.txt."""
        with template_errors():
            for name in ("index.html", "404.html"):
                html = self.env.get_template(name).render(self.common, root="")
                (self.dest / name).write_text(html, encoding="utf-8")
        (self.dest / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")


def copy_static(theme: themes.Theme, dest: Path) -> dict[str, str]:
    """Copy the theme's static files (child themes win); return name -> short content hash."""
    hashes: dict[str, str] = {}
    for folder in theme.static_dirs:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in hashes:
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                data = path.read_bytes()
                target.write_bytes(data)
                hashes[name] = hashlib.sha256(data).hexdigest()[:10]
    return hashes


@contextmanager
def template_errors() -> Iterator[None]:
    """Report template mistakes as ``file:line: message`` instead of a traceback."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or exc.name or "template"
        raise MapsiteError(
            [Problem(file, exc.lineno, 1, "", exc.message or "syntax error")]
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise MapsiteError(
            [Problem(exc.name or "template", 1, 1, "", "template not found", "check the theme")]
        ) from None
    except jinja2.TemplateError as exc:
        file, line = "template", 1
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
                file, line = frame.filename, frame.lineno or 1
        raise MapsiteError([Problem(file, line, 1, "", exc.message or str(exc))]) from None


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
