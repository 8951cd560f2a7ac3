"""What the visual tests cover (themes, pages, screen sizes) and the baseline images.

Imported by the tests as ``visual_support`` (a name of its own: ``support`` and
``conftest`` are taken by tests/).
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import oxipng
import pixeldiff
import yaml
from PIL import Image
from playwright.sync_api import Browser, Page
from support import PDF_NAMES, commit_example_history

from mapsite.build import build
from mapsite.load import load_plan
from mapsite.themes import BUILTIN_THEMES, THEME_FILE

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines"
VERSIONS = BASELINES / "chromium.json"
OUTPUT = HERE / "__output__"  # actual and diff images of failures (git-ignored)
UPDATE_ENV = "MAPSITE_UPDATE_BASELINES"
UPDATE_COMMAND = ".venv/bin/python -m pytest tests/visual --update-baselines"

TODAY = date(2026, 11, 26)  # the build's "today", and the browser's clock
CLOCK = "2026-11-26T12:00:00Z"
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int
    scale: float
    mobile: bool
    full_page: bool
    """Plan pages: the whole page, not just the first screen (phone only, to keep
    the baselines small; the layout checks see the whole page at every size)."""

    def context(self) -> dict[str, Any]:
        return {
            "viewport": {"width": self.width, "height": self.height},
            "device_scale_factor": self.scale,
            "is_mobile": self.mobile,
            "has_touch": self.mobile,
        }

    def __str__(self) -> str:
        return self.name


SIZES = {
    size.name: size
    for size in (
        Size("phone", 390, 844, 3, mobile=True, full_page=True),
        Size("small-phone", 320, 568, 2, mobile=True, full_page=False),
        Size("tablet", 768, 1024, 2, mobile=True, full_page=False),
        Size("desktop", 1280, 800, 1, mobile=False, full_page=False),
    )
}
PHONES = ("phone", "small-phone")  # tap targets are checked here


def themes() -> list[str]:
    """Every bundled theme: the built-in ones (a folder with a theme.yml), then the
    example site's own (themes/NAME/)."""
    names = sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / THEME_FILE).is_file())
    site = REPO / "themes"
    if site.is_dir():
        names += sorted(
            p.name
            for p in site.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in names
        )
    return names


def plans() -> list[str]:
    return sorted(p.stem for p in (REPO / "plans").glob("*.md"))


# A plan with a password, so that the password form is checked too. Its content
# never shows: the locked page says nothing about the plan.
LOCKED_PLAN = "visual-locked"
LOCKED_TOKEN = "VisualTestsLockedPlan0"
PASSWORD_ENV = "MAPSITE_VISUAL_TEST_PASSWORD"
LOCKED_TEXT = f"""\
---
title: A protected plan
buyer:
  name: Northwind Financial
seller:
  name: Contoso
share:
  token: {LOCKED_TOKEN}
  password_env: {PASSWORD_ENV}
milestones:
  - name: Contract signed
    due: 2026-12-15
    steps:
      - task: Sign the order form
        owner: Priya Raman
        due: 2026-12-10
---
"""

# Pages besides the plans: file in the built site
OTHER_PAGES = {
    "index": "index.html",
    "404": "404.html",
    "replaced": "replaced.html",
    "expired": "expired.html",
    "locked": f"{LOCKED_TOKEN}/index.html",
}


def pages() -> list[str]:
    return plans() + list(OTHER_PAGES)


class Sites:
    """The example site built once per theme (HTML and PDFs), on first use, each served
    over HTTP at its own address's root, as a host publishes it (the 404 and 'gone'
    pages link their styles from the root: a file:// address would lose them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, str | None], Path] = {}
        self.servers: dict[tuple[str, str | None], ThreadingHTTPServer] = {}

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def public(self, theme: str, language: str | None = None) -> Path:
        """The example site in ``theme``; in ``language`` (with that language's own plan,
        LANGUAGES) when given."""
        key = (theme, language)
        if key not in self.built:
            if language is None:
                self.built[key] = build_example(self.root / theme, theme)
            else:
                plans = [LANGUAGE_PLANS / f"{language}.md"]
                folder = self.root / f"{theme}-{language}"
                self.built[key] = build_example(folder, theme, language, plans)
        return self.built[key]

    def file(self, theme: str, page: str, language: str | None = None) -> Path:
        public = self.public(theme, language)
        if page in OTHER_PAGES:
            return public / OTHER_PAGES[page]
        return public / load_plan(plan_file(page)).plan.share.token / "index.html"

    def url(self, theme: str, page: str, language: str | None = None) -> str:
        key = (theme, language)
        public = self.public(theme, language)
        if key not in self.servers:
            self.servers[key] = serve(public)
        port = self.servers[key].server_address[1]
        path = self.file(theme, page, language).relative_to(public).as_posix()
        return f"http://127.0.0.1:{port}/{path}"

    def pdf(self, theme: str, plan: str, language: str | None = None) -> Path:
        folder = self.file(theme, plan, language).parent
        if language is None:
            return folder / PDF_NAMES[plan]
        (pdf,) = folder.glob("*.pdf")  # named from the plan's buyer and title
        return pdf


LANGUAGE_PLANS = HERE / "languages"
LANGUAGES = {"de": "german", "ja": "japanese", "ar": "arabic"}
"""Languages with baselines (the site's language -> its own plan, languages/CODE.md):
German's long words, Japanese without spaces, Arabic right to left."""
LANGUAGE_SIZES = ("phone", "small-phone", "desktop")


def plan_file(page: str) -> Path:
    """The plan file of a page: one of the example's, or a language's own plan."""
    for code, name in LANGUAGES.items():
        if page == name:
            return LANGUAGE_PLANS / f"{code}.md"
    return REPO / "plans" / f"{page}.md"


def serve(public: Path) -> ThreadingHTTPServer:
    """A server of the built site ``public`` at its root, on a free port, in a thread."""
    handler = functools.partial(QuietHandler, directory=str(public))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_example(
    site: Path,
    theme: str,
    language: str | None = None,
    plans: Sequence[Path] = (),
    pdf: bool = True,
) -> Path:
    """The repo's example site (plans, assets, themes, settings) with ``theme``, in a git
    repository of its own with a short history (``support.commit_example_history``);
    in ``language`` when given, with ``plans`` besides its own."""
    site.mkdir(parents=True)
    for folder in ("plans", "assets", "themes"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, site / folder)
    commit_example_history(site)
    (site / "plans" / f"{LOCKED_PLAN}.md").write_text(LOCKED_TEXT, encoding="utf-8")
    for plan in plans:
        shutil.copy(plan, site / "plans" / plan.name)
    config = yaml.safe_load((REPO / "mapsite.yml").read_text(encoding="utf-8")) or {}
    config["theme"] = theme
    if language is not None:
        config["language"] = language
    (site / "mapsite.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    before = os.environ.get(PASSWORD_ENV)
    os.environ[PASSWORD_ENV] = "visual-tests"
    try:
        build(site, site / "public", today=TODAY, pdf=pdf)
    finally:
        if before is None:
            del os.environ[PASSWORD_ENV]
        else:
            os.environ[PASSWORD_ENV] = before
    return site / "public"


# Added to the page under test only (the browser context bypasses the pages' CSP
# for it): no animations, transitions or blinking caret.
FREEZE_CSS = """
*, *::before, *::after {
  animation: none !important; transition: none !important;
  caret-color: transparent !important; scroll-behavior: auto !important;
}
"""


class Screens:
    """One browser context and page per (size, colour scheme), reused for every page."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.pages: dict[tuple[str, str], Page] = {}

    def open(self, url: str, size: Size, scheme: str = "light") -> Page:
        key = (size.name, scheme)
        if key not in self.pages:
            context = self.browser.new_context(
                **size.context(),
                color_scheme=scheme,  # type: ignore[arg-type]
                reduced_motion="reduce",
                locale="en-US",
                timezone_id="UTC",
                bypass_csp=True,
            )
            context.clock.set_fixed_time(CLOCK)
            self.pages[key] = context.new_page()
        page = self.pages[key]
        page.goto(url, wait_until="load")
        page.evaluate(
            """async css => {
                const style = document.createElement("style");
                style.textContent = css;
                document.head.append(style);
                document.activeElement?.blur();
                await document.fonts.ready;
                await Promise.all([...document.images].map(img => img.decode().catch(() => {})));
                await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
            }""",
            FREEZE_CSS,
        )
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()
        self.pages.clear()


# JS: the smallest element holding each box (page coordinates), described for people
WHAT_IS_THERE = """boxes => {
    const name = el => {
        let name = el.tagName.toLowerCase();
        if (el.id) name += "#" + el.id;
        if (el.classList.length) name += "." + [...el.classList].slice(0, 2).join(".");
        return name;
    };
    const text = el => {
        const t = (el.innerText || "").trim().replace(/\\s+/g, " ");
        return t.length > 50 ? t.slice(0, 49) + "…" : t;
    };
    return boxes.map(([x0, y0, x1, y1]) => {
        let best = document.body, area = Infinity;
        for (const el of document.body.querySelectorAll("*")) {
            if (el.ownerSVGElement) continue;  // the drawing's parts: name the drawing
            const r = el.getBoundingClientRect();
            const left = r.left + scrollX, top = r.top + scrollY;
            if (r.width * r.height < area && left <= x0 + 2 && top <= y0 + 2
                && left + r.width >= x1 - 2 && top + r.height >= y1 - 2) {
                best = el; area = r.width * r.height;
            }
        }
        let context = best;  // an element with text around it, for an icon or a rule
        while (context.parentElement && !text(context)) context = context.parentElement;
        const where = context === best ? "" : ` in ${name(context)}`;
        return `${name(best)}${where} "${text(context)}"`;
    });
}"""


def what_is_there(page: Page, regions: list[pixeldiff.Region]) -> list[str]:
    return page.evaluate(WHAT_IS_THERE, [list(region.box) for region in regions])


class Baselines:
    """The baseline images, and the Chromium version each was made with."""

    def __init__(self, update: bool) -> None:
        self.update = update
        self.versions: dict[str, str] = (
            json.loads(VERSIONS.read_text(encoding="utf-8")) if VERSIONS.is_file() else {}
        )

    def check(
        self,
        name: str,
        png: bytes,
        chromium: str,
        *,
        locate: Any = None,
        unit: str = "CSS px",
    ) -> str | None:
        """Compare the image ``png`` with baselines/NAME.png (or, when updating, write it).

        Returns None when they match, else a message for people (and writes the actual
        and diff images); ``locate(regions)`` names what is at each changed region.
        """
        path = BASELINES / f"{name}.png"
        actual = Image.open(io.BytesIO(png))
        for stale in OUTPUT.glob(f"{name}.*.png"):
            stale.unlink()
        if self.update:
            if not path.is_file() or pixeldiff.compare(Image.open(path), actual).mask is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(oxipng.optimize_from_memory(png, level=2))  # about 30% smaller
            self.record(name, chromium)
            return None
        out = OUTPUT / name
        if path.is_file() and path.read_bytes() == png:
            return None  # the same PNG bytes: the same pixels
        if not path.is_file():
            written = self.save(out, "actual", png)
            return (
                f"no baseline image for {name}: {rel(path)} does not exist.\n"
                f"  this run's image: {rel(written)}\n"
                f"  if it looks right, make it the baseline: {UPDATE_COMMAND}"
            )
        baseline = Image.open(path)
        result = pixeldiff.compare(baseline, actual)
        if result.matches:
            return None
        actual_file = self.save(out, "actual", png)
        diff_file = self.save(out, "diff", result.diff_image(baseline, actual))
        lines = [f"{name} differs from its baseline: {result.summary()}."]
        shown = sorted(result.regions[: pixeldiff.SHOWN_REGIONS], key=lambda r: (r.y0, r.x0))
        names = locate(shown) if locate else [""] * len(shown)
        for region, there in zip(shown, names, strict=True):
            lines.append(f"  changed at {region} [{unit}]" + (f": {there}" if there else ""))
        if len(result.regions) > len(shown):
            lines.append(f"  ... and {len(result.regions) - len(shown)} smaller changed regions")
        lines += [
            f"  baseline: {rel(path)}",
            f"  actual:   {rel(actual_file)}",
            f"  diff:     {rel(diff_file)} (changed pixels in red, boxed in magenta)",
            "  " + self.version_note(name, chromium),
            f"  if the change is intended, update the baselines: {UPDATE_COMMAND}",
        ]
        return "\n".join(lines)

    def version_note(self, name: str, chromium: str) -> str:
        made_with = self.versions.get(f"{name}.png")
        if made_with is None:
            return f"the baseline's Chromium version is not recorded (this run: {chromium})"
        if made_with != chromium:
            return (
                f"NOTE: the baseline was made with Chromium {made_with}, this run uses "
                f"Chromium {chromium}: the browser upgrade may be the cause"
            )
        return f"same Chromium as the baseline ({chromium}): the page itself changed"

    def record(self, name: str, chromium: str) -> None:
        self.versions[f"{name}.png"] = chromium
        self.write_versions()

    def forget(self, files: list[str]) -> None:
        for file in files:
            self.versions.pop(file, None)
        self.write_versions()

    def write_versions(self) -> None:
        BASELINES.mkdir(parents=True, exist_ok=True)
        VERSIONS.write_text(
            json.dumps(dict(sorted(self.versions.items())), indent=1) + "\n", encoding="utf-8"
        )

    @staticmethod
    def save(base: Path, kind: str, image: bytes | Image.Image) -> Path:
        path = base.with_name(f"{base.name}.{kind}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(image, bytes):
            path.write_bytes(image)
        else:
            image.save(path, optimize=False)
        return path


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def expected_baselines() -> set[str]:
    """Every baseline the suite compares with, as paths relative to baselines/."""
    names = {f"{c.name}.png" for c in [*screenshot_cases(), *language_cases()]}
    names |= {f"{theme}/{plan}.pdf-page1.png" for theme in themes() for plan in plans()}
    names |= {f"default/{code}/{plan}.pdf-page1.png" for code, plan in LANGUAGES.items()}
    return names


@dataclass(frozen=True)
class Case:
    theme: str
    page: str
    size: Size
    scheme: str
    language: str | None = None
    """The site's language (None: the example's own, English)."""

    @property
    def name(self) -> str:
        where = f"{self.theme}/{self.language}" if self.language else self.theme
        return f"{where}/{self.page}.{self.size}.{self.scheme}"

    def __str__(self) -> str:
        where = f"{self.theme}-{self.language}" if self.language else self.theme
        return f"{where}-{self.page}-{self.size}-{self.scheme}"


def language_cases() -> list[Case]:
    """Each language's own plan in the default theme, on phones and a desk, light and
    dark (the theme's other pages in each language: test_visual_languages.py)."""
    return [
        Case("default", plan, SIZES[size], scheme, language)
        for language, plan in LANGUAGES.items()
        for size in LANGUAGE_SIZES
        for scheme in SCHEMES
    ]


def screenshot_cases() -> list[Case]:
    """Plan pages at every size in both schemes; the other pages on a phone."""
    cases = []
    for theme in themes():
        for page in pages():
            for size in SIZES.values():
                if page in OTHER_PAGES and size.name != "phone":
                    continue
                cases += [Case(theme, page, size, scheme) for scheme in SCHEMES]
    return cases


@dataclass(frozen=True)
class Known:
    """A layout or accessibility problem the lead knows of, waiting for a fix in the
    pages: it turns its test into an expected failure (xfail) while it is the only
    problem there. None matches anything; ``where`` is part of the element's
    description (layout) or CSS selector (axe)."""

    check: str
    """The layout check ("tap target too small") or the axe rule id ("color-contrast")."""
    where: str
    reason: str
    theme: str | None = None
    page: str | None = None
    variant: str | None = None
    """The size (layout) or colour scheme (axe)."""

    def covers(self, theme: str, page: str, variant: str, check: str, where: str) -> bool:
        return (
            self.check == check
            and self.where in where
            and self.theme in (None, theme)
            and self.page in (None, page)
            and self.variant in (None, variant)
        )


def triage(
    known: list[Known], theme: str, page: str, variant: str, problems: list[tuple[str, str, str]]
) -> tuple[list[str], list[Known]]:
    """Split ``problems`` (check, where, detail) into lines describing the new ones,
    and the known entries that cover the rest."""
    new, seen = [], []
    for check, where, detail in problems:
        cover = next((k for k in known if k.covers(theme, page, variant, check, where)), None)
        if cover is None:
            new.append(f"  {check}: {where}: {detail}")
        elif cover not in seen:
            seen.append(cover)
    return new, seen
