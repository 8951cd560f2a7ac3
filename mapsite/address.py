"""Step addresses: how a rep names one step on the command line, and how the page,
the mailto links, the calendars and ``mapsite status`` name it back.

A step's address is its ``id`` when it has one, else ``M.S``: the 1-based numbers of
its milestone and of the step within it (``2.3``). A milestone's is its id, else ``M``.
Pure functions of the plan; no I/O.
"""

from __future__ import annotations

import re

from .model import Plan
from .schedule import Key

NUMBERED = re.compile(r"\s*(\d+)\s*\.\s*(\d+)\s*")


def address(plan: Plan, key: Key) -> str:
    """``security-memo`` when the item has an id, else ``2.3`` (or ``2`` for a milestone)."""
    mi, si = key
    milestone = plan.milestones[mi]
    if si is None:
        return milestone.id or str(mi + 1)
    return milestone.steps[si].id or f"{mi + 1}.{si + 1}"


def numbered(key: Key) -> str:
    """The positional address, ``2.3``, whatever the item's id."""
    mi, si = key
    return str(mi + 1) if si is None else f"{mi + 1}.{si + 1}"


def anchor(plan: Plan, key: Key) -> str:
    """The item's fragment on its page (``#security-memo``, ``#step-2-3``, ``#milestone-2``):
    its id when it has one, so links written by hand keep working."""
    mi, si = key
    item = plan.milestones[mi] if si is None else plan.milestones[mi].steps[si]
    if item.id:
        return item.id
    return f"milestone-{mi + 1}" if si is None else f"step-{mi + 1}-{si + 1}"


def step_keys(plan: Plan) -> list[Key]:
    """Every step, in plan order."""
    return [(mi, si) for mi, m in enumerate(plan.milestones) for si in range(len(m.steps))]


class NoStep(Exception):
    """``query`` names no step, or more than one: the message says which."""

    def __init__(
        self, query: str, message: str, candidates: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.query, self.message = query, message
        self.candidates = candidates
        """(address, task) of each step it could mean."""


def find_step(plan: Plan, query: str) -> Key:
    """The step ``query`` names: an id, a ``2.3`` address, or words found in exactly
    one task (case does not matter; a task written out in full wins over tasks that
    merely contain it). Raises ``NoStep`` otherwise."""
    text = query.strip()
    steps = step_keys(plan)
    for key in steps:
        if plan.milestones[key[0]].steps[key[1]].id == text:  # type: ignore[index]
            return key
    for mi, milestone in enumerate(plan.milestones):
        if milestone.id is not None and milestone.id == text:
            return _milestone_refused(plan, query, mi)
    if match := NUMBERED.fullmatch(text):
        mi, si = int(match[1]) - 1, int(match[2]) - 1
        if 0 <= mi < len(plan.milestones) and 0 <= si < len(plan.milestones[mi].steps):
            return (mi, si)
        raise NoStep(query, f"there is no step {match[1]}.{match[2]}")
    words = text.casefold().split()
    if not words:
        raise NoStep(query, "no step given")
    tasks = {key: _task(plan, key).casefold() for key in steps}
    whole = [key for key in steps if " ".join(tasks[key].split()) == " ".join(words)]
    if len(whole) == 1:
        return whole[0]
    found = [key for key in steps if all(word in tasks[key] for word in words)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NoStep(query, f"no step matches '{query}'")
    raise NoStep(query, f"'{query}' matches {len(found)} steps; name one", _listing(plan, found))


def _milestone_refused(plan: Plan, query: str, mi: int) -> Key:
    milestone = plan.milestones[mi]
    raise NoStep(
        query,
        f"'{query}' is the milestone '{milestone.name}', not a step; name one of its steps",
        _listing(plan, [(mi, si) for si in range(len(milestone.steps))]),
    )


def _task(plan: Plan, key: Key) -> str:
    mi, si = key
    assert si is not None
    return plan.milestones[mi].steps[si].task


def _listing(plan: Plan, keys: list[Key]) -> tuple[tuple[str, str], ...]:
    return tuple((address(plan, key), _task(plan, key)) for key in keys)
