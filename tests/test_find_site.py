"""Every command that works on a site finds it as git finds a repository: the nearest
folder from here up holding mapsite.yml; outside any site it says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import TODAY, token_for

from mapsite.load import find_plans, is_plan

NO_SITE = "no mapsite.yml here or in any parent folder (run mapsite init, or cd into a site)\n"


@pytest.fixture
def in_plans(write_plan, site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site with mapsite.yml and one plan; the working directory is its plans/ folder."""
    (site / "mapsite.yml").write_text("title: Deals\n", encoding="utf-8")
    write_plan("northwind")
    monkeypatch.chdir(site / "plans")
    return site


def test_new_run_from_plans_writes_into_the_sites_plans(in_plans: Path, run) -> None:
    result = run("new", "tailspin", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "created tailspin.md\n"
    assert (in_plans / "plans" / "tailspin.md").is_file()
    assert not (in_plans / "plans" / "plans").exists()


def test_check_run_from_plans_checks_every_plan(in_plans: Path, run) -> None:
    (in_plans / "plans" / "plans").mkdir()  # the stray folder an older mapsite made
    (in_plans / "plans" / "plans" / "x.md").write_text("not a plan\n", encoding="utf-8")
    run("new", "tailspin", "--today", TODAY)

    result = run("check", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (  # all three plans read; the stray file named from here
        "plans/x.md:1:1: no front matter: the file must start with a '---' line (put the "
        "plan's YAML fields between two '---' lines at the top)\n1 error in 1 file\n"
    )
    (in_plans / "plans" / "plans" / "x.md").unlink()
    assert "\n2 plans checked: 0 errors" in run("check", "--today", TODAY).stdout


@pytest.mark.parametrize("depth", [["plans"], ["plans", "emea"], ["assets", "logos", "old"]])
def test_commands_run_in_any_folder_of_the_site(
    in_plans: Path, run, monkeypatch: pytest.MonkeyPatch, depth: list[str]
) -> None:
    here = in_plans.joinpath(*depth)
    here.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(here)

    built = run("build", "--no-pdf", "--today", TODAY)
    assert built.exit_code == 0, built.stderr
    assert built.stdout.startswith(f"built 1 plan into {in_plans / 'public'} in ")
    assert (in_plans / "public" / token_for("northwind") / "index.html").is_file()
    assert not (here / "public").exists()

    for command in (["check"], ["links"], ["report"], ["status"], ["digest"]):
        result = run(*command, "--today", TODAY)
        assert result.exit_code == 0, (command, result.stderr)
    assert token_for("northwind") in run("links").stdout
    assert "Northwind Financial" in run("report", "--today", TODAY).stdout
    done = run("done", "northwind", "1.1", "--today", TODAY)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.endswith("northwind.md: 1.1 'Send the order form' -> done\n")
    assert "status: done" in (in_plans / "plans" / "northwind.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [["build"], ["check"], ["links"], ["report"], ["digest"], ["status"], ["new", "x"],
     ["changes"], ["serve"]],
)  # fmt: skip
def test_outside_any_site_commands_say_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run(*command)

    assert result.exit_code == 1
    assert result.stderr == NO_SITE
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_rules_and_init_need_no_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("check", "--rules").stdout.startswith("MAP001  owner-not-named")
    assert run("init", "deals", "--today", TODAY).exit_code == 0
    monkeypatch.chdir(tmp_path / "deals" / "plans")
    assert run("check", "--today", TODAY).exit_code == 0


def test_a_site_named_explicitly_still_works(
    in_plans: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)

    result = run("build", str(in_plans), "--no-pdf", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert run("check", str(in_plans / "plans" / "emea" / ".."), "--today", TODAY).exit_code == 0
    assert run("new", "tailspin", "--site", str(in_plans), "--today", TODAY).exit_code == 0
    assert (in_plans / "plans" / "tailspin.md").is_file()


def test_a_folder_named_outside_any_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()

    assert run("check", "empty").stderr == (
        "empty: no mapsite.yml in this folder or any parent folder "
        "(run mapsite init empty, or name a site's folder)\n"
    )
    assert run("build", "missing").stderr == (
        "missing: no such folder (name a site's folder, or run mapsite init there)\n"
    )


def test_a_site_without_mapsite_yml_works_from_its_own_folder(write_plan, run) -> None:
    write_plan("northwind")  # the site fixture: plans/ and no mapsite.yml
    assert run("check", "--today", TODAY).exit_code == 0


def test_pdf_finds_the_site_of_a_plan_by_its_mapsite_yml(in_plans: Path, run) -> None:
    # a plan in plans/plans/ (where an older mapsite put it) still belongs to this site
    (in_plans / "mapsite.yml").write_text("holidays: US\n", encoding="utf-8")
    from mapsite.site import site_root

    stray = in_plans / "plans" / "plans" / "x.md"
    assert site_root(stray).resolve() == in_plans.resolve()


@pytest.mark.parametrize(
    ("name", "plan"),
    [
        ("northwind.md", True),
        ("emea/fabrikam.md", True),
        ("README.md", False),
        ("emea/readme.md", False),
        ("notes.txt", False),
        ("_drafts/contoso.md", False),
        ("emea/.northwind.md.swp.md", False),
        (".archive/northwind.md", False),
        ("../northwind.md", False),
    ],
)
def test_which_files_in_plans_are_plans(tmp_path: Path, name: str, plan: bool) -> None:
    """What the build reads and the dev server rebuilds on: Markdown files in plans/,
    not a README, nor anything kept aside under a name starting with '_' or '.'."""
    plans = tmp_path / "plans"
    path = plans / name
    assert is_plan(plans, path) is plan
    if not name.startswith(".."):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n---\n", encoding="utf-8")
        assert (path in find_plans(plans)) is plan
