"""How long does a build take when one plan out of N changed (incremental builds)?

Generates N plans with ``build_speed.generate_site``, builds them once in full, then
times, each as a fresh ``mapsite build`` process (start-up included, as a user or a CI
job waits for it), into the same output folder:

- ``nothing changed``: the build carries every plan over;
- ``one plan changed``: a step's status edited in one plan (a different plan each run);
- ``--full``: everything rendered again, for comparison.

With ``--pdf`` the builds print PDFs too: the first, full build prints N of them (slow
for large N); a build with one plan changed prints one.

Run it from the repository root::

    .venv/bin/python benchmarks/incremental_speed.py                      # N = 100, 1000
    .venv/bin/python benchmarks/incremental_speed.py --sizes 1000,10000 --repeat 3
    .venv/bin/python benchmarks/incremental_speed.py --sizes 100 --pdf

Targets (issue 18): one plan changed out of 1000, HTML only: at most 0.3 s wall; with
PDFs, only that plan's PDF printed and the build under 1.5 s. It prints figures and
never fails on a slow result; it exits non-zero when a build fails or does not carry
over what it should.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
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
TARGET_HTML = 0.3
TARGET_PDF = 1.5


def build(site: Path, out: Path, cache: Path, *extra: str, pdf: bool = False) -> tuple[Run, int]:
    """One ``mapsite build`` into ``out``; its figures and the plans it carried over."""
    args = [sys.executable, "-m", "mapsite", "build", str(site), "-o", str(out),
            "--pdf" if pdf else "--no-pdf", "--today", TODAY.isoformat(), *extra]  # fmt: skip
    run, stdout, _ = run_child(args, site.parent, cache)
    found = re.search(r"\((\d+) unchanged\)", stdout)
    return run, int(found.group(1)) if found else 0


def edit(plan: Path, k: int) -> None:
    """Change one step's status: the smallest edit a rep pushes."""
    text = plan.read_text(encoding="utf-8")
    old, new = ("status: done", "status: in progress") if k % 2 == 0 else ("", "")
    if not old or old not in text:
        old, new = "status: in progress", "status: done"
    if old not in text:  # a plan with neither: touch its body
        plan.write_text(text + f"\nEdited {k}.\n", encoding="utf-8")
        return
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")


def row(name: str, runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    cpu = statistics.median(r.cpu for r in runs)
    rss = max(r.max_rss_kib for r in runs) / 1024
    return (f"  {name:<18} median {statistics.median(walls):6.3f} s   min {min(walls):6.3f} s"
            f"   CPU {cpu:6.3f} s   peak RSS {rss:4.0f} MiB")  # fmt: skip


def measure(work: Path, n: int, repeat: int, seed: int, pdf: bool) -> dict[str, list[Run]]:
    site = work / f"site-{n}" / "site"
    out, cache = site.parent / "public", work / "cache"
    generate_site(site, n, seed)
    plans = sorted((site / "plans").glob("*.md"))
    first, _ = build(site, out, cache, pdf=pdf)
    print(f"  {'first, full':<18} {first.wall:6.3f} s   CPU {first.cpu:6.3f} s")
    found: dict[str, list[Run]] = {"nothing changed": [], "one plan changed": [], "--full": []}
    for k in range(repeat):
        run, same = build(site, out, cache, pdf=pdf)
        if same != n:
            sys.exit(f"expected {n} plans carried over, the build said {same}")
        found["nothing changed"].append(run)
        edit(plans[(k * 7919) % n], k)
        run, same = build(site, out, cache, pdf=pdf)
        if same != n - 1:
            sys.exit(f"expected {n - 1} plans carried over, the build said {same}")
        found["one plan changed"].append(run)
    for _ in range(repeat):
        found["--full"].append(build(site, out, cache, "--full", pdf=pdf)[0])
    for name, runs in found.items():
        print(row(name, runs))
    shutil.rmtree(site.parent)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[100, 1000], help="plan counts")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pdf", action="store_true", help="print PDFs too")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"python:  {describe_python()}")
    print(f"mapsite: {describe_mapsite()}")
    print(f"builds:  {'with PDFs' if args.pdf else 'HTML only'}, {args.repeat} run(s) each\n")
    work = Path(tempfile.mkdtemp(prefix="mapsite-incremental-"))
    results = {}
    try:
        for n in args.sizes:
            print(f"{n} plans")
            results[n] = measure(work, n, args.repeat, args.seed, args.pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        sizes = sorted(results)
        print("\ngrowth, per plan of the site (linear: about the same at every size):")
        for name in ("nothing changed", "one plan changed", "--full"):
            per = [statistics.median(r.wall for r in results[n][name]) / n * 1000 for n in sizes]
            cells = [f"{n}: {p:.3f} ms" for n, p in zip(sizes, per, strict=True)]
            print(f"  {name:<18} " + "   ".join(cells))
    target = TARGET_PDF if args.pdf else TARGET_HTML
    kind = "with PDFs" if args.pdf else "HTML"
    print(f"\ntarget: one plan changed out of {TARGET_PLANS}, {kind}: <= {target} s wall")
    if TARGET_PLANS in results:
        median = statistics.median(r.wall for r in results[TARGET_PLANS]["one plan changed"])
        print(f"        {'met' if median <= target else 'NOT met'}: median {median:.3f} s")
    else:
        print(f"        not measured (add {TARGET_PLANS} to --sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
