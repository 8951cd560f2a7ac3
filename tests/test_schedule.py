"""Where a plan stands on a fixed today (Monday 23 November 2026).

Slips pushed down chains of work-back dates, the projected go-live, the critical path,
health, progress per side and the 'Next up' order: each read from ``schedule`` and from
the built page, as a buyer would see it.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import TODAY

from mapsite import schedule
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


# --- reading the page ----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """Visible text of a page, and of each element by class or id (whitespace folded)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str], list[str]]] = []
        self.elements: list[tuple[dict[str, str], str]] = []
        self.chunks: list[str] = []
        self.html = html
        self.feed(html)
        self.text = fold(" ".join(self.chunks))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, attrs, chunks = self.stack.pop()
            text = " ".join(chunks)
            if self.stack:
                self.stack[-1][2].append(text)
            self.elements.append((attrs, fold(text)))
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if any(tag in ("script", "style", "title") for tag, _, _ in self.stack):
            return
        self.chunks.append(data)
        if self.stack:
            self.stack[-1][2].append(data)

    def all(self, cls: str) -> list[str]:
        """Texts of the elements with class ``cls``, in page order of their ends."""
        return [text for attrs, text in self.elements if cls in attrs.get("class", "").split()]

    def one(self, cls: str) -> str:
        [text] = self.all(cls)
        return text

    def step(self, task: str) -> str:
        """The text of the step ``task`` in the plan's timeline."""
        [text] = [t for t in self.all("step") if t.startswith(task + " ")]
        return text

    def milestone(self, name: str) -> str:
        [text] = [t for t in self.all("milestone") if t.split(" ", 1)[1].startswith(name)]
        return text


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def page(write_plan, run, site: Path):
    """``page(text)`` builds a site with that plan as of TODAY and returns its page."""

    def build(text: str) -> Page:
        write_plan("northwind", text)
        result = run("build", "--today", TODAY)
        assert result.exit_code == 0, result.stderr
        return Page((site / "public" / "northwind" / "index.html").read_text(encoding="utf-8"))

    return build


@pytest.fixture
def load(write_plan):
    """``load(text)`` -> (document, projection as of TODAY)."""

    def load_text(text: str) -> tuple[Document, schedule.Projection]:
        doc = load_plan(write_plan("northwind", text))
        return doc, schedule.project(doc.plan, doc.dates, doc.calendar, TODAY_DATE)

    return load_text


def key_of(plan: Plan, name: str) -> schedule.Key:
    """The key of the milestone or step called ``name``."""
    [key] = [
        k
        for k in schedule.keys(plan)
        if (k[1] is None and plan.milestones[k[0]].name == name)
        or (k[1] is not None and plan.milestones[k[0]].steps[k[1]].task == name)
    ]
    return key


def by_name(doc: Document, values: dict[schedule.Key, date | None]) -> dict[str, date | None]:
    plan = doc.plan
    return {
        (plan.milestones[mi].name if si is None else plan.milestones[mi].steps[si].task): v
        for (mi, si), v in values.items()
    }


# --- slips pushed down a chain --------------------------------------------------------

# 'Send' is 5 days overdue; 'Review' counts from it, 'Sign' from 'Review'.
SLIP = """\
go_live: {go_live}
milestones:
  - name: Order signed
    steps:
      - task: Send the order form
        id: send
        owner: Sam Ortiz
        due: 2026-11-18
        status: {send_status}
      - task: Review the order form
        id: review
        owner: Priya Raman
        due: send + 2d
      - task: Sign the order form
        id: sign
        owner: Priya Raman
        due: review + 1w
      - task: Book the kickoff call
        owner: Sam Ortiz
        due: 2026-11-26
"""


def slip_plan(go_live: str = "2026-11-30", send_status: str = "todo") -> str:
    return plan_text(SLIP.format(go_live=go_live, send_status=send_status))


def test_an_overdue_step_pushes_the_steps_counted_from_it(load) -> None:
    doc, projection = load(slip_plan())

    assert by_name(doc, doc.dates.target) == {
        "Order signed": None,
        "Send the order form": date(2026, 11, 18),
        "Review the order form": date(2026, 11, 20),
        "Sign the order form": date(2026, 11, 27),
        "Book the kickoff call": date(2026, 11, 26),
    }
    projected = by_name(doc, projection.projected)
    assert projected["Send the order form"] == TODAY_DATE  # can at best be done today
    # each moves by the 5-day slip
    assert projected["Review the order form"] == date(2026, 11, 25)
    assert projected["Sign the order form"] == date(2026, 12, 2)
    assert projected["Book the kickoff call"] == date(2026, 11, 26)  # not counted from it
    assert projected["Order signed"] == date(2026, 12, 2)  # its latest step


def test_a_done_step_pushes_nothing(load) -> None:
    plan = slip_plan(send_status="done").replace("send + 2d", "send + 1w")
    doc, projection = load(plan)

    assert projection.projected == doc.dates.target | {(0, None): date(2026, 12, 2)}
    assert by_name(doc, projection.projected)["Send the order form"] == date(2026, 11, 18)
    assert projection.go_live == date(2026, 11, 30)
    assert projection.late_by(doc.plan) == 0
    assert schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, None).state == "on track"


def test_the_projected_go_live_moves_when_a_prerequisite_is_pushed_past_it(load) -> None:
    doc, projection = load(slip_plan(go_live="2026-11-30"))

    assert projection.go_live == date(2026, 12, 2)
    assert projection.late_by(doc.plan) == 2


def test_a_slip_that_stays_before_go_live_does_not_move_it(load) -> None:
    doc, projection = load(slip_plan(go_live="2026-12-15"))

    assert by_name(doc, projection.projected)["Sign the order form"] == date(2026, 12, 2)
    assert projection.go_live == date(2026, 12, 15)
    assert projection.late_by(doc.plan) == 0


def test_a_step_due_after_go_live_does_not_move_it(load) -> None:
    plan = slip_plan(go_live="2026-11-26")  # 'Sign' (27 Nov) is due after go-live
    doc, projection = load(plan)

    assert projection.go_live == date(2026, 11, 26)
    assert projection.late_by(doc.plan) == 0


def test_a_milestone_counted_from_a_pushed_step_is_pushed(load) -> None:
    plan = slip_plan(go_live="2026-12-31") + (
        "  - name: Kickoff held\n    due: sign + 1w\n    steps:\n"
        "      - task: Hold the kickoff\n        due: sign + 1w\n"
    )
    doc, projection = load(plan)
    kickoff, hold = key_of(doc.plan, "Kickoff held"), key_of(doc.plan, "Hold the kickoff")

    assert doc.dates.target[kickoff] == doc.dates.target[hold] == date(2026, 12, 4)
    assert projection.projected[kickoff] == projection.projected[hold] == date(2026, 12, 9)


def test_the_page_shows_the_slip(page) -> None:
    shown = page(slip_plan())

    assert shown.one("fact--golive") == (
        "Go-live Mon 30 Nov in 1 week Projected Wed 2 Dec, 2 days late"
    )
    sign = shown.step("Sign the order form")
    assert "Pushed to Wed 2 Dec" in sign
    assert "Fri 27 Nov" in sign  # the target date stays, the projection is beside it
    assert "3 days overdue" in shown.step("Review the order form")
    assert "5 days overdue" in shown.step("Send the order form")
    assert "Pushed to" not in shown.step("Book the kickoff call")
    assert shown.text.count("Pushed to") == 1  # an overdue step says so instead


def test_the_page_says_how_many_weeks_late(page) -> None:
    # 'Send' is 3 weeks overdue; 'Sign' (due on go-live) is pushed 3 weeks with it
    text = slip_plan(go_live="2026-11-30").replace("2026-11-18", "2026-11-02")
    text = text.replace("send + 2d", "send + 2w").replace("review + 1w", "review + 2w")
    shown = page(text)

    assert shown.one("fact--golive") == (
        "Go-live Mon 30 Nov in 1 week Projected Mon 21 Dec, 3 weeks late"
    )
    assert "Pushed to Mon 21 Dec" in shown.step("Sign the order form")


def test_the_page_shows_no_slip_when_a_done_step_is_past_its_date(page) -> None:
    shown = page(slip_plan(send_status="done").replace("send + 2d", "send + 1w"))

    assert shown.one("fact--golive") == "Go-live Mon 30 Nov in 1 week"
    assert "Pushed to" not in shown.text
    assert "overdue" not in shown.text.lower()


# --- the critical path -----------------------------------------------------------------


def test_the_chain_that_sets_go_live_is_the_critical_path(load) -> None:
    doc, projection = load(slip_plan())
    critical = {name for name, _ in by_name(doc, dict.fromkeys(projection.critical, None)).items()}

    assert critical == {"Send the order form", "Review the order form", "Sign the order form"}


def test_the_page_marks_the_critical_path(page) -> None:
    shown = page(slip_plan())

    for task in ("Send the order form", "Review the order form", "Sign the order form"):
        assert "Critical path" in shown.step(task), task
    assert "Critical path" not in shown.step("Book the kickoff call")
    # 'Next up' marks it too, on the same steps
    next_up = shown.all("next")
    assert [("Critical path" in item) for item in next_up] == [True, True, False]


def test_a_step_off_the_slipped_chain_is_not_critical(load) -> None:
    # 'Book' is overdue too (2 days), but 'Sign' sets the projected go-live
    doc, projection = load(slip_plan().replace("2026-11-26", "2026-11-21"))

    assert key_of(doc.plan, "Book the kickoff call") not in projection.critical
    assert key_of(doc.plan, "Sign the order form") in projection.critical


def test_the_step_that_sets_go_live_is_critical_when_its_milestone_is_due_the_same_day(
    load, page
) -> None:
    # The go-live milestone and its last step are due on go-live day: that step sets
    # the go-live, whether or not the milestone repeats its date.
    text = plan_text(
        """\
go_live: 2027-03-31
milestones:
  - name: Contract signed
    due: 2027-01-15
    steps:
      - task: Sign the order form
        due: 2027-01-15
  - name: Live
    due: go_live
    steps:
      - task: Train the analysts
        due: go_live - 1w
      - task: Switch on
        due: go_live
"""
    )
    doc, projection = load(text)

    assert key_of(doc.plan, "Switch on") in projection.critical
    assert key_of(doc.plan, "Train the analysts") not in projection.critical
    assert key_of(doc.plan, "Sign the order form") not in projection.critical

    shown = page(text)
    assert "Critical path" in shown.step("Switch on")
    assert "Critical path" not in shown.step("Train the analysts")


# --- health ----------------------------------------------------------------------------


def health_plan(
    due: str = "2026-12-10", status: str = "todo", updated: str | None = None, go_live: str = ""
) -> str:
    """Two steps: 'Send' due ``due`` with ``status``, and 'Sign', always on schedule."""
    return plan_text(
        (f"updated: {updated}\n" if updated else "")
        + f"go_live: {go_live or '2027-03-31'}\n"
        + f"""\
milestones:
  - name: Contract signed
    steps:
      - task: Send the order form
        owner: Sam Ortiz
        due: {due}
        status: {status}
      - task: Sign the order form
        owner: Priya Raman
        due: 2026-12-15
"""
    )


ON_SCHEDULE = "Every step on schedule"
HEALTH_CASES = [
    # (plan, state, reasons, what the Health fact on the page says)
    pytest.param(health_plan(), "on track", [], f"On track {ON_SCHEDULE}", id="on-track"),
    pytest.param(
        health_plan(due="2026-11-22"),
        "at risk",
        ["1 step overdue"],
        "At risk 1 step overdue",
        id="1-day-overdue",
    ),
    pytest.param(
        health_plan(due="2026-11-17"),
        "at risk",
        ["1 step overdue"],
        "At risk 1 step overdue",
        id="6-days-overdue",
    ),
    pytest.param(
        health_plan(due="2026-11-16"),
        "stalled",
        ["1 step 7 or more days overdue"],
        "Stalled 1 step 7 or more days overdue",
        id="7-days-overdue",
    ),
    pytest.param(
        health_plan(status="blocked"),
        "at risk",
        ["1 step blocked"],
        "At risk 1 step blocked",
        id="blocked",
    ),
    pytest.param(
        # no step overdue, but 'Send' is planned after its milestone, due before go-live
        health_plan(due="2026-12-20", go_live="2026-12-15").replace(
            "  - name: Contract signed\n", "  - name: Contract signed\n    due: 2026-12-10\n"
        ),
        "at risk",
        ["go-live projected 5 days late"],
        "At risk Go-live projected 5 days late",
        id="go-live-projected-late",
    ),
    pytest.param(
        health_plan(updated="2026-11-02"),
        "stalled",
        ["no update for 21 days"],
        "Stalled No update for 21 days",
        id="no-update-for-21-days",
    ),
    pytest.param(
        health_plan(updated="2026-11-03"),
        "on track",
        [],
        f"On track {ON_SCHEDULE}",
        id="updated-20-days-ago",
    ),
    pytest.param(
        health_plan(due="2026-10-01", status="done"),
        "on track",
        [],
        f"On track {ON_SCHEDULE}",
        id="done-step-past-its-date",
    ),
    pytest.param(
        health_plan(due="2026-11-16", status="blocked", updated="2026-10-01"),
        "stalled",
        ["1 step 7 or more days overdue", "no update for 53 days", "1 step blocked"],
        "Stalled 1 step 7 or more days overdue; no update for 53 days; 1 step blocked",
        id="stalled-with-every-reason",
    ),
]


@pytest.mark.parametrize(("text", "state", "reasons", "shown"), HEALTH_CASES)
def test_health(load, text: str, state: str, reasons: list[str], shown: str) -> None:
    doc, projection = load(text)

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, doc.plan.updated)

    assert health == schedule.Health(state, reasons)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "state", "reasons", "shown"), HEALTH_CASES)
def test_health_on_the_page(page, text: str, state: str, reasons: list[str], shown: str) -> None:
    shown_page = page(text)

    assert shown_page.one("fact--health") == f"Health {shown}"
    assert f"health--{state.replace(' ', '-')}" in shown_page.html


def test_the_health_of_a_slipped_plan_names_every_reason(load) -> None:
    doc, projection = load(slip_plan())

    health = schedule.health(doc.plan, doc.dates, projection, TODAY_DATE, None)

    assert health == schedule.Health(
        "at risk", ["2 steps overdue", "go-live projected 2 days late"]
    )


# --- progress, sides and milestones -------------------------------------------------------

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


def test_progress_overall_and_per_side(load) -> None:
    doc, _ = load(PROGRESS)
    plan = doc.plan

    assert schedule.progress([s for _, s in plan.steps()]) == schedule.Progress(5, 9)
    # a jointly owned step counts for both sides; 'Pat Legal' is on neither
    assert schedule.side_progress(plan, "buyer") == schedule.Progress(3, 5)
    assert schedule.side_progress(plan, "seller") == schedule.Progress(4, 5)
    assert schedule.progress([s for _, s in plan.steps()]).percent == 56


def test_milestones_roll_up_their_steps(load) -> None:
    doc, _ = load(PROGRESS)
    milestones = doc.plan.milestones

    assert [schedule.milestone_state(m) for m in milestones] == [
        "in progress",
        "blocked",  # blocked when any step is, even with others done
        "done",  # done when every step is
        "upcoming",
    ]
    assert [schedule.progress(m.steps) for m in milestones] == [
        schedule.Progress(3, 5),
        schedule.Progress(1, 2),
        schedule.Progress(1, 1),
        schedule.Progress(0, 1),
    ]
    assert schedule.current_milestone(doc.plan) == 0


def test_the_page_shows_progress(page) -> None:
    shown = page(PROGRESS)

    assert shown.one("fact--progress") == (
        "Progress 5 of 9 steps done Northwind Financial 3 of 5 Contoso 4 of 5"
    )
    assert "3 of 5 done" in shown.milestone("Contract signed")
    assert "In progress" in shown.milestone("Contract signed")
    assert "We are here" in shown.milestone("Contract signed")
    assert "1 of 2 done" in shown.milestone("Security review passed")
    assert "Blocked" in shown.milestone("Security review passed")
    assert "1 of 1 done" in shown.milestone("Pilot live")
    assert "Done" in shown.milestone("Pilot live")
    assert "We are here" not in shown.milestone("Pilot live")
    assert "0 of 1 done" in shown.milestone("Analysts trained")
    assert "Upcoming" in shown.milestone("Analysts trained")
    assert shown.one("fact--stage") == "Where we are Contract signed Milestone 1 of 4"


def test_a_milestone_is_done_only_when_all_its_steps_are(load) -> None:
    text = PROGRESS.replace(
        "        owner: Pat Legal\n", "        owner: Pat Legal\n        status: done\n"
    )
    text = text.replace(
        "      - task: Countersign the order form\n        owner: Sam Ortiz\n",
        "      - task: Countersign the order form\n        owner: Sam Ortiz\n        status: done\n",
    )
    doc, _ = load(text)

    assert schedule.milestone_state(doc.plan.milestones[0]) == "done"
    assert schedule.current_milestone(doc.plan) == 1


# --- next up ---------------------------------------------------------------------------

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


def test_next_up_is_ordered_by_projected_date(load) -> None:
    doc, projection = load(NEXT_UP)

    order = schedule.next_up(doc.plan, doc.dates, projection, 10)

    # 'Sign' was due 22 Nov but, counted from 'Send' (done today at best), is now 25 Nov;
    # overdue steps come first, target date breaking the tie; done steps are left out;
    # undated ones come last
    assert [doc.plan.milestones[mi].steps[si].task for mi, si in order] == [  # type: ignore[index]
        "Send the order form",
        "Review the terms",
        "Answer the security questionnaire",
        "Sign the order form",
        "Draft the statement of work",
        "Book the training",
    ]


def test_the_page_lists_the_next_three_steps(page) -> None:
    shown = page(NEXT_UP)

    tasks = [text for text in shown.all("next__task")]
    assert tasks == [
        "Send the order form",
        "Review the terms",
        "Answer the security questionnaire",
    ]


# --- long chains -----------------------------------------------------------------------


def chain_plan(n: int, *, last_first: bool = False, closed: bool = False) -> Plan:
    """Steps s0 (1 Dec 2026) <- s1 (s0 + 1d) <- ... <- s{n-1}, optionally written last
    first (so resolving the first step written means walking the whole chain), or
    ``closed`` into a loop (s0 counted from the last)."""
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
            "milestones": [{"name": "Everything", "steps": steps}],
        }
    )


def chain_dates(plan: Plan, dates: schedule.Dates) -> dict[str, date | None]:
    return {s.id or "": dates.target[(0, si)] for si, s in enumerate(plan.milestones[0].steps)}


def test_a_chain_of_30_steps_in_a_file(write_plan) -> None:
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

    dates = {s.task: doc.dates.target[(0, si)] for si, s in enumerate(doc.plan.milestones[0].steps)}
    # 29 business days after Tuesday 1 December 2026 (no holidays): 6 weeks less a day
    assert dates["Step 29"] == date(2027, 1, 11)
    assert dates["Step 5"] == date(2026, 12, 8)
    assert dates["Step 0"] == date(2026, 12, 1)


@pytest.mark.parametrize("last_first", [False, True], ids=["in-order", "last-first"])
@pytest.mark.parametrize("n", [30, 2000])
def test_long_chains_resolve(n: int, last_first: bool) -> None:
    plan = chain_plan(n, last_first=last_first)

    dates, problems = schedule.resolve(plan, Calendar())

    assert problems == []
    start = date(2026, 12, 1)
    assert chain_dates(plan, dates) == {f"s{i}": start + timedelta(days=i) for i in range(n)}
    projection = schedule.project(plan, dates, Calendar(), TODAY_DATE)
    last = (0, 0) if last_first else (0, n - 1)
    assert projection.projected[last] == start + timedelta(days=n - 1)
    assert last in projection.critical


def test_the_long_chain_is_longer_than_the_recursion_limit() -> None:
    assert sys.getrecursionlimit() < 2000  # else the chains above prove nothing


def test_a_long_cycle_is_one_problem() -> None:
    plan = chain_plan(2000, last_first=True, closed=True)

    dates, problems = schedule.resolve(plan, Calendar())

    [problem] = problems
    assert problem.loc == ("milestones", 0, "steps", 1999, "due")  # s0, which closes it
    assert problem.message.startswith("dates depend on each other in a cycle: s1999 -> s1998 ")
    assert problem.message.endswith(" s1 -> s0 -> s1999")
    assert set(dates.target.values()) == {None}
