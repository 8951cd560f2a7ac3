"""``mapsite digest``: each person's week across every plan, ready to paste into an
email or a GitHub issue, or to run on a schedule.

For each person (the plans' stakeholders, matched by name whatever the case, and
owners not listed as stakeholders): the open steps they own that are overdue, those
due in the next 7 days, and what changed in their plans that concerns them (their
steps, and news for the whole plan such as a go-live move). People with nothing to
report are left out. Pure functions of a loaded site and its history.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import schedule
from .address import address
from .changes import Change
from .load import Document
from .render import format_date, relative
from .site import Site
from .whatsnew import change_json, plan_news, preload

AHEAD_DAYS = 7
"""Steps due from today to 6 days later are "due in the next 7 days"."""


@dataclass(frozen=True)
class Step:
    """An open step someone owns."""

    plan: str
    """The plan's file."""
    deal: str
    """The buyer's name: what a rep calls the deal."""
    task: str
    address: str
    due: date
    overdue_days: int


@dataclass(frozen=True)
class News:
    """A change in one of the person's plans."""

    plan: str
    deal: str
    change: Change


@dataclass
class Person:
    name: str
    overdue: list[Step] = field(default_factory=list)
    """Most overdue first."""
    due_soon: list[Step] = field(default_factory=list)
    """Soonest first."""
    changes: list[News] = field(default_factory=list)
    """Newest first."""

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.changes)


@dataclass(frozen=True)
class Digest:
    today: date
    since: date
    """Changes from this day on."""
    until: date
    """Steps due up to this day are due soon."""
    people: list[Person]
    """In name order."""


class UnknownPerson(Exception):
    """``--person`` names no one in the plans; ``close``: names like it."""

    def __init__(self, name: str, close: list[str]) -> None:
        hint = f" (did you mean {_either(close)}?)" if close else ""
        super().__init__(f"no one called '{name}' in the plans{hint}")


def digest(site: Site, today: date, since: date, person: str | None = None) -> Digest:
    """Every person's week; only ``person`` when given (raises ``UnknownPerson``)."""
    until = today + timedelta(days=AHEAD_DAYS - 1)
    people: dict[str, Person] = {}
    for doc in site.documents:
        for name in [p.name for p in doc.plan.stakeholders] + [
            owner for _, step in doc.plan.steps() for owner in step.owner
        ]:
            people.setdefault(name.casefold(), Person(name))
    if person is not None:
        wanted = person.strip().casefold()
        if wanted not in people:
            names = sorted({p.name for p in people.values()})
            raise UnknownPerson(person, difflib.get_close_matches(person, names))
        people = {wanted: people[wanted]}
    preload(site, [doc.path for doc in site.documents], since)
    for doc in site.documents:
        _steps(doc, people, today, until)
        _news(doc, people, plan_news(site, doc, since, today).changes)
    for p in people.values():
        p.overdue.sort(key=lambda s: (-s.overdue_days, s.due, s.deal.casefold()))
        p.due_soon.sort(key=lambda s: (s.due, s.deal.casefold()))
        p.changes.sort(key=lambda n: -n.change.when.toordinal())  # stable: plan order kept
    shown = [p for p in people.values() if not p.empty or person is not None]
    return Digest(today, since, until, sorted(shown, key=lambda p: p.name.casefold()))


def _steps(doc: Document, people: dict[str, Person], today: date, until: date) -> None:
    plan = doc.plan
    for mi, milestone in enumerate(plan.milestones):
        for si, step in enumerate(milestone.steps):
            due = doc.dates.due((mi, si))
            if step.status is schedule.Status.DONE or due is None or due > until:
                continue
            late = schedule.days_overdue(step, due, today)
            where = address(plan, (mi, si))
            found = Step(doc.source.file, plan.buyer.name, step.task, where, due, late)
            for owner in dict.fromkeys(o.casefold() for o in step.owner):
                if owner in people:
                    (people[owner].overdue if late else people[owner].due_soon).append(found)


def _news(doc: Document, people: dict[str, Person], changes: list[Change]) -> None:
    members = {p.name.casefold() for p in doc.plan.stakeholders}
    members |= {o.casefold() for _, step in doc.plan.steps() for o in step.owner}
    for change in changes:
        concerned = {name.casefold() for name in change.people}
        for key in (members if change.plan_wide else set()) | concerned:
            if key in people:
                people[key].changes.append(News(doc.source.file, doc.plan.buyer.name, change))


def _either(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


# --- output ---------------------------------------------------------------------------


def render(found: Digest, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_as_json(found), indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(found)
    return _text(found)


def _due(step: Step, today: date) -> str:
    if step.overdue_days:
        days = f"{step.overdue_days} day{'s' if step.overdue_days != 1 else ''}"
        return f"{days} overdue (due {format_date(step.due, today)})"
    return f"due {format_date(step.due, today)}, {relative(step.due, today)}"


def _intro(found: Digest) -> tuple[str, str]:
    day = found.today
    title = f"Digest for {format_date(day, day)} {day.year}"
    what = (
        f"Overdue steps, steps due by {format_date(found.until, day)}, and what changed "
        f"since {format_date(found.since, day)}."
    )
    return title, what


def _text(found: Digest) -> str:
    day = found.today
    title, what = _intro(found)
    lines = [title, what]
    if not found.people:
        lines += ["", "Nothing to report: nothing overdue, due soon or changed."]
    for person in found.people:
        lines += ["", person.name]
        if person.empty:
            lines.append("  Nothing to report.")
        if person.overdue:
            lines.append("  Overdue")
            lines += [f"    - {s.task}: {_due(s, day)} · {s.deal}" for s in person.overdue]
        if person.due_soon:
            lines.append(f"  Due in the next {AHEAD_DAYS} days")
            lines += [f"    - {s.task}: {_due(s, day)} · {s.deal}" for s in person.due_soon]
        if person.changes:
            lines.append("  What changed")
            lines += [
                f"    - {format_date(n.change.when, day)} · {n.deal}: {n.change.text}"
                for n in person.changes
            ]
    return "\n".join(lines) + "\n"


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Plan text as Markdown that shows as written."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _markdown(found: Digest) -> str:
    day = found.today
    title, what = _intro(found)
    lines = [f"# {title}", "", what]
    if not found.people:
        lines += ["", "Nothing to report: nothing overdue, due soon or changed."]
    for person in found.people:
        lines += ["", f"## {_md(person.name)}", ""]
        if person.empty:
            lines.append("Nothing to report.")
        steps = [
            [f"**{_md(s.task)}**: {_due(s, day)} · {_md(s.deal)}" for s in found_steps]
            for found_steps in (person.overdue, person.due_soon)
        ]
        changed = [
            f"{format_date(n.change.when, day)} · {_md(n.deal)}: {_md(n.change.text)}"
            for n in person.changes
        ]
        sections = [
            ("Overdue", steps[0]),
            (f"Due in the next {AHEAD_DAYS} days", steps[1]),
            ("What changed", changed),
        ]
        first = True
        for heading, items in sections:
            if not items:
                continue
            if not first:
                lines.append("")
            first = False
            lines += [f"**{heading}**", "", *[f"- {item}" for item in items]]
    return "\n".join(lines) + "\n"


def _as_json(found: Digest) -> dict[str, object]:
    def step(s: Step) -> dict[str, object]:
        return {
            "plan": s.plan,
            "deal": s.deal,
            "task": s.task,
            "address": s.address,
            "due": s.due.isoformat(),
            "overdue_days": s.overdue_days,
        }

    return {
        "today": found.today.isoformat(),
        "since": found.since.isoformat(),
        "until": found.until.isoformat(),
        "people": [
            {
                "name": p.name,
                "overdue": [step(s) for s in p.overdue],
                "due_soon": [step(s) for s in p.due_soon],
                "changes": [
                    {"plan": n.plan, "deal": n.deal, **change_json(n.change)} for n in p.changes
                ],
            }
            for p in found.people
        ],
    }
