"""The best practices of mutual action plans, as lint rules for ``mapsite check``.

One small function per rule; each yields findings located to the field they are
about. Codes are stable: add new ones, never renumber.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Literal

from . import brand, explain, i18n, mailto, schedule
from .errors import MapsiteError, Problem
from .load import Document, Source
from .model import Status, Step
from .site import Site, brand_warnings

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]

MAX_STEPS = 30
MIN_MILESTONES = 3
PLACEHOLDER_OWNERS = {
    "legal", "procurement", "tbd", "tba", "tbc", "the team", "team", "customer", "client",
    "buyer", "seller", "vendor", "us", "them", "we", "security", "finance", "it", "sales",
    "everyone", "all", "n/a", "na", "unknown", "someone", "?", "owner",
}  # fmt: skip
VAGUE = re.compile(
    r"\b(follow[- ]?ups?|touch(ing)? base|check[- ]?ins?|sync(ing|s)?|circle back|catch[- ]?up)\b",
    re.IGNORECASE,
)
CONTRACT = re.compile(
    r"\b(contracts?|signed(?![- ]?off)|signatures?|sign(?![- ]?off)|order form|purchase order|po"
    r"|closed?(?![- ]?out)|msa)\b",
    re.IGNORECASE,
)
ECONOMIC_BUYER = re.compile(r"economic buyer|budget holder|\bEB\b", re.IGNORECASE)
CHAMPION = re.compile(r"champion", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        path = f"{self.path}: " if self.path else ""
        rule = f"[{self.code} {self.name}]"
        return f"{where}: {self.severity}: {path}{self.message} ({self.hint}) {rule}"


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the document, its dates and today."""

    doc: Document
    today: date
    last_update: date | None
    email_actions: bool = True
    """The site's email_actions setting (a plan's own wins)."""
    language: i18n.Language = i18n.ENGLISH
    """The language of the plan's page, with the site's own wording."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    check: Callable[[Context], Iterator[tuple[Loc, str, str]]]


RULES: list[Rule] = []


def rule(code: str, name: str, severity: Severity, summary: str):  # type: ignore[no-untyped-def]
    def register(check: Callable[[Context], Iterator[tuple[Loc, str, str]]]):  # type: ignore[no-untyped-def]
        RULES.append(Rule(code, name, severity, summary, check))
        return check

    return register


def _steps(ctx: Context) -> Iterator[tuple[int, int, Loc]]:
    for mi, m in enumerate(ctx.doc.plan.milestones):
        for si in range(len(m.steps)):
            yield mi, si, ("milestones", mi, "steps", si)


# --- the rules ---------------------------------------------------------------------------


@rule("MAP001", "owner-not-named", "warning", "every step owner is a named stakeholder")
def owner_not_named(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    plan = ctx.doc.plan
    people = schedule.people_by_name(plan)
    for mi, si, loc in _steps(ctx):
        for oi, owner in enumerate(plan.milestones[mi].steps[si].owner):
            if owner.casefold() in people:
                continue
            where = (
                (*loc, "owner")
                if len(plan.milestones[mi].steps[si].owner) == 1
                else (*loc, "owner", oi)
            )
            if owner.casefold().strip(" .") in PLACEHOLDER_OWNERS:
                yield (
                    where,
                    f"'{owner}' is not a person",
                    "every step needs a named human: name who in that team owns it, "
                    "and list them under stakeholders",
                )
            else:
                yield (
                    where,
                    f"'{owner}' is not among the stakeholders",
                    "add them to stakeholders with their side and title",
                )


@rule("MAP002", "step-without-owner", "warning", "every step has an owner")
def step_without_owner(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    for mi, si, loc in _steps(ctx):
        if not ctx.doc.plan.milestones[mi].steps[si].owner:
            yield (*loc, "task"), "step has no owner", "add 'owner:' with the person who will do it"


@rule("MAP003", "step-without-date", "warning", "every step has a due date")
def step_without_date(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    for mi, si, loc in _steps(ctx):
        if ctx.doc.dates.due((mi, si)) is None:
            yield (
                (*loc, "task"),
                "step has no due date",
                "add 'due:' with a date or an offset like 'go_live - 2w'",
            )


@rule("MAP004", "step-after-milestone", "error", "steps are due by their milestone")
def step_after_milestone(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    dates = ctx.doc.dates
    for mi, si, loc in _steps(ctx):
        step_due, milestone_due = dates.due((mi, si)), dates.due((mi, None))
        if step_due and milestone_due and step_due > milestone_due:
            yield (
                (*loc, "due"),
                f"step is due {step_due}, after its milestone ({milestone_due})",
                "move the step earlier or the milestone later",
            )


@rule("MAP005", "milestone-after-go-live", "warning", "milestones are due by go-live")
def milestone_after_go_live(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    go_live = ctx.doc.plan.go_live
    if go_live is None:
        return
    dues = [ctx.doc.dates.due((mi, None)) for mi in range(len(ctx.doc.plan.milestones))]
    # milestones listed after the one due on go-live (a value review) follow it by design
    live = next((mi for mi, due in enumerate(dues) if due == go_live), len(dues))
    for mi, due in enumerate(dues[:live]):
        if due and due > go_live:
            yield (
                ("milestones", mi, "due"),
                f"milestone is due {due}, after go-live ({go_live})",
                "move it before go-live; a review after go-live goes after the milestone "
                "due on go-live",
            )


@rule("MAP006", "no-buyer-steps", "warning", "the buyer owns some steps")
def no_buyer_steps(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if not schedule.side_steps(ctx.doc.plan, "buyer"):
        yield (
            ("milestones",),
            "no step is owned by the buyer: this is a seller checklist, not a mutual plan",
            "give the buyer's people the steps only they can do: approvals, data, sign-off",
        )


@rule("MAP007", "ends-at-signature", "warning", "the plan goes past the signature")
def ends_at_signature(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    milestones = ctx.doc.plan.milestones
    last = len(milestones) - 1
    if CONTRACT.search(milestones[last].name) or milestones[last].id == "contract":
        yield (
            ("milestones", last, "name"),
            "the plan ends at the signature",
            "add what follows it: onboarding, go-live and the first value review",
        )


@rule("MAP008", "no-value", "warning", "the value summary is written")
def no_value(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if not ctx.doc.plan.value:
        yield (
            (),
            "no value summary",
            "add 'value:' with what this project does for the buyer, in their words",
        )


@rule("MAP009", "no-success-criteria", "warning", "success criteria are listed")
def no_success_criteria(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if not ctx.doc.plan.success_criteria:
        yield (
            (),
            "no success criteria",
            "add 'success_criteria:' with measurable results the buyer agreed",
        )


@rule("MAP010", "no-go-live", "warning", "the go-live date is set")
def no_go_live(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if ctx.doc.plan.go_live is None:
        yield (
            (),
            "no go-live date",
            "add 'go_live: YYYY-MM-DD', the date the buyer wants to be live",
        )


@rule("MAP011", "no-economic-buyer", "warning", "an economic buyer is named")
def no_economic_buyer(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if not _buyer_role(ctx, ECONOMIC_BUYER):
        yield (
            ("stakeholders",),
            "no economic buyer named",
            "add the buyer-side person who signs off the budget with 'role: Economic Buyer'",
        )


@rule("MAP012", "no-champion", "warning", "a champion is named")
def no_champion(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if not _buyer_role(ctx, CHAMPION):
        yield (
            ("stakeholders",),
            "no champion named",
            "add the buyer-side person who sells this internally with 'role: Champion'",
        )


def _buyer_role(ctx: Context, pattern: re.Pattern[str]) -> bool:
    return any(
        p.side in ("buyer", None) and p.role and pattern.search(p.role)
        for p in ctx.doc.plan.stakeholders
    )


@rule("MAP013", "too-long", "warning", f"at most {MAX_STEPS} steps")
def too_long(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    n = len(ctx.doc.plan.steps())
    if n > MAX_STEPS:
        yield (
            ("milestones",),
            f"{n} steps is more than a buyer will follow (at most {MAX_STEPS})",
            "merge small steps, or move detail into a step's notes",
        )


@rule("MAP014", "too-thin", "warning", f"at least {MIN_MILESTONES} milestones")
def too_thin(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    n = len(ctx.doc.plan.milestones)
    if n < MIN_MILESTONES:
        yield (
            ("milestones",),
            f"only {n} milestone{'s' if n != 1 else ''}",
            f"plan at least {MIN_MILESTONES}: e.g. validation, contract signed, live",
        )


@rule("MAP015", "vague-task", "warning", "tasks say what is done, not 'follow up'")
def vague_task(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    for mi, si, loc in _steps(ctx):
        task = ctx.doc.plan.milestones[mi].steps[si].task
        if match := VAGUE.search(task):
            yield (
                (*loc, "task"),
                f"'{match.group(0)}' is vague",
                "say what will be decided, sent or signed, e.g. 'Agree the rollout order with IT'",
            )


@rule("MAP016", "stale", "warning", f"updated within {schedule.STALE_DAYS} days")
def stale(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    if ctx.last_update is None:
        return
    days = (ctx.today - ctx.last_update).days
    if days >= schedule.STALE_DAYS:
        where: Loc = ("updated",) if ctx.doc.plan.updated else ()
        yield (
            where,
            f"not updated for {days} days (last {ctx.last_update})",
            "review the plan with the buyer, then set 'updated:' to today",
        )


@rule("MAP017", "overdue", "warning", "no open step is past due")
def overdue(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    for mi, si, loc in _steps(ctx):
        step = ctx.doc.plan.milestones[mi].steps[si]
        days = schedule.days_overdue(step, ctx.doc.dates.due((mi, si)), ctx.today)
        if days:
            yield (
                (*loc, "due"),
                f"step is {days} day{'s' if days != 1 else ''} overdue",
                "mark it done, or agree a new date with its owner",
            )


@rule("MAP018", "buyer-accent-contrast", "warning", "the buyer's colour is readable (WCAG AA)")
def buyer_accent_contrast(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    accent = ctx.doc.plan.buyer.accent
    if accent is None:
        return
    for pair in brand.accent_problems(accent):
        yield ("buyer", "accent"), pair, "choose a darker colour"


@rule("MAP019", "brand-contrast", "warning", "brand colours are readable (WCAG AA)")
def brand_contrast(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    return iter(())  # a site rule: see check_site


@rule("MAP020", "no-reply-address", "warning", "buyers can email a seller about a step")
def no_reply_address(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    plan = ctx.doc.plan
    asking = ctx.email_actions if plan.email_actions is None else plan.email_actions
    if asking and mailto.seller_contact(plan) is None:
        yield (
            ("stakeholders",) if plan.stakeholders else (),
            "no seller-side stakeholder has an email, so buyers get no 'Done? Tell us' "
            "or 'Question about this step' buttons",
            "add an email to a seller-side stakeholder, or set 'email_actions: false'",
        )


@rule("MAP021", "link-expired", "warning", "the private link has not expired")
def link_expired(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    expires = ctx.doc.plan.share.expires
    if expires is not None and expires < ctx.today:  # the link still works on its last day
        yield (
            ("share", "expires"),
            f"the link expired on {expires.isoformat()}: it answers 410 Gone and the build "
            "publishes nothing of the plan",
            "set a later date to share it again, or archive the plan",
        )


@rule("MAP022", "blocked-without-note", "warning", "a blocked step says what blocks it")
def blocked_without_note(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    for mi, si, loc in _steps(ctx):
        step = ctx.doc.plan.milestones[mi].steps[si]
        if step.status is Status.BLOCKED and not step.notes:
            yield (
                (*loc, "status"),
                "step is blocked, and no note says what blocks it",
                "add 'notes:' saying what it waits for and who can unblock it",
            )


@rule("MAP023", "go-live-late", "warning", "nothing moves the go-live")
def go_live_late(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    doc = ctx.doc
    projection = schedule.project(doc.plan, doc.dates, doc.calendar, ctx.today)
    sentence = explain.why_late(doc.plan, doc.dates, projection, ctx.today)
    if sentence is None:
        return
    where: Loc = ("go_live",)
    if (key := projection.cause) is not None:  # the date that moves it: due, or expected
        this, due = schedule.item(doc.plan, key), doc.dates.due(key)
        later = isinstance(this, Step) and schedule.expected(this, due) != due
        where = (*schedule.due_loc(key)[:-1], "expected" if later else "due")
    yield (
        where,
        f"go-live {sentence}",
        "agree a new date with its owner, or move go-live with the buyer",
    )


@rule("MAP024", "untranslated", "warning", "every word of the page is in the plan's language")
def untranslated(ctx: Context) -> Iterator[tuple[Loc, str, str]]:
    missing = ctx.language.missing
    if not missing:
        return
    code = ctx.language.code
    shown = ", ".join(f"'{m}'" for m in missing[:3]) + (", ..." if len(missing) > 3 else "")
    total = len(i18n.messages())
    yield (
        ("language",) if ctx.doc.plan.language else (),
        f"{len(missing)} of {total} strings have no '{code}' translation and show in English: "
        f"{shown}",
        f"translate them in mapsite/locale/{code}/LC_MESSAGES/mapsite.po as docs/translating.md "
        "shows, "
        "or give them your own wording under 'strings:' in mapsite.yml",
    )


# --- running them ---------------------------------------------------------------------------


def lint(
    doc: Document,
    today: date,
    last_update: date | None,
    ignore: set[str],
    email_actions: bool = True,
    language: i18n.Language = i18n.ENGLISH,
) -> list[Finding]:
    """Every finding of every rule not in ``ignore`` (codes or names, any case)."""
    ignored = {i.casefold() for i in ignore} | {i.casefold() for i in doc.plan.lint.ignore}
    ctx = Context(doc, today, last_update, email_actions, language)
    findings = []
    for r in RULES:
        if r.code.casefold() in ignored or r.name in ignored:
            continue
        for loc, message, hint in r.check(ctx):
            p = doc.source.problem(loc, message, hint)
            findings.append(
                Finding(r.code, r.name, r.severity, p.file, p.line, p.column, p.path, message, hint)
            )
    return findings


def check_site(site: Site, today: date) -> list[Finding]:
    """Lint every plan of a loaded site. Errors are raised: unknown rule names in
    ``ignore``, and whatever would make ``mapsite build`` fail (``preflight``)."""
    from . import playbooks
    from .preflight import build_problems  # renders pages: the theme's templates

    problems: list[Problem] = []
    if site.config_source is not None:
        problems += _unknown(site.config.lint.ignore, site.config_source, ("lint", "ignore"))
    for doc in site.documents:
        problems += _unknown(doc.plan.lint.ignore, doc.source, ("lint", "ignore"))
    problems += build_problems(site, today)
    # the site's playbooks: a broken one fails the pull request that brings it
    problems += playbooks.site_problems(site.root, today, site.config.seller, site.config.holidays)
    if problems:
        raise MapsiteError(problems)
    findings = []
    for doc in site.documents:
        findings += lint(
            doc,
            today,
            site.last_update(doc),
            set(site.config.lint.ignore),
            site.config.email_actions,
            site.language(doc),
        )
    ignored = {i.casefold() for i in site.config.lint.ignore}
    if not {"map019", "brand-contrast"} & ignored:
        findings += [
            Finding("MAP019", "brand-contrast", "warning", p.file, p.line, p.column, p.path,
                    p.message, p.hint)
            for p in brand_warnings(site)
        ]  # fmt: skip
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code))


def _unknown(codes: list[str], source: Source, loc: Loc) -> list[Problem]:
    known = {r.code.casefold() for r in RULES} | {r.name for r in RULES}
    return [
        source.problem((*loc, i), f"unknown rule '{code}'", _unknown_hint(code))
        for i, code in enumerate(codes)
        if code.casefold() not in known
    ]


def _unknown_hint(code: str) -> str:
    close = difflib.get_close_matches(code.casefold(), [r.name for r in RULES], n=1, cutoff=0.8)
    if close:
        return f"did you mean '{close[0]}'? 'mapsite check --rules' lists them"
    return (
        "use a code such as MAP015 or a name such as vague-task; 'mapsite check --rules' lists them"
    )


def summary(findings: list[Finding], plans: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    checked = f"{plans} plan{'s' if plans != 1 else ''} checked"
    if not findings:
        return f"{checked}, no problems"
    return (
        f"{checked}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def format_findings(findings: list[Finding], fmt: str) -> str:
    """``text`` (one line each), ``json`` (a list of objects) or ``github`` (annotations)."""
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], indent=2) + "\n"
    if fmt == "github":
        return "".join(
            f"::{f.severity} file={_escape_property(f.file)},line={f.line},col={f.column},"
            f"title={f.code} {f.name}::{_escape(f.path + ': ' if f.path else '')}"
            f"{_escape(f.message)} ({_escape(f.hint)})\n"
            for f in findings
        )
    return "".join(f"{f}\n" for f in findings)


def problems_as_findings(problems: list[Problem]) -> list[Finding]:
    """Load errors in the lint formats, for ``--format json`` and ``github``."""
    return [
        Finding("MAP000", "invalid", "error", p.file, p.line, p.column, p.path, p.message, p.hint)
        for p in problems
    ]


def _escape(text: str) -> str:
    # GitHub workflow commands: % and newlines must be encoded in the message
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # ... and in a property (file=...) also ':' and ',', which separate properties
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def rules_table() -> str:
    width = max(len(r.name) for r in RULES)
    return "".join(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}\n" for r in RULES)
