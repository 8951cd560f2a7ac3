"""Every way a plan file can be wrong, and the exact lines ``mapsite check`` prints for it.

Each case is a pair of files in ``tests/errors/``: ``NAME.md`` is the broken plan (its
bytes as a user would save them: tabs, CRLF and non-UTF-8 included) and
``NAME.expected`` is the whole of stderr, with the plan shown as ``plans/NAME.md``.

To add a case, write ``NAME.md``, run ``mapsite check`` on a site holding only that
plan, read the message and check that its line and column point at the mistake and
that it says how to fix it; only then save it as ``NAME.expected``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mapsite import yamlmarks
from mapsite.errors import MapsiteError, Problem

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.stem for p in ERRORS.glob("*.md"))

# PyYAML words syntax errors differently with and without libyaml; the expected
# messages are libyaml's (the PyYAML wheels on PyPI include it).
PURE_PYTHON_YAML = yamlmarks._Loader is not getattr(yaml, "CSafeLoader", None)


def test_every_case_has_its_expected_output() -> None:
    expected = sorted(p.stem for p in ERRORS.glob("*.expected"))
    assert expected == CASES
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_check_reports_the_error(name: str, site: Path, run) -> None:
    expected = (ERRORS / f"{name}.expected").read_text(encoding="utf-8")
    if PURE_PYTHON_YAML and "invalid YAML:" in expected:
        pytest.skip("YAML syntax messages are libyaml's")
    shutil.copyfile(ERRORS / f"{name}.md", site / "plans" / f"{name}.md")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == expected
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["date-words", "missing-title", "yaml-colon-in-value"])
def test_build_reports_the_same_errors_as_check(name: str, site: Path, run) -> None:
    shutil.copyfile(ERRORS / f"{name}.md", site / "plans" / f"{name}.md")

    result = run("build", "--today", "2026-11-23")

    assert result.exit_code == 1
    assert result.stderr == (ERRORS / f"{name}.expected").read_text(encoding="utf-8")
    assert not (site / "public").exists()


def test_a_problem_with_a_whole_file_has_no_position() -> None:
    problem = Problem.about("plans/northwind.md", "no step named", "name one")

    assert problem == Problem("plans/northwind.md", 0, 0, "", "no step named", "name one")
    assert str(problem) == "plans/northwind.md: no step named (name one)"
    assert str(Problem.about("plans", "no plans found")) == "plans: no plans found"


def test_problems_at_one_place_keep_the_order_they_were_found_in() -> None:
    error = MapsiteError(
        [
            Problem.about("plans/b.md", "second plan"),
            Problem("plans/a.md", 3, 1, "", "later line"),
            Problem.about("plans/a.md", "'send' matches 2 steps"),
            Problem.about("plans/a.md", "'kickoff': no step"),
        ],
        "nothing written",
    )

    assert error.format_message() == (
        "plans/a.md: 'send' matches 2 steps\n"
        "plans/a.md: 'kickoff': no step\n"
        "plans/a.md:3:1: later line\n"
        "plans/b.md: second plan\n"
        "4 errors in 2 files; nothing written"
    )
