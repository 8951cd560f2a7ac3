"""How long do the PDFs of a build take, and how big are they?

Generates N synthetic plans (the same generator as build_speed.py), then times
``mapsite build`` of that site as fresh subprocesses, with PDFs and with
``--no-pdf``, alternately, ``--repeat`` times each. The difference of the medians
is the PDF printing, browser start included.

It also measures the CPU time of each build's whole process tree: Python, the
Playwright driver, and every Chromium process, including short-lived ones (an
ordinary Chromium, mapsite's fallback, starts a print compositor process per PDF).
On Linux the script makes itself the "subreaper" of its children, so processes whose
parent exits first are reaped, and counted, here. CPU time is steadier than wall
time on a shared machine: compare variants by it, run alternately.

Run: .venv/bin/python benchmarks/pdf_speed.py [--plans 100] [--repeat 3] [--ordinary-browsers]
(``--ordinary-browsers``: print as mapsite's fallback does where Chromium's
single-process mode fails, for comparison.)
Target: 100 plans' PDFs in <= 10 s on two cores; a typical PDF under 300 KB.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import TODAY, generate_site

TARGET_SECONDS = 10.0
TARGET_KB = 300
PR_SET_CHILD_SUBREAPER = 36
MAPSITE = [sys.executable, "-m", "mapsite"]
# the fallback's browsers: mapsite with single-process mode off
MAPSITE_ORDINARY = [
    sys.executable, "-c",
    "import mapsite.pdf; mapsite.pdf.SINGLE_PROCESS = []; from mapsite.cli import main; main()",
]  # fmt: skip


def adopt_orphans() -> bool:
    """Linux: become the subreaper of our descendants, so their CPU time reaches us."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def reap_orphans(deadline: float = 10.0) -> None:
    """Wait for descendants that outlived their parents (Chromium's helpers)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(
    site: Path, out: Path, *extra: str, mapsite: list[str] = MAPSITE
) -> tuple[float, float]:
    """Wall and CPU seconds of one build, its whole process tree included."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(
        [*mapsite, "build", str(site), "-o", str(out), "--today", TODAY.isoformat(), *extra],
        check=True,
        capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    reap_orphans()
    return wall, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ordinary-browsers", action="store_true")
    args = parser.parse_args()
    mapsite = MAPSITE_ORDINARY if args.ordinary_browsers else MAPSITE
    whole_tree = adopt_orphans()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        generate_site(site, args.plans, seed=11)
        html_only, with_pdf = [], []
        for i in range(args.repeat):  # alternately, so a busy spell hits both
            html_only.append(timed_build(site, Path(tmp) / f"html-{i}", "--no-pdf"))
            with_pdf.append(timed_build(site, Path(tmp) / f"pdf-{i}", "--pdf", mapsite=mapsite))
        sizes = sorted(p.stat().st_size / 1024 for p in (Path(tmp) / "pdf-0").glob("*/*.pdf"))
        example = Path(tmp) / "example"
        timed_build(Path(__file__).resolve().parent.parent, example, "--pdf", mapsite=mapsite)
        examples = {p.name: p.stat().st_size / 1024 for p in example.glob("*/*.pdf")}

    def median(runs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(run[i] for run in runs)

    pdf_seconds = median(with_pdf, 0) - median(html_only, 0)
    pdf_cpu = median(with_pdf, 1) - median(html_only, 1)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    browsers = "ordinary browsers" if args.ordinary_browsers else "browsers as mapsite chooses"
    print(f"{args.plans} plans, {browsers}, median of {args.repeat} run(s):")
    cpu_note = "" if whole_tree else " (processes orphaned before they exit are not counted)"
    for name, runs in (("with PDFs", with_pdf), ("HTML only", html_only)):
        walls = ", ".join(f"{wall:.2f}" for wall, _ in runs)
        print(
            f"  build {name}: {median(runs, 0):.2f} s wall ({walls}), "
            f"{median(runs, 1):.2f} s CPU{cpu_note}"
        )
    print(
        f"  PDFs alone (browser start included): {pdf_seconds:.2f} s wall, "
        f"{args.plans / pdf_seconds:.1f} PDFs/s; {pdf_cpu:.2f} s CPU, "
        f"{1000 * pdf_cpu / args.plans:.0f} ms CPU per PDF"
    )
    print(
        f"  PDF size: median {statistics.median(sizes):.0f} KB, max {max(sizes):.0f} KB "
        f"({len(sizes)} files)"
    )
    print("  example site: " + ", ".join(f"{k} {v:.0f} KB" for k, v in sorted(examples.items())))
    met = pdf_seconds <= TARGET_SECONDS and statistics.median(sizes) <= TARGET_KB
    print(
        f"target: {args.plans} PDFs in <= {TARGET_SECONDS:.0f} s, typical PDF < {TARGET_KB} KB: "
        f"{'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
