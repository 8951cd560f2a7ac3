"""One run reports every error of every file, sorted, then a count; nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support import VALID_PLAN, leftovers

BROKEN_PLANS = {
    # two errors in one file
    "tailspin": VALID_PLAN.replace("go_live: 2027-03-31", "go_live: next spring").replace(
        "        due: 2026-12-15\n---", "        due: 2026-12-15\n        status: finished\n---"
    ),
    # a YAML syntax error stops that file, not the run
    "fabrikam": VALID_PLAN.replace("title: Revenue forecasting rollout", "title: Renewal: EMEA"),
    # plans in sub-folders are plans too
    "emea/adatum": VALID_PLAN.replace("  name: Contoso\n", "  nme: Contoso\n"),
    "empty": "",
}

# sorted by file, then line: mapsite.yml first, then the plans by path
EXPECTED = """\
mapsite.yml:2:12: page_size: 'A5' is not a valid page_size (use 'A4' or 'Letter')
plans/emea/adatum.md:6:3: seller.name: required field 'name' is missing (add 'name: ...')
plans/emea/adatum.md:6:3: seller.nme: unknown field 'nme' (did you mean 'name'?)
plans/empty.md:1:1: file is empty (start it with front matter between two '---' lines, \
or run 'mapsite new NAME' for a template)
plans/fabrikam.md:2:15: invalid YAML: mapping values are not allowed in this context \
(quote values that contain ': ', and check the indentation)
plans/tailspin.md:7:10: go_live: 'next spring' is not a date (use YYYY-MM-DD)
plans/tailspin.md:24:17: milestones[0].steps[1].status: 'finished' is not a status \
(use todo, in progress, done or blocked)
7 errors in 5 files
"""


@pytest.fixture
def broken_site(site: Path, write_plan) -> Path:
    (site / "mapsite.yml").write_text("title: Deals\npage_size: A5\n", encoding="utf-8")
    write_plan("northwind")  # the one good plan
    for name, text in BROKEN_PLANS.items():
        write_plan(name, text)
    write_plan("_draft", "not a plan yet")  # files starting with '_' are not plans
    write_plan("README", "# How we write plans")
    return site


@pytest.mark.parametrize("command", [["check"], ["build", "--today", "2026-11-23"]])
def test_every_error_of_every_file_then_a_count(broken_site: Path, run, command) -> None:
    result = run(*command)

    assert result.exit_code == 1
    assert result.stderr == EXPECTED
    assert result.stdout == ""
    assert not (broken_site / "public").exists()
    assert leftovers(broken_site) == []


def test_one_error_is_singular(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN.replace("go_live: 2027-03-31", "go_live: soon"))

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 error in 1 file"


def test_a_site_without_plans(site: Path, run) -> None:
    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans:1:1: no plans found (add a Markdown plan there, e.g. with 'mapsite new NAME')\n"
        "1 error in 1 file\n"
    )


def _lines_run(run, write_plan, fields: str, count: int) -> int:
    """Python lines executed by ``mapsite check`` on a plan with ``count`` wrong fields:
    a measure of the work done that no busy machine can change."""
    write_plan("northwind", VALID_PLAN.replace("  name: Contoso\n", f"  name: Contoso\n{fields}"))
    lines = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal lines
        lines += 1
        return trace

    sys.settrace(trace)
    try:
        result = run("check")
    finally:
        sys.settrace(None)
    assert result.stderr.splitlines()[-1] == f"{count} errors in 1 file"
    return lines


def unknown(n: int) -> str:
    return "".join(f"  field{i}: x\n" for i in range(n))


def duplicate(n: int) -> str:
    return unknown(n) * 2  # every field set twice


@pytest.mark.parametrize("fields", [unknown, duplicate])
def test_error_collection_is_linear(site: Path, write_plan, run, fields) -> None:
    # 5,000 unknown fields took 0.7 s and 20,000 took 8 s: each error's position was
    # found by scanning the mapping again. Four times the errors must cost about four
    # times the work (3.5 here; the quadratic scan made it 11).
    small = _lines_run(run, write_plan, fields(500), 500)
    large = _lines_run(run, write_plan, fields(2000), 2000)

    assert large < 5 * small
