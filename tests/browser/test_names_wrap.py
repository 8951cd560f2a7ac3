"""Names on a narrow phone, in a real Chromium: they wrap between words, never inside a
short word ('Contos/o'), and a word too long for a whole line breaks rather than
widening the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser
from support import TODAY, VALID_PLAN, page_of, with_token

from mapsite.cli import main

# every box a party's name is in: header, hero line, progress split, people
NAMED = ".brands__name, .eyebrow, .split__name, .people__group, .fact__big, h1"
# the words of each of them whose letters a line break split
SPLIT_WORDS = """(selector) => {
    const split = [];
    for (const box of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (lines.size > 1) split.push(word[0]);
            }
        }
    }
    return split;
}"""


def site_with(root: Path, seller: str, buyer: str) -> Path:
    """A built site of one plan between these parties, with steps on both sides and
    shared, in the default theme, without logos: the names are text."""
    text = VALID_PLAN.replace("name: Northwind Financial", f"name: {buyer}")
    text = text.replace("  name: Contoso\n", f"  name: {seller}\n")
    text = text.replace(
        "        owner: Sam Ortiz\n", "        owner: [Sam Ortiz, Priya Raman]\n", 1
    )
    (root / "plans").mkdir(parents=True)
    (root / "plans" / "northwind.md").write_text(with_token(text, "northwind"))
    result = CliRunner().invoke(main, ["build", str(root), "--no-pdf", "--today", TODAY])
    assert result.exit_code == 0, result.output
    return page_of(root / "public", "northwind")


@pytest.mark.parametrize(
    ("seller", "buyer"),
    [
        ("Contoso", "Fabrikam"),
        ("Shiftly", "Fabrikam Industries"),
        ("Contoso Industries", "Shiftly Logistics Worldwide"),
        ("Contoso", "Northwind Traders International Holdings"),
    ],
)
@pytest.mark.parametrize("width", [320, 390])
def test_names_wrap_between_words(
    browser: Browser, tmp_path: Path, seller: str, buyer: str, width: int
) -> None:
    page_file = site_with(tmp_path, seller, buyer)
    page = browser.new_page(viewport={"width": width, "height": 800}, is_mobile=True)
    page.goto(page_file.as_uri())

    split = page.evaluate(SPLIT_WORDS, NAMED)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    brands = page.locator(".brands").inner_text()
    page.close()

    assert split == []
    assert scroll_width == width
    assert brands.split() == [*seller.split(), "×", *buyer.split()]


@pytest.mark.parametrize("width", [320, 390])
def test_a_word_longer_than_the_line_breaks_rather_than_widening_the_page(
    browser: Browser, tmp_path: Path, width: int
) -> None:
    long = "Supercalifragilisticexpialidociousworldwideholdings"
    page_file = site_with(tmp_path, "Contoso", long)
    page = browser.new_page(viewport={"width": width, "height": 800}, is_mobile=True)
    page.goto(page_file.as_uri())

    split = page.evaluate(SPLIT_WORDS, NAMED)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    page.close()

    assert scroll_width == width
    assert split and set(split) == {long}, "only the word that cannot fit a line breaks"
