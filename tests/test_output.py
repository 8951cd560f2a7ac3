"""The output folder: a build replaces only mapsite's own output, atomically, and says
in one line why it will not or cannot."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from support import TODAY, leftovers, token_for, tree_hash

from mapsite import output

MARKER = ".mapsite-output"
NOT_OURS = (
    "the output folder has files that mapsite did not write (no .mapsite-output in it) "
    "(choose an empty or new folder with -o, or delete what is in it: --replace-output)\n"
)


@pytest.fixture
def built(write_plan, run, site: Path) -> Path:
    """A site with one plan, built once into public/."""
    write_plan("northwind")
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return site / "public"


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


# --- what a build may replace -----------------------------------------------------------


def test_every_build_marks_its_output(built: Path) -> None:
    text = (built / MARKER).read_text(encoding="utf-8")
    assert re.fullmatch(
        "This folder was written by 'mapsite build', which replaces all of it on every build.\n"
        "build: [0-9a-f]{32}\n",  # what it was made from (incremental.py)
        text,
    )
    assert (built / MARKER).stat().st_mode & 0o777 == 0o644


def test_a_folder_of_the_users_is_refused(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "victim").mkdir()
    (site / "victim" / "notes.txt").write_text("my notes")

    result = run("build", "-o", "victim", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == f"victim: {NOT_OURS}"
    assert files(site / "victim") == ["notes.txt"]
    assert leftovers(site) == []


def test_replace_output_replaces_a_folder_of_the_users(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "victim").mkdir()
    (site / "victim" / "notes.txt").write_text("my notes")

    result = run("build", "-o", "victim", "--replace-output", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert not (site / "victim" / "notes.txt").exists()
    assert (site / "victim" / MARKER).is_file()
    assert (site / "victim" / token_for("northwind") / "index.html").is_file()


@pytest.mark.parametrize("kind", ["empty", "missing", "marked", "built before the marker"])
def test_what_a_build_replaces_without_asking(write_plan, run, site: Path, kind: str) -> None:
    write_plan("northwind")
    out = site / "out" / "deeper"
    if kind != "missing":
        out.mkdir(parents=True)
    if kind == "marked":
        (out / MARKER).write_text("")
        (out / "old.html").write_text("from a build")
    if kind == "built before the marker":
        (out / "_redirects").write_text("# Links that were replaced or expired: ...\n")
        (out / "robots.txt").write_text("User-agent: *\nDisallow: /\n")

    result = run("build", "-o", "out/deeper", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert (out / MARKER).is_file() and not (out / "old.html").exists()
    assert leftovers(out.parent) == []


def test_a_redirects_file_alone_is_not_an_old_build(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "out").mkdir()
    (site / "out" / "_redirects").write_text("# Links that were replaced or expired\n")
    (site / "other").mkdir()
    (site / "other" / "_redirects").write_text("/a /b 301\n")
    (site / "other" / "robots.txt").write_text("")

    assert run("build", "-o", "out", "--today", TODAY).stderr == f"out: {NOT_OURS}"
    assert run("build", "-o", "other", "--today", TODAY).stderr == f"other: {NOT_OURS}"


def test_a_site_folder_is_refused_even_with_the_flag(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    before = tree_hash(site)

    result = run("build", "-o", "plans", "--replace-output", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "plans: the output folder would replace the site itself (choose another folder with -o)\n"
    )
    assert tree_hash(site) == before


def test_themes_folder_is_refused(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "themes" / "mine").mkdir(parents=True)

    result = run("build", "-o", "themes/mine", "--replace-output", "--today", TODAY)

    assert result.stderr.startswith("themes/mine: the output folder would replace the site")


def test_the_current_folder_from_elsewhere_is_refused(
    write_plan, run, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o .`` run from another folder: that folder would be swapped away under the shell."""
    write_plan("northwind")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    (elsewhere / "src").mkdir(parents=True)
    (elsewhere / "src" / "main.py").write_text("print('mine')")
    monkeypatch.chdir(elsewhere)
    try:
        for out in (".", str(elsewhere)):
            result = run("build", str(site), "-o", out, "--replace-output", "--today", TODAY)
            assert result.exit_code == 1
            assert result.stderr == (
                f"{elsewhere}: the output folder holds the current folder "
                "(choose another folder with -o)\n"
            )
        monkeypatch.chdir(elsewhere / "src")
        result = run("build", str(site), "-o", "..", "--replace-output", "--today", TODAY)
        assert result.stderr.startswith(f"{elsewhere}: the output folder holds the current")
        assert files(elsewhere) == ["src", "src/main.py"]
    finally:
        shutil.rmtree(elsewhere)


def test_the_home_folder_is_refused_even_with_the_flag(
    write_plan, run, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plan("northwind")
    home = tmp_path / "home"
    (home / "me").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home / "me"))

    for out in ("home/me", "home"):
        result = run("build", "-o", out, "--replace-output", "--today", TODAY)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{out}: the output folder would replace your home folder "
            "(choose another folder with -o)\n"
        )
    assert (home / "me").is_dir()


@pytest.mark.parametrize("out", [".git", ".git/refs", "repo", "bare.git"])
def test_git_folders_are_refused_even_with_the_flag(write_plan, run, site: Path, out: str) -> None:
    write_plan("northwind")
    for args in (["init", "-q", "."], ["init", "-q", "repo"], ["init", "-q", "--bare", "bare.git"]):
        subprocess.run(["git", *args], cwd=site, check=True)
    before = tree_hash(site)

    result = run("build", "-o", out, "--replace-output", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"{out}: the output folder is a git folder, which mapsite never replaces "
        "(choose another folder with -o)\n"
    )
    assert tree_hash(site) == before


@pytest.mark.parametrize("has", [["HEAD"], ["refs"], ["HEAD", "objects"], ["objects", "refs"]])
def test_a_folder_with_some_of_gits_names_is_not_a_git_folder(
    write_plan, run, site: Path, has: list[str]
) -> None:
    write_plan("northwind")
    (site / "out").mkdir()
    for name in has:
        if name == "HEAD":
            (site / "out" / "HEAD").write_text("ref: refs/heads/main\n")
        else:
            (site / "out" / name).mkdir()

    result = run("build", "-o", "out", "--replace-output", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert (site / "out" / MARKER).is_file()


def test_a_folder_of_the_users_is_refused_unless_a_caller_says_otherwise(site: Path) -> None:
    (site / "victim").mkdir()
    (site / "victim" / "notes.txt").write_text("my notes")
    with pytest.raises(output.OutputError) as caught:
        output.check(site, site / "victim")
    assert str(caught.value) == f"victim: {NOT_OURS}".rstrip("\n")
    assert output.check(site, site / "victim", replace=True) == (site / "victim").resolve()


def test_a_file_is_refused(site: Path) -> None:
    (site / "out.html").write_text("mine")
    with pytest.raises(output.OutputError) as caught:
        output.check(site, site / "out.html", replace=True)
    assert str(caught.value) == "out.html: the output path is a file (choose a folder with -o)"


def test_a_symlink_to_a_users_folder_is_refused(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "victim").mkdir()
    (site / "victim" / "notes.txt").write_text("my notes")
    (site / "link").symlink_to("victim")
    (site / "to-plans").symlink_to("plans")

    assert run("build", "-o", "link", "--today", TODAY).stderr == f"link: {NOT_OURS}"
    result = run("build", "-o", "to-plans", "--replace-output", "--today", TODAY)
    assert result.stderr.startswith("to-plans: the output folder would replace the site itself")
    assert files(site / "victim") == ["notes.txt"]


def test_a_symlinked_output_is_built_where_it_points(write_plan, run, site: Path) -> None:
    write_plan("northwind")
    (site / "www").mkdir()
    (site / "public").symlink_to("www")

    for unchanged in ("", " (1 unchanged)"):
        result = run("build", "--today", TODAY)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(f"built 1 plan into public{unchanged} in ")

    assert (site / "public").is_symlink()
    assert (site / "www" / MARKER).is_file()
    assert leftovers(site) == []


def test_a_mount_point_is_refused(
    write_plan, run, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plan("northwind")
    (site / "mnt").mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: str(p).endswith("mnt") or real_ismount(p))

    result = run("build", "-o", "mnt", "--replace-output", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "mnt: the output folder is a mount point, which cannot be replaced as a whole "
        "(build into a folder inside it: -o mnt/site)\n"
    )


# --- the swap ---------------------------------------------------------------------------


class OldGlibc(ctypes.CDLL):
    """A C library from before glibc 2.28: no renameat2 wrapper, only the system call."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name == "renameat2":
            raise AttributeError(name)
        return super().__getattr__(name)


@pytest.fixture(params=["libc", "system call"])
def renameat2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The exchange through glibc's wrapper, and through the raw system call."""
    if request.param == "system call":
        monkeypatch.setattr(ctypes, "CDLL", OldGlibc)
    monkeypatch.setattr(output, "_exchange_works", sys.platform.startswith("linux"))
    return request.param


def test_exchange_swaps_two_folders(tmp_path: Path, renameat2: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1").write_text("a")
    (tmp_path / "b").mkdir()

    swapped = output.exchange(tmp_path / "a", tmp_path / "b")

    if not sys.platform.startswith("linux"):
        assert swapped is False
        return
    assert swapped is True
    assert files(tmp_path / "b") == ["1"] and files(tmp_path / "a") == []
    ctypes.set_errno(0)  # the error must be this call's own
    with pytest.raises(FileNotFoundError):
        output.exchange(tmp_path / "a", tmp_path / "missing")
    assert output._exchange_works is True  # a missing path is no reason to stop trying


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_first_build_and_a_rebuild_through_the_system_call(
    write_plan, run, site: Path, renameat2: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No output yet (the exchange finds nothing to swap with), then a real exchange."""
    write_plan("northwind")
    swapped = []
    real = output.exchange
    monkeypatch.setattr(output, "exchange", lambda a, b: swapped.append(real(a, b)) or swapped[-1])

    for _ in range(2):
        result = run("build", "--today", TODAY)
        assert result.exit_code == 0, result.stderr
        assert (site / "public" / token_for("northwind") / "index.html").is_file()
        assert leftovers(site) == []
    assert swapped == [True]  # the first build found no output and renamed its site there


def file_system(monkeypatch: pytest.MonkeyPatch, code: int) -> list[tuple]:
    """A file system whose renameat2(RENAME_EXCHANGE) fails with ``code``; its calls."""
    calls: list[tuple] = []

    def renameat2(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        ctypes.set_errno(code)
        return -1

    monkeypatch.setattr(output, "_renameat2", lambda: renameat2)
    monkeypatch.setattr(output, "_exchange_works", True)
    return calls


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP])
def test_a_file_system_without_exchange_swaps_by_two_renames(
    built: Path, run, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    calls = file_system(monkeypatch, code)
    (built / "stale.html").write_text("from an old build")

    for _ in range(2):
        assert run("build", "--today", TODAY).exit_code == 0
        assert not (built / "stale.html").exists() and (built / MARKER).is_file()
        assert leftovers(built.parent) == []
    assert len(calls) == 1  # never tried again


def test_an_exchange_that_fails_keeps_the_old_site(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_hash(built)
    file_system(monkeypatch, errno.EIO)

    result = run("build", "--today", TODAY)

    assert result.stderr == (
        "public: cannot write the new site: Input/output error "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


@pytest.mark.parametrize("machine", ["sparc64", ""])
def test_a_machine_without_a_known_system_call_swaps_by_two_renames(
    built: Path, run, monkeypatch: pytest.MonkeyPatch, machine: str
) -> None:
    monkeypatch.setattr(ctypes, "CDLL", OldGlibc)
    monkeypatch.setattr(platform, "machine", lambda: machine)
    monkeypatch.setattr(output, "_exchange_works", True)
    (built / "stale.html").write_text("from an old build")

    assert output.exchange(built, built.parent / "elsewhere") is False
    assert output._exchange_works is False  # not tried again
    assert run("build", "--today", TODAY).exit_code == 0

    assert not (built / "stale.html").exists() and (built / MARKER).is_file()
    assert leftovers(built.parent) == []


def test_a_rebuild_swaps_in_one_step(built: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = output.exchange

    def spy(a: Path, b: Path) -> bool:
        calls.append((a.name, b))
        return real(a, b)

    monkeypatch.setattr(output, "exchange", spy)

    assert run("build", "--today", TODAY).exit_code == 0
    assert len(calls) == 1 and calls[0][0].startswith(".public.building-")
    assert calls[0][1] == built
    assert leftovers(built.parent) == []


@pytest.fixture
def no_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    """A system or file system without renameat2: the two-rename swap."""
    monkeypatch.setattr(output, "_renameat2", lambda: None)
    monkeypatch.setattr(output, "_exchange_works", True)


@pytest.mark.usefixtures("no_exchange")
def test_without_exchange_a_rebuild_replaces_the_site(built: Path, run) -> None:
    (built / "stale.html").write_text("from an old build")

    assert run("build", "--today", TODAY).exit_code == 0

    assert not (built / "stale.html").exists() and (built / MARKER).is_file()
    assert leftovers(built.parent) == []


def test_a_swap_killed_between_two_renames_is_repaired(built: Path, run, write_plan) -> None:
    """What a build killed (SIGKILL) between the two renames leaves: no output, the old
    site whole in .public.old-*. The next build puts it back, even one that fails."""
    before = tree_hash(built)
    aside = built.parent / ".public.old-k1ll3d"
    aside.mkdir()
    built.rename(aside / "public")
    write_plan("tailspin", "not a plan")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


def test_repair_takes_the_newest_complete_old_site(built: Path) -> None:
    site = built.parent
    for name, stamp in (("a-newest", 3), ("b-older", 2), ("c-unmarked", 4)):
        (site / f".public.old-{name}" / "public").mkdir(parents=True)
        (site / f".public.old-{name}" / "public" / name).write_text("")
        if name != "c-unmarked":
            marker = site / f".public.old-{name}" / "public" / MARKER
            marker.write_text("")
            os.utime(marker, ns=(stamp, stamp))
    shutil.rmtree(built)

    assert output.repair(built) == site / ".public.old-a-newest"
    assert files(built) == [MARKER, "a-newest"]


@pytest.mark.usefixtures("no_exchange")
def test_a_swap_stopped_between_its_renames_puts_the_old_site_back(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM or Ctrl-C there: the cleanup puts the old site back before it goes."""
    before = tree_hash(built)
    new = built.parent / "new"
    new.mkdir()
    real_rename = os.rename

    def stopped(src, dst):  # type: ignore[no-untyped-def]
        if Path(src) == new:
            raise KeyboardInterrupt
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", stopped)
    with pytest.raises(KeyboardInterrupt):
        output.swap(new, built)

    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


@pytest.mark.usefixtures("no_exchange")
def test_a_swap_that_fails_between_its_renames_is_repaired_by_the_next_build(
    built: Path, run, write_plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file system fails once the old site is aside: the new site cannot go in, nor
    the old one back. The old site waits whole in .public.old-*, and the next build puts
    it back, even one that fails."""
    before = tree_hash(built)
    real_rename = os.rename
    aside = []

    def failing(src, dst):  # type: ignore[no-untyped-def]
        if aside:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src), None, str(dst))
        real_rename(src, dst)
        if Path(src) == built:
            aside.append(Path(dst))

    monkeypatch.setattr(os, "rename", failing)
    result = run("build", "--today", TODAY)
    monkeypatch.setattr(os, "rename", real_rename)

    assert result.exit_code == 1
    assert result.stderr.startswith("public: cannot write the new site: Input/output error (")
    assert not built.exists()
    assert leftovers(built.parent) == [aside[0].parent.name]
    assert aside[0].parent.name.startswith(".public.old-")
    assert tree_hash(aside[0]) == before

    write_plan("tailspin", "not a plan")
    assert run("build", "--today", TODAY).exit_code == 1
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


@pytest.mark.parametrize("exchange", ["exchange", "two renames"])
def test_a_running_builds_folders_are_not_taken_for_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: str
) -> None:
    """Another build starting meanwhile removes leftovers: never this build's folders."""
    out = tmp_path / "public"
    out.mkdir()
    (out / "old.html").write_text("")
    if exchange == "two renames":
        monkeypatch.setattr(output, "_renameat2", lambda: None)
        monkeypatch.setattr(output, "_exchange_works", True)
    real_rename = os.rename
    cleaned = []

    def another_build(src, dst):  # type: ignore[no-untyped-def]
        real_rename(src, dst)
        cleaned.extend(output.remove_leftovers(out))  # between the two renames

    monkeypatch.setattr(os, "rename", another_build)
    with output.replacing(out) as new:
        (new / "new.html").write_text("")
        assert output.remove_leftovers(out) == []
        assert new.is_dir()

    assert cleaned == []
    assert files(out) == [MARKER, "new.html"]
    assert leftovers(tmp_path) == []


def test_a_temporary_folder_removed_before_it_was_locked_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another build's cleanup removed it between its creation and its lock: a new one."""
    out = tmp_path / "public"
    real_flock = fcntl.flock
    removed = []

    def flock(fd: int, operation: int) -> None:
        if not removed:
            (folder,) = (p for p in tmp_path.iterdir() if ".building-" in p.name)
            folder.rmdir()
            removed.append(folder)
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    before = len(os.listdir("/proc/self/fd"))
    with output.replacing(out) as new:
        assert new.is_dir() and new != removed[0]
        (new / "index.html").write_text("")

    assert files(out) == [MARKER, "index.html"]
    assert leftovers(tmp_path) == []
    assert len(os.listdir("/proc/self/fd")) == before  # the first folder's lock closed too


def test_a_temporary_folder_removed_before_it_was_opened_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another build's cleanup removed it between its creation and the opening that
    locks it (two builds started together: 'cannot write the new site beside it: No
    such file or directory', once in about 25 runs of test_two_builds_at_once)."""
    out = tmp_path / "public"
    real_mkdtemp = tempfile.mkdtemp
    removed: list[Path] = []

    def mkdtemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        folder = real_mkdtemp(*args, **kwargs)
        if not removed:
            os.rmdir(folder)
            removed.append(Path(folder))
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    with output.replacing(out) as new:
        assert new.is_dir() and new != removed[0]
        (new / "index.html").write_text("")

    assert files(out) == [MARKER, "index.html"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("when", ["while it deletes", "as it finishes"])
def test_ctrl_c_while_a_temporary_folder_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """The first Ctrl-C stops the command; the folder still goes, all of it."""
    folder = tmp_path / ".public.building-x"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "index.html").write_text("")
    real = shutil.rmtree
    calls = []

    def interrupted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 1:
            if when == "as it finishes":
                real(path, *args, **kwargs)
            else:
                (folder / "a" / "b" / "index.html").unlink()
            raise KeyboardInterrupt
        real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.remove(folder)
    assert not folder.exists()


def test_repair_leaves_a_present_output_alone(built: Path) -> None:
    assert output.repair(built) is None
    shutil.rmtree(built)
    built.mkdir()  # emptied by hand, while an old site waits beside it
    (built.parent / ".public.old-x" / "public").mkdir(parents=True)
    (built.parent / ".public.old-x" / "public" / MARKER).write_text("")

    assert output.repair(built) is None
    assert files(built) == []


def test_two_builds_at_once_both_succeed(built: Path) -> None:
    """Real processes, started together: whichever swaps last wins, whole."""
    env = {**os.environ, "MAPSITE_PDF": "0", "MAPSITE_TODAY": TODAY}
    command = [sys.executable, "-m", "mapsite", "build"]
    for _ in range(3):
        runs = [
            subprocess.Popen(command, cwd=built.parent, env=env, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        errors = [process.communicate()[1].decode() for process in runs]
        assert [process.returncode for process in runs] == [0, 0], errors
        assert (built / MARKER).is_file()
        assert (built / token_for("northwind") / "index.html").is_file()
        assert leftovers(built.parent) == []


def test_a_swap_racing_a_new_output_exchanges_with_it(tmp_path: Path) -> None:
    """Another build's site appears between 'there is no output' and the rename."""
    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir()
    (new / "mine").write_text("")
    real_rename = os.rename
    calls = []

    def racing(src, dst):  # type: ignore[no-untyped-def]
        calls.append(dst)
        if len(calls) == 1:
            out.mkdir()
            (out / "theirs").write_text("")
        real_rename(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "rename", racing)
        output.swap(new, out)

    assert files(out) == ["mine"]


@pytest.mark.usefixtures("no_exchange")
def test_without_exchange_a_racing_build_is_swapped_out_again(tmp_path: Path) -> None:
    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir()
    (new / "mine").write_text("")
    out.mkdir()
    (out / "first").write_text("")
    real_rename = os.rename
    moved = []

    def racing(src, dst):  # type: ignore[no-untyped-def]
        real_rename(src, dst)
        if Path(src) == out and not moved:  # another build's site arrives meanwhile
            moved.append(dst)
            out.mkdir()
            (out / "theirs").write_text("")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "rename", racing)
        output.swap(new, out)

    assert files(out) == ["mine"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.usefixtures("no_exchange")
def test_builds_that_keep_replacing_the_output_are_named(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each time this build moves the old site aside, another build's site arrives: it
    gives up after a few tries, says why, and the output is the other build's, whole."""
    real_rename = os.rename
    arrived = []

    def racing(src, dst):  # type: ignore[no-untyped-def]
        real_rename(src, dst)
        if Path(src) == built:
            arrived.append(dst)
            built.mkdir()
            (built / MARKER).write_text("")
            (built / "theirs.html").write_text(str(len(arrived)))

    monkeypatch.setattr(os, "rename", racing)
    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "public: cannot write the new site: other builds kept replacing it "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert len(arrived) == output.ATTEMPTS
    assert files(built) == [MARKER, "theirs.html"]
    assert leftovers(built.parent) == []


def test_leftovers_of_interrupted_builds_are_removed(built: Path, run) -> None:
    site = built.parent
    for name in (".public.building-abc", ".public.old-def"):
        (site / name / "public" / "x").mkdir(parents=True)
    (site / ".public.notes").mkdir()  # not a name mapsite gives
    (site / ".other.building-abc").mkdir()  # another output's
    live = site / ".public.building-live"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a build that is still running
    try:
        assert run("build", "--today", TODAY).exit_code == 0
    finally:
        os.close(fd)

    assert leftovers(site) == [".other.building-abc", ".public.building-live"]
    assert (site / ".public.notes").is_dir()


# --- output faults ----------------------------------------------------------------------


def fails_inside(monkeypatch: pytest.MonkeyPatch, code: int, after: int = 3) -> None:
    """Writing the new site fails with ``code`` after ``after`` files (as a full disk
    does: the error names no file)."""
    real, real_file = Path.write_text, output.write_file
    written = []

    def count(path: Path) -> None:
        if ".public.building-" in str(path):
            written.append(path)
            if len(written) > after:
                raise OSError(code, os.strerror(code))

    def write_text(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        count(self)
        return real(self, *args, **kwargs)

    def write_file(path: Path, data: bytes) -> None:
        count(path)
        real_file(path, data)

    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(output, "write_file", write_file)


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_a_fault_while_writing_keeps_the_old_site(
    built: Path, run, monkeypatch: pytest.MonkeyPatch, code: int, cause: str
) -> None:
    before = tree_hash(built)
    fails_inside(monkeypatch, code)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"public: cannot write the new site: {cause} "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


def test_an_error_reading_the_site_is_not_an_output_fault(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied", "/elsewhere/logo.svg")

    monkeypatch.setattr("mapsite.writer.write_calendars", unreadable)
    with pytest.raises(PermissionError):
        output_build(built)
    assert leftovers(built.parent) == []


def output_build(built: Path) -> None:
    from datetime import date

    from mapsite.build import build

    build(built.parent, today=date.fromisoformat(TODAY), pdf=False, full=True)


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.EBUSY, "it is in use or a mount point"),
        (errno.EXDEV, "it is on another file system than the folder beside it"),
        (errno.EPERM, "not permitted (an immutable folder? see lsattr)"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_a_swap_that_fails_keeps_the_old_site(
    built: Path, run, monkeypatch: pytest.MonkeyPatch, code: int, cause: str
) -> None:
    before = tree_hash(built)

    def refused(a: Path, b: Path) -> bool:
        raise OSError(code, os.strerror(code), str(a), None, str(b))

    monkeypatch.setattr(output, "exchange", refused)

    result = run("build", "--today", TODAY)

    assert result.stderr == (
        f"public: cannot write the new site: {cause} "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(built) == before
    assert leftovers(built.parent) == []


def test_no_room_for_the_temporary_folder(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EACCES, "Permission denied", str(built.parent / ".public.building-x"))

    monkeypatch.setattr("tempfile.mkdtemp", full)

    result = run("build", "--today", TODAY)

    assert result.stderr == (
        "public: cannot write the new site beside it: permission denied "
        "(the previous output is unchanged; fix that and build again)\n"
    )


# The same faults for real, on a small file system of their own (root only)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Path:
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("mounting a file system needs root on Linux")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_for_real(write_plan, run, site: Path, tmpfs: Path) -> None:
    write_plan("northwind")
    assert run("build", "-o", str(tmpfs / "public"), "--today", TODAY).exit_code == 0
    before = tree_hash(tmpfs / "public")
    size = sum(p.stat().st_size for p in (tmpfs / "public").rglob("*") if p.is_file())
    hog = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize - size // 2
    (tmpfs / "hog").write_bytes(b"\0" * hog)  # room for half a site

    # --full: an incremental build would only link the files of the last one
    result = run("build", "-o", str(tmpfs / "public"), "--today", TODAY, "--full")

    assert result.exit_code == 1
    assert result.stderr == (
        "disk/public: cannot write the new site: the disk is full "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(tmpfs / "public") == before
    # and the last build's record, which still describes it
    record = ".public.mapsite-record.json"
    assert sorted(p.name for p in tmpfs.iterdir()) == [record, "hog", "public"]


def test_a_read_only_file_system_for_real(write_plan, run, site: Path, tmpfs: Path) -> None:
    write_plan("northwind")
    assert run("build", "-o", str(tmpfs / "public"), "--today", TODAY).exit_code == 0
    before = tree_hash(tmpfs / "public")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)

    result = run("build", "-o", str(tmpfs / "public"), "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "disk/public: cannot write the new site beside it: the file system is read-only "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(tmpfs / "public") == before


@pytest.mark.parametrize("immutable", ["the folder beside it", "the output"])
def test_an_immutable_folder_for_real(
    write_plan, run, site: Path, tmpfs: Path, immutable: str
) -> None:
    write_plan("northwind")
    out = tmpfs / "www" / "public"
    assert run("build", "-o", str(out), "--today", TODAY).exit_code == 0
    before = tree_hash(out)
    target = out.parent if immutable == "the folder beside it" else out
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable folders")
    try:
        result = run("build", "-o", str(out), "--today", TODAY)
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)

    assert result.exit_code == 1
    what = "cannot write the new site" + (" beside it" if target == out.parent else "")
    assert result.stderr == (
        f"disk/www/public: {what}: not permitted (an immutable folder? see lsattr) "
        "(the previous output is unchanged; fix that and build again)\n"
    )
    assert tree_hash(out) == before
    assert leftovers(out.parent) == []


def test_a_leftover_that_cannot_be_removed_does_not_stop_a_build(
    write_plan, run, site: Path, tmpfs: Path
) -> None:
    write_plan("northwind")
    stuck = tmpfs / ".public.building-x" / "stuck.html"
    stuck.parent.mkdir()
    stuck.write_text("")
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable files")
    try:
        result = run("build", "-o", str(tmpfs / "public"), "--today", TODAY)
        assert result.exit_code == 0, result.stderr
        assert (tmpfs / "public" / MARKER).is_file()
        assert leftovers(tmpfs) == [".public.building-x"]  # the next build tries again
    finally:
        subprocess.run(["chattr", "-i", str(stuck)], check=True)


def test_a_mount_point_for_real(write_plan, run, site: Path, tmpfs: Path) -> None:
    write_plan("northwind")

    result = run("build", "-o", str(tmpfs), "--today", TODAY)

    assert result.stderr == (
        "disk: the output folder is a mount point, which cannot be replaced as a whole "
        "(build into a folder inside it: -o disk/site)\n"
    )


@pytest.mark.parametrize(
    ("error", "about"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),  # a write names no file
        (OSError(errno.EIO, "Input/output error"), False),
        (OSError(errno.EACCES, "Permission denied", "/site/public"), True),
        (OSError(errno.EACCES, "Permission denied", "/site/public/a/b.html"), True),
        (OSError(errno.EACCES, "Permission denied", "/site/.public.building-x/a.html"), True),
        (OSError(errno.EBUSY, "Busy", "/elsewhere", None, "/site/public"), True),
        (OSError(errno.EBUSY, "Busy", b"/site/.public.old-x/public", None, "/x"), True),
        (OSError(errno.EACCES, "Permission denied", "/site/assets/logo.svg"), False),
        (OSError(errno.EACCES, "Permission denied", "/site/.publicity/a"), False),
        (OSError(errno.EACCES, "Permission denied", "/site/publication"), False),
        (OSError(errno.EACCES, "Permission denied", "/site"), False),
        (OSError(errno.EACCES, "Permission denied", "/other/.public.building-x"), False),
    ],
)
def test_which_errors_are_the_outputs(error: OSError, about: bool) -> None:
    assert output._about(error, Path("/site/public")) is about


def test_a_fault_without_a_known_cause_says_what_it_is(site: Path) -> None:
    for error, cause in [
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
        (OSError("something odd"), "something odd"),
    ]:
        message = str(output.fault(site / "public", error, "cannot write the new site"))
        assert message == (
            f"public: cannot write the new site: {cause} "
            "(the previous output is unchanged; fix that and build again)"
        )


def test_a_redirects_file_that_is_not_text_is_not_an_old_build(site: Path) -> None:
    (site / "out").mkdir()
    (site / "out" / "_redirects").write_bytes(b"\xff\xfe# Links that were replaced or expired")
    (site / "out" / "robots.txt").write_text("")
    assert output.replaceable(site / "out") is False


def test_a_build_leaves_no_file_open(built: Path, run) -> None:
    """Each temporary folder's lock is released (a long-lived process would run out)."""
    before = len(os.listdir("/proc/self/fd"))
    assert run("build", "--today", TODAY).exit_code == 0
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.usefixtures("no_exchange")
def test_without_exchange_no_file_is_left_open(built: Path, run) -> None:
    before = len(os.listdir("/proc/self/fd"))
    assert run("build", "--today", TODAY).exit_code == 0
    assert len(os.listdir("/proc/self/fd")) == before


KILLED_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
from mapsite import output
output._renameat2 = lambda: None
real = os.rename
def rename(src, dst):
    real(src, dst)
    if Path(src) == Path(sys.argv[2]):
        os._exit(9)  # killed: no cleanup at all
os.rename = rename
output.swap(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_process_killed_between_the_two_renames(tmp_path: Path) -> None:
    """A real process, dead between the renames: the output is missing, the old site
    waits in .public.old-*, and repair() (run by the next build) puts it back."""
    new, out = tmp_path / "new", tmp_path / "public"
    for folder in (new, out):
        folder.mkdir()
        (folder / MARKER).write_text("")
        (folder / folder.name).write_text("")
    done = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(new), str(out)])

    assert done.returncode == 9
    assert not out.exists()
    (aside,) = leftovers(tmp_path)
    assert aside.startswith(".public.old-")
    assert output.remove_leftovers(out) == [tmp_path / aside]  # once the site is back
    assert files(out) == [MARKER, "public"]


def old_site(folder: Path, plans: int = output.SPLIT_FROM + 6) -> None:
    """A swapped-out site's shape: plan folders of files, files at the top."""
    for n in range(plans):
        (folder / f"plan{n}" / "people").mkdir(parents=True)
        (folder / f"plan{n}" / "index.html").write_text("page")
        (folder / f"plan{n}" / "people" / "ana.ics").write_text("calendar")
    (folder / "404.html").write_text("gone")


def forks_seen(
    monkeypatch: pytest.MonkeyPatch, child_exit: int | None = None, *, threads: bool = False
) -> list[int]:
    """The pids of the processes ``os.fork`` starts from here on; with ``child_exit``,
    each child ends at once with that status, having done nothing. ``threads``: the
    threads running are counted as they are (else as in a build: none but this one)."""
    seen: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid == 0 and child_exit is not None:
            os._exit(child_exit)
        seen.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    if not threads:  # one left running by another test would stop the fork
        monkeypatch.setattr(threading, "active_count", lambda: 1)
    return seen


def test_a_large_old_site_is_deleted_by_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half of it by a forked helper, which is waited for; nothing outside is touched,
    not through a link either."""
    folder = tmp_path / ".public.building-x"
    old_site(folder)
    outside = tmp_path / "keep"
    outside.mkdir()
    (outside / "file").write_text("mine")
    (folder / "link").symlink_to(outside)
    forks = forks_seen(monkeypatch)

    output.remove(folder)

    assert not folder.exists()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped already: no process left behind
    assert (outside / "file").read_text() == "mine"


@pytest.mark.parametrize("entries", [output.SPLIT_FROM - 1, output.SPLIT_FROM])
def test_a_helper_from_so_many_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: int
) -> None:
    """Below SPLIT_FROM entries one process deletes it all: a fork would cost more."""
    folder = tmp_path / ".public.building-x"
    old_site(folder, plans=entries - 1)  # and 404.html
    forks = forks_seen(monkeypatch)
    output.remove(folder)
    assert not folder.exists()
    assert len(forks) == (entries >= output.SPLIT_FROM)


def test_no_helper_is_forked_while_other_threads_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dev server's threads, or the printers': a fork would copy none of them, and
    possibly a lock one of them holds."""
    folder = tmp_path / ".public.building-x"
    old_site(folder)
    forks = forks_seen(monkeypatch, threads=True)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        output.remove(folder)
    finally:
        release.set()
        other.join()
    assert not folder.exists()
    assert forks == []


def test_what_a_helper_left_undone_is_deleted_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper that ended before deleting anything (killed, say)."""
    folder = tmp_path / ".public.building-x"
    old_site(folder)
    forks = forks_seen(monkeypatch, child_exit=1)
    output.remove(folder)
    assert not folder.exists()
    assert len(forks) == 1


def test_ctrl_c_while_a_helper_deletes_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first Ctrl-C comes while this process deletes its half: the helper is waited
    for, and the folder still goes, all of it."""
    folder = tmp_path / ".public.building-x"
    old_site(folder)
    forks = forks_seen(monkeypatch)
    real = shutil.rmtree
    calls = []

    def interrupted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 3:  # the third of this process's plan folders
            raise KeyboardInterrupt
        real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.remove(folder)
    assert not folder.exists()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)


def test_the_helper_keeps_no_copy_of_the_builds_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper closes what it inherited: the lock on the build's folder stays the
    build's alone, so a build killed meanwhile leaves a folder the next one can take."""
    out = tmp_path / "public"
    folder, lock = output._temporary(out, "building")
    old_site(folder)
    seen = tmp_path / "helper-fds"
    real = output._delete_entries
    parent = os.getpid()

    def noting(entries):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:  # the helper
            with open(seen, "w") as note:
                note.write(" ".join(sorted(os.listdir("/dev/fd"), key=int)))
        real(entries)

    monkeypatch.setattr(output, "_delete_entries", noting)
    forks = forks_seen(monkeypatch)
    try:
        output.remove(folder)
    finally:
        output._unlock(lock)
    assert len(forks) == 1 and not folder.exists()
    # 0 to 2, then only the note being written and the folder listdir reads
    assert [int(fd) for fd in seen.read_text().split()][:3] == [0, 1, 2]
    assert len(seen.read_text().split()) == 5


def test_the_helper_ends_on_a_signal_and_each_process_deletes_its_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the helper Ctrl-C, SIGTERM and SIGHUP simply end it (not the build's handler,
    which would run the build's cleanup in a copy of it); and the two halves are done
    before the last ``rmtree``, which finds the folder empty (links to folders
    included: a link is deleted, never followed)."""
    folder = tmp_path / ".public.building-x"
    old_site(folder)
    (tmp_path / "elsewhere").mkdir()
    for n in range(4):  # in either half, whatever order the folder lists them in
        (folder / f"link{n}").symlink_to(tmp_path / "elsewhere")
    note = tmp_path / "helper-signals"
    parent = os.getpid()
    real_entries, real_rmtree = output._delete_entries, shutil.rmtree
    left: list[list[str]] = []

    def noting(entries):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            handlers = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
            note.write_text(repr([h == signal.SIG_DFL for h in handlers]))
        real_entries(entries)

    def last(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == folder:
            left.append(sorted(os.listdir(folder)))
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(output, "_delete_entries", noting)
    monkeypatch.setattr(shutil, "rmtree", last)
    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # the build's, say
    try:
        output.remove(folder)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert note.read_text() == "[True, True, True]"
    assert left == [[]]
    assert not folder.exists()


def is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


class Exited(Exception):
    """``os._exit`` in a test: raised instead of ending the test run."""


def test_the_helpers_life_step_by_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``_helper`` run here, as if forked (nothing closed or reset for real): the default
    handler for each stopping signal, every inherited descriptor but 0 to 2 closed, its
    entries deleted, and an exit with status 0, whatever happens."""
    folder = tmp_path / "old"
    old_site(folder, plans=3)
    entries = [(e.path, e.is_dir()) for e in os.scandir(folder)]
    handlers: list[tuple[int, object]] = []
    closed: list[int] = []

    def exit_(status: int) -> None:
        raise Exited(status)

    monkeypatch.setattr(os, "_exit", exit_)
    monkeypatch.setattr(
        signal, "signal", lambda signum, handler: handlers.append((signum, handler))
    )
    open_fds = {fd for fd in map(int, os.listdir("/dev/fd")) if is_open(fd)}  # not listdir's
    real_close = os.close

    def close(fd: int) -> None:  # noted; really closed only if opened since (rmtree's)
        closed.append(fd)
        if fd not in open_fds:
            real_close(fd)

    monkeypatch.setattr(os, "close", close)

    with pytest.raises(Exited) as exited:
        output._helper(entries, parent=os.getpid() + 1)

    assert exited.value.args == (0,)
    assert handlers == [(s, signal.SIG_DFL) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    assert 0 not in closed and 1 not in closed and 2 not in closed
    assert open_fds - {0, 1, 2} <= set(closed)
    assert os.listdir(folder) == []


def test_the_helper_exits_even_when_deleting_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exit_(status: int) -> None:
        raise Exited(status)

    def broken(entries: list[tuple[str, bool]]) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(os, "_exit", exit_)
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)
    monkeypatch.setattr(os, "close", lambda fd: None)
    monkeypatch.setattr(output, "_delete_entries", broken)
    with pytest.raises(Exited) as exited:
        output._helper([], parent=os.getpid() + 1)
    assert exited.value.args == (0,)


def test_the_helper_never_runs_in_the_build_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called in the build's own process (a mistake), it does nothing: no exit, no file."""
    folder = tmp_path / "old"
    old_site(folder, plans=2)
    entries = [(e.path, e.is_dir()) for e in os.scandir(folder)]
    monkeypatch.setattr(os, "_exit", lambda status: pytest.fail("exited"))
    output._helper(entries, parent=os.getpid())
    assert len(os.listdir(folder)) == 3


def test_the_helper_is_told_whose_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the fork (``os.fork`` returns 0) the helper is given the build's pid, which is
    how it knows it is not the build."""
    told: list[tuple[object, int]] = []
    monkeypatch.setattr(os, "fork", lambda: 0)
    monkeypatch.setattr(output, "_helper", lambda names, parent: told.append((names, parent)))
    assert output._fork_deleting([("x", False)]) == 0
    assert told == [([("x", False)], os.getpid())]


def test_what_cannot_be_deleted_is_left_and_the_rest_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the system refuses to delete, at the top or in a plan's folder: left for
    the last ``rmtree`` (whose errors are ignored too), nothing raised, all else gone."""
    folder = tmp_path / "old"
    old_site(folder, plans=2)
    (folder / "plan1" / "stuck.txt").write_text("")
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.path.basename(path) in ("stuck.txt", "404.html"):  # rmtree gives bare names
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    entries = sorted((e.path, e.is_dir(follow_symlinks=False)) for e in os.scandir(folder))
    output._delete_entries(entries)
    assert files(folder) == ["404.html", "plan1", "plan1/stuck.txt"]


def test_the_site_is_readable_by_a_web_server_and_runs_nothing(built: Path) -> None:
    """Every file of the site as a web server needs it: readable by all, executable by
    none (the process's umask applies, as to any file it writes)."""
    mask = os.umask(0)
    os.umask(mask)
    modes = {path.relative_to(built).as_posix(): path.stat().st_mode & 0o777
             for path in built.rglob("*")}  # fmt: skip
    assert "index.html" in modes and any(name.endswith("/index.html") for name in modes)
    wrong = {name: oct(mode) for name, mode in modes.items()
             if mode != (0o777 if (built / name).is_dir() else 0o666) & ~mask}  # fmt: skip
    assert wrong == {}


def test_a_page_is_written_whole_when_the_system_takes_it_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``write`` may take fewer bytes than given (a signal, a pipe, some file systems)."""
    real_write = os.write
    calls = []

    def part(fd: int, data: bytes) -> int:
        calls.append(len(data))
        return real_write(fd, bytes(data[:1000]))

    monkeypatch.setattr(os, "write", part)
    page = ("<p>" + "x" * 4990 + "é</p>").encode()
    output.write_file(tmp_path / "index.html", page)
    monkeypatch.undo()
    assert (tmp_path / "index.html").read_bytes() == page
    assert calls == [4999, 3999, 2999, 1999, 999]  # what was left, each time
