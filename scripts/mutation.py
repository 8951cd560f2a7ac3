"""Mutation testing of mapsite's core modules: do the tests notice a wrong answer?

    .venv/bin/python scripts/mutation.py schedule dates      # some modules
    .venv/bin/python scripts/mutation.py                     # every module listed below

mutmut (3.x) changes each module in many small ways (a < for a <=, a constant, a
removed call) and runs the module's tests against every change; a change no test
notices "survives". Each run happens in a scratch copy of the tracked files, so the
working tree is never touched. mutmut is installed into the running Python when it is
missing (it is a developer's tool, not one of mapsite's dependencies). Prints each
module's score: the share of mutants killed (a timeout counts as killed). The team's
bar is 90%; the survivors are listed so that they can be read (some are equivalent:
no test could tell them apart from the original).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# module -> the tests that exercise it (the faster the better: each mutant runs them)
MODULES: dict[str, list[str]] = {
    "address": ["tests/test_address.py"],
    "audience": ["tests/test_audience.py"],
    "bidi": ["tests/test_directions.py"],
    "brand": ["tests/test_brand.py"],
    "calendars": ["tests/test_calendars.py"],
    "cells": ["tests/test_cells.py", "tests/test_import.py"],
    "changes": ["tests/test_changes.py", "tests/test_history.py"],
    "confine": ["tests/test_links.py"],
    "dates": ["tests/test_dates.py", "tests/test_errors.py"],
    "digest": ["tests/test_digest.py"],
    "edit": ["tests/test_edit.py", "tests/test_update_cli.py"],
    "export": ["tests/test_export.py"],
    # the freshness test extracts the strings of mutmut's own copy of i18n.py (its
    # mutants' strings too): it tests the catalogs, not the module
    "i18n": [
        "tests/test_i18n.py",
        "--deselect",
        "tests/test_i18n.py::test_the_committed_template_holds_every_string_the_code_and_templates_use",
    ],
    "importer": ["tests/test_import.py", "tests/test_export.py"],
    "incremental": ["tests/test_incremental.py"],
    "lint": ["tests/test_lint.py"],
    "load": [
        "tests/test_errors.py",
        "tests/test_model.py",
        "tests/test_hostile_input.py",
        "tests/test_find_site.py",
        "tests/test_drafts.py",
        "tests/test_mailto.py",  # seller.contact
        "tests/test_brand.py",  # the hints of the brand's own checks
        "tests/test_many_errors.py",
    ],
    "mailto": ["tests/test_mailto.py"],
    "reader": ["tests/test_hostile_input.py", "tests/test_errors.py"],
    "matching": ["tests/test_changes.py"],
    "output": ["tests/test_output.py"],
    "routes": ["tests/test_routes.py"],
    "sandbox": ["tests/test_sandbox.py"],
    "schedule": ["tests/test_schedule.py", "tests/test_report.py", "tests/test_errors.py"],
    "projection": ["tests/test_lead_times.py", "tests/test_schedule.py"],
    "explain": ["tests/test_lead_times.py"],
    "workback": ["tests/test_schedule.py", "tests/test_errors.py"],
    "page": [
        "tests/test_sealing.py",
        "tests/test_share.py",
        "tests/test_drafts.py",
        "tests/test_incremental.py",
    ],
    "passwords": ["tests/test_check_build.py", "tests/test_share.py"],
    "playbooks": ["tests/test_playbooks.py"],
    "seal": ["tests/test_share.py"],
    "share": ["tests/test_share.py", "tests/test_rotate.py"],
    "sheets": ["tests/test_import.py", "tests/test_cells.py"],
    "status": ["tests/test_update_cli.py"],
    "timeline": ["tests/test_timeline.py"],
    "update": ["tests/test_update_cli.py", "tests/test_lead_times.py"],
    # the view as themes receive it, and read back from rendered pages
    "view": [
        "tests/test_view.py",
        "tests/test_glance.py",
        "tests/test_audience.py",
        "tests/test_page.py",
        "tests/test_lead_times.py",
        "tests/test_whats_new.py",
        "tests/test_mailto.py",
        "tests/test_timeline.py",
    ],
    "recheck": ["tests/test_recheck.py"],
    "yamlmarks": [
        "tests/test_yamlmarks.py",
        "tests/test_many_errors.py",
        "tests/test_hostile_input.py",
        "tests/test_errors.py",
    ],
    "wording": ["tests/test_i18n.py"],
    "yamlwrite": ["tests/test_edit.py"],
}
# what the tests read besides the code and the tests themselves
ALSO_COPY = ["plans", "assets", "themes", "mapsite.yml", "README.md", "docs", "netlify",
             "netlify.toml", "babel.cfg"]  # fmt: skip
KILLED = {"killed", "timeout"}
CACHE_DECORATOR = re.compile(r"^[ \t]*@(?:functools\.)?(?:lru_cache|cache)\b.*\n", re.MULTILINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=", ".join(MODULES))
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once")
    parser.add_argument(
        "--show", action="store_true", help="print each survivor's diff (to judge it)"
    )
    args = parser.parse_args()
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)} (known: {', '.join(MODULES)})")
    modules = args.modules or sorted(MODULES)
    ensure_mutmut()
    rows = []
    for module in modules:
        counts, survivors = run(module, args.children, args.show)
        rows.append((module, counts, survivors))
    print()
    for module, counts, survivors in rows:
        if not counts:
            print(f"{module:<10} not run")
            continue
        total = sum(n for status, n in counts.items() if status != "skipped")
        killed = sum(counts[s] for s in KILLED)
        score = 100 * killed / total if total else 100.0
        print(f"{module:<10} {killed:>5} of {total:<5} killed  {score:5.1f}%  {dict(counts)}")
        for name in survivors:
            print(f"    survived: {name}")


def ensure_mutmut() -> None:
    try:
        import mutmut  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "mutmut>=3.3"], check=True)


def uncache(source: Path) -> None:
    """Take the ``lru_cache``/``cache`` decorators off the module's functions.

    mutmut leaves a decorated function alone, so the cached ones (``add_business_days``,
    the offset parser) would never be mutated; and each mutant runs in a fork of the
    process that ran the tests on the unmutated code, so a cache filled there answers
    for the mutant. Without their caches they give the same answers, only slower.
    """
    text = source.read_text(encoding="utf-8")
    source.write_text(CACHE_DECORATOR.sub("", text), encoding="utf-8")


def run(module: str, children: int, show: bool = False) -> tuple[Counter[str], list[str]]:
    """mutmut on ``mapsite/MODULE.py`` with its tests, in a scratch copy."""
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    with tempfile.TemporaryDirectory(prefix=f"mapsite-mutation-{module}-") as scratch:
        work = Path(scratch)
        for name in filter(None, tracked):
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if (REPO / name).is_file():
                shutil.copy2(REPO / name, target)
        # the scratch copy holds what git tracks: a test file not yet added is not there
        missing = [t for t in MODULES[module] if t.endswith(".py") and not (work / t).is_file()]
        if missing:
            print(f"== {module}: {', '.join(missing)} not tracked by git (git add it first)")
            return Counter(), []
        config = "\n".join(
            [
                "",
                "[tool.mutmut]",
                'source_paths = ["mapsite"]',
                f'only_mutate = ["mapsite/{module}.py"]',
                f"pytest_add_cli_args_test_selection = {MODULES[module]!r}",
                'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q", "-m", "not pdf"]',
                f"also_copy = {ALSO_COPY!r}",
                "",
            ]
        ).replace("'", '"')
        with (work / "pyproject.toml").open("a", encoding="utf-8") as file:
            file.write(config)
        uncache(work / "mapsite" / f"{module}.py")
        mutmut = [sys.executable, "-m", "mutmut"]
        print(f"== {module}: mutmut run in {work}", flush=True)
        ran = subprocess.run(
            [*mutmut, "run", "--max-children", str(children)],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        results = subprocess.run(
            [*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True
        ).stdout
        counts: Counter[str] = Counter()
        survivors = []
        for name, status in re.findall(r"^\s*(\S+): (.+)$", results, re.MULTILINE):
            counts[status.strip()] += 1
            if status.strip() == "survived":
                survivors.append(name)
        if counts and set(counts) == {"not checked"}:  # the tests failed before any mutant
            print(f"mutmut checked no mutant; the end of its output:\n{ran.stdout[-3000:]}")
            print(ran.stderr[-3000:])
        # the diffs live in the scratch copy: read them before it goes
        for name in survivors if show else []:
            diff = subprocess.run(
                [*mutmut, "show", name], cwd=work, capture_output=True, text=True
            ).stdout
            print(f"-- {name}\n{diff}", flush=True)
    return counts, survivors


if __name__ == "__main__":
    main()
