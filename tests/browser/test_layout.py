"""The plan page in a real Chromium: readable on a 320 px phone, status and next step first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from support import PDF_NAMES, copy_example, page_of

PLANS = ["northwind", "tailspin", "fabrikam-renewal"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def open_plan(browser: Browser, public: Path, slug: str, **context: object) -> Page:
    """The page as read on the day it was built (conftest.READ_AT: read later, the
    page says that its dates were checked against the reader's today, a line longer)."""
    page = browser.new_page(**context)  # type: ignore[arg-type]
    page.goto(page_of(public, slug).as_uri())
    return page


@pytest.mark.parametrize("slug", PLANS)
@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_no_horizontal_scrolling(browser: Browser, example_public: Path, slug: str, width: int):
    page = open_plan(
        browser,
        example_public,
        slug,
        viewport={"width": width, "height": 800},
        is_mobile=width < 500,
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
            .map(e => e.className || e.tagName)"""
    )
    page.close()
    assert scroll_width == width, f"wider than the screen: {wide[:5]}"


@pytest.mark.parametrize("slug", PLANS)
def test_status_and_next_step_fit_the_first_phone_screen(
    browser: Browser, example_public: Path, slug: str
):
    page = open_plan(browser, example_public, slug, **PHONE)
    first_next = page.locator(".next").first
    for element in (
        page.get_by_role("heading", level=1),
        page.locator(".hero").get_by_text("Go-live", exact=True),  # the timeline has one too
        page.get_by_text("steps done"),
        page.get_by_role("heading", name="Next up"),
        first_next.locator(".next__task"),
        first_next.locator(".owner").first,
    ):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, element
    page.close()


def test_contact_buttons_are_big_enough_to_tap(browser: Browser, example_public: Path):
    page = open_plan(browser, example_public, "northwind", **PHONE)
    buttons = page.locator(".person__actions a")
    assert buttons.count() > 10
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44
    page.close()


def test_calendar_links_are_big_enough_to_tap_and_stay_off_paper(
    browser: Browser, example_public: Path
):
    page = open_plan(browser, example_public, "northwind", **PHONE)
    links = page.locator("a.calendar-link")
    assert links.count() > 10  # the summary's two, and two for each person with steps
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44
    page.emulate_media(media="print")
    assert page.locator(".calendar-cta").is_hidden()
    assert all(links.nth(i).is_hidden() for i in range(links.count()))
    page.close()


def test_logos_have_alt_text_and_load(browser: Browser, example_public: Path):
    page = open_plan(browser, example_public, "northwind", **PHONE)
    images = page.locator("img")
    assert images.count() == 2
    for i in range(images.count()):
        assert images.nth(i).get_attribute("alt") in ("Northwind Financial", "Contoso")
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    page.close()


def test_dark_mode_follows_the_system_setting(browser: Browser, example_public: Path):
    colours = {}
    for scheme in ("light", "dark"):
        page = open_plan(browser, example_public, "tailspin", color_scheme=scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.close()
    # the example site's theme (contoso) over default: its own light background, and
    # default's dark palette is replaced by its indigo one
    assert colours["light"] == "rgb(245, 245, 251)"
    assert colours["dark"] != colours["light"]
    dark = [int(c) for c in re.findall(r"\d+", colours["dark"])]
    assert max(dark) < 60, colours


def test_overdue_marks_follow_the_readers_date(browser: Browser, example_public: Path):
    """Built on 23 Nov; read on 20 Dec: steps due in between are now marked overdue."""
    page = browser.new_page()
    page.clock.set_fixed_time("2026-12-20T10:00:00")
    page.goto(page_of(example_public, "tailspin").as_uri())
    overdue = page.locator(".step--overdue .status--overdue")
    assert overdue.count() > 0
    assert overdue.first.is_visible()
    assert "overdue" in overdue.first.inner_text()
    # in the page's own way of writing a date
    assert page.locator(".asof").inner_text().endswith(" · dates checked against today, Sun 20 Dec")
    page.close()


def test_without_scripts_the_page_shows_the_state_as_of_the_build(
    browser: Browser, example_public: Path
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.clock.set_fixed_time("2026-12-20T10:00:00")
    page.goto(page_of(example_public, "tailspin").as_uri())
    assert page.locator(".step--overdue").count() == 0
    assert page.locator(".asof").inner_text().startswith("Status as of Thu 26 Nov")
    assert page.get_by_text("Next up").is_visible()
    context.close()


@pytest.fixture(scope="module")
def pages_with_pdf_links(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site rendered as a build with PDFs renders it (the PDFs themselves
    are not printed: only the pages' links to them matter here)."""
    from datetime import date

    from mapsite.build import write_site
    from mapsite.site import load_site

    site = tmp_path_factory.mktemp("with-pdf")
    copy_example(site)
    (site / "public").mkdir()
    write_site(load_site(site), site / "public", date(2026, 11, 23), pdf=True)
    return site / "public"


@pytest.mark.parametrize("slug", PLANS)
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_masthead_logos_and_download_button_do_not_overlap(
    browser: Browser, pages_with_pdf_links: Path, width: int, slug: str
):
    """The PDF link sits in the masthead; on a 320 px phone it shrinks to its icon."""
    page = open_plan(
        browser,
        pages_with_pdf_links,
        slug,
        viewport={"width": width, "height": 800},
        is_mobile=width < 500,
    )
    brands = page.locator(".brands").bounding_box()
    button = page.locator(".download").bounding_box()
    assert brands and button
    assert brands["x"] + brands["width"] <= button["x"], (brands, button)
    assert button["width"] >= 44 and button["height"] >= 44
    assert page.get_by_role("link", name="PDF").get_attribute("href") == PDF_NAMES[slug]
    page.close()
