"""How long do the PDFs of a build take, and how big are they?

Generates N synthetic plans (the same generator as build_speed.py), then times
``mapsite build`` of that site twice as fresh subprocesses: with PDFs and with
``--no-pdf``. The difference is the PDF printing, browser start included.

Run: .venv/bin/python benchmarks/pdf_speed.py [--plans 100] [--repeat 1]
Target: 100 plans' PDFs in <= 10 s on two cores; a typical PDF under 300 KB.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def timed_build(site: Path, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mapsite", "build", str(site), "-o", str(out), "--today",
         TODAY.isoformat(), *extra],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        generate_site(site, args.plans, seed=11)
        html_only, with_pdf = [], []
        for i in range(args.repeat):
            html_only.append(timed_build(site, Path(tmp) / f"html-{i}", "--no-pdf"))
            with_pdf.append(timed_build(site, Path(tmp) / f"pdf-{i}", "--pdf"))
        sizes = sorted(p.stat().st_size / 1024 for p in (Path(tmp) / "pdf-0").glob("*/*.pdf"))
        example = Path(tmp) / "example"
        timed_build(Path(__file__).resolve().parent.parent, example, "--pdf")
        examples = {p.name: p.stat().st_size / 1024 for p in example.glob("*/*.pdf")}

    pdf_seconds = statistics.median(with_pdf) - statistics.median(html_only)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{args.plans} plans, median of {args.repeat} run(s):")
    print(f"  build with PDFs: {statistics.median(with_pdf):.2f} s wall")
    print(f"  build HTML only: {statistics.median(html_only):.2f} s wall")
    print(
        f"  PDFs alone (browser start included): {pdf_seconds:.2f} s, "
        f"{args.plans / pdf_seconds:.1f} PDFs/s"
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
