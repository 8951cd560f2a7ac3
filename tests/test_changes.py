"""What changed between two versions of a plan, in people's words (``changes.compare``),
and over a series of versions (``changes.timeline``): exact sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import TODAY, TRACKED_PLAN, mutate

from mapsite.changes import KINDS, Change, Item, Version, compare, timeline
from mapsite.load import parse_plan
from mapsite.view import CHANGE_LOOKS

BASE = TRACKED_PLAN
NOW = date.fromisoformat(TODAY)  # Mon 23 Nov 2026
FRIDAY = "2026-11-20"


def version(text: str, when: str = FRIDAY) -> Version:
    doc = parse_plan(text, Path("plans/northwind.md"))
    return Version(doc.plan, doc.dates, date.fromisoformat(when))


def said(old: str, new: str, today: date = NOW) -> list[str]:
    """The sentences for the changes from ``old`` to ``new``, committed on Fri 20 Nov."""
    return [c.text for c in compare(version(old), version(new), today)]


def series(*texts: str, start: int = 10) -> list[Change]:
    """``timeline`` of the versions, one a day from ``start`` November."""
    return timeline([version(t, f"2026-11-{start + i:02d}") for i, t in enumerate(texts)], NOW)


GO_LIVE_LATER = ("go_live: 2027-03-31", "go_live: 2027-04-14")
REVIEW = "        id: review\n        owner: Lee Park\n"
READOUT = "      - task: POC readout\n        owner: Lee Park\n        due: poc - 3d\n"
SIGN_OFF = "      - task: Sign off the scorecard\n        owner: Priya Raman\n        due: poc\n"
POC = "  - name: Technical validation\n    id: poc\n    due: go_live - 12w\n    steps:\n"
SAM = "  - name: Sam Ortiz\n    side: seller\n"
NOTE = "        notes: Lee reads it with the **InfoSec** team.\n"


def step(task: str, *fields: str) -> str:
    """A step as the plan writes it: ``step("Kickoff", "owner: Sam Ortiz")``."""
    return f"      - task: {task}\n" + "".join(f"        {f}\n" for f in fields)


def after(anchor: str, text: str) -> tuple[str, str]:
    """A change that adds ``text`` after ``anchor``."""
    return (anchor, anchor + text)


def before(anchor: str, text: str) -> tuple[str, str]:
    return (anchor, text + anchor)


REVIEW_DONE = after(REVIEW, "        status: done\n")
REVIEW_BLOCKED = after(REVIEW, "        status: blocked\n")
READOUT_LATER = ("        due: poc - 3d", "        due: poc + 4d")
READOUT_OWNER = (READOUT, READOUT.replace("Lee Park", "Priya Raman"))
LEGAL = step("Legal redlines", "owner: Nina Patel", "due: 2026-12-09")
NEW_STEP = after(SIGN_OFF, LEGAL)
CONTRACT = "  - name: Contract signed\n    due: 2027-02-15\n"
MILESTONE_GONE = [(POC, ""), (READOUT, ""), (SIGN_OFF, "")]

CASES = {
    # go-live moves: one change, not one per step counted from it
    "go-live later": ([GO_LIVE_LATER], ["Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"]),
    "go-live earlier": (
        [("go_live: 2027-03-31", "go_live: 2027-03-24")],
        ["Go-live moved from Wed 31 Mar 2027 to Wed 24 Mar 2027"],
    ),
    # steps
    "milestone done": (
        [REVIEW_DONE],
        ["Security review passed (done Fri 20 Nov)", "'Review the questionnaire' done"],
    ),
    "step started": (
        [(REVIEW, REVIEW + "        status: In Progress\n")],
        ["'Review the questionnaire' started"],
    ),
    "step blocked": ([REVIEW_BLOCKED], ["'Review the questionnaire' blocked"]),
    "step reopened": (
        [("        status: done\n", "        status: in progress\n")],
        ["'Send the security questionnaire' reopened"],
    ),
    "new step": ([NEW_STEP], ["New step: Legal redlines, owner Nina Patel, due Wed 9 Dec"]),
    "new step, two owners, no date, done": (
        [after(SIGN_OFF, step("Legal redlines", "owner: [Nina Patel, Sam Ortiz]", "status: done"))],
        ["New step: Legal redlines, owners Nina Patel and Sam Ortiz, done"],
    ),
    "new step, three owners, no one": (
        [
            after(
                SIGN_OFF,
                step("Legal redlines", "owner: [Nina Patel, Sam Ortiz, Lee Park]")
                + step("Kickoff"),
            )
        ],
        [
            "New step: Legal redlines, owners Nina Patel, Sam Ortiz and Lee Park",
            "New step: Kickoff",
        ],
    ),
    "step removed": ([(SIGN_OFF, "")], ["Step removed: Sign off the scorecard"]),
    "step renamed, found by place": (
        [("task: POC readout", "task: POC readout with the CFO")],
        ["Step 'POC readout' renamed to 'POC readout with the CFO'"],
    ),
    "step renamed, found by id": (
        [("task: Review the questionnaire", "task: Review the answers")],
        ["Step 'Review the questionnaire' renamed to 'Review the answers'"],
    ),
    "step's own due moved later": (
        [READOUT_LATER],
        ["Due date of 'POC readout' moved 1 week later, to Sun 10 Jan 2027"],
    ),
    "step's own due moved earlier, in days": (
        [("due: 2026-11-27", "due: 2026-11-24")],
        ["Due date of 'Send the security questionnaire' moved 3 days earlier, to Tue 24 Nov"],
    ),
    "step moved one day, two weeks": (
        [("due: poc - 3d", "due: poc - 2d"), ("due: security - 1w", "due: security - 3w")],
        [
            "Due date of 'Review the questionnaire' moved 2 weeks earlier, to Fri 27 Nov",
            "Due date of 'POC readout' moved 1 day later, to Mon 4 Jan 2027",
        ],
    ),
    "go-live and the step's own due in one commit": (
        [GO_LIVE_LATER, READOUT_LATER],
        [
            "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027",
            "Due date of 'POC readout' moved 1 week later, to Sun 24 Jan 2027",
        ],
    ),
    "a step with no owner": (
        [after(READOUT, step("Agree the scope"))],
        ["New step: Agree the scope"],
    ),
    "owner changed": (
        [READOUT_OWNER],
        ["Owner of 'POC readout' changed from Lee Park to Priya Raman"],
    ),
    "owner taken away": (
        [(READOUT, READOUT.replace("        owner: Lee Park\n", ""))],
        ["'POC readout' no longer has an owner"],
    ),
    "note updated": (
        [("the **InfoSec** team.", "the **InfoSec** and legal teams.")],
        ["Note on 'Review the questionnaire' updated"],
    ),
    "note removed": (
        [(NOTE, "")],
        ["Note on 'Review the questionnaire' removed"],
    ),
    "note added": (
        [after(SIGN_OFF, "        notes: Bring the backtest.\n")],
        ["Note added to 'Sign off the scorecard'"],
    ),
    # milestones
    "new milestone": (
        [before("resources:", CONTRACT)],
        ["New milestone: Contract signed, due Mon 15 Feb 2027"],
    ),
    "new milestone without a date": (
        [before("resources:", "  - name: Contract signed\n")],
        ["New milestone: Contract signed"],
    ),
    "milestone removed": (
        MILESTONE_GONE,
        [
            "Milestone removed: Technical validation",
            "Step removed: POC readout",
            "Step removed: Sign off the scorecard",
        ],
    ),
    "milestone renamed": (
        [("name: Technical validation", "name: Technical validation complete")],
        ["Milestone 'Technical validation' renamed to 'Technical validation complete'"],
    ),
    "milestone's own due moved": (
        [("due: go_live - 12w", "due: go_live - 10w")],
        ["Milestone 'Technical validation' moved 2 weeks later, to Wed 20 Jan 2027"],
    ),
    # people, risks, resources
    "stakeholder joined": (
        [before(SAM, "  - name: Nina Patel\n    side: buyer\n    role: Legal\n")],
        ["Nina Patel joined as Legal (Northwind Financial)"],
    ),
    "stakeholder joined without a role or a side": (
        [after(SAM, "  - name: Ken Ito\n")],
        ["Ken Ito joined"],
    ),
    "seller joined": (
        [after(SAM, "  - name: Ken Ito\n    side: seller\n")],
        ["Ken Ito joined (Contoso)"],
    ),
    "stakeholder left": (
        [(SAM, "")],
        ["Sam Ortiz left the plan"],
    ),
    "role changed": (
        [("role: Champion", "role: Economic Buyer")],
        ["Priya Raman is now Economic Buyer (was Champion)"],
    ),
    "role given": (
        [("    title: Senior Data Engineer\n", "    role: Technical Evaluator\n")],
        ["Lee Park is now Technical Evaluator"],
    ),
    "role taken away": (
        [("    role: Champion\n", "")],
        ["Priya Raman is no longer Champion"],
    ),
    "new risk, risk gone": (
        [("risk: Year-end change freeze", "risk: The budget owner is on leave in January")],
        [
            "New risk: The budget owner is on leave in January",
            "Risk removed: Year-end change freeze",
        ],
    ),
    "new resource; one gone is not news": (
        [("title: SOC 2 report", "title: Pen test summary")],
        ["New resource: Pen test summary"],
    ),
}


KINDS_OF = {
    "go-live later": ["go-live-later"],
    "go-live earlier": ["go-live-earlier"],
    "milestone done": ["milestone-done", "step-done"],
    "step started": ["step-started"],
    "step blocked": ["step-blocked"],
    "step reopened": ["step-reopened"],
    "new step": ["step-new"],
    "new step, two owners, no date, done": ["step-new"],
    "new step, three owners, no one": ["step-new", "step-new"],
    "step removed": ["step-removed"],
    "step renamed, found by place": ["step-renamed"],
    "step renamed, found by id": ["step-renamed"],
    "step's own due moved later": ["step-due"],
    "step's own due moved earlier, in days": ["step-due"],
    "step moved one day, two weeks": ["step-due", "step-due"],
    "go-live and the step's own due in one commit": ["go-live-later", "step-due"],
    "a step with no owner": ["step-new"],
    "owner changed": ["step-owner"],
    "owner taken away": ["step-owner"],
    "note updated": ["step-notes"],
    "note removed": ["step-notes"],
    "note added": ["step-notes"],
    "new milestone": ["milestone-new"],
    "new milestone without a date": ["milestone-new"],
    "milestone removed": ["milestone-removed", "step-removed", "step-removed"],
    "milestone renamed": ["milestone-renamed"],
    "milestone's own due moved": ["milestone-due"],
    "stakeholder joined": ["person-joined"],
    "stakeholder joined without a role or a side": ["person-joined"],
    "seller joined": ["person-joined"],
    "stakeholder left": ["person-left"],
    "role changed": ["person-role"],
    "role given": ["person-role"],
    "role taken away": ["person-role"],
    "new risk, risk gone": ["risk-new", "risk-removed"],
    "new resource; one gone is not news": ["resource-new"],
}


@pytest.mark.parametrize(("changes", "expected"), CASES.values(), ids=CASES.keys())
def test_what_changed(changes: list[tuple[str, str]], expected: list[str]) -> None:
    assert said(BASE, mutate(BASE, *changes)) == expected


@pytest.mark.parametrize(
    ("name", "changes"), [(k, v[0]) for k, v in CASES.items()], ids=CASES.keys()
)
def test_each_kind(name: str, changes: list[tuple[str, str]]) -> None:
    found = compare(version(BASE), version(mutate(BASE, *changes)), NOW)

    assert [c.kind for c in found] == KINDS_OF[name]
    wide = [c.kind.startswith(("go-live", "milestone")) for c in found]
    assert [c.plan_wide for c in found] == wide


@pytest.mark.parametrize("changes", [v[0] for v in CASES.values()], ids=CASES.keys())
def test_changed_and_changed_back_either_way_is_no_news(changes: list[tuple[str, str]]) -> None:
    changed = mutate(BASE, *changes)

    assert series(BASE, changed, BASE) == []
    assert series(changed, BASE, changed) == []


@pytest.mark.parametrize("changes", [v[0] for v in CASES.values()], ids=CASES.keys())
def test_changed_again_is_dated_again(changes: list[tuple[str, str]]) -> None:
    changed = mutate(BASE, *changes)

    found = series(BASE, changed, BASE, changed)

    assert [(c.when.day, c.kind) for c in found] == [
        (13, c.kind) for c in compare(version(BASE), version(changed), NOW)
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("blocked", "todo", ["'Review the questionnaire' unblocked"]),
        ("blocked", "in progress", ["'Review the questionnaire' unblocked"]),
        ("done", "blocked", ["'Review the questionnaire' blocked"]),  # the milestone: no news
        ("done", "in progress", ["'Review the questionnaire' reopened"]),
        ("todo", "blocked", ["'Review the questionnaire' blocked"]),
        ("in progress", "todo", []),
    ],
)
def test_status_changes(old: str, new: str, expected: list[str]) -> None:
    def status(value: str) -> str:
        return mutate(BASE, after(REVIEW, f"        status: {value}\n"))

    assert said(status(old), status(new)) == expected


def test_a_step_given_a_date_and_one_taken_away() -> None:
    undated = mutate(BASE, ("        due: poc\n", ""))

    assert said(undated, BASE) == ["'Sign off the scorecard' now due Wed 6 Jan 2027"]
    assert said(BASE, undated) == ["'Sign off the scorecard' no longer has a due date"]


def test_a_milestone_given_a_date_and_one_taken_away() -> None:
    dated = mutate(BASE, before("resources:", CONTRACT))
    undated = mutate(BASE, before("resources:", "  - name: Contract signed\n"))

    assert said(undated, dated) == ["Milestone 'Contract signed' now due Mon 15 Feb 2027"]
    assert said(dated, undated) == ["Milestone 'Contract signed' no longer has a due date"]


def test_an_owner_given() -> None:
    ownerless = mutate(BASE, (READOUT, READOUT.replace("        owner: Lee Park\n", "")))

    assert said(ownerless, BASE) == ["'POC readout' now owned by Lee Park"]


def test_go_live_set_and_taken_away() -> None:
    without = mutate(BASE, ("go_live: 2027-03-31\n", ""), ("due: go_live - 12w", "due: 2027-01-06"))
    fixed = mutate(BASE, ("due: go_live - 12w", "due: 2027-01-06"))

    assert said(without, fixed) == ["Go-live set for Wed 31 Mar 2027"]
    assert said(fixed, without) == ["Go-live date removed (was Wed 31 Mar 2027)"]


def test_dates_this_year_have_no_year() -> None:
    """The issue's own example: with today in the same year as the dates."""
    this_year = mutate(
        BASE,
        ("go_live: 2027-03-31", "go_live: 2026-03-31"),
        ("due: 2026-12-18", "due: 2025-12-18"),
        ("due: 2026-11-27", "due: 2025-11-27"),
    )
    moved = mutate(this_year, ("go_live: 2026-03-31", "go_live: 2026-04-14"))

    found = said(this_year, moved, today=date(2026, 3, 1))

    assert found == ["Go-live moved from Tue 31 Mar to Tue 14 Apr"]


NOT_NEWS = {
    "extra": [("region: EMEA", "region: APAC\n  tier: gold")],
    "share": [after("token: ViqzABatAvS1drCoQ4bq8A\n", "  expires: 2027-06-30\n")],
    "share token": [("token: ViqzABatAvS1drCoQ4bq8A", "token: W7hrfhSJCYSEnzUbwa616w")],
    "updated": [("updated: 2026-11-16", "updated: 2026-11-20")],
    "lint": [("extra:", "lint:\n  ignore: [MAP015]\nextra:")],
    "whats_new_days": [("extra:", "whats_new_days: 30\nextra:")],
    "note re-wrapped": [
        (
            NOTE,
            "        notes: >-\n          Lee reads it with\n          the **InfoSec**   team.\n",
        )
    ],
    "task spacing and case": [("task: POC readout", "task: '  poc   Readout '")],
    "owner as a list, another case": [(SIGN_OFF, SIGN_OFF.replace("Priya Raman", "[priya raman]"))],
    "status written another way": [("        status: done\n", "        status: Done\n")],
    "a date written another way": [("due: 2026-11-27", "due: security - 3w")],
    "a milestone's date written another way": [("due: go_live - 12w", "due: 2027-01-06")],
    "the body": [("Agreed on the kickoff call.", "Agreed on the kickoff call, again.")],
    "a stakeholder's title and email": [
        ("Senior Data Engineer\n", "Lead Data Engineer\n    email: lee@northwind.example\n")
    ],
    "role case": [("role: Champion", "role: champion")],
    "a risk's plan": [before("extra:", "    plan: Pre-approve it\n")],
}


@pytest.mark.parametrize("changes", NOT_NEWS.values(), ids=NOT_NEWS.keys())
def test_not_news(changes: list[tuple[str, str]]) -> None:
    assert said(BASE, mutate(BASE, *changes)) == []


def test_owners_in_another_order_are_no_news() -> None:
    two = mutate(BASE, (READOUT, READOUT.replace("Lee Park", "[Lee Park, Priya Raman]")))
    swapped = mutate(two, ("[Lee Park, Priya Raman]", "[Priya Raman, lee park]"))

    assert said(two, swapped) == []


def test_what_a_change_is_about() -> None:
    [owner] = compare(version(BASE), version(mutate(BASE, READOUT_OWNER)), NOW)
    [go_live] = compare(version(BASE), version(mutate(BASE, GO_LIVE_LATER)), NOW)
    done, finished = compare(version(BASE), version(mutate(BASE, REVIEW_DONE)), NOW)

    assert owner == Change(
        kind="step-owner",
        when=date(2026, 11, 20),
        text="Owner of 'POC readout' changed from Lee Park to Priya Raman",
        items=(Item((1, 0), "2.1", "step-2-1"),),
        people=("Priya Raman", "Lee Park"),
        plan_wide=False,
    )
    assert (go_live.kind, go_live.items, go_live.people, go_live.plan_wide) == (
        "go-live-later",
        (),
        (),
        True,
    )
    assert (done.kind, done.items, done.people, done.plan_wide) == (
        "milestone-done",
        (Item((0, None), "security", "security"),),
        (),
        True,
    )
    assert (finished.kind, finished.items, finished.people) == (
        "step-done",
        (Item((0, 1), "review", "review"),),
        ("Lee Park",),
    )


def test_the_people_a_change_concerns() -> None:
    joined = mutate(BASE, before(SAM, "  - name: Nina Patel\n"))
    risky = mutate(BASE, ("risk: Year-end change freeze", "risk: Budget freeze"))
    shared = mutate(BASE, before("risks:", "  - title: Pen test\n    owner: Lee Park\n"))

    assert [c.people for c in compare(version(BASE), version(joined), NOW)] == [("Nina Patel",)]
    assert [c.people for c in compare(version(BASE), version(risky), NOW)] == [
        ("Priya Raman",),
        ("Priya Raman",),
    ]
    assert [c.people for c in compare(version(BASE), version(shared), NOW)] == [("Lee Park",)]


def test_every_kind_has_a_look_on_the_page() -> None:
    assert set(CHANGE_LOOKS) == set(KINDS)


# --- a series of versions --------------------------------------------------------------

LATER = mutate(BASE, GO_LIVE_LATER)


def test_each_change_dated_by_its_version_newest_first() -> None:
    owner = mutate(LATER, READOUT_OWNER)
    done = mutate(owner, REVIEW_DONE)

    found = series(BASE, LATER, owner, done)

    assert [(c.when.day, c.text) for c in found] == [
        (13, "Security review passed (done Fri 13 Nov)"),
        (13, "'Review the questionnaire' done"),
        (12, "Owner of 'POC readout' changed from Lee Park to Priya Raman"),
        (11, "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"),
    ]


def test_changed_and_changed_back_is_not_news() -> None:
    assert series(BASE, LATER, BASE) == []
    assert series(BASE, mutate(BASE, REVIEW_BLOCKED), BASE) == []


def test_changed_twice_is_two_changes() -> None:
    latest = mutate(BASE, ("go_live: 2027-03-31", "go_live: 2027-04-21"))

    assert [c.text for c in series(BASE, LATER, latest)] == [
        "Go-live moved from Wed 14 Apr 2027 to Wed 21 Apr 2027",
        "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027",
    ]


def test_changed_back_then_on_keeps_the_last_change() -> None:
    latest = mutate(BASE, ("go_live: 2027-03-31", "go_live: 2027-04-21"))

    found = series(BASE, LATER, BASE, latest)

    assert [(c.when.day, c.text) for c in found] == [
        (13, "Go-live moved from Wed 31 Mar 2027 to Wed 21 Apr 2027"),
    ]


def test_back_to_an_earlier_change_dates_it_anew() -> None:
    latest = mutate(BASE, ("go_live: 2027-03-31", "go_live: 2027-04-21"))

    found = series(BASE, LATER, latest, LATER)

    assert [(c.when.day, c.text) for c in found] == [
        (13, "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"),
    ]


def test_a_step_that_came_and_went_is_not_news() -> None:
    added = mutate(BASE, NEW_STEP)
    done = mutate(added, (LEGAL, LEGAL + "        status: done\n"))

    assert series(BASE, added, done, BASE) == []


def test_a_step_removed_and_written_again_is_not_news() -> None:
    assert series(BASE, mutate(BASE, (SIGN_OFF, "")), BASE) == []


def test_a_milestone_done_then_reopened_is_not_news() -> None:
    done = mutate(BASE, REVIEW_DONE)
    blocked = mutate(BASE, REVIEW_BLOCKED)

    assert [(c.when.day, c.text) for c in series(BASE, done, blocked)] == [
        (12, "'Review the questionnaire' blocked"),
        (11, "'Review the questionnaire' done"),
    ]
    assert [(c.when.day, c.text) for c in series(BASE, done, blocked, done)] == [
        (13, "Security review passed (done Fri 13 Nov)"),
        (13, "'Review the questionnaire' done"),
    ]


def test_a_change_names_the_item_where_it_is_now() -> None:
    renamed = mutate(BASE, ("task: POC readout", "task: POC readout with the CFO"))
    moved = mutate(renamed, after(POC, step("Kickoff")))
    blocked = mutate(moved, after("        due: poc - 3d\n", "        status: blocked\n"))

    found = series(BASE, renamed, moved, blocked)

    assert [(c.text, c.items) for c in found] == [
        ("'POC readout with the CFO' blocked", (Item((1, 1), "2.2", "step-2-2"),)),
        ("New step: Kickoff", (Item((1, 0), "2.1", "step-2-1"),)),
        (
            "Step 'POC readout' renamed to 'POC readout with the CFO'",
            (Item((1, 1), "2.2", "step-2-2"),),
        ),
    ]


def test_a_removed_item_keeps_its_address_but_has_no_place_on_the_page() -> None:
    removed = mutate(BASE, (SIGN_OFF, ""))
    milestone_gone = mutate(BASE, *MILESTONE_GONE)

    [step] = series(BASE, removed)
    milestone, *_ = series(BASE, milestone_gone)

    assert step.items == (Item((1, 1), "2.2", None),)
    assert milestone.items == (Item((1, None), "poc", None),)


def test_a_step_moved_to_another_milestone_is_the_same_step() -> None:
    moved = mutate(BASE, (SIGN_OFF, ""), after(NOTE, SIGN_OFF + "        status: done\n"))

    found = series(BASE, moved)

    assert [(c.text, c.items) for c in found] == [
        ("'Sign off the scorecard' done", (Item((0, 2), "1.3", "step-1-3"),)),
    ]


def test_one_version_is_no_change() -> None:
    assert series(BASE) == []
    assert timeline([], NOW) == []


def test_a_step_written_again_with_a_new_status_is_news() -> None:
    removed = mutate(BASE, (SIGN_OFF, ""))
    again = mutate(BASE, after(SIGN_OFF, "        status: done\n"))

    found = series(BASE, removed, again)

    assert [(c.when.day, c.text) for c in found] == [(12, "'Sign off the scorecard' done")]


def test_a_step_written_again_under_another_name_is_a_new_step() -> None:
    removed = mutate(BASE, (SIGN_OFF, ""))
    renamed = mutate(BASE, ("task: Sign off the scorecard", "task: Approve the scorecard"))

    assert [c.text for c in series(BASE, removed, renamed)] == [
        "New step: Approve the scorecard, owner Priya Raman, due Wed 6 Jan 2027",
        "Step removed: Sign off the scorecard",
    ]


def test_a_milestone_written_again_with_a_new_date_is_news() -> None:
    removed = mutate(BASE, *MILESTONE_GONE)
    again = mutate(BASE, ("due: go_live - 12w", "due: go_live - 11w"))

    assert [c.text for c in series(BASE, removed, again)] == [
        "Milestone 'Technical validation' moved 1 week later, to Wed 13 Jan 2027",
    ]


SECURITY = "  - name: Security review passed\n    id: security\n"


def test_milestones_are_matched_by_id_before_their_name() -> None:
    """Renamed and moved after the other milestone: the id says it is the same one."""
    security = BASE[BASE.index(SECURITY) : BASE.index(POC)]
    moved = mutate(BASE, (security, ""), ("resources:", security + "resources:"))
    renamed = moved.replace("name: Security review passed", "name: InfoSec approval")

    assert said(BASE, renamed) == [
        "Milestone 'Security review passed' renamed to 'InfoSec approval'",
    ]


def test_milestones_without_ids_are_matched_by_name_wherever_they_are() -> None:
    plain = BASE.replace("    id: security\n", "").replace("due: security - 1w", "due: 2026-12-11")
    security = plain[plain.index("  - name: Security review") : plain.index(POC)]
    moved = mutate(plain, (security, ""), ("resources:", security + "resources:"))

    assert said(plain, moved) == []


def test_a_renamed_milestone_without_an_id_is_matched_by_its_place() -> None:
    plain = BASE.replace("    id: security\n", "").replace("due: security - 1w", "due: 2026-12-11")
    renamed = plain.replace("name: Security review passed", "name: InfoSec approval")

    assert said(plain, renamed) == [
        "Milestone 'Security review passed' renamed to 'InfoSec approval'",
    ]


def test_a_renamed_milestone_in_another_place_is_a_new_one() -> None:
    plain = mutate(
        BASE,
        ("    id: poc\n    due: go_live - 12w\n", "    due: 2027-01-06\n"),
        ("due: poc - 3d", "due: 2027-01-03"),
        ("        due: poc\n", "        due: 2027-01-06\n"),
    )
    changed = mutate(
        plain,
        ("  - name: Technical validation\n", "  - name: Legal review\n  - name: Technical check\n"),
    )

    assert said(plain, changed) == [
        "New milestone: Legal review",
        "New milestone: Technical check, due Wed 6 Jan 2027",
        "Milestone removed: Technical validation",
    ]


def test_several_people_join_and_change_roles_at_once() -> None:
    more = mutate(
        BASE,
        before(SAM, "  - name: Nina Patel\n  - name: Ken Ito\n"),
        ("role: Champion", "role: Economic Buyer"),
        ("    title: Senior Data Engineer\n", "    role: Technical Evaluator\n"),
    )

    assert said(BASE, more) == [
        "Priya Raman is now Economic Buyer (was Champion)",
        "Lee Park is now Technical Evaluator",
        "Nina Patel joined",
        "Ken Ito joined",
    ]
    assert said(more, BASE) == [
        "Priya Raman is now Champion (was Economic Buyer)",
        "Lee Park is no longer Technical Evaluator",
        "Nina Patel left the plan",
        "Ken Ito left the plan",
    ]


def test_each_field_changes_back_on_its_own() -> None:
    both = mutate(
        BASE, READOUT_OWNER, after("        due: poc - 3d\n", "        status: blocked\n")
    )
    owner_only = mutate(BASE, READOUT_OWNER)

    found = series(BASE, both, owner_only)

    assert [(c.when.day, c.text) for c in found] == [
        (11, "Owner of 'POC readout' changed from Lee Park to Priya Raman"),
    ]


def test_a_date_counted_from_something_else_moves_by_the_dates() -> None:
    other = mutate(BASE, ("due: poc - 3d", "due: security + 2w"))

    assert said(BASE, other) == [
        "Due date of 'POC readout' moved 2 days earlier, to Fri 1 Jan 2027",
    ]


def test_a_step_renamed_and_moved_is_found_by_its_id() -> None:
    review = BASE[BASE.index("      - task: Review the questionnaire") : BASE.index(POC)]
    renamed = review.replace("Review the questionnaire", "Review the answers")
    moved = mutate(BASE, (review, ""), after(SIGN_OFF, renamed))

    assert said(BASE, moved) == [
        "Security review passed (done Fri 20 Nov)",  # its one open step moved away
        "Step 'Review the questionnaire' renamed to 'Review the answers'",
    ]


UNDATED_STEP = mutate(BASE, ("        due: poc\n", ""))
UNDATED_MILESTONE = mutate(BASE, before("resources:", "  - name: Contract signed\n"))
DATED_MILESTONE = mutate(BASE, before("resources:", CONTRACT))
NO_GO_LIVE = mutate(BASE, ("go_live: 2027-03-31\n", ""), ("due: go_live - 12w", "due: 2027-01-06"))
FIXED_POC = mutate(BASE, ("due: go_live - 12w", "due: 2027-01-06"))
OWNERLESS = mutate(BASE, (READOUT, READOUT.replace("        owner: Lee Park\n", "")))
PAIRS = {
    "a step given a date": (UNDATED_STEP, BASE, "step-due"),
    "a milestone given a date": (UNDATED_MILESTONE, DATED_MILESTONE, "milestone-due"),
    "go-live set": (NO_GO_LIVE, FIXED_POC, "go-live-set"),
    "an owner given": (OWNERLESS, BASE, "step-owner"),
}
OPPOSITE = {
    "step-due": "step-due",
    "milestone-due": "milestone-due",
    "go-live-set": "go-live-removed",
    "step-owner": "step-owner",
}


@pytest.mark.parametrize(("old", "new", "kind"), PAIRS.values(), ids=PAIRS.keys())
def test_given_and_taken_away_are_undone_either_way(old: str, new: str, kind: str) -> None:
    assert [c.kind for c in compare(version(old), version(new), NOW)] == [kind]
    assert [c.kind for c in compare(version(new), version(old), NOW)] == [OPPOSITE[kind]]
    assert series(old, new, old) == []
    assert series(new, old, new) == []


def test_a_date_written_another_way_then_moved_and_back_is_no_news() -> None:
    other_way = mutate(BASE, ("due: 2026-11-27", "due: security - 3w"))
    moved = mutate(BASE, ("due: 2026-11-27", "due: 2026-11-30"))

    assert series(BASE, other_way, moved, BASE) == []
    further = mutate(BASE, ("due: 2026-11-27", "due: 2026-12-02"))
    assert series(BASE, moved, further, moved, BASE) == []


def test_a_milestone_that_came_renamed_and_went_is_no_news() -> None:
    added = mutate(BASE, before("resources:", CONTRACT))
    renamed = added.replace("name: Contract signed", "name: Contract countersigned")

    assert series(BASE, added, renamed, BASE) == []


def test_two_versions_on_one_day_newest_first() -> None:
    versions = [version(BASE, "2026-11-20"), version(mutate(BASE, READOUT_OWNER), "2026-11-20")]
    versions.append(version(mutate(BASE, READOUT_OWNER, REVIEW_DONE), "2026-11-20"))

    found = timeline(versions, NOW)

    assert [c.kind for c in found] == ["milestone-done", "step-done", "step-owner"]


def test_milestones_without_ids_that_swapped_places_are_the_same() -> None:
    plain = mutate(
        BASE,
        ("    id: security\n", ""),
        ("due: security - 1w", "due: 2026-12-11"),
        ("    id: poc\n    due: go_live - 12w\n", "    due: 2027-01-06\n"),
        ("due: poc - 3d", "due: 2027-01-03"),
        ("        due: poc\n", "        due: 2027-01-06\n"),
    )
    first = plain[plain.index("  - name: Security") : plain.index("  - name: Technical")]
    swapped = mutate(plain, (first, ""), before("resources:", first))

    assert said(plain, swapped) == []


def test_go_live_and_a_milestone_counted_from_it_both_moved() -> None:
    both = mutate(BASE, GO_LIVE_LATER, ("due: go_live - 12w", "due: go_live - 10w"))

    assert said(BASE, both) == [
        "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027",
        "Milestone 'Technical validation' moved 2 weeks later, to Wed 3 Feb 2027",
    ]


def test_a_milestone_and_its_steps_written_again() -> None:
    gone = mutate(BASE, *MILESTONE_GONE, GO_LIVE_LATER)
    poc_later = ("due: go_live - 12w", "due: go_live - 11w")
    again = mutate(BASE, GO_LIVE_LATER, poc_later, after(READOUT, "        status: done\n"))

    found = series(BASE, gone, again)

    assert [(c.when.day, c.text) for c in found] == [
        (12, "Milestone 'Technical validation' moved 1 week later, to Wed 27 Jan 2027"),
        (12, "'POC readout' done"),
        (11, "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"),
    ]


def test_who_removed_things_and_people_concern() -> None:
    removed = mutate(BASE, (SIGN_OFF, ""), (SAM, ""), ("    owner: Priya Raman\nextra", "extra"))
    risky = mutate(BASE, before("extra:", "  - risk: Budget freeze\n"))

    assert [(c.kind, c.people) for c in compare(version(BASE), version(removed), NOW)] == [
        ("step-removed", ("Priya Raman",)),
        ("person-left", ("Sam Ortiz",)),
    ]
    assert [c.people for c in compare(version(BASE), version(risky), NOW)] == [()]


def test_go_live_set_moved_and_taken_away_is_no_news() -> None:
    moved = mutate(FIXED_POC, GO_LIVE_LATER)

    assert series(NO_GO_LIVE, FIXED_POC, moved, NO_GO_LIVE) == []
    assert [c.text for c in series(NO_GO_LIVE, FIXED_POC, moved)] == [
        "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027",
        "Go-live set for Wed 31 Mar 2027",
    ]


def test_a_risk_without_an_owner_removed_concerns_no_one() -> None:
    ownerless = mutate(BASE, ("    owner: Priya Raman\nextra", "extra"))
    gone = mutate(ownerless, ("  - risk: Year-end change freeze\n", ""), ("risks:\n", ""))

    assert [(c.text, c.people) for c in compare(version(ownerless), version(gone), NOW)] == [
        ("Risk removed: Year-end change freeze", ()),
    ]
