"""Instructions a plan costs to build, counted by valgrind: the same on a busy machine.

Wall and CPU times on a shared machine swing by a fifth; the number of instructions a
build executes does not. This builds N generated plans (``build_speed.generate_site``)
in full, in one process without worker processes, under ``valgrind --tool=cachegrind``
twice: once with one measured build and once with three (after two warm-up builds
each: compiled templates, holiday tables). The difference, divided by 2N, is what one
plan costs. Run it with the checkout to measure first on PYTHONPATH, e.g. two checkouts
one after the other::

    for c in /path/to/old /path/to/new; do
        PYTHONPATH=$c .venv/bin/python benchmarks/instructions.py
    done

Needs valgrind (``apt-get install valgrind``); takes about a minute. Instructions leave
out the kernel's work (writing files), so compare file-heavy changes with build_speed.py.
It prints figures and never fails on a slow result.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import gc, os, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, {here!r})
from build_speed import TODAY, generate_site
from mapsite import build
site, out = Path({site!r}), Path({out!r})
generate_site(site, {plans}, 2026, theme_template={theme_template})
try:
    from mapsite import workers as parallel
except ImportError:  # a checkout from before workers.py
    parallel = build
parallel.PARALLEL_FROM = 10**9  # one process: all the work is counted
gc.disable()  # as the CLI's build runs
run = dict(today=date.fromisoformat(TODAY.isoformat()), pdf=False, full=True)
for _ in range(2 + {builds}):
    build.build(site, out, **run)
"""


def count(plans: int, builds: int, *, valgrind: bool = True, theme_template: bool = False) -> int:
    """Instructions of a process that generates the site and builds it 2 + ``builds``
    times (without ``valgrind``: only run it, to fill mapsite's cache of compiled
    templates, which the first process of a checkout would pay for and the next not)."""
    work = Path(tempfile.mkdtemp(prefix="mapsite-instructions-"))
    try:
        code = CHILD.format(
            here=str(HERE), site=str(work / "site"), out=str(work / "out"), plans=plans,
            builds=builds, theme_template=theme_template,
        )  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        # children forked by the build (the helper that deletes half of the old output)
        # would print their own count first: only the build's own process is counted
        tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--child-silent-after-fork=yes",
                "--cachegrind-out-file=/dev/null"] if valgrind else []  # fmt: skip
        result = subprocess.run(
            [*tool, sys.executable, "-c", code],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not valgrind:
        return 0
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if not found:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(found[1].replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument(
        "--theme-template",
        action="store_true",
        help="the site's theme brings a template of its own: every template runs in the sandbox",
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2

    import mapsite

    sandboxed = args.theme_template
    count(args.plans, 0, valgrind=False, theme_template=sandboxed)
    one = count(args.plans, 1, theme_template=sandboxed)
    three = count(args.plans, 3, theme_template=sandboxed)
    per_plan = (three - one) / (2 * args.plans)
    where = Path(mapsite.__file__).parent
    print(f"{where}: {per_plan / 1e6:.2f} million instructions a plan "
          f"({args.plans} plans, full build in one process"
          f"{', theme template: sandboxed' if sandboxed else ''})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
