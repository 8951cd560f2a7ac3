"""``mapsite digest``: each person's week across every plan (overdue, due in the next
7 days, what changed that concerns them) as text, Markdown and JSON; and the example
GitHub Actions workflow that runs it every week."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import REPO, TODAY, TRACKED_PLAN, VALID_PLAN, commit, mutate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TAILSPIN = """\
---
title: Claims automation
buyer:
  name: Tailspin Toys
seller:
  name: Contoso
share:
  token: TailspinToysClaimsPlan01
go_live: 2027-02-26
stakeholders:
  - name: Marcus Hale
    side: buyer
    role: Champion
  - name: sam ortiz
    side: seller
  - name: Olivia Grant
    side: seller
  - name: Lee Parker
    side: seller
  - name: Lea Park
    side: buyer
milestones:
  - name: Pilot
    due: 2026-12-04
    steps:
      - task: Share the claims sample
        owner: Marcus Hale
        due: 2026-11-22
      - task: Send the pilot data
        owner: Marcus Hale
        due: 2026-11-18
      - task: Configure the pilot tenant
        owner: Sam Ortiz
        due: 2026-11-25
        status: in progress
      - task: Pilot readout
        owner: [Marcus Hale, Sam Ortiz]
        due: 2026-11-27
      - task: Agree the rollout
        owner: Dana Whitfield
        due: 2026-11-20
      - task: Book the rollout workshop
        owner: Dana Whitfield
        due: 2026-11-29
      - task: Kick off the pilot
        owner: Marcus Hale
        due: 2026-11-16
        status: done
---
"""
NEW_STEP = (
    "      - task: Security questionnaire\n        owner: Sam Ortiz\n        due: 2026-11-27\n"
)
READOUT = "      - task: POC readout\n        owner: Lee Park\n"
REVIEW = "        id: review\n        owner: Lee Park\n"
ELENA = "  - name: Elena Varga\n    side: buyer\n    role: Economic Buyer\n"
NORTHWIND = mutate(TRACKED_PLAN, ("  - name: Sam Ortiz\n", ELENA + "  - name: Sam Ortiz\n"))


@pytest.fixture
def two_plans(site: Path) -> Path:
    """Northwind and Tailspin committed on 2 Nov; Northwind's review done on 12 Nov (too
    long ago for a week's digest), its POC readout handed to Priya on 18 Nov; on 20 Nov
    Northwind's go-live moved and Tailspin got a new step."""
    northwind, tailspin = site / "plans" / "northwind.md", site / "plans" / "tailspin.md"
    northwind.write_text(NORTHWIND, encoding="utf-8")
    tailspin.write_text(TAILSPIN, encoding="utf-8")
    commit(site, "2026-11-02")
    text = mutate(NORTHWIND, (REVIEW, REVIEW + "        status: done\n"))
    northwind.write_text(text, encoding="utf-8")
    commit(site, "2026-11-12")
    text = mutate(text, (READOUT, READOUT.replace("Lee Park", "Priya Raman")))
    northwind.write_text(text, encoding="utf-8")
    commit(site, "2026-11-18")
    northwind.write_text(mutate(text, ("go_live: 2027-03-31", "go_live: 2027-04-14")))
    done = "        status: done\n"
    tailspin.write_text(mutate(TAILSPIN, (done, done + NEW_STEP)))
    commit(site, "2026-11-20")
    return site


GO_LIVE = "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"
OWNER = "Owner of 'POC readout' changed from Lee Park to Priya Raman"
NEW = "New step: Security questionnaire, owner Sam Ortiz, due Fri 27 Nov"

TEXT = f"""\
Digest for Mon 23 Nov 2026
Overdue steps, steps due by Sun 29 Nov, and what changed since Tue 17 Nov.

Dana Whitfield
  Overdue
    - Agree the rollout: 3 days overdue (due Fri 20 Nov) · Tailspin Toys
  Due in the next 7 days
    - Book the rollout workshop: due Sun 29 Nov, in 6 days · Tailspin Toys

Elena Varga
  What changed
    - Fri 20 Nov · Northwind Financial: {GO_LIVE}

Lee Park
  What changed
    - Fri 20 Nov · Northwind Financial: {GO_LIVE}
    - Wed 18 Nov · Northwind Financial: {OWNER}

Marcus Hale
  Overdue
    - Send the pilot data: 5 days overdue (due Wed 18 Nov) · Tailspin Toys
    - Share the claims sample: 1 day overdue (due Sun 22 Nov) · Tailspin Toys
  Due in the next 7 days
    - Pilot readout: due Fri 27 Nov, in 4 days · Tailspin Toys

Priya Raman
  What changed
    - Fri 20 Nov · Northwind Financial: {GO_LIVE}
    - Wed 18 Nov · Northwind Financial: {OWNER}

Sam Ortiz
  Due in the next 7 days
    - Configure the pilot tenant: due Wed 25 Nov, in 2 days · Tailspin Toys
    - Pilot readout: due Fri 27 Nov, in 4 days · Tailspin Toys
    - Security questionnaire: due Fri 27 Nov, in 4 days · Tailspin Toys
  What changed
    - Fri 20 Nov · Northwind Financial: {GO_LIVE}
    - Fri 20 Nov · Tailspin Toys: {NEW}
"""


def test_text(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == TEXT


MARKDOWN = """\
# Digest for Mon 23 Nov 2026

Overdue steps, steps due by Sun 29 Nov, and what changed since Tue 17 Nov.

## Dana Whitfield

**Overdue**

- **Agree the rollout**: 3 days overdue (due Fri 20 Nov) · Tailspin Toys

**Due in the next 7 days**

- **Book the rollout workshop**: due Sun 29 Nov, in 6 days · Tailspin Toys

## Elena Varga

**What changed**

- Fri 20 Nov · Northwind Financial: Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027

## Lee Park

**What changed**

- Fri 20 Nov · Northwind Financial: Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027
- Wed 18 Nov · Northwind Financial: Owner of 'POC readout' changed from Lee Park to Priya Raman

## Marcus Hale

**Overdue**

- **Send the pilot data**: 5 days overdue (due Wed 18 Nov) · Tailspin Toys
- **Share the claims sample**: 1 day overdue (due Sun 22 Nov) · Tailspin Toys

**Due in the next 7 days**

- **Pilot readout**: due Fri 27 Nov, in 4 days · Tailspin Toys

## Priya Raman

**What changed**

- Fri 20 Nov · Northwind Financial: Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027
- Wed 18 Nov · Northwind Financial: Owner of 'POC readout' changed from Lee Park to Priya Raman

## Sam Ortiz

**Due in the next 7 days**

- **Configure the pilot tenant**: due Wed 25 Nov, in 2 days · Tailspin Toys
- **Pilot readout**: due Fri 27 Nov, in 4 days · Tailspin Toys
- **Security questionnaire**: due Fri 27 Nov, in 4 days · Tailspin Toys

**What changed**

- Fri 20 Nov · Northwind Financial: Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027
- Fri 20 Nov · Tailspin Toys: New step: Security questionnaire, owner Sam Ortiz, due Fri 27 Nov
"""


def test_markdown(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--format", "markdown", "--since", "7d")

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == MARKDOWN


def test_markdown_shows_plan_text_as_written(two_plans: Path, run) -> None:
    tailspin = two_plans / "plans" / "tailspin.md"
    text = tailspin.read_text().replace("Send the pilot data", "Send *all* pilot_data [v2]")
    tailspin.write_text(text)

    result = run("digest", "--today", TODAY, "--format", "markdown", "--person", "Marcus Hale")

    assert "- **Send \\*all\\* pilot\\_data \\[v2\\]**: 5 days overdue" in result.stdout


def test_json(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--format", "json", "--person", "SAM ORTIZ")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "today": "2026-11-23",
        "since": "2026-11-17",
        "until": "2026-11-29",
        "people": [
            {
                "name": "Sam Ortiz",
                "overdue": [],
                "due_soon": [
                    {
                        "plan": "plans/tailspin.md",
                        "deal": "Tailspin Toys",
                        "task": "Configure the pilot tenant",
                        "address": "1.3",
                        "due": "2026-11-25",
                        "overdue_days": 0,
                    },
                    {
                        "plan": "plans/tailspin.md",
                        "deal": "Tailspin Toys",
                        "task": "Pilot readout",
                        "address": "1.4",
                        "due": "2026-11-27",
                        "overdue_days": 0,
                    },
                    {
                        "plan": "plans/tailspin.md",
                        "deal": "Tailspin Toys",
                        "task": "Security questionnaire",
                        "address": "1.8",
                        "due": "2026-11-27",
                        "overdue_days": 0,
                    },
                ],
                "changes": [
                    {
                        "plan": "plans/northwind.md",
                        "deal": "Northwind Financial",
                        "date": "2026-11-20",
                        "kind": "go-live-later",
                        "text": GO_LIVE,
                        "items": [],
                        "people": [],
                        "plan_wide": True,
                    },
                    {
                        "plan": "plans/tailspin.md",
                        "deal": "Tailspin Toys",
                        "date": "2026-11-20",
                        "kind": "step-new",
                        "text": NEW,
                        "items": [{"address": "1.8", "key": [0, 7]}],
                        "people": ["Sam Ortiz"],
                        "plan_wide": False,
                    },
                ],
            }
        ],
    }


def test_one_person_whatever_the_case(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--person", "  priya RAMAN ")

    assert result.stdout == TEXT[: TEXT.index("\n\n", TEXT.index("Overdue steps")) + 2] + (
        f"Priya Raman\n  What changed\n    - Fri 20 Nov · Northwind Financial: {GO_LIVE}\n"
        f"    - Wed 18 Nov · Northwind Financial: {OWNER}\n"
    )


def test_one_person_with_nothing_to_report(two_plans: Path, run) -> None:
    markdown = run("digest", "--today", TODAY, "--person", "Olivia Grant", "--format", "markdown")
    text = run("digest", "--today", TODAY, "--person", "Olivia Grant")

    assert markdown.stdout.endswith("\n## Olivia Grant\n\nNothing to report.\n")
    assert text.stdout.endswith("\n\nOlivia Grant\n  Nothing to report.\n")


def test_json_of_overdue_steps(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--format", "json", "--person", "Marcus Hale")

    assert result.stdout.startswith('{\n  "today": "2026-11-23",\n  "since": "2026-11-17",\n')
    [marcus] = json.loads(result.stdout)["people"]
    assert marcus["overdue"] == [
        {
            "plan": "plans/tailspin.md",
            "deal": "Tailspin Toys",
            "task": "Send the pilot data",
            "address": "1.2",
            "due": "2026-11-18",
            "overdue_days": 5,
        },
        {
            "plan": "plans/tailspin.md",
            "deal": "Tailspin Toys",
            "task": "Share the claims sample",
            "address": "1.1",
            "due": "2026-11-22",
            "overdue_days": 1,
        },
    ]
    assert [s["task"] for s in marcus["due_soon"]] == ["Pilot readout"]
    assert marcus["changes"] == []


def test_a_longer_window(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--since", "2w", "--person", "Lee Park")

    assert result.stdout.splitlines()[1:] == [
        "Overdue steps, steps due by Sun 29 Nov, and what changed since Tue 10 Nov.",
        "",
        "Lee Park",
        "  What changed",
        f"    - Fri 20 Nov · Northwind Financial: {GO_LIVE}",
        f"    - Wed 18 Nov · Northwind Financial: {OWNER}",
        "    - Thu 12 Nov · Northwind Financial: Security review passed (done Thu 12 Nov)",
        "    - Thu 12 Nov · Northwind Financial: 'Review the questionnaire' done",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Pria Raman", "no one called 'Pria Raman' in the plans (did you mean 'Priya Raman'?)"),
        ("Sam", "no one called 'Sam' in the plans"),
        (
            "Lee Par",
            "no one called 'Lee Par' in the plans (did you mean 'Lee Park', 'Lee Parker' or "
            "'Lea Park'?)",
        ),
        ("Marcus Hall", "no one called 'Marcus Hall' in the plans (did you mean 'Marcus Hale'?)"),
    ],
)
def test_an_unknown_person(two_plans: Path, run, name: str, message: str) -> None:
    result = run("digest", "--today", TODAY, "--person", name)

    assert result.exit_code == 2
    assert result.stderr.endswith(f"\nError: Invalid value for '--person': {message}\n")


def test_two_close_names(two_plans: Path, run) -> None:
    result = run("digest", "--today", TODAY, "--person", "Mar Hale")

    assert result.stderr.endswith("(did you mean 'Marcus Hale'?)\n")


def test_a_bad_since(two_plans: Path, run) -> None:
    result = run("digest", "--since", "last week")

    assert result.exit_code == 2
    assert result.stderr.endswith(
        "\nError: Invalid value for '--since': 'last week' is not a date or a number of days "
        "or weeks (use YYYY-MM-DD, 7d or 2w)\n"
    )


NOTHING = "Nothing to report: nothing overdue, due soon or changed.\n"
INTRO = "Overdue steps, steps due by Sat 7 Nov, and what changed since Mon 26 Oct.\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", f"Digest for Sun 1 Nov 2026\n{INTRO}\n{NOTHING}"),
        ("markdown", f"# Digest for Sun 1 Nov 2026\n\n{INTRO}\n{NOTHING}"),
    ],
)
def test_nothing_to_report(write_plan, run, fmt: str, expected: str) -> None:
    write_plan("northwind", VALID_PLAN)  # outside git; its steps are due in December

    result = run("digest", "--today", "2026-11-01", "--format", fmt)

    assert (result.exit_code, result.stdout) == (0, expected)


def test_an_invalid_plan_stops_the_digest(write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN.replace("title: Revenue forecasting rollout\n", ""))

    result = run("digest", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:2:1: title: required field 'title' is missing (add 'title: ...')\n"
        "1 error in 1 file\n"
    )


# --- the example workflow ------------------------------------------------------------------


def test_the_example_workflow_runs_the_digest_weekly_with_full_history() -> None:
    workflow = yaml.safe_load((REPO / "docs" / "examples" / "weekly-digest.yml").read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare 'on' as true
    steps = workflow["jobs"]["digest"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    script = "\n".join(s.get("run", "") for s in steps)

    assert on["schedule"][0]["cron"]
    assert "workflow_dispatch" in on
    assert checkout["with"]["fetch-depth"] == 0
    assert "pip install mapsite" in script
    assert "mapsite digest --format markdown" in script
    assert "$GITHUB_STEP_SUMMARY" in script
    assert "gh issue" in script
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}


def test_docs_digest_shows_the_workflow_as_it_is() -> None:
    workflow = (REPO / "docs" / "examples" / "weekly-digest.yml").read_text()
    docs = (REPO / "docs" / "digest.md").read_text()

    assert f"```yaml\n{workflow}```" in docs
