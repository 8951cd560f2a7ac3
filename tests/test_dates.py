"""Work-back dates: every form of ``due`` resolves to the date a user would count by hand.

Dates are read back from ``load_plan(path).dates`` (what the page, ``check`` and
``report`` all use), business days from plans and ``mapsite.yml`` with and without
public holidays, and the page is checked to show the resolved dates. The errors a
user can make in a ``due`` are fixture files in ``tests/errors/`` (``due-*``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from support import TODAY, page_of

from mapsite.dates import Calendar
from mapsite.load import load_plan
from mapsite.site import load_site

HEAD = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
"""

# go-live is Wednesday 31 March 2027
DATES_PLAN = (
    HEAD
    + """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    id: contract
    due: go_live - 6w
    steps:
      - task: Security review
        id: security
        due: "2027-01-08"
      - task: Send the order form
        id: order
        due: security + 5bd
      - task: Sign the order form
        due: contract - 3d
      - task: Countersign the order form
        due: contract-3d
  - name: Kickoff
    id: kickoff
    due: order + 1w
    steps:
      - task: Switch on
        due: go_live
      - task: Hypercare review
        due: go_live + 3d
---
"""
)


@pytest.fixture
def dates_of(write_plan):
    """``dates_of(text)`` writes a plan and returns {milestone name or task: target date}."""

    def load(text: str, holidays: str | None = None) -> dict[str, date | None]:
        doc = load_plan(write_plan("northwind", text), holidays)
        milestones = doc.plan.milestones
        return {
            (milestones[mi].name if si is None else milestones[mi].steps[si].task): due
            for (mi, si), due in doc.dates.target.items()
        }

    return load


def one_step(due: str, *, go_live: str = "2027-03-31", more: str = "") -> str:
    """A plan whose step 'Follow-up' is due ``due``, after the steps in ``more``."""
    return (
        HEAD
        + f"go_live: {go_live}\n"
        + "milestones:\n  - name: Contract signed\n    steps:\n"
        + more
        + f"      - task: Follow-up\n        due: {due}\n---\n"
    )


def test_every_expression_form_resolves(dates_of) -> None:
    assert dates_of(DATES_PLAN) == {
        "Contract signed": date(2027, 2, 17),  # a milestone: go_live - 6w
        "Security review": date(2027, 1, 8),  # a quoted ISO date (a Friday)
        "Send the order form": date(2027, 1, 15),  # a step from a step: security + 5bd
        "Sign the order form": date(2027, 2, 14),  # a step from a milestone: contract - 3d
        "Countersign the order form": date(2027, 2, 14),  # contract-3d, no spaces
        "Kickoff": date(2027, 1, 22),  # a milestone from a step: order + 1w
        "Switch on": date(2027, 3, 31),  # go_live alone
        "Hypercare review": date(2027, 4, 3),  # go_live + 3d
    }


@pytest.mark.parametrize(
    "written",
    [
        "go_live - 6w",
        "go_live-6w",
        "go_live -6w",
        "go_live- 6w",
        "go_live   -   6w",
        '" go_live - 6w "',
        "go_live - 06w",
    ],
)
def test_spaces_around_the_sign_are_optional(dates_of, written: str) -> None:
    assert dates_of(one_step(written))["Follow-up"] == date(2027, 2, 17)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("go_live + 0d", date(2027, 3, 31)),
        ("go_live - 1d", date(2027, 3, 30)),
        ("go_live + 1w", date(2027, 4, 7)),
        ("go_live - 52w", date(2026, 4, 1)),
        ("go_live - 1bd", date(2027, 3, 30)),
        ("go_live + 3bd", date(2027, 4, 5)),  # Wed + 3 business days: Thu, Fri, Mon
        ('"2027-01-08"', date(2027, 1, 8)),
        ('"2027-1-8"', date(2027, 1, 8)),  # a quoted date need not be zero-padded
        ("2027-01-08", date(2027, 1, 8)),  # a YAML date
    ],
)
def test_offsets_and_dates(dates_of, written: str, expected: date) -> None:
    assert dates_of(one_step(written))["Follow-up"] == expected


def test_a_hyphenated_id_is_read_whole_before_an_offset(dates_of) -> None:
    more = "      - task: Sign-off\n        id: sign-off\n        due: 2027-01-08\n"
    assert dates_of(one_step("sign-off-3d", more=more))["Follow-up"] == date(2027, 1, 5)
    assert dates_of(one_step("sign-off + 1w", more=more))["Follow-up"] == date(2027, 1, 15)


def test_a_step_may_count_from_a_step_written_after_it(dates_of) -> None:
    text = (
        HEAD
        + """\
milestones:
  - name: Contract signed
    due: sign + 1w
    steps:
      - task: Send the order form
        due: sign - 2d
      - task: Sign the order form
        id: sign
        due: 2026-12-15
---
"""
    )
    assert dates_of(text) == {
        "Contract signed": date(2026, 12, 22),
        "Send the order form": date(2026, 12, 13),
        "Sign the order form": date(2026, 12, 15),
    }


def test_items_without_a_date_stay_undated(dates_of) -> None:
    text = HEAD + "milestones:\n  - name: Contract signed\n    steps:\n      - task: Send\n---\n"
    assert dates_of(text) == {"Contract signed": None, "Send": None}


# --- business days -----------------------------------------------------------------------

FRIDAY, MONDAY = date(2026, 11, 27), date(2026, 11, 30)


def business_day_plan(start: str, offset: str, holidays: str = "") -> str:
    """A step 'Start' on ``start`` and a step 'Follow-up' due ``start + offset``."""
    more = f"      - task: Start\n        id: start\n        due: {start}\n"
    text = one_step(f"start {offset}", more=more)
    return text.replace("go_live:", f"holidays: {holidays}\ngo_live:") if holidays else text


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        ("2026-11-27", "+ 1bd", MONDAY),  # Friday + 1bd skips the weekend
        ("2026-11-30", "- 1bd", FRIDAY),  # Monday - 1bd skips it backwards
        ("2026-11-27", "+ 5bd", date(2026, 12, 4)),  # a whole week
        ("2026-11-28", "+ 1bd", MONDAY),  # from a Saturday
        ("2026-11-29", "- 1bd", FRIDAY),  # from a Sunday
        ("2026-11-27", "+ 1d", date(2026, 11, 28)),  # plain days do not skip weekends
        ("2026-11-25", "+ 1bd", date(2026, 11, 26)),  # no holidays: Thanksgiving is a workday
    ],
)
def test_business_days_skip_weekends(dates_of, start: str, offset: str, expected: date) -> None:
    assert dates_of(business_day_plan(start, offset))["Follow-up"] == expected


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        ("2026-11-25", "+ 1bd", FRIDAY),  # Wednesday + 1bd skips Thanksgiving (Thu 26 Nov)
        ("2026-11-27", "- 1bd", date(2026, 11, 25)),  # and backwards
        ("2026-11-25", "+ 2bd", MONDAY),  # Thanksgiving, then the weekend
        ("2026-12-24", "+ 1bd", date(2026, 12, 28)),  # Christmas Day is a Friday
        ("2026-12-31", "+ 1bd", date(2027, 1, 4)),  # New Year's Day 2027, the next year's
    ],
)
def test_business_days_skip_the_plans_holidays(
    dates_of, start: str, offset: str, expected: date
) -> None:
    assert dates_of(business_day_plan(start, offset, holidays="US"))["Follow-up"] == expected


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        # four weeks, less Veterans Day and Thanksgiving: two days more
        ("2026-11-02", "+ 20bd", date(2026, 12, 2)),
        ("2026-12-02", "- 20bd", date(2026, 11, 2)),  # and back again
        ("2026-12-14", "+ 15bd", date(2027, 1, 6)),  # over Christmas and New Year
        ("2027-01-25", "- 10bd", date(2027, 1, 8)),  # back over Martin Luther King Day
    ],
)
def test_business_days_over_weeks_with_holidays(
    dates_of, start: str, offset: str, expected: date
) -> None:
    assert dates_of(business_day_plan(start, offset, holidays="US"))["Follow-up"] == expected


@pytest.mark.parametrize("country", [None, "US", "CN"])  # CN: a whole week of holidays
def test_business_days_are_counted_as_a_person_would_day_by_day(country: str | None) -> None:
    """Whole weeks are skipped at once; the answer must match counting day by day."""

    def by_hand(start: date, amount: int) -> date:
        step, day, left = (1 if amount > 0 else -1), start, abs(amount)
        while left:
            day += timedelta(days=step)
            left -= Calendar(country).is_business_day(day)
        return day

    for start in (date(2026, 9, 21) + timedelta(days=n) for n in range(0, 140, 3)):
        for amount in (-61, -23, -6, -5, -1, 1, 5, 6, 12, 40, 77):
            assert Calendar(country).add(start, amount, "bd") == by_hand(start, amount), (
                start,
                amount,
            )


COUNT_OVER_THANKSGIVING = """
import sys
from datetime import date
from mapsite.dates import Calendar, supported_countries
print(Calendar("US").add(date(2026, 11, 25), 1, "bd"), "US" in supported_countries(),
      "holidays" in sys.modules)
"""


def count_over_thanksgiving(cache: Path) -> list[str]:
    """Count a business day over Thanksgiving in a new process using ``cache``."""
    env = {**os.environ, "MAPSITE_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", COUNT_OVER_THANKSGIVING],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_holiday_tables_are_kept_in_the_cache_for_the_next_command(tmp_path: Path) -> None:
    # the first command imports the holidays package and keeps what it learnt
    assert count_over_thanksgiving(tmp_path) == ["2026-11-27", "True", "True"]
    [table] = tmp_path.glob("holidays-*/US-2026.txt")
    assert "2026-11-26" in table.read_text(encoding="utf-8").splitlines()
    # the next ones read the tables without importing it (about 0.2 s)
    assert count_over_thanksgiving(tmp_path) == ["2026-11-27", "True", "False"]


@pytest.mark.parametrize(
    "damage",
    [
        "2026-01-01\n2026-12-25\n",  # cut short: no 'end' line
        "2026-01-01\nnot a date\nend\n",
        "\xff\xfe\n",
    ],
)
def test_a_damaged_cache_file_is_not_trusted(tmp_path: Path, damage: str) -> None:
    count_over_thanksgiving(tmp_path)
    [table] = tmp_path.glob("holidays-*/US-2026.txt")
    table.write_text(damage, encoding="latin-1")
    assert count_over_thanksgiving(tmp_path) == ["2026-11-27", "True", "True"]
    assert "2026-11-26" in table.read_text(encoding="utf-8")  # written again, whole


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert count_over_thanksgiving(blocked) == ["2026-11-27", "True", "True"]
    assert count_over_thanksgiving(blocked) == ["2026-11-27", "True", "True"]


def test_business_days_skip_the_sites_holidays(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("holidays: US\n", encoding="utf-8")
    write_plan("northwind", business_day_plan("2026-11-25", "+ 1bd"))

    [doc] = load_site(site, with_history=False).documents
    assert doc.dates.target[(0, 1)] == FRIDAY

    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    html = page_of(site / "public", "northwind").read_text(encoding="utf-8")
    assert due_shown(html, "Follow-up") == ("2026-11-27", "Fri 27 Nov")


def test_the_plans_holidays_override_the_sites(site: Path, write_plan) -> None:
    (site / "mapsite.yml").write_text("holidays: US\n", encoding="utf-8")
    write_plan("northwind", business_day_plan("2026-11-25", "+ 1bd", holidays="GB"))

    [doc] = load_site(site, with_history=False).documents
    assert doc.dates.target[(0, 1)] == date(2026, 11, 26)  # no Thanksgiving in Britain


def test_the_sites_holidays_apply_to_a_plan_without_its_own(dates_of) -> None:
    plan = business_day_plan("2026-11-25", "+ 1bd")
    assert dates_of(plan, holidays="US")["Follow-up"] == FRIDAY
    assert dates_of(plan, holidays=None)["Follow-up"] == date(2026, 11, 26)


def test_an_unknown_holiday_country_in_mapsite_yml(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("title: Deals\nholidays: XX\n", encoding="utf-8")
    write_plan("northwind", business_day_plan("2026-11-25", "+ 1bd"))

    result = run("check", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "mapsite.yml:2:11: holidays: 'XX' is not a country with known holidays "
        "(use a country code such as US, GB, DE or FR)\n"
        "1 error in 1 file\n"
    )


# --- the page shows the resolved dates -----------------------------------------------


def due_shown(html: str, task: str) -> tuple[str, str]:
    """(machine date, visible date) of the due date shown for the step ``task``."""
    for block in re.findall(r'<li class="step[ "].*?</li>', html, flags=re.DOTALL):
        if f'<p class="step__task"><bdi>{task}</bdi></p>' in block:
            found = re.search(
                r'<time class="due[^"]*" datetime="([^"]+)">.*?<span>([^<]+)</span>',
                block,
                flags=re.DOTALL,
            )
            assert found, block
            return found[1], found[2]
    raise AssertionError(f"no step {task!r} on the page")


def test_the_page_shows_work_back_dates_resolved(site: Path, write_plan, run) -> None:
    write_plan("northwind", DATES_PLAN)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    html = page_of(site / "public", "northwind").read_text(encoding="utf-8")
    assert due_shown(html, "Send the order form") == ("2027-01-15", "Fri 15 Jan 2027")
    assert due_shown(html, "Countersign the order form") == ("2027-02-14", "Sun 14 Feb 2027")
    assert due_shown(html, "Switch on") == ("2027-03-31", "Wed 31 Mar 2027")
    assert due_shown(html, "Hypercare review") == ("2027-04-03", "Sat 3 Apr 2027")
    assert "go_live" not in re.sub(r"<[^>]+>", " ", html)  # no expression leaks to the page
