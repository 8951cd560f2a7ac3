"""Where a plan stands on a fixed today (Monday 23 November 2026).

Slips pushed down chains of work-back dates, the projected go-live, the critical path,
health, progress per side and the 'Next up' order: each read from ``schedule`` and from
the built page, as a buyer would see it. Every plan page here is built in one run of
``mapsite build`` (the ``pages`` fixture) to keep the suite fast.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from support import TODAY, page_of, token_for, with_token

from mapsite import schedule
from mapsite.cli import main
from mapsite.dates import Calendar
from mapsite.load import Document, load_plan
from mapsite.model import Plan

TODAY_DATE = date.fromisoformat(TODAY)  # Monday 23 November 2026

HEAD = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
stakeholders:
  - name: Priya Raman
    side: buyer
  - name: Alex Kim
    side: buyer
  - name: Sam Ortiz
    side: seller
"""


def plan_text(body: str) -> str:
    return HEAD + body + "---\n"


# --- the plans ---------------------------------------------------------------------------

# 'Send' is 5 days overdue; 'Review' counts from it, 'Sign' from 'Review'; 'Book' from nothing.
SLIP = """\
go_live: {go_live}
milestones:
  - name: Order signed
    steps:
      - task: Send the order form
        id: send
        owner: Sam Ortiz
        due: {send_due}
        status: {send_status}
      - task: Review the order form
        id: review
        owner: Priya Raman
        due: send + {review_after}
      - task: Sign the order form
        id: sign
        owner: Priya Raman
        due: review + {sign_after}
      - task: Book the kickoff call
        owner: Sam Ortiz
        due: {book_due}
{more}"""


def slip_plan(
    *,
    go_live: str = "2026-11-30",
    send_due: str = "2026-11-18",
    send_status: str = "todo",
    review_after: str = "2d",
    sign_after: str = "1w",
    book_due: str = "2026-11-26",
    more: str = "",
) -> str:
    return plan_text(
        SLIP.format(
            go_live=go_live,
            send_due=send_due,
            send_status=send_status,
            review_after=review_after,
            sign_after=sign_after,
            book_due=book_due,
            more=more,
        )
    )


SLIPPED = slip_plan()
# 'Send' 3 weeks overdue; 'Sign', due on go-live, is pushed 3 weeks with it
SLIPPED_WEEKS = slip_plan(send_due="2026-11-02", review_after="2w", sign_after="2w")
# 'Send' is done, 5 days after its date: nothing moves
DONE_LATE = slip_plan(send_status="done", review_after="1w")


def go_live_plan(milestone_due: str) -> str:
    """The go-live milestone (due ``milestone_due``) ends with a step due on go-live day."""
    return plan_text(
        f"""\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    due: 2027-01-15
    steps:
      - task: Sign the order form
        due: 2027-01-15
  - name: Live
    {milestone_due}
    steps:
      - task: Train the analysts
        due: go_live - 1w
      - task: Switch on
        due: go_live
"""
    )


def health_plan(
    due: str = "2026-12-10",
    status: str = "todo",
    *,
    updated: str | None = None,
    go_live: str = "2027-03-31",
    milestone_due: str | None = None,
    sign_due: str = "2026-12-15",
    sign_status: str = "todo",
) -> str:
    """'Send' due ``due`` with ``status``, and 'Sign' (on schedule unless given)."""
    return plan_text(
        (f"updated: {updated}\n" if updated else "")
        + f"go_live: {go_live}\n"
        + "milestones:\n  - name: Contract signed\n"
        + (f"    due: {milestone_due}\n" if milestone_due else "")
        + f"""\
    steps:
      - task: Send the order form
        owner: Sam Ortiz
        due: {due}
        status: {status}
      - task: Sign the order form
        owner: Priya Raman
        due: {sign_due}
        status: {sign_status}
"""
    )


ON_SCHEDULE = "Every step on schedule"
HEALTH_CASES = {
    # name: (plan, state, reasons, what the Health fact on the page says)
    "on-track": (health_plan(), "on track", [], f"On track {ON_SCHEDULE}"),
    "1-day-overdue": (
        health_plan("2026-11-22"),
        "at risk",
        ["1 step overdue"],
        "At risk 1 step overdue",
    ),
    "6-days-overdue": (
        health_plan("2026-11-17"),
        "at risk",
        ["1 step overdue"],
        "At risk 1 step overdue",
    ),
    "7-days-overdue": (
        health_plan("2026-11-16"),
        "stalled",
        ["1 step 7 or more days overdue"],
        "Stalled 1 step 7 or more days overdue",
    ),
    "2-steps-overdue": (
        health_plan("2026-11-22", sign_due="2026-11-17"),  # 1 and 6 days
        "at risk",
        ["2 steps overdue"],
        "At risk 2 steps overdue",
    ),
    "2-steps-7-days-overdue": (
        health_plan("2026-11-16", sign_due="2026-10-24"),  # 7 and 30 days
        "stalled",
        ["2 steps 7 or more days overdue"],
        "Stalled 2 steps 7 or more days overdue",
    ),
    "1-of-2-overdue-steps-7-days": (
        health_plan("2026-11-16", sign_due="2026-11-22"),  # 7 days and 1 day
        "stalled",
        ["1 step 7 or more days overdue"],
        "Stalled 1 step 7 or more days overdue",
    ),
    "blocked": (
        health_plan(status="blocked"),
        "at risk",
        ["1 step blocked"],
        "At risk 1 step blocked",
    ),
    # no step overdue or blocked, but 'Send' is planned after its milestone, which is
    # due before go-live: go-live is projected on 'Send's date
    "go-live-projected-late": (
        health_plan("2026-12-20", go_live="2026-12-15", milestone_due="2026-12-10"),
        "at risk",
        ["go-live projected 5 days late"],
        "At risk Go-live projected 5 days late",
    ),
    "go-live-projected-1-day-late": (
        health_plan("2026-12-16", go_live="2026-12-15", milestone_due="2026-12-10"),
        "at risk",
        ["go-live projected 1 day late"],
        "At risk Go-live projected 1 day late",
    ),
    "2-steps-blocked": (
        health_plan(status="blocked", sign_status="blocked"),
        "at risk",
        ["2 steps blocked"],
        "At risk 2 steps blocked",
    ),
    "no-update-for-21-days": (
        health_plan(updated="2026-11-02"),
        "stalled",
        ["no update for 21 days"],
        "Stalled No update for 21 days",
    ),
    "no-update-for-20-days": (
        health_plan(updated="2026-11-03"),
        "on track",
        [],
        f"On track {ON_SCHEDULE}",
    ),
    "done-step-past-its-date": (
        health_plan("2026-10-01", status="done"),
        "on track",
        [],
        f"On track {ON_SCHEDULE}",
    ),
    "every-reason": (
        health_plan("2026-11-16", status="blocked", updated="2026-10-01"),
        "stalled",
        ["1 step 7 or more days overdue", "no update for 53 days", "1 step blocked"],
        "Stalled 1 step 7 or more days overdue; no update for 53 days; 1 step blocked",
    ),
}

PROGRESS = plan_text(
    """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    steps:
      - task: Send the order form
        owner: Sam Ortiz
        status: done
      - task: Sign the order form
        owner: priya raman
        status: done
      - task: Agree the order form together
        owner: [Priya Raman, Sam Ortiz]
        status: done
      - task: Countersign the order form
        owner: Sam Ortiz
      - task: File the contract
        owner: Pat Legal
  - name: Security review passed
    steps:
      - task: Answer the questionnaire
        owner: Priya Raman
        status: blocked
      - task: Walk through the architecture
        owner: [Sam Ortiz, Alex Kim]
        status: done
  - name: Pilot live
    steps:
      - task: Switch the pilot on
        owner: Sam Ortiz
        status: done
  - name: Analysts trained
    steps:
      - task: Train the analysts
        owner: Alex Kim
"""
)

NEXT_UP = plan_text(
    """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    steps:
      - task: Draft the statement of work
        due: 2026-12-10
      - task: Hold the kickoff call
        due: 2026-11-10
        status: done
      - task: Send the order form
        id: send
        due: 2026-11-20
      - task: Sign the order form
        due: send + 2d
      - task: Answer the security questionnaire
        due: 2026-11-24
      - task: Review the terms
        due: 2026-11-21
      - task: Book the training
"""
)

# 'Send' is a week overdue, so the kickoff counted from it moves a week, and with it the
# steps counted back from the kickoff; 'Send the minutes' moves the milestone further.
KICKOFF_PUSHED = plan_text(
    """\
go_live: 2027-03-31
milestones:
  - name: Order signed
    steps:
      - task: Send the order form
        id: order
        due: 2026-11-16
  - name: Kickoff held
    id: kickoff
    due: order + 1w
    steps:
      - task: Send the agenda
        due: kickoff - 2d
      - task: Hold the kickoff call
        due: kickoff
      - task: Send the minutes
        due: order + 3w
"""
)

# Every step done, one of them after the milestone's own date (finished early).
FINISHED_EARLY = plan_text(
    """\
go_live: 2027-03-31
milestones:
  - name: Security review passed
    due: 2026-11-20
    steps:
      - task: Answer the questionnaire
        due: 2026-11-18
        status: done
      - task: Send the pen test report
        due: 2026-12-01
        status: done
  - name: Contract signed
    due: 2026-12-15
    steps:
      - task: Sign the order form
        due: 2026-12-15
"""
)

# The smallest plan: one milestone, its one step planned after it.
ONE_STEP = plan_text(
    """\
milestones:
  - name: Contract signed
    due: 2026-12-01
    steps:
      - task: Sign the order form
        due: 2026-12-10
"""
)

# PROGRESS with every step done
ALL_DONE = re.sub(r"(\n +owner: .*)(\n +status: .*)?", r"\1\n        status: done", PROGRESS)

PAGE_PLANS = {
    "slipped": SLIPPED,
    "slipped-weeks": SLIPPED_WEEKS,
    "done-late": DONE_LATE,
    "go-live-milestone-dated": go_live_plan("due: go_live"),
    "go-live-milestone-undated": go_live_plan(""),
    "progress": PROGRESS,
    "all-done": ALL_DONE,
    "next-up": NEXT_UP,
    "kickoff-pushed": KICKOFF_PUSHED,
    "finished-early": FINISHED_EARLY,
    "one-step": ONE_STEP,
    **{f"health-{name}": case[0] for name, case in HEALTH_CASES.items()},
}


# --- reading plans and pages ---------------------------------------------------------------


@pytest.fixture
def load(write_plan):
    """``load(text)`` -> (document, projection as of TODAY)."""

    def load_text(text: str) -> tuple[Document, schedule.Projection]:
        doc = load_plan(write_plan("northwind", text))
        return doc, schedule.project(doc.plan, doc.dates, doc.calendar, TODAY_DATE)

    return load_text


def key_of(plan: Plan, name: str) -> schedule.Key:
    """The key of the milestone or step called ``name``."""
    [key] = [k for k in schedule.keys(plan) if name_of(plan, k) == name]
    return key


def name_of(plan: Plan, key: schedule.Key) -> str:
    mi, si = key
    return plan.milestones[mi].name if si is None else plan.milestones[mi].steps[si].task


def by_name(doc: Document, values: dict[schedule.Key, date | None]) -> dict[str, date | None]:
    return {name_of(doc.plan, k): v for k, v in values.items()}


BLOCK = {"div", "p", "li", "ol", "ul", "dt", "dd", "dl", "section", "header", "h1", "h2", "h3"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """Visible text of a page and of each element, as a reader sees it (spaces folded).

    Text inside ``hidden`` elements is left out: the theme's script may reveal it later.
    So is a ``<progress>`` bar's fallback text, which browsers do not show.
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html
        self.stack: list[tuple[str, dict[str, str], list[str]]] = [("", {}, [])]
        self.elements: list[tuple[dict[str, str], str]] = []
        self.feed(html)
        self.text = fold("".join(self.stack[0][2]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK:
            self.stack[-1][2].append(" ")
        if tag not in VOID:
            self.stack.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            open_tag, attrs, chunks = self.stack.pop()
            text = "".join(chunks)
            self.stack[-1][2].append(text + (" " if open_tag in BLOCK else ""))
            self.elements.append((attrs, fold(text)))
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if not any(
            tag in ("script", "style", "title", "progress") or "hidden" in attrs
            for tag, attrs, _ in self.stack
        ):
            self.stack[-1][2].append(data)

    def all(self, cls: str) -> list[str]:
        """The text of each element with class ``cls``, in page order."""
        return [text for attrs, text in self.elements if cls in attrs.get("class", "").split()]

    def one(self, cls: str) -> str:
        [text] = self.all(cls)
        return text

    def step(self, task: str) -> str:
        """The text of the step ``task`` in the timeline."""
        [text] = [t for t in self.all("step") if t.startswith(f"{task} ")]
        return text

    def milestone(self, name: str) -> str:
        """The text of the milestone ``name`` in the timeline, with its steps."""
        [text] = [t for t in self.all("milestone") if f" {name} " in f" {t} "]
        return text

    def head(self, name: str) -> str:
        """The text of the milestone ``name``'s heading line (its date, state and marks)."""
        [text] = [t for t in self.all("milestone__head") if t.startswith(f"{name} ")]
        return text


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    """Every plan of PAGE_PLANS built as of TODAY in one site: name -> page."""
    site = tmp_path_factory.mktemp("site")
    (site / "plans").mkdir()
    for name, text in PAGE_PLANS.items():
        (site / "plans" / f"{name}.md").write_text(with_token(text, name), encoding="utf-8")
    # HTML only: printing PDFs takes seconds (conftest's MAPSITE_PDF=0 comes too late
    # for a module fixture)
    result = CliRunner().invoke(
        main,
        ["build", str(site), "--today", TODAY],
        env={"MAPSITE_TODAY": None, "MAPSITE_PDF": "0"},
    )
    assert result.exit_code == 0, result.output
    return {
        name: Page(page_of(site / "public", name).read_text(encoding="utf-8"))
        for name in PAGE_PLANS
    }


# --- slips pushed down a chain --------------------------------------------------------


def test_an_overdue_step_pushes_the_steps_counted_from_it(load) -> None:
    doc, projection = load(SLIPPED)

    assert by_name(doc, doc.dates.target) == {
        "Order signed": None,
        "Send the order form": date(2026, 11, 18),
        "Review the order form": date(2026, 11, 20),
        "Sign the order form": date(2026, 11, 27),
        "Book the kickoff call": date(2026, 11, 26),
    }
    assert by_name(doc, projection.projected) == {
        "Order signed": date(2026, 12, 2),  # its latest step
        "Send the order form": TODAY_DATE,  # 5 days late: done today at best
        "Review the order form": date(2026, 11, 25),  # moved by the same 5 days
        "Sign the order form": date(2026, 12, 2),  # and again
        "Book the kickoff call": date(2026, 11, 26),  # counts from nothing: stays
    }


def test_a_done_step_pushes_nothing(load) -> None:
    doc, projection = load(DONE_LATE)

    assert by_name(doc, projection.projected) == by_name(doc, doc.dates.target) | {
        "Order signed": date(2026, 12, 2)  # undated: its latest step, 'Sign'
    }
    assert by_name(doc, doc.dates.target)["Sign the order form"] == date(2026, 12, 2)
    assert projection.go_live == date(2026, 11, 30)
    assert projection.late_by(doc.plan) == 0


def test_the_same_plan_with_that_step_open_is_pushed(load) -> None:
    doc, projection = load(slip_plan(review_after="1w"))  # DONE_LATE, 'Send' not done

    projected = by_name(doc, projection.projected)
    assert projected["Review the order form"] == date(2026, 11, 30)  # 25 Nov + 5 days
    assert projected["Sign the order form"] == date(2026, 12, 7)  # 2 Dec + 5 days


def test_the_projected_go_live_moves_when_a_prerequisite_is_pushed_past_it(load) -> None:
    doc, projection = load(SLIPPED)  # 'Sign', due 27 Nov, is projected 2 Dec

    assert projection.go_live == date(2026, 12, 2)
    assert projection.late_by(doc.plan) == 2


def test_a_slip_that_stays_before_go_live_does_not_move_it(load) -> None:
    doc, projection = load(slip_plan(go_live="2026-12-15"))

    assert by_name(doc, projection.projected)["Sign the order form"] == date(2026, 12, 2)
    assert projection.go_live == date(2026, 12, 15)
    assert projection.late_by(doc.plan) == 0


def test_a_step_due_after_go_live_does_not_move_it(load) -> None:
    doc, projection = load(slip_plan(go_live="2026-11-26"))  # 'Sign' is due 27 Nov

    assert projection.go_live == date(2026, 11, 26)
    assert projection.late_by(doc.plan) == 0


def test_a_milestone_counted_from_a_pushed_step_is_pushed(load) -> None:
    more = (
        "  - name: Kickoff held\n    due: sign + 1w\n    steps:\n"
        "      - task: Hold the kickoff\n        due: sign + 1w\n"
    )
    doc, projection = load(slip_plan(go_live="2026-12-31", more=more))
    kickoff, hold = key_of(doc.plan, "Kickoff held"), key_of(doc.plan, "Hold the kickoff")

    assert doc.dates.target[kickoff] == doc.dates.target[hold] == date(2026, 12, 4)
    assert projection.projected[kickoff] == projection.projected[hold] == date(2026, 12, 9)


def test_steps_counted_from_their_milestone_move_with_it(load) -> None:
    doc, projection = load(KICKOFF_PUSHED)

    assert by_name(doc, doc.dates.target) == {
        "Order signed": None,
        "Send the order form": date(2026, 11, 16),
        "Kickoff held": date(2026, 11, 23),
        "Send the agenda": date(2026, 11, 21),
        "Hold the kickoff call": date(2026, 11, 23),
        "Send the minutes": date(2026, 12, 7),
    }
    assert by_name(doc, projection.projected) == {
        "Order signed": TODAY_DATE,
        "Send the order form": TODAY_DATE,  # a week late: done today at best
        "Kickoff held": date(2026, 12, 14),  # its latest step
        "Send the agenda": date(2026, 11, 28),  # the kickoff moved a week, and so does it
        # on the kickoff's own date, moved a week: not on the date of its latest step
        "Hold the kickoff call": date(2026, 11, 30),
        "Send the minutes": date(2026, 12, 14),  # counted from the order form
    }


def test_the_page_shows_steps_moved_with_their_milestone(pages: dict[str, Page]) -> None:
    shown = pages["kickoff-pushed"]

    assert "Pushed to Mon 30 Nov" in shown.step("Hold the kickoff call")
    assert "Pushed to Mon 14 Dec" in shown.step("Send the minutes")
    assert "2 days overdue" in shown.step("Send the agenda")  # its own date has passed
    assert "Projected Mon 14 Dec" in shown.head("Kickoff held")


def test_a_step_counted_from_an_undated_milestone_follows_its_steps(load) -> None:
    more = (
        "  - name: Kickoff held\n    id: kickoff\n    steps:\n"
        "      - task: Hold the kickoff call\n        due: 2026-12-01\n"
        "      - task: Send the minutes\n        due: 2026-12-03\n"
        "  - name: Pilot running\n    steps:\n"
        "      - task: Send the recap\n        due: kickoff + 2d\n"
    )
    doc, projection = load(slip_plan(go_live="2026-12-31", more=more))
    recap = key_of(doc.plan, "Send the recap")

    assert doc.dates.target[recap] is None  # the kickoff has no date of its own
    assert projection.projected[recap] == date(2026, 12, 5)  # 2 days after its last step


def test_a_done_milestone_stays_on_its_date(load, pages: dict[str, Page]) -> None:
    doc, projection = load(FINISHED_EARLY)

    # its last step was planned for 1 Dec: done early, it moves nothing
    assert projection.projected[key_of(doc.plan, "Security review passed")] == date(2026, 11, 20)
    assert "Projected" not in pages["finished-early"].head("Security review passed")


def test_a_plan_of_one_step_rolls_it_up_into_its_milestone(load, pages: dict[str, Page]) -> None:
    doc, projection = load(ONE_STEP)

    assert by_name(doc, projection.projected) == {
        "Contract signed": date(2026, 12, 10),
        "Sign the order form": date(2026, 12, 10),
    }
    assert "Projected Thu 10 Dec" in pages["one-step"].head("Contract signed")


def test_the_page_shows_the_slip(pages: dict[str, Page]) -> None:
    shown = pages["slipped"]

    assert shown.one("fact--golive") == (
        "Go-live Mon 30 Nov in 7 days Projected Wed 2 Dec, 2 days late "
        "'Send the order form' (Sam Ortiz) is 5 days overdue and must be done "
        "1 week and 2 days before go-live"
    )
    sign = shown.step("Sign the order form")
    assert "Fri 27 Nov" in sign  # its own date, and beside it where it is pushed to
    assert "Pushed to Wed 2 Dec" in sign
    assert "3 days overdue" in shown.step("Review the order form")  # says so instead
    assert "5 days overdue" in shown.step("Send the order form")
    assert "Pushed to" not in shown.step("Book the kickoff call")
    assert shown.text.count("Pushed to") == 1


def test_the_page_says_how_many_weeks_late(pages: dict[str, Page]) -> None:
    shown = pages["slipped-weeks"]

    assert shown.one("fact--golive") == (
        "Go-live Mon 30 Nov in 7 days Projected Mon 21 Dec, 3 weeks late "
        "'Send the order form' (Sam Ortiz) is 21 days overdue and must be done "
        "4 weeks before go-live"
    )
    assert "Pushed to Mon 21 Dec" in shown.step("Sign the order form")


def test_the_page_shows_no_slip_for_a_done_step_past_its_date(pages: dict[str, Page]) -> None:
    shown = pages["done-late"]

    assert shown.one("fact--golive") == "Go-live Mon 30 Nov in 7 days"
    assert "Pushed to" not in shown.text
    assert "Projected" not in shown.text
    assert "overdue" not in shown.text.lower()


# --- the critical path -----------------------------------------------------------------


def test_the_chain_that_sets_go_live_is_the_critical_path(load) -> None:
    doc, projection = load(SLIPPED)

    # and the milestone they belong to: it is reached when they are
    assert {name_of(doc.plan, k) for k in projection.critical} == {
        "Order signed",
        "Send the order form",
        "Review the order form",
        "Sign the order form",
    }


def test_a_step_overdue_off_that_chain_is_not_critical(load) -> None:
    doc, projection = load(slip_plan(book_due="2026-11-21"))  # 'Book' 2 days overdue

    assert key_of(doc.plan, "Book the kickoff call") not in projection.critical
    assert key_of(doc.plan, "Sign the order form") in projection.critical


def test_the_page_marks_the_critical_path(pages: dict[str, Page]) -> None:
    shown = pages["slipped"]

    for task in ("Send the order form", "Review the order form", "Sign the order form"):
        assert "Critical path" in shown.step(task), task
    assert "Critical path" not in shown.step("Book the kickoff call")
    # and so does 'Next up': Send, Review, then Book (26 Nov) before Sign (2 Dec)
    assert ["Critical path" in item for item in shown.all("next")] == [True, True, False]


def test_a_step_due_today_keeps_its_place_on_the_critical_path(load) -> None:
    # 'Send' is done; 'Review' is due today, on time; 'Sign', a week later, on go-live
    doc, projection = load(slip_plan(send_status="done", review_after="5d"))

    assert projection.projected[key_of(doc.plan, "Review the order form")] == TODAY_DATE
    # 'Send', done, can slip no more: the path runs from today
    assert {name_of(doc.plan, k) for k in projection.critical} == {
        "Order signed",
        "Review the order form",
        "Sign the order form",
    }


def test_a_milestone_due_on_go_live_is_critical_with_its_last_step(
    load, pages: dict[str, Page]
) -> None:
    doc, projection = load(go_live_plan("due: go_live"))

    # 'Train the analysts' (go_live - 1w) too: a day late and go-live is a day later
    assert {name_of(doc.plan, k) for k in projection.critical} == {
        "Live",
        "Train the analysts",
        "Switch on",
    }
    assert "Critical path" in pages["go-live-milestone-dated"].head("Live")
    assert "Critical path" not in pages["go-live-milestone-dated"].head("Contract signed")


@pytest.mark.parametrize("dated", [True, False], ids=["milestone-dated", "milestone-undated"])
def test_the_steps_due_by_go_live_day_are_critical(
    load, pages: dict[str, Page], dated: bool
) -> None:
    # 'Switch on' (go-live day) and 'Train the analysts' (a week before: its lead time)
    # set the go-live, whether or not their milestone repeats the date; 'Sign' has weeks
    doc, projection = load(go_live_plan("due: go_live" if dated else ""))
    shown = pages[f"go-live-milestone-{'dated' if dated else 'undated'}"]

    assert by_name(doc, projection.slack) == {  # type: ignore[arg-type]
        "Contract signed": 75,
        "Sign the order form": 75,  # 15 Jan to 31 Mar
        "Live": 0,
        "Train the analysts": 0,
        "Switch on": 0,
    }
    assert key_of(doc.plan, "Switch on") in projection.critical
    assert key_of(doc.plan, "Train the analysts") in projection.critical
    assert key_of(doc.plan, "Sign the order form") not in projection.critical
    assert "Critical path" in shown.step("Switch on")
    assert "Critical path" in shown.step("Train the analysts")
    assert "Critical path" not in shown.step("Sign the order form")


# --- health ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", HEALTH_CASES)
def test_health(load, name: str) -> None:
    text, state, reasons, _ = HEALTH_CASES[name]
    doc, projection = load(text)

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, doc.plan.updated)

    assert health == schedule.Health(state, reasons)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", HEALTH_CASES)
def test_health_on_the_page(pages: dict[str, Page], name: str) -> None:
    _, state, _, shown = HEALTH_CASES[name]
    page = pages[f"health-{name}"]

    assert page.one("fact--health") == f"Health {shown}"
    assert f"fact--health health--{state.replace(' ', '-')}" in page.html


def test_the_health_of_a_slipped_plan_gives_every_reason(load) -> None:
    doc, projection = load(SLIPPED)

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, None)

    assert health == schedule.Health(
        "at risk", ["2 steps overdue", "go-live projected 2 days late"]
    )


# --- progress, sides and milestones -------------------------------------------------------


def test_progress_overall_and_per_side(load) -> None:
    doc, _ = load(PROGRESS)
    plan = doc.plan

    assert schedule.progress([s for _, s in plan.steps()]) == schedule.Progress(5, 9)
    # a jointly owned step counts for both sides; 'Pat Legal' is on neither
    assert schedule.side_progress(plan, "buyer") == schedule.Progress(3, 5)
    assert schedule.side_progress(plan, "seller") == schedule.Progress(4, 5)
    assert {name_of(plan, k): side for k, side in schedule.sides(plan).items()} == {
        "Send the order form": "seller",
        "Sign the order form": "buyer",  # 'priya raman': names match in any case
        "Agree the order form together": "joint",
        "Countersign the order form": "seller",
        "File the contract": "unassigned",  # 'Pat Legal' is not a stakeholder
        "Answer the questionnaire": "buyer",
        "Walk through the architecture": "joint",
        "Switch the pilot on": "seller",
        "Train the analysts": "buyer",
    }


def test_milestones_roll_up_their_steps(load) -> None:
    doc, _ = load(PROGRESS)
    milestones = doc.plan.milestones

    assert [schedule.milestone_state(m) for m in milestones] == [
        "in progress",
        "blocked",  # when any step is, even with others done
        "done",  # when every step is
        "upcoming",
    ]
    assert [schedule.progress(m.steps) for m in milestones] == [
        schedule.Progress(3, 5),
        schedule.Progress(1, 2),
        schedule.Progress(1, 1),
        schedule.Progress(0, 1),
    ]
    assert schedule.current_milestone(doc.plan) == 0


def test_a_milestone_is_done_when_its_last_open_steps_are(load) -> None:
    text = PROGRESS.replace(
        "        owner: Sam Ortiz\n      - task: File the contract\n        owner: Pat Legal\n",
        "        owner: Sam Ortiz\n        status: done\n"
        "      - task: File the contract\n        owner: Pat Legal\n        status: done\n",
    )
    doc, _ = load(text)

    assert schedule.milestone_state(doc.plan.milestones[0]) == "done"
    assert schedule.current_milestone(doc.plan) == 1  # the blocked security review


def test_the_page_shows_progress(pages: dict[str, Page]) -> None:
    shown = pages["progress"]

    assert shown.one("fact--progress").startswith("Progress 5 of 9 steps done ")
    # what a screen reader says for the bar: 5 of 9 is 55.6%, read as 56%
    assert 'aria-label="56% of steps done">56%</progress>' in shown.html
    # each step counted once, so the lines add up to 5 of 9: a step both sides own
    # under "Both sides", 'Pat Legal' (on neither side) under "Others"; seller first,
    # as the header names the parties
    assert shown.all("split__name") == ["Contoso", "Northwind Financial", "Both sides", "Others"]
    assert shown.all("split__count") == ["2 of 3", "1 of 3", "2 of 2", "0 of 1"]
    assert shown.one("fact--stage") == "Working on Contract signed Milestone 1 of 4"
    expected = {
        "Contract signed": ("In progress", "3 of 5 done"),
        "Security review passed": ("Blocked", "1 of 2 done"),
        "Pilot live": ("Done", "1 of 1 done"),
        "Analysts trained": ("Upcoming", "0 of 1 done"),
    }
    for name, (state, count) in expected.items():
        text = shown.milestone(name)
        assert f" {state} " in text, name
        assert f" {count} " in text, name
        assert ("We are here" in text) == (name == "Contract signed")


def test_when_every_milestone_is_done(load, pages: dict[str, Page]) -> None:
    doc, _ = load(ALL_DONE)

    assert [schedule.milestone_state(m) for m in doc.plan.milestones] == ["done"] * 4
    assert schedule.current_milestone(doc.plan) is None
    shown = pages["all-done"]
    assert shown.one("fact--stage") == "Milestones All done"
    assert shown.one("fact--progress").startswith("Progress 9 of 9 steps done ")
    assert 'aria-label="100% of steps done">100%</progress>' in shown.html
    assert shown.all("split__count") == ["3 of 3", "3 of 3", "2 of 2", "1 of 1"]


# --- next up ---------------------------------------------------------------------------


def test_next_up_is_ordered_by_projected_date(load) -> None:
    doc, projection = load(NEXT_UP)

    order = schedule.next_up(doc.plan, doc.dates, projection, 10)

    # 'Sign' was due 22 Nov, but counted from 'Send' (overdue: done today at best) it is
    # projected 25 Nov; overdue steps first, their target dates breaking the tie; done
    # steps left out; undated ones last
    assert [name_of(doc.plan, k) for k in order] == [
        "Send the order form",
        "Review the terms",
        "Answer the security questionnaire",
        "Sign the order form",
        "Draft the statement of work",
        "Book the training",
    ]
    assert schedule.next_up(doc.plan, doc.dates, projection, 2) == order[:2]


def test_next_up_breaks_ties_by_target_date_then_plan_order(load) -> None:
    text = plan_text(
        """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    steps:
      - task: Review the terms
        due: 2026-11-21
      - task: Book the training
        due: 2026-11-25
      - task: Send the order form
        due: 2026-11-18
      - task: Answer the security questionnaire
        due: 2026-11-25
"""
    )
    doc, projection = load(text)

    order = schedule.next_up(doc.plan, doc.dates, projection, 10)

    # both overdue steps are projected today: the one that was due first leads; the
    # two due on 25 Nov keep the order they are written in
    assert [name_of(doc.plan, k) for k in order] == [
        "Send the order form",
        "Review the terms",
        "Book the training",
        "Answer the security questionnaire",
    ]


def test_the_page_lists_the_next_three_steps(pages: dict[str, Page]) -> None:
    assert pages["next-up"].all("next__task") == [
        "Send the order form",
        "Review the terms",
        "Answer the security questionnaire",
    ]


# --- long chains -----------------------------------------------------------------------


def chain_plan(n: int, *, last_first: bool = False, closed: bool = False) -> Plan:
    """Steps s0 (1 Dec 2026) <- s1 (s0 + 1d) <- ... <- s{n-1}.

    ``last_first`` writes them last first, so resolving the first step written walks
    the whole chain; ``closed`` counts s0 from the last step, making one long cycle.
    """
    first = f"s{n - 1} + 1d" if closed else "2026-12-01"
    steps = [{"task": "Step 0", "id": "s0", "due": first}] + [
        {"task": f"Step {i}", "id": f"s{i}", "due": f"s{i - 1} + 1d"} for i in range(1, n)
    ]
    if last_first:
        steps.reverse()
    return Plan.model_validate(
        {
            "title": "Long chain",
            "buyer": {"name": "Northwind Financial"},
            "seller": {"name": "Contoso"},
            "share": {"token": token_for("chain")},
            "milestones": [{"name": "Everything", "steps": steps}],
        }
    )


def test_a_chain_of_30_business_days_in_a_plan_file(write_plan) -> None:
    steps = "".join(
        f"      - task: Step {i}\n        id: s{i}\n        due: s{i - 1} + 1bd\n"
        for i in range(29, 0, -1)
    )
    text = plan_text(
        "milestones:\n  - name: Everything\n    steps:\n"
        + steps
        + "      - task: Step 0\n        id: s0\n        due: 2026-12-01\n"
    )
    doc = load_plan(write_plan("northwind", text))

    dates = by_name(doc, doc.dates.target)
    assert dates["Step 0"] == date(2026, 12, 1)  # a Tuesday
    assert dates["Step 4"] == date(2026, 12, 7)  # Wed, Thu, Fri, then Monday
    assert dates["Step 29"] == date(2027, 1, 11)  # 5 weeks and 4 business days on


@pytest.mark.parametrize("last_first", [False, True], ids=["in-order", "last-first"])
@pytest.mark.parametrize("n", [30, 2000])
def test_long_chains_resolve(n: int, last_first: bool) -> None:
    plan = chain_plan(n, last_first=last_first)

    dates, problems = schedule.resolve(plan, Calendar())

    assert problems == []
    start = date(2026, 12, 1)
    assert {s.id: dates.target[(0, si)] for si, s in enumerate(plan.milestones[0].steps)} == {
        f"s{i}": start + timedelta(days=i) for i in range(n)
    }
    projection = schedule.project(plan, dates, Calendar(), TODAY_DATE)
    last = (0, 0) if last_first else (0, n - 1)
    assert projection.projected[last] == start + timedelta(days=n - 1)
    assert last in projection.critical


def test_the_long_chain_is_deeper_than_the_recursion_limit() -> None:
    assert sys.getrecursionlimit() < 2000  # else the 2000-step chains prove nothing


def test_a_long_cycle_is_one_problem() -> None:
    plan = chain_plan(2000, last_first=True, closed=True)

    dates, problems = schedule.resolve(plan, Calendar())

    [problem] = problems
    assert problem.loc == ("milestones", 0, "steps", 1999, "due")  # s0, which closes it
    assert problem.message.startswith("dates depend on each other in a cycle: s1999 -> s1998 ")
    assert problem.message.endswith(" s1 -> s0 -> s1999")
    assert set(dates.target.values()) == {None}
