"""The dev server's rebuilds, driven directly (no HTTP, no clock): a save re-renders
only its own plan, however it is saved and however many plans the site has."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from support import VALID_PLAN, token_for

from mapsite import serve
from mapsite.writer import SiteWriter

PLANS = 60


@pytest.fixture
def dev(site: Path, write_plan) -> Iterator[serve.DevSite]:
    for n in range(PLANS):
        write_plan(f"plan{n:03}", VALID_PLAN.replace("Northwind Financial", f"Buyer {n}"))
    logged: list[str] = []
    dev = serve.DevSite(site, lambda: date(2026, 11, 26), logged.append)
    dev.logged = logged  # type: ignore[attr-defined]
    dev.first_build()
    assert dev.errors == []
    yield dev
    dev.close()


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plan files the dev server renders from now on."""
    seen: list[str] = []
    real = SiteWriter.write_plan

    def counting(self, doc):  # type: ignore[no-untyped-def]
        seen.append(doc.source.file)
        return real(self, doc)

    monkeypatch.setattr(SiteWriter, "write_plan", counting)
    return seen


def page(dev: serve.DevSite, name: str) -> Path:
    assert dev.out is not None
    return dev.out / token_for(name) / "index.html"


def save(path: Path, edit: Callable[[str], str]) -> None:
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_a_save_re_renders_only_its_plan(site: Path, dev: serve.DevSite, rendered) -> None:
    others = {n: page(dev, f"plan{n:03}").stat().st_mtime_ns for n in range(1, PLANS)}
    plan = site / "plans" / "plan000.md"
    save(plan, lambda text: text.replace("Buyer 0", "Buyer Zero"))

    dev.rebuild({plan})

    assert rendered == ["plans/plan000.md"]
    assert "Buyer Zero" in page(dev, "plan000").read_text()
    assert {n: page(dev, f"plan{n:03}").stat().st_mtime_ns for n in range(1, PLANS)} == others


def test_a_save_by_rename_through_a_temporary_file_is_one_plan(
    site: Path, dev: serve.DevSite, rendered
) -> None:
    """``sed -i`` and editors' "safe write" write a temporary file beside the plan and
    rename it over the plan: the temporary file is no reason to rebuild the site."""
    plan = site / "plans" / "plan007.md"
    temporary = site / "plans" / "sedAb12Cd"
    temporary.write_text(plan.read_text().replace("Buyer 7", "Buyer Seven"))
    temporary.rename(plan)

    dev.rebuild({temporary, plan})

    assert rendered == ["plans/plan007.md"]
    assert "Buyer Seven" in page(dev, "plan007").read_text()
    assert not [line for line in dev.logged if line.startswith("built ")][1:]  # type: ignore[attr-defined]


def test_a_file_that_is_no_plan_changes_nothing(site: Path, dev: serve.DevSite, rendered) -> None:
    for name in ("notes.txt", "README.md", "_draft.md", ".hidden.md"):
        (site / "plans" / name).write_text(VALID_PLAN)
        dev.rebuild({site / "plans" / name})

    assert rendered == []
    assert dev.errors == []


def test_a_folder_of_plans_moved_in_and_out(site: Path, dev: serve.DevSite, rendered) -> None:
    outside = site / "elsewhere"
    outside.mkdir()
    (outside / "emea.md").write_text(VALID_PLAN.replace("Contoso", "Contoso EMEA").replace(
        "milestones:", f"share:\n  token: {token_for('emea')}\nmilestones:"))  # fmt: skip
    folder = site / "plans" / "emea"
    outside.rename(folder)

    dev.rebuild({folder})
    assert rendered == ["plans/emea/emea.md"]
    assert "Contoso EMEA" in page(dev, "emea").read_text()

    folder.rename(outside)
    dev.rebuild({folder})
    assert not page(dev, "emea").parent.exists()
    assert page(dev, "plan001").is_file()


def test_a_save_that_takes_another_plans_link_keeps_both_pages(
    site: Path, dev: serve.DevSite, rendered
) -> None:
    plan = site / "plans" / "plan002.md"
    save(plan, lambda text: text.replace(token_for("plan002"), token_for("plan003")))

    dev.rebuild({plan})

    assert rendered == []
    [problem] = dev.errors
    assert str(problem) == (
        f"plans/plan002.md:1:1: share.token: the share token '{token_for('plan003')}' is also "
        "used by plans/plan003.md (give this plan a new link: mapsite rotate plans/plan002.md)"
    )
    assert "Buyer 2" in page(dev, "plan002").read_text()  # its last good version
    assert "Buyer 3" in page(dev, "plan003").read_text()
    assert dev.stale == [token_for("plan002")]


def test_a_renamed_plan_keeps_its_link_and_a_deleted_one_loses_it(
    site: Path, dev: serve.DevSite
) -> None:
    old, new = site / "plans" / "plan004.md", site / "plans" / "renamed.md"
    old.rename(new)
    dev.rebuild({old, new})
    assert page(dev, "plan004").is_file()  # the same token, now from renamed.md

    new.unlink()
    dev.rebuild({new})
    assert not page(dev, "plan004").parent.exists()
    assert len(serve.dev_index(dev).split("<li>")) == PLANS  # the list, less one


def test_a_rotated_link_answers_gone_at_once(site: Path, dev: serve.DevSite, run) -> None:
    assert run("rotate", "plans/plan005.md").exit_code == 0
    dev.rebuild({site / "plans" / "plan005.md"})

    assert dev.gone == {token_for("plan005"): "replaced.html"}
    assert not page(dev, "plan005").exists() or "replaced" in page(dev, "plan005").read_text()


def test_a_save_checks_its_links_against_the_plans_it_meets_only(
    site: Path, dev: serve.DevSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link check of a save looks at the plans that share a link with it, not at
    every plan of the site (at 1000 plans a save took 125 ms, most of it there)."""
    checked: list[int] = []
    real = serve.token_clashes

    def counting(plans):  # type: ignore[no-untyped-def]
        checked.append(len(plans))
        return real(plans)

    monkeypatch.setattr(serve, "token_clashes", counting)
    plan = site / "plans" / "plan002.md"
    save(plan, lambda text: text.replace("Buyer 2", "Buyer Two"))
    dev.rebuild({plan})
    save(plan, lambda text: text.replace(token_for("plan002"), token_for("plan003")))
    dev.rebuild({plan})

    assert checked == [2]  # no clash: no check at all; then the two plans involved


def test_a_large_site_builds_on_every_core_with_its_broken_plans_aside(
    site: Path, write_plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_FROM plans on the dev server's full build runs in worker processes,
    as ``mapsite build`` does (forked before the server's threads start, started afresh
    after): a broken plan and a plan taking another's link are left out, the rest served."""
    import threading

    from mapsite import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 8)
    for n in range(12):
        write_plan(f"plan{n:03}", VALID_PLAN.replace("Northwind Financial", f"Buyer {n}"))
    (site / "plans" / "plan004.md").write_text("---\ntitle: [unclosed\n---\n")
    clash = site / "plans" / "plan009.md"
    clash.write_text(clash.read_text().replace(token_for("plan009"), token_for("plan001")))
    dev = serve.DevSite(site, lambda: date(2026, 11, 26), lambda line: None)
    try:
        dev.first_build()
        assert sorted(p.file for p in dev.errors) == ["plans/plan004.md", "plans/plan009.md"]
        assert "Buyer 1<" in page(dev, "plan001").read_text()  # its own page, alone
        assert len(dev.pages) == 10

        held = threading.Event()  # the server's threads, running while it builds again
        other = threading.Thread(target=held.wait)
        other.start()
        try:
            dev.rebuild({site / "mapsite.yml"})
        finally:
            held.set()
            other.join()
        assert sorted(p.file for p in dev.errors) == ["plans/plan004.md", "plans/plan009.md"]
        assert "Buyer 1<" in page(dev, "plan001").read_text()
        assert len(dev.pages) == 10
    finally:
        dev.close()
