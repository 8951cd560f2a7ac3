"""The "What's new" panel in a real Chromium, in every bundled theme: laid out without
overflow, overlap or small tap targets on phones and desktops, closed and opened, and
no axe-core WCAG violations, light and dark.

The visual suite builds the example site outside git, where there is no panel; here
the example site gets a history, so the panel shows with the example's long step names.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser
from support import REPO, commit, copy_example, mutate, page_of

from mapsite.build import build
from mapsite.load import date

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LAYOUT = (REPO / "tests" / "visual" / "layout.js").read_text(encoding="utf-8")
THEMES = ["default", "classic", "contoso"]
SIZES = {"phone": (390, 844), "small-phone": (320, 568), "desktop": (1280, 800)}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Changes to the example Northwind plan, one commit each: more than the panel shows
CHANGES = [
    ("2026-11-12", [("go_live: 2027-03-31", "go_live: 2027-04-14")]),
    ("2026-11-16", [("        owner: Rachel Novak\n", "        owner: Nina Patel\n")]),
    (
        "2026-11-19",
        [
            (
                "  - name: Nina Patel\n",
                "  - name: Ken Park\n    side: buyer\n    role: Legal\n  - name: Nina Patel\n",
            )
        ],
    ),
    ("2026-11-20", [("due: 2027-01-08  # Rachel", "due: 2027-01-15  # Rachel")]),
]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site with a history, built once in each theme."""
    site = tmp_path_factory.mktemp("whats-new") / "site"
    site.mkdir()
    copy_example(site)
    plan = site / "plans" / "northwind.md"
    commit(site, "2026-11-02")
    for when, changes in CHANGES:
        plan.write_text(mutate(plan.read_text(encoding="utf-8"), *changes), encoding="utf-8")
        commit(site, when)
    built = {}
    for theme in THEMES:
        config = site / "mapsite.yml"
        config.write_text(f"theme: {theme}\nholidays: US\n", encoding="utf-8")
        build(site, site.parent / theme, today=date(2026, 11, 23), pdf=False)
        built[theme] = page_of(site.parent / theme, "northwind")
    return built


@pytest.mark.parametrize("opened", [False, True], ids=["closed", "opened"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", THEMES)
def test_layout(
    browser: Browser, sites: dict[str, Path], theme: str, size: str, opened: bool
) -> None:
    width, height = SIZES[size]
    phone = size != "desktop"
    context = {"viewport": {"width": width, "height": height}, "is_mobile": phone}
    page = browser.new_page(**context, has_touch=phone)  # type: ignore[arg-type]
    page.goto(sites[theme].as_uri())
    assert page.locator(".whats-new .news:visible").count() == 3
    if opened:
        page.click(".news-more > summary")
        assert page.locator(".whats-new .news:visible").count() == 4

    found = page.evaluate(LAYOUT, {"tapTargets": phone, "minTap": 44})
    page.close()

    assert found == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("theme", THEMES)
def test_no_wcag_violations(browser: Browser, sites: dict[str, Path], theme: str, scheme: str):
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page.goto(sites[theme].as_uri())
    page.click(".news-more > summary")
    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
            .then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(" "))]))""",
        TAGS,
    )
    page.close()

    assert violations == []


def test_next_up_stays_near_the_top_on_a_phone(browser: Browser, sites: dict[str, Path]) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(sites["default"].as_uri())

    panel = page.locator(".whats-new").bounding_box()
    next_up = page.locator("#next-up").bounding_box()
    page.close()

    assert panel is not None and next_up is not None
    assert panel["height"] < 500  # three changes and the disclosure, long step names and all
    assert next_up["y"] < 844 + 400  # within the second screen
