"""Playbooks: a team's plan for a kind of deal, made into each deal's plan by ``mapsite new``.

A playbook is a plan file whose dates count from go-live (``go_live - 6w``) and from
its own milestones and steps (``security + 5bd``), with ``${buyer}``, ``${seller}``
and the playbook's own placeholders where the deal's names go, and a ``playbook:``
block that describes it. The site's ``playbooks/NAME.md`` come first, then the ones
built in (``mapsite/templates/playbooks/``).

Filling one is a byte-exact edit of the playbook's text (``edit.py``), so its
comments, key order and quoting reach the plan as written: placeholders filled in,
dates resolved around the deal's go-live (those counted from a name in
``keep_relative`` stay offsets), a fresh share token, and the ``playbook:`` block
left out. Before any of that, the filled-in plan is validated with the playbook's
own positions, so each mistake is reported at its line in the playbook.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from . import edit, names, schedule
from .dates import GO_LIVE, Offset
from .errors import Invalid, Problem
from .load import (
    Source,
    display_path,
    parse_plan,
    parse_yaml,
    read_text,
    split_front_matter,
    validate,
    validated_plan,
)
from .model import Model, Plan, Text

PLAYBOOKS_DIR = "playbooks"
BUILT_IN = Path(__file__).parent / "templates" / "playbooks"
DEFAULT = "standard"
"""The playbook ``mapsite new`` fills when it is given none."""

PlaceholderName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}(['’]s\b)?")
"""``${buyer}``, and ``${buyer}'s``, which reads "Fabrikam Logistics' data" when the
name ends in s."""
BUILT_IN_PLACEHOLDERS = ("buyer", "seller", GO_LIVE)
SHARE_COMMENT = "# the private link is /TOKEN/; 'mapsite rotate' replaces it"
DRAFT_LINE = "draft: true  # checked and previewed, not published until you remove this line"


class Placeholder(Model):
    """A name the playbook leaves to each deal: ``${champion}``."""

    description: Text
    """What goes there, for the rep: 'The buyer's champion'."""
    default: Text | None = None
    """Used when ``mapsite new`` is given no value (``--set champion="..."``)."""


class About(Model):
    """The ``playbook:`` block: what the playbook is for, and how it is filled in."""

    description: Text
    """One line, for ``mapsite playbooks``."""
    weeks: int = Field(default=12, ge=1, le=520)
    """Go-live this many weeks after today when ``mapsite new`` is given no --go-live."""
    keep_relative: list[Text] = Field(default_factory=list)
    """Dates counted from these (go_live, or a milestone's or step's id) stay offsets
    in the plan, and follow when that date moves; every other date is resolved."""
    placeholders: dict[PlaceholderName, Placeholder] = Field(default_factory=dict)
    """The playbook's own placeholders, besides ${buyer}, ${seller} and ${go_live}."""


class _Head(BaseModel):
    """The front matter as far as the playbook block: the rest is validated as a plan."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    playbook: About


@dataclass(frozen=True)
class Entry:
    """A playbook ``mapsite new --playbook NAME`` can fill."""

    name: str
    path: Path
    built_in: bool

    @property
    def shown(self) -> str:
        return f"built-in:{self.name}" if self.built_in else display_path(self.path)


@dataclass(frozen=True)
class Deal:
    """What ``mapsite new`` knows of the deal: the values that fill a playbook in."""

    buyer: str
    seller: str
    today: date
    token: str
    go_live: date | None = None
    """None: ``today`` plus the playbook's ``weeks``."""
    values: Mapping[str, str] = field(default_factory=dict)
    """Values of the playbook's own placeholders (``--set NAME=VALUE``)."""
    draft: bool = False
    holidays: str | None = None
    """The site's holiday country, for business days (the playbook's own wins)."""


def available(site: Path) -> list[Entry]:
    """Every playbook by name: the site's (``playbooks/NAME.md``) over the built-in ones."""
    found = {p.stem: Entry(p.stem, p, True) for p in sorted(BUILT_IN.glob("*.md"))}
    folder = site / PLAYBOOKS_DIR
    if folder.is_dir():
        found |= {p.stem: Entry(p.stem, p, False) for p in sorted(folder.glob("*.md"))}
    return sorted(found.values(), key=lambda e: (e.built_in, e.name))


def find(site: Path, name: str) -> Entry:
    """The playbook called ``name`` (or at the path ``name``); ``Invalid`` says what there is."""
    path = Path(name)
    if name.endswith(".md") and path.is_file():
        return Entry(path.stem, path, False)
    entries = {e.name: e for e in available(site)}
    if name in entries:
        return entries[name]
    close = difflib.get_close_matches(name, list(entries), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    hint += f"'mapsite playbooks' lists them: {', '.join(entries)}"
    raise Invalid([Problem.about(name, "no such playbook", hint)])


def describe(entry: Entry) -> str:
    """The playbook's one-line description, or what is wrong with its ``playbook:`` block."""
    try:
        return read_about(entry)[0].description
    except Invalid as exc:
        return f"(cannot be used: {exc.problems[0]})"


def read_about(entry: Entry) -> tuple[About, str, Source]:
    """The ``playbook:`` block, the playbook's text and its marked front matter."""
    text = read_text(entry.path, entry.shown)
    front, _, _ = split_front_matter(text, entry.shown)
    source = Source(entry.shown, parse_yaml(front, entry.shown, 1), 1)
    data = source.marks.data
    if not isinstance(data, dict) or "playbook" not in data:
        raise Invalid([Problem(entry.shown, 2, 1, "playbook",
                               "not a playbook: there is no 'playbook:' block",
                               "start the front matter with 'playbook:' and a "
                               "'description:' under it")])  # fmt: skip
    return validate(_Head, source, "a playbook's front matter").playbook, text, source


def fill(entry: Entry, deal: Deal) -> str:
    """The plan text ``entry`` makes for ``deal``: valid, or ``Invalid`` with every
    problem, located in the playbook."""
    about, text, source = read_about(entry)
    data: dict[str, Any] = source.marks.data
    go_live = deal.go_live or deal.today + timedelta(weeks=about.weeks)
    values, problems = _values(about, deal, go_live, source)
    problems += _fields(data, source)
    changes: list[edit.Change] = []
    plan_data = copy.deepcopy({k: v for k, v in data.items() if k != "playbook"})
    for loc, old in _strings(plan_data):
        if loc == (GO_LIVE,):
            continue  # the deal's date goes there, as a date
        new, unknown = substitute(old, values)
        problems += [_unknown(source, loc, name, values)
                     for name in unknown if name not in about.placeholders]  # fmt: skip
        if new != old:
            changes.append(edit.Change(loc, new))
            _put(plan_data, loc, new)
    _, body, body_line = split_front_matter(text, entry.shown)
    body_text, body_problems = _body(body, body_line, values, entry.shown, set(about.placeholders))
    problems += body_problems
    if problems:
        raise Invalid(problems)
    plan_data |= {GO_LIVE: go_live, "share": {"token": deal.token}}
    plan, dates = _checked_plan(plan_data, source, deal.holidays)
    problems = [
        source.problem(("playbook", "keep_relative", i), f"'{name}' is not go_live or an id "
                       "of this playbook", "name go_live, or the id of a milestone or step")
        for i, name in enumerate(about.keep_relative)
        if name != GO_LIVE and name not in {schedule.item(plan, k).id for k in dates.order}
    ]  # fmt: skip
    if problems:
        raise Invalid(problems)
    keep = set(about.keep_relative)
    for key in schedule.keys(plan):
        spec, target = schedule.item(plan, key).due, dates.due(key)
        if isinstance(spec, Offset) and spec.ref not in keep and target is not None:
            changes.append(edit.Change(_due_loc(key), target))
    changes += [edit.Change((GO_LIVE,), go_live), edit.Change(("updated",), deal.today)]
    filled = edit.apply(text, changes, entry.shown)
    filled = filled[: len(filled) - len(body)] + body_text  # the body is untouched by apply
    return _finish(filled, entry.shown, deal)


def _body(
    body: str, first_line: int, values: Mapping[str, str], shown: str, declared: set[str]
) -> tuple[str, list[Problem]]:
    """The Markdown after the front matter, filled in line by line (Markdown is text:
    no quoting), and a problem at each unknown placeholder (not at those ``declared``
    without a value: their declaration has the problem)."""
    lines, problems = [], []
    for number, line in enumerate(body.splitlines(keepends=True), first_line + 1):
        new, unknown = substitute(line, values)
        lines.append(new)
        for name in dict.fromkeys(n for n in unknown if n not in declared):
            found = re.search(r"\$\{\s*" + re.escape(name) + r"\s*\}", line)
            column = found.start() + 1 if found else 1
            close = difflib.get_close_matches(name, list(values), n=1)
            hint = f"did you mean '${{{close[0]}}}'?" if close else _known(values)
            problems.append(Problem(shown, number, column, "", f"unknown placeholder "
                                    f"'${{{name}}}'", hint))  # fmt: skip
    return "".join(lines), problems


def _known(values: Mapping[str, str]) -> str:
    return "declare it under playbook.placeholders, or use one of: " + ", ".join(
        f"${{{n}}}" for n in values
    )


def substitute(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with each ``${name}`` replaced by its value, and the names without one.
    ``${name}'s`` is the possessive: ``Fabrikam Logistics'`` for a name ending in s."""
    unknown: list[str] = []

    def one(match: re.Match[str]) -> str:
        name, owner = match[1], match[2]
        if name not in values:
            unknown.append(name)
            return match[0]
        return names.possessive(values[name], owner[0]) if owner else values[name]

    return PLACEHOLDER.sub(one, text), unknown


def _values(
    about: About, deal: Deal, go_live: date, source: Source
) -> tuple[dict[str, str], list[Problem]]:
    """Every placeholder's value; a missing one is a problem at its declaration."""
    values = {"buyer": deal.buyer, "seller": deal.seller, GO_LIVE: go_live.isoformat()}
    problems: list[Problem] = []
    for name in deal.values:
        if name not in about.placeholders:
            own = ", ".join(about.placeholders) or "none"
            why = "is built in" if name in values else "is not a placeholder of this playbook"
            problems.append(Problem.about(source.file, f"--set {name}: '{name}' {why}",
                                          f"its own placeholders: {own}"))  # fmt: skip
    for name, spec in about.placeholders.items():
        if name in BUILT_IN_PLACEHOLDERS:
            problems.append(source.problem(("playbook", "placeholders", name),
                                           f"'{name}' is a built-in placeholder",
                                           "give it another name", key=True))  # fmt: skip
            continue
        value = deal.values.get(name, spec.default)
        if value is None or not value.strip():
            problems.append(source.problem(("playbook", "placeholders", name),
                                           f"no value for '${{{name}}}' ({spec.description})",
                                           f"give one: --set {name}=\"...\", or a default: "
                                           "in the playbook", key=True))  # fmt: skip
        else:
            values[name] = value.strip()
    return values, problems


def _fields(data: dict[str, Any], source: Source) -> list[Problem]:
    """A playbook has a go_live: line (the deal's date goes there) and no share: block."""
    problems = []
    if GO_LIVE not in data:
        problems.append(Problem(source.file, 2, 1, GO_LIVE, "a playbook needs a go_live: line",
                                "add 'go_live: ${go_live}': mapsite new writes the deal's "
                                "date there"))  # fmt: skip
    if "share" in data:
        problems.append(source.problem(("share",), "a playbook has no share: block",
                                       "remove it: mapsite new gives each plan its own "
                                       "private link", key=True))  # fmt: skip
    return problems


def _strings(data: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every text value and its YAML path, in file order."""
    if isinstance(data, str):
        return [(loc, data)] if "${" in data else []
    if isinstance(data, dict):
        return [f for k, v in data.items() if isinstance(k, str) for f in _strings(v, (*loc, k))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _strings(v, (*loc, i))]
    return []


def _put(data: Any, loc: tuple[str | int, ...], value: str) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def _unknown(
    source: Source, loc: tuple[str | int, ...], name: str, values: Mapping[str, str]
) -> Problem:
    close = difflib.get_close_matches(name, list(values), n=1)
    hint = f"did you mean '${{{close[0]}}}'?" if close else _known(values)
    return source.problem(loc, f"unknown placeholder '${{{name}}}'", hint)


def _checked_plan(
    data: dict[str, Any], source: Source, holidays: str | None
) -> tuple[Plan, schedule.Dates]:
    """The filled-in plan, validated as ``load.parse_plan`` validates a plan file, its
    problems located in the playbook (whose positions ``source`` holds)."""
    source.marks.data = data
    plan, dates, _ = validated_plan(source, holidays)
    return plan, dates


def _due_loc(key: schedule.Key) -> tuple[str | int, ...]:
    mi, si = key
    return ("milestones", mi, "due") if si is None else ("milestones", mi, "steps", si, "due")


def _finish(text: str, shown: str, deal: Deal) -> str:
    """The plan's text: the ``playbook:`` block taken out, and the share token (and
    ``draft: true``) written on the lines before ``go_live:``."""
    first = text.splitlines(keepends=True)[0]
    head = len(first)  # the front matter starts after the opening '---' line
    newline = first[len(first.rstrip("\r\n")) :] or "\n"
    front, _, _ = split_front_matter(text, shown)
    root = yaml.compose(front, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Invalid([Problem(shown, 2, 1, "", "a playbook's front matter must be block YAML "
                               "('field: value' lines)", "write it without '{...}'")])  # fmt: skip
    fields = {k.value: (k, v) for k, v in root.value}
    key, value = fields["playbook"]
    start, end = key.start_mark.index, edit.line_end(front, edit.value_end(front, value))
    end += len(newline) if front.startswith(newline, end) else 0
    at = fields[GO_LIVE][0].start_mark.index
    lines = [DRAFT_LINE] if deal.draft else []
    lines += ["share:", f"  token: {deal.token}  {SHARE_COMMENT}"]
    insert = "".join(line + newline for line in lines)
    for cut_start, cut_end, new in sorted([(start, end, ""), (at, at, insert)], reverse=True):
        front = front[:cut_start] + new + front[cut_end:]
    return text[:head] + front + text[head + len(split_front_matter(text, shown)[0]) :]


def new_plan_text(entry: Entry, deal: Deal, target: Path) -> str:
    """``fill``, then the result loaded as the plan file it becomes: a mistake of
    mapsite's own would be refused here (``Invalid``) rather than written."""
    text = fill(entry, deal)
    parse_plan(text, target, deal.holidays, display_path(target))
    return text


def listing(site: Path) -> str:
    """``mapsite playbooks``: each playbook's name, where it is, and what it is for."""
    entries = available(site)
    overridden = {p.stem for p in BUILT_IN.glob("*.md")}
    rows = []
    for entry in entries:
        where = "built in" if entry.built_in else entry.shown
        if not entry.built_in and entry.name in overridden:
            where += " (instead of the built-in one)"
        rows.append((entry.name, where, describe(entry)))
    name_width = max(len(r[0]) for r in rows)
    where_width = max(len(r[1]) for r in rows)
    lines = [f"{n:<{name_width}}  {w:<{where_width}}  {d}" for n, w, d in rows]
    example = next((e.name for e in entries if not e.built_in), "enterprise")
    lines += [
        "",
        f'Start a plan: mapsite new NAME --playbook {example} --buyer "Buyer name" '
        "--go-live YYYY-MM-DD",
        f"A playbook of your own: {PLAYBOOKS_DIR}/NAME.md (docs/playbooks.md)",
    ]
    return "\n".join(lines) + "\n"


def site_problems(
    site: Path, today: date, seller: str | None, holidays: str | None
) -> list[Problem]:
    """What is wrong with each of the site's own playbooks, filled in with sample values
    (a placeholder without a default gets its name): for ``mapsite check``, so that a
    broken playbook fails the pull request that brings it, not the rep who uses it."""
    problems: list[Problem] = []
    for entry in (e for e in available(site) if not e.built_in):
        try:
            about, _, _ = read_about(entry)
            values = {
                n: p.default or n.replace("_", " ").title() for n, p in about.placeholders.items()
            }
            deal = Deal("Buyer", seller or "Seller", today, "Sample-token-0000000000", None,
                        {n: v for n, v in values.items() if n not in BUILT_IN_PLACEHOLDERS},
                        holidays=holidays)  # fmt: skip
            fill(entry, deal)
        except Invalid as exc:
            problems += exc.problems
    return problems
