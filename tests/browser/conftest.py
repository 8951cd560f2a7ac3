"""The example site, built once; the real Chromium (`browser`) is in tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import CHANGED_DAY, commit_example_history, copy_example

from mapsite.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def example_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    commit_example_history(copy_example(site))  # with git history: a "What's new" panel
    result = CliRunner().invoke(main, ["build", str(site), "--no-pdf", "--today", CHANGED_DAY])
    assert result.exit_code == 0, result.output
    return site / "public"
