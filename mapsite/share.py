"""Private links: share tokens, ``mapsite rotate`` and ``mapsite links``.

A plan's page lives at ``/TOKEN/``, where TOKEN is random (128 bits) and kept in the
plan's front matter, so the link is stable across builds and visible in review.
Rotating writes a new token and keeps the old ones under ``share.previous``: the
build publishes a neutral 410 page there.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from . import yamlmarks
from .errors import MapsiteError, Problem
from .load import Invalid, display_path, read_text, split_front_matter
from .model import Plan

TOKEN_BYTES = 16  # 128 bits


def new_token() -> str:
    """A random token that starts with a letter and reads back from YAML as the same text."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalpha() and yaml.safe_load(f"t: {token}") == {"t": token}:
            return token


def rotate(path: Path, token: str | None = None) -> tuple[str | None, str]:
    """Give the plan at ``path`` a new share token, keeping the old one under
    ``share.previous``; add a ``share:`` block when there is none. Returns (old, new).

    Only the ``share:`` block of the file is rewritten; everything else stays as written.
    """
    shown = display_path(path)
    try:
        text = read_text(path, shown)
        front, _, _ = split_front_matter(text, shown)
    except Invalid as exc:
        raise MapsiteError(exc.problems) from None
    start = text.index("\n") + 1  # the front matter starts after the opening '---' line
    try:
        marked = yamlmarks.parse(front)
    except yaml.MarkedYAMLError:
        raise _cannot(shown, "its front matter is not valid YAML; run mapsite check") from None
    root = marked.root
    if not isinstance(root, yaml.MappingNode):
        raise _cannot(shown, "its front matter is not a mapping of fields; run mapsite check")
    found = next(
        ((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "share"),
        None,
    )
    share = marked.data.get("share") if found else {}
    if not isinstance(share, dict):
        raise _cannot(shown, "its 'share' field is not a mapping; run mapsite check")
    old = share.get("token") if isinstance(share.get("token"), str) else None
    new = token or new_token()
    previous = [t for t in share.get("previous") or [] if isinstance(t, str) and t != new]
    if old and old not in previous:
        previous.insert(0, old)
    fields: dict[str, Any] = {**share, "token": new, "previous": previous}
    if not previous:
        del fields["previous"]
    block = _share_block(fields)
    if found is None:
        before = front if front.endswith("\n") or not front else front + "\n"
        edited = text[:start] + before + block + "\n" + text[start + len(front) :]
    else:
        key, value = found
        first = front.rfind("\n", 0, key.start_mark.index) + 1
        last = front.find("\n", _end(value).index - 1)
        last = len(front) if last == -1 else last
        edited = text[:start] + front[:first] + block + front[last:] + text[start + len(front) :]
    path.write_text(edited, encoding="utf-8")
    return old, new


def _end(node: yaml.Node) -> yaml.Mark:
    """Where the last value inside ``node`` ends (a block's own end mark runs on to the
    next field, past any comment lines in between)."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style is True or not node.value:
        return node.end_mark  # a scalar, or a flow collection that ends at its bracket
    last = node.value[-1]
    return _end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _share_block(fields: dict[str, Any]) -> str:
    lines = ["share:"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"  {key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"  {key}: {_scalar(value)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _cannot(shown: str, why: str) -> MapsiteError:
    return MapsiteError([Problem(shown, 1, 1, "share", f"cannot rotate the token: {why}")])


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
