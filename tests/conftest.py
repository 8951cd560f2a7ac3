"""Shared fixtures: a real site in ``tmp_path`` and the real ``mapsite`` command.

Tests run the CLI the way a user does (from inside the site folder) and assert on
what the user sees: exit status, the exact lines on stderr, and the files written.
Constants and helpers to import are in ``support.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from playwright.sync_api import Browser, sync_playwright
from support import REPO as REPO
from support import TODAY as TODAY
from support import VALID_PLAN, copy_example, with_token

from mapsite.browser import find_chromium
from mapsite.cli import main

Run = Callable[..., Result]

# `pytest tests/fuzz --hypothesis-profile=long`: the fuzz suite runs 50 times more examples,
# random ones (registered here, not in tests/fuzz: Hypothesis loads the profile before
# pytest reads the conftest files of sub-folders)
settings.register_profile("long", max_examples=5000, deadline=None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A real Chromium, found the way mapsite finds one (browser and visual tests)."""
    # module scope, not session: Playwright's sync API runs an event loop in this
    # thread while it is open, which would leak into every later test
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(playwright=p))
        yield browser
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """mapsite's cache (holiday tables) in a folder of this test run, not ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAPSITE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def no_pdf_unless_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds print PDFs with Chromium, which takes seconds: only tests marked
    ``@pytest.mark.pdf`` do; the rest build HTML only (MAPSITE_PDF=0)."""
    if "pdf" not in request.keywords:
        monkeypatch.setenv("MAPSITE_PDF", "0")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run("check")`` runs ``mapsite check`` in the current folder and returns the result.

    ``MAPSITE_TODAY`` from the developer's shell is removed so it cannot change results.
    """
    monkeypatch.delenv("MAPSITE_TODAY", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env=env, prog_name="mapsite")

    return invoke


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site folder with ``plans/``, which is also the working directory."""
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_plan(site: Path) -> Callable[..., Path]:
    """``write_plan("northwind", text)`` writes ``plans/northwind.md`` (a valid plan by default).

    A plan without a ``share:`` token gets one of its own (``support.token_for(name)``)
    as its last front matter field; ``token=False`` writes the text as is.
    """

    def write(name: str, text: str = VALID_PLAN, *, token: bool = True) -> Path:
        path = site / "plans" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(with_token(text, name) if token else text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def example_site(site: Path) -> Path:
    """A copy of the repository's own example site (plans, assets, mapsite.yml)."""
    shutil.rmtree(site / "plans")
    copy_example(site)
    return site
