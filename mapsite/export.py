"""``mapsite export``: a plan's steps as a table, for the buyer's own project tool.

One row a step, in the plan's order: milestone, task, owner, side, due, projected,
status and notes, then a column for each of the steps' ``extra:`` fields. CSV and
.xlsx read back with ``mapsite import`` into the same steps; JSON is for scripts.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schedule
from .errors import Invalid, MapsiteError, Problem
from .load import Document, display_path, load_plan, real_path
from .model import Status
from .site import find_plan, plan_holidays

COLUMNS = ("Milestone", "Task", "Owner", "Side", "Due", "Projected", "Status", "Notes")
FORMATS = ("csv", "xlsx", "json")
SIDE_WORDS = {"buyer": "Buyer", "seller": "Seller", None: "?"}
"""Each owner's side as the Side column says it (``mapsite import`` reads these)."""


@dataclass(frozen=True)
class Row:
    """One step, as the table shows it."""

    milestone: str
    task: str
    owner: list[str]
    side: str
    """``Buyer`` or ``Seller``; for owners on both sides, each one's in order:
    ``Buyer, Seller``; empty when nobody named in the plan owns it."""
    joint: str
    """The step's side in one word: buyer, seller, joint or unassigned."""
    due: date | None
    projected: date | None
    """When it will likely happen, given what is late before it; None once done."""
    status: Status
    notes: str
    extra: dict[str, Any]


def rows(doc: Document, today: date) -> list[Row]:
    """The steps of ``doc`` in the plan's order, dated as on ``today``."""
    plan = doc.plan
    projection = schedule.project(plan, doc.dates, doc.calendar, today)
    people = {p.name.casefold(): p for p in plan.stakeholders}
    found = []
    for mi, milestone in enumerate(plan.milestones):
        for si, step in enumerate(milestone.steps):
            sides = [p.side if (p := people.get(o.casefold())) else None for o in step.owner]
            open_step = step.status is not Status.DONE
            found.append(
                Row(
                    milestone.name,
                    step.task,
                    list(step.owner),
                    _side(sides),
                    schedule.step_side(step, people),
                    doc.dates.due((mi, si)),
                    projection.projected.get((mi, si)) if open_step else None,
                    step.status,
                    step.notes or "",
                    dict(step.extra),
                )
            )
    return found


def _side(sides: list[str | None]) -> str:
    if not any(sides):
        return ""
    if len(set(sides)) == 1:
        return SIDE_WORDS[sides[0]]
    return ", ".join(SIDE_WORDS[s] for s in sides)


def extra_columns(found: list[Row]) -> list[str]:
    """The names of the steps' extra: fields, in the order they first appear."""
    return list(dict.fromkeys(key for row in found for key in row.extra))


def table(found: list[Row]) -> list[list[Any]]:
    """The header and a list of cells a step: text, and dates as dates."""
    extra = extra_columns(found)
    out: list[list[Any]] = [[*COLUMNS, *extra]]
    for r in found:
        cells = [r.milestone, r.task, ", ".join(r.owner), r.side, r.due, r.projected,
                 r.status.label, r.notes]  # fmt: skip
        out.append(cells + [_cell(r.extra.get(key)) for key in extra])
    return out


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | date):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)  # a list or fields: as JSON


def to_csv(found: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CRLF line ends and quotes where needed: RFC 4180
    for cells in table(found):
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in cells])
    return buffer.getvalue()


def to_json(doc: Document, found: list[Row]) -> str:
    plan = doc.plan
    steps = [
        {
            "milestone": r.milestone,
            "task": r.task,
            "owner": r.owner,
            "side": r.joint,
            "due": r.due,
            "projected": r.projected,
            "status": r.status.value,
            "notes": r.notes or None,
            "extra": r.extra,
        }
        for r in found
    ]
    data = {
        "plan": doc.slug,
        "title": plan.title,
        "buyer": plan.buyer.name,
        "seller": plan.seller.name,
        "go_live": plan.go_live,
        "steps": steps,
    }
    return json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"


def to_xlsx(found: list[Row], title: str, today: date) -> bytes:
    """A workbook a buyer can filter and sort: a frozen, bold header row, dates as date
    cells, a status list to choose from, widths that fit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    book.properties.title = title
    book.properties.created = book.properties.modified = datetime(today.year, today.month,
                                                                  today.day)  # fmt: skip
    rows_ = table(found)
    for cells in rows_:
        sheet.append(cells)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EDF3")
    for number, name in enumerate(rows_[0], 1):
        letter = get_column_letter(number)
        values = [name, *(v for r in rows_[1:] if (v := r[number - 1]) is not None)]
        longest = max(len(v.isoformat() if isinstance(v, date) else str(v)) for v in values)
        sheet.column_dimensions[letter].width = min(60, max(10, longest + 2))
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "d mmm yyyy"
            if name in ("Task", "Notes"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if len(rows_) > 1:
        choices = ",".join(s.label for s in Status)
        status = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        column = get_column_letter(COLUMNS.index("Status") + 1)
        status.add(f"{column}2:{column}{len(rows_)}")
        sheet.add_data_validation(status)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(name: str, fmt: str | None, out: Path | None, today: date) -> str | Path:
    """Export the plan ``name`` (a file or a plan's name): the text for standard
    output, or the path written (``out``; for xlsx without one, ``PLAN.xlsx`` here)."""
    try:
        path = find_plan(name)
        doc = load_plan(path, plan_holidays(path))
    except Invalid as exc:
        raise MapsiteError(exc.problems) from None
    suffix = out.suffix.lower().lstrip(".") if out else ""
    fmt = fmt or (suffix if suffix in FORMATS else "csv")
    found = rows(doc, today)
    if out is None and fmt != "xlsx":
        return to_json(doc, found) if fmt == "json" else to_csv(found)
    if out is None:
        out = Path(f"{doc.slug}.xlsx")
        if out.exists():  # perhaps the spreadsheet the plan came from: not ours to replace
            hint = "name the file to write with -o; that one is replaced"
            raise MapsiteError([Problem.about(display_path(out), "the file exists", hint)])
    if out.exists() and real_path(out) == real_path(path):
        hint = "name another file with -o"
        raise MapsiteError([Problem.about(display_path(out), "this is the plan itself", hint)])
    if fmt == "xlsx":
        out.write_bytes(to_xlsx(found, doc.plan.title, today))
    else:
        # with a BOM, Excel reads a CSV file as UTF-8 (accents, names in any script)
        text = to_json(doc, found) if fmt == "json" else to_csv(found)
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    return out
