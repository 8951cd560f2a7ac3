"""A page read days after its build rates the plan's health as a build on that day would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page
from support import TODAY, VALID_PLAN, token_for

from mapsite.cli import main

# built Mon 23 Nov, last updated Fri 20 Nov: the order form is due Tue 1 Dec; signing it
# Tue 15 Dec, and its owner expects Fri 18 Dec; the security review is blocked
PLAN = VALID_PLAN.replace(
    "go_live: 2027-03-31\n", "go_live: 2027-03-31\nupdated: 2026-11-20\n"
).replace(
    "        due: 2026-12-15\n",
    "        due: 2026-12-15\n        expected: 2026-12-18\n"
    "      - task: Security review\n        owner: Sam Ortiz\n        due: 2027-01-15\n"
    "        status: blocked\n        notes: Waiting for the pen-test report\n",
)
GERMAN = PLAN.replace("title: Revenue forecasting rollout\n", "title: Rollout\nlanguage: de\n")


def build(site: Path, day: str) -> Path:
    out = site / f"public-{day}"
    result = CliRunner().invoke(
        main, ["build", str(site), "-o", str(out), "--no-pdf", "--today", day]
    )
    assert result.exit_code == 0, result.output
    return out


def card(page: Page) -> dict[str, str]:
    health = page.locator(".fact--health")
    return {
        "class": health.get_attribute("class") or "",
        "label": health.locator("[data-health-label]").inner_text(),
        "reasons": health.locator("[data-health-reasons]").inner_text(),
        "icon": health.locator(".fact__big > svg").evaluate("svg => svg.outerHTML"),
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "plans").mkdir()
    for name, text in (("en", PLAN), ("de", GERMAN)):
        share = f"seller:\n  name: Contoso\nshare:\n  token: {token_for(name)}\n"
        text = text.replace("seller:\n  name: Contoso\n", share)
        (tmp_path / "plans" / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("plan", ["en", "de"])
def test_a_page_read_later_rates_health_as_that_days_build_does(
    browser: Browser, site: Path, plan: str
) -> None:
    built = build(site, TODAY)
    page = browser.new_page()
    seen = {}
    # the day it was built; a step overdue; 10 days overdue and no update for 3 weeks
    # (stalled); both steps past their dates, the expected one too
    for day in ("2026-11-23", "2026-12-04", "2026-12-11", "2026-12-16"):
        page.clock.set_fixed_time(f"{day}T10:00:00")
        page.goto((built / token_for(plan) / "index.html").as_uri())
        later = card(page)
        page.goto((build(site, day) / token_for(plan) / "index.html").as_uri())
        assert later == card(page), day
        seen[day] = later["label"], later["reasons"]
    page.close()

    if plan == "en":
        assert seen == {
            "2026-11-23": ("At risk", "1 step expected after its due date; 1 step blocked"),
            "2026-12-04": (
                "At risk",
                "1 step overdue; 1 step expected after its due date; 1 step blocked",
            ),
            "2026-12-16": (
                "Stalled",
                "1 step 7 or more days overdue; no update for 26 days; 1 step blocked",
            ),
            "2026-12-11": (
                "Stalled",
                "1 step 7 or more days overdue; no update for 21 days; "
                "1 step expected after its due date; 1 step blocked",
            ),
        }
