"""Spreadsheet files to tables: the cells of an .xlsx sheet or a CSV file, each with its place.

``importer.py`` reads a plan out of a table; this module only reads files, the way
spreadsheets really save them: merged cells, dates as date cells or as Excel serial
numbers, percentages, a CSV with a byte order mark, CRLF line ends or semicolons
(Excel's CSV where the decimal separator is a comma). Every way a file cannot be read
is a problem located in it, never a traceback.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from .errors import Invalid, Problem
from .reader import decode, read_bytes

Value = str | int | float | date | None
"""A cell's value: text, a number, a date (a date cell), or nothing."""

XLSX = (".xlsx", ".xlsm")
CSV = (".csv", ".tsv", ".txt")
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (the 1900 date system, which counts a 29 February 1900
that never was: counted from here, serials from 61, 1 March 1900, on come out right)."""
MAC_EPOCH = date(1904, 1, 1)
MAX_ROWS, MAX_COLUMNS = 10_000, 200
"""The largest table read: a plan has dozens of rows, a few hundred at most. Beyond it,
the sheet is data of another kind, or holds a stray cell far below or to the right."""


@dataclass(frozen=True)
class Cell:
    value: Value
    row: int
    """1-based row of the sheet; for a CSV, the line where the record starts."""
    column: int
    """1-based column (for a CSV, the field's number)."""
    span: int = 1
    """Columns this cell covers when merged across several (a heading over the table)."""


@dataclass(frozen=True)
class Table:
    """The cells of one sheet, row by row, each row as wide as the widest."""

    file: str
    """The file as the user named it, for messages."""
    sheet: str | None
    """The sheet's name; None for a CSV file."""
    rows: list[list[Cell]]
    epoch: date = EXCEL_EPOCH
    """Day 0 of the workbook's serial dates (1904 for some old Mac workbooks)."""
    sheets: tuple[str, ...] = ()
    """Every sheet of the workbook, to suggest another one."""

    def place(self, row: int, column: int) -> str:
        """``Sheet1!C7`` in a workbook, ``7:3`` in a CSV file."""
        if self.sheet is None:
            return f"{row}:{column}"
        return f"{quote_sheet(self.sheet)}!{column_letter(column)}{row}"

    def problem(self, cell: Cell, path: str, message: str, hint: str = "") -> Problem:
        """A problem located at ``cell``, ``path`` naming its column."""
        at = "" if self.sheet is None else self.place(cell.row, cell.column)
        return Problem(self.file, cell.row, cell.column, path, message, hint, at)

    def about(self, message: str, hint: str = "") -> Problem:
        """A problem with the sheet as a whole."""
        name = self.file if self.sheet is None else f"{self.file}:{quote_sheet(self.sheet)}"
        return Problem.about(name, message, hint)


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    """A sheet's name as a formula writes it: ``'Q3 plan'!A1``, ``Sheet1!A1``."""
    if name.replace("_", "").isalnum():
        return name
    return "'" + name.replace("'", "''") + "'"


def read_table(path: Path, shown: str, sheet: str | None = None) -> Table:
    """The table in ``path``: a sheet of an .xlsx workbook (``sheet``, default the one
    open when it was saved) or a CSV file. Raises ``Invalid`` with what is wrong."""
    suffix = path.suffix.lower()
    if suffix in XLSX:
        return read_xlsx(read_bytes(path, shown), shown, sheet)
    if suffix in CSV:
        if sheet is not None:
            raise Invalid([Problem.about(shown, "a CSV file has no sheets", "leave out --sheet")])
        return read_csv(read_bytes(path, shown), shown, tab=suffix == ".tsv")
    if suffix in (".xls", ".ods", ".numbers"):
        hint = "save it as .xlsx (Excel Workbook) or as CSV UTF-8 from your spreadsheet app"
        raise Invalid([Problem.about(shown, f"cannot read {suffix} files", hint)])
    hint = "give an .xlsx workbook or a .csv file"
    raise Invalid([Problem.about(shown, "not a spreadsheet file", hint)])


def read_xlsx(data: bytes, shown: str, sheet: str | None = None) -> Table:
    import openpyxl  # only import and export read workbooks

    try:
        # data_only: a formula's value as the spreadsheet app last computed it
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        # a damaged workbook raises whichever the broken part leads to
        hint = "open it in your spreadsheet app and save it again as .xlsx"
        message = "not an .xlsx workbook (it is not a zip file)"
        if not isinstance(exc, zipfile.BadZipFile):
            message = "cannot read this workbook"
        raise Invalid([Problem.about(shown, message, hint)]) from None
    names = tuple(book.sheetnames)
    if sheet is None:
        worksheet = book.active if book.active is not None else book.worksheets[0]
    elif sheet in names:
        worksheet = book[sheet]
    else:
        close = difflib.get_close_matches(sheet, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "the sheets are " + _listed(names)
        raise Invalid([Problem.about(shown, f"no sheet named '{sheet}'", hint)])
    if not hasattr(worksheet, "merged_cells"):  # a chart sheet holds no cells
        hint = "choose a sheet of cells with --sheet: " + _listed(names)
        raise Invalid([Problem.about(shown, f"'{worksheet.title}' is a chart", hint)])
    epoch = MAC_EPOCH if book.epoch.date() == MAC_EPOCH else EXCEL_EPOCH
    _check_size(shown, worksheet.max_row, worksheet.max_column)
    return Table(shown, worksheet.title, _cells(worksheet), epoch, names)


def _check_size(shown: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        size = f"{rows:,} row{'s' if rows != 1 else ''} by {columns:,} columns"
        message = f"the table is {size}, too large for a plan"
        hint = (f"mapsite reads up to {MAX_ROWS:,} rows and {MAX_COLUMNS} columns: copy the "
                "plan's rows to a sheet of their own")  # fmt: skip
        raise Invalid([Problem.about(shown, message, hint)])


def _cells(worksheet) -> list[list[Cell]]:  # type: ignore[no-untyped-def]
    values: dict[tuple[int, int], Value] = {}
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                values[cell.row, cell.column] = _value(cell.value, cell.number_format)
    spans: dict[tuple[int, int], int] = {}
    for merged in worksheet.merged_cells.ranges:
        first = values.get((merged.min_row, merged.min_col))
        spans[merged.min_row, merged.min_col] = merged.max_col - merged.min_col + 1
        # a milestone merged down beside its steps belongs to each of their rows
        for row in range(merged.min_row + 1, merged.max_row + 1):
            if first is not None:
                values[row, merged.min_col] = first
    height = max((r for r, _ in values), default=0)
    width = max((c for _, c in values), default=0)
    return [
        [Cell(values.get((r, c)), r, c, spans.get((r, c), 1)) for c in range(1, width + 1)]
        for r in range(1, height + 1)
    ]


def _value(value: object, number_format: str) -> Value:
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if "%" in number_format:  # a percentage cell holds 0.5 for 50%
            return f"{round(value * 100)}%"
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, date | str):
        return value
    return str(value)


def read_csv(data: bytes, shown: str, *, tab: bool = False) -> Table:
    try:
        text = decode(data, shown)
    except Invalid as exc:
        hint = "save it as 'CSV UTF-8' from your spreadsheet app"
        problems = [
            Problem(p.file, p.line, p.column, p.path, p.message, hint) for p in exc.problems
        ]
        raise Invalid(problems) from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if tab else max((",", ";", "\t"), key=first_line.count)
    records: list[tuple[int, list[str]]] = []
    # strict: a stray quote is an error at its line, not a value swallowing the rest
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for record in reader:
            records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        hint = "check the quotes on this line: a quoted value ends with a quote"
        raise Invalid([Problem(shown, line, 1, "", f"cannot read CSV: {exc}", hint)]) from None
    width = max((len(record) for _, record in records), default=0)
    _check_size(shown, len(records), width)
    rows = [
        [Cell(v if v.strip() else None, start, c) for c, v in enumerate(record, 1)]
        + [Cell(None, start, c) for c in range(len(record) + 1, width + 1)]
        for start, record in records
    ]
    return Table(shown, None, rows)


def _listed(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)
