"""Model -> HTML through the theme's Jinja environment.

Templates get plain, precomputed data (``view``) so they hold layout, not logic.
Autoescaping is on and undefined variables are errors.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markupsafe import Markup

try:
    from markupsafe import _escape_inner  # markupsafe 3: C speedups or its Python twin
except ImportError:  # pragma: no cover - markupsafe 2

    def _escape_inner(s: str, /) -> str:
        return str(Markup.escape(s))


from . import cache, mailto, schedule
from .address import address, anchor, step_keys
from .config import SiteConfig
from .load import Document
from .model import Milestone, Plan, Stakeholder, Status, Step, safe_url
from .themes import Theme

if TYPE_CHECKING:
    from .calendars import CalendarLinks
    from .changes import Change

DECISION_ROLES = ("champion", "economic buyer", "decision maker", "executive sponsor", "signer")


def markdown_renderer(allow_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables; links limited to safe schemes and opened without a
    referrer; images shown as links (a page loads nothing from other hosts). Raw HTML
    only when the site allows it (markdown_html: true, for trusted authors only)."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )
    md.validateLink = safe_url  # type: ignore[method-assign]

    def link_open(tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "noopener noreferrer")
        return md.renderer.renderToken(tokens, idx, options, env)  # type: ignore[no-any-return]

    def image(tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = escape_html(token.attrGet("src") or "")
        alt = escape_html(md.renderer.renderInlineAsText(token.children or [], options, env))
        return f'<a href="{src}" rel="noopener noreferrer">{alt or src}</a>'

    md.renderer.rules["link_open"] = link_open
    md.renderer.rules["image"] = image
    return md


# --- dates the way people read them --------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a page shows the same few dates many times
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
    return f"in {duration(days)}" if days > 0 else f"{duration(days)} ago"


def duration(days: int) -> str:
    """``1 day``, ``9 days``, ``3 weeks``, ``4 months``, ``2 years``."""
    n = abs(days)
    if n < 14:
        amount, unit = n, "day"
    elif n < 60:
        amount, unit = round(n / 7), "week"
    elif n < 365 * 2:
        amount, unit = round(n / 30.44), "month"
    else:
        amount, unit = round(n / 365.25), "year"
    return f"{amount} {unit}{'s' if amount != 1 else ''}"


# --- the data templates receive --------------------------------------------------------


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
    """The plan as written (also passed as ``plan``)."""
    slug: str
    """The plan file's name without .md."""
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
    milestones: list[MilestoneView]
    """Every milestone, in order."""
    next_up: list[StepView]
    """The next open steps by date (how many: next_up in mapsite.yml)."""
    current: MilestoneView | None
    """The milestone the deal is at now."""
    health: schedule.Health
    """on track, at risk or stalled, with the reasons (state, label, reasons)."""
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
    """The plan's own stylesheet beside the page (the buyer's colour), if it has one."""
    calendar: CalendarLinks | None = None
    """The calendars beside the page (plan, and people by name), for "Subscribe" and
    "Download .ics"; None when it publishes none (a protected plan)."""
    whats_new: NewsView = field(default_factory=NewsView)
    """What changed lately, from the plan's git history (the "What's new" panel)."""

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
) -> PlanView:
    """``news``: the first day of the "What's new" panel and the changes since then."""
    plan, dates = doc.plan, doc.dates
    projection = schedule.project(plan, dates, doc.calendar, today)
    people = schedule.people_by_name(plan)
    sides = schedule.sides(plan, people)

    asking = config.email_actions if plan.email_actions is None else plan.email_actions
    mailer = mailto.Mailer(plan, doc.slug) if asking else None

    def step_view(key: schedule.Key) -> StepView:
        mi, si = key
        assert si is not None
        milestone = plan.milestones[mi]
        step = milestone.steps[si]
        due = dates.due(key)
        done = question = None
        if mailer is not None:
            question = mailer.question(key)
            if step.status is not Status.DONE and sides[key] in ("buyer", "joint"):
                done = mailer.done(key)
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
            done_mail=done.url if done else None,
            question_mail=question.url if question else None,
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
    return PlanView(
        plan=plan,
        slug=doc.slug,
        today=today,
        body_html=Markup(md.render(doc.body)),
        progress=schedule.progress([s for _, s in plan.steps()]),
        buyer_progress=schedule.side_progress(plan, "buyer", sides),
        seller_progress=schedule.side_progress(plan, "seller", sides),
        milestones=milestones,
        next_up=[step_views[k] for k in schedule.next_up(plan, dates, projection, config.next_up)],
        current=milestones[current] if current is not None else None,
        health=schedule.health(plan, dates, projection, today, last_update),
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
    )


def _output_escape(value: Any) -> str:
    """What ``{{ value }}`` writes: markupsafe's escape without wrapping every result in
    a new Markup object, which the output never needs (a sixth of a page's render time)."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))


class _Template(jinja2.Template):
    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # type: ignore[no-untyped-def]
        template = super().from_code(environment, code, globals, uptodate)
        # Jinja calls ``escape`` only around output (``{{ }}``), and looks it up in the
        # compiled template's module globals
        template.root_render_func.__globals__["escape"] = _output_escape
        return template


def template_loader(theme: Theme) -> jinja2.BaseLoader:
    """The theme chain, most specific first; ``NAME:template.html`` is that theme's own
    template, so a theme can extend its parent's page and override one block:
    ``{% extends "default:plan.html" %}``."""
    named: dict[str, jinja2.BaseLoader] = {}
    for folder in reversed(theme.chain):  # a built-in name means the built-in theme
        if (folder / "templates").is_dir():
            named.setdefault(folder.name, jinja2.FileSystemLoader(folder / "templates"))
    return jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(theme.template_dirs), jinja2.PrefixLoader(named, delimiter=":")]
    )


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in this machine's cache (``cache.py``): compiling a
    theme's templates takes about 0.15 s of every build, loading them 0.01 s.

    Jinja checks that a template's own source has not changed. Compiling reads more
    than that: filters with constant arguments run at compile time, so the theme's
    icons (and Markdown, as the site allows it) are folded into the code of the
    templates that use them. So the check also covers every template file of the
    theme chain, the site's Markdown setting, mapsite's filters and Jinja's version.
    """

    def __init__(self, theme: Theme, markdown_html: bool) -> None:
        digest = hashlib.sha256()
        # this file holds the filters: another mapsite (installed or edited) compiles anew
        stamp = Path(__file__).stat()
        parts = [__file__, stamp.st_mtime_ns, stamp.st_size, jinja2.__version__, markdown_html]
        digest.update(repr(parts).encode())
        for folder in theme.chain:
            for path in sorted((folder / "templates").rglob("*.html")):
                digest.update(f"{path}\0".encode() + path.read_bytes() + b"\0")
        self.fingerprint = digest.hexdigest()

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{source}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cache.read_bytes(f"templates/{bucket.key}.jinja")
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged file: compile again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write_bytes(f"templates/{bucket.key}.jinja", bucket.bytecode_to_string())


def make_environment(
    theme: Theme,
    today: date,
    static_url: Callable[[str], str],
    md: MarkdownIt,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(theme),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # an environment lives for one build (the dev server makes a new one when a
        # theme changes): no need to stat every template on every page
        auto_reload=False,
    )
    env.template_class = _Template
    env.filters["date"] = lambda d: format_date(d, today)
    env.filters["relative"] = lambda d: relative(d, today)
    env.filters["duration"] = duration
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["markdown"] = lambda text: Markup(md.render(text or ""))
    env.filters["initials"] = initials
    env.filters["safe_url"] = lambda url: url if url and safe_url(url) else None
    env.filters["tel"] = lambda phone: "".join(c for c in phone if c.isdigit() or c == "+")
    env.filters["is_key_role"] = lambda role: bool(role) and role.casefold() in DECISION_ROLES
    env.globals["static"] = static_url
    env.globals["today"] = today
    # the theme's icons.html macros, as filters: Jinja calls a filter directly, while a
    # global goes through Context.call, which cost more than the cached macro itself
    env.filters["icon"] = memo_macro(env, "svg")
    for name in ("status", "owner_list", "due"):
        env.filters[name] = memo_macro(env, name)
    env.globals["critical"] = memo_macro(env, "critical")
    return env


ICONS = "partials/icons.html"
_LOADING_ICONS = "_mapsite_loading_icons"


def memo_macro(env: jinja2.Environment, name: str) -> Callable[..., Markup]:
    """A macro of the theme's icons.html, rendered once per distinct arguments.

    Steps repeat the same status, date and owners over and over; calling a Jinja
    macro each time was most of the rendering time of a page.
    """
    cache: dict[tuple[Any, ...], Markup] = {}

    def render(*args: Any) -> Markup:
        # Jinja folds a filter with constant arguments ({{ "calendar" | icon }}) into the
        # compiled template by calling it at compile time. Inside icons.html itself that
        # would compile icons.html again, and again: there, refuse, and Jinja leaves the
        # call to run time.
        if env.globals.get(_LOADING_ICONS):
            raise RuntimeError("icons.html is still being compiled")
        env.globals[_LOADING_ICONS] = True
        try:
            module = env.get_template(ICONS).module
        finally:
            env.globals[_LOADING_ICONS] = False
        return Markup(getattr(module, name)(*args))

    def call(*args: Any) -> Markup:
        try:
            result = cache.get(args)
        except TypeError:  # a list among the arguments: cache it by its items
            key = tuple(tuple(a) if isinstance(a, list) else a for a in args)
            try:
                result = cache.get(key)
            except TypeError:  # still unhashable: no caching
                return render(*args)
            if result is None:
                result = cache[key] = render(*args)
            return result
        if result is None:
            result = cache[args] = render(*args)
        return result

    return call


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return name[:1].upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()
