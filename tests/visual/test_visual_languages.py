"""Pages in other scripts and directions, in Chromium: an Arabic site mirrored (right
to left), its timeline running from the right, the rep's Latin names isolated inside
it; Japanese (no spaces between words) and German (very long words) on the smallest
phone. Each without sideways scrolling, cut-off or overlapping text, axe clean, and
drawn in fonts that have the script's letters. The plans: tests/visual/languages/."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page
from test_visual_axe import RUN_AXE, TAGS
from test_visual_layout import CHECKS, MIN_TAP
from visual_support import (
    LANGUAGE_PLANS,
    LANGUAGES,
    OTHER_PAGES,
    PHONES,
    SIZES,
    Screens,
    build_example,
    plan_file,
    serve,
)

from mapsite.load import load_plan

pytestmark = pytest.mark.visual

OWN = LANGUAGES  # the site's language -> its own plan (besides the example's), by name


class LanguageSites:
    """The example site built in each language and theme (no PDFs), with that
    language's plan added (English: all of them), each served over HTTP on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.servers: dict[tuple[str, str], ThreadingHTTPServer] = {}

    def url(self, language: str, page: str, theme: str = "default") -> str:
        if (language, theme) not in self.servers:
            codes = [language] if language in OWN else list(OWN)
            plans = [LANGUAGE_PLANS / f"{code}.md" for code in codes]
            folder = self.root / f"{language}-{theme}"
            public = build_example(folder, theme, language, plans, pdf=False)
            self.servers[language, theme] = serve(public)
        port = self.servers[language, theme].server_address[1]
        return f"http://127.0.0.1:{port}/{path_of(page)}"

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


def path_of(page: str) -> str:
    if page in OTHER_PAGES:
        return OTHER_PAGES[page]
    return f"{load_plan(plan_file(page)).plan.share.token}/index.html"


@pytest.fixture(scope="module")
def languages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanguageSites]:
    sites = LanguageSites(tmp_path_factory.mktemp("languages"))
    yield sites
    sites.close()


def open_page(screens: Screens, sites: LanguageSites, language: str, page: str, size: str,
              scheme: str = "light", theme: str = "default") -> Page:  # fmt: skip
    return screens.open(sites.url(language, page, theme), SIZES[size], scheme)


THEMES = ("classic", "contoso")  # the other bundled themes, right to left too
# (language, page, screen size, theme)
LAYOUT_CASES = [
    *[("ar", page, size, "default") for page in ("arabic", "northwind")
      for size in ("phone", "desktop")],
    ("ar", "arabic", "small-phone", "default"),
    ("ar", "locked", "phone", "default"),
    ("ar", "404", "phone", "default"),
    *[(lang, OWN[lang], size, "default") for lang in ("ja", "de")
      for size in ("small-phone", "phone", "desktop")],
    *[("ar", page, size, theme) for theme in THEMES for page in ("arabic", "northwind")
      for size in ("phone", "desktop")],
]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "page", "size", "theme"),
    [pytest.param(*c, id="-".join(c)) for c in LAYOUT_CASES],
)
def test_layout(
    language: str, page: str, size: str, theme: str, languages: LanguageSites, screens: Screens
):
    """No sideways scrolling, no text cut off or overlapping, tap targets 44 px."""
    tab = open_page(screens, languages, language, page, size, theme=theme)
    found = tab.evaluate(CHECKS, {"tapTargets": size in PHONES, "minTap": MIN_TAP})
    problems = [f"  {p['check']}: {p['where']}: {p['detail']}" for p in found]
    assert not problems, f"{language}/{page} at {size} ({theme}):\n" + "\n".join(problems)


# (language, page, colour scheme, theme)
AXE_CASES = [
    *[("ar", page, scheme, "default") for page in ("arabic", "northwind", "locked")
      for scheme in ("light", "dark")],
    *[(lang, OWN[lang], scheme, "default") for lang in ("ja", "de")
      for scheme in ("light", "dark")],
    *[("ar", "arabic", scheme, theme) for theme in THEMES for scheme in ("light", "dark")],
]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "page", "scheme", "theme"),
    [pytest.param(*c, id="-".join(c)) for c in AXE_CASES],
)
def test_no_wcag_violations(
    language: str, page: str, scheme: str, theme: str, languages: LanguageSites, screens: Screens
):
    tab = open_page(screens, languages, language, page, "phone", scheme, theme)
    tab.evaluate(AXE_SCRIPT)
    violations = tab.evaluate(RUN_AXE, TAGS)
    problems = [
        f"  {v['id']}: {n['target']}: {n['summary']}" for v in violations for n in v["nodes"]
    ]
    assert not problems, f"{language}/{page}, {scheme}:\n" + "\n".join(problems)


# Where things are: the page's direction, and left edges (CSS px) of what mirrors
PLACES = """() => {
    const left = s => document.querySelector(s).getBoundingClientRect().left;
    const facts = [...document.querySelectorAll(".facts > .fact")];
    return {
        dir: document.documentElement.dir,
        firstFact: facts[0].getBoundingClientRect().left,
        secondFact: facts[1].getBoundingClientRect().left,
        brands: document.querySelector(".brands").getBoundingClientRect(),
        masthead: document.querySelector(".masthead__inner").getBoundingClientRect(),
        marker: left(".milestone__marker"), body: left(".milestone__body"),
        stripe: getComputedStyle(document.querySelector(".step--overdue")).boxShadow,
    };
}"""


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_a_right_to_left_page_is_mirrored(
    language: str, direction: str, size: str, languages: LanguageSites, screens: Screens
):
    """The hero's first fact, the masthead's parties and each milestone's number sit at
    the right of what follows them in Arabic, at the left in English."""
    at = open_page(screens, languages, language, "arabic", size).evaluate(PLACES)
    assert at["dir"] == direction
    rtl = direction == "rtl"
    assert (at["firstFact"] > at["secondFact"]) is rtl, at
    brands, masthead = at["brands"], at["masthead"]
    room_left, room_right = brands["left"] - masthead["left"], masthead["right"] - brands["right"]
    assert (room_right < room_left) is rtl, at
    assert (at["marker"] > at["body"]) is rtl, at
    # an overdue step's stripe is on its start edge: the right one in Arabic
    assert at["stripe"].endswith("-4px 0px 0px 0px inset" if rtl else " 4px 0px 0px 0px inset")


# The timeline: where each milestone's pin and each month's name is, and whether its
# words and icons read the right way round (the product of the horizontal scales of
# the CSS transforms from them up to the page: negative is mirror writing)
TIMELINE = """() => {
    const chart = document.getElementById("timeline");
    const middle = el => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; };
    const scale = el => {
        let x = 1;
        for (let node = el; node && node.nodeType === 1; node = node.parentNode) {
            const t = getComputedStyle(node).transform;
            if (t && t !== "none") x *= new DOMMatrixReadOnly(t).a;
        }
        return x;
    };
    const shown = el => el.checkVisibility() && el.getBoundingClientRect().width > 0;
    const pins = [...chart.querySelectorAll(".gantt__rows > .gantt__row:not(.gantt__row--golive)")]
        .map(row => row.querySelector(".gantt__pin")).filter(Boolean);
    const months = [...chart.querySelectorAll(".gantt__month")].filter(shown);
    const texts = [...chart.querySelectorAll("text")].filter(shown);
    const marks = [...chart.querySelectorAll(".gantt__pin:not(.gantt__flag) .gantt__mark > *")];
    return {
        pins: pins.map(middle),
        months: months.map(m => [m.textContent, middle(m)]),
        textScales: texts.map(scale),
        markScales: marks.map(scale),
    };
}"""


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_timeline_runs_the_way_the_page_reads(
    language: str, direction: str, size: str, languages: LanguageSites, screens: Screens
):
    """In Arabic time flows from the right: the first milestone's pin right of the last's,
    each month's name left of the one before; the words and icons still read as words."""
    chart = open_page(screens, languages, language, "northwind", size).evaluate(TIMELINE)
    pins, months = chart["pins"], [at for _, at in chart["months"]]
    assert len(pins) >= 3 and len(months) >= 3, chart
    later = (lambda a, b: b < a) if direction == "rtl" else (lambda a, b: b > a)
    assert all(later(a, b) for a, b in itertools.pairwise(pins)), chart["pins"]
    assert all(later(a, b) for a, b in itertools.pairwise(months)), chart["months"]
    assert chart["textScales"] and all(s > 0 for s in chart["textScales"]), chart["textScales"]
    assert chart["markScales"] and all(s > 0 for s in chart["markScales"]), chart["markScales"]


# Where the first and the last letter of a name are drawn, in each element matching
# the selector that holds the name
LETTERS = """([selector, name]) => [...document.querySelectorAll(selector)]
    .filter(el => el.textContent.includes(name))
    .map(el => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode()) && !node.data.includes(name));
        const at = node.data.indexOf(name), range = document.createRange();
        const x = i => { range.setStart(node, i); range.setEnd(node, i + 1);
                         return range.getBoundingClientRect().left; };
        return {tag: node.parentElement.tagName, first: x(at),
                beforeLast: x(at + name.length - 2), last: x(at + name.length - 1)};
    })"""


@pytest.mark.parametrize(
    ("selector", "name"),
    [
        (".eyebrow", "Wingtip Toys Inc."),  # the parties over the title
        (".brands__name", "Wingtip Toys Inc."),  # the masthead
        (".owner__name", "Lee Park Jr."),  # a step's owner, before their company
        (".owner__org", "Wingtip Toys Inc."),  # ... and the company, after a comma
        (".colophon", "Wingtip Toys Inc."),  # inside a sentence
    ],
)
@pytest.mark.parametrize("size", ["small-phone", "desktop"])
def test_latin_names_read_left_to_right_inside_arabic(
    selector: str, name: str, size: str, languages: LanguageSites, screens: Screens
):
    """A Latin name in a right-to-left line is isolated (<bdi>): its full stop stays at
    its end, right of its last letter, not thrown to the other side of the name."""
    found = open_page(screens, languages, "ar", "arabic", size).evaluate(LETTERS, [selector, name])
    assert found, f"no {selector} holds {name!r}"
    for name_at in found:
        assert name_at["tag"] == "BDI", name_at
        assert name_at["beforeLast"] < name_at["last"], name_at


def test_the_owners_company_follows_the_name_leftwards_in_arabic(
    languages: LanguageSites, screens: Screens
):
    """ "Lee Park Jr., Wingtip Toys Inc.": in Arabic the name is read first, at the right."""
    tab = open_page(screens, languages, "ar", "arabic", "phone")
    name = tab.evaluate(LETTERS, [".owner__name", "Lee Park Jr."])[0]
    company = tab.evaluate(LETTERS, [".owner__org", "Wingtip Toys Inc."])[0]
    assert company["last"] < name["first"], (name, company)


def fonts_of(tab: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew an element's text with, and how many letters each drew
    (DevTools' own answer)."""
    cdp = tab.context.new_cdp_session(tab)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {f["familyName"]: f["glyphCount"] for f in fonts}
    finally:
        cdp.detach()


@pytest.mark.parametrize(
    ("language", "stack"), [("ar", "--script-font"), ("ja", "--japanese-font")]
)
def test_the_title_is_drawn_in_a_font_for_its_script(
    language: str, stack: str, languages: LanguageSites, screens: Screens
):
    """The plan's title, all Arabic or Japanese, in one of the fonts the theme names for
    that script: not the empty boxes or stray shapes of a font that lacks them."""
    tab = open_page(screens, languages, language, OWN[language], "phone")
    named = tab.evaluate(
        "s => getComputedStyle(document.documentElement).getPropertyValue(s)", stack
    )
    families = [f.strip().strip('"') for f in named.split(",")]
    used = fonts_of(tab, "h1 bdi")  # the spaces may come from the Latin font
    main = max(used, key=used.__getitem__) if used else None
    assert main in families, (
        f"the {language} title is drawn in {used}, mostly not in the theme's {families}: "
        "install the fonts (make install-test: scripts/install-browser.sh)"
    )


@pytest.mark.parametrize(("language", "hyphens"), [("en", "manual"), ("de", "auto")])
def test_long_german_words_may_break_with_a_hyphen(
    language: str, hyphens: str, languages: LanguageSites, screens: Screens
):
    tab = open_page(screens, languages, language, "northwind", "small-phone")
    assert tab.evaluate("getComputedStyle(document.querySelector('h1')).hyphens") == hyphens
