"""Private links: share tokens, ``mapsite rotate`` and ``mapsite links``.

A plan's page lives at ``/TOKEN/``, where TOKEN is random (128 bits) and kept in the
plan's front matter, so the link is stable across builds and visible in review.
Rotating writes a new token and keeps the old ones under ``share.previous``: the
build publishes a neutral 410 page there.
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .errors import MapsiteError, Problem
from .load import (
    Invalid,
    decode,
    display_path,
    parse_plan,
    parse_yaml,
    read_bytes,
    split_front_matter,
)
from .model import TOKEN_PATTERN, Plan
from .site import Site, plan_holidays

if TYPE_CHECKING:
    from . import edit

TOKEN_BYTES = 16  # 128 bits


def new_token() -> str:
    """A random token that starts with a letter and reads back from YAML as the same text."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalpha() and yaml.safe_load(f"t: {token}") == {"t": token}:
            return token


@dataclass(frozen=True)
class Rotated:
    """One plan given a new link: its file as the user named it, the old and new tokens."""

    shown: str
    old: str | None
    new: str


def rotate(paths: Sequence[Path], tokens: Sequence[str] = ()) -> list[Rotated]:
    """Give each plan in ``paths`` a new share token (the next of ``tokens``, else a
    random one), keeping the old one first under ``share.previous``; add a ``share:``
    block to a plan without one.

    A byte-exact edit (``edit.py``): only the token and the list of previous ones
    change, written where and how the rep wrote them (block or flow style, quotes,
    comments, anchors, a BOM, CRLF line endings). The result must load as a valid
    plan, and the plans are written all or none. Raises ``MapsiteError`` with every
    problem otherwise: nothing is written.
    """
    from . import edit  # writing files: not for the build, which imports this module

    problems: list[Problem] = []
    edits: list[edit.Edit] = []
    done: list[Rotated] = []
    given = iter(tokens)
    for path in dict.fromkeys(paths):  # a plan named twice is rotated once
        try:
            change, rotated = _rotation(path, next(given, None))
        except Invalid as exc:
            problems += exc.problems
            continue
        edits.append(change)
        done.append(rotated)
    if problems:
        raise MapsiteError(problems, "nothing written")
    try:
        edit.write(edits)
    except Invalid as exc:
        raise MapsiteError(exc.problems) from None
    return done


def _rotation(path: Path, token: str | None) -> tuple[edit.Edit, Rotated]:
    from . import edit

    shown = display_path(path)
    data = read_bytes(path, shown)
    text = decode(data, shown)
    front, _, _ = split_front_matter(text, shown)
    marked = parse_yaml(front, shown, 1)
    fields = marked.data if isinstance(marked.data, dict) else {}
    share = fields.get("share")
    if share is not None and not isinstance(share, dict):
        mark = marked.value_mark(("share",))
        raise Invalid([Problem(shown, mark.line + 2, mark.column + 1, "share",
                               "cannot rotate the token: 'share' is not a mapping of fields",
                               "write it as 'share:' with 'token:' under it, "
                               "or remove it and run mapsite rotate again")])  # fmt: skip
    share = share or {}
    old = share.get("token") if _is_token(share.get("token")) else None
    new = token or new_token()
    previous = [t for t in share.get("previous") or [] if t != new]
    if old and old not in previous:
        previous.insert(0, old)
    changes = [edit.Change(("share", "token"), new)]
    if previous:
        changes.append(edit.Change(("share", "previous"), previous))
    rotated = edit.apply(text, changes, shown)
    holidays = plan_holidays(path)
    try:
        document = parse_plan(rotated, path, holidays, shown)
    except Invalid:
        _refuse_invalid(text, path, holidays, shown)
        raise  # the plan was valid, the rotated one is not: never written
    bom = data.startswith(codecs.BOM_UTF8)
    plan = edit.PlanFile(path, shown, text, bom, holidays, document)
    return edit.Edit(plan, rotated, document), Rotated(shown, old, new)


def _is_token(value: object) -> bool:
    """Whether ``value`` is a token a build could have published a page under: a
    malformed one (``abc``, a number) never was a link, so it is not kept as an old one
    (it would make the rotated plan invalid, where rotating is the fix ``check`` names)."""
    return isinstance(value, str) and re.fullmatch(TOKEN_PATTERN, value.strip()) is not None


def _refuse_invalid(text: str, path: Path, holidays: str | None, shown: str) -> None:
    """The plan's own problems, located in the file as it is, when it was invalid before
    the rotation too (a missing token is what rotating fixes)."""
    try:
        parse_plan(text, path, holidays, shown)
    except Invalid as exc:
        problems = [p for p in exc.problems if p.path not in ("share", "share.token")]
        if problems:
            raise Invalid(problems) from None


@dataclass(frozen=True)
class Link:
    file: str
    url: str
    note: str


def base_url(configured: str | None) -> str | None:
    """The site's public address: mapsite.yml's base_url, else Netlify's URL at build time."""
    url = configured or os.environ.get("URL")
    return url.rstrip("/") if url else None


def plan_url(plan: Plan, base: str | None) -> str:
    return f"{base or ''}/{plan.share.token}/"


def link_of(file: str, plan: Plan, base: str | None, today: date) -> Link:
    notes = []
    if plan.share.expires and plan.share.expires < today:
        notes.append(f"expired on {plan.share.expires.isoformat()}: the link answers 410 Gone")
    elif plan.share.expires:
        notes.append(f"until {plan.share.expires.isoformat()}")
    if plan.share.password_env:
        notes.append(f"password from ${plan.share.password_env}")
        # a calendar app cannot unlock an encrypted file, and a clear one would leak
        notes.append("no calendar: calendar apps cannot open a protected plan")
    return Link(file, plan_url(plan, base), "; ".join(notes))


BASE_URL_EXAMPLE = "https://plans.example.com"


def site_links(site: Site, today: date) -> tuple[list[str], list[str]]:
    """``mapsite links``: one line per published plan, its file and its link, aligned;
    and notes for the rep: drafts (no link yet) and a missing site address, each
    with what to do."""
    base = base_url(site.config.base_url)
    found = [link_of(d.source.file, d.plan, base, today)
             for d in site.documents if not d.plan.draft]  # fmt: skip
    width = max((len(link.file) for link in found), default=0)
    lines = [f"{link.file:<{width}}  {link.url}" + (f"  ({link.note})" if link.note else "")
             for link in found]  # fmt: skip
    notes = [f"{d.source.file} is a draft: no link until you remove 'draft: true'"
             for d in site.documents if d.plan.draft]  # fmt: skip
    if base is None:
        notes.append(
            "no base_url in mapsite.yml (and no Netlify URL): links are paths only; "
            f"add the site's address to mapsite.yml as 'base_url: {BASE_URL_EXAMPLE}'"
        )
    return lines, notes
