"""mapsite against Hugo on the same plans, side by side in one run.

Generates N plans with ``build_speed.generate_site`` and turns the same files into a
Hugo site: each plan a content page with the plan's own front matter and body, and
one layout that renders what mapsite's page shows of it (title, buyer and seller,
value, go-live, every milestone with every step's task, owners, date and status,
the stakeholders, risks and the Markdown body). Hugo does not work out relative
dates, health, projections, calendars or mail links: it is the floor, a static site
generator written in Go doing the least a plan page needs.

Then it times, alternately so both see the same machine, ``hugo --quiet`` and
``mapsite build --no-pdf`` (fresh processes, start-up included, each into a new
folder) and prints both and their ratio.

Needs Hugo on PATH (Debian/Ubuntu: ``apt-get install hugo``; macOS: ``brew install
hugo``). Run from the repository root::

    .venv/bin/python benchmarks/hugo_compare.py                 # N = 100, 1000
    .venv/bin/python benchmarks/hugo_compare.py --sizes 1000 --repeat 7

Target (issue 18): mapsite's full HTML build of 1000 plans at most 2x Hugo's. It
never fails on a slow result.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import (
    TODAY,
    Run,
    _sizes,
    describe_mapsite,
    describe_python,
    generate_site,
    run_child,
)

TARGET_PLANS = 1000
TARGET_RATIO = 2.0

LAYOUT = Path(__file__).resolve().parent / "hugo" / "single.html"
"""The page layout: what mapsite's page shows of a plan, in Hugo's templates."""


def hugo_site(plans: Path, root: Path) -> None:
    """The Hugo site of the plans in ``plans``: each plan a page at /<file name>/."""
    (root / "layouts" / "_default").mkdir(parents=True)
    shutil.copy(LAYOUT, root / "layouts" / "_default" / "single.html")
    (root / "layouts" / "_default" / "list.html").write_text("<!doctype html><title>Plans</title>")
    (root / "static").mkdir()
    (root / "static" / "plan.css").write_text("body { font-family: system-ui; }\n")
    (root / "hugo.toml").write_text(
        'baseURL = "https://plans.example.com/"\ntitle = "Plans"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n',
        encoding="utf-8",
    )
    content = root / "content" / "plans"
    content.mkdir(parents=True)
    for plan in plans.glob("*.md"):
        shutil.copy(plan, content / plan.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[100, 1000], help="plan counts")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    hugo = shutil.which("hugo")
    if hugo is None:
        sys.exit(
            "hugo is not on PATH (Debian/Ubuntu: apt-get install hugo; macOS: brew install hugo)"
        )
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"python:  {describe_python()}")
    print(f"mapsite: {describe_mapsite()}")
    print(f"hugo:    {version}\n")
    heads = f"{'plans':>6} {'hugo s':>8} {'mapsite s':>10} {'ratio':>6}"
    print(f"{heads} {'hugo CPU':>9} {'mapsite CPU':>12}")
    work = Path(tempfile.mkdtemp(prefix="mapsite-hugo-"))
    ratios = {}
    try:
        for n in args.sizes:
            site = work / f"site-{n}" / "site"
            generate_site(site, n, args.seed)
            hugo_root = work / f"site-{n}" / "hugo"
            hugo_site(site / "plans", hugo_root)
            cache = work / "cache"
            timed: dict[str, list[Run]] = {"hugo": [], "mapsite": []}
            for i in range(args.repeat + 1):  # the first of each warms caches: not counted
                out = work / f"site-{n}" / f"hugo-out-{i}"
                run, _, _ = run_child([hugo, "--quiet", "-s", str(hugo_root), "-d", str(out)],
                                      hugo_root)  # fmt: skip
                pages = len(list((out / "plans").glob("*/index.html")))
                if pages != n:
                    sys.exit(f"hugo wrote {pages} plan pages, not {n}")
                mapsite_out = work / f"site-{n}" / f"mapsite-out-{i}"
                mine, _, _ = run_child([sys.executable, "-m", "mapsite", "build", str(site), "-o",
                                        str(mapsite_out), "--no-pdf", "--today", TODAY.isoformat()],
                                       site.parent, cache)  # fmt: skip
                shutil.rmtree(out)
                shutil.rmtree(mapsite_out)
                if i:
                    timed["hugo"].append(run)
                    timed["mapsite"].append(mine)
            hugo_s = statistics.median(r.wall for r in timed["hugo"])
            ours = statistics.median(r.wall for r in timed["mapsite"])
            ratios[n] = ours / hugo_s
            print(f"{n:>6} {hugo_s:>8.3f} {ours:>10.3f} {ours / hugo_s:>6.2f} "
                  f"{statistics.median(r.cpu for r in timed['hugo']):>9.3f} "
                  f"{statistics.median(r.cpu for r in timed['mapsite']):>12.3f}")  # fmt: skip
            shutil.rmtree(work / f"site-{n}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nwall seconds from spawn to exit (median of the runs, a warm-up run of each first);")
    print("ratio = mapsite / hugo; CPU = user + system seconds of the process")
    print(f"\ntarget: {TARGET_PLANS} plans, mapsite <= {TARGET_RATIO:.1f}x hugo")
    if TARGET_PLANS in ratios:
        ratio = ratios[TARGET_PLANS]
        print(f"        {'met' if ratio <= TARGET_RATIO else 'NOT met'}: {ratio:.2f}x")
    else:
        print(f"        not measured (add {TARGET_PLANS} to --sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
