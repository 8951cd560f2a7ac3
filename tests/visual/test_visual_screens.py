"""Every page in every bundled theme looks as its baseline image: at phone, small
phone, tablet and desktop size, light and dark, and the first page of each PDF."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import Browser
from visual_support import (
    BASELINES,
    LANGUAGES,
    OTHER_PAGES,
    Baselines,
    Case,
    Screens,
    Sites,
    expected_baselines,
    language_cases,
    plans,
    rel,
    screenshot_cases,
    themes,
    what_is_there,
)

pytestmark = pytest.mark.visual

PDF_SCALE = 1.5  # 108 dpi: a Letter page is 918x1188 px


@pytest.mark.parametrize("case", [*screenshot_cases(), *language_cases()], ids=str)
def test_page_looks_like_its_baseline(
    case: Case, sites: Sites, screens: Screens, baselines: Baselines, browser: Browser
):
    page = screens.open(sites.url(case.theme, case.page, case.language), case.size, case.scheme)
    full = case.size.full_page and case.page not in OTHER_PAGES
    # rendered at the device's scale, stored at one pixel per CSS px (small baselines)
    png = page.screenshot(full_page=full, scale="css", animations="disabled", caret="hide")
    failure = baselines.check(case.name, png, browser.version, locate=partial(what_is_there, page))
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize("plan", plans())
@pytest.mark.parametrize("theme", themes())
def test_pdf_first_page_looks_like_its_baseline(
    theme: str, plan: str, sites: Sites, baselines: Baselines, browser: Browser
):
    check_pdf_page(sites.pdf(theme, plan), f"{theme}/{plan}", baselines, browser)


@pytest.mark.parametrize(("language", "plan"), LANGUAGES.items())
def test_translated_pdf_first_page_looks_like_its_baseline(
    language: str, plan: str, sites: Sites, baselines: Baselines, browser: Browser
):
    pdf = sites.pdf("default", plan, language)
    check_pdf_page(pdf, f"default/{language}/{plan}", baselines, browser)


def check_pdf_page(path: Path, name: str, baselines: Baselines, browser: Browser) -> None:
    """The first page of the PDF at ``path`` looks as the baseline ``name``."""
    document = pypdfium2.PdfDocument(path)
    try:
        first = document[0]
        image = first.render(scale=PDF_SCALE).to_pil()
        first.close()
    finally:
        document.close()
    data = io.BytesIO()
    image.save(data, "PNG", compress_level=9)
    # the PDF was printed by mapsite with the same Chromium as this browser
    failure = baselines.check(
        f"{name}.pdf-page1", data.getvalue(), browser.version, unit=f"px at {PDF_SCALE}x"
    )
    if failure:
        pytest.fail(failure, pytrace=False)


def test_no_stale_baselines(baselines: Baselines):
    """Baselines of pages, sizes or themes that are no longer tested are removed
    by --update-baselines, and fail the normal run."""
    wanted = expected_baselines()
    found = {p.relative_to(BASELINES).as_posix() for p in BASELINES.rglob("*.png")}
    stale = sorted(found - wanted)
    if baselines.update:
        for name in stale:
            (BASELINES / name).unlink()
        baselines.forget([name for name in baselines.versions if name not in wanted])
        return
    if stale:
        pytest.fail(
            f"baselines that no test compares with (in {rel(BASELINES)}): {stale}; "
            "remove them, or run with --update-baselines",
            pytrace=False,
        )
