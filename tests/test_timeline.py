"""The overview timeline's model: span, month names, bars, states, slips, markers.

A fixed today; each plan small enough to work out the expected chart by hand.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from support import REPO, TODAY, page_of

from mapsite import schedule
from mapsite.load import load_plan
from mapsite.timeline import (
    Tick,
    Timeline,
    Year,
    align,
    build_timeline,
    month_ticks,
    position,
    year_labels,
)

DAY = date(2026, 11, 30)

LATE_PLAN = """\
---
title: Security and contract
buyer: {name: Fabrikam}
seller: {name: Contoso}
share: {token: LatePlanTokenForTheTimeline1}
go_live: 2027-03-31
stakeholders:
  - {name: Aisha Bello, side: buyer}
  - {name: Sam Ortiz, side: seller}
milestones:
  - name: Discovery
    due: 2026-10-30
    steps:
      - {task: Kickoff, owner: Sam Ortiz, due: 2026-10-20, status: done}
  - name: Security review passed
    id: security
    due: 2026-11-20
    steps:
      - {task: Security questionnaire, id: questionnaire, owner: Aisha Bello,
         due: 2026-11-13, status: in progress}
      - {task: Pen test report, owner: Sam Ortiz, due: questionnaire + 1w, status: done}
      - {task: Sign-off, owner: Sam Ortiz, due: 2026-11-20}
  - name: Legal review
    due: 2027-01-15
    steps:
      - {task: Redlines, owner: Aisha Bello, due: 2026-12-15, status: blocked}
  - name: Contract signed
    id: contract
    due: 2027-02-01
    steps:
      - {task: Sign, owner: Aisha Bello, due: contract}
  - name: Live
    due: go_live
    steps:
      - {task: Go live, owner: Sam Ortiz, due: 2027-03-31}
  - name: Later
---
"""


def chart(tmp_path: Path, text: str, today: date = DAY) -> Timeline | None:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    doc = load_plan(path)
    projection = schedule.project(doc.plan, doc.dates, doc.calendar, today)
    return build_timeline(doc.plan, doc.dates, projection, today)


def plan_text(milestones: list[dict], go_live: str | None = "2027-03-31") -> str:
    front = {
        "title": "T",
        "buyer": {"name": "B"},
        "seller": {"name": "S"},
        "share": {"token": "TimelineTestsToken00001"},
        "milestones": milestones,
    }
    if go_live:
        front["go_live"] = go_live
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n"


@pytest.fixture
def late(tmp_path: Path) -> Timeline:
    tl = chart(tmp_path, LATE_PLAN)
    assert tl is not None
    return tl


def test_the_span_runs_from_the_first_date_to_go_live(late: Timeline) -> None:
    assert (late.start, late.end) == (date(2026, 10, 20), date(2027, 3, 31))
    assert late.today_date == DAY
    assert not late.before_start


def test_bars_run_from_the_first_step_to_the_milestone(late: Timeline) -> None:
    discovery, security, legal, contract, _, later = late.bars
    assert (discovery.start, discovery.end) == (date(2026, 10, 20), date(2026, 10, 30))
    assert (security.start, security.end) == (date(2026, 11, 13), date(2026, 11, 20))
    assert (contract.start, contract.end) == (date(2027, 2, 1), date(2027, 2, 1))
    assert [b.number for b in late.bars] == [1, 2, 3, 4, 5, 6]
    assert [b.name for b in late.bars][:2] == ["Discovery", "Security review passed"]
    assert security.anchor == "security" and legal.anchor == "milestone-3"
    assert security.key == (1, None)
    # 162 days from 20 Oct to 31 Mar: positions in percent of them
    assert discovery.x == 0.0 and discovery.width == position(
        date(2026, 10, 30), late.start, late.end
    )
    assert security.x == round(100 * 24 / 162, 3)
    assert security.width == round(round(100 * 31 / 162, 3) - security.x, 3)
    assert contract.width == 0.0 and contract.dated
    assert not later.dated and later.start is None and later.end is None
    assert (later.x, later.width, later.fill, later.slip_width) == (0.0, 0.0, 0.0, 0.0)


def test_states_in_words_the_page_shows(late: Timeline) -> None:
    assert [b.state for b in late.bars] == [
        "done", "late", "blocked", "upcoming", "upcoming", "upcoming",
    ]  # fmt: skip
    assert late.states == ["done", "late", "blocked", "upcoming"]
    assert [late.count(s) for s in ("done", "late", "blocked", "upcoming")] == [1, 1, 1, 3]
    assert late.count("in progress") == 0


def test_a_late_milestone_slips_to_today_with_a_hatched_tail(late: Timeline) -> None:
    security = late.bars[1]
    # its open steps were due on 13 and 20 Nov: at best they are done today, 30 Nov
    assert security.projected == DAY
    assert security.late_days == 10
    assert security.overdue_steps == 2
    end = position(date(2026, 11, 20), late.start, late.end)
    assert security.slip_width == round(position(DAY, late.start, late.end) - end, 3)
    assert security.end_at == pytest.approx(position(DAY, late.start, late.end))
    # one step of three done: a third of the bar is filled
    assert security.fill == round(security.width / 3, 3)
    assert (security.done, security.total) == (1, 3)


def test_done_and_on_time_milestones_do_not_slip(late: Timeline) -> None:
    discovery, _, legal, contract, *_ = late.bars
    for bar in (discovery, legal, contract):
        assert bar.projected is None and bar.late_days == 0 and bar.slip_width == 0.0
    assert discovery.fill == discovery.width  # all done: filled
    assert legal.fill == 0.0 and legal.overdue_steps == 0


def test_an_open_milestone_past_its_date_is_late_even_with_no_steps(tmp_path: Path) -> None:
    tl = chart(
        tmp_path,
        plan_text(
            [
                {
                    "name": "Kickoff",
                    "due": "2026-11-01",
                    "steps": [{"task": "a", "due": "2026-10-01", "status": "done"}],
                },
                {"name": "Review", "due": "2026-11-20"},
            ]
        ),
    )
    assert tl is not None
    review = tl.bars[1]
    assert (review.state, review.projected, review.late_days) == ("late", DAY, 10)
    assert review.overdue_steps == 0 and review.fill == 0.0


def test_a_blocked_milestone_past_its_date_is_blocked_and_slips(tmp_path: Path) -> None:
    tl = chart(
        tmp_path,
        plan_text(
            [
                {
                    "name": "Review",
                    "due": "2026-11-20",
                    "steps": [
                        {"task": "a", "due": "2026-11-10", "status": "blocked"},
                        {"task": "b", "due": "2026-11-12", "status": "in progress"},
                    ],
                },
            ]
        ),
    )
    assert tl is not None
    (review,) = tl.bars
    assert (review.state, review.projected, review.late_days) == ("blocked", DAY, 10)
    assert review.overdue_steps == 2


def test_in_progress_and_upcoming(tmp_path: Path) -> None:
    tl = chart(tmp_path, plan_text([
        {"name": "Pilot", "due": "2026-12-20", "steps": [
            {"task": "a", "due": "2026-11-01", "status": "done"},
            {"task": "b", "due": "2026-12-10", "status": "in progress"},
            {"task": "c", "due": "2026-12-20"},
            {"task": "d", "due": "2026-12-20"},
        ]},
        {"name": "Sign", "due": "2027-01-10", "steps": [{"task": "e", "due": "2027-01-02"}]},
    ], go_live=None))  # fmt: skip
    assert tl is not None
    pilot, sign = tl.bars
    assert (pilot.state, sign.state) == ("in progress", "upcoming")
    assert pilot.fill == round(pilot.width / 4, 3)
    assert tl.target is None and tl.projected is None and tl.late_days == 0
    assert tl.end == date(2027, 1, 10)  # no go-live: the last date


def test_a_milestone_without_a_date_ends_with_its_last_step(tmp_path: Path) -> None:
    tl = chart(
        tmp_path,
        plan_text(
            [
                {
                    "name": "Pilot",
                    "steps": [
                        {"task": "a", "due": "2026-12-01"},
                        {"task": "b", "due": "2026-12-09"},
                    ],
                },
            ]
        ),
    )
    assert tl is not None
    assert (tl.bars[0].start, tl.bars[0].end) == (date(2026, 12, 1), date(2026, 12, 9))


def test_a_step_after_its_milestone_does_not_start_the_bar_late(tmp_path: Path) -> None:
    tl = chart(
        tmp_path,
        plan_text(
            [
                {
                    "name": "Pilot",
                    "due": "2026-12-05",
                    "steps": [{"task": "a", "due": "2026-12-09"}],
                },
            ]
        ),
    )
    assert tl is not None
    assert (tl.bars[0].start, tl.bars[0].end) == (date(2026, 12, 5), date(2026, 12, 5))


def test_critical_milestones_are_those_with_an_item_on_the_critical_path(late: Timeline) -> None:
    assert [b.critical for b in late.bars] == [False, False, False, False, True, False]
    assert late.critical == [late.bars[4]]


def test_go_live_markers(late: Timeline) -> None:
    assert late.target is not None
    assert (late.target.when, late.target.at, late.target.anchor) == (
        date(2027, 3, 31),
        100.0,
        "end",
    )
    assert late.projected is None  # on time (the schedule does not move it)
    assert late.today is not None
    assert late.today.when == DAY
    assert late.today.at == round(100 * 41 / 162, 3)
    assert late.today.anchor == "middle"


def test_a_projected_go_live_past_the_target_extends_the_span(tmp_path: Path) -> None:
    tl = chart(tmp_path, plan_text([
        {"name": "Security", "id": "security", "due": "2026-11-20",
         "steps": [{"task": "a", "due": "2026-11-13"}]},
        {"name": "Live", "due": "security + 4w"},
    ], go_live="2026-12-18"))  # fmt: skip
    assert tl is not None
    # the step is 17 days overdue: done today at best, so Live (4 weeks after) 28 Dec
    assert tl.late_days == 10
    assert tl.end == date(2026, 12, 28)
    assert tl.target is not None and tl.projected is not None
    assert tl.projected.when == date(2026, 12, 28) and tl.projected.at == 100.0
    assert tl.target.at == position(date(2026, 12, 18), tl.start, tl.end)


def test_today_outside_the_span_draws_no_line(tmp_path: Path) -> None:
    text = plan_text(
        [{"name": "Pilot", "due": "2027-02-01", "steps": [{"task": "a", "due": "2027-01-04"}]}]
    )
    early = chart(tmp_path, text, today=date(2026, 12, 1))
    assert early is not None and early.today is None and early.before_start
    done = text.replace("task: a", "task: a\n    status: done")
    assert "status: done" in done
    after = chart(tmp_path, done, today=date(2027, 4, 2))
    assert after is not None and after.today is None and not after.before_start
    on_last_day = chart(tmp_path, text, today=date(2027, 3, 31))
    assert on_last_day is not None and on_last_day.today is not None
    assert on_last_day.today.at == 100.0


def test_no_dates_no_timeline(tmp_path: Path) -> None:
    assert chart(tmp_path, plan_text([{"name": "Pilot", "steps": [{"task": "a"}]}], None)) is None


def test_position_and_alignment() -> None:
    start, end = date(2026, 1, 1), date(2026, 1, 11)
    assert [position(date(2026, 1, d), start, end) for d in (1, 2, 11)] == [0.0, 10.0, 100.0]
    assert position(date(2026, 1, 4), start, date(2026, 1, 7)) == 50.0
    assert position(date(2026, 1, 2), start, date(2026, 1, 4)) == 33.333
    assert position(start, start, start) == 0.0  # a one-day plan
    assert [align(a) for a in (0, 11.9, 12, 50, 88, 88.1, 100)] == [
        "start", "start", "middle", "middle", "middle", "end", "end",
    ]  # fmt: skip


def test_months_of_a_short_plan_are_all_named() -> None:
    ticks = month_ticks(date(2026, 11, 20), date(2027, 1, 15))  # 56 days
    assert [(t.when, t.label, t.line) for t in ticks] == [
        (date(2026, 11, 20), "Nov", False),
        (date(2026, 12, 1), "Dec", True),
        (date(2027, 1, 1), "Jan", True),
    ]
    assert ticks[1].at == round(100 * 11 / 56, 3)
    # Nov shows 11 days (20 % of the span), Jan 14 (25 %): room on a phone (13 %) too
    assert all(t.wide and t.narrow for t in ticks)


def test_a_month_without_room_for_its_name_is_not_named() -> None:
    # 210 days: a month is 14.5 %; the first (4 days) and the last (25 days) lack room
    ticks = month_ticks(date(2026, 10, 28), date(2027, 5, 26))
    assert [t.label for t in ticks] == ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May"]
    assert [t.wide for t in ticks] == [False, True, True, True, True, True, True, True]
    assert [t.narrow for t in ticks] == [False, True, True, True, True, True, True, False]


def test_long_plans_name_every_second_third_or_sixth_month() -> None:
    def named(start: date, end: date, wide: bool) -> list[str]:
        return [
            f"{t.when:%b %y}" for t in month_ticks(start, end) if (t.wide if wide else t.narrow)
        ]

    year = (date(2026, 1, 1), date(2026, 12, 31))  # a month: 8.3 % of the span
    assert named(*year, wide=True) == [
        f"{m} 26"
        for m in [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
    ]
    assert named(*year, wide=False) == ["Jan 26", "Mar 26", "May 26", "Jul 26", "Sep 26", "Nov 26"]
    two = (date(2026, 1, 1), date(2027, 12, 31))  # 4.2 %: every second month, a sixth on a phone
    assert named(*two, wide=True)[:4] == ["Jan 26", "Mar 26", "May 26", "Jul 26"]
    assert named(*two, wide=False)[:4] == ["Jan 26", "Jul 26", "Jan 27", "Jul 27"]
    five = (date(2026, 1, 1), date(2030, 12, 31))  # 1.7 %: every sixth, every twelfth
    assert named(*five, wide=True)[:3] == ["Jan 26", "Jul 26", "Jan 27"]
    assert named(*five, wide=False)[:3] == ["Jan 26", "Jan 27", "Jan 28"]


def test_the_first_month_is_named_when_its_name_has_room_before_the_next() -> None:
    # a 2-year span names every 3rd month on a phone: 8 Feb is 52 days before April
    ticks = month_ticks(date(2026, 2, 8), date(2028, 1, 31))
    assert (ticks[0].label, ticks[0].narrow, ticks[0].line) == ("Feb", True, False)
    assert ticks[1].label == "Mar" and not ticks[1].narrow


def test_month_ticks_stop_at_the_end_of_the_calendar() -> None:
    ticks = month_ticks(date(9999, 10, 15), date(9999, 12, 31))
    assert [t.label for t in ticks] == ["Oct", "Nov", "Dec"]
    assert ticks[-1] == Tick(
        date(9999, 12, 1),
        position(date(9999, 12, 1), date(9999, 10, 15), date(9999, 12, 31)),
        "Dec",
        True,
        True,
    )


def test_years_are_named_at_the_start_and_at_each_january() -> None:
    assert year_labels(date(2026, 11, 1), date(2027, 3, 1)) == [
        Year(2026, 0.0),
        Year(2027, position(date(2027, 1, 1), date(2026, 11, 1), date(2027, 3, 1))),
    ]
    # a January too close to the left edge takes the first year's place
    start, end = date(2026, 12, 20), date(2027, 12, 20)
    assert year_labels(start, end) == [Year(2027, position(date(2027, 1, 1), start, end))]
    assert year_labels(date(2026, 3, 1), date(2026, 9, 1)) == [Year(2026, 0.0)]


# --- on the page: a real site built by the real command --------------------------------


def section(page: Path) -> str:
    """The timeline's HTML on a built page."""
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<section class="card gantt" id="timeline".*?</section>', html, re.S)
    assert found, "no timeline on the page"
    return found.group(0)


class Heard(HTMLParser):
    """What a screen reader reads of some HTML: text outside ``aria-hidden`` parts
    (spaces folded), and every outermost ``<svg>`` it would meet there."""

    BLOCKS = frozenset({"p", "li", "div", "h2", "figcaption", "header", "ol", "figure"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.hidden: list[bool] = []  # per open element: inside an aria-hidden part
        self.svgs_heard = 0
        self.feed(html)
        self.text = re.sub(r"\s+", " ", "".join(self.chunks)).strip()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = bool(self.hidden and self.hidden[-1]) or ("aria-hidden", "true") in attrs
        if tag == "svg" and not hidden:
            self.svgs_heard += 1
        if tag in self.BLOCKS:
            self.chunks.append(" ")
        self.hidden.append(hidden)

    def handle_endtag(self, tag: str) -> None:
        self.hidden.pop()
        if tag in self.BLOCKS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not (self.hidden and self.hidden[-1]):
            self.chunks.append(data)


def words(html: str) -> str:
    return Heard(html).text


def rows(html: str) -> list[str]:
    return [words(r) for r in re.findall(r'<li class="gantt__row.*?</li>', html, re.S)]


def test_the_page_shows_the_timeline_of_a_late_plan(write_plan, run, site: Path) -> None:
    write_plan("late", LATE_PLAN)
    result = run("build", "--today", "2026-11-30")
    assert result.exit_code == 0, result.output
    html = section(page_of(site / "public", "late"))
    assert rows(html) == [
        "Discovery Done · Fri 30 Oct, from Tue 20 Oct",
        "Security review passed Late · due Fri 20 Nov, projected Mon 30 Nov, from Fri 13 Nov",
        "Legal review Blocked · due Fri 15 Jan 2027, from Tue 15 Dec",
        "Contract signed Upcoming · due Mon 1 Feb 2027",
        "Live Upcoming · due Wed 31 Mar 2027 Critical path",
        "Later Upcoming · No date",
        "Go-live Target · Wed 31 Mar 2027",
    ]
    text = words(html)
    assert "Tue 20 Oct to Wed 31 Mar 2027. Today is Mon 30 Nov." in text
    assert "1 of 6 milestones done, 1 late, 1 blocked." in text
    # the legend names what the chart shows, and only that
    legend = re.search(r"<figcaption.*?</figcaption>", html, re.S)
    assert legend and "aria-hidden" in legend.group(0).split(">")[0]  # the rows say it
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", legend.group(0))).strip()
    assert shown == "Done Late Blocked Upcoming Today, Mon 30 Nov Critical path"


def test_the_bars_stand_where_the_model_puts_them(
    write_plan, run, site: Path, tmp_path: Path
) -> None:
    write_plan("late", LATE_PLAN)
    assert run("build", "--today", "2026-11-30").exit_code == 0
    html = section(page_of(site / "public", "late"))
    tl = chart(tmp_path, LATE_PLAN)
    assert tl is not None and tl.today is not None and tl.target is not None
    security = tl.bars[1]
    assert f'<rect class="gantt__bar" x="{security.x}%" width="{security.width}%"' in html
    assert f'<rect class="gantt__fill" x="{security.x}%" width="{security.fill}%"' in html
    tail = security.x + security.width
    slip = f'<rect class="gantt__slip" x="{tail}%" width="{security.slip_width}%"'
    assert html.count(slip) == 1  # only the late milestone slips
    # today's line and the go-live line run through every row, the axis's too
    today = f'<line class="gantt__today" x1="{tl.today.at}%" x2="{tl.today.at}%"'
    assert html.count(today) == 1 + len(tl.bars) + 1
    goal = f'<line class="gantt__goal" x1="{tl.target.at}%"'
    assert html.count(goal) == len(tl.bars) + 1
    assert html.count('class="gantt__halo"') == 1  # the critical bar
    assert html.count('class="gantt__month') == sum(t.wide or t.narrow for t in tl.ticks)


def test_the_timeline_is_accessible_and_keeps_to_the_pages_rules(example_site: Path, run) -> None:
    assert run("build", "--today", TODAY).exit_code == 0
    for slug in ("northwind", "tailspin", "fabrikam-renewal"):
        html = section(page_of(example_site / "public", slug))
        assert re.search(
            r'<figure class="gantt__chart" aria-labelledby="timeline-title" '
            r'aria-describedby="timeline-summary">',
            html,
        )
        assert '<h2 id="timeline-title" class="section-title">Timeline</h2>' in html
        assert 'id="timeline-summary"' in html
        # the pictures are decoration for a screen reader: the words say it all
        heard = Heard(html)
        assert heard.svgs_heard == 0 and html.count("<svg") > 10
        assert "Today" not in heard.text.replace("Today is", "")  # the axis is hidden
        assert "style=" not in html and "<script" not in html and "http" not in html
        doc = load_plan(REPO / "plans" / f"{slug}.md")
        assert len(rows(html)) == len(doc.plan.milestones) + 1
        for milestone, row in zip(doc.plan.milestones, rows(html), strict=False):
            assert row.startswith(milestone.name)


def test_a_plan_without_dates_has_no_timeline(write_plan, run, site: Path) -> None:
    write_plan("undated", plan_text([{"name": "Pilot", "steps": [{"task": "a"}]}], None))
    assert run("build", "--today", TODAY).exit_code == 0
    html = page_of(site / "public", "undated").read_text(encoding="utf-8")
    assert "gantt" not in html and "Pilot" in html


def test_positions_are_written_to_a_thousandth(write_plan, run, site: Path) -> None:
    """Widths worked out in the template (a halo, a late go-live's slip) are rounded as
    the positions are: no float dust such as 31.857999999999997% in the page."""
    write_plan("late", LATE_PLAN)
    assert run("build", "--today", "2026-11-30").exit_code == 0
    html = section(page_of(site / "public", "late"))
    numbers = re.findall(r'(?:x|x1|x2|width)="(-?[0-9.]+)%"', html)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d{1,3})?", n) for n in numbers), numbers
    assert 'class="gantt__halo"' in html and 'class="gantt__slip"' in html
