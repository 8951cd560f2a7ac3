"""``mapsite report``: every deal at a glance, worst first, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from support import TODAY

BASE = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
    role: Champion
  - name: Daniel Okafor
    side: buyer
    role: Economic Buyer
  - name: Sam Ortiz
    side: seller
milestones:
  - name: Technical validation
    due: 2026-12-11
    steps:
      - task: Share a pipeline export
        owner: Priya Raman
        due: 2026-12-04
      - task: Present the pilot forecast
        owner: Sam Ortiz
        due: 2026-12-11
        status: done
  - name: Contract signed
    due: 2027-01-15
    steps:
      - task: Approve the budget
        id: budget
        owner: Daniel Okafor
        due: 2027-01-08
  - name: Live
    due: go_live
    steps:
      - task: Train the sales managers
        owner: [Sam Ortiz, Priya Raman]
        due: go_live - 2w
updated: 2026-11-20
---
"""


def mutate(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


EXPORT_DONE = ("        due: 2026-12-04\n", "        due: 2026-12-04\n        status: done\n")

# On track: the buyer's first step is done, nothing is late; never reviewed (no 'updated:').
ON_TRACK = mutate(
    BASE,
    ("name: Northwind Financial", "name: Adventure Works"),
    EXPORT_DONE,
    ("updated: 2026-11-20\n", ""),
)
# At risk: the buyer's export is 3 days overdue.
AT_RISK = mutate(BASE, ("due: 2026-12-04", "due: 2026-11-20"))
# Stalled: the budget approval is 10 days overdue, and going live is counted from it,
# so go-live slips from 2027-03-31 to 2026-11-23 + 19 weeks = 2027-04-05.
STALLED = mutate(
    BASE,
    ("name: Northwind Financial", "name: Tailspin Toys"),
    EXPORT_DONE,
    ("due: 2027-01-08", "due: 2026-11-13"),
    ("  - name: Live\n    due: go_live", "  - name: Live\n    due: budget + 19w"),
    ("updated: 2026-11-20", "updated: 2026-11-16"),
)


@pytest.fixture
def three_plans(write_plan) -> None:
    """File order (adventure, northwind, tailspin) is the reverse of worst first."""
    write_plan("adventure-works", ON_TRACK)
    write_plan("northwind", AT_RISK)
    write_plan("tailspin", STALLED)


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line)


def test_table_worst_first(three_plans, run) -> None:
    result = run("report", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert cells(lines[0]) == [
        "Buyer",
        "Health",
        "Steps",
        "Buyer steps",
        "Overdue (buyer)",
        "Go-live",
        "Projected",
        "Updated",
        "Changed (7d)",
        "Next step",
        "Owner",
    ]
    assert set(lines[1]) == {"-", " "}
    assert [cells(line) for line in lines[2:5]] == [
        [
            "Tailspin Toys",
            "■ Stalled",
            "2/4",
            "1/3",
            "1",
            "2027-03-31",
            "2027-04-05 (+5d)",
            "7d ago",
            "none",
            "Approve the budget",
            "Daniel Okafor",
        ],
        [
            "Northwind Financial",
            "▲ At risk",
            "1/4",
            "0/3",
            "1",
            "2027-03-31",
            "2027-03-31",
            "3d ago",
            "none",
            "Share a pipeline export",
            "Priya Raman",
        ],
        [
            "Adventure Works",
            "● On track",
            "2/4",
            "1/3",
            "0",
            "2027-03-31",
            "2027-03-31",
            "never",
            "none",
            "Approve the budget",
            "Daniel Okafor",
        ],
    ]
    assert lines[5:] == [
        "",
        "Tailspin Toys: go-live projected Mon 5 Apr 2027, 5 days late: 'Approve the budget' "
        "(Daniel Okafor) is 10 days overdue and must be done 19 weeks before go-live",
        "",
        "3 plans: 1 stalled, 1 at risk, 1 on track",
    ]


def test_table_columns_line_up(three_plans, run) -> None:
    lines = run("report", "--today", TODAY).stdout.splitlines()

    starts = [m.start() for m in re.finditer(r"-+", lines[1])]  # where each column starts
    assert len(starts) == 11
    for line in [lines[0], *lines[2:5]]:
        assert [line[i - 1] for i in starts[1:]] == [" "] * 10, line
        assert " " not in [line[i] for i in starts], line


def test_csv(three_plans, run) -> None:
    result = run("report", "--today", TODAY, "--format", "csv")

    assert result.exit_code == 0
    assert "\r" not in result.stdout  # lines end as a terminal, diff or grep expects
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == [
        "plan",
        "buyer",
        "title",
        "health",
        "reasons",
        "steps_done",
        "steps_total",
        "buyer_done",
        "buyer_total",
        "overdue_buyer_steps",
        "go_live",
        "projected_go_live",
        "days_late",
        "why_late",
        "days_since_update",
        "changes_7d",
        "next_step",
        "next_owner",
        "next_due",
        "draft",
    ]
    rows = list(reader)
    assert [r["plan"] for r in rows] == ["tailspin", "northwind", "adventure-works"]
    assert rows[0] == {
        "plan": "tailspin",
        "buyer": "Tailspin Toys",
        "title": "Revenue forecasting rollout",
        "health": "stalled",
        "reasons": "1 step 7 or more days overdue; go-live projected 5 days late",
        "steps_done": "2",
        "steps_total": "4",
        "buyer_done": "1",
        "buyer_total": "3",
        "overdue_buyer_steps": "1",
        "go_live": "2027-03-31",
        "projected_go_live": "2027-04-05",
        "days_late": "5",
        "why_late": "projected Mon 5 Apr 2027, 5 days late: 'Approve the budget' (Daniel Okafor) "
        "is 10 days overdue and must be done 19 weeks before go-live",
        "days_since_update": "7",
        "changes_7d": "0",
        "next_step": "Approve the budget",
        "next_owner": "Daniel Okafor",
        "next_due": "2026-11-13",
        "draft": "False",
    }
    assert (rows[1]["health"], rows[1]["reasons"]) == ("at risk", "1 step overdue")
    assert (rows[2]["health"], rows[2]["reasons"]) == ("on track", "")
    assert rows[2]["days_since_update"] == ""  # never updated: empty, not "None"


def test_json(three_plans, run) -> None:
    result = run("report", "--today", TODAY, "--format", "json")

    assert result.exit_code == 0
    assert result.stdout.startswith('[\n  {\n    "plan": "tailspin",\n')  # readable as it is
    rows = json.loads(result.stdout)
    assert [r["buyer"] for r in rows] == ["Tailspin Toys", "Northwind Financial", "Adventure Works"]
    assert rows[1] == {
        "plan": "northwind",
        "buyer": "Northwind Financial",
        "title": "Revenue forecasting rollout",
        "health": "at risk",
        "reasons": "1 step overdue",
        "steps_done": 1,
        "steps_total": 4,
        "buyer_done": 0,
        "buyer_total": 3,
        "overdue_buyer_steps": 1,
        "go_live": "2027-03-31",
        "projected_go_live": "2027-03-31",
        "days_late": 0,
        "why_late": None,
        "days_since_update": 3,
        "changes_7d": 0,
        "next_step": "Share a pipeline export",
        "next_owner": "Priya Raman",
        "next_due": "2026-11-20",
        "draft": False,
    }
    assert rows[2]["days_since_update"] is None


def test_a_finished_plan_without_go_live(write_plan, run) -> None:
    done = BASE.replace(
        "        due: 2026-12-04\n", "        due: 2026-12-04\n        status: done\n"
    )
    done = done.replace(
        "        due: 2027-01-08\n", "        due: 2027-01-08\n        status: done\n"
    )
    done = done.replace(
        "        due: go_live - 2w\n", "        due: 2027-03-17\n        status: done\n"
    )
    done = mutate(
        done, ("go_live: 2027-03-31\n", ""), ("    due: go_live\n", "    due: 2027-03-31\n")
    )
    write_plan("northwind", done)

    table = run("report", "--today", TODAY).stdout
    rows = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)

    assert cells(table.splitlines()[2]) == [
        "Northwind Financial",
        "● On track",
        "4/4",
        "3/3",
        "0",
        "-",
        "-",
        "3d ago",
        "none",
        "all done",
    ]
    assert table.splitlines()[-1] == "1 plan: 0 stalled, 0 at risk, 1 on track"
    assert {k: rows[0][k] for k in ("go_live", "projected_go_live", "next_step", "next_owner")} == {
        "go_live": None,
        "projected_go_live": None,
        "next_step": None,
        "next_owner": None,
    }


def test_long_names_are_cut(write_plan, run) -> None:
    write_plan(
        "northwind",
        mutate(
            BASE,
            ("name: Northwind Financial", "name: Northwind Financial Services Group"),
            (
                "task: Share a pipeline export",
                "task: Share a pipeline export of every region since 2019",
            ),
        ),
    )

    row = cells(run("report", "--today", TODAY).stdout.splitlines()[2])

    assert row[0] == "Northwind Financial Ser…"
    assert row[9] == "Share a pipeline export of every region…"
    assert (len(row[0]), len(row[9])) == (24, 40)


@pytest.mark.parametrize(
    ("buyer", "shown"),
    [
        ("Wide World Importers Ltd", "Wide World Importers Ltd"),  # 24 characters: it fits
        ("Wide World Importers Ltd.", "Wide World Importers Lt…"),  # 25: one too many
        ("Fabrikam Residences of Europe", "Fabrikam Residences of…"),  # no space before '…'
    ],
)
def test_the_buyer_column_holds_24_characters(write_plan, run, buyer: str, shown: str) -> None:
    write_plan("northwind", mutate(BASE, ("name: Northwind Financial", f"name: {buyer}")))

    row = cells(run("report", "--today", TODAY).stdout.splitlines()[2])

    assert row[0] == shown


def test_a_joint_next_step_is_cut_in_the_table_and_whole_in_json(write_plan, run) -> None:
    write_plan(
        "northwind",
        mutate(
            BASE,
            (
                "task: Share a pipeline export\n        owner: Priya Raman",
                "task: Share a pipeline export of all the regions since 2019\n"
                "        owner: [Priya Raman, Daniel Okafor]",
            ),
        ),
    )

    row = cells(run("report", "--today", TODAY).stdout.splitlines()[2])
    [data] = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)

    assert row[9:] == ["Share a pipeline export of all the regi…", "Priya Raman, Daniel Oka…"]
    assert (data["next_step"], data["next_owner"]) == (
        "Share a pipeline export of all the regions since 2019",
        "Priya Raman, Daniel Okafor",
    )


def test_same_health_sorts_the_latest_go_live_first(write_plan, run) -> None:
    stale = ("updated: 2026-11-16", "updated: 2026-10-01")
    write_plan("a", mutate(STALLED, ("name: Tailspin Toys", "name: Alpine Ski House"), stale))
    write_plan("b", mutate(AT_RISK, ("name: Northwind Financial", "name: Bellows College"),
                            ("updated: 2026-11-20", "updated: 2026-10-01")))  # fmt: skip
    write_plan("c", mutate(STALLED, ("name: Tailspin Toys", "name: Coho Winery")))

    table = run("report", "--today", TODAY).stdout

    assert [cells(line)[:2] for line in table.splitlines()[2:5]] == [
        ["Alpine Ski House", "■ Stalled"],  # 5 days late
        ["Coho Winery", "■ Stalled"],  # 5 days late, same: by name
        ["Bellows College", "■ Stalled"],  # stale only, on time
    ]


def test_an_invalid_plan_stops_the_report(write_plan, run) -> None:
    write_plan("northwind", mutate(BASE, ("title: Revenue forecasting rollout\n", "")))

    result = run("report", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "plans/northwind.md:2:1: title: required field 'title' is missing (add 'title: ...')\n"
        "1 error in 1 file\n"
    )


def test_the_example_site(example_site: Path, run) -> None:
    result = run("report", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    buyers = [cells(line)[0] for line in result.stdout.splitlines()[2:5]]
    assert sorted(buyers) == ["Fabrikam", "Northwind Financial", "Tailspin Toys"]
    assert result.stdout.splitlines()[-1].startswith("3 plans: ")
    csv_rows = list(
        csv.DictReader(io.StringIO(run("report", "--today", TODAY, "--format", "csv").stdout))
    )
    assert [r["buyer"] for r in csv_rows] == buyers


def test_a_draft_is_listed_and_marked(three_plans, write_plan, run) -> None:
    write_plan(
        "northwind", AT_RISK.replace("updated: 2026-11-20\n", "updated: 2026-11-20\ndraft: true\n")
    )

    table = run("report", "--today", TODAY)
    rows = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)

    lines = table.stdout.splitlines()
    assert cells(lines[3])[:2] == ["Northwind Financial (draft)", "▲ At risk"]
    assert cells(lines[2])[0] == "Tailspin Toys"
    assert lines[-1] == "3 plans: 1 stalled, 1 at risk, 1 on track (1 draft, not published)"
    assert [(r["plan"], r["draft"]) for r in rows] == [
        ("tailspin", False),
        ("northwind", True),
        ("adventure-works", False),
    ]
