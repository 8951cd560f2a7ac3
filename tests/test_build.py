"""``mapsite build``: the example site builds, and a failed build never damages the last one."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support import REPO, TODAY, VALID_PLAN, leftovers, page_of, token_for, tree_hash, with_token

import mapsite.build
import mapsite.workers

THEME = REPO / "mapsite" / "themes" / "default"
EXAMPLE_PLANS = sorted((REPO / "plans").glob("*.md"))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture
def built(example_site: Path, run) -> Path:
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return example_site / "public"


def test_build_the_example_site(example_site: Path, run) -> None:
    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert len(EXAMPLE_PLANS) >= 3
    assert re.fullmatch(
        rf"built {len(EXAMPLE_PLANS)} plans into public in \d+\.\d\d s\n", result.stdout
    )


def test_one_page_per_plan(built: Path) -> None:
    for plan in EXAMPLE_PLANS:
        page = page_of(built, plan.stem)
        assert page.parent.name == front_matter(plan)["share"]["token"]
        assert page.is_file(), f"no page for {plan.name}"
        assert front_matter(plan)["title"] in page.read_text(encoding="utf-8")


def test_search_engines_are_kept_out(built: Path) -> None:
    assert (built / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


@pytest.mark.parametrize("page", ["index.html", "404.html"])
def test_neutral_pages_do_not_list_the_plans(built: Path, page: str) -> None:
    """Plans are shared by private link: the root page must not lead anyone to them."""
    html = (built / page).read_text(encoding="utf-8")
    for plan in EXAMPLE_PLANS:
        data = front_matter(plan)
        for secret in (plan.stem, data["title"], data["buyer"]["name"]):
            assert secret not in html, f"{page} mentions {secret!r}"


def test_theme_static_files_are_copied(built: Path) -> None:
    for source in (THEME / "static").rglob("*"):
        if source.is_file():
            copy = built / "static" / source.relative_to(THEME / "static")
            assert copy.read_bytes() == source.read_bytes()
    assert (built / "static" / "mapsite.css").is_file()


def test_logos_are_copied_into_each_plans_folder(built: Path) -> None:
    """Under neutral names, so a buyer's link reveals no other buyer's logo."""
    copied = 0
    for plan in EXAMPLE_PLANS:
        data, folder = front_matter(plan), page_of(built, plan.stem).parent
        for side in ("buyer", "seller"):
            logo = data[side].get("logo")
            if logo:
                name = f"logo-{side}{Path(logo).suffix}"
                assert (folder / name).read_bytes() == (REPO / "assets" / logo).read_bytes()
                assert f'src="{name}"' in (folder / "index.html").read_text(encoding="utf-8")
                copied += 1
    assert copied
    assert not (built / "assets").exists()
    for name in (p.name for p in (REPO / "assets" / "logos").iterdir()):
        assert not list(built.rglob(name)), f"{name} is published under its own name"


def test_output_folder_option(site: Path, write_plan, run) -> None:
    write_plan("northwind")

    result = run("build", "-o", "dist/site", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("built 1 plan into dist/site in ")
    assert (site / "dist" / "site" / token_for("northwind") / "index.html").is_file()
    assert not (site / "public").exists()


def test_build_a_site_in_another_folder(tmp_path: Path, monkeypatch, run) -> None:
    (tmp_path / "deals" / "plans").mkdir(parents=True)
    (tmp_path / "deals" / "plans" / "northwind.md").write_text(
        with_token(VALID_PLAN, "northwind"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)

    result = run("build", "deals", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("built 1 plan into deals/public in ")
    assert (tmp_path / "deals" / "public" / token_for("northwind") / "index.html").is_file()


@pytest.mark.parametrize("command", ["check", "build"])
def test_two_plans_with_the_same_link_are_an_error(site: Path, write_plan, run, command) -> None:
    """A page's folder is its share token: one link cannot lead to two plans."""
    write_plan("northwind")
    write_plan("tailspin", with_token(VALID_PLAN, "northwind"))

    result = run(command, "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"plans/tailspin.md:1:1: share.token: the share token '{token_for('northwind')}' "
        "is also used by plans/northwind.md "
        "(give this plan a new link: mapsite rotate plans/tailspin.md)\n"
        "1 error in 1 file\n"
    )
    assert not (site / "public").exists()


# --- atomic output ---------------------------------------------------------------------


def test_a_failed_build_leaves_the_last_site_untouched(built: Path, run) -> None:
    before = tree_hash(built)
    plan = built.parent / "plans" / "tailspin.md"
    plan.write_text(plan.read_text().replace("go_live: 2027-01-15", "go_live: soon"))

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/tailspin.md:11:10: go_live: 'soon' is not a date (use YYYY-MM-DD)\n"
        "1 error in 1 file\n"
    )
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


def test_an_interrupted_build_leaves_the_last_site_untouched(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_hash(built)
    real_write_plans = mapsite.build.write_plans
    half_built: list[Path] = []

    def interrupted(writer, paths, problems, carried, started=None):  # type: ignore[no-untyped-def]
        real_write_plans(writer, paths, problems, carried)  # every page in the temporary folder ...
        half_built.extend(writer.dest.rglob("*"))
        page = writer.dest / page_of(built, "northwind").parent.name / "index.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text("half a page")
        raise KeyboardInterrupt  # ... then Ctrl-C before it replaces the old one

    monkeypatch.setattr(mapsite.build, "write_plans", interrupted)
    (built.parent / "plans" / "tailspin.md").unlink()  # the new site would differ

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert "Aborted!" in result.stderr
    assert half_built, "the fake interruption should come after some files were written"
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


def test_a_rebuild_replaces_the_whole_site(built: Path, run) -> None:
    (built / "stale.html").write_text("from an old build")
    tailspin = page_of(built, "tailspin").parent
    northwind = page_of(built, "northwind")
    (built.parent / "plans" / "tailspin.md").unlink()

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert not tailspin.exists()
    assert northwind.is_file()
    assert not (built / "stale.html").exists()
    assert leftovers(built.parent) == []


# --- output folders that would destroy the site -----------------------------------------


@pytest.fixture
def nested_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site two folders deep, so '-o ..' stays inside tmp_path."""
    root = tmp_path / "work" / "site"
    shutil.copytree(REPO / "plans", root / "plans")
    shutil.copytree(REPO / "assets", root / "assets")
    (tmp_path / "work" / "notes.txt").write_text("not part of the site")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("out", "shown"),
    [
        (".", "."),
        ("..", ".."),
        ("../site", "."),
        ("plans", "plans"),
        ("assets", "assets"),
    ],
)
def test_refuse_an_output_folder_that_would_replace_the_site(
    nested_site: Path, run, out: str, shown: str
) -> None:
    before = tree_hash(nested_site.parent.parent)

    result = run("build", "-o", out, "--today", TODAY)

    target = os.path.abspath(Path.cwd() / shown) if shown in (".", "..") else shown
    assert result.exit_code == 1
    assert result.stderr == (
        f"{target}: the output folder would replace the site itself "
        "(choose another folder with -o)\n"
    )
    assert tree_hash(nested_site.parent.parent) == before


def test_refuse_an_output_path_that_is_a_file(example_site: Path, run) -> None:
    (example_site / "out.html").write_text("mine")

    result = run("build", "-o", "out.html", "--today", TODAY)

    assert result.exit_code == 2
    assert "Invalid value for '-o' / '--out': Directory 'out.html' is a file." in result.stderr
    assert (example_site / "out.html").read_text() == "mine"


# --- the build date ---------------------------------------------------------------------


def test_mapsite_today_works_like_the_today_option(example_site: Path, run) -> None:
    assert run("build", "-o", "with-option", "--today", TODAY).exit_code == 0
    assert run("build", "-o", "with-env", env={"MAPSITE_TODAY": TODAY}).exit_code == 0
    assert run("build", "-o", "other-day", "--today", "2027-02-01").exit_code == 0

    assert tree_hash(example_site / "with-env") == tree_hash(example_site / "with-option")
    assert tree_hash(example_site / "other-day") != tree_hash(example_site / "with-option")


def test_the_today_option_beats_mapsite_today(example_site: Path, run) -> None:
    assert run("build", "-o", "a", "--today", TODAY).exit_code == 0
    result = run("build", "-o", "b", "--today", TODAY, env={"MAPSITE_TODAY": "2027-02-01"})

    assert result.exit_code == 0
    assert tree_hash(example_site / "a") == tree_hash(example_site / "b")


@pytest.mark.parametrize("env", [False, True])
def test_a_bad_date_is_refused(example_site: Path, run, env: bool) -> None:
    if env:
        result = run("build", env={"MAPSITE_TODAY": "23/11/2026"})
    else:
        result = run("build", "--today", "23/11/2026")

    assert result.exit_code == 2
    assert "Invalid value for '--today': '23/11/2026' does not match the format '%Y-%m-%d'" in (
        result.stderr
    )
    assert not (example_site / "public").exists()


def test_large_sites_build_in_parallel_with_every_error_reported(
    site: Path, write_plan, run
) -> None:
    """From PARALLEL_FROM plans on, plans are built by one process per core."""
    count = mapsite.workers.PARALLEL_FROM + 6
    for i in range(count):
        write_plan(f"plan-{i:03d}", VALID_PLAN.replace("title: ", f"title: Deal {i:03d} ", 1))

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    pages = sorted(p.parent.name for p in (site / "public").glob("*/index.html"))
    assert pages == sorted(token_for(f"plan-{i:03d}") for i in range(count))
    assert "Deal 042" in page_of(site / "public", "plan-042").read_text("utf-8")

    write_plan("plan-007", VALID_PLAN.replace("due: 2026-12-01", "due: soon"))
    write_plan("plan-050", VALID_PLAN.replace("title: ", "titel: "))
    before = tree_hash(site / "public")
    result = run("build", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "3 errors in 2 files"
    assert "plans/plan-007.md:" in result.stderr and "plans/plan-050.md:" in result.stderr
    assert tree_hash(site / "public") == before


@pytest.mark.parametrize("plans", [0, 1, 5, 64, 1000, 10_000])
def test_plans_are_shared_out_in_chunks_that_shrink_toward_the_end(plans: int) -> None:
    """Every plan once, in order; large chunks first and small ones last (so that no
    worker is left with a long one while the other waits), none smaller than LAST_CHUNK
    but the very last."""
    paths = [Path(f"plans/p{i}.md") for i in range(plans)]
    chunks = mapsite.workers.guided(paths, 2)
    assert [p for chunk in chunks for p in chunk] == paths
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True)
    assert all(size >= mapsite.workers.LAST_CHUNK for size in sizes[:-1])
    if plans >= 1000:
        assert sizes[0] == -(-plans // 6) and sizes[-1] <= mapsite.workers.LAST_CHUNK
