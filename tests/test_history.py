"""What changed, read from the plans' git history: ``mapsite changes`` over a scripted
history (a rename, a broken version, a commit that is no news, an edit not committed
yet), shallow clones, a merge, and folders outside git or without git."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import pytest
from support import REPO, TODAY, TRACKED_PLAN, commit, git, mutate

from mapsite import history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

REVIEW = "        id: review\n        owner: Lee Park\n"
READOUT = "      - task: POC readout\n        owner: Lee Park\n        due: poc - 3d\n"
SIGN_OFF = "      - task: Sign off the scorecard\n        owner: Priya Raman\n        due: poc\n"
NOTE = "        notes: Lee reads it with the **InfoSec** team.\n"
LEGAL = "      - task: Legal redlines\n        owner: Nina Patel\n        due: 2026-12-09\n"

GO_LIVE_LATER = ("go_live: 2027-03-31", "go_live: 2027-04-14")
REVIEW_DONE = (REVIEW, REVIEW + "        status: done\n")
READOUT_OWNER = (READOUT, READOUT.replace("Lee Park", "Priya Raman"))
BROKEN = ("title: Revenue forecasting rollout", "title: [Revenue forecasting rollout")
NO_NEWS = [
    ("region: EMEA", "region: APAC"),  # extra:
    ("token: ViqzABatAvS1drCoQ4bq8A", "token: W7hrfhSJCYSEnzUbwa616w"),  # share:
    (NOTE, "        notes: >-\n          Lee reads it with\n          the **InfoSec**  team.\n"),
    ("updated: 2026-11-16", "updated: 2026-11-18"),
]
NEW_STEP = (SIGN_OFF, SIGN_OFF + LEGAL)
BLOCKED = ("        due: poc - 3d\n", "        due: poc - 3d\n        status: blocked\n")

PLAN = "plans/northwind-financial.md"


@pytest.fixture(autouse=True)
def fresh_reads(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test reads old versions through git, as a new mapsite process does: not
    from what earlier tests read (in memory) or kept (in the cache folder)."""
    monkeypatch.setattr(history, "_read", {})
    monkeypatch.setenv("MAPSITE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def scripted(site: Path) -> Path:
    """plans/northwind.md committed on Mon 2 Nov, then one commit a day or so: go-live
    moved (12 Nov), a broken version with a step done (13 Nov), fixed (16 Nov), the
    file renamed with an owner changed (17 Nov), only extra:, share:, a note's wrapping
    and updated: (18 Nov), a new step (19 Nov); then a step blocked, not committed."""
    old = site / "plans" / "northwind.md"

    def save(text: str, when: str, path: Path = old) -> str:
        path.write_text(text, encoding="utf-8")
        commit(site, when)
        return text

    text = save(TRACKED_PLAN, "2026-11-02")
    text = save(mutate(text, GO_LIVE_LATER), "2026-11-12")
    save(mutate(text, REVIEW_DONE, BROKEN), "2026-11-13")
    text = save(mutate(text, REVIEW_DONE), "2026-11-16")
    git(site, "mv", "plans/northwind.md", PLAN)
    text = save(mutate(text, READOUT_OWNER), "2026-11-17", site / PLAN)
    text = save(mutate(text, *NO_NEWS), "2026-11-18", site / PLAN)
    text = save(mutate(text, NEW_STEP), "2026-11-19", site / PLAN)
    (site / PLAN).write_text(mutate(text, BLOCKED), encoding="utf-8")
    return site


EVERYTHING = f"""\
{PLAN}: Revenue forecasting rollout (Northwind Financial): changes since Tue 10 Nov

Mon 23 Nov
  - 'POC readout' blocked

Thu 19 Nov
  - New step: Legal redlines, owner Nina Patel, due Wed 9 Dec

Tue 17 Nov
  - Owner of 'POC readout' changed from Lee Park to Priya Raman

Mon 16 Nov
  - Security review passed (done Mon 16 Nov)
  - 'Review the questionnaire' done

Thu 12 Nov
  - Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027
"""


def test_changes_over_a_scripted_history(scripted: Path, run) -> None:
    result = run("changes", PLAN, "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EVERYTHING


@pytest.mark.parametrize("name", ["northwind-financial", "plans/northwind-financial.md"])
def test_a_plan_is_named_by_its_name_or_its_path(scripted: Path, run, name: str) -> None:
    assert run("changes", name, "--today", TODAY).stdout == EVERYTHING


def test_without_a_plan_every_plan_here(scripted: Path, run) -> None:
    assert run("changes", "--today", TODAY).stdout == EVERYTHING


def test_an_unknown_plan_name(scripted: Path, run) -> None:
    result = run("changes", "northwind", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "northwind: no plan of this name in plans/ (did you mean 'northwind-financial'?)\n"
        "1 error in 1 file\n"
    )


def test_changes_as_json(scripted: Path, run) -> None:
    """From 16 Nov: the plan as that window opened is the broken version of 13 Nov, so
    the one before it (12 Nov) stands in, and the step done on 16 Nov is still news."""
    result = run("changes", PLAN, "--today", TODAY, "--since", "2026-11-16", "--format", "json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "plan": PLAN,
            "title": "Revenue forecasting rollout",
            "buyer": "Northwind Financial",
            "since": "2026-11-16",
            "in_git": True,
            "complete": True,
            "changes": [
                {
                    "date": "2026-11-23",
                    "kind": "step-blocked",
                    "text": "'POC readout' blocked",
                    "items": [{"address": "2.1", "key": [1, 0]}],
                    "people": ["Priya Raman"],
                    "plan_wide": False,
                },
                {
                    "date": "2026-11-19",
                    "kind": "step-new",
                    "text": "New step: Legal redlines, owner Nina Patel, due Wed 9 Dec",
                    "items": [{"address": "2.3", "key": [1, 2]}],
                    "people": ["Nina Patel"],
                    "plan_wide": False,
                },
                {
                    "date": "2026-11-17",
                    "kind": "step-owner",
                    "text": "Owner of 'POC readout' changed from Lee Park to Priya Raman",
                    "items": [{"address": "2.1", "key": [1, 0]}],
                    "people": ["Priya Raman", "Lee Park"],
                    "plan_wide": False,
                },
                {
                    "date": "2026-11-16",
                    "kind": "milestone-done",
                    "text": "Security review passed (done Mon 16 Nov)",
                    "items": [{"address": "security", "key": [0, None]}],
                    "people": [],
                    "plan_wide": True,
                },
                {
                    "date": "2026-11-16",
                    "kind": "step-done",
                    "text": "'Review the questionnaire' done",
                    "items": [{"address": "review", "key": [0, 1]}],
                    "people": ["Lee Park"],
                    "plan_wide": False,
                },
            ],
        }
    ]


@pytest.mark.parametrize("since", ["7d", "1w", "2026-11-17"])
def test_changes_since(scripted: Path, run, since: str) -> None:
    result = run("changes", PLAN, "--today", TODAY, "--since", since)

    assert result.stdout == EVERYTHING.replace("Tue 10 Nov", "Tue 17 Nov").split("\nMon 16 Nov")[0]


def test_only_what_is_not_committed(scripted: Path, run) -> None:
    result = run("changes", PLAN, "--today", TODAY, "--since", "1d")

    assert result.stdout == (
        f"{PLAN}: Revenue forecasting rollout (Northwind Financial): changes since Mon 23 Nov\n"
        "\nMon 23 Nov\n  - 'POC readout' blocked\n"
    )


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("3x", "'3x' is not a date or a number of days or weeks (use YYYY-MM-DD, 7d or 2w)"),
        (
            "2026-02-30",
            "'2026-02-30' is not a date or a number of days or weeks (use YYYY-MM-DD, 7d or 2w)",
        ),
        ("0d", "'0d' is no time at all (use 1d or more)"),
    ],
)
def test_a_since_that_is_no_date(scripted: Path, run, since: str, message: str) -> None:
    result = run("changes", PLAN, "--since", since)

    assert result.exit_code == 2
    assert result.stderr.endswith(f"\nError: Invalid value for '--since': {message}\n")


def test_no_changes_in_the_window(scripted: Path, run) -> None:
    git(scripted, "checkout", "--", ".")  # the blocked step undone

    result = run("changes", PLAN, "--today", "2026-12-31")

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"{PLAN}: Revenue forecasting rollout (Northwind Financial): no changes since Fri 18 Dec\n"
    )


def test_a_plan_created_in_the_window_has_only_its_later_changes(site: Path, run) -> None:
    (site / "README.md").write_text("Plans\n", encoding="utf-8")
    commit(site, "2026-11-02")
    plan = site / "plans" / "northwind.md"
    plan.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-12")
    plan.write_text(mutate(TRACKED_PLAN, REVIEW_DONE), encoding="utf-8")
    commit(site, "2026-11-13")

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert result.stdout.splitlines()[2:] == [
        "Fri 13 Nov",
        "  - Security review passed (done Fri 13 Nov)",
        "  - 'Review the questionnaire' done",
    ]


def test_a_merge_dates_its_changes(site: Path, run) -> None:
    plan = site / "plans" / "northwind.md"
    plan.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-02")
    git(site, "checkout", "-q", "-b", "review")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER), encoding="utf-8")
    commit(site, "2026-11-12")
    git(site, "checkout", "-q", "main")
    (site / "README.md").write_text("Plans\n", encoding="utf-8")
    commit(site, "2026-11-13")
    git(site, "merge", "-q", "--no-ff", "-m", "Merge the review", "review", when="2026-11-14")

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert result.stdout.splitlines()[2:] == [
        "Sat 14 Nov",
        "  - Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027",
    ]


def test_a_plan_named_from_another_folder(
    scripted: Path, run, monkeypatch, tmp_path_factory
) -> None:
    """git runs in the plans' folder, not wherever the command was typed."""
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))

    result = run("changes", str(scripted / PLAN), "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EVERYTHING.replace(PLAN, str(scripted / PLAN))


def test_a_rename_is_followed_whatever_the_git_settings(scripted: Path, run) -> None:
    git(scripted, "config", "diff.renames", "false")  # a rename would read as delete + add

    assert run("changes", PLAN, "--today", TODAY).stdout == EVERYTHING


def test_a_file_name_that_is_not_utf_8(scripted: Path, run) -> None:
    """A stray file from an old zip (Latin-1 name) in plans/ must not stop the history."""
    (scripted / "plans" / os.fsdecode(b"notas-caf\xe9.txt")).write_text("x\n", encoding="utf-8")
    git(scripted, "add", "plans")
    git(
        scripted,
        "commit",
        "-q",
        "-m",
        "Notes",
        "--",
        "plans/" + os.fsdecode(b"notas-caf\xe9.txt"),
        when="2026-11-20",
    )

    assert run("changes", PLAN, "--today", TODAY).stdout == EVERYTHING


def test_a_plan_deleted_in_git_and_written_again(site: Path, run) -> None:
    plan = site / "plans" / "northwind.md"
    plan.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-02")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER), encoding="utf-8")
    commit(site, "2026-11-12")
    plan.unlink()
    commit(site, "2026-11-13")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER), encoding="utf-8")

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "plans/northwind.md: Revenue forecasting rollout (Northwind Financial): no history "
        "(the plan is not committed in git)\n"
    )


@pytest.mark.parametrize(("broken", "news"), [(4, True), (5, False)])
def test_broken_versions_before_the_window(site: Path, run, broken: int, news: bool) -> None:
    """The plan as the window opened does not load: the last good version before it
    stands in, looking back at most 4 versions further (each is read and parsed)."""
    plan = site / "plans" / "northwind.md"
    plan.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-01")
    for n in range(1, broken + 1):
        title = ("title: Revenue forecasting rollout", f"title: [Revenue forecasting rollout {n}")
        plan.write_text(mutate(TRACKED_PLAN, title), encoding="utf-8")
        commit(site, f"2026-11-0{1 + n}")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER), encoding="utf-8")
    commit(site, "2026-11-12")

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert result.stdout.splitlines()[2:] == (
        ["Thu 12 Nov", "  - Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"] if news else []
    )


def test_report_counts_the_changes_of_the_last_7_days(scripted: Path, run) -> None:
    table = run("report", "--today", TODAY).stdout.splitlines()
    [row] = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)
    csv = run("report", "--today", TODAY, "--format", "csv").stdout.splitlines()

    header, cells = re.split(r"\s{2,}", table[0]), re.split(r"\s{2,}", table[2])
    assert cells[header.index("Changed (7d)")] == "3 changes"  # blocked, new step, owner
    assert row["changes_7d"] == 3
    assert csv[1].split(",")[csv[0].split(",").index("changes_7d")] == "3"
    later = run("report", "--today", "2026-11-29").stdout.splitlines()
    assert re.split(r"\s{2,}", later[2])[header.index("Changed (7d)")] == "1 change"


# --- shallow clones ----------------------------------------------------------------------


def clone(site: Path, depth: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of ``site`` with ``depth`` commits (as Netlify and CI check out), which
    becomes the working directory."""
    target = site.parent / f"{site.name}-clone-{depth}"
    git(site.parent, "clone", "-q", "--depth", str(depth), site.as_uri(), str(target))
    monkeypatch.chdir(target)
    return target


SHALLOW_NOTE = (
    f"note: {PLAN}: this is a shallow clone; changes before its first commit are not "
    "known (run 'git fetch --unshallow')\n"
)


def test_a_depth_1_clone_says_nothing(scripted: Path, run, monkeypatch) -> None:
    clone(scripted, 1, monkeypatch)

    result = run("changes", PLAN, "--today", TODAY)

    assert result.stdout == (
        f"{PLAN}: Revenue forecasting rollout (Northwind Financial): no changes since Tue 10 Nov\n"
    )
    assert result.stderr == SHALLOW_NOTE


def test_a_depth_2_clone_tells_its_last_commit_only(scripted: Path, run, monkeypatch) -> None:
    clone(scripted, 2, monkeypatch)

    result = run("changes", PLAN, "--today", TODAY)

    assert result.stdout == (
        f"{PLAN}: Revenue forecasting rollout (Northwind Financial): changes since Tue 10 Nov\n"
        "\nThu 19 Nov\n  - New step: Legal redlines, owner Nina Patel, due Wed 9 Dec\n"
    )
    assert result.stderr == SHALLOW_NOTE


@pytest.mark.parametrize(("since", "note"), [("2026-11-18", SHALLOW_NOTE), ("2026-11-19", "")])
def test_a_clone_whose_first_commit_is_on_the_first_day(
    scripted: Path, run, monkeypatch, since: str, note: str
) -> None:
    """A depth-2 clone starts with the commit of 18 Nov: what changed that day is not
    known, so a window from 18 Nov is incomplete, and one from 19 Nov is not."""
    clone(scripted, 2, monkeypatch)

    result = run("changes", PLAN, "--today", TODAY, "--since", since)

    assert result.stdout.splitlines()[2:] == [
        "Thu 19 Nov",
        "  - New step: Legal redlines, owner Nina Patel, due Wed 9 Dec",
    ]
    assert result.stderr == note


@pytest.mark.parametrize(("depth", "days"), [(1, 5), (2, 4), (0, 4)])
def test_a_shallow_clone_dates_no_update_from_its_first_commit(
    scripted: Path, run, monkeypatch, depth: int, days: int
) -> None:
    """The last commit (19 Nov) is known from depth 2; at depth 1 it is the boundary,
    which says nothing: the plan's own updated: (18 Nov) stands."""
    if depth:
        clone(scripted, depth, monkeypatch)

    [row] = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)

    assert row["days_since_update"] == days


def test_a_shallow_clone_no_longer_hides_a_stale_plan(site: Path, run, monkeypatch) -> None:
    plan = mutate(TRACKED_PLAN, ("updated: 2026-11-16", "updated: 2026-10-01"))
    (site / "plans" / "northwind.md").write_text(plan, encoding="utf-8")
    commit(site, "2026-10-01")
    (site / "README.md").write_text("Plans\n", encoding="utf-8")
    commit(site, "2026-11-20")  # the clone's only commit: it did not touch the plan
    clone(site, 1, monkeypatch)

    [row] = json.loads(run("report", "--today", TODAY, "--format", "json").stdout)

    assert (row["health"], row["reasons"]) == ("stalled", "no update for 53 days")


def blobless(site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> Path:
    """A clone of ``site`` without old file versions (``--filter=blob:none``, as Netlify
    clones), which becomes the working directory."""
    git(site, "config", "uploadpack.allowFilter", "true")
    git(site, "config", "uploadpack.allowAnySHA1InWant", "true")
    target = tmp_path_factory.mktemp("blobless") / "site"
    git(site.parent, "clone", "-q", "--filter=blob:none", site.as_uri(), str(target))
    monkeypatch.chdir(target)
    return target


@pytest.mark.parametrize("older_git", [False, True], ids=["remote.origin.promisor", "partialclone"])
def test_a_blobless_clone_downloads_old_versions_in_one_request(
    scripted: Path, run, monkeypatch, tmp_path_factory, older_git: bool
) -> None:
    """Netlify clones without old file versions (--filter=blob:none): git would fetch
    each version it is asked for on its own; mapsite asks for them all at once. Clones
    made by git before 2.24 name their remote in extensions.partialclone instead."""
    target = blobless(scripted, monkeypatch, tmp_path_factory)
    if older_git:
        git(target, "config", "--unset", "remote.origin.promisor")
        git(target, "config", "extensions.partialclone", "origin")
    trace = target.parent / "trace.json"

    result = run("changes", PLAN, "--today", TODAY, env={"GIT_TRACE2_EVENT": str(trace)})

    assert result.stdout == EVERYTHING.replace("\nMon 23 Nov\n  - 'POC readout' blocked\n", "")
    starts = [json.loads(line) for line in trace.read_text().splitlines() if '"start"' in line]
    started = [(e["sid"], e["argv"]) for e in starts if e["event"] == "start"]
    [cat_file] = [sid for sid, argv in started if argv[1:3] == ["cat-file", "--batch"]]
    fetches = [sid for sid, argv in started if "fetch" in argv]
    assert [sid for sid in fetches if "/" not in sid] != []  # mapsite's one request
    assert [sid for sid in fetches if sid.startswith(cat_file)] == []  # none one by one


def test_a_blobless_clone_whose_remote_is_gone(
    site: Path, run, monkeypatch, tmp_path_factory, capfd
) -> None:
    """Offline, or the repository moved: the old versions cannot be downloaded, so
    nothing can be compared; no error, and none of git's messages in the output."""
    plan = site / "plans" / "northwind.md"
    plan.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-02")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER), encoding="utf-8")
    commit(site, "2026-11-12")
    plan.write_text(mutate(TRACKED_PLAN, GO_LIVE_LATER, REVIEW_DONE), encoding="utf-8")
    commit(site, "2026-11-13")
    blobless(site, monkeypatch, tmp_path_factory)
    site.rename(site.with_name("moved"))

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "plans/northwind.md: Revenue forecasting rollout (Northwind Financial): no changes "
        "since Tue 10 Nov\n"
    )
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("depth", [1, 0])
def test_the_netlify_command_in_the_docs_fetches_the_history_when_shallow(
    scripted: Path, monkeypatch, depth: int
) -> None:
    deploy = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    [settings] = re.findall(r"```toml\n(\[build\]\n  command = .*?)```", deploy, re.S)
    guard, _, build = tomllib.loads(settings)["build"]["command"].partition("; ")
    folder = clone(scripted, depth, monkeypatch) if depth else scripted

    subprocess.run(["bash", "-c", guard], cwd=folder, check=True, capture_output=True)

    assert git(folder, "rev-parse", "--is-shallow-repository") == "false\n"
    assert len(git(folder, "log", "--format=%H").split()) == 7
    assert build.startswith("pip install mapsite && ")


# --- no history -----------------------------------------------------------------------


def test_outside_git(write_plan, run) -> None:
    write_plan("northwind", TRACKED_PLAN)

    result = run("changes", "plans/northwind.md", "--today", TODAY)

    assert result.exit_code == 0
    assert result.stdout == (
        "plans/northwind.md: Revenue forecasting rollout (Northwind Financial): no history "
        "(the plan is not committed in git)\n"
    )
    assert result.stderr == (
        "note: plans is not in a git repository (or git is not installed): there is no "
        "history to compare\n"
    )


def test_without_git(scripted: Path, run, tmp_path_factory) -> None:
    nothing = tmp_path_factory.mktemp("no-git")

    result = run("changes", PLAN, "--today", TODAY, env={"PATH": str(nothing)})

    assert result.exit_code == 0
    assert "no history" in result.stdout
    assert result.stderr.startswith("note: plans is not in a git repository")


def test_a_plan_not_committed_yet(scripted: Path, run) -> None:
    (scripted / "plans" / "tailspin.md").write_text(
        mutate(TRACKED_PLAN, ("ViqzABatAvS1drCoQ4bq8A", "TailspinToysPlanToken00")),
        encoding="utf-8",
    )

    result = run("changes", "plans/tailspin.md", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.endswith(": no history (the plan is not committed in git)\n")


def test_plans_from_two_sites(scripted: Path, run, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("other") / "plans"
    other.mkdir()
    (other / "tailspin.md").write_text(TRACKED_PLAN, encoding="utf-8")

    result = run("changes", PLAN, str(other / "tailspin.md"))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"{PLAN}:1:1: plans from several sites")


# --- the reader ---------------------------------------------------------------------------


def test_the_log_of_the_scripted_history(scripted: Path) -> None:
    log = history.read_log(scripted / "plans")
    assert log is not None

    versions = log.versions(scripted / PLAN, history.date(2026, 11, 10))

    assert [day.day for day, _ in versions.commits] == [12, 13, 16, 17, 18, 19]
    assert len(versions.starts) == 1  # the version of 2 Nov: the plan's first
    assert versions.head == versions.commits[-1][1]
    assert not log.shallow and not versions.cut_short
    assert history.blobs(log.root).read("0" * 40) is None  # git has no such version ...
    text = history.blobs(log.root).read(versions.starts[0])  # ... which stops nothing
    assert text is not None and text.decode() == TRACKED_PLAN
    assert log.last_dates() == {(scripted / PLAN).resolve(): history.date(2026, 11, 19)}


def test_blob_ids_are_gits(scripted: Path) -> None:
    data = (scripted / PLAN).read_bytes()

    assert history.blob_id(data) == git(scripted, "hash-object", PLAN).strip()


def test_old_versions_are_kept_and_forgotten_after_30_days(
    scripted: Path, run, monkeypatch, tmp_path_factory
) -> None:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MAPSITE_CACHE_DIR", str(cache))
    stale = cache / "versions" / "0123-none-old"
    stale.parent.mkdir()
    stale.write_bytes(b"broken")
    os.utime(stale, (time.time() - 31 * 86400,) * 2)

    first = run("changes", PLAN, "--today", TODAY)
    kept = sorted(p.name for p in (cache / "versions").iterdir())
    monkeypatch.setattr(history.Blobs, "read", lambda self, blob: None)  # git says nothing
    second = run("changes", PLAN, "--today", TODAY)

    assert first.stdout == second.stdout == EVERYTHING  # read from what was kept
    assert "0123-none-old" not in kept
    assert len(kept) == 1 + 7  # .pruned, and the versions of 2, 12, 13 ... 19 Nov
