"""Constants and helpers the tests import (``from support import ...``).

They live here, not in conftest.py, because ``tests/browser/conftest.py`` is also a
module named ``conftest``: ``from conftest import ...`` gets whichever was imported last.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
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


# The example plans' PDFs: named from what the buyer knows, their name and the title
PDF_NAMES = {
    "northwind": "northwind-financial-revenue-forecasting-rollout.pdf",
    "tailspin": "tailspin-toys-forecasting-for-the-sales-team.pdf",
    "fabrikam-renewal": "fabrikam-renewal-and-emea-expansion.pdf",
}


def pdf_of(public: Path, plan: str) -> Path:
    """The PDF beside the built page of the example plan ``plans/PLAN.md``."""
    return page_of(public, plan).parent / PDF_NAMES[plan]


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


def git(folder: Path, *args: str, when: str | None = None) -> str:
    """``git ARGS`` in ``folder`` with a fixed author, and both dates fixed to noon UTC
    on ``when`` (YYYY-MM-DD): a scripted history that reads the same on every run.
    The user's own git settings are left out."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Sam Ortiz",
        "GIT_AUTHOR_EMAIL": "sam@contoso.example",
        "GIT_COMMITTER_NAME": "Sam Ortiz",
        "GIT_COMMITTER_EMAIL": "sam@contoso.example",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when}T12:00:00+00:00"
    done = subprocess.run(
        ["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def commit(folder: Path, when: str, message: str = "Update the plan") -> None:
    """Commit everything in ``folder`` (a new repository the first time) on ``when``."""
    if not (folder / ".git").exists():
        git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, when=when)


# A plan whose versions the history tests commit: go-live counted back to, a milestone
# one step from done, steps counting from a milestone, notes, a resource, a risk.
TRACKED_PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
share:
  token: ViqzABatAvS1drCoQ4bq8A
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
    role: Champion
  - name: Lee Park
    side: buyer
    title: Senior Data Engineer
  - name: Sam Ortiz
    side: seller
milestones:
  - name: Security review passed
    id: security
    due: 2026-12-18
    steps:
      - task: Send the security questionnaire
        owner: Sam Ortiz
        due: 2026-11-27
        status: done
      - task: Review the questionnaire
        id: review
        owner: Lee Park
        due: security - 1w
        notes: Lee reads it with the **InfoSec** team.
  - name: Technical validation
    id: poc
    due: go_live - 12w
    steps:
      - task: POC readout
        owner: Lee Park
        due: poc - 3d
      - task: Sign off the scorecard
        owner: Priya Raman
        due: poc
resources:
  - title: SOC 2 report
    url: https://contoso.example/soc2.pdf
risks:
  - risk: Year-end change freeze
    owner: Priya Raman
extra:
  region: EMEA
updated: 2026-11-16
---
Agreed on the kickoff call.
"""


def mutate(text: str, *changes: tuple[str, str]) -> str:
    """``text`` with each (old, new) replaced; each old must occur exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


# The example plans as they were on an earlier day: (as now, as then) pairs of text.
# commit_example_history commits them so, then as they are now, so that each page's "What's
# new" panel shows what the rep changed on 26 Nov 2026 (the repository's own history
# holds the same edits, made with mapsite done and set). A pair that no longer
# matches the plan fails the suite: update it with the plan. Build with today = CHANGED_DAY.
EARLIER_DAY = "2026-11-21"
CHANGED_DAY = "2026-11-26"
EARLIER: dict[str, list[tuple[str, str]]] = {
    "northwind": [
        (
            "        due: security\n        status: done\n",
            "        due: security\n        status: in progress\n",
        ),
        (
            "        status: in progress\n        notes: >-\n"
            "          Aisha approved Contoso's egress IP range on Nov 25. Lee is creating the "
            "service\n          account; the billing connector runs as soon as it exists.\n",
            "        status: blocked\n        notes: >-\n"
            "          Waiting on InfoSec to approve Contoso's egress IP range for the network "
            "allowlist.\n          Aisha has agreed to approve the POC account ahead of the full "
            "memo.\n",
        ),
        ("        due: 2027-01-06  # on both", "        due: 2027-01-08  # on both"),
        (
            "      - task: Walk Rachel Novak through Contoso's liability cap fallback positions\n"
            "        owner: Nina Patel\n"
            "        due: 2026-12-16  # before Rachel's team breaks for the holidays\n",
            "",
        ),
        ("updated: 2026-11-26", "updated: 2026-11-21"),
    ],
    "tailspin": [
        (
            "        notes: Carlos asked to see the East region's commit beside the West's; Mia "
            "adds it to the readout.\n",
            "",
        ),
        ("updated: 2026-11-26", "updated: 2026-11-20"),
    ],
    "fabrikam-renewal": [
        ("        due: 2026-12-04\n        status: done\n", "        due: 2026-12-04\n"),
        ("updated: 2026-11-26", "updated: 2026-11-19"),
    ],
}


def commit_example_history(site: Path) -> Path:
    """The plans' git history: each plan as it was on EARLIER_DAY, then as it is now."""
    plans = {name: (site / "plans" / f"{name}.md") for name in EARLIER}
    now = {name: path.read_text(encoding="utf-8") for name, path in plans.items()}
    for name, path in plans.items():
        path.write_text(mutate(now[name], *EARLIER[name]), encoding="utf-8")
    commit(site, EARLIER_DAY, "The plans as they were")
    for name, path in plans.items():
        path.write_text(now[name], encoding="utf-8")
    commit(site, CHANGED_DAY, "After the weekly calls")
    return site
