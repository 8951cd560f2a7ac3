"""``mapsite import``: real spreadsheets in (written by openpyxl, a CSV as Excel saves
one), the plan file out, read back with mapsite's own loader; every unreadable cell
named at its place, and nothing written then."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from support import TODAY, VALID_PLAN

from mapsite.load import load_plan

HEADER = ["Phase", "Action Item", "Responsible", "Target Date", "STATUS", "Comments", "Team",
          "Priority"]  # fmt: skip


def workbook(path: Path, rows: list[list], *, merges: tuple[str, ...] = (), title: str = "Plan",
             others: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """An .xlsx file as a spreadsheet app saves one: ``rows`` from A1, ``merges`` merged."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    for name in others:
        book.create_sheet(name)
    book.active = 0
    book.save(path)
    return path


def northwind_workbook(path: Path) -> Path:
    """A rep's mutual action plan: a title, a header of unusual names, milestones merged
    down beside their steps, dates as date cells, serial numbers and text."""
    rows = [
        ["Northwind Financial x Contoso: Mutual Action Plan"],
        [],
        HEADER,
        ["Security review", "Send the SOC 2 report", "Sam Ortiz", datetime(2026, 12, 1),
         "Complete", None, "Contoso", "High"],
        [None, "Security questionnaire answered", "Aisha Bello", 46366, "WIP",
         "Two questions open\non sub-processors", "Customer", None],
        [None, "Approve the vendor", "Aisha Bello", "15/12/2026", "not started", None, None,
         "Low"],
        ["Contract signed", "Sign the order form", "Priya Raman / Sam Ortiz", "Dec 18, 2026",
         "Not Started", None, "Buyer, Seller", None],
    ]  # fmt: skip
    return workbook(path, rows, merges=("A4:A6",))


def test_a_workbook_becomes_a_plan_that_passes_check(site: Path, run) -> None:
    northwind_workbook(site / "Northwind MAP.xlsx")

    result = run("import", "Northwind MAP.xlsx", "--date-order", "dmy", "--seller", "Contoso",
                 "--today", TODAY)  # fmt: skip

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "created plans/northwind.md from Northwind MAP.xlsx\n"
    check = run("check", "--today", TODAY)
    assert check.exit_code == 0, check.stdout + check.stderr
    assert "\n1 plan checked: 0 errors, " in check.stdout
    plan = load_plan(site / "plans" / "northwind.md").plan
    assert plan.title == "Northwind Financial x Contoso: Mutual Action Plan"
    assert (plan.buyer.name, plan.seller.name, plan.updated) == (
        "Northwind",
        "Contoso",
        date(2026, 11, 23),
    )
    assert [(p.name, p.side) for p in plan.stakeholders] == [
        ("Sam Ortiz", "seller"),
        ("Aisha Bello", "buyer"),
        ("Priya Raman", "buyer"),
    ]
    assert [m.name for m in plan.milestones] == ["Security review", "Contract signed"]
    steps = [(s.task, s.owner, s.due, s.status.value, s.notes, s.extra) for _, s in plan.steps()]
    assert steps == [
        ("Send the SOC 2 report", ["Sam Ortiz"], date(2026, 12, 1), "done", None,
         {"Priority": "High"}),
        ("Security questionnaire answered", ["Aisha Bello"], date(2026, 12, 10), "in progress",
         "Two questions open\non sub-processors", {}),
        ("Approve the vendor", ["Aisha Bello"], date(2026, 12, 15), "todo", None,
         {"Priority": "Low"}),
        ("Sign the order form", ["Priya Raman", "Sam Ortiz"], date(2026, 12, 18), "todo",
         None, {}),
    ]  # fmt: skip


def test_the_plan_file_reads_like_one_written_by_hand(site: Path, run) -> None:
    northwind_workbook(site / "map.xlsx")

    result = run("import", "map.xlsx", "--buyer", "Northwind Financial", "--seller", "Contoso",
                 "--date-order", "dmy", "--go-live", "2027-03-31", "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    text = (site / "plans" / "northwind-financial.md").read_text(encoding="utf-8")
    head, _, rest = text.partition("  token: ")
    token, rest = rest.split("\n", 1)
    assert re.fullmatch(r"[A-Za-z][\w-]{21,}  # the private link is /TOKEN/; 'mapsite rotate' "
                        r"replaces it", token)  # fmt: skip
    assert head == (
        "---\n"
        "# Imported from map.xlsx (sheet 'Plan') by 'mapsite import' on 2026-11-23.\n"
        "# Check the dates and owners; then add the value, success criteria and roles.\n"
        'title: "Northwind Financial x Contoso: Mutual Action Plan"\n'
        "buyer:\n  name: Northwind Financial\nseller:\n  name: Contoso\nshare:\n"
    )
    assert rest == (
        "go_live: 2027-03-31\n"
        "stakeholders:\n"
        "  - name: Sam Ortiz\n    side: seller\n"
        "  - name: Aisha Bello\n    side: buyer\n"
        "  - name: Priya Raman\n    side: buyer\n"
        "milestones:\n"
        "  - name: Security review\n"
        "    steps:\n"
        "      - task: Send the SOC 2 report\n"
        "        owner: Sam Ortiz\n"
        "        due: 2026-12-01\n"
        "        status: done\n"
        "        extra:\n"
        "          Priority: High\n"
        "      - task: Security questionnaire answered\n"
        "        owner: Aisha Bello\n"
        "        due: 2026-12-10\n"
        "        status: in progress\n"
        "        notes: |-\n"
        "          Two questions open\n"
        "          on sub-processors\n"
        "      - task: Approve the vendor\n"
        "        owner: Aisha Bello\n"
        "        due: 2026-12-15\n"
        "        extra:\n"
        "          Priority: Low\n"
        "  - name: Contract signed\n"
        "    steps:\n"
        "      - task: Sign the order form\n"
        "        owner: [Priya Raman, Sam Ortiz]\n"
        "        due: 2026-12-18\n"
        "updated: 2026-11-23\n"
        "---\n"
    )


def test_headings_merged_across_the_table_are_milestones(site: Path, run) -> None:
    rows = [
        ["#", "Task", "Owner", "Due date", "Projected"],
        ["Discovery"],
        [1, "Run the discovery workshop", "Priya Raman", "2026-12-01", "2026-12-09"],
        [2, "Agree the success criteria", "Priya Raman", None, None],
        ["Go live"],
        [3, "Switch on production", "Sam Ortiz", "2027-03-31", None],
        [4, None, None, None, None],
    ]
    workbook(site / "plan.xlsx", rows, merges=("A2:E2", "A5:E5"))

    assert run("import", "plan.xlsx", "--today", TODAY).exit_code == 0

    plan = load_plan(site / "plans" / "plan.md").plan
    assert plan.buyer.name == "Buyer"  # the file's name says nothing more
    assert plan.title == "Buyer mutual action plan"
    assert [(m.name, [s.task for s in m.steps]) for m in plan.milestones] == [
        ("Discovery", ["Run the discovery workshop", "Agree the success criteria"]),
        ("Go live", ["Switch on production"]),
    ]
    assert [s.extra for _, s in plan.steps()] == [{}, {}, {}]  # no '#', no 'Projected'


def test_a_milestone_row_gives_the_milestone_its_date_and_why(site: Path, run) -> None:
    rows = [
        ["Milestone", "Task", "Due", "Notes"],
        ["Contract signed", None, "2026-12-15", "Signature by mid-December leaves time"],
        [None, "Sign the order form", "2026-12-14", None],
        ["Live", None, "2027-03-31", None],
    ]
    workbook(site / "plan.xlsx", rows)

    assert run("import", "plan.xlsx", "--today", TODAY).exit_code == 0

    milestone, live = load_plan(site / "plans" / "plan.md").plan.milestones
    assert (live.name, live.due, live.steps) == ("Live", date(2027, 3, 31), [])
    assert (milestone.name, milestone.due, milestone.why) == (
        "Contract signed",
        date(2026, 12, 15),
        "Signature by mid-December leaves time",
    )
    assert [s.task for s in milestone.steps] == ["Sign the order form"]


def test_steps_without_a_milestone_column_share_one(site: Path, run) -> None:
    (site / "smb.csv").write_text("Task,Owner\nSign,Priya Raman\nGo live,Priya Raman\n")

    assert run("import", "smb.csv", "--today", TODAY).exit_code == 0

    plan = load_plan(site / "plans" / "smb.md").plan
    assert [(m.name, len(m.steps)) for m in plan.milestones] == [("Steps", 2)]


def test_every_unreadable_cell_is_named_and_nothing_is_written(site: Path, run) -> None:
    rows = [
        ["Milestone", "Task", "Owner", "Due", "Status", "Side", "Due date"],
        ["Kickoff", "Agree the scope", "Priya Raman", "12/03/2026", "Done", "Buyer"],
        [None, "Confirm the budget", "Priya Raman", "3 Dec", "Green", "Seller"],
        [None, None, "Sam Ortiz", "2026-12-01"],
        [None, "Sign", "Sam Ortiz", "31/02/2026", None, "Partner"],
        [None, "Review", "Sam Ortiz / Lee Park", 5, None, "Seller, Buyer, Buyer"],
    ]
    workbook(site / "map.xlsx", rows)

    result = run("import", "map.xlsx", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "map.xlsx:Plan!G1: a second Due column: 'Due date' after 'Due' at Plan!D1 (rename one:"
        " a column mapsite does not know is kept under extra)\n"
        "map.xlsx:Plan!D2: Due: '12/03/2026' could be 12 March 2026 or 3 December 2026 (say"
        " which with --date-order dmy or --date-order mdy)\n"
        "map.xlsx:Plan!D3: Due: '3 Dec' has no year (write the year too)\n"
        "map.xlsx:Plan!E3: Status: 'Green' is not a status (use Not started, In progress,"
        " Complete or Blocked; WIP and 50% work too)\n"
        "map.xlsx:Plan!F3: Side: 'Priya Raman' is on the buyer side in a row above (a person"
        " is on one side: check both rows)\n"
        "map.xlsx:Plan!B4: Task: no task (write what is done, or delete the row)\n"
        "map.xlsx:Plan!D5: Due: '31/02/2026' is not a real date read as day first (use a date"
        " cell, YYYY-MM-DD, or 31/12/2026 with --date-order)\n"
        "map.xlsx:Plan!F5: Side: 'Partner' is not a side (use Buyer, Seller or Both, or the"
        " company's name)\n"
        "map.xlsx:Plan!D6: Due: '5' is not a date (use a date cell, YYYY-MM-DD, or 31/12/2026"
        " with --date-order)\n"
        "map.xlsx:Plan!F6: Side: 3 sides for 2 owners (give one side for all of them, or one"
        " per owner in the same order)\n"
        "10 errors in 1 file; nothing written\n"
    )
    assert list((site / "plans").iterdir()) == []


def test_a_csv_file_as_excel_saves_it(site: Path, run) -> None:
    """UTF-8 with a byte order mark, CRLF line ends, a quoted cell over two lines."""
    text = (
        "Milestone,Task,Owner,Due,Status,Notes\r\n"
        'Security review,Send the SOC 2 report,Sam Ortiz,12/1/2026,Complete,"Sent on time\r\n'
        'with the pen test"\r\n'
        ",Approve the vendor,Aisha Bello,12/15/2026,WIP,\r\n"
        "Contract,Sign the order form,Zoë Müller,12/18/2026,not started,\r\n"
    )
    (site / "export.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    result = run("import", "export.csv", "--date-order", "mdy", "--buyer", "Northwind",
                 "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    plan = load_plan(site / "plans" / "northwind.md").plan
    assert [(s.task, s.owner, s.due, s.status.value, s.notes) for _, s in plan.steps()] == [
        ("Send the SOC 2 report", ["Sam Ortiz"], date(2026, 12, 1), "done",
         "Sent on time\nwith the pen test"),
        ("Approve the vendor", ["Aisha Bello"], date(2026, 12, 15), "in progress", None),
        ("Sign the order form", ["Zoë Müller"], date(2026, 12, 18), "todo", None),
    ]  # fmt: skip


def test_a_csv_file_names_each_bad_cell_by_line_and_column(site: Path, run) -> None:
    text = (
        "Task;Owner;Due\r\n"  # a semicolon: Excel's CSV where a comma is the decimal mark
        "Sign;Priya Raman;15/12/2026\r\n"
        '"Send the order\r\nform";Sam Ortiz;soon\r\n'
        "Approve;Lee Park;46400\r\n"
    )
    (site / "plan.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    result = run("import", "plan.csv", "--today", TODAY)

    assert result.stderr == (
        "plan.csv:3:3: Due: 'soon' is not a date (use a date cell, YYYY-MM-DD, or 31/12/2026"
        " with --date-order)\n"
        "1 error in 1 file; nothing written\n"
    )
    (site / "plan.csv").write_bytes(text.replace("soon", "").encode("utf-8"))
    assert run("import", "plan.csv", "--today", TODAY).exit_code == 0
    dues = [s.due for _, s in load_plan(site / "plans" / "plan.md").plan.steps()]
    assert dues == [date(2026, 12, 15), None, date(2027, 1, 13)]  # 46400: a serial number


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("plan.xls", b"\xd0\xcf\x11\xe0", (), "plan.xls: cannot read .xls files (save it as "
         ".xlsx (Excel Workbook) or as CSV UTF-8 from your spreadsheet app)"),
        ("plan.pdf", b"%PDF", (), "plan.pdf: not a spreadsheet file (give an .xlsx workbook or a"
         " .csv file)"),
        ("plan.xlsx", b"Task,Owner\n", (), "plan.xlsx: not an .xlsx workbook (it is not a zip "
         "file) (open it in your spreadsheet app and save it again as .xlsx)"),
        ("plan.csv", "Task\nRévision\n".encode("latin-1"), (), "plan.csv:2:2: file is not UTF-8"
         " text (byte 0xe9) (save it as 'CSV UTF-8' from your spreadsheet app)"),
        ("plan.csv", b"Task\nSign\n", ("--sheet", "Plan"), "plan.csv: a CSV file has no sheets "
         "(leave out --sheet)"),
        ("plan.csv", b"Task\n\n", (), "plan.csv: no steps below the header row (name the "
         "columns in one row: Milestone, Task, Owner, Due, Status, Notes)"),
        ("plan.csv", b"What,Who\nSign,Priya\n", (), "plan.csv: no column of tasks (name the "
         "columns in one row: Milestone, Task, Owner, Due, Status, Notes)"),
        ("plan.csv", b"", (), "plan.csv: the sheet is empty (name the columns in one row: "
         "Milestone, Task, Owner, Due, Status, Notes)"),
        ("plan.csv", b'Task\n"Sign\n', (), "plan.csv:2:1: cannot read CSV: unexpected end of "
         "data (check the quotes on this line: a quoted value ends with a quote)"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_plan_s_spreadsheet(
    site: Path, run, name: str, content: bytes, args: tuple[str, ...], message: str
) -> None:
    (site / name).write_bytes(content)

    result = run("import", name, *args, "--today", TODAY)

    assert (result.exit_code, result.stderr) == (
        1,
        f"{message}\n1 error in 1 file; nothing written\n",
    )
    assert list((site / "plans").iterdir()) == []


def test_a_sheet_is_chosen_by_name(site: Path, run) -> None:
    path = workbook(site / "map.xlsx", [["Notes only"]], title="Cover", others=("Plan",))
    book = openpyxl.load_workbook(path)
    book["Plan"].append(["Task", "Owner"])
    book["Plan"].append(["Sign the order form", "Priya Raman"])
    book.save(path)

    first = run("import", "map.xlsx", "--today", TODAY)
    typo = run("import", "map.xlsx", "--sheet", "Plna", "--today", TODAY)
    chosen = run("import", "map.xlsx", "--sheet", "Plan", "--buyer", "Tailspin", "--today", TODAY)

    assert first.stderr.splitlines()[0] == (
        "map.xlsx:Cover: no column of tasks (name the columns in one row: Milestone, Task, "
        "Owner, Due, Status, Notes; or choose another sheet with --sheet: 'Plan')"
    )
    assert typo.stderr.splitlines()[0] == "map.xlsx: no sheet named 'Plna' (did you mean 'Plan'?)"
    assert chosen.exit_code == 0
    assert chosen.stdout == "created plans/tailspin.md from map.xlsx\n"


def test_an_existing_plan_is_never_replaced(site: Path, write_plan, run) -> None:
    plan = write_plan("northwind")
    before = plan.read_bytes()
    (site / "northwind.csv").write_text("Task\nSign\n")

    result = run("import", "northwind.csv", "--today", TODAY)

    assert result.stderr == (
        "plans/northwind.md: the plan already exists (choose another file with -o, or remove "
        "that one first)\n1 error in 1 file; nothing written\n"
    )
    assert plan.read_bytes() == before
    assert run("import", "northwind.csv", "-o", "plans/second.md", "--today", TODAY).exit_code == 0
    assert load_plan(site / "plans" / "second.md").plan.seller.name == "Contoso"  # the site's


def test_a_table_too_large_for_a_plan(site: Path, run) -> None:
    path = workbook(site / "data.xlsx", [["Task", "Owner"], ["Sign", "Priya Raman"]])
    book = openpyxl.load_workbook(path)
    book.active["C10001"] = "stray"
    book.save(path)
    (site / "wide.csv").write_text("Task" + ",x" * 200 + "\n")

    tall = run("import", "data.xlsx", "--today", TODAY)
    wide = run("import", "wide.csv", "--today", TODAY)

    hint = (
        "mapsite reads up to 10,000 rows and 200 columns: copy the plan's rows to a sheet of "
        "their own"
    )
    assert tall.stderr.splitlines()[0] == (
        f"data.xlsx: the table is 10,001 rows by 3 columns, too large for a plan ({hint})"
    )
    assert wide.stderr.splitlines()[0] == (
        f"wide.csv: the table is 1 row by 201 columns, too large for a plan ({hint})"
    )


def test_a_step_due_after_its_milestone_is_refused_at_its_cell(site: Path, run) -> None:
    rows = [
        ["Milestone", "Task", "Due"],
        ["Contract signed", None, "2026-12-15"],
        [None, "Sign the order form", "2026-12-20"],
        [None, "Send the order form", "2026-12-15"],
        [None, "Agree the terms", None],
        ["Live", "Switch on", "2027-04-01"],
    ]
    workbook(site / "map.xlsx", rows)

    result = run("import", "map.xlsx", "--today", TODAY)

    assert result.stderr == (
        "map.xlsx:Plan!C3: Due: step is due 2026-12-20, after its milestone (2026-12-15) "
        "(move the step earlier or the milestone later)\n1 error in 1 file; nothing written\n"
    )


def test_other_columns_are_kept_by_name_under_extra(site: Path, run) -> None:
    rows = [
        ["Task", "Owner", "Priority", "Effort", "Kick-off", "Due: internal", "yes", None],
        ["Sign", "Priya Raman", "High", 2.5, datetime(2026, 12, 1), "soon", "x", "loose"],
        ["Agree", "Priya Raman", "Line one\nLine two", 3, None, None, None, None],
    ]
    workbook(site / "map.xlsx", rows)
    (site / "map.csv").write_text(
        "Task,Effort,,Start\nSign,3,loose,2026-12-01\nAgree,007,,2026-13-01\n"
    )

    assert run("import", "map.xlsx", "--today", TODAY).exit_code == 0
    assert run("import", "map.csv", "-o", "plans/csv.md", "--today", TODAY).exit_code == 0

    xlsx = [s.extra for _, s in load_plan(site / "plans" / "map.md").plan.steps()]
    assert xlsx == [
        {"Priority": "High", "Effort": 2.5, "Kick-off": date(2026, 12, 1),
         "Due: internal": "soon", "yes": "x", "Column H": "loose"},
        {"Priority": "Line one\nLine two", "Effort": 3},
    ]  # fmt: skip
    csv = [s.extra for _, s in load_plan(site / "plans" / "csv.md").plan.steps()]
    assert csv == [
        {"Effort": 3, "Column 3": "loose", "Start": date(2026, 12, 1)},
        {"Effort": "007", "Start": "2026-13-01"},
    ]


def test_two_columns_of_one_name_are_refused(site: Path, run) -> None:
    workbook(site / "map.xlsx", [["Task", "Priority", "PRIORITY"], ["Sign", "High", "Low"]])

    result = run("import", "map.xlsx", "--today", TODAY)

    assert result.stderr == (
        "map.xlsx:Plan!C1: a second column named 'PRIORITY' (the first is at Plan!B1) "
        "(rename one of them)\n1 error in 1 file; nothing written\n"
    )


def test_a_template_s_empty_rows_are_left_out_and_a_row_without_task_is_not(
    site: Path, run
) -> None:
    rows = [
        ["Task", "Owner", "Status", "Step #"],
        ["Sign", "Priya Raman", "Not started", 1],
        [None, None, "Not started", 2],
        [None, None, None, 3],
        [None, None, "Done", 4],
        [None, None, "Green", 5],
        [None, "Sam Ortiz", None, 6],
    ]
    workbook(site / "map.xlsx", rows)

    result = run("import", "map.xlsx", "--today", TODAY)

    hint = "(write what is done, or delete the row)"
    assert result.stderr.splitlines() == [
        f"map.xlsx:Plan!A5: Task: no task {hint}",
        f"map.xlsx:Plan!A6: Task: no task {hint}",
        f"map.xlsx:Plan!A7: Task: no task {hint}",
        "3 errors in 1 file; nothing written",
    ]


def test_a_heading_is_a_lone_text_left_of_the_tasks_or_merged_across(site: Path, run) -> None:
    rows = [
        ["Code", "Task", "Owner"],
        ["Discovery", None, None],
        ["D1", "Run the workshop", "Priya Raman"],
        [None, 42, None],
        [None, None, None],
        ["Go live", None, None],
        [None, "Switch on", "Sam Ortiz"],
    ]
    workbook(site / "map.xlsx", rows, merges=("A6:C6",))

    assert run("import", "map.xlsx", "--today", TODAY).exit_code == 0

    plan = load_plan(site / "plans" / "map.md").plan
    assert [(m.name, [s.task for s in m.steps]) for m in plan.milestones] == [
        ("Discovery", ["Run the workshop", "42"]),
        ("Go live", ["Switch on"]),
    ]
    assert [s.extra for _, s in plan.steps()] == [{"Code": "D1"}, {}, {}]


def test_a_lone_value_right_of_the_tasks_or_beside_a_milestone_column_is_no_heading(
    site: Path, run
) -> None:
    rows = [
        ["Milestone", "Task", "Owner", "Notes"],
        ["Kickoff", "Agree the scope", "Priya Raman", None],
        [None, None, "Sam Ortiz", None],
        [None, None, None, "A note"],
    ]
    workbook(site / "map.xlsx", rows)

    result = run("import", "map.xlsx", "--today", TODAY)

    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [
        "map.xlsx:Plan!B3",
        "map.xlsx:Plan!B4",
        "2 errors in 1 file; nothing written",
    ]


def test_a_side_without_an_owner_makes_the_company_the_owner(site: Path, run) -> None:
    rows = [
        ["Task", "Owner", "Side"],
        ["Approve the budget", None, "Customer"],
        ["Send the contract", None, "Vendor"],
        ["Agree the plan", None, "Both"],
        ["Pick a date", None, "Buyer, Seller"],
        ["Review", None, None],
        ["Kick off", "Priya Raman, Sam Ortiz", "Both"],
        ["Sign", "Priya Raman", "Northwind"],
        ["Countersign", "Sam Ortiz, Priya Raman", "Seller, ?"],
        ["Launch", "Priya Raman", None],
    ]
    workbook(site / "map.xlsx", rows)

    result = run("import", "map.xlsx", "--buyer", "Northwind Financial", "--seller", "Contoso",
                 "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    plan = load_plan(site / "plans" / "northwind-financial.md").plan
    assert [s.owner for _, s in plan.steps()] == [
        ["Northwind Financial"], ["Contoso"], ["Northwind Financial", "Contoso"], [], [],
        ["Priya Raman", "Sam Ortiz"], ["Priya Raman"], ["Sam Ortiz", "Priya Raman"],
        ["Priya Raman"],
    ]  # fmt: skip
    assert [(p.name, p.side) for p in plan.stakeholders] == [
        ("Priya Raman", "buyer"),
        ("Sam Ortiz", "seller"),
    ]


def test_the_plan_is_checked_before_it_is_written(site: Path) -> None:
    from mapsite.errors import MapsiteError
    from mapsite.importer import _check

    late = (
        "---\ntitle: T\nbuyer: {name: B}\nseller: {name: S}\n"
        "share: {token: Tabcdefghijklmnopqrstuv}\n"
        "milestones:\n  - name: M\n    due: 2026-12-01\n    steps:\n"
        "      - {task: X, due: 2026-12-02}\n---\n"
    )
    out = site / "plans" / "x.md"

    with pytest.raises(MapsiteError) as caught:
        _check(late, out, date(2026, 11, 23))
    assert caught.value.format_message() == (
        "plans/x.md:10:24: milestones[0].steps[0].due: step is due 2026-12-02, after its "
        "milestone (2026-12-01) (move the step earlier or the milestone later)\n"
        "1 error in 1 file; nothing written"
    )
    with pytest.raises(MapsiteError) as caught:
        _check(late.replace("title: T", "title: "), out, date(2026, 11, 23))
    assert caught.value.format_message().splitlines()[-1] == "1 error in 1 file; nothing written"
    assert caught.value.problems[0].path == "title"
    _check(late.replace("2026-12-02", "2026-12-01"), out, date(2026, 11, 23))
    assert not out.exists()


def test_the_seller_comes_from_a_valid_plan_beside(site: Path, write_plan, run) -> None:
    write_plan("aaa", "---\ntitle: broken\n---\n")
    write_plan("bbb")
    (site / "new.csv").write_text("Task\nSign\n")

    assert run("import", "new.csv", "--today", TODAY).exit_code == 0

    assert load_plan(site / "plans" / "new.md").plan.seller.name == "Contoso"


def test_the_seller_comes_from_the_sites_settings_first(site: Path, write_plan, run) -> None:
    """As for 'mapsite new': mapsite.yml's seller, else the one every plan names, never
    whichever plan's file sorts first."""
    write_plan("bbb")  # Contoso
    write_plan("aaa", VALID_PLAN.replace("name: Contoso", "name: Fabrikam Partners"))
    (site / "one.csv").write_text("Task\nSign\n")
    (site / "two.csv").write_text("Task\nSign\n")

    assert run("import", "one.csv", "--today", TODAY).exit_code == 0
    (site / "mapsite.yml").write_text("seller: Contoso Ltd\n")
    assert run("import", "two.csv", "--today", TODAY).exit_code == 0

    assert load_plan(site / "plans" / "one.md").plan.seller.name == "Your company"
    assert load_plan(site / "plans" / "two.md").plan.seller.name == "Contoso Ltd"
