"""Incremental builds: a build re-renders only the plans whose inputs changed, and
its output is byte for byte what a clean build of the same inputs writes.

Each test changes one kind of input, builds incrementally over the last build and
compares with a ``--full`` build into another folder. Protected plans are encrypted
afresh in every build, so they are compared decrypted."""

from __future__ import annotations

import errno
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import TODAY, commit, git, page_of, sealed_of

import mapsite
import mapsite.browser
import mapsite.writer
from mapsite import incremental, seal
from mapsite.incremental import record_path
from mapsite.site import load_settings

PASSWORD = "correct horse battery staple"
NEXT_DAY = "2026-11-24"


def files(out: Path) -> dict[str, bytes]:
    """Every file of a built site, protected pages decrypted, without the marker (its
    build id is new every time)."""
    found = {}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if not path.is_file() or name == ".mapsite-output":
            continue
        data = path.read_bytes()
        if b'<div id="sealed"' in data:
            data = seal.unseal(sealed_of(data.decode()), PASSWORD).encode()
        found[name] = data
    return found


@pytest.fixture
def build(example_site: Path, run) -> Callable[..., str]:
    """``build()`` builds the example site incrementally into public/ and returns what
    it printed; ``build(full=True)`` builds it from scratch into clean/."""

    def go(*, full: bool = False, today: str = TODAY) -> str:
        out = "clean" if full else "public"
        if full:
            shutil.rmtree(example_site / out, ignore_errors=True)
        args = ["build", "-o", out, "--no-pdf", "--today", today, *(["--full"] if full else [])]
        result = run(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    return go


def assert_same_as_clean(site: Path, build: Callable[..., str], today: str = TODAY) -> None:
    build(full=True, today=today)
    incremental, clean = files(site / "public"), files(site / "clean")
    assert sorted(incremental) == sorted(clean)
    different = [name for name in clean if incremental[name] != clean[name]]
    assert different == []


def unchanged(output: str) -> int:
    """The plans a build carried over, from its last line."""
    found = re.search(r"\((\d+) unchanged\)", output)
    return int(found.group(1)) if found else 0


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_build_carries_every_plan_over(example_site: Path, build) -> None:
    assert unchanged(build()) == 0
    before = {p: p.stat().st_ino for p in (example_site / "public").rglob("*.html")}

    assert unchanged(build()) == 3
    assert_same_as_clean(example_site, build)
    # carried as hard links to the files of the last build, not written again
    page = page_of(example_site / "public", "northwind")
    assert page.stat().st_nlink == 1  # the old site is gone after the swap: one link left
    assert page.stat().st_ino in before.values()


# Each kind of input in turn: (what it changes, how many plans it re-renders).
CHANGES: dict[str, tuple[Callable[[Path], None], int]] = {
    "a plan": (
        lambda site: edit(site / "plans/tailspin.md", "status: done", "status: in progress"),
        1,
    ),
    "a theme template": (
        lambda site: edit(
            next((site / "themes/contoso/templates").rglob("*.html")), "</", "<!-- new --></"
        ),
        3,
    ),
    "a theme stylesheet": (
        lambda site: (site / "themes/contoso/static/contoso.css").write_text(
            (site / "themes/contoso/static/contoso.css").read_text() + "\n.new { color: red }\n"
        ),
        3,
    ),
    "a brand token": (
        lambda site: (site / "mapsite.yml").write_text(
            (site / "mapsite.yml").read_text() + "brand:\n  accent: '#0b7a75'\n"
        ),
        3,
    ),
    "mapsite.yml": (
        lambda site: edit(site / "mapsite.yml", "title: Contoso", "title: Contoso Ltd"),
        3,
    ),
    "a logo": (
        lambda site: (site / "assets/logos/tailspin.svg").write_text(
            (site / "assets/logos/tailspin.svg").read_text().replace("</svg>", "<g/></svg>")
        ),
        1,
    ),
    "the holidays": (
        lambda site: edit(site / "mapsite.yml", "holidays: US", "holidays: GB"),
        3,
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_re_renders_what_it_reaches_and_matches_a_clean_build(
    example_site: Path, build, change: str
) -> None:
    how, rendered = CHANGES[change]
    build()
    how(example_site)

    output = build()

    assert unchanged(output) == 3 - rendered
    assert_same_as_clean(example_site, build)


def test_the_date_re_renders_everything(example_site: Path, build) -> None:
    build()
    assert unchanged(build(today=NEXT_DAY)) == 0
    assert_same_as_clean(example_site, build, today=NEXT_DAY)


def test_a_logo_a_plan_starts_to_name(example_site: Path, build) -> None:
    build()
    shutil.copy(example_site / "assets/logos/contoso.svg", example_site / "assets/logos/new.svg")
    edit(example_site / "plans/tailspin.md", "logo: logos/tailspin.svg", "logo: logos/new.svg")
    build()
    (example_site / "assets/logos/new.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

    assert unchanged(build()) == 2
    assert_same_as_clean(example_site, build)


def test_git_history_reaches_the_page(example_site: Path, build) -> None:
    """The page's 'updated' date and What's new come from git: a commit of a plan
    re-renders it even when its text is the one built before."""
    git(example_site, "init", "-q", "-b", "main")
    commit(example_site, "2026-11-02", "Start")
    build()
    edit(example_site / "plans/northwind.md", "status: done", "status: in progress")
    build()
    commit(example_site, "2026-11-20", "Northwind: step reopened")

    assert unchanged(build()) == 2
    assert_same_as_clean(example_site, build)


def test_a_protected_plan_is_encrypted_afresh_every_time(
    example_site: Path, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NORTHWIND_PASSWORD", PASSWORD)
    protect = "share:\n  password_env: NORTHWIND_PASSWORD\n"
    edit(example_site / "plans/northwind.md", "share:\n", protect)
    build()
    first = page_of(example_site / "public", "northwind").read_text()

    assert unchanged(build()) == 2
    second = page_of(example_site / "public", "northwind").read_text()
    assert sealed_of(first).ciphertext != sealed_of(second).ciphertext
    assert_same_as_clean(example_site, build)


def test_a_rotated_link_moves_the_plan(example_site: Path, build, run) -> None:
    build()
    old = page_of(example_site / "public", "northwind").parent.name
    assert run("rotate", "plans/northwind.md").exit_code == 0

    assert unchanged(build()) == 2
    assert (example_site / "public" / old / "index.html").read_text().count("replaced") > 0
    assert_same_as_clean(example_site, build)


def test_a_removed_plan_leaves_with_its_files(example_site: Path, build) -> None:
    build()
    gone = page_of(example_site / "public", "tailspin").parent
    (example_site / "plans/tailspin.md").unlink()

    assert unchanged(build()) == 2
    assert not gone.exists()
    assert_same_as_clean(example_site, build)


# --- when the record cannot be trusted: a full build, silently correct ----------------------


def test_full_renders_every_plan(example_site: Path, build, run) -> None:
    build()
    result = run("build", "-o", "public", "--no-pdf", "--today", TODAY, "--full")
    assert result.exit_code == 0
    assert unchanged(result.stdout) == 0


def test_a_file_deleted_from_the_output_is_written_again(example_site: Path, build) -> None:
    build()
    page_of(example_site / "public", "northwind").unlink()

    assert unchanged(build()) == 2
    assert_same_as_clean(example_site, build)


def test_an_output_replaced_since_is_built_whole(example_site: Path, build, run) -> None:
    """A record left from a build whose output was replaced since (by a build killed
    before it wrote its record, another tool, a restore) is not trusted."""
    build()
    stale = record_path(example_site / "public").read_bytes()
    edit(example_site / "plans/tailspin.md", "status: done", "status: in progress")
    build()
    record_path(example_site / "public").write_bytes(stale)  # as if killed before writing
    edit(example_site / "plans/tailspin.md", "status: in progress", "status: done")

    assert unchanged(build()) == 0
    assert_same_as_clean(example_site, build)


@pytest.mark.parametrize("damage", ["", "{", '{"format": 99}', '{"format": 1, "build": 3}'])
def test_a_damaged_record_means_a_full_build(example_site: Path, build, damage: str) -> None:
    build()
    record_path(example_site / "public").write_text(damage)

    assert unchanged(build()) == 0
    assert_same_as_clean(example_site, build)


def test_the_record_stays_out_of_the_published_site(example_site: Path, build) -> None:
    build()
    record = record_path(example_site / "public")
    assert record.parent == example_site
    data = json.loads(record.read_text())
    assert sorted(data["plans"]) == [
        "plans/fabrikam-renewal.md", "plans/northwind.md", "plans/tailspin.md"
    ]  # fmt: skip
    assert not [p for p in (example_site / "public").rglob("*record*")]
    assert os.stat(record).st_mode & 0o077 == 0  # it lists every private link


def test_a_plan_taking_a_carried_plans_link_changes_nothing(example_site: Path, build, run) -> None:
    """The carried plan's files are links to the old site's: the plan that takes its
    link (a copy-paste mistake) must fail the build without writing through them."""
    build()
    before = files(example_site / "public")
    token = page_of(example_site / "public", "northwind").parent.name
    tailspin = example_site / "plans/tailspin.md"
    old = re.search(r"token: (\S+)", tailspin.read_text()).group(1)  # type: ignore[union-attr]
    edit(tailspin, f"token: {old}", f"token: {token}")

    result = run("build", "-o", "public", "--no-pdf", "--today", TODAY)

    assert result.exit_code == 1
    assert "plans/tailspin.md" in result.stderr and token in result.stderr
    assert files(example_site / "public") == before


class _FullDisk:
    """``os`` for incremental.py, where the record's bytes do not fit on the disk (or
    the writing is interrupted by ``error``)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def fdopen(self, fd: int, *args: object, **kwargs: object) -> _FullDisk:
        self.fd = fd
        return self

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, text: str) -> int:
        raise self.error


def _no_room(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("short", ["of a file", "for its bytes"])
def test_a_record_that_cannot_be_written_means_a_full_build_next(
    example_site: Path, build, monkeypatch: pytest.MonkeyPatch, short: str
) -> None:
    """A full disk, before the record's temporary file is made or while it is
    written: no record, and no part of one, is left (the old one is dropped)."""
    build()
    with monkeypatch.context() as patch:
        if short == "of a file":
            patch.setattr(tempfile, "mkstemp", _no_room)
        else:
            patch.setattr(incremental, "os", _FullDisk(OSError(errno.ENOSPC, "No space left")))
        edit(example_site / "plans/tailspin.md", "status: done", "status: in progress")
        assert unchanged(build()) == 2  # the site is built and published all the same
    assert not record_path(example_site / "public").exists()
    assert sorted(p.name for p in example_site.glob(".*mapsite-record*")) == []
    assert unchanged(build()) == 0
    assert_same_as_clean(example_site, build)


def test_a_file_of_the_output_replaced_by_a_link_is_written_again(
    example_site: Path, build
) -> None:
    """Whatever is put into the output by hand is not carried into the next one."""
    build()
    page = page_of(example_site / "public", "northwind")
    page.unlink()
    page.symlink_to("/etc/hostname")

    assert unchanged(build()) == 2
    assert not page_of(example_site / "public", "northwind").is_symlink()
    assert_same_as_clean(example_site, build)


def test_without_hard_links_the_files_are_copied(
    example_site: Path, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File systems without hard links (FAT, some network shares) get copies."""
    import errno

    build()

    def no_links(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert unchanged(build()) == 3
    page = page_of(example_site / "public", "northwind")
    assert page.stat().st_nlink == 1
    assert_same_as_clean(example_site, build)


def test_a_draft_is_carried_unpublished_and_published_when_ready(example_site: Path, build) -> None:
    plan = example_site / "plans/tailspin.md"
    plan.write_text(plan.read_text().replace("\n---\n", "\ndraft: true\n---\n", 1))
    build()
    folder = example_site / "public" / token_of(plan)
    assert not folder.exists()

    assert unchanged(build()) == 2
    assert not folder.exists()
    assert_same_as_clean(example_site, build)

    plan.write_text(plan.read_text().replace("draft: true\n", "", 1))
    assert unchanged(build()) == 2
    assert (folder / "index.html").is_file()
    assert_same_as_clean(example_site, build)


def token_of(plan: Path) -> str:
    found = re.search(r"token: (\S+)", plan.read_text())
    assert found
    return found.group(1)


def test_a_build_on_every_core_records_and_carries_the_same(
    example_site: Path, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_FROM plans on, worker processes render and record the plans."""
    from mapsite import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    build()
    edit(example_site / "plans/tailspin.md", "status: done", "status: in progress")

    assert unchanged(build()) == 2
    assert_same_as_clean(example_site, build)


def test_a_plan_edited_while_the_build_runs_is_rendered_again_next_time(
    example_site: Path, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record holds the bytes the page was made from: a plan saved again after it
    was read (while the build still runs) is found changed by the next build."""
    plan = example_site / "plans" / "northwind.md"
    real = mapsite.writer.SiteWriter.write_plan

    def saved_meanwhile(self, doc, page=None):  # type: ignore[no-untyped-def]
        written = real(self, doc, page)
        if doc.path.name == plan.name:
            edit(plan, "title: ", "title: Renamed ")
        return written

    monkeypatch.setattr(mapsite.writer.SiteWriter, "write_plan", saved_meanwhile)
    build()
    monkeypatch.setattr(mapsite.writer.SiteWriter, "write_plan", real)
    assert "Renamed" not in page_of(example_site / "public", "northwind").read_text("utf-8")
    assert unchanged(build()) == 2
    assert "Renamed" in page_of(example_site / "public", "northwind").read_text("utf-8")
    assert_same_as_clean(example_site, build)


_PARTS = st.sampled_from(["plans", "a", ".", "..", "b.md", "site", " x", "é"])


@given(
    root=st.tuples(st.sampled_from(["", "/", "//", "///"]), st.lists(_PARTS, max_size=4)),
    path=st.tuples(st.sampled_from(["", "/", "//"]), st.lists(_PARTS, max_size=5)),
)
def test_a_plans_name_in_the_record_is_pathlibs_relative_name(
    root: tuple[str, list[str]], path: tuple[str, list[str]]
) -> None:
    """The record names a plan by its path inside the site, worked out in strings; it
    is what pathlib says (the name a record written before holds), for any path."""
    top, inside = (Path(start + "/".join(parts)) for start, parts in (root, path))
    try:
        expected = inside.absolute().relative_to(top.absolute()).as_posix()
    except ValueError:
        expected = inside.absolute().as_posix()
    assert incremental._relative(top, inside, os.getcwd()) == expected


def test_the_brands_logo_reaches_the_plans_that_name_no_logo_of_their_own(
    example_site: Path, build
) -> None:
    """A plan without a seller's logo shows the brand's (mapsite.yml): a new brand logo
    is a change of every page, though no plan names the file."""
    shutil.copy(example_site / "assets/logos/contoso.svg", example_site / "assets/logos/brand.svg")
    settings = example_site / "mapsite.yml"
    edit(settings, "holidays: US", "holidays: US\nbrand:\n  logo: logos/brand.svg")
    edit(example_site / "plans/tailspin.md", "  logo: logos/contoso.svg\n", "")
    build()
    logo = example_site / "assets/logos/brand.svg"
    logo.write_text(logo.read_text().replace("</svg>", "<g/></svg>"))

    assert unchanged(build()) == 0
    assert_same_as_clean(example_site, build)


def test_a_plan_missing_a_file_is_rendered_afresh_never_through_a_link_to_the_old_site(
    example_site: Path, build
) -> None:
    """A plan whose output lost a file (its last) was linked in file by file up to it:
    those links are taken out again before the plan is rendered, so that the render
    writes new files and never into the old site's (which must stay whole until the
    new one is swapped in)."""
    build()
    public = example_site / "public"
    folder = page_of(public, "northwind").parent
    last = sorted(p for p in folder.rglob("*") if p.is_file())[-1]
    assert last.name == "plan.ics"
    last.unlink()
    old_page = example_site / "old-page.html"  # the old site's page, kept past its swap
    os.link(page_of(public, "northwind"), old_page)

    assert unchanged(build()) == 2
    new_page = page_of(public, "northwind")
    assert new_page.stat().st_ino != old_page.stat().st_ino
    assert (folder / "plan.ics").is_file()
    assert_same_as_clean(example_site, build)


def test_a_record_interrupted_while_written_leaves_no_part_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    out.mkdir()
    monkeypatch.setattr(incremental, "os", _FullDisk(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        incremental.write(out, incremental.Record("site", {}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for mapsite's package folder, where ``incremental.code_fingerprint`` reads it."""
    root = tmp_path / "mapsite"
    (root / "themes").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "incremental.py").write_text("# code\n")
    (root / "themes" / "page.html").write_text("<p>")
    (root / "__pycache__" / "incremental.cpython-311.pyc").write_bytes(b"\0")
    monkeypatch.setattr(incremental, "__file__", str(root / "incremental.py"))
    return root


def test_an_edited_or_upgraded_mapsite_is_a_change_of_every_plan(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = incremental.code_fingerprint()
    assert incremental.code_fingerprint() == before
    (package / "__pycache__" / "incremental.cpython-311.pyc").write_bytes(b"\1\2")
    assert incremental.code_fingerprint() == before  # compiled copies are not the code
    monkeypatch.chdir(package / "themes")
    assert incremental.code_fingerprint() == before  # wherever the command runs from

    keys = [before]
    page = package / "themes" / "page.html"
    page.write_text("<p>!")  # edited
    keys.append(incremental.code_fingerprint())
    os.utime(page, ns=(0, 12345))  # as long as before, but written anew (reinstalled)
    keys.append(incremental.code_fingerprint())
    page.rename(package / "themes" / "other.html")
    keys.append(incremental.code_fingerprint())
    monkeypatch.setattr(mapsite, "__version__", "99.0")
    keys.append(incremental.code_fingerprint())
    assert len(set(keys)) == 5


def test_an_upgraded_library_is_a_change_of_every_plan(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    libraries = tmp_path / "site-packages"
    libraries.mkdir()
    module = libraries / "library_of_pages.py"
    module.write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(libraries))
    monkeypatch.setattr(incremental, "LIBRARIES", ("library_of_pages", "not_installed_here"))

    keys = [incremental.code_fingerprint()]
    module.write_text("VERSION = 10\n")
    keys.append(incremental.code_fingerprint())
    module.unlink()
    importlib.invalidate_caches()
    keys.append(incremental.code_fingerprint())
    assert len(set(keys)) == 3


def test_the_browser_that_prints_the_pdfs_is_a_change_of_every_plan(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, _, _ = load_settings(example_site)
    browser = tmp_path / "chromium"
    browser.write_bytes(b"v1")
    monkeypatch.setitem(mapsite.browser.SYSTEM_CANDIDATES, sys.platform, [str(browser)])
    monkeypatch.delenv("MAPSITE_CHROMIUM", raising=False)

    def key(**options: object) -> str:
        return incremental.site_key(site, date(2026, 11, 23), **options)  # type: ignore[arg-type]

    keys = [key(pdf=False, chromium=None), key(pdf=True, chromium=None)]
    browser.write_bytes(b"version 2")  # the system's browser upgraded
    keys.append(key(pdf=True, chromium=None))
    assert key(pdf=False, chromium=None) == keys[0]  # HTML alone: no browser in it
    chosen = key(pdf=True, chromium="/opt/chromium-a")
    keys.append(chosen)
    monkeypatch.setenv("MAPSITE_CHROMIUM", "/opt/chromium-b")
    keys.append(key(pdf=True, chromium=None))
    assert key(pdf=True, chromium="/opt/chromium-a") == chosen  # the option over the variable
    assert len(set(keys)) == 5
