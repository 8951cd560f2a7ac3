"""Visual tests: screenshots against baselines, layout checks and axe-core, in Chromium.

``--update-baselines`` (or MAPSITE_UPDATE_BASELINES=1) rewrites the baseline images
instead of comparing with them; see docs/visual-tests.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from visual_support import UPDATE_ENV, Baselines, Screens, Sites


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-baselines",
        action="store_true",
        help="visual tests: write this run's screenshots as the new baselines "
        f"(tests/visual/baselines/) instead of comparing; also {UPDATE_ENV}=1",
    )


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    built = Sites(tmp_path_factory.mktemp("visual"))
    yield built
    built.close()


@pytest.fixture(scope="session")
def baselines(request: pytest.FixtureRequest) -> Baselines:
    update = request.config.getoption("--update-baselines", default=False)
    return Baselines(bool(update) or os.environ.get(UPDATE_ENV, "") not in ("", "0"))


@pytest.fixture(scope="module")
def screens(browser: Browser) -> Iterator[Screens]:
    screens = Screens(browser)
    yield screens
    screens.close()
