"""How long does ``mapsite build`` take for a site with many plans?

Generates N synthetic but realistic plans (seeded, so every run builds the same
site: about 20 steps over 5-6 milestones, a few stakeholders on each side, about
60 lines of front matter and a short Markdown body each), then times a full
HTML-only build of that site, ``mapsite build SITE -o OUT --no-pdf --today
2026-11-23``, as a fresh subprocess: wall time from spawn to exit, so Python
start-up, imports and interpreter shutdown are included, as a user or a CI job
sees it. Each child is reaped with ``os.wait4`` for its own CPU time and peak
memory (Unix only).

Run it from the repository root::

    .venv/bin/python benchmarks/build_speed.py                     # N = 100 and 1000, 3 runs each
    .venv/bin/python benchmarks/build_speed.py --sizes 10,100 --repeat 5
    .venv/bin/python benchmarks/build_speed.py --sizes 1000 --keep # keep the site and its build
    .venv/bin/python benchmarks/build_speed.py --sizes 1000 --history  # plans with git history
    .venv/bin/python benchmarks/build_speed.py --sizes 1000 --repeat 1 --profile /tmp/prof

It prints figures and never fails on a slow result: it exits non-zero only when a
build fails or does not write one page per plan. ``generate_site`` is also used by
the other benchmarks here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mapsite.dates import Calendar

TODAY = date(2026, 11, 23)
US_DAYS = Calendar("US")  # the generated site's holidays (mapsite.yml: holidays: US)
TARGET_PLANS = 1000
TARGET_SECONDS = 3.0

# --- the synthetic site ------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Priya Daniel Margaret Lee Aisha Rachel Tom Jorge Sam Ken Olivia Marcus Nina Elena Wei "
    "Fatima Lars Sofia Mateo Hannah Kwame Yuki Ingrid Omar Chloe Ravi Zara Lukas Amara Diego Mei "
    "Tobias Leila Hugo Anika Felix Noor Jonas Camille Arjun"
)
LAST_NAMES = _words(
    "Raman Okafor Chen Park Bello Novak Brennan Alvarez Ortiz Ito Grant Hale Patel Varga Zhang "
    "Haddad Lindqvist Rossi Fernandez Schmidt Mensah Tanaka Berg Khalil Dubois Iyer Hussain "
    "Weber Nwosu Morales Liu Fischer Karimi Laurent Sharma Becker Rahman Jensen Moreau Kapoor"
)
COMPANY_WORDS = _words(
    "Northwind Fabrikam Tailspin Woodgrove Adatum Litware Proseware Wingtip Fourth Coffee Alpine "
    "Blue Yonder Lucerne Margie Relecloud Trey Wide World Humongous Graphic Contoso Bellows "
    "Datum Lakeshore Ironbridge Kestrel Halcyon Meridian Silverline Oakmont Tidewater"
)
COMPANY_SUFFIXES = (
    "Financial",
    "Health",
    "Logistics",
    "Insurance",
    "Manufacturing",
    "Retail",
    "Energy",
    "Bank",
    "Airlines",
    "Foods",
    "Media",
    "Group",
)
SELLERS = ("Contoso", "Relecloud", "Litware", "Proseware")
PROJECTS = (
    "Revenue forecasting rollout",
    "Customer data platform",
    "Contract lifecycle management",
    "Field service scheduling",
    "Claims automation",
    "Supplier risk monitoring",
    "Warehouse analytics",
    "Self-service billing portal",
    "Identity and access consolidation",
    "Sales enablement platform",
)
BUYER_ROLES = (
    ("Champion", "Director of Operations"),
    ("Economic Buyer", "Chief Financial Officer"),
    ("Decision Maker", "Chief Operating Officer"),
    ("Technical Evaluator", "Senior Data Engineer"),
    ("Security Reviewer", "Information Security Manager"),
    ("Legal", "Senior Corporate Counsel"),
    ("Procurement", "Strategic Sourcing Manager"),
)
SELLER_ROLES = (
    ("Account Executive", "Enterprise Account Executive"),
    ("Solutions Engineer", "Senior Solutions Engineer"),
    ("Customer Success Manager", "Customer Success Manager"),
    ("Executive Sponsor", "VP Sales"),
)
# (id, name, tasks): milestones in the order a deal goes through them.
MILESTONES = (
    (
        "discovery",
        "Discovery and success criteria agreed",
        (
            "Run the discovery workshop with {team} and two regional leads",
            "Map today's process and the {n} spreadsheets it depends on",
            "Interview {n} front-line managers about the weekly cycle",
            "Sign off the evaluation scorecard: accuracy, time saved, data coverage",
            "Agree the success criteria in writing",
        ),
    ),
    (
        "security",
        "Security review passed",
        (
            "Send the security questionnaire, SOC 2 Type II report and pen test summary",
            "Security architecture review: SSO, data residency, encryption at rest",
            "Answer the {n} open questions on sub-processors",
            "Approve the egress IP range for the network allowlist",
            "Issue the risk rating and vendor approval memo",
        ),
    ),
    (
        "poc",
        "Technical validation complete",
        (
            "Provision the evaluation tenant and connect the sandbox (read-only)",
            "Grant a read-only service account for the data connector",
            "Backtest {n} quarters of history against the submitted numbers",
            "Review the backtest with the {team} analysts",
            "Present the readout against the scorecard to the {team} leads",
        ),
    ),
    (
        "business-case",
        "Business case approved",
        (
            "Collect baseline figures: hours spent, error rate, rework",
            "Build the business case: hours saved, risk reduced, {n}-year TCO",
            "Executive alignment meeting on rollout scope and success metrics",
            "Reference call with a {team} leader at a similar customer",
            "Approve the budget line for the subscription and implementation",
        ),
    ),
    (
        "contract",
        "Contract signed",
        (
            "Send the MSA, DPA and order form with pre-approved fallback positions",
            "Return consolidated redlines (liability cap, notice period)",
            "Agree the final commercial terms for {n} years",
            "Register the supplier in the procurement system and issue the PO",
            "Countersign the MSA, DPA and order form",
        ),
    ),
    (
        "go-live",
        "Live in production",
        (
            "Implementation kickoff: project plan, RACI and weekly status agreed",
            "Configure SSO and user provisioning for {n}0 users",
            "Switch on the production connectors and reconcile to the {team} report",
            "Train the front-line managers and certify {n} admins",
            "Run the first weekly cycle end to end with no spreadsheet",
        ),
    ),
    (
        "first-value",
        "First value review",
        (
            "Measure adoption by team after {n} weeks",
            "Present adoption and time saved against the baseline",
            "Agree the expansion plan for the next {n} teams",
        ),
    ),
)
TEAMS = ("Finance", "RevOps", "IT", "Operations", "Sales", "Procurement", "Support")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), safe inside flow mappings."""
    return json.dumps(text, ensure_ascii=False)


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)}"


def _person(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            return name


def _email(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}.example"


def _status(rng: random.Random, due: date) -> str | None:
    """Past steps are mostly done; future ones mostly to do. None means the default (todo)."""
    days = (due - TODAY).days
    if days < -14:
        return rng.choices(["done", "in progress", "blocked"], [95, 3, 2])[0]
    if days < 0:
        return rng.choices(["done", "in progress", "blocked"], [75, 20, 5])[0]
    if days < 14:
        return rng.choices(["done", "in progress", "blocked", None], [15, 45, 10, 30])[0]
    return rng.choices([None, "todo", "in progress"], [70, 20, 10])[0]


def _token(rng: random.Random) -> str:
    """A share token like ``mapsite new`` writes, but from the seeded generator."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return rng.choice(alphabet[:52]) + "".join(rng.choice(alphabet) for _ in range(21))


def _milestone_due(due: date, go_live: date) -> tuple[str, date]:
    """Milestones ahead are counted from go-live in whole weeks, as reps plan them, on
    a business day; ones already behind keep the date they happened on. With the date
    that comes to."""
    if due < TODAY:
        return due.isoformat(), due
    weeks = round((go_live - due).days / 7)
    while not US_DAYS.is_business_day(go_live - timedelta(weeks=weeks)):
        weeks += 1  # a week earlier, off the holiday
    due = go_live - timedelta(weeks=weeks)
    if weeks == 0:
        return "go_live", due
    return (f"go_live - {weeks}w" if weeks > 0 else f"go_live + {-weeks}w"), due


def _step_due(
    rng: random.Random,
    due: date,
    status: str | None,
    milestone: str,
    gap: int,
    previous: tuple[str, int] | None,
) -> str:
    """A finished step keeps its date; an open one counts back from its milestone in
    business days, or on from the step before it (a chain a slip runs down)."""
    if status == "done" or due < TODAY - timedelta(days=14):
        return due.isoformat()
    if previous is not None and previous[1] > gap and rng.random() < 0.3:
        step, its_gap = previous
        return f"{step} + {its_gap - gap}bd"
    return f"{milestone} - {gap}bd" if gap else milestone


def plan_text(rng: random.Random, buyer: str, seller: str) -> str:
    """One plan file: about 60 lines of front matter (one line per step) and a short body."""
    buyer_domain = buyer.split()[0].lower()
    seller_domain = seller.lower()
    taken: set[str] = set()
    # every plan names a champion and an economic buyer, plus one or two others
    roles = [*BUYER_ROLES[:2], *rng.sample(BUYER_ROLES[2:], rng.randint(1, 2))]
    buyers = [(_person(rng, taken), r) for r in roles]
    sellers = [(_person(rng, taken), r) for r in rng.sample(SELLER_ROLES, rng.randint(2, 3))]
    buyer_names = [n for n, _ in buyers]
    seller_names = [n for n, _ in sellers]

    start = TODAY - timedelta(days=rng.randint(20, 90))
    go_live = TODAY + timedelta(days=rng.randint(60, 200))
    go_live -= timedelta(days=max(0, go_live.weekday() - 4))  # a weekday
    go_live_index = [m[0] for m in MILESTONES].index("go-live")  # plans run past signature
    others = [i for i in range(len(MILESTONES)) if i != go_live_index]
    chosen = sorted([go_live_index, *rng.sample(others, rng.randint(4, 5))])
    span = (go_live - start).days
    team = rng.choice(TEAMS)

    lines = [
        "---",
        f"title: {rng.choice(PROJECTS)}",
        f"buyer: {{name: {buyer}, logo: logos/{buyer_domain}.svg}}",
        f"seller: {{name: {seller}, logo: logos/{seller_domain}.svg}}",
        f"share: {{token: {_token(rng)}}}",
        f"go_live: {go_live.isoformat()}",
        f"compelling_event: {buyer}'s {team} team must run on the new process before the "
        f"{go_live:%B} planning cycle.",
        f"value: {buyer} replaces {rng.randint(4, 20)} regional spreadsheets with one governed "
        f"process, so {team} and the business stop reconciling two numbers every week.",
        "success_criteria:",
        f"  - Forecast within {rng.randint(3, 8)}% of actuals by the end of the first quarter",
        f"  - Weekly preparation drops from {rng.randint(2, 4)} days to {rng.randint(2, 6)} hours",
        f"  - {rng.randint(80, 95)}% of managers use it weekly by week 4 after go-live",
        "stakeholders:",
    ]
    for name, (role, title) in buyers:
        lines.append(
            f"  - {{name: {name}, side: buyer, title: {title}, role: {role}, "
            f"email: {_email(name, buyer_domain)}}}"
        )
    for name, (role, title) in sellers:
        lines.append(
            f"  - {{name: {name}, side: seller, title: {title}, role: {role}, "
            f"email: {_email(name, seller_domain)}}}"
        )
    lines.append("milestones:")
    # about 20 steps per plan, spread over the milestones
    counts = [len(MILESTONES[i][2]) for i in chosen]
    target = rng.randint(18, 22)
    while sum(counts) > target:
        counts[rng.choice([k for k, c in enumerate(counts) if c > 2])] -= 1
    for k, (index, count) in enumerate(zip(chosen, counts, strict=True)):
        ident, name, tasks = MILESTONES[index]
        spread = start + timedelta(days=span * (k + 1) // len(chosen))
        due_text, due = _milestone_due(spread, go_live)
        lines += [
            f"  - name: {name}",
            f"    id: {ident}",
            f"    due: {due_text}",
        ]
        lines.append("    steps:")
        picked = [tasks[t] for t in sorted(rng.sample(range(len(tasks)), count))]
        previous: tuple[str, int] | None = None  # the step before: its id, its gap
        for j, task in enumerate(picked):
            gap = (count - 1 - j) * rng.randint(2, 6)  # business days before the milestone
            step_due = due - timedelta(days=gap * 7 // 5)
            owner = rng.choice(buyer_names + seller_names)
            if rng.random() < 0.2:  # a jointly owned step
                owner = f"[{rng.choice(buyer_names)}, {rng.choice(seller_names)}]"
            status = _status(rng, step_due)
            step_id = f"{ident}-{j + 1}"
            step_date = _step_due(rng, step_due, status, ident, gap, previous)
            fields = [
                f"id: {step_id}",
                f"task: {_q(task.format(team=team, n=rng.randint(2, 9)))}",
                f"owner: {owner}",
                f"due: {step_date}",
            ]
            # a later step may count on from this one when it is counted too
            previous = (step_id, gap) if not step_date[:1].isdigit() else None
            if status:
                fields.append(f"status: {status}")
            if status == "blocked":
                fields.append(f"notes: {_q(f'Waiting on **{team}** to approve access.')}")
            lines.append(f"      - {{{', '.join(fields)}}}")
    lines += [
        "risks:",
        f"  - {{risk: Year-end change freeze stalls access, owner: {buyer_names[0]}}}",
        f"updated: {(TODAY - timedelta(days=rng.randint(0, 10))).isoformat()}",
        "---",
        "## Why we are here",
        "",
        f"{buyer} missed its last {team.lower()} target by {rng.randint(5, 15)}%. This plan gets",
        f"one governed process in place before **{go_live:%B} {go_live.day}, {go_live.year}**.",
        "",
        "## How we work together",
        "",
        f"- **Weekly:** 30-minute plan review ({buyer_names[0]}, {seller_names[0]})",
        "- Anything blocked for more than three working days goes to the sponsors",
        "",
    ]
    return "\n".join(lines)


# the default theme's footer, which --theme-template copies into the site's own theme
BUILTIN_FOOTER = (
    Path(__file__).resolve().parent.parent / "mapsite" / "themes" / "default" / "templates"
    / "partials" / "footer.html"
)  # fmt: skip

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">'
    '<rect width="40" height="40" rx="8" fill="#{color}"/></svg>\n'
)


def generate_site(root: Path, n: int, seed: int, *, theme_template: bool = False) -> None:
    """Write ``mapsite.yml``, ``assets/logos/`` and ``n`` plans into the empty folder
    ``root``; with ``theme_template``, the site's theme (``themes/brand``, on top of the
    default) brings a template of its own, so every template runs in Jinja's sandbox."""
    rng = random.Random(seed)
    (root / "plans").mkdir(parents=True)
    (root / "assets" / "logos").mkdir(parents=True)
    theme = "brand" if theme_template else "default"
    (root / "mapsite.yml").write_text(
        f"title: Benchmark plans\ntheme: {theme}\nholidays: US\n", encoding="utf-8"
    )
    if theme_template:
        own = root / "themes" / "brand" / "templates" / "partials"
        own.mkdir(parents=True)
        (own.parent.parent / "theme.yml").write_text("name: Brand\nextends: default\n")
        shutil.copy(BUILTIN_FOOTER, own / "footer.html")  # the same page, sandboxed
    logos: set[str] = set()
    for i in range(n):
        buyer, seller = _company(rng), rng.choice(SELLERS)
        for company in (buyer.split()[0], seller):
            if company.lower() not in logos:
                logos.add(company.lower())
                svg = LOGO.format(color=f"{rng.randrange(0x1000000):06x}")
                (root / "assets" / "logos" / f"{company.lower()}.svg").write_text(
                    svg, encoding="utf-8"
                )
        slug = f"{buyer.lower().replace(' ', '-')}-{i:04d}"
        text = plan_text(rng, buyer, seller)
        (root / "plans" / f"{slug}.md").write_text(text, encoding="utf-8")


HISTORY_COMMITS = 10
HISTORY_SHARE = 0.15  # of the plans each of those commits touches


def _git(site: Path, *args: str, when: date) -> None:
    stamp = f"{when.isoformat()}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)


def _edit(rng: random.Random, text: str) -> str:
    """One change a rep makes in a week: a step done, go-live moved, an owner swapped,
    a step's date moved, or a new step."""
    lines = text.split("\n")
    steps = [i for i, line in enumerate(lines) if line.startswith("      - {id: ")]
    kind = rng.choice(["done", "go-live", "owner", "due", "new step"])
    if kind == "go-live":
        i = next(i for i, line in enumerate(lines) if line.startswith("go_live: "))
        moved = date.fromisoformat(lines[i][9:]) + timedelta(weeks=rng.choice([-1, 1, 2]))
        lines[i] = f"go_live: {moved.isoformat()}"
    elif kind == "done":
        i = rng.choice(steps)
        line = re.sub(r", status: [a-z ]+", "", lines[i])
        lines[i] = line[:-1] + ", status: done}"
    elif kind == "owner":
        i = rng.choice(steps)
        lines[i] = re.sub(r"owner: [^,\[]+,", f"owner: {rng.choice(FIRST_NAMES)} Novak,", lines[i])
    elif kind == "due":
        i = rng.choice(steps)
        lines[i] = re.sub(r"due: [^,}]+", f"due: {TODAY + timedelta(days=rng.randint(1, 40))}",
                          lines[i])  # fmt: skip
    else:
        i = rng.choice(steps)
        extra = f"      - {{task: Extra review {rng.randint(1, 99)}, owner: Sam Novak}}"
        lines.insert(i + 1, extra)
    return "\n".join(lines)


def make_history(site: Path, seed: int) -> None:
    """Put the site in a git repository with a history: every plan committed 60 days
    ago, then HISTORY_COMMITS commits over the last 20 days, each changing
    HISTORY_SHARE of the plans (what a team of reps does in three weeks)."""
    rng = random.Random(seed + 1)
    start = TODAY - timedelta(days=60)
    _git(site, "init", "-q", when=start)
    _git(site, "add", ".", when=start)
    _git(site, "commit", "-q", "-m", "Plans", when=start)
    plans = sorted((site / "plans").glob("*.md"))
    for k in range(HISTORY_COMMITS):
        when = TODAY - timedelta(days=20 - 2 * k)
        for path in rng.sample(plans, round(len(plans) * HISTORY_SHARE)):
            path.write_text(_edit(rng, path.read_text(encoding="utf-8")), encoding="utf-8")
        _git(site, "commit", "-q", "-a", "-m", f"Week's updates {k + 1}", when=when)


# --- timing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float
    """Seconds from spawn to exit, as seen by the parent."""
    reported: float | None
    """The build time mapsite prints itself (after imports), when it could be read."""
    cpu: float
    """User + system CPU seconds of this child: steadier than wall time on a busy machine."""
    max_rss_kib: int
    """Peak resident memory of this child alone."""


def _rss_kib(ru_maxrss: int) -> int:
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss  # bytes on macOS


def run_child(args: list[str], cwd: Path, cache: Path | None = None) -> tuple[Run, str, str]:
    """Run ``args``; reap it with ``os.wait4`` so the memory figure is this child's own.

    ``cache``: mapsite's cache folder for the child (its holiday tables)."""
    env = {**os.environ, "MAPSITE_CACHE_DIR": str(cache)} if cache else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: do not leave the build running
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)}\nexited with {proc.returncode}:\n{stdout}{stderr}")
    found = re.search(r" in ([0-9.]+) s$", stdout.strip())
    reported = float(found.group(1)) if found else None
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, reported, cpu, _rss_kib(usage.ru_maxrss)), stdout, stderr


def time_build(
    site: Path,
    n: int,
    repeat: int,
    *,
    cache: Path,
    keep: bool = False,
    profile: Path | None = None,
) -> list[Run]:
    """Build ``site`` 1 + ``repeat`` times, each into a new folder; check one page per plan.

    The first build starts with an empty ``cache`` (as on a new machine or a CI runner);
    the others find it filled, as a rep's builds do."""
    shutil.rmtree(cache, ignore_errors=True)
    runs = []
    for i in range(repeat + 1):
        out = site.parent / f"out-{i}"
        args = [sys.executable, "-m", "mapsite", "build", str(site), "-o", str(out), "--no-pdf"]
        if profile is not None:
            stats = profile / f"build-{n}-{i}.prof"
            args[1:1] = ["-m", "cProfile", "-o", str(stats)]
        run, _, _ = run_child([*args, "--today", TODAY.isoformat()], site.parent, cache)
        pages = len(list(out.glob("*/index.html")))
        if pages != n:
            sys.exit(f"expected {n} plan pages in {out}, found {pages}")
        if not (keep and i == repeat):
            shutil.rmtree(out)
        runs.append(run)
    return runs


def print_profile(stats_file: Path, limit: int = 12) -> None:
    """The functions with the most time of their own in one saved profile."""
    print(f"\nprofile of the last build: {stats_file}")
    print(f"(more: {sys.executable} -m pstats {stats_file})")
    stats = pstats.Stats(str(stats_file), stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(limit)


def time_startup(cwd: Path, repeat: int) -> list[Run]:
    """``mapsite --version``: interpreter start-up plus every import a build needs."""
    args = [sys.executable, "-m", "mapsite", "--version"]
    return [run_child(args, cwd)[0] for _ in range(repeat)]


# --- report ------------------------------------------------------------------------------


def describe_mapsite() -> str:
    """Which mapsite the children import: version, folder and git commit when there is one."""
    code = "import mapsite, os; print(mapsite.__version__, os.path.dirname(mapsite.__file__))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if found.returncode != 0:
        sys.exit(f"cannot import mapsite with {sys.executable}:\n{found.stderr}")
    version, folder = found.stdout.strip().split(" ", 1)
    git = ["git", "-C", folder]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if commit.returncode != 0:
        return f"{version} from {folder}"
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True)
    state = " with uncommitted changes" if dirty.stdout.strip() else ""
    return f"{version} from {folder}, commit {commit.stdout.strip()}{state}"


SPEED_PROBE = "sum(i * i for i in range(10**7))"
"""A fixed pure-Python loop: how fast this interpreter runs on this host right now."""

_DESCRIBE = f"""
import platform, sys, time
try:  # Linux: is libpython a shared library of this process?
    with open("/proc/self/maps") as maps:
        linked = ", libpython shared" if "libpython" in maps.read() else ", libpython static"
except OSError:
    linked = ""
start = time.perf_counter()
{SPEED_PROBE}
probe = time.perf_counter() - start
name = f"{{platform.python_implementation()}} {{platform.python_version()}}"
print(f"{{name}} ({{sys.executable}}{{linked}}); 10^7 squares in {{probe:.2f}} s")
"""


def describe_python() -> str:
    """The interpreter the builds run on, and how fast it runs ``SPEED_PROBE`` now. Its
    build matters as much as the host's load: a CPython compiled without profile-guided
    optimisation and with libpython as a shared library (pyenv's build with
    ``--enable-shared``) runs mapsite about a fifth slower than Debian's
    (benchmarks/README.md, "The interpreter")."""
    found = subprocess.run([sys.executable, "-c", _DESCRIBE], capture_output=True, text=True)
    return found.stdout.strip() or f"{sys.executable} (not described: {found.stderr.strip()})"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[100, 1000], help="plan counts (default: 100,1000)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; median is shown")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the plan generator")
    parser.add_argument(
        "--history",
        action="store_true",
        help="put each site in a git repository with some history (see make_history)",
    )
    parser.add_argument(
        "--theme-template",
        action="store_true",
        help="give the site's theme a template of its own: every template runs in the sandbox",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated sites and the last build of each"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run each build under cProfile, saving DIR/build-N-RUN.prof (times get slower)",
    )
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # rows as they come
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    profile: Path | None = args.profile.absolute() if args.profile else None
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    print(f"machine: {platform.platform()}, {cpus} CPUs ({usable} usable)")
    print(f"python:  {describe_python()}")
    print(f"mapsite: {describe_mapsite()}")
    print(f"today:   {TODAY.isoformat()}, seed {args.seed}, {args.repeat} run(s) per size\n")

    # a terminated run still removes its temporary sites (the finally below)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="mapsite-bench-"))
    results: dict[int, list[Run]] = {}
    try:
        startup = time_startup(work, args.repeat)
        walls = [r.wall for r in startup]
        print(
            f"start-up (mapsite --version): median {statistics.median(walls):.3f} s, "
            f"min {min(walls):.3f} s, peak RSS {max(r.max_rss_kib for r in startup) / 1024:.0f} MiB"
        )
        header = (
            f"{'plans':>6} {'median s':>9} {'min s':>7} {'1st s':>6} {'plans/s':>8} "
            f"{'CPU s':>6} {'in-build s':>10} {'peak RSS':>9} {'plans on disk':>13}"
        )
        print(f"\n{header}\n{'-' * len(header)}")
        for n in args.sizes:
            site = work / f"site-{n}" / "site"
            generate_site(site, n, args.seed, theme_template=args.theme_template)
            if args.history:
                make_history(site, args.seed)
            size = sum(p.stat().st_size for p in (site / "plans").iterdir())
            first, *runs = time_build(
                site, n, args.repeat, cache=work / "cache", keep=args.keep, profile=profile
            )
            results[n] = runs
            median = statistics.median(r.wall for r in runs)
            reported = [r.reported for r in runs if r.reported is not None]
            in_build = f"{statistics.median(reported):.2f}" if reported else "n/a"
            cpu = statistics.median(r.cpu for r in runs)
            rss = max(r.max_rss_kib for r in runs) / 1024
            print(
                f"{n:>6} {median:>9.2f} {min(r.wall for r in runs):>7.2f} {first.wall:>6.2f} "
                f"{n / median:>8.0f} "
                f"{cpu:>6.2f} {in_build:>10} {rss:>6.0f} MiB {size / 1024:>10.0f} KiB"
            )
    finally:
        if args.keep:
            print(f"\nkept the generated sites in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(
        "\nwall = spawn to exit, including Python start-up (median and min of the runs);\n"
        "1st = the wall time of one more build before those, with mapsite's cache empty\n"
        "(holiday tables: a new machine or CI runner; later builds find them cached);\n"
        "CPU = user + system seconds of the child (median; steadier than wall on a shared "
        "machine);\nin-build = the time mapsite prints itself (after imports);\n"
        "peak RSS = the child's peak resident memory, the largest of the runs."
    )
    if profile is not None:
        print_profile(profile / f"build-{args.sizes[-1]}-{args.repeat}.prof")
        print("builds ran under cProfile: the times above are inflated, not the real figures")

    print(f"\ntarget: {TARGET_PLANS} plans in <= {TARGET_SECONDS:.1f} s wall (including start-up)")
    if profile is not None:
        print("        not judged: the builds ran under cProfile")
    elif TARGET_PLANS in results:
        median = statistics.median(r.wall for r in results[TARGET_PLANS])
        verdict = "met" if median <= TARGET_SECONDS else "NOT met"
        print(f"        {verdict}: median {median:.2f} s")
    else:
        print(f"        not measured (add {TARGET_PLANS} to --sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
