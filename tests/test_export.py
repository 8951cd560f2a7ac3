"""``mapsite export``: a plan's steps as CSV, .xlsx and JSON, read back as a buyer's
tool reads them; and ``mapsite import`` of each keeps every step."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from support import TODAY, VALID_PLAN

from mapsite.load import load_plan
from mapsite.site import find_plans, plan_holidays

RICH_PLAN = """\
---
title: Rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
  - name: Sam Ortiz
    side: seller
milestones:
  - name: "Security: review passed"
    id: security
    due: go_live - 10w
    steps:
      - task: Send the SOC 2 report, the pen test and the "SIG Lite"
        owner: [Sam Ortiz, Priya Raman]
        due: security - 5bd
        status: done
        notes: |-
          Sent on **Nov 21**.
          Two questions open, on sub-processors.
        extra: {Priority: High, Effort: 3, Ticket: SEC-12}
      - task: Approve the vendor
        owner: Priya Raman
        status: blocked
        extra: {Priority: Low}
  - name: Live
    steps:
      - task: Switch on production
        owner: Legal team
        due: 2027-03-31
        status: in progress
---
"""


def test_csv_has_a_row_a_step(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN)

    result = run("export", "northwind", "--today", "2026-12-10")

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == (  # CRLF: RFC 4180, and what spreadsheet apps write
        b"Milestone,Task,Owner,Side,Due,Projected,Status,Notes\r\n"
        b"Contract signed,Send the order form,Sam Ortiz,Seller,2026-12-01,2026-12-10,To do,\r\n"
        b"Contract signed,Sign the order form,Priya Raman,Buyer,2026-12-15,2026-12-15,To do,\r\n"
    )


def test_csv_to_a_file_opens_in_excel_as_utf8(site: Path, write_plan, run) -> None:
    write_plan("northwind", RICH_PLAN)

    result = run("export", "plans/northwind.md", "-o", "steps.csv", "--today", TODAY)

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "wrote steps.csv\n")
    data = (site / "steps.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfMilestone,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["Milestone", "Task", "Owner", "Side", "Due", "Projected", "Status", "Notes",
         "Priority", "Effort", "Ticket"],
        ["Security: review passed", 'Send the SOC 2 report, the pen test and the "SIG Lite"',
         "Sam Ortiz, Priya Raman", "Seller, Buyer", "2027-01-13", "", "Done",
         "Sent on **Nov 21**.\nTwo questions open, on sub-processors.", "High", "3", "SEC-12"],
        ["Security: review passed", "Approve the vendor", "Priya Raman", "Buyer", "", "",
         "Blocked", "", "Low", "", ""],
        ["Live", "Switch on production", "Legal team", "", "2027-03-31", "2027-03-31",
         "In progress", "", "", "", ""],
    ]  # fmt: skip


def test_xlsx_is_a_workbook_to_filter_and_sort(site: Path, write_plan, run) -> None:
    write_plan("northwind", RICH_PLAN)

    result = run("export", "northwind", "--format", "xlsx", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "wrote northwind.xlsx\n")
    sheet = openpyxl.load_workbook(site / "northwind.xlsx").active
    assert sheet.title == "Plan"
    assert [c.value for c in sheet[1]][:8] == [
        "Milestone", "Task", "Owner", "Side", "Due", "Projected", "Status", "Notes",
    ]  # fmt: skip
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K4"
    due = sheet["E2"]
    assert (due.value, due.is_date, due.number_format) == (datetime(2027, 1, 13), True,
                                                          "d mmm yyyy")  # fmt: skip
    assert sheet["J2"].value == 3  # a number stays a number
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.formula1, str(validation.sqref)) == (
        '"To do,In progress,Done,Blocked"',
        "G2:G4",
    )
    again = run("export", "northwind", "--format", "xlsx", "--today", TODAY)
    assert again.stderr == (
        "northwind.xlsx: the file exists (name the file to write with -o; that one is "
        "replaced)\n1 error in 1 file\n"
    )


def test_json_is_for_scripts(site: Path, write_plan, run) -> None:
    write_plan("northwind", RICH_PLAN)

    result = run("export", "northwind", "-o", "steps.json", "--today", TODAY)

    assert result.exit_code == 0
    data = json.loads((site / "steps.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in data.items() if k != "steps"} == {
        "plan": "northwind",
        "title": "Rollout",
        "buyer": "Northwind Financial",
        "seller": "Contoso",
        "go_live": "2027-03-31",
    }
    assert data["steps"][0] == {
        "milestone": "Security: review passed",
        "task": 'Send the SOC 2 report, the pen test and the "SIG Lite"',
        "owner": ["Sam Ortiz", "Priya Raman"],
        "side": "joint",
        "due": "2027-01-13",
        "projected": None,
        "status": "done",
        "notes": "Sent on **Nov 21**.\nTwo questions open, on sub-processors.",
        "extra": {"Priority": "High", "Effort": 3, "Ticket": "SEC-12"},
    }
    assert [(s["side"], s["projected"], s["notes"]) for s in data["steps"][1:]] == [
        ("buyer", None, None),
        ("unassigned", "2027-03-31", None),
    ]


def test_export_refuses_to_write_over_the_plan(site: Path, write_plan, run) -> None:
    plan = write_plan("northwind")
    before = plan.read_bytes()

    result = run("export", "northwind", "-o", "plans/northwind.md", "--format", "csv")

    assert result.stderr == (
        "plans/northwind.md: this is the plan itself (name another file with -o)\n"
        "1 error in 1 file\n"
    )
    assert plan.read_bytes() == before
    missing = run("export", "tailspin")
    assert missing.stderr == (
        "tailspin: no plan of this name in plans/ ('mapsite status' lists the plans in plans/)\n"
        "1 error in 1 file\n"
    )


def steps(path: Path) -> list[tuple]:
    doc = load_plan(path, plan_holidays(path))
    people = {p.name: p.side for p in doc.plan.stakeholders}
    return [
        (m.name, s.task, s.owner, doc.dates.due((mi, si)), s.status, s.notes, s.extra,
         [people.get(o) for o in s.owner])
        for mi, m in enumerate(doc.plan.milestones)
        for si, s in enumerate(m.steps)
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_of_an_export_keeps_every_step(example_site: Path, write_plan, run, fmt) -> None:
    write_plan("rich", RICH_PLAN)
    plans = find_plans(example_site / "plans")
    assert len(plans) == 4

    for plan in plans:
        exported = f"{plan.stem}.{fmt}"
        assert run("export", str(plan), "-o", exported, "--today", TODAY).exit_code == 0
        copy = example_site / "plans" / f"{plan.stem}-copy.md"
        result = run("import", exported, "-o", str(copy), "--today", TODAY)
        assert result.exit_code == 0, result.stderr

        assert steps(copy) == steps(plan), plan.name
    check = run("check", "--today", TODAY)
    assert "\n8 plans checked: 0 errors, " in check.stdout
