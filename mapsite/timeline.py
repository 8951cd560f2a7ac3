"""The overview timeline: the plan's milestones as bars along the calendar.

A pure function of (plan, dates, projection, today), no I/O: what the chart shows
and where, as dates and as positions along the span (percent of its width, so that
one SVG suits a phone and a desk alike: text keeps its size, only the bars stretch).
partials/timeline.html draws it; the page and the PDF's summary page show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from . import i18n
from .address import anchor
from .model import Plan, Status
from .schedule import Dates, Key, Projection, days_overdue, item, milestone_state

BarState = Literal["done", "blocked", "late", "in progress", "upcoming"]
Anchor = Literal["start", "middle", "end"]
STATES: tuple[BarState, ...] = ("done", "in progress", "late", "blocked", "upcoming")

EDGE = 12.0
"""Labels this close (percent) to an end of the span are aligned to that end, so
they stay inside the chart."""
ROOM_WIDE = 6.0
"""Percent of the span a month's name needs on a wide chart (600 CSS px or more)."""
ROOM_NARROW = 13.0
"""The same on a phone, where the chart is about 240 CSS px wide."""
MONTH = 30.44
"""Days in an average month."""


@dataclass(frozen=True)
class Tick:
    """A month on the axis: a line on its first day, its name in the band after it."""

    when: date
    """The first day of the month (the span's first day for its first, partial, month)."""
    at: float
    """Where it falls along the span, percent from the left."""
    label: str
    """The month's short name: ``Dec``."""
    wide: bool
    """Named on a wide chart (a long plan names every second, third ... month)."""
    narrow: bool
    """Named on a phone too."""
    line: bool = True
    """Drawn as a line (False: the span's first, partial, month: named only)."""


@dataclass(frozen=True)
class Year:
    """A year's number on the axis, under its first month shown."""

    year: int
    at: float
    """Percent of the span from the left."""


@dataclass(frozen=True)
class Bar:
    """One milestone: a bar from its first step to its date."""

    key: Key
    """(milestone index, None)."""
    number: int
    """1-based position in the plan."""
    name: str
    """The milestone's name."""
    anchor: str
    """Its fragment on the page (``#anchor``)."""
    state: BarState
    """done, blocked, late, in progress or upcoming (blocked wins over late)."""
    start: date | None
    """The earliest date of its steps (its own date when none comes earlier)."""
    end: date | None
    """Its target date (None: neither it nor its steps have a date: no bar)."""
    projected: date | None
    """Its projected date, when later than the target and not done: the slip."""
    late_days: int
    """Days it is projected after its target (0 when on time or done)."""
    overdue_steps: int
    """Open steps of it past their due date."""
    done: int
    """Steps done."""
    total: int
    """Steps in all."""
    critical: bool
    """It, or one of its steps, is on the critical path to go-live."""
    x: float
    """Where the bar starts, percent of the span."""
    width: float
    """The bar's length from start to target, percent of the span (0: a single day)."""
    fill: float
    """The part of the bar shown as done, percent of the span (steps done of total)."""
    slip_width: float
    """The slip from target to projected date, percent of the span (0: none)."""

    @property
    def dated(self) -> bool:
        """It has a date, so a bar."""
        return self.end is not None

    @property
    def end_at(self) -> float:
        """Where it ends, projected slip included, percent of the span (to a thousandth,
        as the positions: a sum of floats would write 25.308999999999997)."""
        return round(self.x + self.width + self.slip_width, 3)


@dataclass(frozen=True)
class Marker:
    """A day marked across the chart (today, the target or projected go-live)."""

    when: date
    at: float
    """Percent of the span from the left."""
    anchor: Anchor
    """How its label aligns: start near the left edge, end near the right, else middle."""


@dataclass(frozen=True)
class Timeline:
    """The chart of a plan on a day."""

    start: date
    """The first day shown: the plan's earliest date."""
    end: date
    """The last day shown: the later of the target and projected go-live (or the
    latest milestone, when one comes after go-live)."""
    ticks: list[Tick]
    """Month lines and labels, left to right."""
    years: list[Year]
    """Year labels: the first year, then each January."""
    bars: list[Bar]
    """One per milestone, in plan order."""
    today: Marker | None
    """Today's line; None when today is outside the span."""
    target: Marker | None
    """The target go-live; None when the plan has none."""
    projected: Marker | None
    """The projected go-live when later than the target; else None."""
    late_days: int
    """Days the projected go-live is after the target."""
    today_date: date
    """The day the chart is drawn for."""

    @property
    def before_start(self) -> bool:
        """Today comes before the plan's first date (so no today line)."""
        return self.today_date < self.start

    @property
    def critical(self) -> list[Bar]:
        """The milestones on the critical path."""
        return [b for b in self.bars if b.critical]

    @property
    def states(self) -> list[BarState]:
        """The states its bars show, in the legend's order."""
        shown = {b.state for b in self.bars if b.dated}
        return [s for s in STATES if s in shown]

    def count(self, state: BarState) -> int:
        """Milestones in ``state``."""
        return sum(b.state == state for b in self.bars)


def position(when: date, start: date, end: date) -> float:
    """Where ``when`` falls between ``start`` (0) and ``end`` (100), in percent."""
    days = (end - start).days
    if days <= 0:
        return 0.0
    return round(100 * (when - start).days / days, 3)


def align(at: float) -> Anchor:
    """How a label at ``at`` percent aligns so that it stays inside the chart."""
    if at < EDGE:
        return "start"
    if at > 100 - EDGE:
        return "end"
    return "middle"


def build_timeline(
    plan: Plan, dates: Dates, projection: Projection, today: date
) -> Timeline | None:
    """The chart of ``plan`` on ``today``; None when nothing in the plan has a date."""
    known = [d for d in dates.target.values() if d is not None]
    if not known:
        return None
    start = min(known)
    ends = [*known, *(d for d in projection.projected.values() if d is not None)]
    ends += [d for d in (plan.go_live, projection.go_live) if d is not None]
    end = max(ends)

    bars = [
        _bar(plan, dates, projection, today, mi, start, end) for mi in range(len(plan.milestones))
    ]
    target = projected = None
    if plan.go_live is not None:
        at = position(plan.go_live, start, end)
        target = Marker(plan.go_live, at, align(at))
    late = projection.late_by(plan)
    if late and projection.go_live is not None:
        at = position(projection.go_live, start, end)
        projected = Marker(projection.go_live, at, align(at))
    now = None
    if start <= today <= end:
        at = position(today, start, end)
        now = Marker(today, at, align(at))
    return Timeline(
        start=start,
        end=end,
        ticks=month_ticks(start, end),
        years=year_labels(start, end),
        bars=bars,
        today=now,
        target=target,
        projected=projected,
        late_days=late,
        today_date=today,
    )


def _bar(
    plan: Plan,
    dates: Dates,
    projection: Projection,
    today: date,
    mi: int,
    span_start: date,
    span_end: date,
) -> Bar:
    milestone = plan.milestones[mi]
    key: Key = (mi, None)
    step_keys = [(mi, si) for si in range(len(milestone.steps))]
    step_dates = [d for k in step_keys if (d := dates.target.get(k)) is not None]
    end = dates.target.get(key)
    if end is None and step_dates:
        end = max(step_dates)
    start = min([*step_dates, end]) if end is not None else None

    rolled = milestone_state(milestone)
    done = rolled == "done"
    projected = projection.projected.get(key)
    if end is not None and not done:
        # a milestone still open past its date will at best be reached today
        latest = max(d for d in (projected, today, end) if d is not None)
        projected = latest if latest > end else None
    else:
        projected = None
    late_days = (projected - end).days if projected and end else 0
    overdue = sum(
        days_overdue(s, dates.target.get(k), today) > 0
        for k in step_keys
        if (s := item(plan, k)).status is not Status.DONE  # type: ignore[union-attr]
    )
    state: BarState
    if done:
        state = "done"
    elif rolled == "blocked":
        state = "blocked"
    elif late_days or overdue:
        state = "late"
    else:
        state = rolled

    total = len(milestone.steps)
    finished = sum(s.status is Status.DONE for s in milestone.steps)
    x = width = fill = slip = 0.0
    if start is not None and end is not None:
        x = position(start, span_start, span_end)
        width = round(position(end, span_start, span_end) - x, 3)
        fill = round(width * finished / total, 3) if total else (width if done else 0.0)
        if projected is not None:
            slip = round(position(projected, span_start, span_end) - x - width, 3)
    return Bar(
        key=key,
        number=mi + 1,
        name=milestone.name,
        anchor=anchor(plan, key),
        state=state,
        start=start,
        end=end,
        projected=projected,
        late_days=late_days,
        overdue_steps=overdue,
        done=finished,
        total=total,
        critical=any(k in projection.critical for k in (key, *step_keys)),
        x=x,
        width=width,
        fill=fill,
        slip_width=slip,
    )


def month_ticks(start: date, end: date) -> list[Tick]:
    """A line on the first of every month after ``start`` up to ``end``, each named in
    the band after it where its name has room before the next name or the end: on a
    long plan only every second, third, sixth or twelfth month (counted from January).
    The span's first month is named too when enough of it shows."""
    firsts: list[date] = []
    when = _next_month(start)
    while when is not None and when <= end:
        firsts.append(when)
        when = _next_month(when)
    month = 100 * MONTH / max(1, (end - start).days)  # percent of the span
    wide, narrow = _every(month, ROOM_WIDE), _every(month, ROOM_NARROW)

    def named(when: date, n: int, room: float) -> bool:
        if when != start and (when.month - 1) % n:
            return False
        after = [f for f in firsts if f > when and not (f.month - 1) % n]
        space = position(min([*after[:1], end]), start, end) - position(when, start, end)
        return space >= room

    month_name = i18n.current().month  # in the page's language
    ticks = [
        Tick(start, 0.0, month_name(start), named(start, wide, ROOM_WIDE),
             named(start, narrow, ROOM_NARROW), line=False)
    ]  # fmt: skip
    for first in firsts:
        at = position(first, start, end)
        ticks.append(
            Tick(first, at, month_name(first), named(first, wide, ROOM_WIDE),
                 named(first, narrow, ROOM_NARROW))
        )  # fmt: skip
    return ticks


def year_labels(start: date, end: date) -> list[Year]:
    """The first year at the left edge, then each new year at its January; the first
    is left out when a January comes too soon after it to leave room."""
    years = [
        Year(y, position(date(y, 1, 1), start, end)) for y in range(start.year + 1, end.year + 1)
    ]
    if not years or years[0].at >= EDGE:
        years.insert(0, Year(start.year, 0.0))
    return years


def _every(month: float, room: float) -> int:
    """Name every n-th month, so that names ``room`` percent wide fit months ``month``
    percent wide."""
    return next((n for n in (1, 2, 3, 6) if n * month >= room), 12)


def _next_month(when: date) -> date | None:
    """The first day of the next month (None after December 9999)."""
    if when.month == 12:
        return date(when.year + 1, 1, 1) if when.year < date.max.year else None
    return date(when.year, when.month + 1, 1)
