"""What the buyer sees of the rep's notes on people: job titles, not how the rep labels
them (Champion, Economic Buyer, Blocker ...), on the page, in the PDF and in "What's
new"; the roles stay in the plan for ``check``. ``show_buyer_roles: true`` shows them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import TODAY, TRACKED_PLAN, VALID_PLAN, commit, mutate, page_of, with_token

from mapsite.audience import for_buyer, role_shown
from mapsite.model import Stakeholder

PEOPLE = """\
stakeholders:
  - name: Priya Raman
    side: buyer
    title: Director of Revenue Operations
    role: Champion
  - name: Daniel Okafor
    side: buyer
    title: CFO
    role: Economic Buyer
  - name: Lee Park
    side: buyer
    role: Project lead
  - name: Sam Ortiz
    side: seller
    title: Account Executive
    role: Account Executive
  - name: Ken Ito
    side: seller
    role: Solutions Engineer
  - name: Ana Silva
    role: Implementation partner
  - name: Tom Reed
    title: Head of IT
    role: Blocker
"""
PLAN = VALID_PLAN.replace(
    "stakeholders:\n  - name: Priya Raman\n    side: buyer\n  - name: Sam Ortiz\n"
    "    side: seller\n",
    PEOPLE,
)


def people(html: str) -> dict[str, str]:
    """Each person of the People card: name -> what it says of them (name, title, role)."""
    found = {}
    for entry in re.findall(r'<div class="person__text">(.*?)</div>', html, re.DOTALL):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", entry)).strip()
        name = re.search(r'<p class="person__name"><bdi>(.*?)</bdi></p>', entry)
        assert name
        found[name[1]] = text
    return found


def build(site: Path, run) -> str:
    result = run("build", "--no-pdf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return page_of(site / "public", "northwind").read_text(encoding="utf-8")


def test_buyers_see_their_people_s_titles_not_their_roles(site: Path, write_plan, run) -> None:
    write_plan("northwind", PLAN)

    html = build(site, run)

    shown = people(html)
    assert shown["Priya Raman"] == "Priya Raman Director of Revenue Operations"
    assert shown["Daniel Okafor"] == "Daniel Okafor CFO"
    assert shown["Lee Park"] == "Lee Park"  # every role of the buyer's people: theirs
    assert shown["Sam Ortiz"] == "Sam Ortiz Account Executive Account Executive"
    assert shown["Ken Ito"] == "Ken Ito Solutions Engineer"
    assert shown["Ana Silva"] == "Ana Silva Implementation partner"
    assert shown["Tom Reed"] == "Tom Reed Head of IT"  # no side, but a sales label
    for role in ("Champion", "Economic Buyer", "Project lead", "Blocker"):
        assert role not in html, role


def test_check_still_reads_the_roles(site: Path, write_plan, run) -> None:
    write_plan("northwind", PLAN)

    result = run("check", "--today", TODAY)

    # MAP011 no-economic-buyer and MAP012 no-champion do not fire: check reads the file
    assert "MAP011" not in result.output and "MAP012" not in result.output


def test_a_site_setting_shows_every_role(site: Path, write_plan, run) -> None:
    write_plan("northwind", PLAN)
    (site / "mapsite.yml").write_text("show_buyer_roles: true\n", encoding="utf-8")

    shown = people(build(site, run))

    assert shown["Priya Raman"] == "Priya Raman Director of Revenue Operations Champion"
    assert shown["Daniel Okafor"] == "Daniel Okafor CFO Economic Buyer"
    assert shown["Lee Park"] == "Lee Park Project lead"
    assert shown["Tom Reed"] == "Tom Reed Head of IT Blocker"
    assert shown["Sam Ortiz"] == "Sam Ortiz Account Executive Account Executive"


def test_the_setting_is_validated(site: Path, write_plan, run) -> None:
    write_plan("northwind", PLAN)
    (site / "mapsite.yml").write_text("title: Deals\nshow_buyer_roles: sometimes\n")

    result = run("build", "--no-pdf", "--today", TODAY)

    assert result.exit_code == 1
    assert result.output == (
        "mapsite.yml:2:19: show_buyer_roles: Input should be a valid boolean, unable to "
        "interpret input\n1 error in 1 file\n"
    )


@pytest.mark.parametrize(
    ("side", "role", "shown"),
    [
        ("seller", "Account Executive", True),
        ("seller", "Champion", True),  # the seller's own people: their roles are no secret
        ("buyer", "Champion", False),
        ("buyer", "Project lead", False),
        (None, "Implementation partner", True),
        (None, "Legal counsel", True),
        (None, "Champion", False),
        (None, "Internal champion", False),
        (None, "Anti-champion", False),
        (None, "Coach", False),
        (None, "Economic Buyer", False),
        (None, "Budget holder", False),
        (None, "CFO (EB)", False),
        (None, "Decision Maker", False),
        (None, "Decision-maker", False),
        (None, "Technical Evaluator", False),
        (None, "Technical buyer", False),
        (None, "User buyer", False),
        (None, "Evaluator", False),
        (None, "Blocker", False),
        (None, "Detractor", False),
        (None, "Skeptic", False),
        (None, "Sceptic", False),
        (None, "Influencer", False),
        (None, "Gatekeeper", False),
        (None, "Mobilizer", False),
        (None, "Mobiliser", False),
        (None, "Executive sponsor", False),
        (None, "Signer", False),
        (None, "Ally", False),
        (None, "Enemy", False),
        (None, "Coaching lead", True),  # whole words: 'coach' is not in 'coaching'
        (None, "Sponsorship manager", True),
        (None, "Really helpful", True),
        (None, "Webmaster", True),  # 'eb' inside a word is not an EB
    ],
)
def test_which_roles_the_buyer_sees(side: str | None, role: str, shown: bool) -> None:
    person = Stakeholder(name="Alex Kim", side=side, role=role)  # type: ignore[arg-type]

    assert role_shown(person) is shown
    assert role_shown(person, show_buyer_roles=True) is True


def test_no_role_is_never_shown() -> None:
    assert role_shown(Stakeholder(name="Alex Kim", side="seller")) is False
    assert role_shown(Stakeholder(name="Alex Kim", side="buyer"), show_buyer_roles=True) is False


def test_the_buyer_s_plan_drops_only_the_hidden_roles(load_plan_text) -> None:
    plan = load_plan_text(PLAN)

    seen = for_buyer(plan)

    assert [p.role for p in seen.stakeholders] == [
        None, None, None, "Account Executive", "Solutions Engineer", "Implementation partner",
        None,
    ]  # fmt: skip
    assert [p.model_copy(update={"role": None}) for p in seen.stakeholders] == [
        p.model_copy(update={"role": None}) for p in plan.stakeholders
    ]
    assert seen.model_copy(update={"stakeholders": plan.stakeholders}) == plan
    assert plan.stakeholders[0].role == "Champion", "the plan itself is unchanged"
    assert for_buyer(plan, show_buyer_roles=True) is plan


def test_a_plan_with_nothing_to_hide_is_the_same_plan(load_plan_text) -> None:
    plan = load_plan_text(VALID_PLAN)

    assert for_buyer(plan) is plan


@pytest.fixture
def load_plan_text(tmp_path: Path):  # type: ignore[no-untyped-def]
    from mapsite.load import load_plan

    def load(text: str):  # type: ignore[no-untyped-def]
        path = tmp_path / "plan.md"
        path.write_text(with_token(text, "plan"), encoding="utf-8")
        return load_plan(path).plan

    return load


# --- "What's new" ---------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
NEWS = r'<p class="news__text">(.*?)</p>'


@needs_git
@pytest.mark.parametrize("show", [False, True])
def test_what_s_new_says_nothing_of_roles_the_page_hides(site: Path, run, show: bool) -> None:
    path = site / "plans" / "northwind.md"
    path.write_text(TRACKED_PLAN, encoding="utf-8")
    commit(site, "2026-11-16")
    lee = "  - name: Lee Park\n    side: buyer\n"
    joined = "  - name: Nina Patel\n    side: buyer\n    role: Decision Maker\n"
    sam = "  - name: Sam Ortiz\n    side: seller\n"
    path.write_text(
        mutate(
            TRACKED_PLAN,
            ("    role: Champion\n", "    role: Economic Buyer\n"),
            (lee, joined + lee),
            (sam, sam + "    role: Account Executive\n"),
        ),
        encoding="utf-8",
    )
    commit(site, "2026-11-20")
    if show:
        (site / "mapsite.yml").write_text("show_buyer_roles: true\n", encoding="utf-8")

    news = re.findall(NEWS, build(site, run))

    if show:
        assert news == [
            "Priya Raman is now Economic Buyer (was Champion)",
            "Nina Patel joined as Decision Maker (Northwind Financial)",
            "Sam Ortiz is now Account Executive",
        ]
    else:
        assert news == [
            "Nina Patel joined (Northwind Financial)",
            "Sam Ortiz is now Account Executive",
        ]
