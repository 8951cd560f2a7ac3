"""The page's "What's new" panel: what changed in the plan's git history lately,
newest first, and nothing at all when nothing did; on the PDF's first page too."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import PDF_NAMES, TODAY, TRACKED_PLAN, commit, mutate, page_of, pdf_of

from mapsite.load import load_plan

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

REVIEW = "        id: review\n        owner: Lee Park\n"
READOUT = "      - task: POC readout\n        owner: Lee Park\n        due: poc - 3d\n"
SIGN_OFF = "      - task: Sign off the scorecard\n        owner: Priya Raman\n        due: poc\n"
LEGAL = "      - task: Legal redlines\n        owner: Nina Patel\n        due: 2026-12-09\n"


@pytest.fixture
def plan(site: Path) -> Path:
    """plans/northwind.md committed on 2 Nov, changed on 12, 16 and 19 Nov, and a step
    blocked since, not committed: six changes in the last 14 days."""
    path = site / "plans" / "northwind.md"
    later = mutate(TRACKED_PLAN, ("go_live: 2027-03-31", "go_live: 2027-04-14"))
    done = mutate(later, (REVIEW, REVIEW + "        status: done\n"))
    owner = (READOUT, READOUT.replace("Lee Park", "Priya Raman"))
    legal = mutate(done, owner, (SIGN_OFF, SIGN_OFF + LEGAL))
    versions = [("2026-11-02", TRACKED_PLAN), ("2026-11-12", later), ("2026-11-16", done)]
    versions.append(("2026-11-19", legal))
    for when, text in versions:
        path.write_text(text, encoding="utf-8")
        commit(site, when)
    blocked = ("        due: poc - 3d\n", "        due: poc - 3d\n        status: blocked\n")
    path.write_text(mutate(versions[-1][1], blocked), encoding="utf-8")
    return path


def panel(html: str) -> list[tuple[str, str]]:
    """(date, sentence) of each entry of the panel, as shown."""
    entry = r'<p class="news__text">(.*?)</p>\s*<time class="news__when" datetime="[-0-9]+">(.*?)</'
    entries = re.findall(entry, html)
    return [(when, text) for text, when in entries]


def built(site: Path, run, *args: str) -> str:
    result = run("build", "--today", TODAY, *args)
    assert result.exit_code == 0, result.stderr
    return page_of(site / "public", "northwind").read_text(encoding="utf-8")


NEWEST = [
    ("Mon 23 Nov", "&#39;POC readout&#39; blocked"),
    ("Thu 19 Nov", "Owner of &#39;POC readout&#39; changed from Lee Park to Priya Raman"),
    ("Thu 19 Nov", "New step: Legal redlines, owner Nina Patel, due Wed 9 Dec"),
]
OLDER = [
    ("Mon 16 Nov", "Security review passed (done Mon 16 Nov)"),
    ("Mon 16 Nov", "&#39;Review the questionnaire&#39; done"),
    ("Thu 12 Nov", "Go-live moved from Wed 31 Mar 2027 to Wed 14 Apr 2027"),
]


def test_the_panel_shows_the_newest_then_the_rest_behind_a_disclosure(plan, run) -> None:
    html = built(plan.parent.parent, run)

    start = html.index('<section class="card whats-new"')
    section = html[start : html.index("</section>", start)]
    shown, more = section.split('<details class="news-more">')
    since = '<span class="whats-new__since">since <time datetime="2026-11-10">Tue 10 Nov</time>'
    assert f"What's new {since}</span></h2>" in shown
    assert panel(shown) == NEWEST
    assert "<summary><span>3 more changes</span></summary>" in more
    assert panel(more) == OLDER
    assert "And 3 earlier changes on the plan's page." in more


def test_the_panel_comes_after_next_up_and_before_why(plan, run) -> None:
    """On a phone the status and the next step stay on the first screen; on a wide one
    the panel sits beside "Next up", above "Why we are doing this"."""
    html = built(plan.parent.parent, run)

    assert html.index('class="hero"') < html.index('id="next-up"') < html.index('id="whats-new"')
    assert html.index('id="next-up"') < html.index('<div class="overview__aside">')
    assert html.index('<div class="overview__aside">') < html.index('id="whats-new"')


def test_each_change_has_an_icon_and_a_tone(plan, run) -> None:
    html = built(plan.parent.parent, run)

    tones = re.findall(r'<li class="news news--([a-z]+)">\s*<svg class="icon news__icon"', html)
    assert tones == ["bad", "info", "info", "good", "good", "late"]


def test_no_panel_when_nothing_changed(plan, run) -> None:
    site = plan.parent.parent
    commit(site, "2026-11-19")  # the blocked step, committed: 4 days before TODAY

    html = built(site, run, "--today", "2026-12-15")  # 14 days: from Wed 2 Dec

    assert "whats-new" not in html
    assert "What's new" not in html


def test_no_panel_outside_git(write_plan, site: Path, run) -> None:
    write_plan("northwind", TRACKED_PLAN)

    assert "whats-new" not in built(site, run)


def test_the_window_is_a_site_setting(plan, run) -> None:
    site = plan.parent.parent
    (site / "mapsite.yml").write_text("whats_new_days: 5\n", encoding="utf-8")

    html = built(site, run)

    assert panel(html) == NEWEST  # from Wed 19 Nov: nothing older, so no disclosure
    assert "news-more" not in html
    assert 'since <time datetime="2026-11-19">Thu 19 Nov</time>' in html


def test_a_plan_may_set_its_own_window(plan, run) -> None:
    site = plan.parent.parent
    (site / "mapsite.yml").write_text("whats_new_days: 5\n", encoding="utf-8")
    plan.write_text(plan.read_text().replace("updated:", "whats_new_days: 1\nupdated:"))

    assert panel(built(site, run)) == NEWEST[:1]


@pytest.mark.parametrize("where", ["site", "plan"])
def test_a_window_of_0_days_hides_the_panel(plan, run, where: str) -> None:
    site = plan.parent.parent
    if where == "site":
        (site / "mapsite.yml").write_text("whats_new_days: 0\n", encoding="utf-8")
    else:
        plan.write_text(plan.read_text().replace("updated:", "whats_new_days: 0\nupdated:"))

    assert "whats-new" not in built(site, run)


def test_plan_text_in_a_change_is_escaped(plan, run) -> None:
    script = 'task: "<script>alert(1)</script>"'
    plan.write_text(plan.read_text().replace("task: Legal redlines", script))

    html = built(plan.parent.parent, run)

    assert "<script>alert" not in html
    renamed = (
        "Step &#39;Legal redlines&#39; renamed to &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"
    )
    assert ("Mon 23 Nov", renamed) in panel(html)


@pytest.mark.pdf
def test_the_pdf_has_the_panel_on_its_first_page(plan, run) -> None:
    site = plan.parent.parent
    built(site, run, "--pdf")
    pdf = next((site / "public").glob(f"*/{PDF_NAMES['northwind']}"))

    first = re.sub(r"\s+", " ", PdfReader(pdf).pages[0].extract_text())

    assert "What's new since Tue 10 Nov" in first
    assert "'POC readout' blocked Mon 23 Nov" in first
    assert "Owner of 'POC readout' changed from Lee Park to Priya Raman Thu 19 Nov" in first
    assert "And 3 earlier changes on the plan's page." in first


EXAMPLE_CHANGES = {
    "northwind": [
        ("go_live: 2027-03-31", "go_live: 2027-04-14"),
        ("owner: Rachel Novak", "owner: Nina Patel"),
    ],
    "tailspin": [
        ("go_live: 2027-01-15", "go_live: 2027-01-29"),
        ("owner: Carlos Reyes\n", "owner: Jordan Lee\n"),
    ],
    "fabrikam-renewal": [
        ("go_live: 2027-02-28", "go_live: 2027-03-14"),
        (
            "owner: Alex Morgan\n        due: seat-count",
            "owner: Grace Liu\n        due: seat-count",
        ),
    ],
}


@pytest.mark.pdf
def test_the_example_plans_summary_pages_still_hold_everyone(example_site: Path, run) -> None:
    """With the panel on it, each example plan's first page is its summary, and its
    people all come before Next up (on the first page, or on the second where the
    timeline leaves a long list of people no room; Letter paper)."""
    commit(example_site, "2026-11-02")
    for slug, changes in EXAMPLE_CHANGES.items():
        plan = example_site / "plans" / f"{slug}.md"
        plan.write_text(mutate(plan.read_text(encoding="utf-8"), *changes), encoding="utf-8")
    commit(example_site, "2026-11-18")
    built(example_site, run, "--pdf")

    for slug in EXAMPLE_CHANGES:
        pdf = pdf_of(example_site / "public", slug)
        reader = PdfReader(pdf)
        pages = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages[:3]]
        people = load_plan(example_site / "plans" / f"{slug}.md").plan.stakeholders
        assert "What's new since Tue 10 Nov" in pages[0], slug
        assert "Timeline" in pages[0], slug
        assert "Next up" not in pages[0], slug
        summary = " ".join(pages).split("Next up")[0]
        assert [p.name for p in people if p.name not in summary] == [], slug
