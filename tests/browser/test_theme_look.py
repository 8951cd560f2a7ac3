"""Themes in Chromium: brand tokens reach the computed styles, co-branding shows both
logos in the buyer's colour, and dark mode applies when the reader's phone asks for it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page

from mapsite.cli import main
from mapsite.load import load_plan

REPO = Path(__file__).resolve().parents[2]
PRIMARY = "#0b5cab"
BUYER = "#9d174d"


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with brand tokens and a buyer colour on tailspin."""
    site = tmp_path_factory.mktemp("branded")
    for folder in ("plans", "assets"):
        shutil.copytree(REPO / folder, site / folder)
    (site / "mapsite.yml").write_text(f'brand:\n  primary: "{PRIMARY}"\n  radius: 4px\n')
    plan = site / "plans" / "tailspin.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("buyer:\n", f'buyer:\n  accent: "{BUYER}"\n', 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(site), "--no-pdf", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    return site


def page_url(site: Path, plan: str) -> str:
    token = load_plan(site / "plans" / f"{plan}.md").plan.share.token
    return (site / "public" / token / "index.html").as_uri()


@pytest.fixture
def light(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    yield context.new_page()
    context.close()


@pytest.fixture
def dark(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    yield context.new_page()
    context.close()


def style(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"el => getComputedStyle(el)[{prop!r}]")


def test_brand_tokens_reach_the_page(branded: Path, light: Page) -> None:
    light.goto(page_url(branded, "northwind"))
    accent = light.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
    )
    assert accent.strip() == PRIMARY
    assert style(light, ".card", "borderTopLeftRadius") == "4px"


def test_co_branding_shows_both_logos_in_the_buyers_colour(branded: Path, light: Page) -> None:
    light.goto(page_url(branded, "tailspin"))
    logos = light.locator("img.brands__logo")
    assert logos.count() == 2
    for i in range(2):
        assert logos.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert style(light, ".avatar--buyer", "color") == rgb(BUYER)
    light.goto(page_url(branded, "northwind"))  # another plan keeps the default buyer colour
    assert style(light, ".avatar--buyer", "color") == rgb("#0f766e")


def test_dark_mode_follows_the_readers_setting(branded: Path, light: Page, dark: Page) -> None:
    light.goto(page_url(branded, "northwind"))
    dark.goto(page_url(branded, "northwind"))
    assert style(light, "body", "backgroundColor") == rgb("#f5f6fa")
    assert style(dark, "body", "backgroundColor") == rgb("#0e111b")
    assert style(dark, "body", "color") == rgb("#e8eaf2")
    # the brand colour is lightened for dark cards, not dropped
    dark_accent = dark.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
    )
    assert dark_accent.strip() not in ("", PRIMARY, "#a5b4fc")
