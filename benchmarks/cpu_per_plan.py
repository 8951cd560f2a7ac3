"""CPU time a plan costs to build, in one process: compare two checkouts on a busy machine.

Wall time says little on a shared machine; the CPU time of the same work in one
process says more, and alternating two checkouts on the same machine compares them
fairly. This builds N generated plans (``build_speed.generate_site``) in full, in
this process without worker processes, a few times, and prints the CPU time per plan
(best and median). Run it with the checkout to measure first on PYTHONPATH::

    cd /tmp && for c in /path/to/old /path/to/new /path/to/old /path/to/new; do
        PYTHONPATH=$c /path/to/.venv/bin/python /path/to/benchmarks/cpu_per_plan.py
    done

It prints figures and never fails on a slow result.
"""

from __future__ import annotations

import argparse
import inspect
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import TODAY, generate_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args(argv)

    import mapsite
    from mapsite import build

    work = Path(tempfile.mkdtemp(prefix="mapsite-cpu-"))
    try:
        site = work / "site"
        generate_site(site, args.plans, 2026)
        try:  # one process: its CPU time is the whole build's
            from mapsite import workers as parallel
        except ImportError:  # a checkout from before workers.py
            parallel = build
        parallel.PARALLEL_FROM = 10**9
        # older checkouts have no incremental builds, newer ones must not carry plans over
        full = {"full": True} if "full" in inspect.signature(build.build).parameters else {}
        run = dict(today=date.fromisoformat(TODAY.isoformat()), pdf=False, **full)
        build.build(site, work / "out", **run)  # warm: compiled templates, holidays
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            build.build(site, work / "out", **run)
            times.append((time.process_time() - start) / args.plans * 1000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    where = Path(mapsite.__file__).parent
    best, median = min(times), statistics.median(times)
    print(f"{where}: CPU per plan best {best:.2f} ms, median {median:.2f} ms "
          f"({args.plans} plans, {args.repeat} runs)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
