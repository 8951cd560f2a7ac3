"""``mapsite status``, ``done`` and ``set`` as a rep types them, on real plan files.

Each case in ``tests/edits/`` is a plan before (``NAME.md``), the commands run on it
with what they print (``NAME.cmd``, a transcript: ``$ mapsite ...`` then its output),
and the plan after, byte for byte (``NAME.after.md``). To add one, write the plan and
the commands, run them on a copy, read the diff line by line, and only then save the
output and the result. Refusals are checked here with their exact messages, and every
file left as it was.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
from pathlib import Path

import pytest
from support import REPO, TODAY, VALID_PLAN, token_for, tree_hash, with_token

from mapsite import update
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
        ([], "say what to change: --status, --due, --expected, --owner or --note"),
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


PILOT = """\
---
title: Pilot
buyer: {name: Tailspin Toys}
seller: {name: Contoso}
go_live: 2026-12-18
milestones:
  - name: Pilot
    steps:
      - task: Run the pilot
        id: pilot
        owner: Mia
        due: 2026-12-09
  - name: Live
    due: go_live
    steps:
      - task: Train the sellers
        owner: [Hannah, Mia]
        due: pilot + 1w
      - task: Celebrate
        status: done
---
"""


def test_status_shows_a_late_go_live_and_steps_that_slip(write_plan, run) -> None:
    write_plan("pilot", PILOT)

    result = run("status", "pilot", "--today", "2026-12-14")

    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == """\
plans/pilot.md: Pilot (Tailspin Toys)
1 of 3 steps done · go-live Fri 18 Dec, projected Mon 21 Dec (3 days late)

Step     Status   Task               Owner        Due
-------  -------  -----------------  -----------  --------------------------------
1 Pilot · ○ Upcoming
  pilot  ○ To do  Run the pilot      Mia          Wed 9 Dec, ▲ 5 days overdue
2 Live · ◐ In progress · Fri 18 Dec, projected Mon 21 Dec
  2.1    ○ To do  Train the sellers  Hannah, Mia  Wed 16 Dec, projected Mon 21 Dec
  2.2    ✓ Done   Celebrate          no owner     no date
"""
    )
    assert "Wed 9 Dec, ▲ 1 day overdue" in run("status", "pilot", "--today", "2026-12-10").stdout


def test_status_of_two_plans_one_after_the_other(write_plan, run) -> None:
    write_plan("pilot", PILOT)
    write_plan("second", PILOT.replace("title: Pilot", "title: Second"))

    result = run("status", "--open", "--today", "2026-12-01")

    table = """\
1 of 3 steps done · go-live Fri 18 Dec

Step     Status   Task               Owner        Due
-------  -------  -----------------  -----------  ----------
1 Pilot · ○ Upcoming
  pilot  ○ To do  Run the pilot      Mia          Wed 9 Dec
2 Live · ◐ In progress · Fri 18 Dec
  2.1    ○ To do  Train the sellers  Hannah, Mia  Wed 16 Dec
"""
    assert result.stdout == (
        f"plans/pilot.md: Pilot (Tailspin Toys)\n{table}\n"
        f"plans/second.md: Second (Tailspin Toys)\n{table}"
    )


def test_status_of_a_finished_plan(write_plan, run) -> None:
    finished = PILOT.replace("due: 2026-12-09\n", "due: 2026-12-09\n        status: done\n")
    write_plan("pilot", finished.replace("1w\n", "1w\n        status: done\n"))

    result = run("status", "pilot", "--open", "--today", "2026-12-14")

    assert result.stdout == (
        "plans/pilot.md: Pilot (Tailspin Toys)\n3 of 3 steps done · go-live Fri 18 Dec\n\n"
        "every step is done\n"
    )


def test_status_as_json_is_indented(write_plan, run) -> None:
    write_plan("pilot", PILOT)

    result = run("status", "pilot", "--open", "--format", "json", "--today", "2026-12-10")

    milestone = {"address": "1", "number": "1", "id": None, "name": "Pilot",
                 "state": "upcoming", "due": None, "projected": None}  # fmt: skip
    step = {"address": "pilot", "number": "1.1", "id": "pilot", "task": "Run the pilot",
            "status": "todo", "owner": ["Mia"], "due": "2026-12-09", "projected": "2026-12-10",
            "days_overdue": 1}  # fmt: skip
    plans = json.loads(result.stdout)
    assert plans[0]["milestones"][0] == {**milestone, "steps": [step]}
    assert (plans[0]["go_live"], plans[0]["projected_go_live"]) == ("2026-12-18", "2026-12-18")
    assert result.stdout == json.dumps(plans, indent=2) + "\n"


HOLIDAY_PLAN = PILOT.replace("due: 2026-12-09", "due: 2026-11-25").replace(
    "due: pilot + 1w", "due: pilot + 1bd"
)


def test_the_sites_holidays_count_in_status_and_in_edits(write_plan, site: Path, run) -> None:
    write_plan("pilot", HOLIDAY_PLAN)
    (site / "mapsite.yml").write_text("holidays: US\n", encoding="utf-8")

    status = run("status", "pilot", "--today", "2026-11-23")
    changed = run("set", "pilot", "2.1", "--due", "pilot + 2bd", "--today", "2026-11-23")

    assert "  2.1    ○ To do  Train the sellers  Hannah, Mia  Fri 27 Nov" in status.stdout
    assert changed.stdout == (
        "plans/pilot.md: 2.1 'Train the sellers' -> due pilot + 2bd (Mon 30 Nov)\n"
    )


def test_every_plan_and_every_step_in_error_is_reported(write_plan, run) -> None:
    write_plan("pilot", PILOT.replace("go_live: 2026-12-18", "go_live: soon"))
    write_plan("second", PILOT.replace("title: Pilot", "title:"))
    write_plan("third", PILOT)
    write_plan("fourth", PILOT)

    status = run("status", "pilot", "second")
    missing = run("status", "pilott", "sekond")
    broken = run("done", "plans/pilot.md", "1.1", "plans/second.md", "1.1")
    steps = run("done", "plans/third.md", "9.9", "plans/fourth.md", "pilot", "sellers", "7.1")

    assert (
        status.stderr
        == broken.stderr.replace("; nothing written", "")
        == (
            "plans/pilot.md:5:10: go_live: 'soon' is not a date (use YYYY-MM-DD)\n"
            "plans/second.md:2:7: title: must not be empty (give 'title' a value)\n"
            "2 errors in 2 files\n"
        )
    )
    assert missing.stderr == (
        "pilott: no plan of this name in plans/ (did you mean 'pilot'?)\n"
        "sekond: no plan of this name in plans/ (did you mean 'second'?)\n"
        "2 errors in 2 files\n"
    )
    assert steps.stderr == (
        "plans/fourth.md: there is no step 7.1 ('mapsite status plans/fourth.md' lists the steps)\n"
        "plans/third.md: there is no step 9.9 ('mapsite status plans/third.md' lists the steps)\n"
        "2 errors in 2 files; nothing written\n"
    )


def test_only_the_values_given_and_different_change(write_plan, run) -> None:
    path = write_plan("pilot", PILOT)

    result = run("set", "pilot", "2.1", "--status", "todo", "--due", "pilot + 2w", "--owner",
                 "Mia", "--note", "Book the room", "--today", "2026-12-01")  # fmt: skip

    assert result.stdout == (
        "plans/pilot.md: 2.1 'Train the sellers' -> due pilot + 2w (Wed 23 Dec); owner Mia; "
        "notes 'Book the room'; status already todo\n"
    )
    assert (
        path.read_text(encoding="utf-8")
        == with_token(PILOT, "pilot")
        .replace(
            "        owner: [Hannah, Mia]\n        due: pilot + 1w\n",
            "        owner: Mia\n        due: pilot + 2w\n        notes: Book the room\n",
        )
        .removesuffix("---\n")
        + "updated: 2026-12-01\n---\n"
    )


def test_a_failed_write_is_an_error_and_changes_nothing(
    two_plans: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_hash(two_plans)

    def no_rename(src: str, dst: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", no_rename)

    result = run("done", "northwind", "1.1")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "plans/northwind.md: cannot write the file: Permission denied (nothing was written)\n"
        "1 error in 1 file\n"
    )
    assert tree_hash(two_plans) == before


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Send the order form", "Send the order form"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        ("Grant Contoso a read-only Snowflake service", "Grant Contoso a read-only Snowflake…"),
        ("Sign the order form, the MSA, the DPA, and more",
         "Sign the order form, the MSA, the DPA…"),
        ("Sign: the order form and then the MSA", "Sign: the order form and then the MSA"),
        ("Two  spaces\nand a line   break", "Two spaces and a line break"),
    ],
)  # fmt: skip
def test_tasks_are_cut_after_a_whole_word(text: str, short: str) -> None:
    assert update.short(text) == short


def test_a_note_that_looks_like_an_impossible_date_is_written_as_text(
    site: Path, write_plan, run
) -> None:
    """YAML's date constructor fails on '2026-13-01' (a ValueError, not a YAML error):
    the note is quoted, not a crash."""
    plan = write_plan("northwind")

    result = run("set", "plans/northwind.md", "1.1", "--note", "2026-13-01", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert '        notes: "2026-13-01"\n' in plan.read_text(encoding="utf-8")
