"""``mapsite report``: the manager's view across every plan, worst first."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date

from . import explain, schedule, whatsnew
from .load import Document
from .site import Site


@dataclass(frozen=True)
class Row:
    plan: str
    buyer: str
    title: str
    health: str
    reasons: str
    steps_done: int
    steps_total: int
    buyer_done: int
    buyer_total: int
    overdue_buyer_steps: int
    go_live: date | None
    projected_go_live: date | None
    days_late: int
    why_late: str | None
    """Why go-live is projected late, the sentence the page and check say (None: on time)."""
    days_since_update: int | None
    changes_7d: int
    """Changes in the plan's history over the last 7 days, today included."""
    next_step: str | None
    next_owner: str | None
    next_due: date | None
    draft: bool = False
    """``draft: true``: in preparation, not published by the build."""

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        rank = schedule.HEALTH_RANK[self.health]
        return (rank, -self.days_late, -self.overdue_buyer_steps, self.buyer.casefold())


def row(doc: Document, today: date, last_update: date | None, changes: int = 0) -> Row:
    plan, dates = doc.plan, doc.dates
    projection = schedule.project(plan, dates, doc.calendar, today)
    health = schedule.health(plan, dates, projection, today, last_update)
    total = schedule.progress([s for _, s in plan.steps()])
    buyer_keys = schedule.side_steps(plan, "buyer")
    buyer_steps = [plan.milestones[mi].steps[si] for mi, si in buyer_keys if si is not None]
    buyer = schedule.progress(buyer_steps)
    overdue_buyer = sum(
        1
        for (mi, si), step in zip(buyer_keys, buyer_steps, strict=True)
        if schedule.days_overdue(step, dates.due((mi, si)), today)
    )
    upcoming = schedule.next_up(plan, dates, projection, 1)
    next_step = next_owner = next_due = None
    if upcoming:
        mi, si = upcoming[0]
        assert si is not None
        step = plan.milestones[mi].steps[si]
        next_step, next_owner, next_due = (
            step.task,
            ", ".join(step.owner) or None,
            dates.due(upcoming[0]),
        )
    return Row(
        plan=doc.slug,
        buyer=plan.buyer.name,
        title=plan.title,
        health=health.state,
        reasons="; ".join(health.reasons),
        steps_done=total.done,
        steps_total=total.total,
        buyer_done=buyer.done,
        buyer_total=buyer.total,
        overdue_buyer_steps=overdue_buyer,
        go_live=plan.go_live,
        projected_go_live=projection.go_live,
        days_late=projection.late_by(plan),
        why_late=explain.why_late(plan, dates, projection, today),
        days_since_update=(today - last_update).days if last_update else None,
        changes_7d=changes,
        next_step=next_step,
        next_owner=next_owner,
        next_due=next_due,
        draft=plan.draft,
    )


CHANGES_DAYS = 7


def rows(site: Site, today: date) -> list[Row]:
    since = whatsnew.since_days(CHANGES_DAYS, today)
    whatsnew.preload(site, [doc.path for doc in site.documents], since)
    found = []
    for doc in site.documents:
        news = whatsnew.plan_news(site, doc, since, today)
        found.append(row(doc, today, site.last_update(doc), len(news.changes)))
    return sorted(found, key=lambda r: r.sort_key)


def render(table: list[Row], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(r) for r in table], indent=2, default=str) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(Row.__dataclass_fields__), lineterminator="\n")
        writer.writeheader()
        for r in table:
            writer.writerow({k: "" if v is None else v for k, v in asdict(r).items()})
        return out.getvalue()
    return text_table(table)


HEALTH_MARK = {"stalled": "■ Stalled", "at risk": "▲ At risk", "on track": "● On track"}


def text_table(table: list[Row]) -> str:
    """Aligned columns a manager reads in a terminal; long text is cut with '…'."""
    header = (
        "Buyer", "Health", "Steps", "Buyer steps", "Overdue (buyer)",
        "Go-live", "Projected", "Updated", f"Changed ({CHANGES_DAYS}d)", "Next step", "Owner",
    )  # fmt: skip
    lines = [header]
    for r in table:
        projected = _day(r.projected_go_live)
        if r.days_late:
            projected += f" (+{r.days_late}d)"
        lines.append(
            (
                cut(r.buyer, 24) + (" (draft)" if r.draft else ""),
                HEALTH_MARK[r.health],
                f"{r.steps_done}/{r.steps_total}",
                f"{r.buyer_done}/{r.buyer_total}",
                str(r.overdue_buyer_steps),
                _day(r.go_live),
                projected,
                "never" if r.days_since_update is None else f"{r.days_since_update}d ago",
                _count(r.changes_7d, "change") if r.changes_7d else "none",
                cut(r.next_step or "all done", 40),
                cut(r.next_owner or "", 24),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
           for line in lines]  # fmt: skip
    out.insert(1, "  ".join("-" * w for w in widths))
    counts = {h: sum(r.health == h for r in table) for h in HEALTH_MARK}
    late = [f"{r.buyer}: go-live {r.why_late}" for r in table if r.why_late]
    if late:
        out += ["", *late]
    drafts = sum(r.draft for r in table)
    out.append("")
    out.append(
        f"{len(table)} plan{'s' if len(table) != 1 else ''}: {counts['stalled']} stalled, "
        f"{counts['at risk']} at risk, {counts['on track']} on track"
        + (f" ({_count(drafts, 'draft')}, not published)" if drafts else "")
    )
    return "\n".join(out) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def cut(text: str, width: int) -> str:
    """``text`` at most ``width`` characters long, cut with '…'."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
