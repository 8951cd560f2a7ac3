"""Which milestone or step is which, from one version of a plan to another.

An item keeps its identity through a rename or a move: items are matched by id,
then by their text (without case and extra whitespace) when exactly one item on
each side has it, then by position when that is unambiguous. Pure functions; no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from .address import step_keys
from .model import Plan, Step
from .schedule import Key

T = TypeVar("T")


def text(value: str | None) -> str:
    """Text as compared: no case, whitespace folded."""
    return " ".join((value or "").split()).casefold()


def pair(
    old: Sequence[T],
    new: Sequence[T],
    ident: Callable[[T], str | None],
    words: Callable[[T], str],
) -> dict[int, int]:
    """Old index -> new index: the same id, else the same words when exactly one
    unmatched item on each side has them."""
    pairs: dict[int, int] = {}
    new_ids = {i: j for j, item in enumerate(new) if (i := ident(item))}
    for i, item in enumerate(old):
        found = ident(item)
        if found and found in new_ids:
            pairs[i] = new_ids[found]
    taken = set(pairs.values())
    old_left = {i: words(x) for i, x in enumerate(old) if i not in pairs}
    new_left = {j: words(x) for j, x in enumerate(new) if j not in taken}
    old_count, new_count = Counter(old_left.values()), Counter(new_left.values())
    where = {w: j for j, w in new_left.items()}
    for i, w in old_left.items():
        if old_count[w] == 1 and new_count[w] == 1:
            pairs[i] = where[w]
    return pairs


def _same_places(old_left: list[int], new_left: list[int]) -> list[int]:
    """Items left unmatched at the same places on both sides are the same items,
    renamed; anything else is ambiguous (one removed, another added)."""
    return old_left if old_left == new_left else []


def milestones(old: Plan, new: Plan) -> dict[int, int]:
    """Old milestone index -> new milestone index."""
    pairs = pair(old.milestones, new.milestones, lambda m: m.id, lambda m: text(m.name))
    taken = set(pairs.values())
    old_left = [i for i in range(len(old.milestones)) if i not in pairs]
    new_left = [j for j in range(len(new.milestones)) if j not in taken]
    pairs.update((i, i) for i in _same_places(old_left, new_left))
    return pairs


def steps(old: Plan, new: Plan, matched: dict[int, int]) -> dict[Key, Key]:
    """Old step key -> new step key: by id or words across the plan (a step may move
    to another milestone), then by place within milestones ``matched``."""
    old_keys, new_keys = step_keys(old), step_keys(new)
    found = pair(
        [step(old, k) for k in old_keys],
        [step(new, k) for k in new_keys],
        lambda s: s.id,
        lambda s: text(s.task),
    )
    pairs = {old_keys[i]: new_keys[j] for i, j in found.items()}
    taken = set(pairs.values())
    for mi, mj in matched.items():
        old_left = [si for si in range(len(old.milestones[mi].steps)) if (mi, si) not in pairs]
        new_left = [sj for sj in range(len(new.milestones[mj].steps)) if (mj, sj) not in taken]
        pairs.update(((mi, s), (mj, s)) for s in _same_places(old_left, new_left))
    return pairs


def step(plan: Plan, key: Key) -> Step:
    mi, si = key
    assert si is not None
    return plan.milestones[mi].steps[si]


def step_names(plan: Plan, key: Key) -> tuple[str | None, str]:
    """A step's id and words."""
    found = step(plan, key)
    return found.id, text(found.task)


def milestone_names(plan: Plan, index: int) -> tuple[str | None, str]:
    """A milestone's id and words."""
    milestone = plan.milestones[index]
    return milestone.id, text(milestone.name)


class Lineage:
    """Which item is which over a series of versions: each item gets a number when it
    first appears and keeps it through renames and moves. An item removed and later
    written again (the same id and words) gets its old number back."""

    def __init__(self, keys: Iterable[Any]) -> None:
        self.of: dict[Any, int] = {key: n for n, key in enumerate(keys)}
        """Key in the latest version -> number."""
        self.first = frozenset(self.of.values())
        """The numbers of the items of the first version."""
        self.back: list[tuple[int, Any, Any]] = []
        """Items written again by the last step: (the version they were last in, their
        key there, their key now)."""
        self._next = len(self.of)
        self._gone: dict[tuple[str | None, str], tuple[int, int, Any]] = {}

    def follow(
        self,
        matched: dict[Any, Any],
        new_keys: Iterable[Any],
        old: tuple[int, Plan],
        new_plan: Plan,
        names: Callable[[Plan, Any], tuple[str | None, str]],
    ) -> dict[Any, int]:
        """Move on to the next version (``matched``: old key -> new key; ``old``: the
        version before, as its place in the series and its plan); returns the numbers
        of the version before."""
        before = self.of
        of: dict[Any, int] = {new: before[key] for key, new in matched.items()}
        for key, number in before.items():
            if key not in matched:
                self._gone[names(old[1], key)] = (number, old[0], key)
        self.back = []
        for key in new_keys:
            if key not in of:
                gone = self._gone.pop(names(new_plan, key), None)
                if gone is None:
                    of[key], self._next = self._next, self._next + 1
                else:
                    of[key] = gone[0]
                    self.back.append((gone[1], gone[2], key))
        self.of = of
        return before

    @property
    def alive(self) -> frozenset[int]:
        """Items of the first version or the latest: the others came and went."""
        return self.first | frozenset(self.of.values())
