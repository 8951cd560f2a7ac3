"""Where a plan stands on a given day: resolved dates, slips, critical path, health, progress.

Pure functions of (plan, calendar, today); no I/O, so the page, ``check`` and
``report`` agree. Items are addressed by ``Key``: ``(milestone, None)`` for a
milestone, ``(milestone, step)`` for a step. Target dates come from ``workback.py``,
projected ones (slips, slack, the critical path) from ``projection.py``; both are
re-exported here, the one module the rest of mapsite asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .i18n import N_, NN_, gettext, ngettext
from .model import Milestone, Plan, Stakeholder, Status, Step
from .projection import Projection, expected, project
from .workback import DateProblem, Dates, Key, Loc, due_loc, item, keys, resolve

__all__ = [
    "DateProblem", "Dates", "Key", "Loc", "Projection", "Status", "due_loc", "expected",
    "item", "keys", "project", "resolve",
]  # fmt: skip

Side = Literal["buyer", "seller", "joint", "unassigned"]
HealthState = Literal["on track", "at risk", "stalled"]

STALE_DAYS = 21
STALLED_OVERDUE_DAYS = 7

# the health reasons that change with the day (mapsite.js says them on a later day too:
# recheck.py), each with its count as %(count)s
OVERDUE = NN_("%(count)s step overdue", "%(count)s steps overdue")
STALLED_OVERDUE = NN_(
    "%(count)s step %(days)s or more days overdue", "%(count)s steps %(days)s or more days overdue"
)
EXPECTED_LATE = NN_(
    "%(count)s step expected after its due date", "%(count)s steps expected after their due dates"
)
NO_UPDATE = NN_("no update for %(count)s day", "no update for %(count)s days")


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


STATE_LABELS: dict[str, str] = {
    "done": N_("Done"),
    "blocked": N_("Blocked"),
    "in progress": N_("In progress"),
    "upcoming": N_("Upcoming"),
}


def state_label(state: MilestoneState) -> str:
    """A milestone's state as the page says it: ``In progress``."""
    return gettext(STATE_LABELS[state])


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


def _lasting_reasons(plan: Plan, projection: Projection) -> list[str]:
    """``Health.lasting``."""
    reasons = []
    blocked = sum(s.status is Status.BLOCKED for _, s in plan.steps())
    if blocked:
        reasons.append(
            ngettext("%(count)s step blocked", "%(count)s steps blocked", blocked)
            % {"count": blocked}
        )
    late = projection.late_by(plan)
    if late:
        reasons.append(
            ngettext(
                "go-live projected %(count)s day late",
                "go-live projected %(count)s days late",
                late,
            )
            % {"count": late}
        )
    return reasons


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
    lasting: list[str] = field(default_factory=list, compare=False)
    """The reasons among ``reasons`` that a later day does not take away (steps blocked,
    go-live projected late): what mapsite.js keeps when it rates the plan again on the
    day a page is read (``recheck.py``)."""

    @property
    def label(self) -> str:
        """``On track``, ``At risk``, ``Stalled`` in the page's language."""
        return gettext(HEALTH_LABELS[self.state])


HEALTH_LABELS: dict[str, str] = {
    "on track": N_("On track"),
    "at risk": N_("At risk"),
    "stalled": N_("Stalled"),
}


HEALTH_RANK: dict[str, int] = {"stalled": 0, "at risk": 1, "on track": 2}
"""0 for the worst: reports sort stalled deals first."""


def health(
    plan: Plan,
    dates: Dates,
    projection: Projection,
    today: date,
    last_update: date | None,
) -> Health:
    """On track; at risk (1-6 days overdue, expected late, blocked, go-live slipping);
    stalled (7+ days overdue, stale)."""
    stalled: list[str] = []
    at_risk: list[str] = []
    overdue = [
        d
        for k in keys(plan)
        if k[1] is not None and (d := days_overdue(item(plan, k), dates.due(k), today))  # type: ignore[arg-type]
    ]
    worst = max(overdue, default=0)
    if worst >= STALLED_OVERDUE_DAYS:
        n = sum(d >= STALLED_OVERDUE_DAYS for d in overdue)
        stalled.append(ngettext(*STALLED_OVERDUE, n) % {"count": n, "days": STALLED_OVERDUE_DAYS})
    elif overdue:
        n = len(overdue)
        at_risk.append(ngettext(*OVERDUE, n) % {"count": n})
    # open steps not overdue yet whose owner expects them after their due date
    expected_late = sum(
        1
        for mi, m in enumerate(plan.milestones)
        for si, step in enumerate(m.steps)
        if step.status is not Status.DONE
        and (due := dates.due((mi, si))) is not None
        and due >= today
        and step.expected is not None
        and step.expected > due
    )
    if expected_late:
        at_risk.append(ngettext(*EXPECTED_LATE, expected_late) % {"count": expected_late})
    if last_update is not None and (today - last_update).days >= STALE_DAYS:
        days = (today - last_update).days
        stalled.append(ngettext(*NO_UPDATE, days) % {"count": days})
    lasting = _lasting_reasons(plan, projection)
    at_risk += lasting
    if stalled:
        return Health("stalled", stalled + at_risk, lasting)
    if at_risk:
        return Health("at risk", at_risk, lasting)
    return Health("on track", [], lasting)
