"""What's new in a plan over the last days: its versions from git history, read with
the same loader as the build, and compared (``changes.timeline``).

Used by the page's "What's new" panel, ``mapsite changes``, ``report`` and ``digest``.
Changes not committed yet (a rep previewing with ``mapsite serve``) count as made
today. Versions that do not load (a commit with a broken plan) are skipped. Without
history (outside git, a shallow clone's first commit) there is nothing to say, and
nothing is said.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import pickle
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

import pydantic

from . import audience, cache, history, schedule
from .changes import Change, Version, timeline
from .config import SiteConfig
from .errors import MapsiteError, Problem
from .load import Document, Invalid, display_path, parse_plan
from .model import Plan
from .render import format_date
from .site import PLANS_DIR, Site, load_site, site_root

_WORKING = "working tree"
DAYS = 14
"""The window of ``mapsite changes`` for a plan whose panel is switched off."""


@dataclass(frozen=True)
class News:
    """The changes of one plan since a date."""

    doc: Document
    since: date
    changes: list[Change] = field(default_factory=list)
    """Newest first."""
    in_git: bool = True
    """False: the plan has no history (outside git, or never committed)."""
    cut_short: bool = False
    """The window reaches back past the first commit of a shallow clone: changes
    before that commit are not known."""


def window(config: SiteConfig, doc: Document) -> int:
    """Days the plan's "What's new" looks back: its own setting, else the site's."""
    own = doc.plan.whats_new_days
    return config.whats_new_days if own is None else own


def since_days(days: int, today: date) -> date:
    """The first day of the last ``days`` days, today included."""
    return today - timedelta(days=max(days, 1) - 1)


SINCE = re.compile(r"\s*(\d+)\s*([dw])\s*")


def parse_since(text: str, today: date) -> date:
    """``2026-11-16``, ``7d`` (the last 7 days, today included) or ``2w``. Raises
    ``ValueError`` with a sentence to show otherwise."""
    found = SINCE.fullmatch(text.lower())
    if found:
        days = int(found[1]) * (7 if found[2] == "w" else 1)
        if days < 1:
            raise ValueError(f"'{text}' is no time at all (use 1d or more)")
        return since_days(days, today)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date or a number of days or weeks (use YYYY-MM-DD, 7d or 2w)"
        ) from None


def plan_news(
    site: Site,
    doc: Document,
    since: date,
    today: date,
    seen: Callable[[Plan], Plan] | None = None,
) -> News:
    """What changed in ``doc``'s plan from ``since`` to today; ``seen``: what of each
    version its reader sees (the buyer's page: no roles of their people)."""
    log = site.history
    if log is None:
        return News(doc, since, in_git=False)
    found = log.versions(doc.path, since)
    if found.head is None:
        return News(doc, since, in_git=False)
    try:
        working = history.blob_id(doc.path.read_bytes(), log.sha256)
    except OSError:
        working = found.head
    tail = list(found.commits)
    if working != found.head:
        tail.append((today, _WORKING))
    if not tail:  # nothing changed since the window opened: nothing to read
        return News(doc, since, cut_short=found.cut_short)
    versions: list[Version] = []
    previous = None
    for blob in found.starts:  # the plan as the window opened: the newest that loads
        loaded = _load(log, blob, doc.path, site.config.holidays)
        if loaded is not None:
            versions.append(Version(*loaded, since))
            previous = blob
            break
    for when, blob in tail:
        if blob == previous:
            continue  # renamed only
        previous = blob
        if blob == _WORKING or (blob == found.head and working == found.head):
            versions.append(Version(doc.plan, doc.dates, when))  # as loaded: no second parse
            continue
        loaded = _load(log, blob, doc.path, site.config.holidays)
        if loaded is not None:
            versions.append(Version(*loaded, when))
    if seen is not None:
        versions = [dataclasses.replace(v, plan=seen(v.plan)) for v in versions]
    return News(doc, since, timeline(versions, today), cut_short=found.cut_short)


def preload(site: Site, paths: Iterable[Path], since: date) -> None:
    """Read every old version the window needs in one go, before the plans are
    compared (a build does it before its workers start, which inherit them). In a
    partial clone (Netlify's), download them first in one request: git would fetch
    them one at a time."""
    log = site.history
    if log is None:
        return
    wanted: list[str] = []
    for path in paths:
        found = log.versions(path, since)
        if found.commits:  # the newest is checked out, and read as the plan itself
            wanted += found.starts[:1] + [blob for _, blob in found.commits if blob != found.head]
    prune()
    kept = cache.cache_dir() / "versions"
    holidays = site.config.holidays
    wanted = [blob for blob in wanted if not (kept / _kept_name(blob, holidays)).is_file()]
    reader = history.blobs(log.root)
    if log.promisor is not None:
        reader.prefetch(wanted, log.promisor)
    reader.read_all(wanted)


def _load(log: history.Log, blob: str, path: Path, holidays: str | None) -> Loaded | None:
    """An older version of a plan, loaded; None when it does not load (a broken
    version: the ones either side of it are compared). A version never changes, so
    once loaded it is kept in this machine's cache (``cache.py``)."""
    name = f"versions/{_kept_name(blob, holidays)}"
    kept = cache.read_bytes(name)
    if kept == BROKEN:
        return None
    if kept is not None:
        with contextlib.suppress(Exception):  # a damaged file, or another mapsite's
            plan, dates = pickle.loads(kept)
            if isinstance(plan, Plan) and isinstance(dates, schedule.Dates):
                return plan, dates
    data = history.blobs(log.root).read(blob)
    if data is None:
        return None
    try:
        doc = parse_plan(data.decode("utf-8-sig"), path, holidays)
    except (Invalid, UnicodeDecodeError):
        cache.write_bytes(name, BROKEN)
        return None
    cache.write_bytes(name, pickle.dumps((doc.plan, doc.dates), protocol=pickle.HIGHEST_PROTOCOL))
    return doc.plan, doc.dates


def _kept_name(blob: str, holidays: str | None) -> str:
    return f"{blob}-{holidays or 'none'}-{_fingerprint()}"


Loaded = tuple[Plan, "schedule.Dates"]
BROKEN = b"broken"
_CODE = ("model.py", "dates.py", "schedule.py", "load.py", "yamlmarks.py", "whatsnew.py")


@functools.cache
def _fingerprint() -> str:
    """What a kept version depends on besides its text: the plan format and its
    loader (these files of this mapsite), and pydantic."""
    here = Path(__file__).parent
    parts = [pydantic.VERSION, sys.version_info[:2]]
    for name in _CODE:
        stamp = (here / name).stat()
        parts += [name, stamp.st_mtime_ns, stamp.st_size]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


KEEP_DAYS = 30


def prune() -> None:
    """Forget versions kept for more than KEEP_DAYS, at most once a day."""
    folder = cache.cache_dir() / "versions"
    stamp = folder / ".pruned"
    now = time.time()
    with contextlib.suppress(OSError):
        if now - stamp.stat().st_mtime < 86400:
            return
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") or now - entry.stat().st_mtime < KEEP_DAYS * 86400:
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
        stamp.touch()


def page_news(site: Site, doc: Document, today: date) -> News | None:
    """The page's panel: the plan's window, or None when it is switched off. It tells
    the buyer nothing of the roles the page does not show them."""
    days = window(site.config, doc)
    if days == 0:
        return None
    seen = functools.partial(audience.for_buyer, show_buyer_roles=site.config.show_buyer_roles)
    return plan_news(site, doc, since_days(days, today), today, seen)


# --- mapsite changes -------------------------------------------------------------------


def for_plans(
    paths: Sequence[Path], since: date | None, today: date
) -> tuple[list[News], list[str]]:
    """``mapsite changes``: the news of each plan file (since ``since``, else over the
    plan's own window), and notes on what history could not tell."""
    roots = {site_root(p) for p in paths}
    if len(roots) != 1:
        raise MapsiteError(
            [Problem(display_path(paths[0]), 1, 1, "", "plans from several sites",
                     "list the plans of one site at a time")]
        )  # fmt: skip
    site = load_site(roots.pop(), only=[p.absolute() for p in paths])
    starts = [
        since or since_days(window(site.config, doc) or DAYS, today) for doc in site.documents
    ]
    if starts:
        preload(site, [doc.path for doc in site.documents], min(starts))
    found = [
        plan_news(site, doc, start, today)
        for doc, start in zip(site.documents, starts, strict=True)
    ]
    notes = []
    if site.history is None:
        notes.append(
            f"note: {display_path(site.root / PLANS_DIR)} is not in a git repository (or git "
            "is not installed): there is no history to compare"
        )
    for news in found:
        if news.cut_short:
            notes.append(
                f"note: {news.doc.source.file}: this is a shallow clone; changes before its "
                "first commit are not known (run 'git fetch --unshallow')"
            )
    return found, notes


def render(found: Sequence[News], fmt: str, today: date) -> str:
    """``mapsite changes`` output: text (grouped by date) or json."""
    if fmt == "json":
        return json.dumps([_as_json(news) for news in found], indent=2) + "\n"
    blocks = []
    for news in found:
        plan = news.doc.plan
        head = f"{news.doc.source.file}: {plan.title} ({plan.buyer.name})"
        since = format_date(news.since, today)
        if not news.in_git:
            blocks.append(f"{head}: no history (the plan is not committed in git)\n")
            continue
        if not news.changes:
            blocks.append(f"{head}: no changes since {since}\n")
            continue
        lines = [f"{head}: changes since {since}"]
        for when, changes in groupby(news.changes, key=lambda c: c.when):
            lines.append("")
            lines.append(format_date(when, today))
            lines += [f"  - {change.text}" for change in changes]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _as_json(news: News) -> dict[str, object]:
    return {
        "plan": news.doc.source.file,
        "title": news.doc.plan.title,
        "buyer": news.doc.plan.buyer.name,
        "since": news.since.isoformat(),
        "in_git": news.in_git,
        "complete": not news.cut_short,
        "changes": [change_json(c) for c in news.changes],
    }


def change_json(change: Change) -> dict[str, object]:
    return {
        "date": change.when.isoformat(),
        "kind": change.kind,
        "text": change.text,
        "items": [{"address": i.address, "key": list(i.key)} for i in change.items],
        "people": list(change.people),
        "plan_wide": change.plan_wide,
    }
