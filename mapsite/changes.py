"""What changed between versions of a plan, in people's words.

Pure functions of loaded plans (their models and resolved dates); no I/O. ``compare``
gives the changes from one version to the next; ``timeline`` those over a series of
versions (a plan's commits), each dated by the version that made it, newest first,
leaving out any value that changed and changed back.

Milestones and steps are followed through renames and moves (``matching.py``). Text
is compared without case and extra whitespace. A step's date is news only when its
own ``due:`` changed, not when what it counts from moved: one go-live move is one
change, not one per step. ``extra:``, ``share:``, ``updated:``, ``lint:`` and the like
are never news.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from . import address, matching, schedule
from .dates import GO_LIVE, Offset
from .i18n import N_, gettext, ngettext
from .matching import text as _text
from .model import Plan, Stakeholder, Status
from .render import format_date
from .schedule import Key

Kind = Literal[
    "go-live-later",
    "go-live-earlier",
    "go-live-set",
    "go-live-removed",
    "milestone-done",
    "milestone-new",
    "milestone-removed",
    "milestone-renamed",
    "milestone-due",
    "step-done",
    "step-started",
    "step-blocked",
    "step-unblocked",
    "step-reopened",
    "step-new",
    "step-removed",
    "step-renamed",
    "step-due",
    "step-owner",
    "step-notes",
    "person-joined",
    "person-left",
    "person-role",
    "risk-new",
    "risk-removed",
    "resource-new",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Version:
    """One version of a plan, loaded."""

    plan: Plan
    dates: schedule.Dates
    when: date
    """The date of the commit that made it (today for changes not committed yet)."""


@dataclass(frozen=True)
class Item:
    """A milestone or step a change is about."""

    key: Key
    """(milestone index, step index or None) in the plan as it is now, or as it was
    when the item is no longer in the plan."""
    address: str
    """Its address (address.py): its id, or ``2.3``."""
    anchor: str | None
    """Its fragment on the page; None when it is no longer in the plan."""


@dataclass(frozen=True)
class Change:
    """One thing that changed, as a sentence."""

    kind: Kind
    when: date
    """The date of the commit that made the change."""
    text: str
    """The change in people's words: "Go-live moved from Tue 31 Mar to Tue 14 Apr"."""
    items: tuple[Item, ...] = ()
    """The milestone or step it is about."""
    people: tuple[str, ...] = ()
    """The people it concerns: the step's owners (now and before), the stakeholder."""
    plan_wide: bool = False
    """News for everyone on the plan: go-live and milestones."""


def compare(old: Version, new: Version, today: date) -> list[Change]:
    """What changed from ``old`` to ``new``, dated ``new.when``, in plan order.

    ``today`` decides how dates read ("Tue 14 Apr"; the year when it is not this year)."""
    return timeline([old, new], today)


# --- one version to the next ------------------------------------------------------------

Ref = tuple[Any, ...]
"""What a value belongs to: ("go_live",), ("step", "new", key), ("person", name) ..."""


@dataclass(frozen=True)
class Transition:
    """A value that changed, and the news it makes, if any."""

    field: str
    ref: Ref
    before: Any
    after: Any
    change: Change | None
    """None: not news by itself (a milestone no longer done), but it counts when a
    value changes back."""


Say = Callable[..., None]


class Diff:
    """The transitions from one version to the next, with the items matched."""

    def __init__(self, old: Version, new: Version, today: date) -> None:
        self.old, self.new, self.today = old, new, today
        self.milestones = matching.milestones(old.plan, new.plan)
        self.steps = matching.steps(old.plan, new.plan, self.milestones)
        self.found: list[Transition] = []
        self._go_live()
        milestone_was = {j: i for i, j in self.milestones.items()}
        step_was = {j: i for i, j in self.steps.items()}
        for mj, milestone in enumerate(new.plan.milestones):
            mi = milestone_was.get(mj)
            if mi is None:
                self._milestone_added(mj)
            else:
                self._milestone(mi, mj)
            for key in ((mj, sj) for sj in range(len(milestone.steps))):
                was = step_was.get(key)
                if was is None:
                    self._step_added(key)
                else:
                    self._step(was, key)
        for mi in range(len(old.plan.milestones)):
            if mi not in self.milestones:
                self._milestone_removed(mi)
        for key in address.step_keys(old.plan):
            if key not in self.steps:
                self._step_removed(key)
        self._people()
        self._listed("risk", old.plan.risks, new.plan.risks, lambda r: r.risk)
        self._listed("resource", old.plan.resources, new.plan.resources, lambda r: r.title)

    def day(self, value: date | None) -> str:
        return format_date(value, self.today)

    def about(
        self,
        ref: Ref,
        item: tuple[Plan, Key] | None = None,
        people: Sequence[str] = (),
        plan_wide: bool = False,
    ) -> Say:
        """``say(field, before, after, kind, text)`` records a transition of ``ref``."""

        def say(
            field: str, before: Any, after: Any, kind: Kind | None = None, text: str = ""
        ) -> None:
            change = None
            if kind is not None:  # most things do not change: addresses only for news
                items: tuple[Item, ...] = ()
                if item is not None:  # its place on the page: only once it is known to stay
                    plan, key = item
                    items = (Item(key, address.address(plan, key), None),)
                names = tuple(dict.fromkeys(people))  # each name once, in order
                change = Change(kind, self.new.when, text, items, names, plan_wide)
            self.found.append(Transition(field, ref, before, after, change))

        return say

    def moved(self, old_key: Key, new_key: Key) -> int | None:
        """Days an item's date moved by its own ``due:`` (not because what it counts
        from moved); None when its own ``due:`` did not change or has no date."""
        old_spec = schedule.item(self.old.plan, old_key).due
        new_spec = schedule.item(self.new.plan, new_key).due
        before, after = self.old.dates.due(old_key), self.new.dates.due(new_key)
        if old_spec == new_spec or before is None or after is None:
            return None
        shift = (after - before).days
        if isinstance(old_spec, Offset) and isinstance(new_spec, Offset):
            base_before, base_after = _base(self.old, old_spec.ref), _base(self.new, new_spec.ref)
            if old_spec.ref == new_spec.ref and base_before and base_after:
                shift -= (base_after - base_before).days
        return shift

    def _dated(self, say: Say, kind: Kind, name: str, old_key: Key, new_key: Key) -> None:
        """A change of an item's own ``due:``: moved, given or taken away."""
        old_spec = schedule.item(self.old.plan, old_key).due
        new_spec = schedule.item(self.new.plan, new_key).due
        if old_spec == new_spec:
            return
        before, after = self.old.dates.due(old_key), self.new.dates.due(new_key)
        shift = self.moved(old_key, new_key)
        if shift:
            text = gettext("%(name)s moved %(shift)s, to %(date)s")
            if kind == "step-due":
                text = gettext("Due date of %(name)s moved %(shift)s, to %(date)s")
            text %= {"name": name, "shift": _shift(shift), "date": self.day(after)}
            say("due", old_spec, new_spec, kind, text)
        elif before is None and after is not None:
            text = gettext("%(name)s now due %(date)s") % {"name": name, "date": self.day(after)}
            say("due", old_spec, new_spec, kind, text)
        elif before is not None and after is None:
            text = gettext("%(name)s no longer has a due date") % {"name": name}
            say("due", old_spec, new_spec, kind, text)
        else:  # the same date written another way
            say("due", old_spec, new_spec)

    # --- the plan and its milestones ----------------------------------------------------

    def _go_live(self) -> None:
        before, after = self.old.plan.go_live, self.new.plan.go_live
        say = self.about(("go_live",), plan_wide=True)
        if before == after:
            return
        if before is None:
            text = gettext("Go-live set for %(date)s") % {"date": self.day(after)}
            say("go_live", before, after, "go-live-set", text)
        elif after is None:
            text = gettext("Go-live date removed (was %(date)s)") % {"date": self.day(before)}
            say("go_live", before, after, "go-live-removed", text)
        else:
            kind: Kind = "go-live-later" if after > before else "go-live-earlier"
            text = gettext("Go-live moved from %(before)s to %(after)s") % {
                "before": self.day(before), "after": self.day(after)
            }  # fmt: skip
            say("go_live", before, after, kind, text)

    def _milestone_added(self, mj: int) -> None:
        name = self.new.plan.milestones[mj].name
        due = self.new.dates.due((mj, None))
        say = self.about(("milestone", "new", mj), (self.new.plan, (mj, None)), plan_wide=True)
        if due:
            text = gettext("New milestone: %(name)s, due %(date)s") % {
                "name": name, "date": self.day(due)
            }  # fmt: skip
        else:
            text = gettext("New milestone: %(name)s") % {"name": name}
        say("exists", False, True, "milestone-new", text)

    def _milestone_removed(self, mi: int) -> None:
        name = self.old.plan.milestones[mi].name
        say = self.about(("milestone", "old", mi), (self.old.plan, (mi, None)), plan_wide=True)
        text = gettext("Milestone removed: %(name)s") % {"name": name}
        say("exists", True, False, "milestone-removed", text)

    def _milestone(self, mi: int, mj: int) -> None:
        old, new = self.old.plan.milestones[mi], self.new.plan.milestones[mj]
        say = self.about(("milestone", "new", mj), (self.new.plan, (mj, None)), plan_wide=True)
        if _text(old.name) != _text(new.name):
            text = gettext("Milestone '%(old)s' renamed to '%(new)s'") % {
                "old": old.name, "new": new.name
            }  # fmt: skip
            say("name", _text(old.name), _text(new.name), "milestone-renamed", text)
        name = gettext("Milestone '%(name)s'") % {"name": new.name}
        self._dated(say, "milestone-due", name, (mi, None), (mj, None))
        was = schedule.milestone_state(old) == "done"
        done = schedule.milestone_state(new) == "done"
        if done and not was:
            text = gettext("%(name)s (done %(date)s)") % {
                "name": new.name, "date": self.day(self.new.when)
            }  # fmt: skip
            say("done", False, True, "milestone-done", text)
        elif was and not done:
            say("done", True, False)

    # --- steps ---------------------------------------------------------------------------

    def _step_added(self, key: Key) -> None:
        step = matching.step(self.new.plan, key)
        parts = [gettext("New step: %(task)s") % {"task": step.task}]
        if step.owner:
            owners = _names(step.owner)
            n = len(step.owner)
            parts.append(ngettext("owner %(names)s", "owners %(names)s", n) % {"names": owners})
        due = self.new.dates.due(key)
        if due is not None:
            parts.append(gettext("due %(date)s") % {"date": self.day(due)})
        if step.status is not Status.TODO:
            parts.append(gettext(_NEW_STATUS.get(step.status.value, step.status.value)))
        say = self.about(("step", "new", key), (self.new.plan, key), step.owner)
        say("exists", False, True, "step-new", ", ".join(parts))

    def _step_removed(self, key: Key) -> None:
        step = matching.step(self.old.plan, key)
        say = self.about(("step", "old", key), (self.old.plan, key), step.owner)
        text = gettext("Step removed: %(task)s") % {"task": step.task}
        say("exists", True, False, "step-removed", text)

    def _step(self, old_key: Key, new_key: Key) -> None:
        old, new = matching.step(self.old.plan, old_key), matching.step(self.new.plan, new_key)
        if old == new:  # most steps: nothing of theirs can have changed
            return
        people = [*new.owner, *old.owner]
        say = self.about(("step", "new", new_key), (self.new.plan, new_key), people)
        name = gettext("'%(name)s'") % {"name": new.task}
        if _text(old.task) != _text(new.task):
            text = gettext("Step '%(old)s' renamed to '%(new)s'") % {
                "old": old.task, "new": new.task
            }  # fmt: skip
            say("task", _text(old.task), _text(new.task), "step-renamed", text)
        if old.status is not new.status:
            kind = _status_kind(old.status, new.status)
            text = gettext(_STATUS_WORDS[kind]) % {"name": name} if kind else ""
            say("status", old.status, new.status, kind, text)
        self._dated(say, "step-due", name, old_key, new_key)
        before, after = _people_set(old.owner), _people_set(new.owner)
        if before != after:
            if not old.owner:
                text = gettext("%(name)s now owned by %(owners)s") % {
                    "name": name, "owners": _names(new.owner)
                }  # fmt: skip
            elif not new.owner:
                text = gettext("%(name)s no longer has an owner") % {"name": name}
            else:
                text = gettext("Owner of %(name)s changed from %(before)s to %(after)s") % {
                    "name": name, "before": _names(old.owner), "after": _names(new.owner)
                }  # fmt: skip
            say("owner", before, after, "step-owner", text)
        before, after = _text(old.notes), _text(new.notes)
        if before != after:
            if not before:
                text = gettext("Note added to %(name)s") % {"name": name}
            elif not after:
                text = gettext("Note on %(name)s removed") % {"name": name}
            else:
                text = gettext("Note on %(name)s updated") % {"name": name}
            say("notes", before, after, "step-notes", text)

    # --- people, risks, resources -----------------------------------------------------------

    def _people(self) -> None:
        if self.old.plan.stakeholders == self.new.plan.stakeholders:
            return
        old = schedule.people_by_name(self.old.plan)
        new = schedule.people_by_name(self.new.plan)
        for name, person in new.items():
            say = self.about(("person", name), people=[person.name])
            if name not in old:
                say("exists", False, True, "person-joined", _joined(person, self.new.plan))
                continue
            before, after = old[name].role, person.role
            if _text(before) != _text(after):
                if not before:
                    text = gettext("%(name)s is now %(role)s") % {
                        "name": person.name,
                        "role": after,
                    }
                elif not after:
                    text = gettext("%(name)s is no longer %(role)s") % {
                        "name": person.name, "role": before
                    }  # fmt: skip
                else:
                    text = gettext("%(name)s is now %(role)s (was %(before)s)") % {
                        "name": person.name, "role": after, "before": before
                    }  # fmt: skip
                say("role", _text(before), _text(after), "person-role", text)
        for name, person in old.items():
            if name not in new:
                say = self.about(("person", name), people=[person.name])
                text = gettext("%(name)s left the plan") % {"name": person.name}
                say("exists", True, False, "person-left", text)

    def _listed(
        self, what: Literal["risk", "resource"], old: Sequence[Any], new: Sequence[Any], text: Any
    ) -> None:
        """Risks and resources, known by their text: a new one is news, and a risk gone."""
        if old == new:
            return
        before = {_text(text(x)): x for x in old}
        after = {_text(text(x)): x for x in new}
        for key, thing in after.items():
            if key not in before:
                say = self.about((what, key), people=[thing.owner] if thing.owner else [])
                if what == "risk":
                    new_text = gettext("New risk: %(text)s") % {"text": text(thing)}
                else:
                    new_text = gettext("New resource: %(text)s") % {"text": text(thing)}
                say("exists", False, True, f"{what}-new", new_text)
        for key, thing in before.items():
            if key not in after:
                say = self.about((what, key), people=[thing.owner] if thing.owner else [])
                gone: Kind | None = "risk-removed" if what == "risk" else None
                gone_text = gettext("Risk removed: %(text)s") % {"text": text(thing)}
                say("exists", True, False, gone, gone_text)


def _base(version: Version, ref: str) -> date | None:
    """The date an offset counts from, in this version."""
    if ref == GO_LIVE:
        return version.plan.go_live
    for key in schedule.keys(version.plan):
        if schedule.item(version.plan, key).id == ref:
            return version.dates.due(key)
    return None


_STATUS_WORDS: dict[str, str] = {
    "step-done": N_("%(name)s done"),
    "step-started": N_("%(name)s started"),
    "step-blocked": N_("%(name)s blocked"),
    "step-unblocked": N_("%(name)s unblocked"),
    "step-reopened": N_("%(name)s reopened"),
}

_NEW_STATUS: dict[str, str] = {
    "in progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
}
"""A new step's status, when it starts as more than to do."""


def _status_kind(before: Status, after: Status) -> Kind | None:
    """The news in a step's new status; None for "in progress" back to "to do"."""
    if after is Status.DONE:
        return "step-done"
    if after is Status.BLOCKED:
        return "step-blocked"
    if before is Status.DONE:
        return "step-reopened"
    if before is Status.BLOCKED:
        return "step-unblocked"
    if after is Status.IN_PROGRESS:
        return "step-started"
    return None


def _shift(days: int) -> str:
    """``1 week later``, ``3 days earlier``: whole weeks in weeks, else days."""
    n = abs(days)
    if n % 7 == 0:
        weeks = n // 7
        if days > 0:
            return ngettext("%(count)s week later", "%(count)s weeks later", weeks) % {
                "count": weeks
            }
        return ngettext("%(count)s week earlier", "%(count)s weeks earlier", weeks) % {
            "count": weeks
        }
    if days > 0:
        return ngettext("%(count)s day later", "%(count)s days later", n) % {"count": n}
    return ngettext("%(count)s day earlier", "%(count)s days earlier", n) % {"count": n}


def _names(names: Sequence[str]) -> str:
    """``Lee Park``, ``Lee Park and Ken Ito``, ``A, B and C``."""
    if len(names) < 2:
        return "".join(names)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _people_set(names: Sequence[str]) -> frozenset[str]:
    return frozenset(_text(n) for n in names)


def _joined(person: Stakeholder, plan: Plan) -> str:
    if person.role:
        text = gettext("%(name)s joined as %(role)s") % {"name": person.name, "role": person.role}
    else:
        text = gettext("%(name)s joined") % {"name": person.name}
    if person.side:
        text += f" ({plan.buyer.name if person.side == 'buyer' else plan.seller.name})"
    return text


# --- a series of versions --------------------------------------------------------------


def timeline(versions: Sequence[Version], today: date) -> list[Change]:
    """Every change from the first version to the last, newest first, each dated by
    the version that made it. A value that changed and changed back is not news, and
    nothing is about a step or milestone that came and went in between."""
    if len(versions) < 2:
        return []
    steps = matching.Lineage(address.step_keys(versions[0].plan))
    milestones = matching.Lineage(range(len(versions[0].plan.milestones)))
    found: list[tuple[int, int, Transition]] = []
    for n, (old, new) in enumerate(itertools.pairwise(versions)):
        diff = Diff(old, new, today)
        new_steps = address.step_keys(new.plan)
        old_steps = steps.follow(
            diff.steps, new_steps, (n, old.plan), new.plan, matching.step_names
        )
        old_milestones = milestones.follow(
            diff.milestones,
            range(len(new.plan.milestones)),
            (n, old.plan),
            new.plan,
            matching.milestone_names,
        )
        lineages = {
            ("step", "new"): steps.of,
            ("step", "old"): old_steps,
            ("milestone", "new"): milestones.of,
            ("milestone", "old"): old_milestones,
        }
        transitions = diff.found + _written_again(versions, new, today, steps, milestones)
        for position, t in enumerate(transitions):
            of = lineages.get(t.ref[:2])
            ref = t.ref if of is None else (t.ref[0], of[t.ref[2]])
            found.append((n, position, dataclasses.replace(t, ref=ref)))
    alive = {"step": steps.alive, "milestone": milestones.alive}
    kept = _net([e for e in found if e[2].ref[0] not in alive or e[2].ref[1] in alive[e[2].ref[0]]])
    final = versions[-1].plan
    now = {
        "step": {number: key for key, number in steps.of.items()},
        "milestone": {number: (mi, None) for mi, number in milestones.of.items()},
    }
    out = []
    for n, position, t in kept:
        assert t.change is not None
        key = now[t.ref[0]].get(t.ref[1]) if t.ref[0] in now else None
        if key is not None:  # still in the plan: its address today
            items = (Item(key, address.address(final, key), address.anchor(final, key)),)
        else:  # gone: its address then, and no place on the page
            items = t.change.items
        out.append((n, position, dataclasses.replace(t.change, items=items)))
    out.sort(key=lambda x: (-x[2].when.toordinal(), -x[0], x[1]))
    return [change for _, _, change in out]


def _written_again(
    versions: Sequence[Version],
    new: Version,
    today: date,
    steps: matching.Lineage,
    milestones: matching.Lineage,
) -> list[Transition]:
    """What changed in an item removed and written again, from the version it was last
    in: its coming back is no news (it nets out), but a new status or owner is."""
    found = []
    for what, lineage in (("milestone", milestones), ("step", steps)):
        for last, _, key in lineage.back:
            ref = (what, "new", key)
            diff = Diff(versions[last], new, today)
            found += [t for t in diff.found if t.ref == ref and t.field != "exists"]
    return found


def _net(found: list[tuple[int, int, Transition]]) -> list[tuple[int, int, Transition]]:
    """Leave out values that changed and changed back: for each field of each thing,
    a value seen before undoes the changes since it was seen, and the change that
    first led to it is dated anew. Then only the news."""
    chains: dict[tuple[str, Ref], tuple[list[Any], list[tuple[int, int, Transition]]]] = {}
    for entry in found:
        n, position, t = entry
        values, kept = chains.setdefault((t.field, t.ref), ([t.before], []))
        if t.after not in values:
            values.append(t.after)
            kept.append(entry)
            continue
        back = values.index(t.after)
        del values[back + 1 :]
        del kept[back:]
        first = kept[-1][2] if back else None
        if first is not None and first.change is not None and t.change is not None:
            again = dataclasses.replace(first.change, when=t.change.when)  # reached again
            kept[-1] = (n, position, dataclasses.replace(first, change=again))
    return [e for _, kept in chains.values() for e in kept if e[2].change is not None]
