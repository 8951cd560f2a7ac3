"""The timeline on a 320 px and a 390 px phone and a desk: inside the screen, every
word of it at least 12 CSS px, the month names inside the chart, and the phone's
narrow form (words above the bars) or the desk's wide one (words beside them)."""

from __future__ import annotations

import pytest
from visual_support import SIZES, Screens, Sites, plans, themes

pytestmark = pytest.mark.visual

MIN_TEXT = 12  # CSS px
MEASURE = """minText => {
    const chart = document.getElementById("timeline");
    const box = chart.getBoundingClientRect();
    const shown = el => el.getClientRects().length && el.checkVisibility();
    const texts = [...chart.querySelectorAll("*")].filter(el =>
        [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.data.trim())
        && shown(el) && getComputedStyle(el).clip === "auto");
    const size = el => parseFloat(getComputedStyle(el).fontSize);
    const row = chart.querySelector(".gantt__rows > .gantt__row");
    const label = row.querySelector(".gantt__label").getBoundingClientRect();
    const lane = row.querySelector(".gantt__lane").getBoundingClientRect();
    const outside = r => r.width && (r.left < box.left || r.right > box.right);
    return {
        screen: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
        left: box.left, right: box.right,
        small: texts.filter(el => size(el) < minText).map(el => el.textContent.trim()),
        outside: [...chart.querySelectorAll("text")]
            .filter(t => outside(t.getBoundingClientRect())).map(t => t.textContent),
        months: [...chart.querySelectorAll(".gantt__month")].filter(shown).length,
        beside: lane.left >= label.right - 1,
    };
}"""


@pytest.mark.parametrize("theme", themes())
@pytest.mark.parametrize("plan", plans())
@pytest.mark.parametrize("size", ["small-phone", "phone", "desktop"])
def test_timeline_reads_on_every_screen(
    theme: str, plan: str, size: str, sites: Sites, screens: Screens
):
    tab = screens.open(sites.url(theme, plan), SIZES[size])
    got = tab.evaluate(MEASURE, MIN_TEXT)
    assert got["scroll"] <= got["screen"], "the page scrolls sideways"
    assert got["left"] >= 0 and got["right"] <= got["screen"], "the chart is wider than the screen"
    assert got["small"] == [], f"text under {MIN_TEXT} px"
    assert got["outside"] == [], "axis labels outside the chart"
    assert got["months"] >= 2, "the axis names its months"
    assert got["beside"] is (size == "desktop"), "words beside the bars on a desk, above on a phone"
