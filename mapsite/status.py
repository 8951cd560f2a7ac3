"""``mapsite status``: every step of a plan with the address that names it, its status,
owners and date; the way to find what to change with ``mapsite done`` and ``set``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from . import schedule
from .address import address, numbered
from .errors import MapsiteError, Problem
from .load import Document, Invalid, load_plan
from .model import Status
from .render import format_date
from .report import cut
from .site import named_plans, plan_holidays

MARK = {
    Status.DONE: "✓ Done",
    Status.IN_PROGRESS: "◐ In progress",
    Status.BLOCKED: "⊖ Blocked",
    Status.TODO: "○ To do",
}
"""A symbol with each word, like the page's icons: status is never colour alone."""
MILESTONE_MARK = {
    "done": "✓ Done",
    "in progress": "◐ In progress",
    "blocked": "⊖ Blocked",
    "upcoming": "○ Upcoming",
}
TASK_WIDTH, OWNER_WIDTH = 48, 24


@dataclass(frozen=True)
class StepStatus:
    address: str
    """What ``done`` and ``set`` take: the id, else the number."""
    number: str
    id: str | None
    task: str
    status: str
    owner: list[str]
    due: date | None
    """The resolved target date (offsets counted)."""
    projected: date | None
    """When the step can be done now that what it waits on slipped; None when on time."""
    days_overdue: int


@dataclass(frozen=True)
class MilestoneStatus:
    address: str
    number: str
    id: str | None
    name: str
    state: str
    due: date | None
    projected: date | None
    steps: list[StepStatus]


@dataclass(frozen=True)
class PlanStatus:
    file: str
    title: str
    buyer: str
    steps_done: int
    steps_total: int
    go_live: date | None
    projected_go_live: date | None
    milestones: list[MilestoneStatus]


def plan_status(doc: Document, today: date, *, open_only: bool) -> PlanStatus:
    """Where each step of ``doc`` stands on ``today``; ``open_only`` leaves out what is done."""
    plan, dates = doc.plan, doc.dates
    projection = schedule.project(plan, dates, doc.calendar, today)

    def slipped(key: schedule.Key) -> date | None:
        when, due = projection.projected.get(key), dates.due(key)
        return when if when and due and when > due else None

    milestones = []
    for mi, milestone in enumerate(plan.milestones):
        state = schedule.milestone_state(milestone)
        steps = [
            StepStatus(
                address(plan, (mi, si)),
                numbered((mi, si)),
                step.id,
                step.task,
                step.status.value,
                list(step.owner),
                dates.due((mi, si)),
                None if step.status is Status.DONE else slipped((mi, si)),
                schedule.days_overdue(step, dates.due((mi, si)), today),
            )
            for si, step in enumerate(milestone.steps)
            if not (open_only and step.status is Status.DONE)
        ]
        if open_only and state == "done":
            continue
        milestones.append(
            MilestoneStatus(
                address(plan, (mi, None)),
                numbered((mi, None)),
                milestone.id,
                milestone.name,
                state,
                dates.due((mi, None)),
                None if state == "done" else slipped((mi, None)),
                steps,
            )
        )
    progress = schedule.progress([s for _, s in plan.steps()])
    return PlanStatus(
        doc.source.file,
        plan.title,
        plan.buyer.name,
        progress.done,
        progress.total,
        plan.go_live,
        projection.go_live,
        milestones,
    )


def status(names: Sequence[str], today: date, *, open_only: bool) -> list[PlanStatus]:
    """The status of each plan named (a path or a name, ``site.find_plan``), or of every
    plan in plans/ when none is. Raises ``MapsiteError`` with every problem."""
    problems: list[Problem] = []
    found: list[PlanStatus] = []
    for path in named_plans(names):
        try:
            found.append(plan_status(load_plan(path, plan_holidays(path)), today,
                                     open_only=open_only))  # fmt: skip
        except Invalid as exc:
            problems += exc.problems
    if problems:
        raise MapsiteError(problems)
    return found


def render(plans: list[PlanStatus], fmt: str, today: date) -> str:
    if fmt == "json":
        return json.dumps([asdict(p) for p in plans], indent=2, default=str) + "\n"
    return "\n".join(text(p, today) for p in plans)


def text(plan: PlanStatus, today: date) -> str:
    """One plan as a heading, then each milestone and its steps in aligned columns."""
    head = [f"{plan.file}: {plan.title} ({plan.buyer})", _summary(plan, today), ""]
    rows: list[tuple[str, ...] | str] = [("Step", "Status", "Task", "Owner", "Due")]
    for m in plan.milestones:
        when = _when(m.due, m.projected, 0, today)
        rows.append(f"{m.number} {m.name}" + (f" ({m.id})" if m.id else "") +
                    f" · {MILESTONE_MARK[m.state]}" + (f" · {when}" if m.due else ""))  # fmt: skip
        rows += [
            (
                f"  {s.address}",
                MARK[Status(s.status)],
                cut(s.task, TASK_WIDTH),
                cut(", ".join(s.owner) or "no owner", OWNER_WIDTH),
                _when(s.due, s.projected, s.days_overdue, today),
            )
            for s in m.steps
        ]
    if len(rows) == 1:
        return "\n".join([*head, "every step is done"]) + "\n"
    cells = [r for r in rows if isinstance(r, tuple)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = [
        r if isinstance(r, str) else "  ".join(map(str.ljust, r, widths)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*head, *lines]) + "\n"


def _summary(plan: PlanStatus, today: date) -> str:
    done = f"{plan.steps_done} of {plan.steps_total} steps done"
    if plan.go_live is None:
        return done
    live = f"go-live {format_date(plan.go_live, today)}"
    late = (plan.projected_go_live - plan.go_live).days if plan.projected_go_live else 0
    if late > 0:
        live += f", projected {format_date(plan.projected_go_live, today)} ({_days(late)} late)"
    return f"{done} · {live}"


def _when(due: date | None, projected: date | None, overdue: int, today: date) -> str:
    """``Wed 2 Dec``, ``Wed 2 Dec, 21 days overdue``, ``Wed 9 Dec, projected Tue 29 Dec``."""
    if due is None:
        return "no date"
    text = format_date(due, today)
    if overdue:
        return f"{text}, ▲ {_days(overdue)} overdue"
    if projected is not None:
        return f"{text}, projected {format_date(projected, today)}"
    return text


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"
