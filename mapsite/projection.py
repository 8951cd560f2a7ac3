"""What a slip does to a plan: projected dates, slack, the critical path, and why.

Every counted date is a constraint between two items, and together they form one
graph. A forward date (``security + 5bd``) comes at least that long after what it
counts from. A back-counted date (``go_live - 6w``, ``contract - 5bd``) is a lead
time, both ways: the item is due that long before what it counts from, and what it
counts from comes at least that long after the item. A milestone is reached when its
steps are; go-live when everything due by it is, and what is counted on after go-live
moves with it. So an open step that is late
(overdue: done today at best; or ``expected:`` later than due) moves every date that
must follow it, by the lead times, up to the projected go-live.

Slack is how many days an open item can still slip before it moves the projected
go-live; the critical path is what has none. Pure functions of (plan, target dates,
calendar, today), so the page, ``check``, ``report`` and ``status`` agree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from .dates import GO_LIVE, Calendar, Offset, Unit
from .model import Plan, Status, Step
from .workback import Dates, Key, item, keys

Node = tuple[int, int | None]
"""A point of the graph: an item's ``Key`` (a milestone's is the date its steps roll up
to), ``(mi, OWN)`` a milestone's own date (what its steps count from), or ``GO``."""
OWN = -1
GO: Node = (-1, None)
Lead = tuple[tuple[int, Unit], ...]
EFFORT = 20
"""Recomputations allowed per point before a plan that contradicts itself (a step due
after its own milestone and counted back from what follows it) is deemed to loop."""


class Edge(NamedTuple):
    """``dst`` is at least ``amount`` ``unit`` after ``src``. (A named tuple: a plan has
    a hundred of them, and a frozen dataclass took five times as long to make.)"""

    src: Node
    dst: Node
    amount: int
    unit: Unit
    lead: bool = False
    """A lead time (``src`` is due ``amount`` before ``dst``): it moves ``dst`` only when
    ``src`` is later than ``dst`` allows, so a count of business days back from a
    weekend, there and back again, does not move anything by itself."""


@dataclass(frozen=True)
class Projection:
    """Projected dates given today: late open steps push what must follow them."""

    projected: dict[Key, date | None]
    go_live: date | None
    """Projected go-live: the target, or later when a prerequisite slips past it."""
    critical: frozenset[Key]
    """Open items with no slack: the chain (or chains) that set the projected go-live."""
    slack: dict[Key, int] = field(default_factory=dict)
    """Days each open item can slip before it moves the projected go-live (a milestone:
    the least of its own and its open steps'). Absent: no slip of it ever does."""
    cause: Key | None = None
    """When go-live is projected late: the item it all starts from (late, or planned
    too late), else None."""
    lead: Lead = ()
    """The lead times from ``cause`` to go-live, one per constraint on the way."""

    def late_by(self, plan: Plan) -> int:
        """Days the projected go-live is after the target."""
        if plan.go_live is None or self.go_live is None:
            return 0
        return max(0, (self.go_live - plan.go_live).days)


def project(plan: Plan, dates: Dates, calendar: Calendar, today: date) -> Projection:
    graph = Graph(plan, dates, calendar, today)
    values, settled = graph.forward(graph.edges)
    if not settled:  # a plan that contradicts itself: its lead times between items go
        values, _ = graph.forward([e for e in graph.edges if not e.lead or e.dst == GO])
    latest = graph.backward(values)
    projected = {k: values[k] for k in keys(plan)}
    slack = graph.slack(values, latest)
    go_live = values[GO] if plan.go_live is not None else None
    late = go_live is not None and plan.go_live is not None and go_live > plan.go_live
    cause, lead = graph.cause(values) if late else (None, ())
    return Projection(
        projected,
        go_live,
        frozenset(k for k, days in slack.items() if days == 0),
        slack,
        cause,
        lead,
    )


def _item(node: Node) -> Key | None:
    """The item a point stands for: a milestone's own date is the milestone."""
    if node == GO:
        return None
    return (node[0], None) if node[1] == OWN else node


def expected(step: Step, due: date | None) -> date | None:
    """The date a step is planned for: its due date, or the owner's later estimate."""
    if step.expected is not None and (due is None or step.expected > due):
        return step.expected
    return due


class Graph:
    """The plan's dates as constraints (``Edge``), and the three walks over them."""

    def __init__(self, plan: Plan, dates: Dates, calendar: Calendar, today: date) -> None:
        self.plan, self.dates, self.calendar, self.today = plan, dates, calendar, today
        finished = {mi for mi, m in enumerate(plan.milestones) if _finished(m.steps)}
        self.fixed: dict[Node, date | None] = {}
        """Points that move no more: done steps, and milestones whose steps all are."""
        self.base: dict[Node, date | None] = {GO: plan.go_live}
        self.order: list[Node] = []
        for key in dates.order:
            mi, si = key
            target = dates.target.get(key)
            if si is None:
                self.base[mi, OWN] = target
                self.order.append((mi, OWN))
                if mi in finished:
                    self.fixed[mi, OWN] = self.fixed[key] = target
                continue
            step = plan.milestones[mi].steps[si]
            self.base[key] = expected(step, target)
            self.order.append(key)
            if step.status is Status.DONE:
                self.fixed[key] = target
        # roll-ups after the steps they wait for, go-live last
        self.order += [(mi, None) for mi in range(len(plan.milestones))] + [GO]
        edges = list(self._edges())
        # what moves with go-live (a review 8 weeks after it, the milestone holding it)
        # cannot hold go-live back: that would be go-live waiting for itself
        after = _reachable(GO, edges)
        self.edges = [e for e in edges if not (e.dst == GO and e.src in after)]

    def _edges(self) -> Iterable[Edge]:
        plan, go_live = self.plan, self.plan.go_live
        ids = {i.id: k for k in keys(plan) if (i := item(plan, k)).id}
        for key in keys(plan):
            mi, si = key
            # a milestone is reached when its own date and its steps are
            yield Edge((mi, OWN), key, 0, "d") if si is None else Edge(key, (mi, None), 0, "d")
            target = self.dates.target.get(key)
            if target is not None and (go_live is None or target <= go_live):
                yield Edge(key, GO, 0, "d")  # due by go-live: go-live waits for it
            spec = item(plan, key).due
            if not isinstance(spec, Offset):
                continue
            if spec.ref == GO_LIVE:
                if go_live is not None and spec.amount < 0:
                    yield Edge(key, GO, -spec.amount, spec.unit, lead=True)
                elif go_live is not None and spec.amount > 0:  # after go-live: moves with it
                    yield Edge(GO, key if si is not None else (mi, OWN), spec.amount, spec.unit)
                continue
            ref = ids.get(spec.ref)
            if ref is None:
                continue
            # a step counting from its own milestone follows the milestone's own date,
            # not the roll-up of its steps (which would include itself)
            src = (mi, OWN) if si is not None and ref == (mi, None) else ref
            yield Edge(src, key if si is not None else (mi, OWN), spec.amount, spec.unit)
            if spec.amount <= 0:
                yield Edge(key, src, -spec.amount, spec.unit, lead=True)

    # --- forward: the earliest date of every point ------------------------------------

    def forward(self, edges: list[Edge]) -> tuple[dict[Node, date | None], bool]:
        """Each point's projected date, and False when the dates kept moving (a loop
        that only a plan contradicting itself has): then they are where they were when
        it stopped."""
        into: dict[Node, list[Edge]] = {n: [] for n in self.order}
        out: dict[Node, list[Edge]] = {n: [] for n in self.order}
        for e in sorted(edges, key=lambda e: e.lead):  # lead times last (``_earliest``)
            into[e.dst].append(e)
            out[e.src].append(e)
        values: dict[Node, date | None] = dict.fromkeys(self.order)
        queue, queued = deque(self.order), set(self.order)
        effort = EFFORT * len(self.order)
        while queue:
            node = queue.popleft()
            queued.discard(node)
            effort -= 1
            if effort < 0:
                return values, False
            value = self._earliest(node, into[node], values)
            if value != values[node]:
                values[node] = value
                for e in out[node]:
                    if e.dst not in queued:
                        queue.append(e.dst)
                        queued.add(e.dst)
        return values, True

    def _earliest(
        self, node: Node, edges: list[Edge], values: dict[Node, date | None]
    ) -> date | None:
        if node in self.fixed:
            return self.fixed[node]
        value = self.base.get(node)
        for e in edges:  # lead times last: they compare with what the rest set
            start = values[e.src]
            if start is None:
                continue
            if e.lead and value is not None and start <= self._add(value, -e.amount, e.unit):
                continue  # done early enough: the lead time is kept
            pushed = self._add(start, e.amount, e.unit)
            if pushed is not None and (value is None or pushed > value):
                value = pushed
        if node[1] is not None and node[1] != OWN and value is not None and value < self.today:
            value = self.today  # an open step past its date: done today at best
        return value

    def _add(self, start: date, amount: int, unit: Unit) -> date | None:
        try:
            return self.calendar.add(start, amount, unit)
        except OverflowError:
            return None

    # --- backward: the latest date of every point that keeps go-live ------------------

    def backward(self, values: dict[Node, date | None]) -> dict[Node, date]:
        """The latest date each point can move to without moving the projected go-live
        (absent: none of its moves reach go-live)."""
        out: dict[Node, list[Edge]] = {n: [] for n in self.order}
        into: dict[Node, list[Edge]] = {n: [] for n in self.order}
        for e in self.edges:
            if e.dst not in self.fixed:  # a done item moves for nothing
                out[e.src].append(e)
                into[e.dst].append(e)
        latest: dict[Node, date] = {}
        if values[GO] is None:
            return latest
        latest[GO] = values[GO]  # type: ignore[assignment]
        order = list(reversed(self.order))
        queue, queued = deque(order), set(order)
        effort = EFFORT * len(order)
        while queue and effort > 0:
            node = queue.popleft()
            queued.discard(node)
            effort -= 1
            if node == GO or values[node] is None:
                continue
            bound = None  # the earliest of the latest starts its successors allow
            for e in out[node]:
                end = latest.get(e.dst)
                if end is not None:
                    start = self._latest_start(end, e)
                    if start is not None and (bound is None or start < bound):
                        bound = start
            if bound is not None and bound != latest.get(node):
                latest[node] = bound
                for e in into[node]:
                    if e.src not in queued:
                        queue.append(e.src)
                        queued.add(e.src)
        return latest

    def _latest_start(self, end: date, edge: Edge) -> date | None:
        """The latest day ``edge.src`` can be on and still keep ``edge.dst`` on ``end``."""
        amount, unit = edge.amount, edge.unit
        if unit != "bd":
            try:
                return end - timedelta(days=amount * (7 if unit == "w" else 1))
            except OverflowError:
                return None
        day = self._add(end, -amount, unit)
        if edge.lead or day is None or not amount:
            return day  # a lead time is kept up to the day counted back (``_earliest``)
        # counting back from a weekend overshoots (it counts like the Monday after): step
        # back to the latest business day whose count still ends by ``end``; a weekend
        # after it is no slack, a step done then counts like the Friday before
        while (later := self._add(day, amount, unit)) and later > end:
            day = self._add(day, -1, unit)  # type: ignore[assignment]
        return day

    def slack(self, values: dict[Node, date | None], latest: dict[Node, date]) -> dict[Key, int]:
        days: dict[Key, int] = {}
        for key in keys(self.plan):
            when, last = values[key], latest.get(key)
            if key not in self.fixed and when is not None and last is not None:
                days[key] = max(0, (last - when).days)
        for mi, m in enumerate(self.plan.milestones):  # on the path when any step is
            steps = [days[mi, si] for si in range(len(m.steps)) if (mi, si) in days]
            if (mi, None) not in self.fixed and (steps or (mi, None) in days):
                days[mi, None] = min(steps + ([days[mi, None]] if (mi, None) in days else []))
        return days

    # --- why: from go-live back to what moved it ---------------------------------------

    def cause(self, values: dict[Node, date | None]) -> tuple[Key | None, Lead]:
        """The item a late go-live comes from, and the lead times on the way: from
        go-live, follow whatever holds each date where it is, until a date held by its
        own reason (overdue, expected, planned so)."""
        into: dict[Node, list[Edge]] = {n: [] for n in self.order}
        for e in self.edges:
            into[e.dst].append(e)
        after = _reachable(GO, self.edges)  # what moves with go-live cannot have moved it
        lead: list[tuple[int, Unit]] = []
        node = GO
        while node == GO or self._own(node) != values[node]:
            held = [
                e
                for e in into[node]
                if e.src not in after
                and values[e.src] is not None
                and self._add(values[e.src], e.amount, e.unit) == values[node]  # type: ignore[arg-type]
            ]
            if not held:
                break
            edge = max(held, key=lambda e: e.lead)  # a lead time says more than a roll-up
            if edge.amount:
                lead.append((edge.amount, edge.unit))
            after.add(node)
            node = edge.src
        return _item(node), tuple(reversed(lead))

    def _own(self, node: Node) -> date | None:
        """A point's date for reasons of its own: planned, expected, or today at best."""
        if node in self.fixed:
            return self.fixed[node]
        value = self.base.get(node)
        if node[1] is not None and node[1] != OWN and value is not None and value < self.today:
            return self.today
        return value


def _reachable(start: Node, edges: list[Edge]) -> set[Node]:
    """``start`` and every point that moves when it does."""
    out: dict[Node, list[Node]] = {}
    for e in edges:
        out.setdefault(e.src, []).append(e.dst)
    seen, todo = {start}, [start]
    while todo:
        for node in out.get(todo.pop(), []):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _finished(steps: list[Step]) -> bool:
    """Every step done (``schedule.milestone_state`` says "done")."""
    return bool(steps) and all(s.status is Status.DONE for s in steps)
