"""``mapsite import``: a mutual action plan out of a spreadsheet, as a plan file a rep
would have written by hand.

The table (``sheets.py``) is read row by row under its header row: columns recognised
by their usual names (``cells.py``), steps grouped under milestones in row order. A
milestone is named in its own column (left empty or merged down over the steps below
it: the same milestone), or in a row of its own (a heading merged across the table, or
a milestone with no task: its date is the milestone's, its notes say why it matters).
Columns mapsite does not know are kept under each step's ``extra:``. Every cell that
cannot be read is reported at its place; nothing is written unless the whole sheet
reads, and the plan written loads and passes ``mapsite check`` without an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from . import cells
from .cells import DateOrder, Side, Unreadable
from .errors import Invalid, MapsiteError, Problem
from .load import display_path, parse_plan
from .model import Status
from .names import slug
from .scaffold import site_seller
from .share import new_token
from .sheets import Cell, Table, Value, column_letter, read_table
from .site import PLANS_DIR, plan_holidays, site_root
from .yamlwrite import double, inline, scalar

HEADER_ROWS = 30
"""How far down the header row may be: below a title, a logo, a few notes."""
DEFAULT_MILESTONE = "Steps"
"""The milestone of a sheet that names none."""
GENERIC_WORDS = frozenset({"map", "mutual", "action", "plan", "plans", "template", "final",
                           "copy", "draft", "export", "xlsx", "csv"})  # fmt: skip
HEADER_HINT = "name the columns in one row: Milestone, Task, Owner, Due, Status, Notes"


@dataclass
class StepRow:
    """One step as the sheet says it."""

    task: str
    owner: list[str] = field(default_factory=list)
    due: date | None = None
    status: Status = Status.TODO
    notes: str = ""
    extra: dict[str, Value] = field(default_factory=dict)
    due_cell: Cell | None = None


@dataclass
class MilestoneRows:
    name: str
    due: date | None = None
    why: str = ""
    steps: list[StepRow] = field(default_factory=list)


@dataclass
class Sheet:
    """What a sheet says: its milestones and steps, the people who own them, a title."""

    milestones: list[MilestoneRows]
    people: dict[str, tuple[str, Side | None]]
    """Each owner once (by name in any case): as first written, and their side."""
    title: str = ""
    """A line above the header row: the plan's title."""


@dataclass(frozen=True)
class Columns:
    fields: dict[str, Cell]
    """Field -> its header cell."""
    extra: dict[int, str]
    """Column number -> the name of a column kept under extra."""


def read_sheet(table: Table, buyer: str, seller: str, order: DateOrder | None) -> Sheet:
    """The plan ``table`` holds. Raises ``Invalid`` with every cell that cannot be read."""
    problems: list[Problem] = []
    start = _header_row(table)
    columns = _columns(table, table.rows[start], problems)
    found: dict[str, MilestoneRows] = {}
    people: dict[str, tuple[str, Side | None]] = {}
    current: MilestoneRows | None = None

    def milestone(name: str) -> MilestoneRows:
        return found.setdefault(name.casefold(), MilestoneRows(name))

    def read(row: list[Cell], name: str, parse):  # type: ignore[no-untyped-def]
        cell = _cell(row, columns, name)
        try:
            return parse(cell.value) if cell else parse(None)
        except Unreadable as exc:
            assert cell is not None
            header = cells.text(columns.fields[name].value)
            problems.append(table.problem(cell, header, exc.message, exc.hint))
            return None

    def due(value: Value) -> date | None:
        return cells.parse_date(value, order, table.epoch)

    for row in table.rows[start + 1 :]:
        filled = [
            c for c in row if cells.text(c.value) and (c.span > 1 or not _skipped(c, columns))
        ]
        if not filled or _blank_template_row(filled, columns):
            continue
        task_cell = _cell(row, columns, "task")
        if _heading(filled, columns):
            current = milestone(" ".join(cells.text(filled[0].value).split()))
            continue
        name = " ".join(cells.text(_value(row, columns, "milestone")).split())
        current = milestone(name) if name else current
        task = " ".join(cells.text(_value(row, columns, "task")).split())
        if not task and name:  # a milestone's own row: its date and why it matters
            assert current is not None
            current.due = read(row, "due", due) or current.due
            current.why = cells.text(_value(row, columns, "notes")) or current.why
            continue
        assert task_cell is not None  # the header row has a task column
        if not task:
            hint = "write what is done, or delete the row"
            problems.append(table.problem(task_cell, _header(columns, "task"), "no task", hint))
            continue
        if current is None:
            if "milestone" in columns.fields:
                cell = _cell(row, columns, "milestone")
                assert cell is not None
                hint = "name the milestone of the first step: the rows below it share it"
                problems.append(table.problem(cell, _header(columns, "milestone"),
                                              "no milestone", hint))  # fmt: skip
            current = milestone(DEFAULT_MILESTONE)
        step = StepRow(task, cells.names(_value(row, columns, "owner")))
        step.due, step.due_cell = read(row, "due", due), _cell(row, columns, "due")
        step.status = read(row, "status", cells.parse_status) or Status.TODO
        step.notes = cells.text(_value(row, columns, "notes"))
        step.extra = {
            key: _extra(row[number - 1].value, table)
            for number, key in columns.extra.items()
            if cells.text(row[number - 1].value)
        }
        sides = read(row, "side", lambda v: cells.parse_sides(v, buyer, seller)) or []
        problems += _owners(table, row, columns, step, sides, people, (buyer, seller))
        current.steps.append(step)
    problems += _late_steps(table, columns, list(found.values()))
    if problems:
        raise Invalid(problems)
    if not any(m.steps for m in found.values()):
        raise Invalid([table.about("no steps below the header row", HEADER_HINT)])
    title = next((t for r in table.rows[:start] if len(t := _texts(r)) == 1), [""])[0]
    return Sheet(list(found.values()), people, title)


def _header_row(table: Table) -> int:
    for index, row in enumerate(table.rows[:HEADER_ROWS]):
        if any(cells.field_of(t) == "task" for t in _texts(row)):
            return index
    hint = HEADER_HINT
    others = [s for s in table.sheets if s != table.sheet]
    if others:
        hint += "; or choose another sheet with --sheet: " + ", ".join(f"'{s}'" for s in others)
    message = "the sheet is empty" if not table.rows else "no column of tasks"
    raise Invalid([table.about(message, hint)])


def _columns(table: Table, header: list[Cell], problems: list[Problem]) -> Columns:
    fields: dict[str, Cell] = {}
    extra: dict[int, str] = {}
    for cell in header:
        name = cells.text(cell.value)
        kind = cells.field_of(name) if isinstance(cell.value, str) else None
        if kind == "skip":
            continue
        if kind is None:
            key = name or f"Column {column_letter(cell.column) if table.sheet else cell.column}"
            same = [c for c, k in extra.items() if k.casefold() == key.casefold()]
            if same:
                first = table.place(header[same[0] - 1].row, same[0])
                message = f"a second column named '{key}' (the first is at {first})"
                problems.append(table.problem(cell, "", message, "rename one of them"))
            extra[cell.column] = key
        elif kind in fields:
            first = fields[kind]
            place = table.place(first.row, first.column)
            message = (f"a second {cells.FIELD_NAMES[kind]} column: '{name}' after "
                       f"'{cells.text(first.value)}' at {place}")  # fmt: skip
            hint = "rename one: a column mapsite does not know is kept under extra"
            problems.append(table.problem(cell, "", message, hint))
        else:
            fields[kind] = cell
    return Columns(fields, extra)


def _cell(row: list[Cell], columns: Columns, name: str) -> Cell | None:
    header = columns.fields.get(name)
    return row[header.column - 1] if header else None


def _value(row: list[Cell], columns: Columns, name: str) -> Value:
    cell = _cell(row, columns, name)
    return cell.value if cell else None


def _header(columns: Columns, name: str) -> str:
    return cells.text(columns.fields[name].value)


def _texts(row: list[Cell]) -> list[str]:
    return [t for c in row if (t := cells.text(c.value))]


def _skipped(cell: Cell, columns: Columns) -> bool:
    """A cell of a column mapsite counts itself (row numbers, projected dates)."""
    known = {c.column for c in columns.fields.values()}
    return cell.column not in known and cell.column not in columns.extra


def _blank_template_row(filled: list[Cell], columns: Columns) -> bool:
    """A template's empty row, which only says its default status: 'Not started'."""
    status = columns.fields.get("status")
    if status is None or any(c.column != status.column for c in filled):
        return False
    try:
        return cells.parse_status(filled[0].value) is Status.TODO
    except Unreadable:
        return False


def _heading(filled: list[Cell], columns: Columns) -> bool:
    """A row that only names a milestone: merged across the table, or written left of
    the tasks with nothing else on its row."""
    if len(filled) != 1 or not isinstance(filled[0].value, str):
        return False
    task = columns.fields["task"].column
    milestone = columns.fields.get("milestone")
    return filled[0].span > 1 or (filled[0].column < task and milestone is None)


def _extra(value: Value, table: Table) -> Value:
    """A cell kept under extra: as it is; from a CSV file, which holds only text,
    whole numbers and YYYY-MM-DD dates as numbers and dates, as in a workbook."""
    if not isinstance(value, str):
        return value
    written = cells.text(value)
    if table.sheet is None and re.fullmatch(r"-?(0|[1-9]\d{0,15})", written):
        return int(written)
    if table.sheet is None and re.fullmatch(r"\d{4}-\d\d-\d\d", written):
        try:
            return date.fromisoformat(written)
        except ValueError:
            pass
    return written


def _owners(
    table: Table,
    row: list[Cell],
    columns: Columns,
    step: StepRow,
    sides: list[Side | None],
    people: dict[str, tuple[str, Side | None]],
    companies: tuple[str, str],
) -> list[Problem]:
    """Record the step's owners and their sides; a side with no owner is the company's."""
    side_cell = _cell(row, columns, "side")
    if not step.owner:
        buyer, seller = companies
        side = sides[0] if len(sides) == 1 else None
        step.owner = {"buyer": [buyer], "seller": [seller], "joint": [buyer, seller]}.get(
            side or "", []
        )
        return []
    problems: list[Problem] = []
    if len(sides) == 1:
        sides = sides * len(step.owner)
    elif len(sides) != len(step.owner):
        if sides:
            assert side_cell is not None
            message = f"{len(sides)} sides for {len(step.owner)} owners"
            hint = "give one side for all of them, or one per owner in the same order"
            problems.append(table.problem(side_cell, _header(columns, "side"), message, hint))
        sides = [None] * len(step.owner)
    for name, said in zip(step.owner, sides, strict=True):
        side = None if said == "joint" else said  # both sides own it: whose side is whose?
        known, before = people.get(name.casefold(), (name, None))
        if side and before and side != before:
            assert side_cell is not None
            message = f"'{known}' is on the {before} side in a row above"
            hint = "a person is on one side: check both rows"
            problems.append(table.problem(side_cell, _header(columns, "side"), message, hint))
        people[name.casefold()] = (known, before or side)
    return problems


def _late_steps(table: Table, columns: Columns, milestones: list[MilestoneRows]) -> list[Problem]:
    """A step due after its milestone's date (``mapsite check`` refuses it, MAP004)."""
    problems = []
    for m in milestones:
        for step in m.steps:
            if step.due and m.due and step.due > m.due and step.due_cell:
                message = f"step is due {step.due}, after its milestone ({m.due})"
                hint = "move the step earlier or the milestone later"
                problems.append(table.problem(step.due_cell, _header(columns, "due"), message,
                                              hint))  # fmt: skip
    return problems


# --- the plan file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deal:
    """What the sheet does not say: whose plan it is, and when it was made."""

    buyer: str
    seller: str
    today: date
    go_live: date | None = None
    title: str | None = None
    token: str = field(default_factory=new_token)


def plan_text(sheet: Sheet, deal: Deal, source: str) -> str:
    """The plan file: front matter laid out as ``mapsite new`` writes one, a field a
    line, each value in the plainest YAML that reads back as itself."""
    companies = {deal.buyer.casefold(), deal.seller.casefold()}
    title = deal.title or sheet.title or f"{deal.buyer} mutual action plan"
    lines = [
        "---",
        f"# Imported from {source} by 'mapsite import' on {deal.today.isoformat()}.",
        "# Check the dates and owners; then add the value, success criteria and roles.",
        f"title: {_scalar(title)}",
        "buyer:",
        f"  name: {_scalar(deal.buyer)}",
        "seller:",
        f"  name: {_scalar(deal.seller)}",
        "share:",
        f"  token: {deal.token}  # the private link is /TOKEN/; 'mapsite rotate' replaces it",
    ]
    if deal.go_live:
        lines.append(f"go_live: {deal.go_live.isoformat()}")
    people = [(n, s) for key, (n, s) in sheet.people.items() if key not in companies]
    if people:
        lines.append("stakeholders:")
    for name, side in people:
        lines.append(f"  - name: {_scalar(name)}")
        lines += [f"    side: {side}"] if side else []
    lines.append("milestones:")
    for m in sheet.milestones:
        lines.append(f"  - name: {_scalar(m.name)}")
        lines += [f"    due: {m.due.isoformat()}"] if m.due else []
        lines += _text_field("why", m.why, 4)
        lines += ["    steps:"] if m.steps else []
        for step in m.steps:
            lines += _step_lines(step)
    lines += [f"updated: {deal.today.isoformat()}", "---", ""]
    return "\n".join(lines)


def _step_lines(step: StepRow) -> list[str]:
    lines = [f"      - task: {_scalar(step.task)}"]
    if step.owner:
        lines.append(f"        owner: {inline(step.owner, flow=False, collapse=True)}")
    lines += [f"        due: {step.due.isoformat()}"] if step.due else []
    lines += [f"        status: {step.status.value}"] if step.status is not Status.TODO else []
    lines += _text_field("notes", step.notes, 8)
    if step.extra:
        lines.append("        extra:")
        for key, value in step.extra.items():
            written = value.isoformat() if isinstance(value, date) else _scalar(str(value))
            if isinstance(value, int | float):
                written = str(value)
            lines += (
                _text_field(_key(key), value, 10)
                if isinstance(value, str)
                else [f"          {_key(key)}: {written}"]
            )
    return lines


def _scalar(value: str) -> str:
    return scalar(value, flow=False)


def _key(name: str) -> str:
    """A column's name as a YAML key: plain when it reads back as that text."""
    try:
        if yaml.safe_load(f"{name}: x") == {name: "x"}:
            return name
    except (yaml.YAMLError, ValueError):  # ValueError: '2026-13-01'
        pass
    return double(name)


def _text_field(name: str, value: str, indent: int) -> list[str]:
    """``name: value``; text of several lines as a literal block, kept line for line."""
    if not value:
        return []
    pad = " " * indent
    if "\n" in value:
        block = [f"{pad}{name}: |-"] + [f"{pad}  {line}" if line else "" for line in
                                        value.split("\n")]  # fmt: skip
        try:
            if yaml.safe_load("\n".join(block)) == {yaml.safe_load(name): value}:
                return block
        except (yaml.YAMLError, ValueError):
            pass
    return [f"{pad}{name}: {_scalar(value)}"]


# --- the command ---------------------------------------------------------------------------


def import_sheet(
    source: Path,
    out: Path | None,
    site: Path | None,
    *,
    sheet: str | None = None,
    buyer: str | None = None,
    seller: str | None = None,
    order: DateOrder | None = None,
    go_live: date | None = None,
    today: date,
) -> Path:
    """Write the plan ``source`` holds to ``out`` (default: SITE/plans/BUYER.md) and
    return its path. Raises ``MapsiteError`` with every problem; then nothing is written."""
    shown = display_path(source)
    outcome = "nothing written"
    buyer = " ".join((buyer or buyer_from(source.stem)).split())
    if out is None:  # named after the buyer, else after the spreadsheet
        assert site is not None
        out = site / PLANS_DIR / f"{slug(buyer) or slug(source.stem) or 'plan'}.md"
    buyer = buyer or "Buyer"
    seller = " ".join((seller or site_seller(site or site_root(out))).split())
    try:
        table = read_table(source, shown, sheet)
        found = read_sheet(table, buyer, seller, order)
    except Invalid as exc:
        raise MapsiteError(exc.problems, outcome) from None
    if out.exists():
        hint = "choose another file with -o, or remove that one first"
        raise MapsiteError([Problem.about(display_path(out), "the plan already exists", hint)],
                           outcome)  # fmt: skip
    where = shown if table.sheet is None else f"{shown} (sheet '{table.sheet}')"
    text = plan_text(found, Deal(buyer, seller, today, go_live), where)
    _check(text, out, today)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "x", encoding="utf-8", newline="\n") as file:  # never over another's
        file.write(text)
    return out


def _check(text: str, out: Path, today: date) -> None:
    """The plan loads, and ``mapsite check`` finds no error in it."""
    from .lint import lint  # the rules import the site and theme machinery

    try:
        doc = parse_plan(text, out, plan_holidays(out))
    except Invalid as exc:
        raise MapsiteError(exc.problems, "nothing written") from None
    errors = [f for f in lint(doc, today, today, set()) if f.severity == "error"]
    if errors:
        problems = [Problem(f.file, f.line, f.column, f.path, f.message, f.hint) for f in errors]
        raise MapsiteError(problems, "nothing written")


def buyer_from(stem: str) -> str:
    """``northwind-financial-MAP-v2`` -> ``Northwind Financial``: a file's name less the
    words every plan's file has."""
    words = [
        w
        for w in re.split(r"[\s_.-]+", stem)
        if w and w.casefold() not in GENERIC_WORDS and not re.fullmatch(r"v?\d+", w.casefold())
    ]
    return " ".join(w if w[:1].isupper() else w.title() for w in words)
