"""Where a plan stands on a given day: resolved dates, slips, critical path, health, progress.

Pure functions of (plan, calendar, today); no I/O, so the page, ``check`` and
``report`` agree. Items are addressed by ``Key``: ``(milestone, None)`` for a
milestone, ``(milestone, step)`` for a step.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .dates import GO_LIVE, Calendar, Offset
from .model import Milestone, Plan, Stakeholder, Status, Step

Key = tuple[int, int | None]
Loc = tuple[str | int, ...]
Side = Literal["buyer", "seller", "joint", "unassigned"]
HealthState = Literal["on track", "at risk", "stalled"]

STALE_DAYS = 21
STALLED_OVERDUE_DAYS = 7


@dataclass(frozen=True)
class DateProblem:
    loc: Loc
    message: str
    hint: str = ""


def due_loc(key: Key) -> Loc:
    mi, si = key
    return ("milestones", mi, "due") if si is None else ("milestones", mi, "steps", si, "due")


def item(plan: Plan, key: Key) -> Milestone | Step:
    mi, si = key
    return plan.milestones[mi] if si is None else plan.milestones[mi].steps[si]


def keys(plan: Plan) -> list[Key]:
    """Every milestone followed by its steps, in plan order."""
    out: list[Key] = []
    for mi, m in enumerate(plan.milestones):
        out.append((mi, None))
        out.extend((mi, si) for si in range(len(m.steps)))
    return out


# --- target dates: work-back expressions resolved -------------------------------------


@dataclass(frozen=True)
class Dates:
    """The target date of every milestone and step, with what each is counted from."""

    target: dict[Key, date | None]
    ref: dict[Key, Key | None]
    """The item a date is counted from (None: a fixed date or go-live)."""
    order: list[Key]
    """Items in dependency order: an item comes after the one it is counted from."""

    def due(self, key: Key) -> date | None:
        return self.target.get(key)


def resolve(plan: Plan, calendar: Calendar) -> tuple[Dates, list[DateProblem]]:
    """Resolve every ``due``; unknown ids, missing go-live and cycles are problems.

    A date counts from at most one other, so references form chains: follow each
    chain down to a date known without it, then fill in the dates on the way back.
    A loop, not recursion, so a plan of thousands of chained steps cannot hit
    Python's recursion limit.
    """
    ids = {i.id: k for k in keys(plan) if (i := item(plan, k)).id}
    target: dict[Key, date | None] = {}
    ref: dict[Key, Key | None] = {}
    order: list[Key] = []
    problems: list[DateProblem] = []
    seen: set[Key] = set()

    for start in keys(plan):
        chain: list[Key] = []
        key = start
        while key not in seen:
            seen.add(key)
            chain.append(key)
            spec = item(plan, key).due
            if not (isinstance(spec, Offset) and spec.ref != GO_LIVE and spec.ref in ids):
                break
            key = ids[spec.ref]
        else:
            if key in chain:  # the chain came back to one of its own items
                cycle = [*chain[chain.index(key) :], key]
                names = " -> ".join(str(item(plan, k).id) for k in cycle)
                problems.append(
                    DateProblem(
                        due_loc(chain[-1]),
                        f"dates depend on each other in a cycle: {names}",
                        "make one of them a fixed date",
                    )
                )
        for key in reversed(chain):  # the end of the chain first
            target[key], ref[key] = _resolve_one(plan, calendar, ids, target, key, problems)
            order.append(key)
    return Dates(target, ref, order), problems


def _resolve_one(
    plan: Plan,
    calendar: Calendar,
    ids: dict[str, Key],
    target: dict[Key, date | None],
    key: Key,
    problems: list[DateProblem],
) -> tuple[date | None, Key | None]:
    """The date of ``key`` and the item it counts from, given the dates resolved so far."""
    spec = item(plan, key).due
    if not isinstance(spec, Offset):
        return spec, None
    if spec.ref == GO_LIVE:
        if plan.go_live is None:
            problems.append(
                DateProblem(
                    due_loc(key),
                    f"'{spec}' counts from go_live, which is not set",
                    "add 'go_live: YYYY-MM-DD' to the plan",
                )
            )
            return None, None
        return _add(calendar, plan.go_live, spec, key, problems), None
    if spec.ref not in ids:
        close = difflib.get_close_matches(spec.ref, [GO_LIVE, *ids], n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "count from go_live or from the id of a milestone or step"
        )
        problems.append(DateProblem(due_loc(key), f"unknown id '{spec.ref}'", hint))
        return None, None
    base = target.get(ids[spec.ref])  # None: unresolved, or in a cycle with this item
    value = None if base is None else _add(calendar, base, spec, key, problems)
    return value, ids[spec.ref]


def _add(
    calendar: Calendar, base: date, spec: Offset, key: Key, problems: list[DateProblem]
) -> date | None:
    try:
        return calendar.add(base, spec.amount, spec.unit)
    except OverflowError:
        problems.append(
            DateProblem(
                due_loc(key),
                f"'{spec}' is out of range",
                "dates must fall between the years 1 and 9999",
            )
        )
        return None


# --- projection: what a slip does downstream ------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Projected dates given today: open steps past due push what depends on them."""

    projected: dict[Key, date | None]
    driver: dict[Key, Key | None]
    """What set each projected date: the item counted from, or a step of a milestone."""
    go_live: date | None
    """Projected go-live: the target, or later when a prerequisite slips past it."""
    critical: frozenset[Key]
    """The chain that sets the projected go-live."""

    def late_by(self, plan: Plan) -> int:
        """Days the projected go-live is after the target."""
        if plan.go_live is None or self.go_live is None:
            return 0
        return max(0, (self.go_live - plan.go_live).days)


def project(plan: Plan, dates: Dates, calendar: Calendar, today: date) -> Projection:
    projected: dict[Key, date | None] = {}
    driver: dict[Key, Key | None] = {}
    order = dates.order
    finished = {mi for mi, m in enumerate(plan.milestones) if milestone_state(m) == "done"}
    # Steps may count from their own milestone while milestones roll up their steps,
    # so relax to a fixed point; dates only move later, and a plan settles in a few
    # passes (bounded in case of a positive loop through a milestone).
    for _ in range(len(order) + 1):
        changed = False
        for key in order:
            value, why = _project_one(plan, dates, calendar, today, key, projected, finished)
            changed = changed or key not in projected or projected[key] != value
            projected[key], driver[key] = value, why
        if not changed:
            break
    go_live, last = _projected_go_live(plan, dates, projected)
    critical: set[Key] = set()
    while last is not None and last not in critical:
        critical.add(last)
        last = driver.get(last)
    return Projection(projected, driver, go_live, frozenset(critical))


def _project_one(
    plan: Plan,
    dates: Dates,
    calendar: Calendar,
    today: date,
    key: Key,
    projected: dict[Key, date | None],
    finished: set[int],
) -> tuple[date | None, Key | None]:
    """One item's projected date, and the item that sets it (``finished``: the indexes
    of milestones already done)."""
    mi, si = key
    target = dates.target.get(key)
    this = item(plan, key)
    if si is not None and this.status is Status.DONE:  # type: ignore[union-attr]
        return target, None
    if si is None and mi in finished:
        return target, None
    value, why = _pushed(plan, dates, calendar, key, projected), dates.ref.get(key)
    if si is not None and value is not None and value < today:
        value, why = today, None  # an open step past due can at best finish today
    if si is None:
        for sj in range(len(plan.milestones[mi].steps)):
            step_date = projected.get((mi, sj))
            # on a tie the step sets the date: a milestone is done when its steps are
            if step_date is not None and (value is None or step_date >= value):
                value, why = step_date, (mi, sj)
    return value, why


def _pushed(
    plan: Plan, dates: Dates, calendar: Calendar, key: Key, projected: dict[Key, date | None]
) -> date | None:
    """The target date of ``key``, or later when what it counts from is projected later.

    A step counting from its own milestone follows the milestone's own date, pushed
    the same way, not the roll-up of the milestone's steps (which would include itself).
    """
    value, ref, spec = dates.target.get(key), dates.ref.get(key), item(plan, key).due
    if ref is None or not isinstance(spec, Offset):
        return value
    mi, si = key
    own = ref == (mi, None) and si is not None
    base = _pushed(plan, dates, calendar, ref, projected) if own else projected.get(ref)
    if base is not None:
        pushed = calendar.add(base, spec.amount, spec.unit)
        if value is None or pushed > value:
            value = pushed
    return value


def _projected_go_live(
    plan: Plan, dates: Dates, projected: dict[Key, date | None]
) -> tuple[date | None, Key | None]:
    """Go-live moves when anything due on or before it is projected later; with the culprit."""
    prerequisites = [
        k
        for k in dates.order
        if (t := dates.target.get(k)) is not None
        and (plan.go_live is None or t <= plan.go_live)
        and projected.get(k) is not None
    ]
    if not prerequisites:
        return plan.go_live, None
    # the latest prerequisite, and among equals a milestone (it carries its steps)
    last = max(prerequisites, key=lambda k: (projected[k], k[1] is None))
    latest = projected[last]
    assert latest is not None
    if plan.go_live is None:
        return None, last
    return max(plan.go_live, latest), last


# --- progress, sides, health ------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress(steps: list[Step]) -> Progress:
    return Progress(sum(s.status is Status.DONE for s in steps), len(steps))


def people_by_name(plan: Plan) -> dict[str, Stakeholder]:
    """Stakeholders keyed by name, case-insensitively."""
    return {p.name.casefold(): p for p in plan.stakeholders}


def step_side(step: Step, people: dict[str, Stakeholder]) -> Side:
    """buyer or seller when every owner is on that side, joint when both sides own it."""
    sides = {p.side for name in step.owner if (p := people.get(name.casefold())) and p.side}
    if not sides:
        return "unassigned"
    if len(sides) == 2:
        return "joint"
    return sides.pop()  # type: ignore[return-value]


def sides(plan: Plan, people: dict[str, Stakeholder] | None = None) -> dict[Key, Side]:
    """The side of every step."""
    people = people_by_name(plan) if people is None else people
    return {
        (mi, si): step_side(s, people)
        for mi, m in enumerate(plan.milestones)
        for si, s in enumerate(m.steps)
    }


def side_steps(
    plan: Plan, side: Literal["buyer", "seller"], of: dict[Key, Side] | None = None
) -> list[Key]:
    """Steps this side owns or co-owns (``of``: the steps' sides, when known)."""
    of = sides(plan) if of is None else of
    return [k for k, owner in of.items() if owner in (side, "joint")]


def side_progress(
    plan: Plan, side: Literal["buyer", "seller"], of: dict[Key, Side] | None = None
) -> Progress:
    return progress([item(plan, k) for k in side_steps(plan, side, of)])  # type: ignore[misc]


MilestoneState = Literal["done", "blocked", "in progress", "upcoming"]


def milestone_state(milestone: Milestone) -> MilestoneState:
    """A milestone's status, rolled up from its steps."""
    statuses = {s.status for s in milestone.steps}
    if milestone.steps and statuses == {Status.DONE}:
        return "done"
    if Status.BLOCKED in statuses:
        return "blocked"
    if statuses & {Status.DONE, Status.IN_PROGRESS}:
        return "in progress"
    return "upcoming"


def days_overdue(step: Step, due: date | None, today: date) -> int:
    """How many days an open step is past its target date (0 when not overdue)."""
    if step.status is Status.DONE or due is None:
        return 0
    return max(0, (today - due).days)


def next_up(plan: Plan, dates: Dates, projection: Projection, limit: int) -> list[Key]:
    """The next open steps by projected date, then target date; undated ones last."""
    open_steps = [
        (i, k)
        for i, k in enumerate(keys(plan))
        if k[1] is not None and item(plan, k).status is not Status.DONE  # type: ignore[union-attr]
    ]
    projected, target = projection.projected, dates.target

    def order(t: tuple[int, Key]) -> tuple[bool, date, date, int]:
        when = projected.get(t[1])
        return (when is None, when or date.max, target.get(t[1]) or date.max, t[0])

    open_steps.sort(key=order)
    return [k for _, k in open_steps[:limit]]


def current_milestone(plan: Plan) -> int | None:
    """Index of the first milestone not yet done: where the deal stands."""
    return next((i for i, m in enumerate(plan.milestones) if milestone_state(m) != "done"), None)


@dataclass(frozen=True)
class Health:
    state: HealthState
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.state.capitalize()


HEALTH_RANK: dict[str, int] = {"stalled": 0, "at risk": 1, "on track": 2}
"""0 for the worst: reports sort stalled deals first."""


def health(
    plan: Plan,
    dates: Dates,
    projection: Projection,
    today: date,
    last_update: date | None,
) -> Health:
    """On track; at risk (1-6 days overdue, blocked, go-live slipping); stalled (7+, stale)."""
    stalled: list[str] = []
    at_risk: list[str] = []
    overdue = [
        d
        for k in keys(plan)
        if k[1] is not None and (d := days_overdue(item(plan, k), dates.due(k), today))  # type: ignore[arg-type]
    ]
    worst = max(overdue, default=0)
    if worst >= STALLED_OVERDUE_DAYS:
        stalled.append(
            _count(sum(d >= STALLED_OVERDUE_DAYS for d in overdue), "step")
            + f" {STALLED_OVERDUE_DAYS} or more days overdue"
        )
    elif overdue:
        at_risk.append(_count(len(overdue), "step") + " overdue")
    if last_update is not None and (today - last_update).days >= STALE_DAYS:
        stalled.append(f"no update for {(today - last_update).days} days")
    blocked = sum(s.status is Status.BLOCKED for _, s in plan.steps())
    if blocked:
        at_risk.append(_count(blocked, "step") + " blocked")
    late = projection.late_by(plan)
    if late:
        at_risk.append(f"go-live projected {_count(late, 'day')} late")
    if stalled:
        return Health("stalled", stalled + at_risk)
    if at_risk:
        return Health("at risk", at_risk)
    return Health("on track", [])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
