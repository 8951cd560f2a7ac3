"""Where a plan stands on a given day: progress, what is next, who is on which side.

Pure functions of (plan, today); no I/O, so the page, the PDF and any report agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .model import Milestone, Plan, Stakeholder, Status, Step

Side = Literal["buyer", "seller", "joint", "unassigned"]


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


def side_progress(plan: Plan, side: Literal["buyer", "seller"]) -> Progress:
    """Progress of the steps this side owns or co-owns."""
    people = people_by_name(plan)
    steps = [s for _, s in plan.steps() if step_side(s, people) in (side, "joint")]
    return progress(steps)


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


def next_up(plan: Plan, limit: int) -> list[tuple[Milestone, Step]]:
    """The next open steps: earliest due first, undated ones last, plan order breaks ties."""
    open_steps = [(i, m, s) for i, (m, s) in enumerate(plan.steps()) if s.status is not Status.DONE]
    open_steps.sort(key=lambda t: (t[2].due is None, t[2].due or date.max, t[0]))
    return [(m, s) for _, m, s in open_steps[:limit]]


def current_milestone(plan: Plan) -> Milestone | None:
    """The first milestone not yet done: where the deal stands."""
    return next((m for m in plan.milestones if milestone_state(m) != "done"), None)


def is_overdue(step: Step, today: date) -> bool:
    return step.status is not Status.DONE and step.due is not None and step.due < today
