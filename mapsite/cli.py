"""The ``mapsite`` command: a thin click group; each command calls one function elsewhere."""

from __future__ import annotations

import importlib
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

# pydantic looks through every installed package's metadata for plugins the first time
# it builds a validator, a twentieth of a second of every command; mapsite uses none
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import click

from . import heap
from .build import build, print_plans
from .dates import DateSpec
from .errors import MapsiteError
from .load import display_path
from .model import Status
from .site import find_site, load_site, named_plans

if TYPE_CHECKING:
    from . import update


def _module(name: str) -> ModuleType:
    """One of mapsite's modules, imported when a command needs it: every command starts
    by importing this one, and a build has no use for the editing ones."""
    return importlib.import_module(f"mapsite.{name}")


def _site(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """The site named, or the one here: found as git finds a repository (``find_site``)."""
    return find_site(value)


SITE = click.argument(
    "site",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    required=False,
    callback=_site,
)


def today_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        envvar="MAPSITE_TODAY",
        help="Pretend today is this date (YYYY-MM-DD), for reproducible builds. "
        "Also read from MAPSITE_TODAY.",
    )(f)


def chromium_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--chromium",
        type=click.Path(dir_okay=False),
        help="Chromium or Chrome to print with (default: MAPSITE_CHROMIUM, then "
        "Playwright's own browser, then a system Chromium or Chrome).",
    )(f)


def format_option(*choices: str, help: str | None = None):  # type: ignore[no-untyped-def]
    """``--format``, the first choice being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def _today(value: datetime | None) -> date:
    return value.date() if value else date.today()


class Group(click.Group):
    """Every command stops on SIGTERM and SIGHUP as on Ctrl-C: its cleanup runs, one
    line says so, and the exit status is 128 + the signal's number (130 for Ctrl-C)."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        from .stop import Stopped, on_signals

        try:
            with on_signals():
                return super().invoke(ctx)
        except Stopped as exc:
            click.echo(f"Aborted ({exc.name}).", err=True)
            ctx.exit(128 + exc.signum)


def run() -> None:
    """The ``mapsite`` command line (``main``, and the way out: ``heap.ending``)."""
    try:
        main()
    except SystemExit as exc:  # click ends every command with one
        heap.ending(exc.code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", package_name="mapsite", prog_name="mapsite")
def main() -> None:
    """Mutual action plans as Markdown in git, published as polished private pages.

    A site is a folder with mapsite.yml, plans/*.md (one plan per deal), assets/ and
    themes/. Start with 'mapsite init', write plans, then 'mapsite build'.
    """


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--base-url, or asked for when someone types at a terminal (Enter skips it)."""
    if value is None and sys.stdin.isatty() and sys.stdout.isatty():
        value = click.prompt(
            "The site's address, for 'mapsite links' (e.g. https://plans.contoso.example; "
            "Enter to set it later)",
            default="",
            show_default=False,
        )
    if not value:
        return None
    try:
        return _module("scaffold").check_base_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    callback=_base_url,
    help="The site's address, e.g. https://plans.contoso.example (asked for when not given "
    "at a terminal): the links 'mapsite links' prints start with it.",
)
@click.option("--seller", help="Your company's name: the seller of every new plan.")
@today_option
def init(directory: Path, base_url: str | None, seller: str | None, today: datetime | None) -> None:
    """Create a new site in DIRECTORY (default: here).

    Writes mapsite.yml, playbooks/ with an example playbook, plans/ with an example
    plan made from it (a draft: not published), assets/, themes/, netlify.toml and a
    GitHub Actions workflow that runs 'mapsite check --strict' on every push.
    """
    scaffold = _module("scaffold")
    created = scaffold.init_site(directory, _today(today), seller=seller, base_url=base_url)
    for path in created:
        click.echo(f"created {display_path(path)}")
    site = "" if directory == Path() else f" --site {directory}"
    click.echo(
        f'\nNext: start a deal with \'mapsite new NAME --playbook enterprise --buyer "..." '
        f"--go-live YYYY-MM-DD{site}' ('mapsite playbooks' lists the playbooks),\n"
        f"or edit {display_path(created[1])} (a draft: remove 'draft: true' to publish it)."
    )


def _values(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for given in value:
        name, equals, text = given.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"'{given}' is not NAME=VALUE (e.g. champion=\"Priya Raman\")")
        values[name.strip()] = text
    return values


@main.command()
@click.argument("name")
@click.option(
    "--site",
    "site",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    callback=_site,
    help="The site folder (default: the one here, or the nearest above with mapsite.yml).",
)
@click.option(
    "--playbook",
    "-p",
    help="The playbook to start from: a name 'mapsite playbooks' lists (default: standard).",
)
@click.option("--buyer", help="The buyer's company name (default: from NAME).")
@click.option(
    "--seller",
    help="Your company's name (default: seller: in mapsite.yml, else the one every plan "
    "names, else 'Your company').",
)
@click.option(
    "--go-live",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The buyer's go-live date, YYYY-MM-DD; the playbook's dates count back from it "
    "(default: the playbook's usual length from today).",
)
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_values,
    help="A value for one of the playbook's placeholders, e.g. --set champion=\"Priya "
    'Raman"; repeat it for several.',
)
@click.option("--draft", is_flag=True, help="Write 'draft: true': checked, not published.")
@today_option
def new(
    name: str,
    site: Path,
    playbook: str | None,
    buyer: str | None,
    seller: str | None,
    go_live: datetime | None,
    values: dict[str, str],
    draft: bool,
    today: datetime | None,
) -> None:
    """Start a new plan, SITE/plans/NAME.md, from a playbook.

    The playbook's names are filled in and its dates resolved around the go-live:
    a complete, valid plan to adapt to the deal. 'mapsite playbooks' lists the
    playbooks, built in and the site's own (playbooks/NAME.md).
    """
    scaffold = _module("scaffold")
    path = scaffold.new_plan(
        site,
        name,
        _today(today),
        buyer=buyer,
        seller=seller,
        playbook=playbook,
        go_live=go_live.date() if go_live else None,
        values=values,
        draft=draft,
    )
    click.echo(f"created {display_path(path)}")
    past = scaffold.steps_before(path, _today(today))
    if past:
        steps = f"{past} step{'s are' if past != 1 else ' is'}"
        click.echo(
            f"note: {steps} dated before today (go-live is sooner than the playbook "
            "usually takes): agree new dates with the buyer (mapsite set --due), or mark "
            "what is done (mapsite done)",
            err=True,
        )


@main.command(name="playbooks")
@SITE
def playbooks_command(site: Path) -> None:
    """List the playbooks 'mapsite new --playbook' starts from, with what each is for.

    The site's own, in playbooks/NAME.md, come first (one named like a built-in
    playbook replaces it), then the built-in ones.
    """
    from .playbooks import listing

    click.echo(listing(site), nl=False)


DRAFT_NOTE = "draft: true; remove it to publish"


@main.command(name="build")
@SITE
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: SITE/public).",
)
@click.option(
    "--pdf/--no-pdf",
    default=True,
    show_default=True,
    envvar="MAPSITE_PDF",
    help="Print a PDF of each plan beside its page (needs Chromium). "
    "MAPSITE_PDF=0 turns it off too.",
)
@click.option(
    "--replace-output",
    is_flag=True,
    help="Replace the output folder even when it holds files that mapsite did not "
    "write (they are deleted). Never the site, a git folder or your home folder.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Render every plan again, even those that did not change since the last build.",
)
@chromium_option
@today_option
def build_command(
    site: Path,
    out: Path | None,
    pdf: bool,
    replace_output: bool,
    full: bool,
    chromium: str | None,
    today: datetime | None,
) -> None:
    """Build every plan in SITE/plans into a static site, with a PDF of each.

    The new site replaces the old one, all at once, only when the whole build
    succeeded; only an empty folder or one that mapsite built is replaced.
    Plans that did not change since the last build are carried over as they
    were (--full renders them all). Exits with status 1 and lists every error
    when a plan is invalid.
    """
    start = time.perf_counter()
    heap.one_shot()
    result = build(site, out, today=_today(today), pdf=pdf, chromium=chromium,
                   replace=replace_output, full=full)  # fmt: skip
    for warning in result.warnings:
        where, _, rest = str(warning).partition(": ")
        click.echo(f"{where}: warning: {rest}", err=True)
    took = time.perf_counter() - start
    plural = "s" if result.pages != 1 else ""
    same = result.pages - (result.rendered if result.rendered is not None else result.pages)
    unchanged = f" ({same} unchanged)" if same else ""
    where = display_path(result.out)
    click.echo(f"built {result.pages} plan{plural} into {where}{unchanged} in {took:.2f} s")
    if result.drafts:
        click.echo(f"not published: {', '.join(result.drafts)} ({DRAFT_NOTE})")


@main.command()
@click.argument(
    "plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--out",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs (default: here).",
)
@chromium_option
@today_option
def pdf(plans: tuple[Path, ...], out: Path, chromium: str | None, today: datetime | None) -> None:
    """Print chosen plans to PDF: mapsite pdf plans/northwind.md -o outbox/

    Each PDF is named after its buyer and title and looks like the page, made for
    paper; a protected plan's PDF is encrypted with its password.
    """
    for path in print_plans(list(plans), out, today=_today(today), chromium=chromium):
        click.echo(f"wrote {display_path(path)}")


@main.command()
@SITE
@today_option
@format_option("text", "json", "github", help="github prints GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (for CI).")
@click.option(
    "--rules",
    is_flag=True,
    is_eager=True,  # before SITE: listing the rules needs no site
    expose_value=False,
    callback=lambda ctx, param, value: _list_rules(ctx) if value else None,
    help="List the lint rules and exit.",
)
def check(site: Path, today: datetime | None, fmt: str, strict: bool) -> None:
    """Validate every plan and check it against mutual-action-plan best practices.

    Prints each finding as file:line:col with a rule code and a fix, then a count.
    Nothing is written. Exit status 1 on errors (and on warnings with --strict).
    Silence rules in mapsite.yml or a plan's front matter: lint: {ignore: [MAP015]}.
    """
    from . import lint  # only check needs the rules

    heap.one_shot()
    try:
        loaded = load_site(site)
        findings = lint.check_site(loaded, _today(today))
    except MapsiteError as exc:
        if fmt == "text":
            raise
        click.echo(lint.format_findings(lint.problems_as_findings(exc.problems), fmt), nl=False)
        sys.exit(1)
    click.echo(lint.format_findings(findings, fmt), nl=False)
    if fmt == "text":
        click.echo(lint.summary(findings, len(loaded.documents)))
    failing = [f for f in findings if f.severity == "error" or strict]
    if failing:
        sys.exit(1)


def _list_rules(ctx: click.Context) -> None:
    from . import lint

    click.echo(lint.rules_table(), nl=False)
    ctx.exit()


@main.command()
@click.argument(
    "plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def rotate(plans: tuple[Path, ...]) -> None:
    """Give plans a new private link: mapsite rotate plans/northwind.md

    Writes a new random share token into each plan's front matter (or adds one) and
    keeps the old token under share.previous: after the next build, the old link
    answers 410 Gone with a neutral page. Send the buyer the new link (mapsite links).
    """
    from .share import rotate as rotate_tokens

    for done in rotate_tokens(plans):
        what = "replaced the share token" if done.old else "added a share token"
        click.echo(f"{done.shown}: {what}; new link path /{done.new}/")


def _checked(name: str):  # type: ignore[no-untyped-def]
    """A click callback: each value given parsed by update.``name``, its ValueError a
    usage error."""

    def callback(ctx: click.Context, param: click.Parameter, value):  # type: ignore[no-untyped-def]
        parse = getattr(_module("update"), name)
        try:
            if isinstance(value, tuple):
                return tuple(map(parse, value)) or None
            return None if value is None else parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


PLAN_STEPS = click.argument("args", nargs=-1, required=True, metavar="PLAN STEP... [PLAN STEP...]")
DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Print the changes as a diff; write nothing."
)


@main.command()
@click.argument("plans", nargs=-1, metavar="[PLAN]...")
@click.option("--open", "open_only", is_flag=True, help="Leave out the steps that are done.")
@format_option("text", "json")
@today_option
def status(plans: tuple[str, ...], open_only: bool, fmt: str, today: datetime | None) -> None:
    """Every step of a plan: the address that names it, status, owners and date.

    PLAN is a plan file or a plan's name (northwind for plans/northwind.md); without
    one, every plan. The address (an id, or 2.3 for milestone 2, step 3) is what
    'mapsite done' and 'mapsite set' take.
    """
    from . import status as status_module

    found = status_module.status(plans, _today(today), open_only=open_only)
    click.echo(status_module.render(found, fmt, _today(today)), nl=False)


@main.command()
@PLAN_STEPS
@DRY_RUN
@today_option
def done(args: tuple[str, ...], dry_run: bool, today: datetime | None) -> None:
    """Mark steps done: mapsite done plans/northwind.md 2.3 backtest

    STEP is a step's id, its number (2.3: milestone 2, step 3) or words of its task
    (several matches are refused and listed). Several plans at once: start each
    plan's steps with its path. Only those values change in the file, and updated:
    becomes today; a plan that would become invalid is not written.
    """
    _update(args, _module("update").Values(status=Status.DONE), today, dry_run)


@main.command(name="set")
@PLAN_STEPS
@click.option(
    "--status", callback=_checked("parse_status"), help="todo, in progress, done or blocked."
)
@click.option(
    "--due",
    callback=_checked("parse_due"),
    help="A date (YYYY-MM-DD) or an offset such as 'go_live - 6w'.",
)
@click.option(
    "--expected",
    callback=_checked("parse_expected"),
    help="The owner's new estimate (YYYY-MM-DD), kept beside the due date they agreed; "
    "'none' takes it out.",
)
@click.option(
    "--owner",
    multiple=True,
    callback=_checked("parse_text"),
    help="Who owns the step; repeat it for a jointly owned step.",
)
@click.option(
    "--note",
    callback=_checked("parse_text"),
    help="The step's notes (Markdown), replacing any it has.",
)
@DRY_RUN
@today_option
def set_command(
    args: tuple[str, ...],
    status: Status | None,
    due: DateSpec | None,
    expected: date | str | None,
    owner: tuple[str, ...] | None,
    note: str | None,
    dry_run: bool,
    today: datetime | None,
) -> None:
    """Change steps: mapsite set plans/northwind.md backtest --due 2027-01-08

    STEP as for 'mapsite done'. Only the values given change in the file, and
    updated: becomes today; a plan that would become invalid is not written.
    """
    values = _module("update").Values(status, due, owner, note, expected)
    if not values.given():
        raise click.UsageError("say what to change: --status, --due, --expected, --owner or --note")
    _update(args, values, today, dry_run)


def _update(
    args: tuple[str, ...], values: update.Values, today: datetime | None, dry_run: bool
) -> None:
    outcome = _module("update").update(args, values, _today(today), dry_run=dry_run)
    if dry_run:
        click.echo("".join(outcome.diffs), nl=False)
    for line in outcome.lines:
        click.echo(line, err=dry_run)  # a dry run's standard output is a patch
    if dry_run:
        click.echo("dry run: nothing written", err=True)


@main.command()
@SITE
@today_option
def links(site: Path, today: datetime | None) -> None:
    """Print each plan's private link, to send to its buyer.

    The address comes from base_url in mapsite.yml, or from Netlify's URL variable
    during a Netlify build.
    """
    from .share import site_links

    lines, notes = site_links(load_site(site, with_history=False), _today(today))
    for line in lines:
        click.echo(line)
    for note in notes:
        click.echo(f"note: {note}", err=True)


@main.command()
@SITE
@today_option
@format_option("table", "csv", "json")
def report(site: Path, today: datetime | None, fmt: str) -> None:
    """Every deal at a glance, worst first: health, progress, slips, the next step.

    The manager's "show me the plan", read from the plans themselves.
    """
    from . import report as report_module

    heap.one_shot()
    loaded = load_site(site)
    click.echo(report_module.render(report_module.rows(loaded, _today(today)), fmt), nl=False)


@main.command(name="import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--sheet", metavar="NAME", help="The workbook's sheet (default: the one open when saved)."
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plan file to write (default: plans/BUYER.md in the site here).",
)
@click.option("--buyer", help="The buyer's company name (default: from the file's name).")
@click.option(
    "--seller", help="Your company's name (default: from the other plans, or 'Your company')."
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    help="How to read dates such as 12/03/2026: dmy (12 March) or mdy (3 December). "
    "Without it, such dates are refused.",
)
@click.option("--go-live", type=click.DateTime(formats=["%Y-%m-%d"]), help="The go-live date.")
@today_option
def import_command(
    source: Path,
    sheet: str | None,
    out: Path | None,
    buyer: str | None,
    seller: str | None,
    date_order: str | None,
    go_live: datetime | None,
    today: datetime | None,
) -> None:
    """Turn a mutual-action-plan spreadsheet (.xlsx or .csv) into a plan file.

    Columns are recognised by their usual names (Milestone or Phase, Task or Action,
    Owner, Due, Status, Notes, Side); other columns are kept under each step's extra:.
    Every cell that cannot be read is listed, and then nothing is written.
    """
    from .importer import import_sheet

    path = import_sheet(
        source,
        out,
        None if out else find_site(),
        sheet=sheet,
        buyer=buyer,
        seller=seller,
        order=date_order,  # type: ignore[arg-type]
        go_live=go_live.date() if go_live else None,
        today=_today(today),
    )
    click.echo(f"created {display_path(path)} from {display_path(source)}")


@main.command(name="export")
@click.argument("plan")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    help="csv, xlsx or json  [default: from -o's extension, else csv]",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: standard output; for xlsx, PLAN.xlsx here).",
)
@today_option
def export_command(plan: str, fmt: str | None, out: Path | None, today: datetime | None) -> None:
    """Write a plan's steps as a spreadsheet, for the buyer's own project tool.

    One row a step: milestone, task, owner, side, due, projected, status, notes and
    the step's extra: fields. PLAN is a plan file or a plan's name. 'mapsite import'
    reads the file back.
    """
    from .export import export

    written = export(plan, fmt, out, _today(today))
    if isinstance(written, Path):
        click.echo(f"wrote {display_path(written)}", err=True)
    else:
        click.echo(written, nl=False)


def since_option(default: str | None, help: str):  # type: ignore[no-untyped-def]
    return click.option("--since", metavar="DATE|7d|2w", default=default, help=help)


def _since(value: str | None, today: date) -> date | None:
    from .whatsnew import parse_since

    if value is None:
        return None
    try:
        return parse_since(value, today)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--since'") from None


@main.command()
@click.argument("plans", nargs=-1, metavar="[PLAN]...")
@since_option(
    None,
    "Changes from this date (YYYY-MM-DD), or over the last days or weeks: 7d, 2w "
    "(today included). Default: the plan's What's new window (whats_new_days, 14).",
)
@format_option("text", "json")
@today_option
def changes(plans: tuple[str, ...], since: str | None, fmt: str, today: datetime | None) -> None:
    """What changed in plans, from their git history: mapsite changes northwind --since 7d

    The page's "What's new", for the rep: newest first, grouped by the date of the
    commit that made each change; edits not committed yet count as today's. PLAN is a
    plan file or a plan's name; without one, every plan here.
    """
    from . import whatsnew

    day = _today(today)
    found, notes = whatsnew.for_plans(named_plans(plans), _since(since, day), day)
    for note in notes:
        click.echo(note, err=True)
    click.echo(whatsnew.render(found, fmt, day), nl=False)


@main.command()
@SITE
@since_option(
    "7d",
    "Changes from this date (YYYY-MM-DD), or over the last days or weeks: 7d, 2w (today included).",
)
@click.option("--person", metavar="NAME", help="Only this person (any case).")
@format_option("text", "markdown", "json", help="markdown: for an email or a GitHub issue.")
@today_option
def digest(site: Path, since: str, person: str | None, fmt: str, today: datetime | None) -> None:
    """Each person's week across every plan: overdue steps, steps due in the next 7
    days, and what changed that concerns them. People with nothing to report are left
    out. Run it on a schedule: docs/digest.md.
    """
    from . import digest as digest_module

    day = _today(today)
    start = _since(since, day)
    assert start is not None
    heap.one_shot()
    loaded = load_site(site)
    try:
        found = digest_module.digest(loaded, day, start, person)
    except digest_module.UnknownPerson as exc:
        raise click.BadParameter(str(exc), param_hint="'--person'") from None
    click.echo(digest_module.render(found, fmt), nl=False)


@main.command()
@SITE
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets a phone on the same network connect.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).  [default: 8000, or the next free one]",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@today_option
def serve(
    site: Path, host: str, port: int | None, open_browser: bool, today: datetime | None
) -> None:
    """Preview the site and rebuild it on every save, with live reload.

    Watches plans/, themes/, assets/ and mapsite.yml. Editing one plan re-renders
    that plan only. Errors show in the browser over the page. On an address other
    than this computer's own, protected plans are served locked, as published.
    """
    from .serve import serve as run_server  # watchdog is only needed here

    run_server(site, host, port, lambda: _today(today), open_browser, log=click.echo)


@main.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def schema(out: Path | None) -> None:
    """Print the JSON Schema of a plan's front matter, for editors."""
    from .schema import plan_schema_json  # reads model.py's source: only when asked

    text = plan_schema_json()
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {display_path(out)}", err=True)
    else:
        click.echo(text, nl=False)
