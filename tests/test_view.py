"""What a page's templates receive (``view.build_view``): the fields docs/theming.md
promises theme authors, worked out for a plan on a fixed day. mapsite's own templates
show only some of them; a theme may show any."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from support import with_token

from mapsite import calendars, i18n, schedule
from mapsite.changes import KINDS, Change, Item
from mapsite.config import SiteConfig
from mapsite.load import Document, parse_plan
from mapsite.model import Stakeholder
from mapsite.render import markdown_renderer
from mapsite.view import CHANGE_LOOKS, PlanView, build_view, news_view, script_words

TODAY = date(2026, 11, 25)  # a Wednesday

PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-01-29
extra:
  region: EMEA
stakeholders:
  - {name: Priya Raman, side: buyer, role: Champion, title: VP Revenue Operations}
  - {name: Sam Ortiz, side: seller, email: sam@contoso.example}
  - {name: Ken Ito, side: seller}
  - {name: Olga Berg}
milestones:
  - name: Technical validation
    due: 2026-12-04
    steps:
      - task: Grant the service account
        owner: Priya Raman
        due: 2026-11-20
      - task: Backtest 8 quarters
        id: backtest
        owner: [Priya Raman, Sam Ortiz]
        due: 2026-12-01
        expected: 2026-12-03
      - task: Send the security pack
        owner: Sam Ortiz
        due: 2026-11-18
        status: done
        expected: 2026-11-30
      - task: Book the readout room
        owner: Olga Berg
        due: 2026-12-02
        expected: 2026-11-27
      - task: Ask a friend
        owner: Someone Else
        due: 2026-12-04
  - name: Contract signed
    id: contract
    due: go_live - 4w
    steps:
      - task: Send the order form
        owner: Ken Ito
        due: contract - 1w
  - name: Live
    due: go_live
---
Agreed on the **kickoff** call.
"""


def document(text: str = PLAN, path: str = "plans/x.md") -> Document:
    return parse_plan(with_token(text, "view"), Path(path), shown="plans/x.md")


def view(
    text: str = PLAN,
    *,
    today: date = TODAY,
    config: SiteConfig | None = None,
    path: str = "plans/emea/Northwind EMEA.md",
    last_update: date | None = None,
    **more,
) -> PlanView:
    doc = document(text, path)
    md = markdown_renderer()
    return build_view(doc, today, config or SiteConfig(), md, last_update, **more)


def test_each_step_as_the_page_shows_it() -> None:
    page = view()
    grant, backtest, pack, _, friend = page.milestones[0].steps
    assert [s.key for s in page.milestones[0].steps] == [(0, i) for i in range(5)]
    assert [s.address for s in page.milestones[0].steps] == ["1.1", "backtest", "1.3", "1.4", "1.5"]
    assert [s.anchor for s in page.milestones[0].steps] == [
        "step-1-1", "backtest", "step-1-3", "step-1-4", "step-1-5",
    ]  # fmt: skip
    assert [s.side for s in page.milestones[0].steps] == [
        "buyer", "joint", "seller", "unassigned", "unassigned",
    ]  # fmt: skip
    assert grant.milestone is page.milestones[0].milestone
    assert (grant.due, grant.overdue_days, grant.overdue) == (date(2026, 11, 20), 5, True)
    assert (pack.overdue_days, pack.overdue) == (0, False)  # done: never overdue
    # the owners the plan lists as stakeholders, by their entries; anyone else by name
    assert [o.name for o in grant.owners if isinstance(o, Stakeholder)] == ["Priya Raman"]
    assert backtest.owners[1].email == "sam@contoso.example"  # type: ignore[union-attr]
    assert friend.owners == ("Someone Else",)


def test_an_estimate_shows_only_when_later_than_the_due_date_of_an_open_step() -> None:
    page = view()
    grant, backtest, pack, room, _ = page.milestones[0].steps
    assert backtest.expected == date(2026, 12, 3)
    assert pack.expected is None  # done: its estimate is history
    assert room.expected is None  # earlier than due: the commitment stands
    assert grant.expected is None
    same_day = PLAN.replace("expected: 2026-12-03", "expected: 2026-12-01")
    assert view(same_day).milestones[0].steps[1].expected is None


def test_the_buyer_says_done_of_its_own_open_steps_and_asks_about_any() -> None:
    grant, backtest, pack, room, _ = view().milestones[0].steps
    assert grant.done_mail and backtest.done_mail  # the buyer's, and both sides'
    assert pack.done_mail is None  # done already
    assert room.done_mail is None  # not the buyer's to say
    assert all(s.question_mail for s in (grant, backtest, pack, room))
    assert "Plan emea/northwind-emea, step backtest" in unquote(backtest.done_mail or "")
    off = view(config=SiteConfig(email_actions=False)).milestones[0].steps[0]
    assert (off.done_mail, off.question_mail) == (None, None)
    on = view(PLAN.replace("extra:", "email_actions: true\nextra:"),
              config=SiteConfig(email_actions=False))  # fmt: skip
    assert on.milestones[0].steps[0].done_mail  # the plan's own setting wins


def test_projected_dates_and_the_critical_path() -> None:
    page = view()
    steps = {s.address: s for m in page.milestones for s in m.steps}
    # 'Grant' is 5 days overdue: today at best, and what follows it moves
    assert steps["1.1"].projected == TODAY
    assert steps["backtest"].projected == date(2026, 12, 3)  # its estimate
    assert steps["1.1"].critical is False
    critical = {a for a, s in steps.items() if s.critical}
    assert critical == {a for a, s in steps.items() if (s.key in projection().critical)}
    assert critical  # a plan on time has a critical path too
    assert [m.critical for m in page.milestones] == [
        (mi, None) in projection().critical for mi in range(3)
    ]
    assert [m.projected for m in page.milestones] == [
        projection().projected.get((mi, None)) for mi in range(3)
    ]
    assert page.projected_go_live == projection().go_live
    assert page.go_live == date(2027, 1, 29)
    assert page.late_days == projection().late_by(page.plan)


def projection() -> schedule.Projection:
    doc = document()
    return schedule.project(doc.plan, doc.dates, doc.calendar, TODAY)


def test_each_milestone_rolled_up() -> None:
    page = view()
    first = page.milestones[0]
    assert [m.number for m in page.milestones] == [1, 2, 3]
    assert [m.anchor for m in page.milestones] == ["milestone-1", "contract", "milestone-3"]
    assert [m.due for m in page.milestones] == [
        date(2026, 12, 4), date(2027, 1, 1), date(2027, 1, 29),
    ]  # fmt: skip
    assert (first.progress.done, first.progress.total) == (1, 5)
    assert [m.current for m in page.milestones] == [True, False, False]
    assert page.current is first
    assert [m.state for m in page.milestones] == ["in progress", "upcoming", "upcoming"]


def test_a_plan_with_every_milestone_done_is_at_none() -> None:
    text = PLAN.split("milestones:")[0] + (
        "milestones:\n  - name: Signed\n    due: 2026-11-01\n    steps:\n"
        "      - task: Sign\n        owner: Priya Raman\n        status: done\n---\n"
    )
    page = view(text)
    assert page.current is None
    assert [m.current for m in page.milestones] == [False]


def test_progress_by_side_adds_up() -> None:
    page = view()
    assert (page.progress.done, page.progress.total) == (1, 6)
    # each side counts the steps it owns or co-owns
    assert (page.buyer_progress.done, page.buyer_progress.total) == (0, 2)
    assert (page.seller_progress.done, page.seller_progress.total) == (1, 3)
    split = [(line.label, line.side, line.progress.done, line.progress.total)
             for line in page.progress_split]  # fmt: skip
    assert split == [
        ("Contoso", "seller", 1, 2),
        ("Northwind Financial", "buyer", 0, 1),
        ("Both sides", "joint", 0, 1),
        ("Others", "unassigned", 0, 2),
    ]
    assert sum(line.progress.total for line in page.progress_split) == page.progress.total


def test_next_up_and_health() -> None:
    page = view()
    # by the date each is now expected (backtest's estimate is after 1.4's due date), 3
    assert [s.address for s in page.next_up] == ["1.1", "1.4", "backtest"]
    assert [s.address for s in view(config=SiteConfig(next_up=1)).next_up] == ["1.1"]
    assert page.next_up[2] is page.milestones[0].steps[1]  # the same view, not a copy
    assert page.health == schedule.health(page.plan, document().dates, projection(), TODAY, None)
    assert [s.address for s in page.overdue] == ["1.1"]


def test_the_last_update_reaches_the_health_and_its_facts() -> None:
    stale = view(last_update=date(2026, 10, 1))
    fresh = view(last_update=date(2026, 11, 24))
    assert stale.last_update == date(2026, 10, 1)
    assert stale.health != fresh.health  # no update for 55 days
    assert json.loads(stale.health_facts)["updated"] == "2026-10-01"
    assert json.loads(fresh.health_facts)["steps"][0] == ["2026-11-20", None]


def test_the_page_as_a_whole() -> None:
    doc = document()
    links = calendars.calendars(doc, TODAY, "https://plans.example/T/").links()
    page = view(
        pdf="northwind.pdf", logos={"buyer": "logo-buyer.svg"}, plan_css="plan.css", calendar=links
    )
    assert page.calendar is links
    assert page.calendar.people["Priya Raman"]  # each stakeholder's own
    assert page.slug == "northwind-emea"
    assert page.today == TODAY
    assert page.body_html == "<p>Agreed on the <strong>kickoff</strong> call.</p>\n"
    assert page.extra == {"region": "EMEA"}
    assert (page.pdf, page.logos, page.plan_css) == (
        "northwind.pdf", {"buyer": "logo-buyer.svg"}, "plan.css",
    )  # fmt: skip
    assert [p.name for p in page.buyer_people] == ["Priya Raman"]
    assert [p.name for p in page.seller_people] == ["Sam Ortiz", "Ken Ito"]
    assert [p.name for p in page.other_people] == ["Olga Berg"]
    assert page.buyer_people[0].role is None  # the buyer's roles stay in the file
    shown = view(config=SiteConfig(show_buyer_roles=True))
    assert shown.buyer_people[0].role == "Champion"
    bare = view()
    assert (bare.pdf, bare.logos, bare.plan_css, bare.calendar) == (None, {}, None, None)
    assert bare.timeline is not None
    assert (bare.late_days, bare.late_reason) == (0, None)


def test_why_go_live_moves() -> None:
    """'Grant' counted back from go-live (the same date) and 6 days overdue."""
    text = PLAN.replace("        owner: Priya Raman\n        due: 2026-11-20\n",
                        "        owner: Priya Raman\n        due: go_live - 8w\n")  # fmt: skip
    page = view(text, today=date(2026, 12, 10))
    assert (page.go_live, page.projected_go_live) == (date(2027, 1, 29), date(2027, 2, 4))
    assert page.late_days == 6
    assert page.late_reason == (
        "'Grant the service account' (Priya Raman) is 6 days overdue and must be done "
        "8 weeks before go-live"
    )


@pytest.mark.parametrize(
    ("code", "tag", "direction", "first_day"),
    [("en", "en", "ltr", 0), ("pt-BR", "pt-BR", "ltr", 6), ("ar", "ar", "rtl", 0)],
)
def test_the_pages_language(code: str, tag: str, direction: str, first_day: int) -> None:
    with i18n.speaking(i18n.language(code)) as language:
        page = view()
        words = script_words(language)
    assert (page.language, page.direction, page.first_week_day) == (tag, direction, first_day)
    assert page.script_words == words
    assert [k for k in words if k != "checked"] == [f"overdue-{f}" for f in language.plural_samples]


def test_the_scripts_words_in_each_plural_form() -> None:
    english = script_words(i18n.language("en"))
    assert english == {
        "checked": "dates checked against today, {date}",
        "overdue-one": "{n} day overdue",
        "overdue-other": "{n} days overdue",
    }
    with i18n.speaking(i18n.language("de")) as language:
        german = script_words(language)
    assert german == {
        "checked": "Termine mit heute abgeglichen, {date}",
        "overdue-other": "{n} Tage überfällig",
        "overdue-one": "{n} Tag überfällig",
    }


def test_whats_new_looks_and_links() -> None:
    assert set(CHANGE_LOOKS) == set(KINDS)  # every kind of change has its look
    item = Item((0, 1), "backtest", "backtest")
    gone = Item((0, 2), "1.3", None)
    news = news_view(
        date(2026, 11, 14),
        [
            Change("step-done", date(2026, 11, 20), "'Backtest' done", (gone, item)),
            Change("go-live-later", date(2026, 11, 19), "Go-live moved", ()),
            Change("something-new", date(2026, 11, 18), "?", ()),  # type: ignore[arg-type]
        ],
    )
    assert news.since == date(2026, 11, 14)
    looks = [(c.kind, c.when, c.text, c.icon, c.tone, c.anchor) for c in news.changes]
    assert looks == [
        ("step-done", date(2026, 11, 20), "'Backtest' done", "done", "good", "backtest"),
        ("go-live-later", date(2026, 11, 19), "Go-live moved", "flag", "late", None),
        ("something-new", date(2026, 11, 18), "?", "arrow", "info", None),
    ]
    assert view(news=(date(2026, 11, 14), [])).whats_new.since == date(2026, 11, 14)
    assert view().whats_new.since is None  # the panel off
