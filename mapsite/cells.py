"""What a spreadsheet's cells say: column names, dates, statuses, owners and sides.

Pure functions over one value each, for ``importer.py``. Each knows the ways people
really fill mutual-action-plan spreadsheets in (``Due date``, ``12/03/2026``, an Excel
serial number, ``WIP``, ``75%``, ``Priya / Sam``) and raises ``Unreadable`` with what
is wrong and how to fix it when a value says nothing it can use.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from .model import Status
from .sheets import Value

Field = Literal["milestone", "task", "owner", "due", "status", "notes", "side", "skip"]
DateOrder = Literal["dmy", "mdy"]
Side = Literal["buyer", "seller", "joint"]

COLUMNS: dict[str, Field] = {
    name: field
    for field, names in {
        "milestone": "milestone, milestones, milestone name, phase, phase name, stage, "
        "stage name, gate, key milestone",
        "task": "task, tasks, task name, action, actions, action item, action items, step, "
        "steps, activity, activities, next step, next steps, deliverable, to do, todo",
        "owner": "owner, owners, owner name, responsible, responsible party, responsibility, "
        "who, assigned to, assignee, accountable, point person, dri",
        "due": "due, due date, target date, target, when, date, deadline, by when, due by, "
        "completion date, target completion date, end date, finish date, planned date",
        "status": "status, state, progress, complete, done",
        "notes": "notes, note, comments, comment, remarks, details, description",
        "side": "side, team, party, company, organisation, organization, org",
        # computed from the other dates (mapsite export writes it), and row numbers:
        # mapsite counts both itself
        "skip": "projected, projected date, forecast, forecast date, no, nr, number, "
        "item no, step no, ref, s no, sr no",
    }.items()
    for name in names.split(", ")
}
"""Column names, as ``column_name`` writes them, and the field each one fills."""

FIELD_NAMES = {"milestone": "Milestone", "task": "Task", "owner": "Owner", "due": "Due",
               "status": "Status", "notes": "Notes", "side": "Side"}  # fmt: skip


class Unreadable(ValueError):
    """A cell that says nothing usable: ``message (hint)``."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def column_name(header: str) -> str:
    """``Due Date (YYYY-MM-DD)``, ``due_date`` and ``DUE-DATE:`` -> ``due date``;
    ``#`` and ``Step #`` -> ``no``, ``step no``."""
    text = re.sub(r"\(.*?\)", " ", header.casefold().replace("#", " no "))
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def field_of(header: str) -> Field | None:
    """The field a column of this name fills; None for a column kept under ``extra``."""
    return COLUMNS.get(column_name(header))


def text(value: Value) -> str:
    """A cell as text: numbers without a needless ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# --- dates ---------------------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
NO_DATE = frozenset({"", "tbd", "tbc", "tba", "n/a", "na", "-", "--", "?", "none"})
FIRST_SERIAL, LAST_SERIAL = 32874, 73050
"""Excel serial numbers read as dates: 1 Jan 1990 to 31 Dec 2099 (a plan's dates);
outside it, a number in a date column is more likely a count of days or weeks."""
ORDER_HINT = "say which with --date-order dmy or --date-order mdy"
DATE_HINT = "use a date cell, YYYY-MM-DD, or 31/12/2026 with --date-order"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d\d?:\d\d(?::\d\d(?:\.\d+)?)?)?")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_WEEKDAY = r"(?:[a-z]+,?\s+)?"  # Tue 15 Dec 2026; Tuesday, December 15, 2026
_DAY_MONTH = re.compile(
    _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?(?:[\s-]+(\d{4}|\d{2}))?"
)
_MONTH_DAY = re.compile(_WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def parse_date(value: Value, order: DateOrder | None, epoch_date: date) -> date | None:
    """A due date from a cell: a date cell, an Excel serial number (counted from
    ``epoch_date``, the workbook's day 0), or text in the usual ways; None for an
    empty cell or a placeholder such as TBD. ``order`` reads ``12/03/2026``: without
    it, only dates that can be read one way are."""
    if isinstance(value, datetime):
        return value.date()  # a time of day on a due date says nothing a plan keeps
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _serial(value, text(value), epoch_date)
    written = text(value)
    lowered = " ".join(written.casefold().split())
    if lowered in NO_DATE:
        return None
    if match := _ISO.fullmatch(lowered):
        return _real(written, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.fullmatch(lowered):
        return _numeric(written, int(match[1]), int(match[3]), _year(match[4]), order)
    if _SERIAL.fullmatch(lowered):
        return _serial(float(lowered), written, epoch_date)
    for pattern, day, month in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.fullmatch(lowered)
        if match and (number := _month(match[month])):
            if match[3] is None:
                raise Unreadable(f"'{written}' has no year", "write the year too")
            return _real(written, _year(match[3]), number, int(match[day]))
    raise Unreadable(f"'{written}' is not a date", DATE_HINT)


def _serial(number: float, written: str, epoch_date: date) -> date:
    if not FIRST_SERIAL <= number <= LAST_SERIAL:
        raise Unreadable(f"'{written}' is not a date", DATE_HINT)
    days = int(number)
    return date.fromordinal(epoch_date.toordinal() + days)


def _numeric(written: str, first: int, second: int, year: int, order: DateOrder | None) -> date:
    if order is None:
        if first <= 12 and second <= 12 and first != second:
            one, other = _long(year, second, first), _long(year, first, second)
            raise Unreadable(f"'{written}' could be {one} or {other}", ORDER_HINT)
        # 25/03/2026 can only be read day first, 03/25/2026 month first
        order = "mdy" if second > 12 else "dmy"
    day, month = (first, second) if order == "dmy" else (second, first)
    return _real(written, year, month, day, order)


def _real(written: str, year: int, month: int, day: int, order: str = "") -> date:
    try:
        return date(year, month, day)
    except ValueError:
        read = f" read as {'day first' if order == 'dmy' else 'month first'}" if order else ""
        raise Unreadable(f"'{written}' is not a real date{read}", DATE_HINT) from None


def _long(year: int, month: int, day: int) -> str:
    """``12 March 2026``: a reading spelt out, for the message that asks which."""
    return f"{day} {MONTHS[month - 1].title()} {year}"


def _year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _month(word: str) -> int | None:
    """``dec``, ``Dec.``, ``sept`` and ``December`` -> 12, 9, 12; None for another word."""
    for number, name in enumerate(MONTHS, 1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


# --- statuses ------------------------------------------------------------------------------

STATUS_WORDS: dict[str, Status] = {
    word: status
    for status, words in {
        Status.DONE: "done, complete, completed, finished, closed, signed, yes, y, ✓, ✔, x",
        Status.IN_PROGRESS: "in progress, wip, started, ongoing, underway, under way, active, "
        "doing, in review, working on it",
        Status.TODO: "to do, todo, not started, not yet started, open, new, planned, pending, "
        "upcoming, scheduled, no, n",
        Status.BLOCKED: "blocked, on hold, stuck, stalled, waiting, held",
    }.items()
    for word in words.split(", ")
}
STATUS_HINT = "use Not started, In progress, Complete or Blocked; WIP and 50% work too"


def parse_status(value: Value) -> Status:
    """A step's status from the words spreadsheets use, or a percentage done."""
    written = text(value)
    words = " ".join(re.sub(r"[_-]+", " ", written.casefold()).split()).rstrip(".!")
    if not words:
        return Status.TODO
    if words in STATUS_WORDS:
        return STATUS_WORDS[words]
    if match := re.fullmatch(r"(\d{1,3})(?:\.\d+)?\s*%", words):
        percent = int(match[1])
        if percent <= 100:
            return Status.DONE if percent == 100 else Status.IN_PROGRESS if percent else Status.TODO
    raise Unreadable(f"'{written}' is not a status", STATUS_HINT)


# --- owners and sides ----------------------------------------------------------------------

_LIST = re.compile(r"\s*(?:[,;/&+\n]|\band\b)\s*")
SIDE_WORDS: dict[str, Side | None] = {
    word: side
    for side, words in {
        "buyer": "buyer, customer, client, prospect, buyer side, customer side, them",
        "seller": "seller, vendor, supplier, provider, seller side, vendor side, us, we, ours",
        "joint": "both, joint, mutual, shared, all, both sides, together",
        None: "?, -, n/a, na, tbd, unassigned, unknown, none",
    }.items()
    for word in words.split(", ")
}
NO_OWNER = frozenset({"-", "--", "?", "n/a", "na", "tbd", "tbc", "tba", "none"})
SIDE_HINT = "use Buyer, Seller or Both, or the company's name"


def names(value: Value) -> list[str]:
    """``Priya Raman, Sam Ortiz``, ``Priya / Sam`` or one name a line: each name once."""
    found: dict[str, str] = {}
    if text(value).casefold() in NO_OWNER:
        return []
    for name in _LIST.split(text(value)):
        name = " ".join(name.split())
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def parse_sides(value: Value, buyer: str, seller: str) -> list[Side | None]:
    """The side of each owner (``Buyer, Seller`` for two owners), or one for all of
    them; a company's name (or its first words) says its side."""
    written = text(value)
    whole = " ".join(written.casefold().split())
    if not whole:
        return []
    if whole in SIDE_WORDS:  # n/a is one word
        return [SIDE_WORDS[whole]]
    return [_side(part, buyer, seller) for part in _LIST.split(written) if part]


def _side(word: str, buyer: str, seller: str) -> Side | None:
    key = " ".join(word.casefold().split())
    if key in SIDE_WORDS:
        return SIDE_WORDS[key]
    for side, company in (("buyer", buyer), ("seller", seller)):
        name = company.casefold().split()
        if key.split() == name[: len(key.split())]:
            return side  # type: ignore[return-value]
    raise Unreadable(f"'{word}' is not a side", SIDE_HINT)
