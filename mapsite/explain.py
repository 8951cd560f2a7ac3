"""Why the go-live moved, in one sentence the page, ``check`` and ``report`` all say.

"projected Tue 14 Apr, 2 weeks late: 'Security questionnaire' (Aisha Bello) is 10
days overdue and must be done 6 weeks before go-live": the projection's cause (the
item the late chain starts from) and the lead times from it to go-live, in words.
"""

from __future__ import annotations

from datetime import date

from .dates import UNIT_WORDS, Unit
from .model import Plan, Status, Step
from .projection import Projection, expected
from .render import duration, format_date
from .workback import Dates, item


def why_late(plan: Plan, dates: Dates, projection: Projection, today: date) -> str | None:
    """``projected Tue 14 Apr, 2 weeks late: <reason>``; None when go-live is on time."""
    late = projection.late_by(plan)
    if not late:
        return None
    head = f"projected {format_date(projection.go_live, today)}, {duration(late)} late"
    found = reason(plan, dates, projection, today)
    return f"{head}: {found}" if found else head


def reason(plan: Plan, dates: Dates, projection: Projection, today: date) -> str | None:
    """``'Security questionnaire' (Aisha Bello) is 10 days overdue and must be done 6
    weeks before go-live``: what a late go-live comes from (None when it is on time)."""
    key = projection.cause
    if key is None:
        return None
    this = item(plan, key)
    due = dates.due(key)
    if isinstance(this, Step):
        who = f" ({', '.join(this.owner)})" if this.owner else ""
        name, state = f"'{this.task}'{who}", _state(this, due, today)
    else:
        name, state = f"'{this.name}'", f"is due {format_date(due, today)}"
    return f"{name} {state} and must be done {_lead(projection, key)}"


def _state(step: Step, due: date | None, today: date) -> str:
    """``is 10 days overdue``, ``is expected Tue 15 Dec (due Wed 9 Dec)``, ``is due ...``."""
    planned = expected(step, due)
    if step.status is not Status.DONE and planned is not None and planned < today:
        days = (today - (due or planned)).days  # overdue counts from the commitment
        return f"is {days} day{'s' if days != 1 else ''} overdue"
    if planned != due:
        return f"is expected {format_date(planned, today)} (due {format_date(due, today)})"
    return f"is due {format_date(due, today)}"


def _lead(projection: Projection, key: tuple[int, int | None]) -> str:
    """``6 weeks before go-live``, ``1 week and 2 days before go-live``, ``by go-live``."""
    totals: dict[Unit, int] = {}
    for amount, unit in projection.lead:
        totals[unit] = totals.get(unit, 0) + amount
    parts = [(totals[u], u) for u in ("w", "bd", "d") if totals.get(u)]  # weeks first
    if not parts:
        return "by go-live"
    if all(n > 0 for n, _ in parts):
        words = [f"{n} {UNIT_WORDS[u][0] if n == 1 else UNIT_WORDS[u][1]}" for n, u in parts]
        return f"{' and '.join(words)} before go-live"
    # leads one way and back again in other units: say the distance in days
    start, end = projection.projected.get(key), projection.go_live
    assert start is not None and end is not None
    return f"{duration((end - start).days)} before go-live"
