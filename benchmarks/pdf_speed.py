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

On Linux it also samples every process of the build (``/proc``, every 50 ms) and
reports the peak resident memory of each kind: the main process, each worker that
writes pages, Playwright's driver, each browser.

Run: .venv/bin/python benchmarks/pdf_speed.py [--plans 100] [--repeat 3] [--ordinary-browsers]
(``--ordinary-browsers``: print as mapsite's fallback does where Chromium's
single-process mode fails, for comparison.)
Targets: 100 plans' PDFs in <= 10 s on two cores (issue 5), in <= 4 s (issue 18); a
typical PDF under 300 KB.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import TODAY, describe_python, generate_site

TARGET_SECONDS = 10.0
TARGET_SECONDS_NOW = 4.0  # issue 18
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


class Memory:
    """Peak resident memory (VmHWM) of every process below this one, by kind, sampled
    from /proc while a build runs (Linux; elsewhere it finds nothing)."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (kind, KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            for pid, kind, kib in _descendants(os.getpid()):
                if kib > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (kind, kib)

    def by_kind(self) -> dict[str, list[int]]:
        kinds: dict[str, list[int]] = {}
        for kind, kib in self.peaks.values():
            kinds.setdefault(kind, []).append(kib)
        return kinds


def _descendants(root: int) -> list[tuple[int, str, int]]:
    """(pid, kind, peak KiB) of every process below ``root``."""
    parents, found = {}, []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            command = (status.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        pid, ppid = int(status.parent.name), int(fields.get("PPid", "0"))
        parents[pid] = ppid
        peak = int(fields.get("VmHWM", "0 kB").split()[0])
        found.append((pid, ppid, _kind(command), peak))
    below = {root}
    changed = True
    while changed:  # parents before children, whatever order /proc lists them in
        changed = False
        for pid, ppid, _, _ in found:
            if ppid in below and pid not in below:
                below.add(pid)
                changed = True
    return [
        (pid, "mapsite, main" if ppid == root else "mapsite, page worker", peak)
        if kind == "mapsite"
        else (pid, kind, peak)
        for pid, ppid, kind, peak in found
        if pid in below and peak
    ]


def _kind(command: list[bytes]) -> str:
    line = b" ".join(command)
    if b"run-driver" in line:
        return "Playwright driver"
    if b"--type=" in line:
        return "browser helper"
    if b"chrom" in line.lower():
        return "browser"
    if b"mapsite" in line:
        return "mapsite"  # the main process, or a page worker (forked: the same line)
    return command[0].decode(errors="replace").rsplit("/", 1)[-1] or "other"


def timed_build(
    site: Path, out: Path, *extra: str, mapsite: list[str] = MAPSITE, memory: Memory | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds of one build, its whole process tree included."""
    cpu = children_cpu()
    start = time.perf_counter()
    with memory or contextlib.nullcontext():
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
        memory = Memory()  # the last build with PDFs
        for i in range(args.repeat):  # alternately, so a busy spell hits both
            html_only.append(timed_build(site, Path(tmp) / f"html-{i}", "--no-pdf"))
            sampled = memory if i == args.repeat - 1 else None
            pdf_out = Path(tmp) / f"pdf-{i}"
            with_pdf.append(timed_build(site, pdf_out, "--pdf", mapsite=mapsite, memory=sampled))
        sizes = sorted(p.stat().st_size / 1024 for p in (Path(tmp) / "pdf-0").glob("*/*.pdf"))
        example = Path(tmp) / "example"
        timed_build(Path(__file__).resolve().parent.parent, example, "--pdf", mapsite=mapsite)
        examples = {p.name: p.stat().st_size / 1024 for p in example.glob("*/*.pdf")}

    def median(runs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(run[i] for run in runs)

    pdf_seconds = median(with_pdf, 0) - median(html_only, 0)
    pdf_cpu = median(with_pdf, 1) - median(html_only, 1)
    print(f"machine: {os.cpu_count()} cores")
    print(f"python:  {describe_python()}")
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
    kinds = memory.by_kind()
    if kinds:
        print("  peak memory of each process (the last build with PDFs, sampled every 50 ms):")
        for kind, peaks in sorted(kinds.items(), key=lambda k: -max(k[1])):
            each = ", ".join(f"{kib / 1024:.0f}" for kib in sorted(peaks, reverse=True))
            print(f"    {kind}: {len(peaks)} process(es), MiB each: {each}")
    met = pdf_seconds <= TARGET_SECONDS and statistics.median(sizes) <= TARGET_KB
    print(
        f"target: {args.plans} PDFs in <= {TARGET_SECONDS:.0f} s, typical PDF < {TARGET_KB} KB: "
        f"{'met' if met else 'NOT met'}"
    )
    now = "met" if pdf_seconds <= TARGET_SECONDS_NOW else "NOT met"
    print(f"target (issue 18): {args.plans} PDFs in <= {TARGET_SECONDS_NOW:.0f} s: {now}")


if __name__ == "__main__":
    main()
