"""Files -> typed models, with every problem located to file, line and column.

A plan file is Markdown with YAML front matter between two ``---`` lines. Reading
one never raises for bad input: it returns the document or the full list of
problems, so one run can report every error in every plan.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import i18n, names, schedule, yamlmarks
from .dates import DATE_HINT as OFFSET_HINT
from .dates import GO_LIVE, Calendar, supported_countries
from .errors import Invalid, Problem, format_path
from .model import Plan
from .reader import decode as decode  # re-exported: share.py and edit.py read through load
from .reader import read_bytes as read_bytes
from .reader import read_text

M = TypeVar("M", bound=BaseModel)

FENCE = re.compile(r"---[ \t]*")
CLOSING_FENCE = re.compile(r"(---|\.\.\.)[ \t]*")


@dataclass(frozen=True)
class Source:
    """Where a model came from: the file, and the positions of its values."""

    file: str
    marks: yamlmarks.Marked
    first_line: int = 0
    """0-based line of the file where the YAML text starts."""

    def locate(self, loc: yamlmarks.Loc, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at ``loc``."""
        mark = self.marks.key_mark(loc) if key else self.marks.value_mark(loc)
        return self.first_line + mark.line + 1, mark.column + 1

    def problem(
        self, loc: yamlmarks.Loc, message: str, hint: str = "", *, key: bool = False
    ) -> Problem:
        line, column = self.locate(loc, key=key)
        return Problem(self.file, line, column, format_path(loc), message, hint)


@dataclass(frozen=True)
class Document:
    """One plan file, loaded and valid."""

    path: Path
    slug: str
    plan: Plan
    body: str
    body_line: int
    source: Source = field(repr=False)
    dates: schedule.Dates = field(repr=False)
    calendar: Calendar = field(repr=False)
    data: bytes = field(default=b"", repr=False, compare=False)
    """The file's bytes as read (b"" when made from text in memory): the incremental
    record is made from the bytes the page was rendered from, not from a later read."""

    @property
    def handle(self) -> str:
        """``handle_for`` the plan's path inside its plans/ folder (``plans_folder``), or
        its file alone outside any."""
        folder = plans_folder(self.path)
        return handle_for(self.path.relative_to(folder).parts if folder else (self.path.name,))


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=1 << 14)  # a build asks for each plan's in several places
def _display_path(path: Path, cwd: str) -> str:
    try:
        return str(real_path(path).relative_to(_real_dir(cwd)))
    except ValueError:
        return str(path)


def real_path(path: Path) -> Path:
    """``path.resolve()`` for a file, asking the file system once per folder."""
    return _real_dir(os.path.abspath(path.parent)) / path.name


@functools.lru_cache(maxsize=64)
def _real_dir(folder: str) -> Path:
    """A folder with symlinks resolved; a build asks this for every plan of one folder."""
    return Path(folder).resolve()


PLANS_DIR = "plans"


def plans_folder(path: Path) -> Path | None:
    """The nearest folder above ``path`` named plans/, if any."""
    return next((parent for parent in path.parents if parent.name == PLANS_DIR), None)


def slug_for(path: Path) -> str:
    """A plan's short name, from its file name (``Northwind EMEA (2027).md`` ->
    ``northwind-emea-2027``, ``münchen.md`` -> ``munchen``): exports and reports."""
    return _file_slug(path.stem)


def _file_slug(name: str) -> str:
    return names.slug_any_script(name) or "plan"


def handle_for(inside: typing.Sequence[str]) -> str:
    """The name of a plan that ``mapsite done`` and ``set`` take and its mails print
    ("Plan eu/acme, step 2.1"), from its path inside plans/ (``inside``, as parts): each
    part a slug, so a shell takes it unquoted and two folders' ``acme.md`` differ."""
    *folders, file = inside
    return "/".join([*map(_file_slug, folders), slug_for(Path(file))])


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Return (yaml text, body, 0-based line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not text.strip():
        raise Invalid(
            [
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    "file is empty",
                    "start it with front matter between two '---' lines, "
                    "or run 'mapsite new NAME' for a template",
                )
            ]
        )
    if not FENCE.fullmatch(lines[0].rstrip("\r\n")):
        raise Invalid(
            [
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    "no front matter: the file must start with a '---' line",
                    "put the plan's YAML fields between two '---' lines at the top",
                )
            ]
        )
    for i in range(1, len(lines)):
        if CLOSING_FENCE.fullmatch(lines[i].rstrip("\r\n")):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 1
    raise Invalid(
        [
            Problem(
                shown,
                1,
                1,
                "",
                "front matter is not closed",
                "add a '---' line after the last YAML field",
            )
        ]
    )


def parse_yaml(text: str, shown: str, first_line: int) -> yamlmarks.Marked:
    try:
        marked = yamlmarks.parse(text, first_line)
    except yamlmarks.AliasBomb as exc:
        raise Invalid([_located(shown, first_line, *problem) for problem in exc.problems]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line + 1 if mark else 1)
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "cannot parse"
        # libyaml says "found character that cannot start any token" without naming it
        lines = text.splitlines()
        at = ""
        if mark and mark.line < len(lines):
            at = lines[mark.line][mark.column : mark.column + 1]
        raise Invalid(
            [
                Problem(
                    shown,
                    line,
                    column,
                    "",
                    f"invalid YAML: {problem}",
                    _yaml_hint(problem, at),
                )
            ]
        ) from None
    if marked.problems:
        raise Invalid([_located(shown, first_line, *problem) for problem in marked.problems])
    return marked


def _located(
    shown: str, first_line: int, mark: yamlmarks.Mark, loc: yamlmarks.Loc, message: str, hint: str
) -> Problem:
    line, column = first_line + mark.line + 1, mark.column + 1
    return Problem(shown, line, column, format_path(loc), message, hint)


# what libyaml (and pure-Python PyYAML) says of a line indented out of its block
_INDENTATION = ("expected <block end>", "did not find expected key", "expected '-' indicator")


def _yaml_hint(problem: str, at: str = "") -> str:
    if problem.startswith("character U+"):
        return "remove it; it often comes from copying out of a PDF or a terminal"
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ', and check the indentation"
    if at == "\t" or "found character '\\t'" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "every field needs 'name: value'; check the line above too"
    if "found undefined alias" in problem:
        return "quote values that start with '*'"
    if any(sign in problem for sign in _INDENTATION):
        return "check the indentation of this line against the ones above"
    if "',' or ']'" in problem:  # libyaml and pure Python alike
        return "close the list's '[' with ']', and quote items that contain ',' or ']'"
    if "',' or '}'" in problem:
        return "close the mapping's '{' with '}', and quote values that contain ',' or '}'"
    return "check the indentation and quote values with special characters"


def validate(model: type[M], source: Source, what: str) -> M:
    """Validate parsed YAML against ``model``, turning every error into a located problem."""
    data = source.marks.data
    if not isinstance(data, dict):
        line, column = source.locate(())
        raise Invalid(
            [
                Problem(
                    source.file,
                    line,
                    column,
                    "",
                    f"{what} must be a mapping of fields, got {describe(data)}",
                    "write 'field: value' lines, e.g. 'title: ...'",
                )
            ]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid([_problem(model, source, err) for err in exc.errors()]) from None


def load_plan(path: Path, holidays: str | None = None) -> Document:
    """Read, validate and date one plan file. Raises ``Invalid`` with every problem in it.

    ``holidays`` is the site's holiday country; the plan's own ``holidays:`` wins.
    """
    shown = display_path(path)
    data = read_bytes(path, shown)
    return parse_plan(decode(data, shown), path, holidays, shown, data)


def parse_plan(
    text: str,
    path: Path,
    holidays: str | None = None,
    shown: str | None = None,
    data: bytes = b"",
) -> Document:
    """A plan from its text, as ``load_plan`` reads it from ``path`` (an edit checks the
    text it is about to write this way). ``shown`` names the file in messages; ``data``:
    the bytes the text was read from."""
    shown = display_path(path) if shown is None else shown
    front, body, body_line = split_front_matter(text, shown)
    marked = parse_yaml(front, shown, 1)
    source = Source(shown, marked, 1)
    plan, dates, calendar = validated_plan(source, holidays)
    return Document(path, slug_for(path), plan, body, body_line, source, dates, calendar, data)


def validated_plan(source: Source, holidays: str | None) -> tuple[Plan, schedule.Dates, Calendar]:
    """The plan ``source`` holds, checked as a plan file is (fields, ids, contact,
    holiday country, then every date), with its dates and business-day calendar;
    raises Invalid with every problem, located in ``source``."""
    plan = validate(Plan, source, "the front matter")
    problems = check_ids(plan, source) + check_contact(plan, source)
    if plan.holidays is not None:
        problems += check_country(plan.holidays, source)
    if plan.language is not None:
        problems += check_language(plan.language, source)
    if problems:
        raise Invalid(problems)
    calendar = Calendar(plan.holidays or holidays)
    dates, date_problems = schedule.resolve(plan, calendar)
    if date_problems:
        raise Invalid([source.problem(p.loc, p.message, p.hint) for p in date_problems])
    return plan, dates, calendar


def check_contact(plan: Plan, source: Source) -> list[Problem]:
    """``seller.contact`` names a seller-side stakeholder with an email: buyers write to them."""
    name = plan.seller.contact
    if name is None:
        return []
    person = next((p for p in plan.stakeholders if p.name.casefold() == name.casefold()), None)
    if person is None:
        sellers = [p.name for p in plan.stakeholders if p.side == "seller"]
        close = difflib.get_close_matches(name, sellers, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "list them under stakeholders first"
        return [source.problem(("seller", "contact"), f"'{name}' is not a stakeholder", hint)]
    if person.side == "buyer":
        return [
            source.problem(
                ("seller", "contact"),
                f"'{person.name}' is on the buyer's side",
                "name someone with 'side: seller'",
            )
        ]
    if not person.email:
        return [
            source.problem(
                ("seller", "contact"),
                f"'{person.name}' has no email",
                "add their email under stakeholders: buyers write to it",
            )
        ]
    return []


def check_country(code: str, source: Source, loc: tuple[str, ...] = ("holidays",)) -> list[Problem]:
    """A holiday country must be one the holidays package knows."""
    if code in supported_countries():
        return []
    return [
        source.problem(
            loc,
            f"'{code}' is not a country with known holidays",
            "use a country code such as US, GB, DE or FR",
        )
    ]


def check_language(
    code: str, source: Source, loc: tuple[str, ...] = ("language",)
) -> list[Problem]:
    """A language must be one mapsite ships a catalog for (i18n.SHIPPED, or an alias)."""
    if i18n.canonical(code) is not None:
        return []
    return [source.problem(loc, *i18n.unknown_language(code))]


def load_yaml_file(path: Path, model: type[M]) -> tuple[M, Source]:
    """Read a whole-file YAML document (``mapsite.yml``) into ``model``."""
    shown = display_path(path)
    text = read_text(path, shown)
    marked = parse_yaml(text, shown, 0)
    source = Source(shown, marked, 0)
    if marked.data is None:
        marked.data = {}
    return validate(model, source, shown), source


def check_ids(plan: Plan, source: Source) -> list[Problem]:
    """Milestone and step ids share one namespace within a plan."""
    seen: dict[str, tuple[str | int, ...]] = {}
    problems = []
    for mi, milestone in enumerate(plan.milestones):
        owners: list[tuple[tuple[str | int, ...], str | None]] = [
            (("milestones", mi), milestone.id)
        ]
        owners += [(("milestones", mi, "steps", si), s.id) for si, s in enumerate(milestone.steps)]
        for loc, ident in owners:
            if ident is None:
                continue
            if ident == GO_LIVE:
                problems.append(
                    source.problem(
                        (*loc, "id"),
                        "'go_live' is reserved for the plan's go-live date",
                        "choose another id, e.g. 'live'",
                    )
                )
            elif ident in seen:
                first_line, _ = source.locate((*seen[ident], "id"))
                problems.append(
                    source.problem(
                        (*loc, "id"),
                        f"duplicate id '{ident}' (already used by "
                        f"{format_path(seen[ident])} on line {first_line})",
                        "ids must be unique within a plan",
                    )
                )
            else:
                seen[ident] = loc
    return problems


# --- turning pydantic's errors into sentences -------------------------------------------

DATE_HINT = "use YYYY-MM-DD"


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{value}'"


def _problem(model: type[BaseModel], source: Source, err: Any) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    message, hint, on_key = _explain(model, loc, kind, value, err)
    if loc in (("share",), ("share", "token")) and kind in ("missing", "string_pattern_mismatch"):
        hint = f"give the plan a private link with: mapsite rotate {source.file}"
    if kind == "missing":
        # point at the mapping that lacks the field
        line, column = source.locate(loc[:-1])
        return Problem(source.file, line, column, format_path(loc), message, hint)
    return source.problem(loc, message, hint, key=on_key)


def _explain(
    model: type[BaseModel], loc: tuple[Any, ...], kind: str, value: Any, err: Any
) -> tuple[str, str, bool]:
    name = loc[-1] if loc else ""
    hint = (err.get("ctx") or {}).get("hint")
    if isinstance(hint, str):  # a validator that says how to fix it (brand tokens)
        return err["msg"], hint, False
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown field '{name}'", f"did you mean '{close[0]}'?", True
        hint = f"allowed here: {', '.join(allowed)}"
        if loc[:-1] == ():
            hint += "; put custom fields under 'extra:'"
        return f"unknown field '{name}'", hint, True
    if kind == "missing":
        return f"required field '{name}' is missing", f"add '{name}: ...'", False
    if kind == "unsafe_url":
        return err["msg"], "use an https:// link, or mailto: or tel:", False
    if kind == "date_spec":
        return err["msg"], OFFSET_HINT, False
    if kind == "date_spec_type":
        return f"{describe(value)} is not a date", OFFSET_HINT, False
    if kind.startswith("date") or kind.startswith("datetime"):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d?-\d\d?", value.strip()):
            return f"'{value}' is not a real date", DATE_HINT, False
        return f"{describe(value)} is not a date", DATE_HINT, False
    if kind == "enum" and name == "status":
        return (
            "must not be empty" if value is None else f"{describe(value)} is not a status",
            "use todo, in progress, done or blocked",
            False,
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{describe(value)} is not a valid {name}", f"use {expected}", False
    if kind == "string_pattern_mismatch" and (name == "token" or loc[:2] == ("share", "previous")):
        return (
            f"{describe(value)} is not a share token",
            "a token is 22 or more letters, digits, '-' and '_'",
            False,
        )
    if kind == "string_pattern_mismatch" and name == "email":
        return f"{describe(value)} is not an email address", "write it as name@company.com", False
    if kind == "string_pattern_mismatch" and name == "password_env":
        return (
            f"{describe(value)} is not an environment variable name",
            "use letters, digits and '_', e.g. NORTHWIND_PASSWORD",
            False,
        )
    if kind == "string_pattern_mismatch" and name == "id":
        return (
            f"{describe(value)} is not a valid id",
            "use lowercase letters, digits, '-' and '_', starting with a letter",
            False,
        )
    if kind in ("string_too_short", "too_short") or (kind == "string_type" and value is None):
        if isinstance(value, list):
            return "must not be empty", f"add at least one item under '{name}:'", False
        if isinstance(name, int):
            return "must not be empty", "write something or remove the item", False
        if name in _required_at(model, loc[:-1]):
            return "must not be empty", f"give '{name}' a value", False
        return "must not be empty", f"give '{name}' a value or remove the line", False
    if kind == "string_type":
        # YAML read a scalar as something else (yes, 2026, 2026-12-01): quotes keep it text
        quote = isinstance(value, bool | int | float | date)
        hint = "put quotes around it" if quote else "write it as plain text"
        return f"expected text, got {describe(value)}", hint, False
    if kind == "list_type":
        return f"expected a list, got {describe(value)}", "start each item with '- '", False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (
            f"expected a mapping of fields, got {describe(value)}",
            "write 'field: value' lines indented under it",
            False,
        )
    return err["msg"], "", False


def _required_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The required field names of the mapping found at ``loc`` of ``model``."""
    current = _model_at(model, loc)
    if current is None:
        return set()
    return {name for name, info in current.model_fields.items() if info.is_required()}


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The field names allowed in the mapping found at ``loc`` of ``model``."""
    current = _model_at(model, loc)
    return set(current.model_fields) if current is not None else set()


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class of the mapping found at ``loc`` of ``model``, if it is one."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[0] if args else current
        elif isinstance(current, type) and issubclass(current, BaseModel):
            current = current.model_fields[part].annotation
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] to the interesting type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def find_plans(plans_dir: Path) -> list[Path]:
    """Every ``*.md`` plan in ``plans_dir`` and below, sorted (see ``is_plan``)."""
    inside = len(plans_dir.parts)  # rglob's paths are plans_dir's own, then theirs
    found = plans_dir.rglob("*.md")
    return sorted(p for p in found if _is_plan(p, p.parts[inside:]) and p.is_file())


def is_plan(plans_dir: Path, path: Path) -> bool:
    """Whether the file ``path`` in ``plans_dir`` is a plan: a ``*.md`` file, not README.md,
    and no file or folder on its way starting with '.' or '_' (drafts kept aside, an
    editor's hidden files)."""
    try:
        parts = path.relative_to(plans_dir).parts
    except ValueError:
        return False
    return _is_plan(path, parts)


def _is_plan(path: Path, parts: tuple[str, ...]) -> bool:
    """``is_plan``, given the parts of ``path`` inside the plans' folder."""
    return (
        path.suffix == ".md"
        and path.name.lower() != "readme.md"
        and not any(part.startswith((".", "_")) for part in parts)
    )
