"""Work-back dates as lead times, on a fixed today (Monday 23 November 2026).

A back-counted date (``go_live - 6w``) holds both ways: an overdue step moves what must
follow it by the lead time, up to the projected go-live. Slack, the critical path,
``expected:`` and the sentence that says why go-live moved: read from ``schedule``,
from the built page and from the real commands.
"""

from __future__ import annotations

from datetime import date

import pytest
from support import TODAY, page_of

from mapsite import explain, schedule
from mapsite.load import Document, load_plan

TODAY_DATE = date.fromisoformat(TODAY)  # Monday 23 November 2026

HEAD = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
stakeholders:
  - name: Aisha Bello
    side: buyer
  - name: Priya Raman
    side: buyer
  - name: Sam Ortiz
    side: seller
    email: sam.ortiz@contoso.example
"""

# Three steps counted back, each from the next, the last from go-live (20 Jan):
# 'questionnaire' 18 Nov (5 days overdue) <-2w- 'review' 2 Dec <-1w- 'approval' 9 Dec <-6w-
# go-live. Beside them, the contract: 'order' 1 Dec -> 'sign' a week on, by 23 Dec.
CHAIN = """\
go_live: 2027-01-20
milestones:
  - name: Security review passed
    steps:
      - task: Security questionnaire
        id: questionnaire
        owner: Aisha Bello
        due: review - 2w
      - task: Architecture review
        id: review
        owner: Sam Ortiz
        due: approval - 1w
      - task: Vendor approval
        id: approval
        owner: Aisha Bello
        due: go_live - 6w
  - name: Contract signed
    due: go_live - 4w
    steps:
      - task: Send the order form
        id: order
        owner: Sam Ortiz
        due: 2026-12-01
      - task: Sign the order form
        owner: Priya Raman
        due: order + 1w
"""


def plan_text(body: str) -> str:
    return HEAD + body + "---\n"


@pytest.fixture
def load(write_plan):
    """``load(body)`` -> (document, projection as of TODAY)."""

    def load_text(body: str) -> tuple[Document, schedule.Projection]:
        doc = load_plan(write_plan("northwind", plan_text(body)))
        return doc, schedule.project(doc.plan, doc.dates, doc.calendar, TODAY_DATE)

    return load_text


def names(doc: Document, values: dict[schedule.Key, object]) -> dict[str, object]:
    """``values`` keyed by the name of each milestone or task."""
    plan = doc.plan
    return {
        plan.milestones[mi].name if si is None else plan.milestones[mi].steps[si].task: v
        for (mi, si), v in values.items()
    }


def critical(doc: Document, projection: schedule.Projection) -> set[object]:
    return set(names(doc, dict.fromkeys(projection.critical)))


# --- a back-counted chain moves go-live by exactly its lead times --------------------------


def test_an_overdue_step_moves_go_live_by_the_lead_times_after_it(load) -> None:
    doc, projection = load(CHAIN)

    assert names(doc, doc.dates.target) == {
        "Security review passed": None,
        "Security questionnaire": date(2026, 11, 18),
        "Architecture review": date(2026, 12, 2),
        "Vendor approval": date(2026, 12, 9),
        "Contract signed": date(2026, 12, 23),
        "Send the order form": date(2026, 12, 1),
        "Sign the order form": date(2026, 12, 8),
    }
    assert names(doc, projection.projected) == {
        "Security review passed": date(2026, 12, 14),
        "Security questionnaire": TODAY_DATE,  # 5 days overdue: done today at best
        "Architecture review": date(2026, 12, 7),  # 2 weeks after it
        "Vendor approval": date(2026, 12, 14),  # 1 week after that
        "Contract signed": date(2026, 12, 23),  # not behind: stays
        "Send the order form": date(2026, 12, 1),
        "Sign the order form": date(2026, 12, 8),
    }
    # today + 2w + 1w + 6w: 5 days after the target, the 5 days the questionnaire is late
    assert projection.go_live == TODAY_DATE + (2 + 1 + 6) * (date(2026, 1, 8) - date(2026, 1, 1))
    assert projection.go_live == date(2027, 1, 25)
    assert projection.late_by(doc.plan) == 5


def test_without_the_slip_nothing_moves(load) -> None:
    doc, projection = load(CHAIN.replace("due: go_live - 6w", "due: go_live - 5w"))

    assert names(doc, projection.projected) == names(doc, doc.dates.target) | {
        "Security review passed": date(2026, 12, 16),
        "Security questionnaire": date(2026, 11, 25),  # on time now: two days from today
    }
    assert projection.go_live == date(2027, 1, 20)
    assert projection.late_by(doc.plan) == 0
    assert projection.cause is None


def test_a_done_step_past_its_date_moves_nothing(load) -> None:
    doc, projection = load(
        CHAIN.replace(
            "        due: review - 2w\n", "        due: review - 2w\n        status: done\n"
        )
    )

    assert projection.go_live == date(2027, 1, 20)
    assert "Security questionnaire" not in critical(doc, projection)  # done: it cannot slip


# --- slack and the critical path ---------------------------------------------------------


@pytest.mark.parametrize("week", ["1w", "7d", "5bd"])
def test_slack_is_the_days_each_open_item_can_slip(load, week: str) -> None:
    doc, projection = load(CHAIN.replace("due: order + 1w", f"due: order + {week}"))

    assert names(doc, projection.slack) == {
        "Security review passed": 0,  # its steps have none
        "Security questionnaire": 0,
        "Architecture review": 0,
        "Vendor approval": 0,
        # go-live is now 25 Jan: the contract (4 weeks before) could be 28 Dec, not 23 Dec
        "Contract signed": 5,
        "Send the order form": 20,  # 1 Dec; latest 21 Dec, a week before 'Sign'
        "Sign the order form": 20,  # 8 Dec; latest 28 Dec, with its milestone
    }


def test_the_critical_path_is_the_late_chain_of_two(load) -> None:
    doc, projection = load(CHAIN)

    assert critical(doc, projection) == {
        "Security review passed",
        "Security questionnaire",
        "Architecture review",
        "Vendor approval",
    }


# The two chains counted back from go-live (5 Jan), both open and on time.
TWO_CHAINS = """\
go_live: 2027-01-05
milestones:
  - name: Security review passed
    due: go_live - 4w
    steps:
      - task: Security questionnaire
        owner: Aisha Bello
        due: security - 1w
      - task: Pen test report
        id: security
        owner: Sam Ortiz
        due: go_live - 4w
  - name: Contract signed
    due: go_live - 2w
    steps:
      - task: Send the order form
        id: order
        owner: Sam Ortiz
        due: sign - 1w
      - task: Sign the order form
        id: sign
        owner: Priya Raman
        due: go_live - 2w
"""


def test_with_no_late_step_every_chain_counted_back_is_critical(load) -> None:
    doc, projection = load(TWO_CHAINS)

    assert projection.go_live == date(2027, 1, 5)
    assert set(projection.slack.values()) == {0}
    assert critical(doc, projection) == set(names(doc, doc.dates.target))


def test_a_late_chain_takes_the_slack_from_the_other(load) -> None:
    # the questionnaire (due 1 Dec) is expected on 11 Dec: 10 days late
    doc, projection = load(
        TWO_CHAINS.replace(
            "        due: security - 1w\n",
            "        due: security - 1w\n        expected: 2026-12-11\n",
        )
    )

    assert projection.go_live == date(2027, 1, 15)
    assert critical(doc, projection) == {
        "Security review passed",
        "Security questionnaire",
        "Pen test report",
    }
    assert names(doc, projection.slack) == {
        "Security review passed": 0,
        "Security questionnaire": 0,
        "Pen test report": 0,  # pushed to 18 Dec with it
        "Contract signed": 10,
        "Send the order form": 10,
        "Sign the order form": 10,
    }


def test_the_second_chain_late_takes_the_slack_from_the_first(load) -> None:
    # the order form (due 15 Dec) is expected on 25 Dec: go-live waits for its chain,
    # though the first chain's lead time to go-live is kept
    doc, projection = load(
        TWO_CHAINS.replace(
            "        due: sign - 1w\n", "        due: sign - 1w\n        expected: 2026-12-25\n"
        )
    )

    assert projection.go_live == date(2027, 1, 15)
    assert names(doc, projection.projected)["Sign the order form"] == date(2027, 1, 1)
    assert names(doc, projection.slack) == {
        "Security review passed": 10,
        "Security questionnaire": 10,
        "Pen test report": 10,
        "Contract signed": 0,
        "Send the order form": 0,
        "Sign the order form": 0,
    }


def test_what_comes_after_go_live_moves_with_it(load) -> None:
    doc, projection = load(
        CHAIN
        + """\
  - name: First value review
    id: value
    due: go_live + 8w
    steps:
      - task: Send the usage report
        owner: Sam Ortiz
        due: value - 1w
      - task: Switch off the old system
        owner: Priya Raman
        due: go_live + 1d
"""
    )

    # go-live moves 5 days, from 20 Jan to 25 Jan: so does all that counts from it
    assert {
        name: when
        for name, when in names(doc, projection.projected).items()
        if name in {"First value review", "Send the usage report", "Switch off the old system"}
    } == {
        "First value review": date(2027, 3, 22),
        "Send the usage report": date(2027, 3, 15),  # a week before its milestone
        "Switch off the old system": date(2027, 1, 26),  # the day after
    }


def test_a_step_after_go_live_has_no_slack_to_speak_of(load) -> None:
    doc, projection = load(
        CHAIN + "  - name: First value review\n    due: go_live + 8w\n    steps:\n"
        "      - task: Present the results\n        owner: Sam Ortiz\n        due: go_live + 8w\n"
    )

    # it moves with the projected go-live, and no slip of it moves go-live
    assert names(doc, projection.projected)["Present the results"] == date(2027, 3, 22)
    assert "Present the results" not in names(doc, projection.slack)
    assert "First value review" not in critical(doc, projection)


def test_a_step_due_the_same_day_as_another_holds_it_back(load) -> None:
    # the questionnaire is due with the review, and expected 9 days after it
    doc, projection = load(
        CHAIN.replace("due: approval - 1w", "due: go_live - 8w").replace(
            "        due: review - 2w\n", "        due: review\n        expected: 2026-12-04\n"
        )
    )

    projected = names(doc, projection.projected)
    assert (projected["Security questionnaire"], projected["Architecture review"]) == (
        date(2026, 12, 4),
        date(2026, 12, 4),
    )
    assert projection.go_live == date(2027, 1, 29)


def test_a_step_counted_on_from_another_does_not_pull_it_later(load) -> None:
    # signing is expected a week late: the order form it counts from stays where it is
    doc, projection = load(
        CHAIN.replace(
            "        due: order + 1w\n", "        due: order + 1w\n        expected: 2026-12-15\n"
        )
    )

    projected = names(doc, projection.projected)
    assert (projected["Send the order form"], projected["Sign the order form"]) == (
        date(2026, 12, 1),
        date(2026, 12, 15),
    )
    assert names(doc, projection.slack)["Send the order form"] == 20
    assert names(doc, projection.slack)["Sign the order form"] == 13


def test_an_earlier_expected_date_keeps_a_fixed_date(load) -> None:
    doc, projection = load(
        CHAIN.replace(
            "        due: 2026-12-01\n", "        due: 2026-12-01\n        expected: 2026-11-27\n"
        )
    )

    projected = names(doc, projection.projected)
    assert (projected["Send the order form"], projected["Sign the order form"]) == (
        date(2026, 12, 1),
        date(2026, 12, 8),
    )


def test_a_plan_without_go_live_projects_no_go_live(load) -> None:
    doc, projection = load(
        """\
milestones:
  - name: Order signed
    due: 2026-12-01
    steps:
      - task: Send the order form
        id: order
        owner: Sam Ortiz
        due: 2026-11-18
      - task: Sign the order form
        owner: Priya Raman
        due: order + 2d
"""
    )

    assert names(doc, projection.projected) == {
        "Order signed": date(2026, 12, 1),
        "Send the order form": TODAY_DATE,
        "Sign the order form": date(2026, 11, 25),
    }
    assert (projection.go_live, projection.late_by(doc.plan), projection.cause) == (None, 0, None)
    assert explain.why_late(doc.plan, doc.dates, projection, TODAY_DATE) is None


# --- business days: there and back again moves nothing by itself ------------------------

WEEKEND = """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    id: contract
    due: 2027-01-16
    steps:
      - task: Register the supplier
        owner: Priya Raman
        due: contract - 5bd
"""


def test_business_days_back_from_a_saturday_move_nothing(load) -> None:
    doc, projection = load(WEEKEND)  # Saturday 16 Jan; 5 business days before: Monday 11

    assert names(doc, projection.projected) == {
        "Contract signed": date(2027, 1, 16),
        "Register the supplier": date(2027, 1, 11),
    }
    # it can slip to Wed 24 Mar, 5 business days before go-live (Wed 31 Mar)
    assert names(doc, projection.slack) == {"Contract signed": 72, "Register the supplier": 72}


def test_business_days_back_from_a_saturday_go_live_move_nothing(load) -> None:
    # Saturday 16 Jan; 5 business days before: Monday 11, which is 5 business days from
    # the Monday after: the lead time is kept
    doc, projection = load(
        "go_live: 2027-01-16\nmilestones:\n  - name: Live\n    steps:\n"
        "      - task: Load the data\n        owner: Sam Ortiz\n        due: go_live - 5bd\n"
    )

    assert projection.go_live == date(2027, 1, 16)
    assert names(doc, projection.slack) == {"Live": 0, "Load the data": 0}


def test_a_day_late_on_business_days_moves_by_business_days(load) -> None:
    doc, projection = load(
        WEEKEND.replace("contract - 5bd\n", "contract - 5bd\n        expected: 2027-01-12\n")
    )

    # Tuesday 12 Jan + 5 business days: Tuesday 19 Jan
    assert names(doc, projection.projected)["Contract signed"] == date(2027, 1, 19)


# Go-live on Friday 2 April 2027: loading takes 5 business days, the export 3 before it.
FRIDAY = """\
go_live: 2027-04-02
milestones:
  - name: Data loaded
    due: go_live - 5bd
    steps:
      - task: Export the data
        id: export
        owner: Sam Ortiz
        due: load - 3bd
      - task: Load the data
        id: load
        owner: Sam Ortiz
        due: go_live - 5bd
"""


def test_business_days_before_a_friday_leave_no_slack_over_the_weekend(load) -> None:
    doc, projection = load(FRIDAY)

    assert names(doc, projection.projected) == {
        "Data loaded": date(2027, 3, 26),
        "Export the data": date(2027, 3, 23),
        "Load the data": date(2027, 3, 26),  # Friday: Monday's 5 business days end on Mon 5 Apr
    }
    # a day later, on Wednesday, the export would push the load to Monday and go-live on
    assert names(doc, projection.slack) == dict.fromkeys(names(doc, doc.dates.target), 0)
    assert critical(doc, projection) == set(names(doc, doc.dates.target))


def test_business_days_counted_on_to_a_saturday_go_live(load) -> None:
    doc, projection = load(
        """\
go_live: 2027-03-27
milestones:
  - name: Data loaded
    steps:
      - task: Export the data
        id: export
        owner: Sam Ortiz
        due: 2027-03-19
      - task: Load the data
        owner: Sam Ortiz
        due: export + 5bd
"""
    )

    # export Friday 19, load 5 business days on, Friday 26: a day before go-live; had
    # the export slipped to Monday 22, the load would end on Monday 29, after it
    assert names(doc, projection.slack) == {
        "Data loaded": 0,
        "Export the data": 0,
        "Load the data": 1,
    }
    assert critical(doc, projection) == {"Data loaded", "Export the data"}


# --- a plan that contradicts itself still gets dates --------------------------------------


def test_a_milestone_due_before_its_own_step_does_not_loop(load) -> None:
    doc, projection = load(
        """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    due: sign - 2d
    steps:
      - task: Sign the order form
        id: sign
        owner: Priya Raman
        due: 2026-12-10
"""
    )

    # its lead time cannot be kept (check says so: MAP004): the dates are the plan's own
    assert names(doc, projection.projected) == {
        "Contract signed": date(2026, 12, 10),
        "Sign the order form": date(2026, 12, 10),
    }
    assert projection.go_live == date(2027, 3, 31)


# --- expected: ------------------------------------------------------------------------------


def expecting(when: str) -> str:
    """CHAIN on time (the questionnaire due 25 Nov), its owner expecting it ``when``."""
    return CHAIN.replace("due: go_live - 6w", "due: go_live - 5w").replace(
        "        due: review - 2w\n", f"        due: review - 2w\n        expected: {when}\n"
    )


def test_projections_count_from_a_later_expected_date(load) -> None:
    doc, projection = load(expecting("2026-12-04"))  # 9 days after its due date

    projected = names(doc, projection.projected)
    assert projected["Security questionnaire"] == date(2026, 12, 4)
    assert projected["Architecture review"] == date(2026, 12, 18)
    assert projection.go_live == date(2027, 1, 29)
    assert projection.late_by(doc.plan) == 9


def test_an_earlier_expected_date_keeps_the_commitment(load) -> None:
    doc, projection = load(expecting("2026-11-24"))

    assert names(doc, projection.projected)["Security questionnaire"] == date(2026, 11, 25)
    assert projection.go_live == date(2027, 1, 20)


def test_an_expected_date_passed_is_today_at_best(load) -> None:
    doc, projection = load(expecting("2026-11-20"))  # expected before today, still open

    assert names(doc, projection.projected)["Security questionnaire"] == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("when", "state", "reasons"),
    [
        (
            "2026-12-04",
            "at risk",
            ["1 step expected after its due date", "go-live projected 9 days late"],
        ),
        ("2026-11-25", "on track", []),  # the day it is due
        ("2026-11-24", "on track", []),
    ],
)
def test_health_counts_a_step_expected_late(load, when: str, state: str, reasons) -> None:
    doc, projection = load(expecting(when))

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, None)

    assert health == schedule.Health(state, reasons)


def test_health_counts_every_step_expected_late_once(load) -> None:
    doc, projection = load(
        expecting("2026-12-04").replace(
            "        due: order + 1w\n", "        due: order + 1w\n        expected: 2026-12-09\n"
        )
    )

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, None)

    assert health.reasons[0] == "2 steps expected after their due dates"


# --- why go-live moved, in words ----------------------------------------------------------

SENTENCE = (
    "projected Mon 25 Jan 2027, 5 days late: 'Security questionnaire' (Aisha Bello) is 5 "
    "days overdue and must be done 9 weeks before go-live"
)


def test_the_sentence_names_the_late_step_and_its_lead_time(load) -> None:
    doc, projection = load(CHAIN)

    assert explain.why_late(doc.plan, doc.dates, projection, TODAY_DATE) == SENTENCE


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (  # straight from go-live
            CHAIN.replace("due: review - 2w", "due: go_live - 9w"),
            "projected Mon 25 Jan 2027, 5 days late: 'Security questionnaire' (Aisha Bello) "
            "is 5 days overdue and must be done 9 weeks before go-live",
        ),
        (  # expected later than due, not overdue
            expecting("2026-12-04"),
            "projected Fri 29 Jan 2027, 9 days late: 'Security questionnaire' (Aisha Bello) "
            "is expected Fri 4 Dec (due Wed 25 Nov) and must be done 8 weeks before go-live",
        ),
        (  # overdue, and its owner expects it later still
            CHAIN.replace("due: review - 2w\n", "due: review - 2w\n        expected: 2026-11-30\n"),
            "projected Mon 1 Feb 2027, 12 days late: 'Security questionnaire' (Aisha Bello) "
            "is expected Mon 30 Nov (due Wed 18 Nov) and must be done 9 weeks before go-live",
        ),
        (  # days and weeks on the way; no owner
            CHAIN.replace(
                "        owner: Aisha Bello\n        due: review - 2w", "        due: review - 12d"
            ),
            "projected Sat 23 Jan 2027, 3 days late: 'Security questionnaire' is 3 days overdue"
            " and must be done 7 weeks and 12 days before go-live",
        ),
        (  # planned after the milestone it is due by
            "go_live: 2026-12-15\nmilestones:\n  - name: Contract signed\n    due: 2026-12-10\n"
            "    steps:\n      - task: Sign the order form\n        owner: Priya Raman\n"
            "        due: 2026-12-20\n",
            "projected Sun 20 Dec, 5 days late: 'Sign the order form' (Priya Raman) is due "
            "Sun 20 Dec and must be done by go-live",
        ),
        (  # business days
            "go_live: 2026-11-27\nmilestones:\n  - name: Live\n    steps:\n"
            "      - task: Load the data\n        owner: Sam Ortiz\n        due: go_live - 5bd\n",
            "projected Mon 30 Nov, 3 days late: 'Load the data' (Sam Ortiz) is 3 days overdue and "
            "must be done 5 business days before go-live",
        ),
        (  # the owner expects it today: not overdue, though past its date
            CHAIN.replace("due: review - 2w\n", "due: review - 2w\n        expected: 2026-11-23\n"),
            "projected Mon 25 Jan 2027, 5 days late: 'Security questionnaire' (Aisha Bello) "
            "is expected Mon 23 Nov (due Wed 18 Nov) and must be done 9 weeks before go-live",
        ),
        (  # expected later than due, and that too has passed: overdue since the due date
            CHAIN.replace("due: review - 2w\n", "due: review - 2w\n        expected: 2026-11-20\n"),
            SENTENCE,
        ),
        (  # one of each; two owners
            "go_live: 2026-11-29\nmilestones:\n  - name: Live\n    steps:\n"
            "      - task: Load the data\n        owner: [Sam Ortiz, Priya Raman]\n"
            "        due: go_live - 1w\n",
            "projected Mon 30 Nov, 1 day late: 'Load the data' (Sam Ortiz, Priya Raman) is 1 day "
            "overdue and must be done 1 week before go-live",
        ),
        (  # one business day, over a weekend
            "go_live: 2026-11-23\nmilestones:\n  - name: Live\n    steps:\n"
            "      - task: Load the data\n        owner: Sam Ortiz\n        due: go_live - 1bd\n",
            "projected Tue 24 Nov, 1 day late: 'Load the data' (Sam Ortiz) is 3 days overdue and "
            "must be done 1 business day before go-live",
        ),
        (  # held by its owner's estimate, which the overdue step it counts from also gives
            "go_live: 2026-12-20\nmilestones:\n  - name: Order sent\n    steps:\n"
            "      - task: Send the order form\n        id: order\n        owner: Sam Ortiz\n"
            "        due: 2026-11-18\n  - name: Contract signed\n    due: go_live - 4w\n"
            "    steps:\n      - task: Sign the order form\n        owner: Priya Raman\n"
            "        due: order + 2d\n        expected: 2026-11-25\n",
            "projected Wed 23 Dec, 3 days late: 'Sign the order form' (Priya Raman) is expected "
            "Wed 25 Nov (due Fri 20 Nov) and must be done 4 weeks before go-live",
        ),
    ],
    ids=[
        "from-go-live",
        "expected",
        "overdue-and-expected",
        "mixed-units",
        "planned",
        "bd",
        "expected-today",
        "expected-and-passed",
        "singular",
        "one-business-day",
        "first-reason-of-its-own",
    ],
)
def test_the_sentence(load, body: str, sentence: str) -> None:
    doc, projection = load(body)

    assert explain.why_late(doc.plan, doc.dates, projection, TODAY_DATE) == sentence


def test_no_sentence_when_go_live_holds(load) -> None:
    doc, projection = load(expecting("2026-11-24"))

    assert explain.why_late(doc.plan, doc.dates, projection, TODAY_DATE) is None
    assert explain.reason(doc.plan, doc.dates, projection, TODAY_DATE) is None


# --- on the page and in the commands -----------------------------------------------------


def test_the_page_says_why_and_shows_the_expected_date(write_plan, site, run) -> None:
    write_plan("northwind", plan_text(CHAIN.replace(
        "        due: order + 1w\n", "        due: order + 1w\n        expected: 2026-12-15\n"
    )))  # fmt: skip

    assert run("build", "--today", TODAY).exit_code == 0
    html = page_of(site / "public", "northwind").read_text(encoding="utf-8")

    assert (
        'Projected <time datetime="2027-01-25">Mon 25 Jan 2027</time>, 5 days late</span></span>'
        in html
    )
    assert (
        '<span class="fact__why">&#39;Security questionnaire&#39; (Aisha Bello) is 5 days '
        "overdue and must be done 9 weeks before go-live</span>" in html
    )
    sign = html[html.index("Sign the order form") :]
    sign = sign[: sign.index("</li>")]
    assert "<span>Tue 8 Dec</span></time>" in sign  # due, and beside it the new estimate
    assert "<span>Expected Tue 15 Dec</span>" in sign
    assert "Pushed to" not in sign  # the estimate says it already


def test_a_done_step_shows_no_estimate(write_plan, site, run) -> None:
    # done on time, and the estimate left in the file: it says nothing any more
    write_plan("northwind", plan_text(CHAIN.replace(
        "        due: order + 1w\n",
        "        due: order + 1w\n        expected: 2026-12-15\n        status: done\n",
    )))  # fmt: skip

    assert run("build", "--today", TODAY).exit_code == 0
    html = page_of(site / "public", "northwind").read_text(encoding="utf-8")

    sign = html[html.index("Sign the order form") :]
    assert "Expected" not in sign[: sign.index("</li>")]


def test_check_and_report_say_the_same_sentence(write_plan, run) -> None:
    write_plan("northwind", plan_text(CHAIN))

    check = run("check", "--today", TODAY)
    report = run("report", "--today", TODAY)

    assert (
        f"plans/northwind.md:22:14: warning: milestones[0].steps[0].due: go-live {SENTENCE} "
        "(agree a new date with its owner, or move go-live with the buyer) "
        "[MAP023 go-live-late]"
    ) in check.stdout.splitlines()
    assert f"Northwind Financial: go-live {SENTENCE}" in report.stdout.splitlines()


def test_set_expected_writes_the_owners_estimate(write_plan, run) -> None:
    path = write_plan("northwind", plan_text(CHAIN))

    result = run("set", "northwind", "review", "--expected", "2026-12-09", "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "plans/northwind.md: review 'Architecture review' -> expected Wed 9 Dec\n"
    )
    assert "        due: approval - 1w\n        expected: 2026-12-09\n" in path.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("go_live - 1w", "'go_live - 1w' is not a date"),
        ("next week", "'next week' is not a date"),
        ("2026-02-30", "'2026-02-30' is not a real date"),
    ],
)
def test_set_expected_takes_a_date(write_plan, run, value: str, message: str) -> None:
    write_plan("northwind", plan_text(CHAIN))

    result = run("set", "northwind", "review", "--expected", value)

    assert result.exit_code == 2
    assert (
        f"Invalid value for '--expected': {message} (use YYYY-MM-DD: the day the owner now "
        "expects, or none to take it out)"
    ) in result.stderr


def test_set_expected_none_takes_the_estimate_out(write_plan, run) -> None:
    estimate = "due: approval - 1w\n        expected: 2026-12-09\n"
    text = plan_text(CHAIN.replace("due: approval - 1w\n", estimate))
    path = write_plan("northwind", text)
    before = path.read_text(encoding="utf-8")

    result = run("set", "northwind", "review", "--expected", "none", "--today", TODAY)
    again = run("set", "northwind", "review", "--expected", "None", "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert result.stdout == "plans/northwind.md: review 'Architecture review' -> expected none\n"
    after = path.read_text(encoding="utf-8")
    # the line goes, and nothing else changes but updated:, added as today
    assert after.replace(f"updated: {TODAY}\n", "") == before.replace(
        "        expected: 2026-12-09\n", ""
    )
    assert f"updated: {TODAY}\n" in after
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "plans/northwind.md: review 'Architecture review' nothing to change: "
        "expected already none\n"
    )
    assert path.read_text(encoding="utf-8") == after


def test_a_step_done_takes_its_estimate_out(write_plan, run) -> None:
    estimate = "due: approval - 1w\n        expected: 2026-12-09\n"
    path = write_plan("northwind", plan_text(CHAIN.replace("due: approval - 1w\n", estimate)))
    before = path.read_text(encoding="utf-8")

    result = run("done", "northwind", "review", "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "plans/northwind.md: review 'Architecture review' -> done; its estimate (Wed 9 Dec) "
        "taken out\n"
    )
    after = path.read_text(encoding="utf-8").replace(f"updated: {TODAY}\n", "")
    assert "expected:" not in after
    assert "        due: approval - 1w\n        status: done\n" in after
    assert after.count("\n") == before.count("\n")  # one line out, status in


def test_an_estimate_given_with_done_is_kept(write_plan, run) -> None:
    path = write_plan("northwind", plan_text(CHAIN))

    args = ("set", "northwind", "review", "--status", "done", "--expected", "2026-12-09")
    result = run(*args, "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert "        expected: 2026-12-09\n" in path.read_text(encoding="utf-8")


def test_an_expected_that_is_not_a_date_is_located(write_plan, run) -> None:
    write_plan(
        "northwind",
        plan_text(
            CHAIN.replace("due: approval - 1w\n", "due: approval - 1w\n        expected: soon\n")
        ),
    )

    result = run("check", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "plans/northwind.md:27:19: milestones[0].steps[1].expected: 'soon' is not a date "
        "(use YYYY-MM-DD)"
    )


def test_two_milestones_counted_from_each_other_still_get_dates(load) -> None:
    # each step counts from the other milestone, which its own date rolls up into: a
    # loop no date can satisfy; the projection stops instead of running on
    _, projection = load(
        """\
go_live: 2027-03-31
milestones:
  - name: Pilot live
    id: pilot
    due: 2026-12-01
    steps:
      - task: Switch the pilot on
        owner: Sam Ortiz
        due: training + 1d
  - name: Training done
    id: training
    due: 2026-12-01
    steps:
      - task: Train the analysts
        owner: Sam Ortiz
        due: pilot + 1d
"""
    )

    assert all(d is not None and d < date(2100, 1, 1) for d in projection.projected.values())


def test_a_milestone_holding_a_step_after_go_live_does_not_hold_go_live(load) -> None:
    doc, projection = load(
        """\
go_live: 2027-03-31
milestones:
  - name: Live
    due: go_live
    steps:
      - task: Switch on
        owner: Sam Ortiz
        due: go_live
      - task: Hypercare review
        owner: Sam Ortiz
        due: go_live + 3d
"""
    )

    assert projection.go_live == date(2027, 3, 31)
    assert names(doc, projection.projected) == {
        "Live": date(2027, 4, 3),  # its steps, the review among them
        "Switch on": date(2027, 3, 31),
        "Hypercare review": date(2027, 4, 3),
    }
    assert projection.cause is None


def test_the_sentence_in_days_when_lead_times_run_both_ways(load) -> None:
    # 'Draft' counts 2 days back from 'Review' (expected 5 weeks late), and is due with
    # its milestone 4 weeks before go-live: 4 weeks less 2 days, said as a distance
    doc, projection = load(
        """\
go_live: 2027-01-29
milestones:
  - name: Security review passed
    due: go_live - 4w
    steps:
      - task: Draft the answers
        owner: Aisha Bello
        due: review - 2d
  - name: Architecture agreed
    steps:
      - task: Review the architecture
        id: review
        owner: Sam Ortiz
        due: 2026-12-03
        expected: 2027-01-10
"""
    )

    assert explain.why_late(doc.plan, doc.dates, projection, TODAY_DATE) == (
        "projected Fri 5 Feb 2027, 7 days late: 'Review the architecture' (Sam Ortiz) is "
        "expected Sun 10 Jan 2027 (due Thu 3 Dec) and must be done 4 weeks before go-live"
    )
