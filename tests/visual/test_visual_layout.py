"""Layout checks on every page of every bundled theme at every screen size: no
horizontal scrolling, no text cut off, spilling out of its box or overlapping, tap
targets of 44x44 CSS px on phones, images with alt text, headings in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from visual_support import PHONES, SIZES, Known, Screens, Sites, pages, themes, triage

pytestmark = pytest.mark.visual

CHECKS = (Path(__file__).parent / "layout.js").read_text(encoding="utf-8")
MIN_TAP = 44  # CSS px

# Problems reported to the lead, to be fixed in the pages (remove the entry then).
KNOWN: list[Known] = []  # none: the progress card's party names wrap since the first run

CASES = [(t, p, s) for t in themes() for p in pages() for s in SIZES]
seen: set[Known] = set()
ran: set[tuple[str, str, str]] = set()


@pytest.mark.parametrize(
    ("theme", "page", "size"), [pytest.param(*c, id="-".join(c)) for c in CASES]
)
def test_layout(theme: str, page: str, size: str, sites: Sites, screens: Screens):
    ran.add((theme, page, size))
    tab = screens.open(sites.url(theme, page), SIZES[size])
    found = tab.evaluate(CHECKS, {"tapTargets": size in PHONES, "minTap": MIN_TAP})
    problems = [(p["check"], p["where"], p["detail"]) for p in found]
    new, known = triage(KNOWN, theme, page, size, problems)
    seen.update(known)
    s = SIZES[size]
    if new:
        pytest.fail(
            f"{theme}/{page} at {size} ({s.width}x{s.height} CSS px): "
            f"{len(new)} layout problem(s)\n" + "\n".join(new),
            pytrace=False,
        )
    if known:
        pytest.xfail("; ".join(f"{k.check}: {k.where}: {k.reason}" for k in known))


def test_known_problems_still_occur():
    """An entry in KNOWN that no page shows any more is stale: remove it."""
    if len(ran) < len(CASES):
        pytest.skip("only some layout cases ran")
    stale = [k for k in KNOWN if k not in seen]
    if stale:
        pytest.fail(f"fixed? known problems that no page shows any more: {stale}", pytrace=False)
