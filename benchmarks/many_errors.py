"""How long does ``mapsite check`` take to report thousands of errors in one plan?

Writes a site with one plan whose ``seller:`` holds N unknown fields (and, in a second
run, N fields each set twice), then times ``mapsite check`` as a fresh subprocess, from
spawn to exit, as a user sees it. Reporting every error must grow linearly with their
number: 5,000 unknown fields took 0.7 s and 20,000 took 8 s before each error's
position was looked up in an index instead of by scanning the mapping again (issue 14).

Run it from the repository root::

    .venv/bin/python benchmarks/many_errors.py                    # N = 1000, 5000, 20000
    .venv/bin/python benchmarks/many_errors.py --sizes 1000,40000 --repeat 3

It prints figures and never fails on a slow result: it exits non-zero only when
``check`` does not report exactly N errors.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
{fields}share:
  token: ViqzABatAvS1drCoQ4bq8A
milestones:
  - name: Contract signed
    due: 2026-12-15
---
"""
KINDS = {
    "unknown": lambda n: "".join(f"  field{i}: x\n" for i in range(n)),
    "duplicate": lambda n: "".join(f"  field{i}: x\n" for i in range(n)) * 2,
}


def time_check(site: Path, kind: str, n: int) -> float:
    (site / "plans" / "northwind.md").write_text(
        PLAN.format(fields=KINDS[kind](n)), encoding="utf-8"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mapsite", "check"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "MAPSITE_TODAY": "2026-11-23"},
    )
    seconds = time.perf_counter() - start
    last = result.stderr.splitlines()[-1] if result.stderr else ""
    if result.returncode != 1 or last != f"{n} errors in 1 file":
        sys.exit(f"{kind} N={n}: expected '{n} errors in 1 file', got {last!r}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="numbers of errors")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median shown)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "plans").mkdir()
        (site / "mapsite.yml").write_text("title: Deals\n", encoding="utf-8")
        print(f"{'errors':>8} {'kind':<10} {'seconds':>8} {'per 1,000':>10}")
        for kind in KINDS:
            for n in sizes:
                seconds = statistics.median(time_check(site, kind, n) for _ in range(args.repeat))
                print(f"{n:>8,} {kind:<10} {seconds:>8.2f} {1000 * seconds / n:>10.3f}")


if __name__ == "__main__":
    main()
