"""mapsite.js re-checks a page's dates on the reader's day, in the page's language."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from playwright.sync_api import Browser
from support import TODAY, VALID_PLAN, token_for

from mapsite.cli import main

GERMAN = VALID_PLAN.replace(
    "title: Revenue forecasting rollout\n", "title: Revenue forecasting rollout\nlanguage: de\n"
).replace(
    "seller:\n  name: Contoso\n", f"seller:\n  name: Contoso\nshare:\n  token: {token_for('de')}\n"
)


def test_a_german_page_read_later_says_overdue_and_relative_dates_in_german(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "de.md").write_text(GERMAN, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--no-pdf", "--today", TODAY])
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    # built on Mon 23 Nov; read on Fri 4 Dec: the order form (due Tue 1 Dec) is 3 days
    # overdue, and go-live (Wed 31 Mar 2027) about 4 months away
    page.clock.set_fixed_time("2026-12-04T10:00:00")
    page.goto((tmp_path / "public" / token_for("de") / "index.html").as_uri())
    overdue = page.locator(".next .status--overdue").first
    assert overdue.is_visible()
    assert overdue.inner_text().strip() == "3 Tage überfällig"
    assert page.locator(".next__rel").first.inner_text() == "vor 3 Tagen"
    assert page.locator(".fact--golive [data-relative]").inner_text() == "in 4 Monaten"
    assert "Termine mit heute abgeglichen, " in page.locator(".asof").inner_text()
    page.close()
