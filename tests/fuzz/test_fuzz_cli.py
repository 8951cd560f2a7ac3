"""The real CLI under mutated plans: exit status 0 or 1, never a traceback, bounded memory.

``check``, ``build`` and ``rotate`` run in-process (CliRunner) on a copy of the example
site whose plans are replaced by one mutated plan; a few runs go through a real
``python -m mapsite`` process whose address space is limited to 1 GiB, with a generous
wall-clock deadline as a guard against hangs only (never a measure of speed).
"""

from __future__ import annotations

import itertools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import PLAN_BYTES, PLAN_TEXTS, fuzz_settings
from hypothesis import given
from support import TODAY, copy_example

from mapsite.cli import main

GIB = 2**30
ENV = {"MAPSITE_PDF": "0", "MAPSITE_TODAY": TODAY}
_runs = itertools.count()


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    """The example site (logos, theme, settings) with its plans folder emptied."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_example(Path(tmp) / "site")
        shutil.rmtree(root / "plans")
        (root / "plans").mkdir()
        yield root


def put_plan(site: Path, data: bytes) -> Path:
    plan = site / "plans" / "fuzzed.md"
    plan.write_bytes(data)
    return plan


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=ENV, prog_name="mapsite")
    # an exception other than click's exits is a traceback for the user
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.output


@fuzz_settings(40)
@given(PLAN_TEXTS)
def test_check_and_build_exit_0_or_1(site: Path, text: str) -> None:
    put_plan(site, text.encode("utf-8", errors="surrogatepass"))
    out = site.parent / f"out{next(_runs)}"

    checked, _ = run("check", str(site))
    built, output = run("build", str(site), "-o", str(out))

    shutil.rmtree(out, ignore_errors=True)
    if checked == 0:  # what check passes builds (issue 14: check fails wherever build would)
        assert built == 0, output


@fuzz_settings(40)
@given(PLAN_BYTES)
def test_rotate_exits_0_or_1(site: Path, data: bytes) -> None:
    plan = put_plan(site, data)

    run("rotate", str(plan))


def _one_gib() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def run_process(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mapsite", *args],
        cwd=site,
        capture_output=True,
        text=True,
        preexec_fn=_one_gib,
        env={**os.environ, **ENV},
        timeout=300,  # a hang guard: these commands take about a second
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result


@fuzz_settings(3)
@given(PLAN_BYTES)
def test_a_real_process_exits_0_or_1_within_a_gibibyte(site: Path, data: bytes) -> None:
    put_plan(site, data)

    run_process(site, "check")
    run_process(site, "build", "-o", str(site.parent / "public"))
