"""axe-core on every page of every bundled theme, light and dark, on a phone: no
violations of WCAG 2.0, 2.1 and 2.2 at levels A and AA."""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from visual_support import SCHEMES, SIZES, Known, Screens, Sites, pages, themes, triage

pytestmark = pytest.mark.visual

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
}).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({
        target: n.target.join(" "),
        summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
    })),
})))"""

# Violations reported to the lead, to be fixed in the pages (remove the entry then).
KNOWN: list[Known] = []

CASES = [(t, p, s) for t in themes() for p in pages() for s in SCHEMES]
seen: set[Known] = set()
ran: set[tuple[str, str, str]] = set()


@pytest.mark.parametrize(
    ("theme", "page", "scheme"), [pytest.param(*c, id="-".join(c)) for c in CASES]
)
def test_no_wcag_violations(theme: str, page: str, scheme: str, sites: Sites, screens: Screens):
    ran.add((theme, page, scheme))
    tab = screens.open(sites.url(theme, page), SIZES["phone"], scheme)
    tab.evaluate(AXE_SCRIPT)
    violations = tab.evaluate(RUN_AXE, TAGS)
    rules = {v["id"]: f"{v['id']} ({v['impact']}): {v['help']}, {v['url']}" for v in violations}
    problems = [(v["id"], n["target"], n["summary"]) for v in violations for n in v["nodes"]]
    new, known = triage(KNOWN, theme, page, scheme, problems)
    seen.update(known)
    if new:
        lines = []
        for rule, header in rules.items():
            nodes = [line for line in new if line.startswith(f"  {rule}: ")]
            if nodes:
                lines += [f"  {header}"] + [f"    {n.removeprefix(f'  {rule}: ')}" for n in nodes]
        pytest.fail(
            f"{theme}/{page}, {scheme} scheme, phone: {len(new)} element(s) violate "
            "WCAG 2 A/AA rules of axe-core\n" + "\n".join(lines),
            pytrace=False,
        )
    if known:
        pytest.xfail("; ".join(f"{k.check}: {k.where}: {k.reason}" for k in known))


def test_known_violations_still_occur():
    """An entry in KNOWN that no page shows any more is stale: remove it."""
    if len(ran) < len(CASES):
        pytest.skip("only some axe cases ran")
    stale = [k for k in KNOWN if k not in seen]
    if stale:
        pytest.fail(f"fixed? known violations that no page shows any more: {stale}", pytrace=False)
