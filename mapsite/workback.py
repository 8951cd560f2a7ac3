"""Target dates: every ``due`` resolved, work-back expressions counted.

A date is fixed (``2026-12-18``) or counted from go-live or from another item
(``go_live - 6w``, ``security + 5bd``). Pure functions of (plan, calendar); where a
slip takes those dates is ``projection.py``'s job. Items are addressed by ``Key``:
``(milestone, None)`` for a milestone, ``(milestone, step)`` for a step.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from .dates import GO_LIVE, Calendar, Offset
from .model import Milestone, Plan, Step

Key = tuple[int, int | None]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class DateProblem:
    loc: Loc
    message: str
    hint: str = ""


def due_loc(key: Key) -> Loc:
    mi, si = key
    return ("milestones", mi, "due") if si is None else ("milestones", mi, "steps", si, "due")


def item(plan: Plan, key: Key) -> Milestone | Step:
    mi, si = key
    return plan.milestones[mi] if si is None else plan.milestones[mi].steps[si]


def keys(plan: Plan) -> list[Key]:
    """Every milestone followed by its steps, in plan order."""
    out: list[Key] = []
    for mi, m in enumerate(plan.milestones):
        out.append((mi, None))
        out.extend((mi, si) for si in range(len(m.steps)))
    return out


# --- target dates: work-back expressions resolved -------------------------------------


@dataclass(frozen=True)
class Dates:
    """The target date of every milestone and step, with what each is counted from."""

    target: dict[Key, date | None]
    ref: dict[Key, Key | None]
    """The item a date is counted from (None: a fixed date or go-live)."""
    order: list[Key]
    """Items in dependency order: an item comes after the one it is counted from."""

    def due(self, key: Key) -> date | None:
        return self.target.get(key)


def resolve(plan: Plan, calendar: Calendar) -> tuple[Dates, list[DateProblem]]:
    """Resolve every ``due``; unknown ids, missing go-live and cycles are problems.

    A date counts from at most one other, so references form chains: follow each
    chain down to a date known without it, then fill in the dates on the way back.
    A loop, not recursion, so a plan of thousands of chained steps cannot hit
    Python's recursion limit.
    """
    ids = {i.id: k for k in keys(plan) if (i := item(plan, k)).id}
    target: dict[Key, date | None] = {}
    ref: dict[Key, Key | None] = {}
    order: list[Key] = []
    problems: list[DateProblem] = []
    seen: set[Key] = set()

    for start in keys(plan):
        chain: list[Key] = []
        key = start
        while key not in seen:
            seen.add(key)
            chain.append(key)
            spec = item(plan, key).due
            if not (isinstance(spec, Offset) and spec.ref != GO_LIVE and spec.ref in ids):
                break
            key = ids[spec.ref]
        else:
            if key in chain:  # the chain came back to one of its own items
                cycle = [*chain[chain.index(key) :], key]
                names = " -> ".join(str(item(plan, k).id) for k in cycle)
                problems.append(
                    DateProblem(
                        due_loc(chain[-1]),
                        f"dates depend on each other in a cycle: {names}",
                        "make one of them a fixed date",
                    )
                )
        for key in reversed(chain):  # the end of the chain first
            target[key], ref[key] = _resolve_one(plan, calendar, ids, target, key, problems)
            order.append(key)
    return Dates(target, ref, order), problems


def _resolve_one(
    plan: Plan,
    calendar: Calendar,
    ids: dict[str, Key],
    target: dict[Key, date | None],
    key: Key,
    problems: list[DateProblem],
) -> tuple[date | None, Key | None]:
    """The date of ``key`` and the item it counts from, given the dates resolved so far."""
    spec = item(plan, key).due
    if not isinstance(spec, Offset):
        return spec, None
    if spec.ref == GO_LIVE:
        if plan.go_live is None:
            problems.append(
                DateProblem(
                    due_loc(key),
                    f"'{spec}' counts from go_live, which is not set",
                    "add 'go_live: YYYY-MM-DD' to the plan",
                )
            )
            return None, None
        return _add(calendar, plan.go_live, spec, key, problems), None
    if spec.ref not in ids:
        close = difflib.get_close_matches(spec.ref, [GO_LIVE, *ids], n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "count from go_live or from the id of a milestone or step"
        )
        problems.append(DateProblem(due_loc(key), f"unknown id '{spec.ref}'", hint))
        return None, None
    base = target.get(ids[spec.ref])  # None: unresolved, or in a cycle with this item
    value = None if base is None else _add(calendar, base, spec, key, problems)
    return value, ids[spec.ref]


def _add(
    calendar: Calendar, base: date, spec: Offset, key: Key, problems: list[DateProblem]
) -> date | None:
    try:
        return calendar.add(base, spec.amount, spec.unit)
    except OverflowError:
        problems.append(
            DateProblem(
                due_loc(key),
                f"'{spec}' is out of range",
                "dates must fall between the years 1 and 9999",
            )
        )
        return None
