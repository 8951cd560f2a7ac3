"""Hostile input gets one located line, never a traceback, a hang or an out-of-memory kill.

One broken plan per case lives in ``tests/errors/`` (``yaml-alias-bomb``, ``yaml-nul``,
``yaml-escape-character``, ``yaml-noncharacter``); here the same input in ``mapsite.yml``,
through every command that reads it, in a real process with its memory bounded, and
files that cannot be read as text at all.
"""

from __future__ import annotations

import itertools
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import TODAY, VALID_PLAN

from mapsite import reader

ERRORS = Path(__file__).parent / "errors"
HOSTILE = ["yaml-alias-bomb", "yaml-nul", "yaml-escape-character", "yaml-noncharacter"]
GIB = 2**30

# 9 levels of 9 aliases: 9**9 (387 million) strings from 370 bytes
BOMB = '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"  {c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in itertools.pairwise("abcdefghi")
)
ALIAS_HINT = "(nested aliases multiply; write the values out instead)"
CHARACTER_HINT = "(remove it; it often comes from copying out of a PDF or a terminal)"

SETTINGS = {
    "bomb": (
        f"title: Deals\nextra:\n{BOMB}",
        "mapsite.yml:7:10: extra.e[0]: aliases expand to more than 10,000 values here "
        f"(*d repeats what &d marks) {ALIAS_HINT}",
    ),
    "nul": (
        "title: De\0als\n",
        f"mapsite.yml:1:10: invalid YAML: character U+0000 (NUL) is not allowed {CHARACTER_HINT}",
    ),
    "escape": (
        "title: Deals\nholidays: \x1b[31mUS\n",
        f"mapsite.yml:2:11: invalid YAML: character U+001B (ESC) is not allowed {CHARACTER_HINT}",
    ),
    "noncharacter": (
        "title: Deals \ufffe\n",
        "mapsite.yml:1:14: invalid YAML: character U+FFFE (a noncharacter) is not allowed "
        f"{CHARACTER_HINT}",
    ),
}


@pytest.mark.parametrize("command", [["check"], ["build", "--today", TODAY]])
@pytest.mark.parametrize("case", SETTINGS)
def test_hostile_settings(site: Path, write_plan, run, case: str, command: list[str]) -> None:
    text, expected = SETTINGS[case]
    (site / "mapsite.yml").write_text(text, encoding="utf-8")
    write_plan("northwind")

    result = run(*command)

    assert result.exit_code == 1
    assert result.stderr == f"{expected}\n1 error in 1 file\n"
    assert not (site / "public").exists()


@pytest.mark.parametrize("name", HOSTILE)
def test_build_reports_hostile_plans_as_check_does(site: Path, run, name: str) -> None:
    shutil.copyfile(ERRORS / f"{name}.md", site / "plans" / f"{name}.md")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (ERRORS / f"{name}.expected").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", HOSTILE)
def test_rotate_refuses_hostile_plans_and_keeps_them(site: Path, run, name: str) -> None:
    plan = site / "plans" / f"{name}.md"
    shutil.copyfile(ERRORS / f"{name}.md", plan)

    result = run("rotate", f"plans/{name}.md")

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert result.stderr.startswith(f"plans/{name}.md:")
    assert result.stderr.endswith("\n1 error in 1 file; nothing written\n")
    # the same located line as check gives (tests/errors/NAME.expected)
    expected = (ERRORS / f"{name}.expected").read_text(encoding="utf-8").splitlines()[0]
    assert result.stderr.splitlines()[0] == expected
    assert plan.read_bytes() == (ERRORS / f"{name}.md").read_bytes()


def _one_gib() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def test_an_alias_bomb_fits_in_a_gibibyte(site: Path) -> None:
    # the bomb drove a build to 23.7 GB; bounded, a build needs no more than usual
    shutil.copyfile(ERRORS / "yaml-alias-bomb.md", site / "plans" / "yaml-alias-bomb.md")
    (site / "mapsite.yml").write_text(f"title: Deals\nextra:\n{BOMB}", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "mapsite", "build", "--today", TODAY],
        cwd=site,
        capture_output=True,
        text=True,
        preexec_fn=_one_gib,
        env={**os.environ, "MAPSITE_PDF": "0"},
        timeout=300,  # a hang guard, not a measure: a bounded build takes a second
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"{SETTINGS['bomb'][1]}\n"
        + (ERRORS / "yaml-alias-bomb.expected").read_text(encoding="utf-8").splitlines()[0]
        + "\n2 errors in 2 files\n"
    )


# --- files that cannot be read as text ---------------------------------------------------


def test_settings_that_are_a_folder(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").mkdir()
    write_plan("northwind")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "mapsite.yml:1:1: cannot read file: it is a folder (rename or remove the folder)\n"
        "1 error in 1 file\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a Unix thing")
def test_settings_that_are_a_pipe_do_not_hang(site: Path, write_plan, run) -> None:
    # opening a pipe waits for a writer: mapsite check waited for ever
    os.mkfifo(site / "mapsite.yml")
    write_plan("northwind")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "mapsite.yml:1:1: cannot read file: it is not a regular file (a pipe, a socket or "
        "a device) (replace it with a text file)\n1 error in 1 file\n"
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_a_plan_nobody_may_read(site: Path, write_plan, run) -> None:
    write_plan("northwind").chmod(0)

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:1:1: cannot read file: permission denied "
        "(chmod u+r plans/northwind.md)\n1 error in 1 file\n"
    )


def test_a_plan_too_large_to_be_one(site: Path, write_plan, run) -> None:
    # read up to the bound and no further: /dev/zero behind a name would never end
    notes = "x" * 80 + "\n"
    path = write_plan("northwind", VALID_PLAN + notes * (reader.MAX_BYTES // len(notes)))
    assert reader.MAX_BYTES < path.stat().st_size < reader.MAX_BYTES + 1000

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:1:1: file is larger than 4 MB, too large for a plan "
        "(move pasted data out of it: images and files belong in assets/)\n"
        "1 error in 1 file\n"
    )


def test_a_plan_at_the_bound_is_read(site: Path, write_plan, run) -> None:
    path = write_plan("northwind")
    with path.open("a", encoding="utf-8") as file:
        file.write("x" * (reader.MAX_BYTES - path.stat().st_size))
    assert path.stat().st_size == reader.MAX_BYTES

    assert run("check").exit_code == 0


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_plan_saved_as_utf16_or_utf32(
    site: Path, write_plan, run, encoding: str, name: str
) -> None:
    path = write_plan("northwind")
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))  # with its BOM

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        f"plans/northwind.md:1:1: file is {name} text, not UTF-8 "
        "(save it as UTF-8 in your editor)\n1 error in 1 file\n"
    )


def test_a_bom_is_dropped_and_positions_stay_right(site: Path, write_plan, run) -> None:
    path = write_plan("northwind", VALID_PLAN.replace("go_live: 2027-03-31", "go_live: soon"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    result = run("check")

    assert result.stderr == (
        "plans/northwind.md:7:10: go_live: 'soon' is not a date (use YYYY-MM-DD)\n"
        "1 error in 1 file\n"
    )


def test_a_bad_byte_after_a_bom_is_located(site: Path, write_plan, run) -> None:
    path = write_plan("northwind", VALID_PLAN.replace("Contoso", "Contoso E", 1))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"Contoso E", b"Contoso \xe9"))

    result = run("check")

    assert result.stderr == (
        "plans/northwind.md:6:17: file is not UTF-8 text (byte 0xe9) "
        "(save it as UTF-8 in your editor)\n1 error in 1 file\n"
    )
