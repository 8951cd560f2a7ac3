"""The example site, built once; the real Chromium (`browser`) is in tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import CHANGED_DAY, commit_example_history, copy_example

from mapsite.cli import main

REPO = Path(__file__).resolve().parents[2]


READ_AT = f"{CHANGED_DAY}T10:00:00"
"""The readers' clock in these tests: the pages' script re-checks their dates against it
(a page read later says so, and marks what became overdue). Fixed, so that what a test
sees does not depend on the day it runs; a test can set another time."""


@pytest.fixture(autouse=True)
def readers_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page a browser test opens, with the readers' clock at READ_AT."""
    from playwright.sync_api import Browser, BrowserContext

    for cls in (Browser, BrowserContext):

        def new_page(self, *args, __open=cls.new_page, **kwargs):  # type: ignore[no-untyped-def]
            page = __open(self, *args, **kwargs)
            page.clock.set_fixed_time(READ_AT)
            return page

        monkeypatch.setattr(cls, "new_page", new_page)


@pytest.fixture(scope="session")
def example_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    commit_example_history(copy_example(site))  # with git history: a "What's new" panel
    result = CliRunner().invoke(main, ["build", str(site), "--no-pdf", "--today", CHANGED_DAY])
    assert result.exit_code == 0, result.output
    return site / "public"
