"""What a page gives its script to rate the health again on a later day (recheck.py).

That the script then says what a build on that day says is checked in a real browser:
tests/browser/test_health_later.py."""

from __future__ import annotations

import json
from datetime import date

from support import VALID_PLAN

from mapsite import i18n, recheck, schedule
from mapsite.load import load_plan

TODAY = date(2026, 11, 23)
PLAN = VALID_PLAN.replace(
    "        due: 2026-12-15\n",
    "        due: 2026-12-15\n        expected: 2026-12-18\n"
    "      - task: Kick-off\n        owner: Sam Ortiz\n        due: 2026-11-02\n"
    "        status: done\n"
    "      - task: Security review\n        owner: Sam Ortiz\n        status: blocked\n"
    "      - task: Pilot\n        owner: Sam Ortiz\n        due: contract + 2w\n",
)


def raw_facts(write_plan, text: str = PLAN, updated: date | None = date(2026, 11, 20)) -> str:
    doc = load_plan(write_plan("northwind", text))
    projection = schedule.project(doc.plan, doc.dates, doc.calendar, TODAY)
    health = schedule.health(doc.plan, doc.dates, projection, TODAY, updated)
    return recheck.facts(doc.plan, doc.dates, health, updated)


def facts(write_plan, text: str = PLAN, updated: date | None = date(2026, 11, 20)) -> dict:
    return json.loads(raw_facts(write_plan, text, updated))


def test_the_open_dated_steps_with_their_estimates(write_plan) -> None:
    found = facts(write_plan)

    # not the done kick-off, nor the undated review; the pilot counted from the milestone
    assert found["steps"] == [
        ["2026-12-01", None],
        ["2026-12-15", "2026-12-18"],
        ["2026-12-29", None],
    ]
    assert found["updated"] == "2026-11-20"
    assert found["lasting"] == ["1 step blocked"]
    assert (found["stalledDays"], found["staleDays"]) == (7, 21)


def test_no_update_date_and_nothing_lasting(write_plan) -> None:
    found = facts(write_plan, VALID_PLAN, None)

    assert found["updated"] is None
    assert found["lasting"] == []


def test_the_words_in_english(write_plan) -> None:
    found = facts(write_plan)

    assert found["words"] == {
        "overdue": {"one": "{n} step overdue", "other": "{n} steps overdue"},
        "stalled": {
            "one": "{n} step 7 or more days overdue",
            "other": "{n} steps 7 or more days overdue",
        },
        "expected": {
            "one": "{n} step expected after its due date",
            "other": "{n} steps expected after their due dates",
        },
        "stale": {"one": "no update for {n} day", "other": "no update for {n} days"},
    }
    assert found["labels"] == {"on track": "On track", "at risk": "At risk", "stalled": "Stalled"}
    assert found["none"] == "Every step on schedule"


def test_the_words_in_each_plural_form_of_the_language(write_plan) -> None:
    with i18n.speaking(i18n.language("ar")):
        found = facts(write_plan)

    arabic = found["words"]["overdue"]
    assert sorted(arabic) == ["few", "many", "one", "other", "two", "zero"]
    assert arabic["two"] == "{n} خطوتان متأخرتان"  # the catalog's dual
    assert arabic["few"] == "{n} خطوات متأخرة"
    assert found["labels"]["stalled"] != "Stalled"


def test_the_facts_are_written_compactly(write_plan) -> None:
    # an attribute of every page: no spaces, and the page's letters as they are
    with i18n.speaking(i18n.language("ar")):
        raw = raw_facts(write_plan)

    assert raw.startswith('{"steps":[["2026-12-01",null],["2026-12-15","2026-12-18"],')
    assert '"two":"{n} خطوتان متأخرتان"' in raw
