"""The ``mapsite`` commands as a user types them: init, new, check, schema, help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import REPO, TODAY, VALID_PLAN, with_token

from mapsite import __version__
from mapsite.cli import main
from mapsite.load import load_plan


def test_version(run) -> None:
    result = run("--version")

    assert result.exit_code == 0
    assert result.stdout == f"mapsite, version {__version__}\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_main_help_lists_every_command(run, flag: str) -> None:
    result = run(flag)

    assert result.exit_code == 0
    assert "Mutual action plans as Markdown in git" in result.stdout
    commands = ("init", "new", "build", "check", "report", "pdf", "schema", "serve")
    for name in (*commands, "rotate", "links", "status", "done", "set"):
        assert f"  {name} " in result.stdout


PURPOSES = {
    "init": "Create a new site in DIRECTORY",
    "new": "Start a new plan, SITE/plans/NAME.md, from a playbook.",
    "build": "Build every plan in SITE/plans into a static site, with a PDF of each.",
    "pdf": "Print chosen plans to PDF",
    "check": "Validate every plan and check it against mutual-action-plan best practices.",
    "report": "Every deal at a glance, worst first",
    "serve": "Preview the site and rebuild it on every save, with live reload.",
    "schema": "Print the JSON Schema of a plan's front matter",
    "rotate": "Give plans a new private link: mapsite rotate plans/northwind.md",
    "links": "Print each plan's private link, to send to its buyer.",
    "status": "Every step of a plan: the address that names it, status, owners and date.",
    "done": "Mark steps done: mapsite done plans/northwind.md 2.3 backtest",
    "set": "Change steps: mapsite set plans/northwind.md backtest --due 2027-01-08",
    "changes": "What changed in plans, from their git history",
    "digest": "Each person's week across every plan",
    "import": "Turn a mutual-action-plan spreadsheet (.xlsx or .csv) into a plan file.",
    "export": "Write a plan's steps as a spreadsheet, for the buyer's own project tool.",
    "playbooks": "List the playbooks 'mapsite new --playbook' starts from",
}


def test_every_command_has_a_purpose_below() -> None:
    assert sorted(main.commands) == sorted(PURPOSES)


@pytest.mark.parametrize("command", sorted(PURPOSES))
def test_command_help(run, command: str) -> None:
    result = run(command, "--help")

    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: mapsite {command} [OPTIONS]")
    assert PURPOSES[command] in result.stdout


# --- init ------------------------------------------------------------------------------


def test_init_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("init", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "created mapsite.yml\n"
        "created plans/example.md\n"
        "created playbooks/example.md\n"
        "created assets\n"
        "created themes/README.md\n"
        "created netlify.toml\n"
        "created netlify/plugins/mapsite-cache/manifest.yml\n"
        "created netlify/plugins/mapsite-cache/index.js\n"
        "created .github/workflows/mapsite.yml\n"
        "\n"
        'Next: start a deal with \'mapsite new NAME --playbook enterprise --buyer "..." '
        "--go-live YYYY-MM-DD' ('mapsite playbooks' lists the playbooks),\n"
        "or edit plans/example.md (a draft: remove 'draft: true' to publish it).\n"
    )
    assert (tmp_path / "assets").is_dir()
    assert (tmp_path / "themes").is_dir()
    assert (tmp_path / ".gitignore").read_text() == "/public/\n/.public.mapsite-record.json\n"
    assert load_plan(tmp_path / "plans" / "example.md").plan.draft
    assert run("check", "--today", TODAY).stdout == "1 plan checked, no problems\n"


def test_a_new_site_passes_check_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    """The example plan is a draft: a new site pushed as it is publishes no plan."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "deals", "--today", TODAY).exit_code == 0

    check = run("check", "deals", "--strict", "--today", TODAY)
    build = run("build", "deals", "--no-pdf", "--today", TODAY)

    assert (check.exit_code, check.stderr) == (0, "")
    assert check.stdout == "1 plan checked, no problems\n"
    assert (build.exit_code, build.stderr) == (0, "")
    assert build.stdout.splitlines()[1] == (
        "not published: deals/plans/example.md (draft: true; remove it to publish)"
    )
    token = load_plan(tmp_path / "deals" / "plans" / "example.md").plan.share.token
    public = tmp_path / "deals" / "public"
    assert sorted(p.name for p in public.iterdir() if p.is_dir()) == ["static"]
    assert token not in (public / "_redirects").read_text()


def test_init_says_where_the_new_site_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("init", "deals", "--today", TODAY)

    assert result.stdout.splitlines()[-2:] == [
        'Next: start a deal with \'mapsite new NAME --playbook enterprise --buyer "..." '
        "--go-live YYYY-MM-DD --site deals' ('mapsite playbooks' lists the playbooks),",
        "or edit deals/plans/example.md (a draft: remove 'draft: true' to publish it).",
    ]


def test_init_keeps_an_existing_gitignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("*.pdf\n")

    assert run("init", "--today", TODAY).exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == "*.pdf\n"


def test_init_refuses_an_existing_site(example_site: Path, run) -> None:
    (example_site / "mapsite.yml").write_text("title: Our deals\n")

    result = run("init", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "mapsite.yml:1:1: a site already exists here (use 'mapsite new NAME' to add a plan)\n"
        "1 error in 1 file\n"
    )
    assert (example_site / "mapsite.yml").read_text() == "title: Our deals\n"
    assert not (example_site / "plans" / "example.md").exists()


# --- new -------------------------------------------------------------------------------


def test_new_plan_passes_check(site: Path, run) -> None:
    result = run("new", "northwind", "--buyer", "Northwind Financial", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "created plans/northwind.md\n"
    check = run("check", "--today", TODAY)
    assert (check.exit_code, check.stdout, check.stderr) == (0, "1 plan checked, no problems\n", "")

    plan = load_plan(site / "plans" / "northwind.md").plan
    assert plan.buyer.name == "Northwind Financial"
    assert plan.title == "Northwind Financial rollout"
    assert plan.seller.name == "Your company"
    assert plan.updated.isoformat() == TODAY
    assert all(step.due and step.due.isoformat() > TODAY for _, step in plan.steps())


def test_new_plan_takes_the_seller_from_another_plan(site: Path, write_plan, run) -> None:
    write_plan("tailspin", VALID_PLAN)

    assert run("new", "fabrikam", "--today", TODAY).exit_code == 0

    plan = load_plan(site / "plans" / "fabrikam.md").plan
    assert plan.seller.name == "Contoso"
    assert plan.buyer.name == "Fabrikam"


def test_new_plan_dates_count_from_mapsite_today(site: Path, run) -> None:
    assert run("new", "northwind", env={"MAPSITE_TODAY": TODAY}).exit_code == 0

    assert load_plan(site / "plans" / "northwind.md").plan.updated.isoformat() == TODAY


@pytest.mark.parametrize(
    "buyer", ["O'Reilly Media", "AT&T", "Procter & Gamble", "Fabrikam: EMEA", "On"]
)
def test_new_plan_keeps_the_buyer_name_exactly(site: Path, run, buyer: str) -> None:
    """Names with quotes, '&' or ': ' are common, and 'On' (the shoe brand) is a YAML
    boolean: the template must quote them, not drop characters or write an invalid plan."""
    assert run("new", "deal", "--buyer", buyer, "--today", TODAY).exit_code == 0

    check = run("check")
    assert check.stderr == ""
    plan = load_plan(site / "plans" / "deal.md").plan
    assert plan.buyer.name == buyer
    assert plan.title == f"{buyer} rollout"


def test_new_refuses_to_overwrite(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN)

    result = run("new", "northwind", "--buyer", "Northwind Financial", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:1:1: the plan already exists (choose another name or edit that file)\n"
        "1 error in 1 file\n"
    )
    assert (site / "plans" / "northwind.md").read_text() == with_token(VALID_PLAN, "northwind")


def test_new_refuses_a_name_without_letters(site: Path, run) -> None:
    result = run("new", "!!!", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "!!!:1:1: not a usable plan name (use letters, digits and '-', e.g. 'northwind')\n"
        "1 error in 1 file\n"
    )
    assert list((site / "plans").iterdir()) == []


# --- check -----------------------------------------------------------------------------


def test_check_the_example_site(example_site: Path, run) -> None:
    result = run("check", "--today", TODAY)

    assert result.exit_code == 0
    assert result.stdout == "3 plans checked, no problems\n"
    assert result.stderr == ""
    assert not (example_site / "public").exists()


def test_check_one_plan_is_singular(site: Path, write_plan, run) -> None:
    write_plan("northwind")

    last = run("check", "--today", TODAY).stdout.splitlines()[-1]
    assert last.startswith("1 plan checked: 0 errors, ")


# --- schema ----------------------------------------------------------------------------


@pytest.fixture
def schema(run) -> dict:
    result = run("schema")
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_is_json_schema_of_a_plan(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert {"title", "buyer", "seller", "milestones", "extra"} <= set(schema["properties"])
    assert sorted(schema["required"]) == ["buyer", "milestones", "seller", "share", "title"]


def test_schema_step_status_accepts_any_spelling(schema: dict) -> None:
    status = schema["$defs"]["Step"]["properties"]["status"]

    assert status["type"] == "string"
    assert "enum" not in status  # 'In Progress' is valid, so editors must not flag it
    assert status["default"] == "todo"


def test_schema_step_owner_is_a_name_or_a_list(schema: dict) -> None:
    owner = schema["$defs"]["Step"]["properties"]["owner"]

    assert [option["type"] for option in owner["anyOf"]] == ["string", "array"]


def test_schema_to_a_file(site: Path, run) -> None:
    result = run("schema", "-o", "plan.schema.json")

    assert result.exit_code == 0
    assert result.stderr == "wrote plan.schema.json\n"
    assert (site / "plan.schema.json").read_text(encoding="utf-8") == run("schema").stdout


def test_committed_schema_is_up_to_date(run) -> None:
    committed = REPO / "docs" / "plan.schema.json"

    assert committed.is_file() and committed.read_text(encoding="utf-8") == run("schema").stdout, (
        "docs/plan.schema.json is out of date with the model; regenerate it with "
        "'.venv/bin/mapsite schema -o docs/plan.schema.json' and commit it"
    )
