"""``mapsite status``, ``done`` and ``set`` as a rep types them, on real plan files.

Each case in ``tests/edits/`` is a plan before (``NAME.md``), the commands run on it
with what they print (``NAME.cmd``, a transcript: ``$ mapsite ...`` then its output),
and the plan after, byte for byte (``NAME.after.md``). To add one, write the plan and
the commands, run them on a copy, read the diff line by line, and only then save the
output and the result. Refusals are checked here with their exact messages, and every
file left as it was.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from support import REPO, TODAY, VALID_PLAN, token_for, tree_hash, with_token

from mapsite.load import load_plan

EDITS = Path(__file__).parent / "edits"
CASES = sorted(p.stem for p in EDITS.glob("*.md") if not p.name.endswith(".after.md"))


def transcript(name: str) -> list[tuple[list[str], str]]:
    """(arguments, expected output) of each command in ``NAME.cmd``."""
    runs: list[tuple[list[str], str]] = []
    for line in (EDITS / f"{name}.cmd").read_text(encoding="utf-8").splitlines():
        if line.startswith("$ mapsite "):
            runs.append((shlex.split(line.removeprefix("$ mapsite ")), ""))
        else:
            args, out = runs[-1]
            runs[-1] = (args, out + line + "\n")
    return runs


def test_every_case_has_its_commands_and_its_result() -> None:
    assert sorted(p.stem for p in EDITS.glob("*.cmd")) == CASES
    assert sorted(p.name.removesuffix(".after.md") for p in EDITS.glob("*.after.md")) == CASES
    assert len(CASES) >= 7
    assert (EDITS / "comments-crlf-bom.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")


@pytest.mark.parametrize("name", CASES)
def test_an_edit_changes_only_the_values_it_names(name: str, site: Path, run) -> None:
    plan = site / "plans" / f"{name}.md"
    shutil.copyfile(EDITS / f"{name}.md", plan)

    for args, expected in transcript(name):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert (result.stdout, result.stderr) == (expected, "")

    assert plan.read_bytes() == (EDITS / f"{name}.after.md").read_bytes()
    load_plan(plan)  # still a valid plan


# --- refusals: a message, exit status 1, and every file as it was -----------------------

TAILSPIN = VALID_PLAN.replace(
    "title: Revenue forecasting rollout", "title: Tailspin pilot"
).replace("go_live: 2027-03-31\n", "")


@pytest.fixture
def two_plans(write_plan, site: Path) -> Path:
    write_plan("northwind")
    write_plan("tailspin", TAILSPIN)
    return site / "plans"


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["done", "plans/northwind.md", "order form"],
            "plans/northwind.md: 'order form' matches 2 steps; name one\n"
            "  1.1  Send the order form\n"
            "  1.2  Sign the order form\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["done", "plans/northwind.md", "contract"],
            "plans/northwind.md: 'contract' is the milestone 'Contract signed', not a step; "
            "name one of its steps\n"
            "  1.1  Send the order form\n"
            "  1.2  Sign the order form\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["done", "plans/northwind.md", "1.1", "2.1", "kickoff"],
            "plans/northwind.md: there is no step 2.1 "
            "('mapsite status plans/northwind.md' lists the steps)\n"
            "plans/northwind.md: no step matches 'kickoff' "
            "('mapsite status plans/northwind.md' lists the steps)\n"
            "2 errors in 1 file; nothing written\n",
        ),
        (
            ["done", "northwind", "send", "tailspin", "sign"],
            "plans/northwind.md: no step matches 'tailspin' ('tailspin' is a plan: give each "
            "plan as a path, e.g. plans/tailspin.md)\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["done", "plans/northwind.md", "send", "plans/tailspn.md", "sign"],
            "plans/northwind.md: no step matches 'plans/tailspn.md' (there is no file "
            "plans/tailspn.md; 'mapsite status plans/northwind.md' lists the steps)\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["done", "plans/northwind.md"],
            "plans/northwind.md: no step named "
            "(name a step by its id, its number such as 2.3, or words of its task)\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["done", "northwnd", "1.1"],
            "northwnd: no plan of this name in plans/ (did you mean 'northwind'?)\n"
            "1 error in 1 file; nothing written\n",
        ),
        (
            ["set", "northwind", "send", "--due", "contrat - 2w", "--today", TODAY],
            "plans/northwind.md:20:14: milestones[0].steps[0].due: unknown id 'contrat' "
            "(did you mean 'contract'?)\n"
            "1 error in 1 file; nothing written\n",
        ),
        (  # one of several plans would become invalid: neither is written
            ["set", "northwind", "send", "plans/tailspin.md", "sign", "--due", "go_live - 2w"],
            "plans/tailspin.md:22:14: milestones[0].steps[1].due: 'go_live - 2w' counts from "
            "go_live, which is not set (add 'go_live: YYYY-MM-DD' to the plan)\n"
            "1 error in 1 file; nothing written\n",
        ),
    ],
)  # fmt: skip
def test_refused_edits_write_nothing(two_plans: Path, run, args: list[str], stderr: str) -> None:
    before = tree_hash(two_plans)

    result = run(*args)

    assert (result.exit_code, result.stderr, result.stdout) == (1, stderr, "")
    assert tree_hash(two_plans) == before


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--status", "finished"], "Invalid value for '--status': 'finished' is not a status "
                                   "(use todo, in progress, done or blocked)"),
        (["--due", "next tuesday"], "Invalid value for '--due': 'next tuesday' is not a date "
                                    "(use YYYY-MM-DD or an offset like 'go_live - 6w')"),
        (["--due", "2026-02-30"], "Invalid value for '--due': '2026-02-30' is not a real date "
                                  "(use YYYY-MM-DD or an offset like 'go_live - 6w')"),
        (["--owner", "Sam", "--owner", " "], "Invalid value for '--owner': must not be empty"),
        (["--note", ""], "Invalid value for '--note': must not be empty"),
        ([], "say what to change: --status, --due, --owner or --note"),
    ],
)  # fmt: skip
def test_values_are_checked_before_any_file_is_read(
    two_plans: Path, run, args: list[str], error: str
) -> None:
    before = tree_hash(two_plans)

    result = run("set", "plans/northwind.md", "1.1", *args)

    assert result.exit_code == 2
    assert result.stderr.endswith(f"\nError: {error}\n")
    assert tree_hash(two_plans) == before


def test_a_plan_that_is_invalid_already_is_not_touched(two_plans: Path, write_plan, run) -> None:
    write_plan("tailspin", TAILSPIN.replace("due: 2026-12-01", "due: soon"))
    before = tree_hash(two_plans)

    result = run("done", "plans/northwind.md", "1.1", "plans/tailspin.md", "1.1")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/tailspin.md:19:14: milestones[0].steps[0].due: unknown id 'soon' "
        "(count from go_live or from the id of a milestone or step)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert tree_hash(two_plans) == before


def test_a_value_shared_through_an_anchor_is_refused(write_plan, run) -> None:
    path = write_plan(
        "northwind",
        VALID_PLAN.replace("owner: Sam Ortiz", "owner: &sam Sam Ortiz").replace(
            "owner: Priya Raman", "owner: *sam"
        ),
    )
    before = path.read_bytes()

    result = run("set", "northwind", "1.2", "--owner", "Priya Raman")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:22:9: milestones[0].steps[1].owner: this value is shared through "
        "the YAML anchor '&sam' on line 19: changing it would also change every '*sam' "
        "(write the value out in full instead of '*sam', then run the command again)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert path.read_bytes() == before


# --- several plans, names, dry runs, nothing to change ----------------------------------


def test_several_plans_at_once(two_plans: Path, run) -> None:
    result = run(
        "done", "plans/northwind.md", "1.1", "sign", "plans/tailspin.md", "send", "--today", TODAY
    )

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "plans/northwind.md: 1.1 'Send the order form' -> done\n"
        "plans/northwind.md: 1.2 'Sign the order form' -> done\n"
        "plans/tailspin.md: 1.1 'Send the order form' -> done\n"
    )
    northwind = (two_plans / "northwind.md").read_text(encoding="utf-8")
    assert northwind == VALID_PLAN.replace(
        "        due: 2026-12-01\n", "        due: 2026-12-01\n        status: done\n"
    ).replace(
        "        due: 2026-12-15\n---", "        due: 2026-12-15\n        status: done\n---"
    ).replace("---\n## Notes", f"share:\n  token: {token_for('northwind')}\n"
              f"updated: {TODAY}\n---\n## Notes")  # fmt: skip
    tailspin = (two_plans / "tailspin.md").read_text(encoding="utf-8")
    assert tailspin.count("status: done") == 1 and f"updated: {TODAY}\n" in tailspin


def test_a_plan_by_name_also_in_a_sub_folder(write_plan, run) -> None:
    path = write_plan("emea/adatum")

    result = run("done", "adatum", "send", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "plans/emea/adatum.md: 1.1 'Send the order form' -> done\n"
    assert "status: done" in path.read_text(encoding="utf-8")


def test_two_plans_of_one_name_are_told_apart_by_their_folder(write_plan, run) -> None:
    write_plan("emea/adatum")
    write_plan("us/adatum")

    result = run("status", "adatum")

    assert result.exit_code == 1
    assert result.stderr == (
        "adatum: several plans have this name "
        "(give its path: plans/emea/adatum.md or plans/us/adatum.md)\n"
        "1 error in 1 file\n"
    )
    assert run("status", "us/adatum").exit_code == 0


def test_one_plan_named_twice_is_edited_once(two_plans: Path, run) -> None:
    result = run("done", "northwind", "1.1", "plans/northwind.md", "send", "1.2", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "plans/northwind.md: 1.1 'Send the order form' -> done\n"
        "plans/northwind.md: 1.2 'Sign the order form' -> done\n"
    )
    assert (two_plans / "northwind.md").read_text(encoding="utf-8").count("updated:") == 1


def test_dry_run_prints_the_diff_and_writes_nothing(two_plans: Path, run) -> None:
    before = tree_hash(two_plans)

    result = run("set", "northwind", "sign", "--status", "blocked", "--due", "2026-12-18",
                 "--dry-run", "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "--- plans/northwind.md\n"
        "+++ plans/northwind.md\n"
        "@@ -20,9 +20,11 @@\n"
        "         due: 2026-12-01\n"
        "       - task: Sign the order form\n"
        "         owner: Priya Raman\n"
        "-        due: 2026-12-15\n"
        "+        due: 2026-12-18\n"
        "+        status: blocked\n"
        " share:\n"
        f"   token: {token_for('northwind')}\n"
        f"+updated: {TODAY}\n"
        " ---\n"
        " ## Notes\n"
        " \n"
    )
    assert result.stderr == (
        "plans/northwind.md: 1.2 'Sign the order form' -> status blocked; due Fri 18 Dec\n"
        "dry run: nothing written\n"
    )
    assert tree_hash(two_plans) == before


def test_nothing_to_change_leaves_the_file_and_its_date_alone(write_plan, run) -> None:
    done_already = "due: 2026-12-01\n        status: Done\n"
    path = write_plan("northwind", VALID_PLAN.replace("due: 2026-12-01\n", done_already))
    before = path.read_bytes()

    done = run("done", "northwind", "1.1", "--today", TODAY)
    same = run("set", "northwind", "1.2", "--owner", "Priya Raman", "--due", "2026-12-15")

    assert done.stdout == (
        "plans/northwind.md: 1.1 'Send the order form' nothing to change: already done\n"
    )
    assert same.stdout == (
        "plans/northwind.md: 1.2 'Sign the order form' nothing to change: "
        "due already Tue 15 Dec; owner already Priya Raman\n"
    )
    assert path.read_bytes() == before  # not even updated: moves


def test_only_the_values_that_differ_change(write_plan, run) -> None:
    path = write_plan("northwind")

    result = run("set", "northwind", "1.2", "--owner", "Priya Raman", "--due", "contract",
                 "--today", TODAY)  # fmt: skip

    assert result.stdout == (
        "plans/northwind.md: 1.2 'Sign the order form' -> due contract (Tue 15 Dec); "
        "owner already Priya Raman\n"
    )
    assert path.read_text(encoding="utf-8") == with_token(VALID_PLAN, "northwind").replace(
        "        due: 2026-12-15\n", "        due: contract\n"
    ).replace("---\n## Notes", f"updated: {TODAY}\n---\n## Notes")


def test_updated_is_today_from_mapsite_today(write_plan, run) -> None:
    path = write_plan(
        "northwind", VALID_PLAN.replace("---\n## Notes", "updated: 2026-11-02\n---\n## Notes")
    )

    result = run("done", "northwind", "1.1", env={"MAPSITE_TODAY": "2026-11-30"})

    assert result.exit_code == 0, result.stderr
    assert "updated: 2026-11-30\n" in path.read_text(encoding="utf-8")


# --- status ------------------------------------------------------------------------------

STATUS_PLAN = VALID_PLAN.replace(
    "        due: 2026-12-01\n", "        due: 2026-12-01\n        status: in progress\n"
).replace(
    "---\n## Notes",
    """  - name: Live
    id: live
    due: go_live
    steps:
      - task: Train the sales managers on the new forecast process and the weekly call
        id: training
        owner: [Sam Ortiz, Priya Raman, Daniel Okafor]
        due: go_live - 2w
      - task: Celebrate
        status: done
---
## Notes""",
)


def test_status_lists_every_step_with_its_address(write_plan, run) -> None:
    write_plan("northwind", STATUS_PLAN)

    result = run("status", "northwind", "--today", "2026-12-04")

    assert (result.exit_code, result.stderr) == (0, "")
    # aligned columns, wider than this file's lines: kept beside the edit cases
    assert result.stdout == (EDITS / "status-northwind.txt").read_text(encoding="utf-8")


def test_status_open_hides_what_is_done_and_shows_slips(write_plan, run) -> None:
    plan = STATUS_PLAN.replace(
        "task: Send the order form\n", "task: Send the order form\n        id: send\n"
    )
    write_plan("northwind", plan.replace("        due: 2026-12-15\n", "        due: send + 2w\n"))

    result = run("status", "plans/northwind.md", "--open", "--today", "2026-12-11")

    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:2] == [
        "plans/northwind.md: Revenue forecasting rollout (Northwind Financial)",
        "1 of 4 steps done · go-live Wed 31 Mar 2027",
    ]
    assert "Celebrate" not in result.stdout
    assert (
        lines[5]
        == "1 Contract signed (contract) · ◐ In progress · Tue 15 Dec, projected Fri 25 Dec"
    )
    assert lines[6].startswith("  send      ◐ In progress  Send the order form  ")
    assert lines[6].endswith("  Tue 1 Dec, ▲ 10 days overdue")
    assert lines[7].endswith("  Tue 15 Dec, projected Fri 25 Dec")


def test_status_of_every_plan_and_as_json(two_plans: Path, run) -> None:
    text = run("status", "--today", TODAY)
    data = run("status", "--format", "json", "--open", "--today", TODAY)

    assert text.exit_code == 0 and text.stdout.count("(Northwind Financial)") == 2
    assert text.stdout.index("Revenue forecasting rollout") < text.stdout.index("Tailspin pilot")
    assert data.exit_code == 0, data.stderr
    plans = json.loads(data.stdout)
    assert [p["file"] for p in plans] == ["plans/northwind.md", "plans/tailspin.md"]
    assert plans[0]["milestones"][0]["steps"][0] == {
        "address": "1.1",
        "number": "1.1",
        "id": None,
        "task": "Send the order form",
        "status": "todo",
        "owner": ["Sam Ortiz"],
        "due": "2026-12-01",
        "projected": None,
        "days_overdue": 0,
    }
    assert plans[0]["milestones"][0]["address"] == "contract"


def test_status_without_plans(site: Path, run) -> None:
    result = run("status")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans: no plans found (name a plan file, or run this in a site's folder)\n"
        "1 error in 1 file\n"
    )


def test_the_readme_shows_what_the_commands_print(example_site: Path, run) -> None:
    """The examples in README.md's "Update a plan" are real output (dates of Dec 7)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Update a plan**")[1].split("\n`updated:` is optional")[0]
    for block in section.split("```\n$ mapsite ")[1:]:
        command, *shown = block.split("\n```")[0].splitlines()
        result = run(*shlex.split(command), "--today", "2026-12-07")
        assert result.exit_code == 0, result.stderr
        printed = (result.stdout + result.stderr).splitlines()
        assert [line for line in shown if line != "..."] == [
            line for line in printed if line in shown
        ]
