"""Constants and helpers the tests import (``from support import ...``).

They live here, not in conftest.py, because ``tests/browser/conftest.py`` is also a
module named ``conftest``: ``from conftest import ...`` gets whichever was imported last.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import yaml

from mapsite import seal

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


def token_for(name: str) -> str:
    """A fixed share token per plan name: test plans get stable, distinct private links."""
    return "T" + hashlib.sha256(name.encode()).hexdigest()[:23]


def with_token(text: str, name: str) -> str:
    """``text`` with a ``share:`` token added as the last front matter field, unless it
    has one (or no closed front matter): line numbers above it stay as written."""
    match = re.match(r"(---\r?\n(?:.*\n)*?)(---\r?\n|---$)", text)
    if not match or re.search(r"^share:", match.group(1), re.M):
        return text
    try:
        if not isinstance(
            yaml.compose(match.group(1)[3:], Loader=yaml.SafeLoader), yaml.MappingNode
        ):
            return text  # front matter that is not a mapping stays as broken as it was
    except yaml.YAMLError:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    share = f"share:{newline}  token: {token_for(name)}{newline}"
    return match.group(1) + share + text[len(match.group(1)) :]


def page_of(public: Path, plan: str) -> Path:
    """The built page of the plan file ``plans/PLAN.md`` (its folder is its share token)."""
    from mapsite.load import load_plan

    site = public.parent if (public.parent / "plans").is_dir() else REPO
    for folder in (site / "plans", REPO / "plans"):
        path = folder / f"{plan}.md"
        if path.is_file():
            return public / load_plan(path).plan.share.token / "index.html"
    raise FileNotFoundError(plan)


def copy_example(site: Path) -> Path:
    """A copy of this repository's example site (plans, assets, themes, mapsite.yml)."""
    for folder in ("plans", "assets", "themes"):
        shutil.copytree(REPO / folder, site / folder, dirs_exist_ok=True)
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


def sealed_of(page: str) -> seal.Sealed:
    """The encrypted plan a locked page carries."""
    match = re.search(
        r'<div id="sealed" hidden data-salt="([^"]+)" data-nonce="([^"]+)" '
        r'data-iterations="(\d+)">([^<]+)</div>',
        page,
    )
    assert match, "no sealed plan in the page"
    salt, nonce, iterations, ciphertext = match.groups()
    return seal.Sealed(salt, nonce, ciphertext, int(iterations))
