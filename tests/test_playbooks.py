"""Playbooks: ``mapsite new --playbook``, ``mapsite playbooks``, and each way a playbook
or its values can be wrong, as a rep meets them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import TODAY, VALID_PLAN

from mapsite import playbooks
from mapsite.dates import Offset
from mapsite.load import load_plan
from mapsite.names import possessive

BUILT_IN = ["enterprise", "mid-market", "renewal", "smb", "standard"]


def plan_of(site: Path, name: str):  # type: ignore[no-untyped-def]
    return load_plan(site / "plans" / f"{name}.md").plan


# --- built in ---------------------------------------------------------------------------


def test_the_built_in_playbooks_are_these() -> None:
    assert sorted(p.stem for p in playbooks.BUILT_IN.glob("*.md")) == BUILT_IN


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_built_in_playbook_makes_a_plan_that_passes_strict_check(
    site: Path, run, name: str
) -> None:
    result = run("new", "deal", "--playbook", name, "--buyer", "Northwind Financial",
                 "--seller", "Contoso", "--go-live", "2027-06-30", "--today", TODAY)  # fmt: skip

    assert (result.exit_code, result.stdout, result.stderr) == (0, "created plans/deal.md\n", "")
    check = run("check", "--strict", "--today", TODAY)
    assert (check.exit_code, check.stdout) == (0, "1 plan checked, no problems\n")
    plan = plan_of(site, "deal")
    assert plan.go_live == date(2027, 6, 30)
    assert (plan.buyer.name, plan.seller.name) == ("Northwind Financial", "Contoso")
    assert plan.updated == date.fromisoformat(TODAY)
    assert not plan.draft
    text = (site / "plans" / "deal.md").read_text()
    assert "${" not in text and "playbook:" not in text
    assert "Northwind Financial" in plan.title
    dues = [s.due for _, s in plan.steps()] + [m.due for m in plan.milestones]
    fixed = [d for d in dues if isinstance(d, date)]
    assert all(date.fromisoformat(TODAY) < d <= date(2027, 6, 30) for d in fixed)


@pytest.mark.parametrize(
    ("name", "milestones", "steps"),
    [("enterprise", 7, 21), ("mid-market", 4, 11), ("smb", 1, 5), ("renewal", 4, 10),
     ("standard", 3, 6)],
)  # fmt: skip
def test_each_built_in_playbook_has_the_shape_it_describes(
    site: Path, run, name: str, milestones: int, steps: int
) -> None:
    assert run("new", "deal", "-p", name, "--today", TODAY).exit_code == 0

    plan = plan_of(site, "deal")
    assert (len(plan.milestones), len(plan.steps())) == (milestones, steps)
    description = playbooks.describe(playbooks.find(site, name))
    assert f"{milestones} milestone" in description or milestones == 1
    assert f"{steps} steps" in description


def test_enterprise_covers_security_legal_and_procurement(site: Path, run) -> None:
    assert run("new", "deal", "-p", "enterprise", "--today", TODAY).exit_code == 0

    names = [m.name for m in plan_of(site, "deal").milestones]
    assert "Security review passed" in names and "Legal terms agreed" in names
    assert any(s.task.startswith("Register") for _, s in plan_of(site, "deal").steps())


def test_dates_are_resolved_around_go_live_except_those_kept_relative(site: Path, run) -> None:
    assert run("new", "deal", "-p", "enterprise", "--go-live", "2027-06-30",
               "--today", TODAY).exit_code == 0  # fmt: skip

    plan = plan_of(site, "deal")
    by_id = {m.id: m for m in plan.milestones}
    assert by_id["business-case"].due == date(2027, 1, 27)  # go_live - 22w
    assert by_id["validation"].due == date(2027, 3, 10)  # business-case + 6w
    assert by_id["live"].due == date(2027, 6, 30)
    # keep_relative: [contract, kickoff]: onboarding follows the signature
    assert by_id["kickoff"].due == Offset("contract", 2, "w")
    kickoff_steps = [s.due for s in by_id["kickoff"].steps]
    assert kickoff_steps == [Offset("contract", 1, "w"), Offset("kickoff")]
    assert by_id["contract"].steps[-1].due == Offset("contract")
    assert "    due: contract + 2w\n" in (site / "plans" / "deal.md").read_text()


def test_without_go_live_the_playbook_s_usual_length_counts_from_today(site: Path, run) -> None:
    assert run("new", "deal", "-p", "smb", "--today", TODAY).exit_code == 0

    assert plan_of(site, "deal").go_live == date(2026, 12, 21)  # today + 4 weeks


def test_new_without_a_playbook_uses_the_standard_one(site: Path, run) -> None:
    assert run("new", "deal", "--buyer", "Fabrikam Logistics", "--today", TODAY).exit_code == 0

    plan = plan_of(site, "deal")
    assert [m.name for m in plan.milestones] == [
        "Solution validated", "Contract signed", "Live and delivering value"
    ]  # fmt: skip
    assert plan.go_live == date(2027, 2, 15)  # 12 weeks
    tasks = [s.task for _, s in plan.steps()]
    assert "Run the technical evaluation on Fabrikam Logistics' data" in tasks


def test_the_playbooks_comments_and_quoting_reach_the_plan(site: Path, run) -> None:
    assert run("new", "deal", "--buyer", "On", "--today", TODAY).exit_code == 0

    text = (site / "plans" / "deal.md").read_text()
    assert text.startswith(
        '---\n# A mutual action plan: the shared road from "we want this" to a working go-live.\n'
        "# Replace every name, date and step with this deal's own. Field reference:\n"
    )
    assert 'buyer:\n  name: "On"\nseller:\n  name: Your company\nshare:\n  token: ' in text
    assert (
        "  # the private link is /TOKEN/; 'mapsite rotate' replaces it\ngo_live: 2027-02-15\n"
        in text
    )
    assert text.endswith("updated: 2026-11-23\n---\n## Why we are here\n\n"
                         "Anything the buyer should read: the story so far, decisions made, "
                         "open questions.\n")  # fmt: skip


def test_every_new_plan_gets_its_own_token(site: Path, run) -> None:
    for name in ("one", "two"):
        assert run("new", name, "-p", "smb", "--today", TODAY).exit_code == 0

    tokens = {plan_of(site, n).share.token for n in ("one", "two")}
    assert len(tokens) == 2
    assert run("check", "--today", TODAY).exit_code == 0


# --- placeholders -----------------------------------------------------------------------


def test_set_fills_a_playbook_s_own_placeholders_everywhere(site: Path, run) -> None:
    result = run("new", "deal", "-p", "mid-market", "--set", "champion=Priya Raman",
                 "--set", "account_executive=Sam O'Neil: EMEA", "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    plan = plan_of(site, "deal")
    assert [p.name for p in plan.stakeholders] == [
        "Priya Raman",
        "Morgan Budget",
        "Sam O'Neil: EMEA",
    ]
    assert plan.seller.contact == "Sam O'Neil: EMEA"
    assert plan.milestones[0].steps[0].owner == ["Priya Raman", "Sam O'Neil: EMEA"]
    assert plan.risks[0].owner == "Priya Raman"


@pytest.mark.parametrize(
    ("buyer", "possessive_form"),
    [("Fabrikam Logistics", "Fabrikam Logistics'"), ("Contoso", "Contoso's"), ("AWS", "AWS's")],
)
def test_possessives_read_right(site: Path, run, buyer: str, possessive_form: str) -> None:
    assert run("new", "deal", "--buyer", buyer, "--today", TODAY).exit_code == 0

    tasks = [s.task for _, s in plan_of(site, "deal").steps()]
    assert f"Run the technical evaluation on {possessive_form} data" in tasks


def test_possessive_keeps_the_apostrophe_written() -> None:
    assert possessive("Fabrikam Logistics", "’") == "Fabrikam Logistics’"
    assert possessive("Contoso", "’") == "Contoso’s"
    assert playbooks.substitute("${buyer}’s team", {"buyer": "Tailspin"}) == ("Tailspin’s team", [])
    assert playbooks.substitute("${ buyer }'sake", {"buyer": "X"}) == ("X'sake", [])
    assert playbooks.substitute("$buyer ${nope} ${buyer}", {"buyer": "X"}) == (
        "$buyer ${nope} X",
        ["nope"],
    )


def test_an_unknown_playbook_is_named_with_the_close_one(site: Path, run) -> None:
    result = run("new", "deal", "--playbook", "entreprise", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "entreprise: no such playbook (did you mean 'enterprise'? 'mapsite playbooks' lists "
        "them: enterprise, mid-market, renewal, smb, standard)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert list((site / "plans").iterdir()) == []


def test_a_set_value_for_no_placeholder_is_refused(site: Path, run) -> None:
    result = run("new", "deal", "-p", "smb", "--set", "champion=Priya", "--set", "buyer=X",
                 "--today", TODAY)  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "built-in:smb: --set champion: 'champion' is not a placeholder of this playbook "
        "(its own placeholders: buyer_lead, account_executive, account_executive_email)",
        "built-in:smb: --set buyer: 'buyer' is built in (its own placeholders: buyer_lead, "
        "account_executive, account_executive_email)",
        "2 errors in 1 file; nothing written",
    ]


def test_set_needs_name_equals_value(site: Path, run) -> None:
    result = run("new", "deal", "--set", "champion", "--today", TODAY)

    assert result.exit_code == 2
    assert "'champion' is not NAME=VALUE" in result.stderr


# --- a site's own playbooks -------------------------------------------------------------

OWN = """\
---
playbook:
  description: Our pilot-first deal
  weeks: 8
  keep_relative: [go_live]
  placeholders:
    champion:
      description: the buyer's champion
    rep:
      description: our rep
      default: Sam Ortiz
title: ${buyer} pilot
buyer:
  name: ${buyer}
seller:
  name: ${seller}
go_live: ${go_live}
stakeholders:
  - name: ${champion}
    side: buyer
  - name: ${rep}
    side: seller
milestones:
  - name: Pilot live
    id: pilot
    due: go_live - 2w
    steps:
      - task: Start the pilot with ${champion}
        owner: ${champion}
        due: pilot - 3d
---
Notes for ${buyer}.
"""


def write_playbook(site: Path, text: str, name: str = "pilot") -> Path:
    path = site / "playbooks" / f"{name}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_playbook_fills_in(site: Path, run) -> None:
    write_playbook(site, OWN)

    result = run("new", "tailspin", "-p", "pilot", "--buyer", "Tailspin Toys",
                 "--set", "champion=Ken Ito", "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    text = (site / "plans" / "tailspin.md").read_text()
    plan = plan_of(site, "tailspin")
    assert plan.title == "Tailspin Toys pilot"
    assert plan.go_live == date(2027, 1, 18)  # 8 weeks from today
    assert plan.milestones[0].due == Offset("go_live", -2, "w")  # kept: counted from go_live
    assert plan.milestones[0].steps[0].due == date(2027, 1, 1)  # resolved: pilot - 3d
    assert text.endswith("---\nNotes for Tailspin Toys.\n")
    assert [p.name for p in plan.stakeholders] == ["Ken Ito", "Sam Ortiz"]


def test_a_site_playbook_replaces_a_built_in_one_of_its_name(site: Path, run) -> None:
    write_playbook(site, OWN, "smb")
    assert run("new", "deal", "-p", "smb", "--set", "champion=Ken Ito",
               "--today", TODAY).exit_code == 0  # fmt: skip

    assert plan_of(site, "deal").title == "Deal pilot"


def test_a_playbook_file_can_be_named_by_its_path(site: Path, run, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "pilot.md").write_text(OWN, encoding="utf-8")

    result = run("new", "deal", "-p", str(other / "pilot.md"), "--set", "champion=Ken Ito",
                 "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr


def test_a_missing_placeholder_value_is_located_at_its_declaration(site: Path, run) -> None:
    write_playbook(site, OWN)

    result = run("new", "deal", "-p", "pilot", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "playbooks/pilot.md:7:5: playbook.placeholders.champion: no value for '${champion}' "
        '(the buyer\'s champion) (give one: --set champion="...", or a default: in the '
        "playbook)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert list((site / "plans").iterdir()) == []


def test_every_mistake_in_a_playbook_is_located_in_it(site: Path, run) -> None:
    broken = (
        OWN.replace("title: ${buyer} pilot", "title: ${buyr} pilot")
        .replace("    due: pilot - 3d", "    due: pilott - 3d\n        owenr: x")
        .replace("  keep_relative: [go_live]", "  keep_relative: [go_live, nothing]")
        .replace("Notes for ${buyer}.", "Notes for\nthe ${team}.")
    )
    write_playbook(site, broken)

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "playbooks/pilot.md:12:8: title: unknown placeholder '${buyr}' (did you mean '${buyer}'?)",
        "playbooks/pilot.md:34:5: unknown placeholder '${team}' (declare it under "
        "playbook.placeholders, or use one of: ${buyer}, ${seller}, ${go_live}, "
        "${champion}, ${rep})",
        "2 errors in 1 file; nothing written",
    ]
    # with those fixed, the plan's own mistakes, still at their lines in the playbook
    write_playbook(site, broken.replace("${buyr}", "${buyer}").replace("${team}", "team"))

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.stderr.splitlines()[0] == (
        "playbooks/pilot.md:31:9: milestones[0].steps[0].owenr: unknown field 'owenr' "
        "(did you mean 'owner'?)"
    )
    write_playbook(site, broken.replace("${buyr}", "${buyer}").replace("${team}", "team")
                   .replace("\n        owenr: x", ""))  # fmt: skip

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.stderr.splitlines()[0].startswith(
        "playbooks/pilot.md:30:14: milestones[0].steps[0].due: "
    )
    assert "pilott" in result.stderr
    write_playbook(site, broken.replace("${buyr}", "${buyer}").replace("${team}", "team")
                   .replace("\n        owenr: x", "").replace("pilott", "pilot"))  # fmt: skip

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.stderr == (
        "playbooks/pilot.md:5:28: playbook.keep_relative[1]: 'nothing' is not go_live or an "
        "id of this playbook (name go_live, or the id of a milestone or step)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert list((site / "plans").iterdir()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("playbook:\n  description: Our pilot-first deal\n", "playbook:\n"),
         "playbooks/pilot.md:3:3: playbook.description: required field 'description' is "
         "missing (add 'description: ...')"),
        (("playbook:\n", "notes: x\nplaybook_:\n"),
         "playbooks/pilot.md:2:1: playbook: not a playbook: there is no 'playbook:' block "
         "(start the front matter with 'playbook:' and a 'description:' under it)"),
        (("go_live: ${go_live}\n", ""),
         "playbooks/pilot.md:2:1: go_live: a playbook needs a go_live: line (add "
         "'go_live: ${go_live}': mapsite new writes the deal's date there)"),
        (("go_live: ${go_live}\n", "go_live: ${go_live}\nshare:\n  token: abc\n"),
         "playbooks/pilot.md:18:1: share: a playbook has no share: block (remove it: mapsite "
         "new gives each plan its own private link)"),
        (("    rep:\n", "    buyer:\n      description: x\n    rep:\n"),
         "playbooks/pilot.md:9:5: playbook.placeholders.buyer: 'buyer' is a built-in "
         "placeholder (give it another name)"),
    ],
)  # fmt: skip
def test_a_playbook_block_with_mistakes(
    site: Path, run, change: tuple[str, str], expected: str
) -> None:
    write_playbook(site, OWN.replace(*change))

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert list((site / "plans").iterdir()) == []


# --- mapsite playbooks ------------------------------------------------------------------


def test_playbooks_lists_the_site_s_then_the_built_in_ones(site: Path, run) -> None:
    write_playbook(site, OWN)
    write_playbook(site, OWN.replace("Our pilot-first deal", "Our own small deal"), "smb")
    write_playbook(site, "---\ntitle: x\n---\n", "broken")

    result = run("playbooks")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "broken      playbooks/broken.md                             (cannot be used: "
        "playbooks/broken.md:2:1: playbook: not a playbook: there is no 'playbook:' block "
        "(start the front matter with 'playbook:' and a 'description:' under it))",
        "pilot       playbooks/pilot.md                              Our pilot-first deal",
        "smb         playbooks/smb.md (instead of the built-in one)  Our own small deal",
        "enterprise  built in                                        "
        + playbooks.describe(playbooks.find(site, "enterprise")),
        "mid-market  built in                                        "
        + playbooks.describe(playbooks.find(site, "mid-market")),
        "renewal     built in                                        "
        + playbooks.describe(playbooks.find(site, "renewal")),
        "standard    built in                                        "
        + playbooks.describe(playbooks.find(site, "standard")),
        "",
        'Start a plan: mapsite new NAME --playbook broken --buyer "Buyer name" '
        "--go-live YYYY-MM-DD",
        "A playbook of your own: playbooks/NAME.md (docs/playbooks.md)",
    ]


def test_playbooks_in_a_site_without_its_own(site: Path, run) -> None:
    result = run("playbooks")

    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:5]] == BUILT_IN
    assert lines[1].startswith("mid-market  built in  Mid-size deals; ")
    assert lines[-2].startswith("Start a plan: mapsite new NAME --playbook enterprise ")


# --- the seller -------------------------------------------------------------------------


def test_the_seller_comes_from_mapsite_yml(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("seller: Fabrikam\n")
    write_plan("tailspin", VALID_PLAN)  # seller Contoso

    assert run("new", "deal", "--today", TODAY).exit_code == 0
    assert run("new", "other", "--seller", "Litware", "--today", TODAY).exit_code == 0

    assert plan_of(site, "deal").seller.name == "Fabrikam"
    assert plan_of(site, "other").seller.name == "Litware"


def test_plans_of_several_sellers_give_no_default(site: Path, write_plan, run) -> None:
    write_plan("a", VALID_PLAN)
    write_plan("b", VALID_PLAN.replace("name: Contoso", "name: Adatum"))

    assert run("new", "deal", "--today", TODAY).exit_code == 0

    assert plan_of(site, "deal").seller.name == "Your company"


def test_a_go_live_sooner_than_the_playbook_takes_says_which_dates_passed(site: Path, run) -> None:
    result = run("new", "deal", "-p", "enterprise", "--go-live", "2027-03-31", "--today", TODAY)

    assert result.exit_code == 0
    assert result.stderr == (
        "note: 4 steps are dated before today (go-live is sooner than the playbook usually "
        "takes): agree new dates with the buyer (mapsite set --due), or mark what is done "
        "(mapsite done)\n"
    )
    result = run("new", "other", "-p", "enterprise", "--go-live", "2027-05-25", "--today", TODAY)
    assert (result.exit_code, result.stderr) == (0, "")
    result = run("new", "third", "-p", "enterprise", "--go-live", "2027-05-16", "--today", TODAY)
    assert result.stderr.startswith("note: 1 step is dated before today ")


def test_check_finds_the_mistakes_of_the_site_s_playbooks(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN)
    write_playbook(site, OWN)  # champion has no default: a sample value stands in
    assert run("check", "--today", TODAY).exit_code == 0
    write_playbook(site, OWN.replace("title: ${buyer} pilot", "title: ${buyr} pilot"), "broken")

    result = run("check", "--today", TODAY, "--format", "github")

    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=playbooks/broken.md,line=12,col=8,title=MAP000 invalid::title: unknown "
        "placeholder '${buyr}' (did you mean '${buyer}'?)\n"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    side: seller\n", "    side: seller\n    id: x\n"),
         "playbooks/pilot.md:23:5: stakeholders[1].id: unknown field 'id'"),
        (("    id: pilot\n", "    id: pilot\n    holidays: x\n"),
         "playbooks/pilot.md:26:5: milestones[0].holidays: unknown field 'holidays'"),
        (("seller:\n  name: ${seller}\n", "seller:\n  name: ${seller}\n  contact: Nobody\n"),
         "playbooks/pilot.md:17:12: seller.contact: 'Nobody' is not a stakeholder "
         "(list them under stakeholders first)"),
        (("title: ${buyer} pilot\n", "title: ${buyer} pilot\nholidays: ZZ\n"),
         "playbooks/pilot.md:13:11: holidays: 'ZZ' is not a country with known holidays"),
        (("        due: pilot - 3d\n", "        id: pilot\n        due: go_live\n"),
         "playbooks/pilot.md:30:13: milestones[0].steps[0].id: duplicate id 'pilot' (already "
         "used by milestones[0] on line 25)"),
        (("        due: pilot - 3d\n", "        due: nowhere - 3d\n"),
         "playbooks/pilot.md:30:14: milestones[0].steps[0].due: unknown id 'nowhere' (count "
         "from go_live or from the id of a milestone or step)"),
    ],
)  # fmt: skip
def test_the_plan_a_playbook_makes_is_checked_as_a_plan(
    site: Path, run, change: tuple[str, str], expected: str
) -> None:
    write_playbook(site, OWN.replace(*change))

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert result.stderr.splitlines()[-1] == "1 error in 1 file; nothing written"
    assert list((site / "plans").iterdir()) == []


def test_unknown_placeholders_without_a_close_one_list_those_there_are(site: Path, run) -> None:
    write_playbook(site, OWN.replace("title: ${buyer} pilot", "title: ${zzz} pilot")
                   .replace("Notes for ${buyer}.", "Notes for ${buyr} and ${qqq}."))  # fmt: skip

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--today", TODAY)

    known = "${buyer}, ${seller}, ${go_live}, ${champion}, ${rep}"
    assert result.stderr.splitlines() == [
        f"playbooks/pilot.md:12:8: title: unknown placeholder '${{zzz}}' (declare it under "
        f"playbook.placeholders, or use one of: {known})",
        "playbooks/pilot.md:32:11: unknown placeholder '${buyr}' (did you mean '${buyer}'?)",
        f"playbooks/pilot.md:32:23: unknown placeholder '${{qqq}}' (declare it under "
        f"playbook.placeholders, or use one of: {known})",
        "3 errors in 1 file; nothing written",
    ]


def test_set_on_a_playbook_without_placeholders_of_its_own(site: Path, run) -> None:
    plain = OWN.replace("${champion}", "Ken Ito").replace("${rep}", "Sam Ortiz")
    plain = plain[: plain.index("  placeholders:")] + plain[plain.index("title:") :]
    write_playbook(site, plain)

    result = run("new", "deal", "-p", "pilot", "--set", "rep=Sam", "--today", TODAY)

    assert result.stderr.splitlines()[0] == (
        "playbooks/pilot.md: --set rep: 'rep' is not a placeholder of this playbook "
        "(its own placeholders: none)"
    )
    assert run("new", "deal", "-p", "pilot", "--today", TODAY).exit_code == 0


def test_an_unknown_playbook_without_a_close_one(site: Path, run) -> None:
    result = run("new", "deal", "-p", "zzz", "--today", TODAY)

    assert result.stderr.splitlines()[0] == (
        "zzz: no such playbook ('mapsite playbooks' lists them: enterprise, mid-market, "
        "renewal, smb, standard)"
    )


def test_a_playbook_path_that_is_not_there(site: Path, run) -> None:
    result = run("new", "deal", "-p", "elsewhere/pilot.md", "--today", TODAY)

    assert result.stderr.splitlines()[0].startswith("elsewhere/pilot.md: no such playbook (")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\n- a list\n---\n", "playbooks/pilot.md:2:1: playbook: not a playbook: there is "
         "no 'playbook:' block"),
        ("---\n{playbook: {description: x}, title: t, go_live: x, buyer: {name: b}, seller: "
         "{name: s}, milestones: [{name: m}]}\n---\n",
         "playbooks/pilot.md:2:1: a playbook's front matter must be block YAML ('field: "
         "value' lines) (write it without '{...}')"),
    ],
)  # fmt: skip
def test_a_playbook_that_is_not_a_block_of_fields(
    site: Path, run, text: str, expected: str
) -> None:
    write_playbook(site, text)

    result = run("new", "deal", "-p", "pilot", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert list((site / "plans").iterdir()) == []


def test_a_crlf_playbook_makes_a_crlf_plan(site: Path, run) -> None:
    write_playbook(site, OWN)
    path = site / "playbooks" / "pilot.md"
    path.write_bytes(OWN.replace("\n", "\r\n").encode())

    result = run("new", "deal", "-p", "pilot", "--set", "champion=Ken Ito", "--draft",
                 "--today", TODAY)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    data = (site / "plans" / "deal.md").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.startswith(b"---\r\ntitle: Deal pilot\r\n")
    assert b"\r\ndraft: true  # checked" in data and b"\r\nshare:\r\n  token: " in data
    assert data.endswith(b"\r\n---\r\nNotes for Deal.\r\n")
    assert load_plan(site / "plans" / "deal.md").plan.draft


def test_check_fills_site_playbooks_with_the_site_s_seller(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("seller: Contoso\nholidays: US\n")
    write_plan("northwind", VALID_PLAN)
    write_playbook(site, OWN.replace("name: ${seller}", "name: ${seller}\n  contact: ${seller}"))

    result = run("check", "--today", TODAY)

    assert result.stderr.splitlines()[0] == (
        "playbooks/pilot.md:17:12: seller.contact: 'Contoso' is not a stakeholder "
        "(list them under stakeholders first)"
    )
