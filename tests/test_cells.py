"""What a spreadsheet's cells say (``cells.py``): column names, dates, statuses, owners
and sides as reps really write them, and the exact message for each one that says
nothing usable."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mapsite import cells
from mapsite.cells import Unreadable
from mapsite.model import Status
from mapsite.sheets import EXCEL_EPOCH, MAC_EPOCH


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Milestone", "milestone"), ("PHASE", "milestone"), ("Stage name", "milestone"),
        ("Task", "task"), ("Action Item", "task"), ("Next steps", "task"), ("step", "task"),
        ("Activity", "task"), ("Owner(s)", "owner"), ("Assigned To", "owner"), ("Who", "owner"),
        ("Responsible", "owner"), ("Due", "due"), ("Due Date (YYYY-MM-DD)", "due"),
        ("target_date", "due"), ("WHEN:", "due"), ("Deadline", "due"), ("Status", "status"),
        ("State", "status"), ("Notes", "notes"), ("Comments", "notes"), ("Side", "side"),
        ("Team", "side"), ("Projected", "skip"), ("#", "skip"), ("Step #", "skip"),
        ("No.", "skip"), ("Priority", None), ("Due-ish", None), ("", None),
    ],
)  # fmt: skip
def test_column_names(header: str, field: str | None) -> None:
    assert cells.field_of(header) == field


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        (date(2026, 12, 3), None, date(2026, 12, 3)),
        (datetime(2026, 12, 3, 17, 30), None, date(2026, 12, 3)),
        (46359, None, date(2026, 12, 3)),
        (46359.75, None, date(2026, 12, 3)),
        ("46359", None, date(2026, 12, 3)),
        (32874, None, date(1990, 1, 1)),
        (73050, None, date(2099, 12, 31)),
        ("2026-12-03", None, date(2026, 12, 3)),
        ("2026-12-3", None, date(2026, 12, 3)),
        ("2026-12-03 00:00:00", None, date(2026, 12, 3)),
        ("2026-12-03T09:15", None, date(2026, 12, 3)),
        ("12/03/2026", "dmy", date(2026, 3, 12)),
        ("12/03/2026", "mdy", date(2026, 12, 3)),
        ("12.03.26", "dmy", date(2026, 3, 12)),
        ("12-03-2026", "mdy", date(2026, 12, 3)),
        ("25/03/2026", None, date(2026, 3, 25)),
        ("03/25/2026", None, date(2026, 3, 25)),
        ("05/05/2026", None, date(2026, 5, 5)),
        ("13/12/2026", None, date(2026, 12, 13)),
        ("12/13/2026", None, date(2026, 12, 13)),
        ("3 Dec 2026", None, date(2026, 12, 3)),
        ("3rd December 2026", None, date(2026, 12, 3)),
        ("03-Dec-26", None, date(2026, 12, 3)),
        ("Thu, 3 Dec. 2026", None, date(2026, 12, 3)),
        ("Dec 3, 2026", None, date(2026, 12, 3)),
        ("December 3rd 2026", None, date(2026, 12, 3)),
        ("Thursday, Sept 3, 2026", None, date(2026, 9, 3)),
        ("  tbd ", None, None),
        ("N/A", None, None),
        ("-", None, None),
        (None, None, None),
    ],
)
def test_dates(value, order, expected) -> None:
    assert cells.parse_date(value, order, EXCEL_EPOCH) == expected


def test_a_mac_workbook_counts_serials_from_1904() -> None:
    assert cells.parse_date(45897, None, MAC_EPOCH) == date(2029, 8, 29)


@pytest.mark.parametrize(
    ("value", "order", "message", "hint"),
    [
        ("12/03/2026", None, "'12/03/2026' could be 12 March 2026 or 3 December 2026",
         cells.ORDER_HINT),
        ("1/2/27", None, "'1/2/27' could be 1 February 2027 or 2 January 2027", cells.ORDER_HINT),
        ("03/12/2026", None, "'03/12/2026' could be 3 December 2026 or 12 March 2026",
         cells.ORDER_HINT),
        ("25/03/2026", "mdy", "'25/03/2026' is not a real date read as month first",
         cells.DATE_HINT),
        ("03/25/2026", "dmy", "'03/25/2026' is not a real date read as day first",
         cells.DATE_HINT),
        ("2026-02-30", None, "'2026-02-30' is not a real date", cells.DATE_HINT),
        ("31 Feb 2026", None, "'31 Feb 2026' is not a real date", cells.DATE_HINT),
        ("3 Dec", None, "'3 Dec' has no year", "write the year too"),
        ("Dec 3", None, "'Dec 3' has no year", "write the year too"),
        ("3 De 2026", None, "'3 De 2026' is not a date", cells.DATE_HINT),
        ("3 Decembre 2026", None, "'3 Decembre 2026' is not a date", cells.DATE_HINT),
        ("next week", None, "'next week' is not a date", cells.DATE_HINT),
        (5, None, "'5' is not a date", cells.DATE_HINT),
        (32873, None, "'32873' is not a date", cells.DATE_HINT),
        (73051, None, "'73051' is not a date", cells.DATE_HINT),
        (2.5, None, "'2.5' is not a date", cells.DATE_HINT),
        ("12/03/2026 9am", "dmy", "'12/03/2026 9am' is not a date", cells.DATE_HINT),
    ],
)  # fmt: skip
def test_dates_that_say_nothing_usable(value, order, message: str, hint: str) -> None:
    with pytest.raises(Unreadable) as caught:
        cells.parse_date(value, order, EXCEL_EPOCH)
    assert (str(caught.value), caught.value.message, caught.value.hint) == (message, message, hint)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("Complete", Status.DONE), ("COMPLETED", Status.DONE), ("done.", Status.DONE),
        ("✓", Status.DONE), ("Yes", Status.DONE), ("100%", Status.DONE),
        ("Not started", Status.TODO), ("not-started", Status.TODO), ("To Do", Status.TODO),
        ("", Status.TODO), (None, Status.TODO), ("0%", Status.TODO), ("Open", Status.TODO),
        ("WIP", Status.IN_PROGRESS), ("In_Progress", Status.IN_PROGRESS),
        ("Ongoing", Status.IN_PROGRESS),
        ("50%", Status.IN_PROGRESS), ("99.5 %", Status.IN_PROGRESS), ("1%", Status.IN_PROGRESS),
        ("On hold", Status.BLOCKED), ("Blocked!", Status.BLOCKED), ("stuck", Status.BLOCKED),
    ],
)  # fmt: skip
def test_statuses(value, status: Status) -> None:
    assert cells.parse_status(value) is status


@pytest.mark.parametrize("value", ["Green", "101%", "Cancelled", "half"])
def test_statuses_that_say_nothing_usable(value: str) -> None:
    with pytest.raises(Unreadable) as caught:
        cells.parse_status(value)
    assert (caught.value.message, caught.value.hint) == (
        f"'{value}' is not a status",
        "use Not started, In progress, Complete or Blocked; WIP and 50% work too",
    )


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Priya Raman", ["Priya Raman"]),
        ("Priya Raman, Sam Ortiz", ["Priya Raman", "Sam Ortiz"]),
        ("Priya / Sam; Lee & Ken + Ana", ["Priya", "Sam", "Lee", "Ken", "Ana"]),
        ("Priya and  Sam\nLee", ["Priya", "Sam", "Lee"]),
        ("Priya, priya, PRIYA", ["Priya"]),
        ("Sandra Anderson", ["Sandra Anderson"]),
        ("TBD", []), ("n/a", []), ("", []), (None, []),
    ],
)  # fmt: skip
def test_owners(value, names: list[str]) -> None:
    assert cells.names(value) == names


@pytest.mark.parametrize(
    ("value", "sides"),
    [
        ("Buyer", ["buyer"]), ("customer", ["buyer"]), ("Vendor", ["seller"]),
        ("Both", ["joint"]), ("Mutual", ["joint"]), ("N/A", [None]), ("", []), (None, []),
        ("Buyer, Seller", ["buyer", "seller"]), ("Seller / ?", ["seller", None]),
        ("Northwind Financial", ["buyer"]), ("northwind", ["buyer"]), ("Contoso", ["seller"]),
        ("CONTOSO LTD", ["seller"]),
    ],
)  # fmt: skip
def test_sides(value, sides: list[str | None]) -> None:
    assert cells.parse_sides(value, "Northwind Financial", "Contoso Ltd") == sides


@pytest.mark.parametrize("value", ["Partner", "No", "Financial", "Northwind Bank", "Con"])
def test_sides_that_say_nothing_usable(value: str) -> None:
    with pytest.raises(Unreadable) as caught:
        cells.parse_sides(value, "Northwind Financial", "Contoso Ltd")
    assert (caught.value.message, caught.value.hint) == (
        f"'{value}' is not a side",
        "use Buyer, Seller or Both, or the company's name",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, ""), (3.0, "3"), (2.5, "2.5"), (7, "7"), (date(2026, 1, 2), "2026-01-02"),
     ("  a\r\nb\rc  ", "a\nb\nc")],
)  # fmt: skip
def test_text(value, shown: str) -> None:
    assert cells.text(value) == shown


@pytest.mark.parametrize(
    ("column", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (702, "ZZ"), (703, "AAA")]
)
def test_column_letters(column: int, letters: str) -> None:
    from mapsite.sheets import column_letter

    assert column_letter(column) == letters


@pytest.mark.parametrize(
    ("sheet", "written"), [("Sheet1", "Sheet1"), ("MAP_v2", "MAP_v2"), ("Q3 plan", "'Q3 plan'"),
                           ("Bob's", "'Bob''s'")]
)  # fmt: skip
def test_sheet_names_as_formulas_write_them(sheet: str, written: str) -> None:
    from mapsite.sheets import quote_sheet

    assert quote_sheet(sheet) == written


def guide_table(first: str) -> dict[str, set[str]]:
    """The table of docs/spreadsheets.md whose header starts ``| first |``: row -> words."""
    from support import REPO

    text = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    block = text.split(f"| {first} |", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("| ").split(" | ") for line in block.splitlines()[2:]]
    return {name: {w.strip().casefold() for w in words.split(", ")} for name, words in rows}


def test_the_spreadsheet_guide_lists_every_column_name() -> None:
    listed = {
        "skip" if field == "(left out)" else field: {cells.column_name(w) for w in words}
        for field, words in guide_table("field | column names").items()
    }
    known: dict[str, set[str]] = {}
    for name, field in cells.COLUMNS.items():
        known.setdefault(field, set()).add(name)
    assert listed == known


def test_the_spreadsheet_guide_lists_every_status_word() -> None:
    listed = guide_table("status | words")
    known: dict[str, set[str]] = {}
    for word, status in cells.STATUS_WORDS.items():
        known.setdefault(status.value, set()).add(word)
    extras = {"100%", "1% to 99%", "0%", "an empty cell"}
    assert {k: v - extras for k, v in listed.items()} == known
