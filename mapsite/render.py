"""Model -> HTML through the theme's Jinja environment.

Templates get plain, precomputed data (``view``) so they hold layout, not logic.
Autoescaping is on and undefined variables are errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import schedule
from .config import SiteConfig
from .load import Document
from .model import Milestone, Plan, Stakeholder, Step
from .themes import Theme

SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
DECISION_ROLES = ("champion", "economic buyer", "decision maker", "executive sponsor", "signer")


def markdown_renderer() -> MarkdownIt:
    """CommonMark plus tables; raw HTML off and links limited to safe schemes."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )

    def validate_link(url: str) -> bool:
        lowered = url.strip().lower()
        scheme = lowered.split(":", 1)[0] + ":" if ":" in lowered.split("/", 1)[0] else ""
        return not scheme or lowered.startswith(SAFE_SCHEMES)

    md.validateLink = validate_link  # type: ignore[method-assign]
    return md


# --- dates the way people read them --------------------------------------------------


def format_date(value: date | None, today: date) -> str:
    """``Tue 15 Dec``, with the year when it is not this year."""
    if value is None:
        return "No date"
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == today.year else f"{text} {value.year}"


def relative(value: date | None, today: date) -> str:
    """``today``, ``tomorrow``, ``in 3 weeks``, ``2 days ago``."""
    if value is None:
        return ""
    days = (value - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n < 14:
        amount = f"{n} days"
    elif n < 60:
        amount = f"{round(n / 7)} weeks"
    elif n < 365 * 2:
        months = round(n / 30.44)
        amount = f"{months} month{'s' if months != 1 else ''}"
    else:
        amount = f"{round(n / 365.25)} years"
    return f"in {amount}" if days > 0 else f"{amount} ago"


# --- the data templates receive --------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: Step
    milestone: Milestone
    side: schedule.Side
    overdue: bool
    owners: list[Stakeholder | str]
    """Each owner as a stakeholder when named in the plan, else the bare name."""


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    number: int
    state: schedule.MilestoneState
    progress: schedule.Progress
    steps: list[StepView]
    current: bool


@dataclass(frozen=True)
class PlanView:
    """Everything a plan template shows, computed once."""

    plan: Plan
    slug: str
    today: date
    body_html: Markup
    progress: schedule.Progress
    buyer_progress: schedule.Progress
    seller_progress: schedule.Progress
    milestones: list[MilestoneView]
    next_up: list[StepView]
    current: MilestoneView | None
    buyer_people: list[Stakeholder]
    seller_people: list[Stakeholder]
    other_people: list[Stakeholder]
    extra: dict[str, Any] = field(default_factory=dict)


def build_view(doc: Document, today: date, config: SiteConfig, md: MarkdownIt) -> PlanView:
    plan = doc.plan
    people = schedule.people_by_name(plan)

    def step_view(milestone: Milestone, step: Step) -> StepView:
        return StepView(
            step=step,
            milestone=milestone,
            side=schedule.step_side(step, people),
            overdue=schedule.is_overdue(step, today),
            owners=[people.get(name.casefold(), name) for name in step.owner],
        )

    current = schedule.current_milestone(plan)
    milestones = [
        MilestoneView(
            milestone=m,
            number=i + 1,
            state=schedule.milestone_state(m),
            progress=schedule.progress(m.steps),
            steps=[step_view(m, s) for s in m.steps],
            current=m is current,
        )
        for i, m in enumerate(plan.milestones)
    ]
    return PlanView(
        plan=plan,
        slug=doc.slug,
        today=today,
        body_html=Markup(md.render(doc.body)),
        progress=schedule.progress([s for _, s in plan.steps()]),
        buyer_progress=schedule.side_progress(plan, "buyer"),
        seller_progress=schedule.side_progress(plan, "seller"),
        milestones=milestones,
        next_up=[step_view(m, s) for m, s in schedule.next_up(plan, config.next_up)],
        current=next((mv for mv in milestones if mv.current), None),
        buyer_people=[p for p in plan.stakeholders if p.side == "buyer"],
        seller_people=[p for p in plan.stakeholders if p.side == "seller"],
        other_people=[p for p in plan.stakeholders if p.side is None],
        extra=plan.extra,
    )


def make_environment(
    theme: Theme, today: date, static_url: Callable[[str], str], md: MarkdownIt
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme.template_dirs),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = lambda d: format_date(d, today)
    env.filters["relative"] = lambda d: relative(d, today)
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["markdown"] = lambda text: Markup(md.render(text or ""))
    env.filters["initials"] = initials
    env.filters["tel"] = lambda phone: "".join(c for c in phone if c.isdigit() or c == "+")
    env.filters["is_key_role"] = lambda role: bool(role) and role.casefold() in DECISION_ROLES
    env.globals["static"] = static_url
    env.globals["today"] = today
    return env


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return name[:1].upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()
