"""The rendered plan page shows what a buyer needs, escaped, and nothing from other hosts."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import REPO, TODAY, VALID_PLAN, page_of

from mapsite.config import load_config
from mapsite.load import Document, load_plan
from mapsite.render import format_date, relative

TODAY_DATE = date.fromisoformat(TODAY)


class Page(HTMLParser):
    """Visible text (whitespace folded) plus every link and image source of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.sources: list[str] = []
        self.skip = 0
        self.feed(html)
        self.text = re.sub(r"\s+", " ", " ".join(self.chunks))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a":
            self.links.append(values)
        for name in ("src", "href"):
            if values.get(name) and tag in ("img", "link", "script", "source"):
                self.sources.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.chunks.append(data)


def example(slug: str) -> Document:
    """An example plan, loaded with the example site's holiday country."""
    config, _ = load_config(REPO)
    return load_plan(REPO / "plans" / f"{slug}.md", config.holidays)


@pytest.fixture
def built(example_site: Path, run) -> Path:
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return example_site / "public"


def page(public: Path, slug: str) -> Page:
    return Page(page_of(public, slug).read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", ["northwind", "tailspin", "fabrikam-renewal"])
def test_page_shows_the_whole_plan(built: Path, slug: str) -> None:
    doc = example(slug)
    plan = doc.plan
    shown = page(built, slug)
    text = shown.text

    for value in (plan.title, plan.buyer.name, plan.seller.name, plan.value, plan.compelling_event):
        assert value and value in text
    assert plan.go_live and format_date(plan.go_live, TODAY_DATE) in text
    assert relative(plan.go_live, TODAY_DATE) in text
    for criterion in plan.success_criteria:
        assert criterion in text
    for milestone in plan.milestones:
        assert milestone.name in text
        if milestone.why:
            assert milestone.why in text
        for step in milestone.steps:
            assert step.task in text
            for owner in step.owner:
                assert owner in text
    for key, due in doc.dates.target.items():  # work-back dates shown resolved
        assert due and format_date(due, TODAY_DATE) in text, key
    for person in plan.stakeholders:
        assert person.name in text
        if person.title:
            assert person.title in text
        if person.role and person.side == "seller":  # the buyer's own: test_audience.py
            assert person.role in text
    hrefs = {link.get("href") for link in shown.links}
    for resource in plan.resources:
        assert resource.title in text
        assert resource.url in hrefs
    for risk in plan.risks:
        assert risk.risk in text
        assert risk.plan and risk.plan in text


def test_northwind_progress_next_up_and_statuses(built: Path) -> None:
    text = page(built, "northwind").text
    doc = example("northwind")
    plan = doc.plan
    steps = [s for m in plan.milestones for s in m.steps]
    done = sum(s.status == "done" for s in steps)

    assert f"{done} of {len(steps)} steps done" in text
    # every status is written out in words, not only coloured
    for label in ("Done", "In progress", "To do"):
        assert label in text
    # next up lists the earliest open step first
    open_keys = sorted(
        (k for k, due in doc.dates.target.items() if k[1] is not None and due is not None),
        key=lambda k: (doc.dates.target[k], k),
    )
    open_steps = [
        step
        for mi, si in open_keys
        if (step := plan.milestones[mi].steps[si]).status != "done"  # type: ignore[index]
    ]
    next_up = text[text.index("Next up") :]
    assert next_up.index(open_steps[0].task) < next_up.index(open_steps[1].task)
    assert "Status as of Mon 23 Nov" in text
    assert "Milestone 3 of 7" in text  # security review passed on 26 Nov


def test_people_are_grouped_by_side_with_tap_to_contact_links(built: Path) -> None:
    shown = page(built, "northwind")
    people = shown.text[shown.text.index("People") :]
    assert people.index("Northwind Financial") < people.index("Priya Raman")
    assert people.index("Priya Raman") < people.index("Contoso") < people.index("Sam Ortiz")
    hrefs = {link.get("href") for link in shown.links}
    assert "mailto:priya.raman@northwind.example" in hrefs
    assert "tel:+15550121" in hrefs


def test_markdown_body_is_rendered(built: Path) -> None:
    html = page_of(built, "northwind").read_text(encoding="utf-8")
    assert re.search(r"<h2>[^<]+</h2>", html)
    assert "<table>" in html


def test_values_are_escaped_and_raw_html_is_not_rendered(site: Path, write_plan, run) -> None:
    hostile = VALID_PLAN.replace(
        "title: Revenue forecasting rollout", 'title: "<script>alert(1)</script> & Co"'
    ).replace(
        "Agreed on the kickoff call.",
        "<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://ok.example)",
    )
    write_plan("hostile", hostile)
    assert run("build", "--today", TODAY).exit_code == 0
    html = page_of(site / "public", "hostile").read_text(encoding="utf-8")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert '<a href="https://ok.example" rel="noopener noreferrer">ok</a>' in html


def test_pages_load_nothing_from_other_hosts(built: Path) -> None:
    for path in built.rglob("*.html"):
        shown = Page(path.read_text(encoding="utf-8"))
        assert shown.sources, path
        assert all(not re.match(r"(https?:)?//", src) for src in shown.sources), path
        # one deferred script of the theme's own, which only re-checks dates
        scripts = re.findall(r"<script[^>]*>", path.read_text(encoding="utf-8"))
        assert all(
            re.fullmatch(r'<script src="[./]*static/mapsite\.js\?v=\w+" defer>', s) for s in scripts
        ), scripts


def test_every_page_asks_not_to_be_indexed(built: Path) -> None:
    for path in built.rglob("*.html"):
        assert '<meta name="robots" content="noindex, nofollow">' in path.read_text("utf-8")


def test_root_page_is_neutral(built: Path) -> None:
    root = Page((built / "index.html").read_text("utf-8"))
    for name in ("Northwind", "Tailspin", "Fabrikam", "forecasting"):
        assert name not in root.text
    assert root.links == []


def test_a_blocked_step_says_so_in_words(built: Path) -> None:
    html = page_of(built, "fabrikam-renewal").read_text(encoding="utf-8")
    (blocked,) = re.findall(r'<li class="step step--blocked[^"]*".*?</li>', html, re.S)
    assert "vendor risk re-assessment" in blocked
    assert '<span class="status status--blocked">' in blocked
    assert "<span>Blocked</span>" in blocked


def test_a_plan_in_plain_ascii_makes_a_page_in_plain_ascii(site: Path, write_plan, run) -> None:
    """The default theme writes its own punctuation (the multiplication sign between
    the parties, the middle dot between facts) as character references: a page with no
    other character beyond ASCII is encoded to UTF-8 as a copy, 55 times faster than a
    page with one such character (3 % of a build: benchmarks/README.md, session 9).
    The reader sees them."""
    assert VALID_PLAN.isascii()
    write_plan("northwind")
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    html = page_of(site / "public", "northwind").read_text(encoding="utf-8")
    assert html.isascii()
    text = Page(html).text
    assert "Contoso × Northwind Financial" in text
    assert "Contract signed Upcoming · due Tue 15 Dec" in text
    assert "&times;" in html and "&middot;" in html
