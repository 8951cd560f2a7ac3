"""A real Chromium (found the way mapsite finds one) and the example site, built once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, sync_playwright
from support import copy_example

from mapsite.browser import find_chromium
from mapsite.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # module scope, not session: Playwright's sync API runs an event loop in this
    # thread while it is open, which would leak into every later test
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(playwright=p))
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def example_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    copy_example(site)
    result = CliRunner().invoke(main, ["build", str(site), "--no-pdf", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    return site / "public"
