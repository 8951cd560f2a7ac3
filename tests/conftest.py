"""Shared fixtures: a real site in ``tmp_path`` and the real ``mapsite`` command.

Tests run the CLI the way a user does (from inside the site folder) and assert on
what the user sees: exit status, the exact lines on stderr, and the files written.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mapsite.cli import main

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"

VALID_PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
  - name: Sam Ortiz
    side: seller
milestones:
  - name: Contract signed
    id: contract
    due: 2026-12-15
    steps:
      - task: Send the order form
        owner: Sam Ortiz
        due: 2026-12-01
      - task: Sign the order form
        owner: Priya Raman
        due: 2026-12-15
---
## Notes

Agreed on the kickoff call.
"""

Run = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run("check")`` runs ``mapsite check`` in the current folder and returns the result.

    ``MAPSITE_TODAY`` from the developer's shell is removed so it cannot change results.
    """
    monkeypatch.delenv("MAPSITE_TODAY", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site folder with ``plans/``, which is also the working directory."""
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_plan(site: Path) -> Callable[..., Path]:
    """``write_plan("northwind", text)`` writes ``plans/northwind.md`` (a valid plan by default)."""

    def write(name: str, text: str = VALID_PLAN) -> Path:
        path = site / "plans" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def example_site(site: Path) -> Path:
    """A copy of the repository's own example site (plans, assets, mapsite.yml)."""
    shutil.rmtree(site / "plans")
    shutil.copytree(REPO / "plans", site / "plans")
    if (REPO / "assets").is_dir():
        shutil.copytree(REPO / "assets", site / "assets")
    if (REPO / "mapsite.yml").is_file():
        shutil.copy(REPO / "mapsite.yml", site / "mapsite.yml")
    return site


def tree_hash(root: Path) -> str:
    """One hash over every file's path, bytes and every folder under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\1")
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary build folders (``.public.building-*``, ``.public.old-*``) left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or ".old-" in p.name)
