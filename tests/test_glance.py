"""What the buyer reads in ten seconds: the parties in one order everywhere, what the
deal is working on, and progress numbers that add up."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from support import TODAY, VALID_PLAN, page_of

from mapsite.calendars import plan_title


def build(site: Path, run) -> str:
    result = run("build", "--no-pdf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return page_of(site / "public", "northwind").read_text(encoding="utf-8")


def text(html: str) -> str:
    """What a reader sees: tags gone, character references (``&times;``) read."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def one(html: str, pattern: str) -> str:
    [found] = re.findall(pattern, html, re.DOTALL)
    return text(found)


def test_the_parties_read_seller_first_everywhere(site: Path, write_plan, run) -> None:
    write_plan("northwind")

    html = build(site, run)

    assert one(html, r'<div class="brands">(.*?)</div>') == "Contoso × Northwind Financial"
    assert one(html, r'<p class="eyebrow">(.*?)</p>') == "Contoso × and Northwind Financial"
    assert one(html, r"<title>(.*?)</title>") == (
        "Revenue forecasting rollout · Contoso × Northwind Financial"
    )
    ics = (page_of(site / "public", "northwind").parent / "plan.ics").read_text()
    assert "X-WR-CALNAME:Contoso × Northwind Financial: Revenue forecasting rollout" in ics


def test_the_calendar_names_the_parties_in_the_page_s_order(site: Path, write_plan) -> None:
    from mapsite.load import load_plan

    plan = load_plan(write_plan("northwind")).plan

    assert plan_title(plan) == "Contoso × Northwind Financial: Revenue forecasting rollout"


def test_the_hero_says_what_is_being_worked_on_and_when_it_is_due(
    site: Path, write_plan, run
) -> None:
    write_plan("northwind")

    html = build(site, run)

    stage = one(html, r'<div class="fact fact--stage">(.*?)</div>')
    assert stage == "Working on Contract signed Due Tue 15 Dec Milestone 1 of 1"
    assert "Where we are" not in html


def test_a_milestone_without_a_date_says_no_due_date(site: Path, write_plan, run) -> None:
    write_plan("northwind", VALID_PLAN.replace("    due: 2026-12-15\n    steps:", "    steps:"))

    stage = one(build(site, run), r'<div class="fact fact--stage">(.*?)</div>')

    assert stage == "Working on Contract signed Milestone 1 of 1"


JOINT = VALID_PLAN.replace(
    "      - task: Sign the order form\n",
    "      - task: Agree the terms together\n"
    "        owner: [Priya Raman, Sam Ortiz]\n"
    "        status: done\n"
    "      - task: File the order form\n"
    "        owner: Pat Legal\n"
    "      - task: Sign the order form\n",
)


def split(html: str) -> list[tuple[str, int, int]]:
    lines = re.findall(
        r'<span class="split__name"><bdi>(.*?)</bdi></span>'
        r'<span class="split__count">(\d+) of (\d+)</span>',
        html,
    )
    return [(name, int(done), int(total)) for name, done, total in lines]


def test_the_progress_split_adds_up_to_the_total(site: Path, write_plan, run) -> None:
    write_plan("northwind", JOINT)

    html = build(site, run)

    assert one(html, r'<span class="fact__big">(\d+ of \d+)</span>') == "1 of 4"
    lines = split(html)
    # each step once: the one both sides own under "Both sides", not under each side
    assert lines == [
        ("Contoso", 0, 1),
        ("Northwind Financial", 0, 1),
        ("Both sides", 1, 1),
        ("Others", 0, 1),
    ]
    assert (sum(d for _, d, _ in lines), sum(t for _, _, t in lines)) == (1, 4)


def owned_by(first: str, second: str) -> str:
    """VALID_PLAN with its two steps owned by these."""
    text = VALID_PLAN.replace("owner: Sam Ortiz", f"owner: {first}")
    return text.replace(
        "owner: Priya Raman\n        due: 2026-12-15", f"owner: {second}\n        due: 2026-12-15"
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Sam Ortiz", "Sam Ortiz", []),  # one line would only repeat the total: none
        ("[Priya Raman, Sam Ortiz]", "[Sam Ortiz, Priya Raman]", []),
        ("Pat Legal", "Priya Raman", [("Northwind Financial", 0, 1), ("Others", 0, 1)]),
    ],
)
def test_a_split_of_one_line_is_not_shown(
    site: Path, write_plan, run, first: str, second: str, expected: list
) -> None:
    write_plan("northwind", owned_by(first, second))

    html = build(site, run)

    assert split(html) == expected
    assert ('<span class="split">' in html) == bool(expected)
