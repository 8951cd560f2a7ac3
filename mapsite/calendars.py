"""Calendars that remind people: ``plan.ics`` beside each plan's page, and one per
stakeholder (``people/priya-raman.ics``) with only the steps they own or co-own.

What goes in: every open step and every milestone not yet done, as an all-day
event (``DTSTART;VALUE=DATE``, ``DTEND`` the day after) on its projected date
(``schedule.project``: its target date, unless something it counts from slipped);
undated ones are left out. Events
are reminders, not busy time (``TRANSP:TRANSPARENT``); steps carry an alarm at
09:00 the day before.

The rules that let a subscribed calendar update instead of duplicating:

- ``UID``: a hash of the plan's file slug, the item's kind (step or milestone)
  and its id, or, without one, its text with case and spacing folded (the second
  item of the same text gets ``#2``, the third ``#3``, in plan order). Never its
  position or the share token: moving a step to another milestone, or rotating
  the link, keeps its UID, and the same step has the same UID in every calendar.
- ``DTSTAMP``: the build date at 00:00 UTC. ``SEQUENCE``: the number of days from
  2000-01-01 to the build date. One plan built twice on one day gives the same
  bytes; a later build has a higher SEQUENCE, so it supersedes an older import.

A protected plan publishes no calendar (calendar apps cannot unlock one), nor
does an expired plan (its link answers 410 Gone). Pure functions; no I/O.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from icalendar import vCategory, vDate, vDatetime, vDuration, vUri

from . import address, i18n, names, schedule
from .i18n import N_, ngettext
from .i18n import gettext as _
from .load import Document
from .model import Milestone, Plan, Stakeholder, Status, Step
from .names import one_line
from .schedule import Key, Projection
from .share import plan_url

PLAN_FILE = "plan.ics"
PEOPLE_DIR = "people"
REFRESH = timedelta(hours=6)
"""How often subscribed calendars should fetch the feed again (REFRESH-INTERVAL)."""
ALARM = timedelta(hours=-15)
"""An all-day event starts at midnight: 15 hours before is 09:00 the day before."""
EPOCH = date(2000, 1, 1)
"""SEQUENCE counts days from here."""
SLUG_LENGTH = 60  # characters of a person's file name, before any disambiguating suffix
CATEGORY = N_("Mutual action plan")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not tab, not line feed: text keeps them
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Feed:
    """One calendar file beside the plan's page."""

    file: str
    """Its address relative to the page: ``plan.ics``, ``people/priya-raman.ics``."""
    events: int
    """How many events it holds."""
    data: bytes = field(repr=False)
    """The iCalendar file."""


@dataclass(frozen=True)
class CalendarLink:
    """One calendar beside the page, for its "Subscribe" and "Download .ics" links."""

    file: str
    """Its address relative to the page: plan.ics, or people/NAME.ics."""
    webcal: str | None
    """webcal://HOST/TOKEN/FILE when the site's address is known at build time; else None
    (link the file, marked data-webcal: mapsite.js makes the webcal address from the page's)."""
    events: int
    """Open steps (and, in the plan's calendar, milestones) with a date: what it shows now."""


@dataclass(frozen=True)
class CalendarLinks:
    """The calendars a plan publishes (``view.calendar``; None for a protected plan)."""

    plan: CalendarLink
    """Every open step and milestone of the plan."""
    people: dict[str, CalendarLink]
    """Each stakeholder's name, as written, -> their own steps' calendar."""


@dataclass(frozen=True)
class Calendars:
    """A plan's published calendars."""

    plan: Feed
    people: dict[str, Feed]
    """Each stakeholder's name, as written, -> their calendar (one file per person:
    names that differ only in case share it, as they share their steps)."""
    page_url: str | None
    """The page's absolute address, when known."""

    def files(self) -> dict[str, bytes]:
        """File name (relative to the page's folder) -> contents."""
        feeds = [self.plan, *self.people.values()]
        return {feed.file: feed.data for feed in feeds}

    def links(self) -> CalendarLinks:
        def link(feed: Feed) -> CalendarLink:
            webcal = None
            if self.page_url:
                webcal = "webcal://" + self.page_url.split("://", 1)[-1] + feed.file
            return CalendarLink(feed.file, webcal, feed.events)

        people = {name: link(feed) for name, feed in self.people.items()}
        return CalendarLinks(link(self.plan), people)


def publish(
    doc: Document, today: date, base: str | None, projection: Projection | None = None
) -> Calendars | None:
    """The calendars of a plan's page, or None when it publishes none: a protected plan
    (a calendar app cannot unlock an encrypted file, so it would be published in the
    clear) and an expired one (its link answers 410 Gone, calendars included).
    ``base`` is the site's address (``share.base_url``), when known."""
    share = doc.plan.share
    if share.password_env or (share.expires is not None and share.expires < today):
        return None
    return calendars(doc, today, plan_url(doc.plan, base) if base else None, projection)


def calendars(
    doc: Document, today: date, page_url: str | None, projection: Projection | None = None
) -> Calendars:
    """The plan's calendar and one per stakeholder, as built on ``today``; their links
    point at ``page_url`` (the page's absolute address) when it is known."""
    plan = doc.plan
    if page_url is not None:  # from mapsite.yml: a stray control character breaks a line
        page_url = _ANY_CONTROL.sub("", page_url)
    if projection is None:
        projection = schedule.project(plan, doc.dates, doc.calendar, today)
    uid = uids(plan, doc.slug)
    stamp = Stamp.of(today)
    people = schedule.people_by_name(plan)
    said = texts()  # in the language spoken, looked up once for the plan's events
    entries: list[Entry] = []
    for key in schedule.keys(plan):
        when = projection.projected.get(key)  # the target date, unless a slip moved it
        if when is not None and not _done(plan, key):
            due = doc.dates.due(key)
            entries.append(
                entry(plan, key, when, due, projection, uid[key], people, page_url, said)
            )
    events = {e.uid: _event(e, stamp) for e in entries}  # each written once, shared

    title = plan_title(plan)
    plan_feed = _feed(
        PLAN_FILE,
        title,
        _(
            "The open steps and milestones of %(title)s, each on the date it is now "
            "expected. Subscribe to keep it up to date as the plan changes."
        )
        % {"title": title},
        list(events.values()),
        page_url,
    )
    files = person_files(plan)
    by_file: dict[str, Feed] = {}
    feeds: dict[str, Feed] = {}
    for person in plan.stakeholders:
        name = person.name.casefold()
        file = files[name]
        if file not in by_file:
            by_file[file] = _feed(
                file,
                f"{plan.title} · {person.name}",
                _(
                    "The open steps of %(name)s in %(title)s, each on the date it is now "
                    "expected. Subscribe to keep it up to date as the plan changes."
                )
                % {"name": person.name, "title": title},
                [events[e.uid] for e in entries if name in e.owners],
                page_url,
            )
        feeds[person.name] = by_file[file]
    return Calendars(plan_feed, feeds, page_url)


def plan_title(plan: Plan) -> str:
    """``Contoso × Northwind Financial: Revenue forecasting rollout``: the parties in
    the page's order."""  # noqa: RUF002
    return f"{plan.seller.name} × {plan.buyer.name}: {plan.title}"


@dataclass(frozen=True)
class Stamp:
    """DTSTAMP and SEQUENCE of every event built on one day."""

    dtstamp: str
    """The build date at 00:00 UTC, as iCalendar writes it: 20261123T000000Z."""
    sequence: int
    """Days from 2000-01-01 to the build date."""

    @classmethod
    @functools.lru_cache(maxsize=8)  # one build day: the same for every plan
    def of(cls, today: date) -> Stamp:
        stamp = datetime.combine(today, time(), UTC)
        return cls(vDatetime(stamp).to_ical().decode(), max(0, (today - EPOCH).days))


# --- identities --------------------------------------------------------------------------


def uids(plan: Plan, slug: str) -> dict[Key, str]:
    """Every milestone's and step's UID (see the module's docstring for the rule)."""
    seen: Counter[tuple[str, str]] = Counter()
    out: dict[Key, str] = {}
    for key in schedule.keys(plan):
        item = schedule.item(plan, key)
        kind = "milestone" if key[1] is None else "step"
        if item.id:
            name = f"id:{item.id}"
        else:
            text = one_line(_words(item).casefold())
            seen[kind, text] += 1
            count = seen[kind, text]
            name = f"text:{text}" + (f"#{count}" if count > 1 else "")
        digest = hashlib.sha256(f"{slug}\0{kind}\0{name}".encode()).hexdigest()
        out[key] = f"{digest[:32]}@mapsite"
    return out


def person_files(plan: Plan) -> dict[str, str]:
    """Each stakeholder (by name, case folded) -> their calendar's file name:
    ``people/priya-raman.ics``. Names that make the same file name get a suffix from
    their own name (``people/jose-nunez-3f2a1b.ics``), except the first in the plan,
    so a person's file stays the same when others join."""
    files: dict[str, str] = {}
    used: set[str] = set()
    for person in plan.stakeholders:
        key = person.name.casefold()
        if key in files:
            continue
        base = slug(person.name)
        name = base
        if not base or base in used:
            suffix = hashlib.sha256(key.encode()).hexdigest()[:6]
            name = f"{base or 'person'}-{suffix}"
        used.add(name)
        files[key] = f"{PEOPLE_DIR}/{name}.ics"
    return files


def slug(name: str) -> str:
    """``Zoë O'Brien`` -> ``zoe-o-brien``, cut to SLUG_LENGTH at most."""
    return names.slug(name)[:SLUG_LENGTH].strip("-")


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What one event says, before it is written as iCalendar."""

    uid: str
    day: date
    summary: str
    description: str
    categories: tuple[str, ...]
    url: str | None
    alarm: str | None
    """The reminder's text (steps only)."""
    owners: frozenset[str]
    """Its owners' names, case folded (steps only)."""


def entry(
    plan: Plan,
    key: Key,
    when: date,
    due: date | None,
    projection: Projection,
    uid: str,
    people: dict[str, Stakeholder],
    page_url: str | None,
    said: dict[str, str] | None = None,
) -> Entry:
    """The event of the milestone or step at ``key``, on ``when`` (its target: ``due``);
    ``said``: its words (``texts()``)."""
    said = said or texts()
    item = schedule.item(plan, key)
    lines: list[str] = []
    if isinstance(item, Step):
        summary = item.task
        lines.append(_owners(plan, item, people))
        lines.append(said["milestone"] % {"name": one_line(plan.milestones[key[0]].name)})
        status = item.status.label
        lines.append(said["status"] % {"status": status})
        kind, alarm = said["step"], said["tomorrow"] % {"task": item.task}
        notes = said["notes"] % {"notes": item.notes} if item.notes else None
    else:
        summary = said["milestone"] % {"name": item.name}
        lines.append(
            said["number"]
            % {"number": key[0] + 1, "total": len(plan.milestones), "name": one_line(item.name)}
        )
        status = schedule.state_label(schedule.milestone_state(item))
        progress = schedule.progress(item.steps)
        if progress.total:
            lines.append(
                said["progress"]
                % {"status": status, "done": progress.done, "total": progress.total}
            )
        else:
            lines.append(said["status"] % {"status": status})
        kind, alarm = said["a milestone"], None
        notes = said["why"] % {"why": item.why} if item.why else None
    if due is not None:
        lines.append(said["due"] % {"date": day(due)})
    if due is None or when > due:
        if due is not None:
            late = (when - due).days
            lines.append(
                ngettext("Projected: %(date)s, %(count)s day late",
                         "Projected: %(date)s, %(count)s days late", late)
                % {"date": day(when), "count": late}
            )  # fmt: skip
        else:
            lines.append(said["projected"] % {"date": day(when)})
    if key in projection.critical:
        lines.append(said["critical"])
    if notes:
        lines.append(notes)
    url = f"{page_url}#{address.anchor(plan, key)}" if page_url else None
    if url:
        lines.append(said["open"] % {"url": url})
    owners = item.owner if isinstance(item, Step) else []
    return Entry(
        uid=uid,
        day=when,
        summary=summary,
        description="\n".join(lines),
        categories=(said["category"], kind, status),
        url=url,
        alarm=alarm,
        owners=frozenset(name.casefold() for name in owners),
    )


def texts() -> dict[str, str]:
    """The events' words in the language spoken (i18n.speaking)."""
    return {
        "milestone": _("Milestone: %(name)s"),
        "status": _("Status: %(status)s"),
        "step": _("Step"),
        "tomorrow": _("Tomorrow: %(task)s"),
        "notes": _("Notes: %(notes)s"),
        "number": _("Milestone %(number)s of %(total)s: %(name)s"),
        "progress": _("Status: %(status)s (%(done)s of %(total)s steps done)"),
        "a milestone": _("Milestone"),
        "why": _("Why: %(why)s"),
        "due": _("Due: %(date)s"),
        "projected": _("Projected: %(date)s"),
        "critical": _("On the critical path: a slip here moves the go-live"),
        "open": _("Open the plan: %(url)s"),
        "category": _(CATEGORY),
    }


def _done(plan: Plan, key: Key) -> bool:
    item = schedule.item(plan, key)
    if isinstance(item, Step):
        return item.status is Status.DONE
    return schedule.milestone_state(item) == "done"


def _words(item: Milestone | Step) -> str:
    return item.name if isinstance(item, Milestone) else item.task


def _owners(plan: Plan, step: Step, people: dict[str, Stakeholder]) -> str:
    """``Owner: Priya Raman (Northwind Financial)``; several, or none yet."""
    names = []
    for owner in step.owner:
        person = people.get(owner.casefold())
        company = getattr(plan, person.side).name if person and person.side else None
        names.append(one_line(f"{owner} ({company})" if company else owner))
    if not names:
        return _("Owner: nobody yet")
    return ngettext("Owner: %(names)s", "Owners: %(names)s", len(names)) % {
        "names": ", ".join(names)
    }


def day(value: date) -> str:
    """``Tue 15 Dec 2026``: with the year always, as a calendar entry is read long after."""
    return i18n.current().full_date(value)


# --- iCalendar text ---------------------------------------------------------------------
# icalendar encodes the values (dates, durations, lists, addresses; TEXT is escaped
# here, see text()); the lines are put together here. Its Component API took 0.5 ms an
# event (8 ms a plan with its people's calendars: the 1000-plan build would take 8 s
# longer); this takes 0.05 ms.
# build.py imports this module only when it writes a plan: icalendar takes 40 ms.

CRLF = b"\r\n"
LINE_OCTETS = 75  # RFC 5545 3.1: longer lines are folded


def _event(e: Entry, stamp: Stamp) -> bytes:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{e.uid}",  # hexadecimal: nothing to escape
        f"DTSTAMP:{stamp.dtstamp}",
        f"SEQUENCE:{stamp.sequence}",
        f"DTSTART;VALUE=DATE:{_date(e.day)}",
        f"DTEND;VALUE=DATE:{_date(e.day + timedelta(days=1))}",
        f"SUMMARY:{text(e.summary)}",
        f"DESCRIPTION:{text(e.description, keep_lines=True)}",
        f"CATEGORIES:{_categories(e.categories)}",
        "TRANSP:TRANSPARENT",  # a reminder, not a busy block
    ]
    if e.url:
        lines.append(f"URL:{_uri(e.url)}")
    if e.alarm:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{text(e.alarm)}",
                  f"TRIGGER:{_duration(ALARM)}", "END:VALARM"]  # fmt: skip
    lines.append("END:VEVENT")
    return content(lines)


def _feed(
    file: str, name: str, description: str, events: list[bytes], page_url: str | None
) -> Feed:
    """A whole calendar file: its own properties, then ``events``."""
    name_text, description_text = text(name), text(description)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_prodid()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # the RFC 7986 names, and the X-WR- ones most calendar apps read
        f"NAME:{name_text}",
        f"X-WR-CALNAME:{name_text}",
        f"DESCRIPTION:{description_text}",
        f"X-WR-CALDESC:{description_text}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{_duration(REFRESH)}",
        f"X-PUBLISHED-TTL:{_duration(REFRESH)}",
    ]
    if page_url:
        lines += [f"SOURCE;VALUE=URI:{_uri(page_url + file)}", f"URL:{_uri(page_url)}"]
    data = content(lines) + b"".join(events) + b"END:VCALENDAR" + CRLF
    return Feed(file, len(events), data)


def text(value: str, *, keep_lines: bool = False) -> str:
    """An escaped iCalendar TEXT value, without control characters (RFC 5545 allows none
    but tab), on one line unless ``keep_lines`` (a description keeps its line breaks).

    The escapes of RFC 5545 3.3.11, as icalendar's vText writes them, but without a
    vText: each one builds a parameters object, a third of a plan's calendars' time.
    (Unlike vText, a backslash and N written in a task stays text, not a line break.)"""
    cleaned = _clean(value, keep_lines=keep_lines)
    return (
        cleaned.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _clean(value: str, *, keep_lines: bool = False) -> str:
    if not value.isprintable():  # line breaks or control characters (or odd spaces)
        value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value if keep_lines else one_line(value)


def content(lines: list[str]) -> bytes:
    """Content lines, each folded (``fold``) and ended with CRLF: the short ASCII lines
    of an event (most of them) as they are, encoded once together."""
    shown = [
        line if len(line) <= LINE_OCTETS and line.isascii() else fold(line)[:-2].decode()
        for line in lines
    ]
    return ("\r\n".join(shown) + "\r\n").encode() if shown else b""


def fold(line: str) -> bytes:
    """One content line, folded to lines of at most 75 octets, with its line break.

    Never inside a UTF-8 character, and never right after a backslash, so that an
    escape (``\\n``, ``\\,``) stays whole for readers that unfold carelessly."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data + CRLF
    parts = []
    limit = LINE_OCTETS
    while len(data) > limit:
        end = limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to its start
            end -= 1
        if data[end - 1] == 0x5C:  # a backslash
            end -= 1
        parts.append(data[:end])
        data = data[end:]
        limit = LINE_OCTETS - 1  # a folded line starts with a space
    parts.append(data)
    return b"\r\n ".join(parts) + CRLF


@functools.lru_cache(maxsize=1024)  # a plan's dates repeat
def _date(value: date) -> str:
    return vDate(value).to_ical().decode()


@functools.cache  # two durations in all
def _duration(value: timedelta) -> str:
    return vDuration(value).to_ical().decode()


@functools.lru_cache(maxsize=64)  # a few kinds and statuses
def _categories(values: tuple[str, ...]) -> str:
    # vCategory escapes each value itself
    return vCategory([_clean(v) for v in values]).to_ical().decode()


def _uri(value: str) -> str:
    """What ``vUri(value).to_ical()`` writes, without the parameters object it makes
    for each value: a page's address here has no control character (``calendars``
    removes them) and its anchors are ids."""
    if "\r" in value or "\n" in value:
        return vUri(value).to_ical().decode()  # refuses it, as icalendar does
    return value


@functools.cache
def _prodid() -> str:
    from . import __version__

    return text(f"-//mapsite//mapsite {__version__}//EN")
