"""Drafts (``draft: true``) and what ``mapsite init`` writes for a new site: a draft
example plan, an example playbook, the site's address, and a CI workflow that runs."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import TODAY, VALID_PLAN, page_of, token_for

from mapsite.load import load_plan

DRAFT = VALID_PLAN.replace("go_live: 2027-03-31\n", "go_live: 2027-03-31\ndraft: true\n")


def test_a_draft_is_checked_but_never_published(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN)
    write_plan("tailspin", DRAFT.replace("Northwind Financial", "Tailspin Toys"))

    check = run("check", "--today", TODAY)
    build = run("build", "--today", TODAY)

    assert check.stdout.splitlines()[-1] == "2 plans checked: 0 errors, 14 warnings"
    assert "plans/tailspin.md:" in check.stdout  # linted like any plan
    assert build.exit_code == 0, build.stderr
    assert build.stdout.splitlines()[1] == (
        "not published: plans/tailspin.md (draft: true; remove it to publish)"
    )
    assert build.stdout.startswith("built 1 plan into public in ")
    public = site / "public"
    assert page_of(public, "northwind").is_file()
    assert (public / token_for("northwind") / "plan.ics").is_file()
    assert not (public / token_for("tailspin")).exists()
    everything = "".join(p.read_text(errors="replace") for p in public.rglob("*") if p.is_file())
    assert token_for("tailspin") not in everything
    assert "Tailspin" not in everything


def test_a_draft_s_mistakes_fail_the_build_too(site: Path, write_plan, run) -> None:
    write_plan("tailspin", DRAFT.replace("owner: Sam Ortiz", "owenr: Sam Ortiz"))

    result = run("build", "--no-pdf", "--today", TODAY)

    assert result.exit_code == 1
    assert "plans/tailspin.md:" in result.stderr and "owenr" in result.stderr
    assert not (site / "public").exists()


def test_a_draft_keeps_its_token_from_other_plans(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN)
    text = DRAFT.replace("go_live:", f"share:\n  token: {token_for('northwind')}\ngo_live:")
    write_plan("copy", text)

    result = run("build", "--no-pdf", "--today", TODAY)

    assert result.exit_code == 1
    assert f"the share token '{token_for('northwind')}' is also used by" in result.stderr


def test_a_protected_draft_needs_no_password_yet(site: Path, write_plan, run) -> None:
    text = DRAFT.replace(
        "go_live:", f"share:\n  token: {token_for('x')}\n  password_env: NO_SUCH_VAR\ngo_live:"
    )
    write_plan("secret", text)

    check = run("check", "--today", TODAY, env={"NO_SUCH_VAR": ""})
    build = run("build", "--no-pdf", "--today", TODAY, env={"NO_SUCH_VAR": ""})

    assert (check.exit_code, build.exit_code) == (0, 0), check.stderr + build.stderr
    published = text.replace("draft: true\n", "")
    write_plan("secret", published)
    assert run("build", "--no-pdf", "--today", TODAY, env={"NO_SUCH_VAR": ""}).exit_code == 1


def test_links_leave_drafts_out_and_say_so(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("base_url: https://plans.contoso.example/\n")
    write_plan("northwind", VALID_PLAN)
    write_plan("tailspin", DRAFT)

    result = run("links", env={"URL": ""})

    assert result.stdout == (
        f"plans/northwind.md  https://plans.contoso.example/{token_for('northwind')}/\n"
    )
    assert result.stderr == (
        "note: plans/tailspin.md is a draft: no link until you remove 'draft: true'\n"
    )


def test_links_without_an_address_say_how_to_set_it(site: Path, write_plan, run) -> None:
    write_plan("tailspin", DRAFT)

    result = run("links", env={"URL": ""})

    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "note: no base_url in mapsite.yml (and no Netlify URL): links are paths only; add "
        "the site's address to mapsite.yml as 'base_url: https://plans.example.com'"
    )


def test_new_draft_writes_the_line(site: Path, run) -> None:
    assert run("new", "deal", "--draft", "--today", TODAY).exit_code == 0

    text = (site / "plans" / "deal.md").read_text()
    assert (
        "\ndraft: true  # checked and previewed, not published until you remove this line\n" in text
    )
    assert load_plan(site / "plans" / "deal.md").plan.draft


# --- init -------------------------------------------------------------------------------


def test_init_writes_an_example_playbook_and_a_draft_made_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--today", TODAY).exit_code == 0

    listed = run("playbooks").stdout.splitlines()
    assert listed[0].startswith(
        "example     playbooks/example.md  Our usual deal, to adapt to how we sell; "
    )
    plan = load_plan(tmp_path / "plans" / "example.md").plan
    assert (plan.draft, plan.buyer.name, plan.seller.name) == (
        True,
        "Example Buyer",
        "Your company",
    )
    assert run("new", "deal", "-p", "example", "--today", TODAY).exit_code == 0
    assert not load_plan(tmp_path / "plans" / "deal.md").plan.draft


def test_init_with_an_address_and_a_seller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("init", "--base-url", "https://plans.contoso.example/", "--seller",
                 "Contoso: EMEA", "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    settings = yaml.safe_load((tmp_path / "mapsite.yml").read_text())
    assert settings["base_url"] == "https://plans.contoso.example"
    assert settings["seller"] == "Contoso: EMEA"
    assert load_plan(tmp_path / "plans" / "example.md").plan.seller.name == "Contoso: EMEA"
    (tmp_path / "plans" / "example.md").write_text(
        (tmp_path / "plans" / "example.md").read_text().replace("draft: true", "draft: false")
    )
    token = load_plan(tmp_path / "plans" / "example.md").plan.share.token
    links = run("links", env={"URL": ""})
    assert links.stdout == f"plans/example.md  https://plans.contoso.example/{token}/\n"
    assert links.stderr == ""


def test_init_without_an_address_leaves_an_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--today", TODAY).exit_code == 0

    text = (tmp_path / "mapsite.yml").read_text()
    assert "\n# base_url: https://plans.example.com  # the site's address" in text
    assert "\n# seller: Your company  # your company" in text
    assert yaml.safe_load(text).keys() == {"title", "theme", "page_size"}


def test_init_refuses_an_address_that_is_not_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("init", "--base-url", "plans.contoso.example", "--today", TODAY)

    assert result.exit_code == 2
    assert "'plans.contoso.example' is not a web address (like https://plans.example.com)" in (
        " ".join(result.stderr.split())
    )
    assert not (tmp_path / "mapsite.yml").exists()


def test_init_asks_for_the_address_at_a_terminal(tmp_path: Path) -> None:
    """A real terminal: the prompt appears only when someone can answer it."""
    import pty

    script = (
        "import sys; from mapsite.cli import main; "
        f"sys.argv = ['mapsite', 'init', {str(tmp_path / 'deals')!r}, '--today', {TODAY!r}]; "
        "main()"
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: mapsite at a terminal
        os.execv(sys.executable, [sys.executable, "-c", script])
    output = b""
    while b"Enter to set it later" not in output:
        output += os.read(fd, 1024)
    os.write(fd, b"https://deals.contoso.example\r")
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    settings = yaml.safe_load((tmp_path / "deals" / "mapsite.yml").read_text())
    assert settings["base_url"] == "https://deals.contoso.example"


def test_the_workflow_init_writes_runs_mapsite_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed as GitHub reads it, on every push and pull request; its check command
    run as the workflow runs it, in the new site: it passes, and a broken plan fails
    it with an annotation on the plan's line."""
    site = tmp_path / "deals"
    subprocess.run([sys.executable, "-m", "mapsite", "init", str(site), "--today", TODAY],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)  # fmt: skip
    workflow = yaml.safe_load((site / ".github" / "workflows" / "mapsite.yml").read_text())

    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert set(triggers) == {"push", "pull_request"}
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == ["pip install mapsite", "mapsite check --strict --format github"]
    command = shlex.split(runs[-1])
    env = {"MAPSITE_TODAY": TODAY, "PATH": str(Path(sys.executable).parent)}

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mapsite", *command[1:]], cwd=site,
                              env=env, capture_output=True, text=True)  # fmt: skip

    passed = check()
    assert (passed.returncode, passed.stdout, passed.stderr) == (0, "", "")
    plan = site / "plans" / "example.md"
    plan.write_text(plan.read_text().replace("    owner: Sam Seller\n", "    owner: Legal\n", 1))
    failed = check()
    assert failed.returncode == 1
    assert failed.stdout.startswith("::warning file=plans/example.md,line=")
    assert "title=MAP001 owner-not-named::" in failed.stdout
