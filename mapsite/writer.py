"""Writing a site's files: each plan's page (sealed when protected), its logos and
calendars, the neutral common pages, the theme's static files and the brand's
stylesheet; template errors as located problems."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2.sandbox import SecurityError

from . import brand, i18n, incremental, output, routes, sandbox, schedule, themes
from .errors import MapsiteError, Problem
from .load import Document, display_path
from .page import GONE_EXPIRED, GONE_REPLACED, Page
from .render import CompiledTemplates, make_environment, markdown_renderer
from .share import base_url
from .site import (
    Site,
    asset_bytes,
    asset_problem,
    site_brand,
)
from .view import build_view
from .whatsnew import page_news

if TYPE_CHECKING:
    from . import calendars


IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def _entry(
    site: Site, site_part: str, path: Path, page: Page, out: Path, data: bytes
) -> incremental.Entry:
    """The record of a plan just rendered into ``out`` from ``data``, the file's bytes
    as read: should the file have changed since, the next build finds it changed."""
    assets = incremental.asset_hashes(site, page.logos)
    key = incremental.plan_key(site_part, site, path, data, assets)
    files = incremental.files_of(out, [page.token, *page.previous])
    return incremental.Entry(key, page.to_json(), files, assets)


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

    def remember(self, doc: Document, page: Page) -> None:
        """Record what the plan ``doc`` was made from, beside the page written (in the
        worker that wrote it: a thousand plans' files are walked in parallel)."""
        if self.record is not None:
            path = doc.path
            data = doc.data or path.read_bytes()  # b"": a plan made from text in memory
            entry = _entry(self.site, self.record, path, page, self.dest, data)
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
        page: Page | None = None,
    ) -> str:
        with i18n.speaking(self.site.language(doc)) as language:
            page = page or Page.of(doc, self.today)
            return self._render_plan(doc, page, language, logos, plan_css, calendar, projection)

    def _render_plan(
        self,
        doc: Document,
        page: Page,
        language: i18n.Language,
        logos: dict[str, str] | None,
        plan_css: str | None,
        calendar: calendars.CalendarLinks | None,
        projection: schedule.Projection | None,
    ) -> str:
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

    def write_plan(self, doc: Document, page: Page | None = None) -> Path:
        """The plan's page in its private folder (or the 'expired' page there), its logos
        and calendars beside it, and the 'replaced' page at each of its previous links
        (``page``: ``Page.of(doc)``, when the caller has it)."""
        with i18n.speaking(self.site.language(doc)):  # its calendars and gone pages too
            return self._write_plan(doc, page or Page.of(doc, self.today))

    def _write_plan(self, doc: Document, page: Page) -> Path:
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
            html = self.render_plan(doc, logos, plan_css, links, projection, page)
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
