"""``mapsite done`` and ``mapsite set``: a step's status, date, owner or note changed from
the command line, in the plan file itself (``edit.py`` makes the byte-exact edit).

``PLAN STEP... [PLAN STEP...]``: several plans at once, a new plan at each argument
that is a ``.md`` file. Every plan's edit is made and checked before any is written;
one problem anywhere and nothing is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from . import edit
from .address import NoStep, address, find_step
from .dates import DATE_HINT, DateSpec, Offset, parse_date_spec
from .errors import MapsiteError, Problem
from .load import Invalid
from .model import Status, Step, normalise_status
from .render import format_date
from .schedule import Key
from .site import find_plan, plan_holidays

STATUS_HINT = "use todo, in progress, done or blocked"
SHORT = 40
"""Tasks and notes are cut to about this many characters in what the commands print."""


@dataclass(frozen=True)
class Values:
    """What to set on every step named (None: leave it as it is)."""

    status: Status | None = None
    due: DateSpec | None = None
    owner: tuple[str, ...] | None = None
    notes: str | None = None
    expected: date | str | None = None
    """A date, or ``NO_ESTIMATE`` to take the estimate out."""

    def given(self) -> list[tuple[str, Any]]:
        """(field, value) of each value to set: status, due, expected, owner, notes."""
        names = ("status", "due", "expected", "owner", "notes")
        return [(n, getattr(self, n)) for n in names if getattr(self, n) is not None]


# --- the command line's values, checked before any file is read ------------------------


def parse_status(text: str) -> Status:
    """``done``, ``In progress``, ``in-progress``: as the plan file accepts them."""
    try:
        return Status(normalise_status(text))
    except ValueError:
        raise ValueError(f"'{text}' is not a status ({STATUS_HINT})") from None


def parse_due(text: str) -> DateSpec:
    """A date, or an offset such as ``go_live - 6w``: as ``due:`` in a plan accepts it."""
    try:
        return parse_date_spec(text)  # type: ignore[no-any-return]
    except PydanticCustomError as exc:
        raise ValueError(f"{exc.message()} ({DATE_HINT})") from None


NO_ESTIMATE = "none"
"""``--expected none``: the owner no longer expects another day than the due date."""


def parse_expected(text: str) -> date | str:
    """The owner's new estimate: a date, never an offset (it is a day someone named), or
    ``none`` to take it out."""
    hint = "use YYYY-MM-DD: the day the owner now expects, or none to take it out"
    if text.strip().casefold() == NO_ESTIMATE:
        return NO_ESTIMATE
    try:
        spec = parse_date_spec(text)
    except PydanticCustomError as exc:
        raise ValueError(f"{exc.message()} ({hint})") from None
    if not isinstance(spec, date):
        raise ValueError(f"'{text}' is not a date ({hint})")
    return spec


def parse_text(text: str) -> str:
    """An owner's name or a note: some text, without the blanks around it."""
    if not text.strip():
        raise ValueError("must not be empty")
    return text.strip()


# --- plans and steps named on the command line -----------------------------------------


def plan_groups(args: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``plans/a.md 2.3 kickoff plans/b.md 1.1`` -> the plans with their step words: a
    new plan starts at each argument that is an existing ``.md`` file."""
    groups: list[tuple[str, list[str]]] = []
    for i, arg in enumerate(args):
        if i == 0 or (arg.endswith(".md") and Path(arg).is_file()):
            groups.append((arg, []))
        else:
            groups[-1][1].append(arg)
    return groups


@dataclass(frozen=True)
class Outcome:
    """What ``done`` or ``set`` did: one line per step, and the diff of each file."""

    lines: list[str]
    diffs: list[str]


def update(args: Sequence[str], values: Values, today: date, *, dry_run: bool) -> Outcome:
    """Set ``values`` on the steps ``args`` name (see ``plan_groups``) and write the plans,
    all or none, with ``updated:`` set to ``today``. Nothing is written with ``dry_run``.

    Raises ``MapsiteError`` with every problem: a plan or step not found, a step named
    ambiguously, a plan that is invalid or would become so.
    """
    problems: list[Problem] = []
    opened: dict[Path, tuple[edit.PlanFile, list[str]]] = {}
    for name, queries in plan_groups(args):
        try:
            path = find_plan(name)
            key = path.resolve()  # one plan named twice is edited once
            if key not in opened:
                opened[key] = (edit.open_plan(path, plan_holidays(path)), [])
            opened[key][1].extend(queries)
        except Invalid as exc:
            problems += exc.problems
    lines: list[str] = []
    edits: list[edit.Edit] = []
    for plan, queries in opened.values():
        try:
            steps = _steps(plan, queries)
            changes = [c for key in steps for c in _changes(plan, key, values)]
            edits.append(done := edit.edit(plan, changes, today))
            lines += [_line(plan, done, key, values, today) for key in steps]
        except Invalid as exc:
            problems += exc.problems
    if problems:
        raise MapsiteError(problems, "nothing written")
    if not dry_run:
        try:
            edit.write(edits)
        except Invalid as exc:
            raise MapsiteError(exc.problems) from None
    return Outcome(lines, [edit.diff(e) for e in edits if e.changed])


def _steps(plan: edit.PlanFile, queries: list[str]) -> list[Key]:
    """The step each query names, in the order given, once each; a query that names
    none, or several, is a problem."""
    problems: list[Problem] = []
    keys: list[Key] = []
    if not queries:
        problems.append(Problem.about(plan.shown, "no step named", _NAME_HINT))
    for query in queries:
        try:
            key = find_step(plan.document.plan, query)
        except NoStep as exc:
            problems.append(_not_found(plan.shown, exc))
            continue
        if key not in keys:
            keys.append(key)
    if problems:
        raise Invalid(problems)
    return keys


_NAME_HINT = "name a step by its id, its number such as 2.3, or words of its task"


def _not_found(shown: str, exc: NoStep) -> Problem:
    if exc.candidates:  # several steps, or a milestone: list them
        width = max(len(a) for a, _ in exc.candidates)
        listing = "".join(f"\n  {a:<{width}}  {task}" for a, task in exc.candidates)
        return Problem.about(shown, exc.message + listing)
    hint = f"'mapsite status {shown}' lists the steps"
    word = exc.query.strip()
    if word.endswith(".md"):
        hint = f"there is no file {word}; {hint}"
    else:
        with contextlib.suppress(Invalid):
            other = find_plan(word)
            if other.suffix == ".md":
                hint = f"'{word}' is a plan: give each plan as a path, e.g. {other.as_posix()}"
    return Problem.about(shown, exc.message, hint)


def _changes(plan: edit.PlanFile, key: Key, values: Values) -> list[edit.Change]:
    mi, si = key
    step = plan.document.plan.milestones[mi].steps[si]  # type: ignore[index]
    changes = []
    for name, new in values.given():
        if new == _current(step, name):
            continue
        value: edit.Value | None = (
            None if new == NO_ESTIMATE and name == "expected"
            else str(new) if isinstance(new, Offset | Status)
            else list(new) if isinstance(new, tuple)
            else new
        )  # fmt: skip
        changes.append(edit.Change(("milestones", mi, "steps", si, name), value, name == "owner"))
    if _estimate_ends(step, values):
        changes.append(edit.Change(("milestones", mi, "steps", si, "expected"), None))
    return changes


def _estimate_ends(step: Step, values: Values) -> bool:
    """A step being done takes its owner's estimate out (unless one is given with it): it
    says nothing any more, and would be back in force if the step were opened again."""
    return (
        values.status == Status.DONE
        and step.status != Status.DONE
        and step.expected is not None
        and values.expected is None
    )


def _current(step: Step, name: str) -> object:
    value = getattr(step, name)
    if name == "expected" and value is None:
        return NO_ESTIMATE  # none to take out
    return tuple(value) if isinstance(value, list) else value


def _line(plan: edit.PlanFile, done: edit.Edit, key: Key, values: Values, today: date) -> str:
    """``plans/x.md: 3.2 'Grant Contoso…' -> done``; ``... nothing to change: already done``."""
    model = plan.document.plan
    mi, si = key
    step = model.milestones[mi].steps[si]  # type: ignore[index]
    given = values.given()
    bare = [name for name, _ in given] == ["status"]  # done, or set --status: just the value
    changed, kept = [], []
    for name, new in given:
        said = _say(name, new, done.document.dates.due(key), today)
        said = said if bare else f"{name} {said}"
        if new == _current(step, name):
            kept.append(f"already {said}" if bare else said.replace(" ", " already ", 1))
        else:
            changed.append(said)
    if _estimate_ends(step, values):
        changed.append(f"its estimate ({_say('expected', step.expected, None, today)}) taken out")
    where = f"{plan.shown}: {address(model, key)} '{short(step.task)}'"
    if not changed:
        return f"{where} nothing to change: {'; '.join(kept)}"
    return f"{where} -> {'; '.join(changed + kept)}"


def _say(name: str, value: object, due: date | None, today: date) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, date):
        return format_date(value, today)
    if isinstance(value, Offset):
        return f"{value} ({format_date(due, today)})"
    if name == "notes":
        return f"'{short(str(value))}'"
    return str(value)


def short(text: str, width: int = SHORT) -> str:
    """``text`` cut after a whole word to at most ``width`` characters, with '…'."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(",;:") + "…"
