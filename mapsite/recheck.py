"""What the page's script needs to rate a plan's health again on the day it is read.

A page is built on one day and read on later ones. On those, mapsite.js marks the steps
that have become overdue since; with this it also rates the plan again, as
``schedule.health`` would on that day: steps overdue (7 days or more: stalled), steps
expected after their due date, no update for 21 days, and the reasons a later day does
not take away (steps blocked, go-live projected late: ``Health.lasting``, as of the
build; a slip that moves go-live further is only known to a new build). The words come
in the page's language, each plural form of each reason with ``{n}`` for the count,
picked by the browser's plural rules (Intl.PluralRules). Pure functions; no I/O.
"""

from __future__ import annotations

import functools
import json
from datetime import date

from . import i18n, schedule
from .i18n import gettext as _
from .i18n import ngettext
from .model import Plan, Status
from .schedule import Dates, Health

# the health reasons that change with the day, as schedule.health words them
_CHANGING = {
    "overdue": schedule.OVERDUE,
    "stalled": schedule.STALLED_OVERDUE,
    "expected": schedule.EXPECTED_LATE,
    "stale": schedule.NO_UPDATE,
}


def facts(plan: Plan, dates: Dates, health: Health, last_update: date | None) -> str:
    """The ``data-health`` attribute of the page's health card: JSON with the open steps'
    due and expected dates, the last update, the reasons of ``health`` (as built) that
    a later day does not take away, and the words."""
    steps = [
        [due.isoformat(), step.expected.isoformat() if step.expected else None]
        for mi, milestone in enumerate(plan.milestones)
        for si, step in enumerate(milestone.steps)
        if step.status is not Status.DONE and (due := dates.due((mi, si))) is not None
    ]
    this = {
        "steps": steps,
        "updated": last_update.isoformat() if last_update else None,
        "lasting": health.lasting,
    }
    # the words are the same on every page in a language: written out once
    return _dumps(this)[:-1] + "," + _words(i18n.current())[1:]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=16)  # one language a page; a few on a site
def _words(language: i18n.Language) -> str:
    words: dict[str, dict[str, str]] = {}
    for name, (singular, plural) in _CHANGING.items():
        words[name] = {
            form: ngettext(singular, plural, n)
            % {"count": "{n}", "days": schedule.STALLED_OVERDUE_DAYS}
            for form, n in language.plural_samples.items()
        }
    return _dumps(
        {
            "words": words,
            "labels": {state: _(label) for state, label in schedule.HEALTH_LABELS.items()},
            "none": _("Every step on schedule"),
            "stalledDays": schedule.STALLED_OVERDUE_DAYS,
            "staleDays": schedule.STALE_DAYS,
        }
    )
