"""Why the go-live moved, in one sentence the page, ``check`` and ``report`` all say.

"projected Tue 14 Apr, 2 weeks late: 'Security questionnaire' (Aisha Bello) is 10
days overdue and must be done 6 weeks before go-live": the projection's cause (the
item the late chain starts from) and the lead times from it to go-live, in words.
"""

from __future__ import annotations

from datetime import date

from .dates import Unit
from .i18n import gettext as _
from .i18n import ngettext
from .model import Plan, Status, Step
from .projection import Projection, expected
from .render import duration, format_date
from .workback import Dates, item


def why_late(plan: Plan, dates: Dates, projection: Projection, today: date) -> str | None:
    """``projected Tue 14 Apr, 2 weeks late: <reason>``; None when go-live is on time."""
    late = projection.late_by(plan)
    if not late:
        return None
    head = _("projected %(date)s, %(late)s late") % {
        "date": format_date(projection.go_live, today),
        "late": duration(late),
    }
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
    lead = _lead(projection, key)
    if not isinstance(this, Step):
        name = _("'%(name)s'") % {"name": this.name}
        return _("%(name)s is due %(due)s and must be done %(lead)s") % {
            "name": name, "due": format_date(due, today), "lead": lead
        }  # fmt: skip
    if this.owner:
        name = _("'%(name)s' (%(owners)s)") % {"name": this.task, "owners": ", ".join(this.owner)}
    else:
        name = _("'%(name)s'") % {"name": this.task}
    return _state(this, name, due, today, lead)


def _state(step: Step, name: str, due: date | None, today: date, lead: str) -> str:
    """``is 10 days overdue``, ``is expected Tue 15 Dec (due Wed 9 Dec)``, ``is due ...``."""
    planned = expected(step, due)
    if step.status is not Status.DONE and planned is not None and planned < today:
        days = (today - (due or planned)).days  # overdue counts from the commitment
        return ngettext(
            "%(name)s is %(count)s day overdue and must be done %(lead)s",
            "%(name)s is %(count)s days overdue and must be done %(lead)s",
            days,
        ) % {"name": name, "count": days, "lead": lead}
    if planned != due:
        return _("%(name)s is expected %(expected)s (due %(due)s) and must be done %(lead)s") % {
            "name": name,
            "expected": format_date(planned, today),
            "due": format_date(due, today),
            "lead": lead,
        }
    return _("%(name)s is due %(due)s and must be done %(lead)s") % {
        "name": name, "due": format_date(due, today), "lead": lead
    }  # fmt: skip


def _lead(projection: Projection, key: tuple[int, int | None]) -> str:
    """``6 weeks before go-live``, ``1 week and 2 days before go-live``, ``by go-live``."""
    totals: dict[Unit, int] = {}
    for amount, unit in projection.lead:
        totals[unit] = totals.get(unit, 0) + amount
    parts = [(totals[u], u) for u in ("w", "bd", "d") if totals.get(u)]  # weeks first
    if not parts:
        return _("by go-live")
    if all(n > 0 for n, _unit in parts):
        words = [_amount(n, u) for n, u in parts]
        time = words[0]
        for word in words[1:]:
            time = _("%(first)s and %(second)s") % {"first": time, "second": word}
        return _("%(time)s before go-live") % {"time": time}
    # leads one way and back again in other units: say the distance in days
    start, end = projection.projected.get(key), projection.go_live
    assert start is not None and end is not None
    return _("%(time)s before go-live") % {"time": duration((end - start).days)}


def _amount(n: int, unit: Unit) -> str:
    """``6 weeks``, ``1 business day``."""
    if unit == "w":
        return ngettext("%(count)s week", "%(count)s weeks", n) % {"count": n}
    if unit == "bd":
        return ngettext("%(count)s business day", "%(count)s business days", n) % {"count": n}
    return ngettext("%(count)s day", "%(count)s days", n) % {"count": n}
