"""The data a plan page's templates receive: the plan as the page shows it on a day.

Model -> view -> HTML: ``build_view`` works out everything a page shows (resolved and
projected dates, sides, health, the buyer's email actions, the calendars, what is
new) once, so that templates hold layout, not logic. docs/theming.md documents these
classes for theme authors (``python -m mapsite.themedocs``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from . import audience, explain, i18n, mailto, recheck, schedule
from .address import address, anchor, step_keys
from .config import SiteConfig
from .i18n import gettext as _
from .i18n import ngettext
from .load import Document
from .model import Milestone, Plan, Stakeholder, Status, Step
from .timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from .calendars import CalendarLinks
    from .changes import Change


@dataclass(frozen=True)
class StepView:
    """One step, with what the page shows about it."""

    step: Step
    """The step as written in the plan."""
    milestone: Milestone
    """The milestone it belongs to."""
    key: schedule.Key
    """(milestone index, step index)."""
    due: date | None
    """Target date, work-back expressions resolved."""
    projected: date | None
    """When it will likely happen, given what is late before it."""
    side: schedule.Side
    """buyer, seller, joint (both sides own it) or unassigned."""
    overdue_days: int
    """Days past its due date while open (0 when not overdue)."""
    critical: bool
    """On the chain of steps that sets the projected go-live."""
    owners: tuple[Stakeholder | str, ...]
    """Each owner as a stakeholder when named in the plan, else the bare name."""
    address: str = ""
    """How the rep names the step in commands: its id, or ``2.3``."""
    anchor: str = ""
    """The step's fragment on the page (``#anchor``): its id, or ``step-2-3``."""
    done_mail: str | None = None
    """'Done? Tell us': a mailto: link to the seller, on open steps the buyer's side
    owns (None when off, or when the plan names no seller email)."""
    question_mail: str | None = None
    """'Question about this step': a mailto: link to the seller, on every step."""
    expected: date | None = None
    """The owner's new estimate, when it is later than the due date (None otherwise):
    "due Wed 9 Dec, expected Tue 15 Dec"."""

    @property
    def overdue(self) -> bool:
        """Open and past its due date."""
        return self.overdue_days > 0

    @property
    def slipped(self) -> bool:
        """Projected later than its due date."""
        return bool(self.due and self.projected and self.projected > self.due)


@dataclass(frozen=True)
class MilestoneView:
    """One milestone, rolled up from its steps."""

    milestone: Milestone
    """The milestone as written in the plan."""
    number: int
    """1-based position in the plan."""
    due: date | None
    """Target date, work-back expressions resolved."""
    projected: date | None
    """When it will likely be reached."""
    state: schedule.MilestoneState
    """done, blocked, in progress or upcoming."""
    progress: schedule.Progress
    """Steps done of total (done, total, percent)."""
    steps: list[StepView]
    """Its steps, as shown."""
    current: bool
    """The milestone the deal is at now ("We are here")."""
    critical: bool
    """On the critical path to go-live."""
    anchor: str = ""
    """The milestone's fragment on the page: its id, or ``milestone-2``."""

    @property
    def slipped(self) -> bool:
        """Projected later than its due date."""
        return bool(self.due and self.projected and self.projected > self.due)


@dataclass(frozen=True)
class ShareView:
    """One line of the progress split: the steps one side owns, done of total."""

    label: str
    """The company's name, "Both sides" or "Others"."""
    side: schedule.Side
    """seller, buyer, joint (both sides own the steps) or unassigned."""
    progress: schedule.Progress
    """Its steps: done of total."""


def progress_split(plan: Plan, sides: dict[schedule.Key, schedule.Side]) -> list[ShareView]:
    """Steps done by who owns them, each step counted once (a step both sides own under
    "Both sides"), so that the lines add up to the plan's progress. Seller first, as
    the header names the parties; sides that own no step are left out."""
    labels: dict[schedule.Side, str] = {
        "seller": plan.seller.name,
        "buyer": plan.buyer.name,
        "joint": _("Both sides"),
        "unassigned": _("Others"),
    }
    lines = []
    for side, label in labels.items():
        steps = [
            plan.milestones[mi].steps[si]
            for (mi, si), owner in sides.items()
            if owner == side and si is not None
        ]
        if steps:
            lines.append(ShareView(label, side, schedule.progress(steps)))
    return lines


NEWS_SHOWN = 3
"""Changes the "What's new" panel shows before its "N more" disclosure."""

CHANGE_LOOKS: dict[str, tuple[str, str]] = {
    "go-live-later": ("flag", "late"),
    "go-live-earlier": ("flag", "good"),
    "go-live-set": ("flag", "info"),
    "go-live-removed": ("flag", "late"),
    "milestone-done": ("done", "good"),
    "milestone-new": ("new", "info"),
    "milestone-removed": ("removed", "info"),
    "milestone-renamed": ("edit", "info"),
    "milestone-due": ("calendar", "info"),
    "step-done": ("done", "good"),
    "step-started": ("in progress", "progress"),
    "step-blocked": ("blocked", "bad"),
    "step-unblocked": ("reopened", "progress"),
    "step-reopened": ("reopened", "late"),
    "step-new": ("new", "info"),
    "step-removed": ("removed", "info"),
    "step-renamed": ("edit", "info"),
    "step-due": ("calendar", "info"),
    "step-owner": ("person", "info"),
    "step-notes": ("edit", "info"),
    "person-joined": ("person", "info"),
    "person-left": ("person", "info"),
    "person-role": ("person", "info"),
    "risk-new": ("shield", "late"),
    "risk-removed": ("shield", "good"),
    "resource-new": ("link", "info"),
}
"""Each kind of change: its icon (partials/icons.html) and tone (good, late, bad,
progress or info: the colour; the sentence says it in words)."""


@dataclass(frozen=True)
class ChangeView:
    """One entry of the "What's new" panel."""

    kind: str
    """What changed: go-live-later, step-done, step-new ... (changes.KINDS)."""
    when: date
    """The date of the commit that made it (today for changes not committed yet)."""
    text: str
    """The change in words: "Go-live moved from Tue 31 Mar to Tue 14 Apr"."""
    icon: str
    """Its icon's name in partials/icons.html."""
    tone: str
    """good, late, bad, progress or info."""
    anchor: str | None
    """The fragment of the milestone or step it is about on this page, if any."""


@dataclass(frozen=True)
class NewsView:
    """The "What's new" panel: what changed in the plan lately, newest first."""

    since: date | None = None
    """The first day it covers (None: the panel is switched off)."""
    changes: list[ChangeView] = field(default_factory=list)
    """Every change since then; empty when nothing changed (the panel is not shown)."""

    @property
    def shown(self) -> list[ChangeView]:
        """The newest ones, always shown."""
        return self.changes[:NEWS_SHOWN]

    @property
    def more(self) -> list[ChangeView]:
        """The older ones, behind an "N more" disclosure."""
        return self.changes[NEWS_SHOWN:]


def news_view(since: date | None, changes: Sequence[Change]) -> NewsView:
    views = []
    for change in changes:
        icon, tone = CHANGE_LOOKS.get(change.kind, ("arrow", "info"))
        anchor = next((i.anchor for i in change.items if i.anchor), None)
        views.append(ChangeView(change.kind, change.when, change.text, icon, tone, anchor))
    return NewsView(since, views)


@dataclass(frozen=True)
class PlanView:
    """Everything a plan template shows, computed once."""

    plan: Plan
    """The plan as its buyer sees it (also passed as ``plan``): as written, without the
    roles of the buyer's people unless ``show_buyer_roles`` is on (audience.py)."""
    slug: str
    """The plan's short name, from its file name: lower case, words joined by '-'
    (``Northwind EMEA.md``: ``northwind-emea``)."""
    today: date
    """The date the page counts from (--today, or the build's day)."""
    body_html: Markup
    """The Markdown body, rendered."""
    progress: schedule.Progress
    """All steps: done of total."""
    buyer_progress: schedule.Progress
    """Steps the buyer owns or co-owns."""
    seller_progress: schedule.Progress
    """Steps the seller owns or co-owns."""
    progress_split: list[ShareView]
    """``progress`` by who owns the steps, each step counted once: seller, buyer, both
    sides, others. The lines add up to ``progress``."""
    milestones: list[MilestoneView]
    """Every milestone, in order."""
    next_up: list[StepView]
    """The next open steps by date (how many: next_up in mapsite.yml)."""
    current: MilestoneView | None
    """The milestone the deal is at now."""
    health: schedule.Health
    """on track, at risk or stalled, with the reasons (state, label, reasons)."""
    health_facts: str
    """What mapsite.js needs to rate the health again on a later day (JSON,
    ``recheck.facts``): the health card's ``data-health``."""
    go_live: date | None
    """The target go-live date."""
    projected_go_live: date | None
    """The go-live date the plan's slips lead to."""
    late_days: int
    """Days the projected go-live is after the target."""
    last_update: date | None
    """When the plan was last reviewed: updated:, or its last git commit."""
    buyer_people: list[Stakeholder]
    """Stakeholders on the buyer's side."""
    seller_people: list[Stakeholder]
    """Stakeholders on the seller's side."""
    other_people: list[Stakeholder]
    """Stakeholders without a side."""
    extra: dict[str, Any] = field(default_factory=dict)
    """The plan's free-form extra: fields, for themes."""
    pdf: str | None = None
    """File name of the plan's PDF beside the page, when one is printed."""
    logos: dict[str, str] = field(default_factory=dict)
    """'buyer' and 'seller' -> the logo's address, relative to the page."""
    plan_css: str | None = None
    """The plan's own stylesheet (the buyer's colour), if it has one: plan.css beside the
    page, or a data: URL inside a protected plan's encrypted page (unlock.js applies it)."""
    calendar: CalendarLinks | None = None
    """The calendars beside the page (plan, and people by name), for "Subscribe" and
    "Download .ics"; None when it publishes none (a protected plan)."""
    whats_new: NewsView = field(default_factory=NewsView)
    """What changed lately, from the plan's git history (the "What's new" panel)."""
    timeline: Timeline | None = None
    """The overview timeline: milestones as bars along the calendar (None when nothing
    in the plan has a date)."""
    late_reason: str | None = None
    """Why go-live is projected late, in words: "'Security questionnaire' (Aisha Bello)
    is 10 days overdue and must be done 6 weeks before go-live" (None when on time)."""
    language: str = "en"
    """The page's language as HTML writes it: ``de``, ``pt-BR`` (also ``lang``)."""
    direction: str = "ltr"
    """``rtl`` for a language written right to left (Arabic), else ``ltr`` (also ``dir``)."""
    first_week_day: int = 0
    """The day weeks start on in the page's language: 0 Monday ... 6 Sunday."""
    script_words: dict[str, str] = field(default_factory=dict)
    """What mapsite.js says when it re-checks the dates on a later day, in the page's
    language (``checked``, ``overdue-one``, ``overdue-other`` ...: data- attributes of
    the ``data-rechecked`` element)."""

    @property
    def overdue(self) -> list[StepView]:
        """Open steps past their due date."""
        return [sv for mv in self.milestones for sv in mv.steps if sv.overdue]


def build_view(
    doc: Document,
    today: date,
    config: SiteConfig,
    md: MarkdownIt,
    last_update: date | None,
    pdf: str | None = None,
    logos: dict[str, str] | None = None,
    plan_css: str | None = None,
    calendar: CalendarLinks | None = None,
    news: tuple[date, Sequence[Change]] | None = None,
    projection: schedule.Projection | None = None,
) -> PlanView:
    """``news``: the first day of the "What's new" panel and the changes since then;
    ``projection``: the plan's projection on ``today``, when the caller has it."""
    language = i18n.current()  # the page's (i18n.speaking around the caller)
    plan, dates = audience.for_buyer(doc.plan, config.show_buyer_roles), doc.dates
    if projection is None:
        projection = schedule.project(plan, dates, doc.calendar, today)
    people = schedule.people_by_name(plan)
    sides = schedule.sides(plan, people)

    asking = config.email_actions if plan.email_actions is None else plan.email_actions
    mailer = mailto.Mailer(plan, doc.handle) if asking else None

    def step_view(key: schedule.Key) -> StepView:
        mi, si = key
        assert si is not None
        milestone = plan.milestones[mi]
        step = milestone.steps[si]
        due = dates.due(key)
        done = question = None
        open_ = step.status is not Status.DONE  # a done step's estimate is history
        if mailer is not None:
            question = mailer.link(key, "question")
            if open_ and sides[key] in ("buyer", "joint"):
                done = mailer.link(key, "done")
        return StepView(
            step=step,
            milestone=milestone,
            key=key,
            due=due,
            projected=projection.projected.get(key),
            side=sides[key],
            overdue_days=schedule.days_overdue(step, due, today),
            critical=key in projection.critical,
            owners=tuple(people.get(name.casefold(), name) for name in step.owner),
            address=address(plan, key),
            anchor=anchor(plan, key),
            done_mail=done,
            question_mail=question,
            expected=step.expected
            if open_ and due and step.expected and step.expected > due
            else None,
        )

    step_views = {key: step_view(key) for key in step_keys(plan)}  # next_up shows some again
    current = schedule.current_milestone(plan)
    milestones = [
        MilestoneView(
            milestone=m,
            number=mi + 1,
            due=dates.due((mi, None)),
            projected=projection.projected.get((mi, None)),
            state=schedule.milestone_state(m),
            progress=schedule.progress(m.steps),
            steps=[step_views[mi, si] for si in range(len(m.steps))],
            current=mi == current,
            critical=(mi, None) in projection.critical,
            anchor=anchor(plan, (mi, None)),
        )
        for mi, m in enumerate(plan.milestones)
    ]
    health = schedule.health(plan, dates, projection, today, last_update)
    return PlanView(
        plan=plan,
        slug=doc.slug,
        today=today,
        body_html=Markup(md.render(doc.body)),
        progress=schedule.progress([s for _, s in plan.steps()]),
        buyer_progress=schedule.side_progress(plan, "buyer", sides),
        seller_progress=schedule.side_progress(plan, "seller", sides),
        progress_split=progress_split(plan, sides),
        milestones=milestones,
        next_up=[step_views[k] for k in schedule.next_up(plan, dates, projection, config.next_up)],
        current=milestones[current] if current is not None else None,
        health=health,
        health_facts=recheck.facts(plan, dates, health, last_update),
        go_live=plan.go_live,
        projected_go_live=projection.go_live,
        late_days=projection.late_by(plan),
        last_update=last_update,
        buyer_people=[p for p in plan.stakeholders if p.side == "buyer"],
        seller_people=[p for p in plan.stakeholders if p.side == "seller"],
        other_people=[p for p in plan.stakeholders if p.side is None],
        extra=plan.extra,
        pdf=pdf,
        logos=logos or {},
        plan_css=plan_css,
        calendar=calendar,
        whats_new=news_view(*news) if news else NewsView(),
        timeline=build_timeline(plan, dates, projection, today),
        late_reason=explain.reason(plan, dates, projection, today),
        language=language.tag,
        direction=language.direction,
        first_week_day=language.first_week_day,
        script_words=script_words(language),
    )


def script_words(language: i18n.Language) -> dict[str, str]:
    """mapsite.js's words: ``{date}`` and ``{n}`` are filled in by the script, and the
    plural form is picked there by the browser's rules (Intl.PluralRules)."""
    words = {"checked": _("dates checked against today, %(date)s") % {"date": "{date}"}}
    for form, n in language.plural_samples.items():
        text = ngettext("%(count)s day overdue", "%(count)s days overdue", n)
        words[f"overdue-{form}"] = text % {"count": "{n}"}
    return words
