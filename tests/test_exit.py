"""How the ``mapsite`` command ends: a one-shot command (build, check, report, digest)
leaves without tearing the interpreter down, and still says everything, runs its exit
handlers and exits with the status a normal exit would have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, TODAY, VALID_PLAN, with_token

ENDING = """
import atexit, sys
from mapsite import heap
{setup}
atexit.register(lambda: print("handler ran", flush=True))
sys.stdout.write("said")  # buffered: flushed on the way out
heap.ending({status})
"""


def ending(status: str, setup: str = "heap.one_shot()") -> subprocess.CompletedProcess[str]:
    code = ENDING.format(status=status, setup=setup)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)  # fmt: skip


@pytest.mark.parametrize(
    ("status", "code", "stderr"),
    [("None", 0, ""), ("0", 0, ""), ("3", 3, ""), ("-1", 255, ""), ("'no site'", 1, "no site\n")],
)
def test_a_one_shot_command_exits_as_sys_exit_would(status: str, code: int, stderr: str) -> None:
    done = ending(status)
    assert (done.returncode, done.stdout, done.stderr) == (code, "saidhandler ran\n", stderr)


def test_other_commands_exit_the_usual_way() -> None:
    """The dev server and the editing commands are not one-shot: a normal exit."""
    done = ending("4", setup="")
    assert (done.returncode, done.stdout, done.stderr) == (4, "saidhandler ran\n", "")


def mapsite(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mapsite", *args], capture_output=True,
                          text=True, cwd=site, timeout=120)  # fmt: skip


def test_check_says_every_problem_and_fails(tmp_path: Path) -> None:
    (tmp_path / "mapsite.yml").write_text("title: Plans\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    done = mapsite(tmp_path, "check", "--today", TODAY)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "4 errors in 1 file"
    assert "Traceback" not in done.stderr


def test_build_writes_the_whole_site_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "mapsite.yml").write_text("title: Plans\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "northwind.md").write_text(
        with_token(VALID_PLAN, "northwind"), encoding="utf-8"
    )
    done = mapsite(tmp_path, "build", "--no-pdf", "--today", TODAY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built 1 plan into public in ")
    assert len(list((tmp_path / "public").glob("*/index.html"))) == 1
