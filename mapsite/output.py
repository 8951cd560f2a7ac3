"""The output folder: only ever mapsite's own, and replaced as a whole, atomically.

A build writes the new site into a temporary folder beside the output
(``.public.building-*``) and swaps it in when everything succeeded, so at every
instant the output path holds either the complete old site or the complete new one.
On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``; where that is missing it is
two renames (the old site moves to ``.public.old-*/public`` first), and the next
build puts an old site back if it finds the output missing between them.

Each build marks its output with a small file (``.mapsite-output``), written last: a
folder with the marker is a complete mapsite site. A build replaces only a folder
that is missing, empty or marked; anything else is the user's, and is refused unless
``--replace-output`` says otherwise. The site itself, its parents, git folders, the
home folder and the current folder are refused even then.

Every temporary folder is held by an advisory lock (``flock``) while its build
runs: one that nobody holds is a leftover of an interrupted build, and the next
build removes it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import MapsiteError, Problem
from .load import display_path
from .site import ASSETS_DIR, PLANS_DIR

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, no leftover removal
    fcntl = None  # type: ignore[assignment]

MARKER = ".mapsite-output"
MARKER_TEXT = (
    "This folder was written by 'mapsite build', which replaces all of it on every build.\n"
)
REPLACE_FLAG = "--replace-output"
SITE_FOLDERS = (PLANS_DIR, ASSETS_DIR, "themes")
# what an output of mapsite before the marker held: it is replaced without --replace-output
LEGACY_REDIRECTS = "# Links that were replaced or expired"
ATTEMPTS = 10  # swaps tried when racing builds keep replacing the output in between


class OutputError(MapsiteError):
    """Something wrong with the output folder: one line, which names the way out."""

    def format_message(self) -> str:
        return str(self.problems[0])


def write_file(path: Path, data: bytes) -> None:
    """``data`` as the whole of the file at ``path``: the bare system calls, a third of
    the time of ``Path.write_bytes``, which a build pays ten times a plan."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def refuse(out: Path, message: str, hint: str) -> OutputError:
    return OutputError([Problem.about(shown(out), message, hint)])


def shown(out: Path) -> str:
    """The folder as the user would type it; in full where that would be just '.'."""
    path = display_path(out)
    return str(out.absolute()) if path == "." else path


# --- which folders a build may replace -------------------------------------------------


def check(root: Path, out: Path, *, replace: bool = False) -> Path:
    """Refuse an output folder that a build must not replace; return its real path
    (a symlink's target: that is where the site goes). ``replace`` allows a folder
    with files that mapsite did not write, never the site or a git folder."""
    real, site = out.resolve(), root.resolve()
    other = "choose another folder with -o"
    if real.exists() and not real.is_dir():
        raise refuse(out, "the output path is a file", "choose a folder with -o")
    if site.is_relative_to(real) or any(real.is_relative_to(site / s) for s in SITE_FOLDERS):
        raise refuse(out, "the output folder would replace the site itself", other)
    if Path.home().resolve().is_relative_to(real):
        raise refuse(out, "the output folder would replace your home folder", other)
    if Path.cwd().resolve().is_relative_to(real):
        raise refuse(out, "the output folder holds the current folder", other)
    if ".git" in real.parts or is_repository(real):
        raise refuse(out, "the output folder is a git folder, which mapsite never replaces", other)
    if real.is_dir() and os.path.ismount(real):
        raise refuse(
            out,
            "the output folder is a mount point, which cannot be replaced as a whole",
            f"build into a folder inside it: -o {shown(out / 'site')}",
        )
    if not replace and not replaceable(real):
        raise refuse(
            out,
            f"the output folder has files that mapsite did not write (no {MARKER} in it)",
            f"choose an empty or new folder with -o, or delete what is in it: {REPLACE_FLAG}",
        )
    return real


def is_repository(folder: Path) -> bool:
    """A repository's work tree (``.git`` in it) or a bare repository."""
    if (folder / ".git").exists():
        return True
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def replaceable(folder: Path) -> bool:
    """Missing, empty, or a site that mapsite built (marked, or from before the marker)."""
    if not folder.exists() or (folder / MARKER).is_file():
        return True
    if not any(folder.iterdir()):
        return True
    with contextlib.suppress(OSError, UnicodeDecodeError):
        redirects = (folder / "_redirects").read_text(encoding="utf-8")
        return redirects.startswith(LEGACY_REDIRECTS) and (folder / "robots.txt").is_file()
    return False


# --- the swap ---------------------------------------------------------------------------


STAMP = "build: "


def stamp_of(folder: Path) -> str | None:
    """The build id a finished build wrote into the marker of ``folder`` (incremental.py
    checks that its record describes this very output)."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = [line[len(STAMP) :] for line in text.splitlines() if line.startswith(STAMP)]
    return lines[0] if lines else None


@contextmanager
def replacing(out: Path, stamp: Callable[[], str] | None = None) -> Iterator[Path]:
    """Yield an empty folder beside ``out`` (a real path, checked); when the block
    succeeds, mark it (with ``stamp()``, what the build was made from) and swap it in
    for ``out``.
    Whatever happens, no temporary folder is left, and ``out`` holds the old site or
    the new one, whole.

    A file system error about the output (full disk, read-only, immutable folder) is
    raised as one line naming the output folder and the cause.
    """
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        tmp, lock = _temporary(out, "building")
    except OSError as exc:
        raise fault(out, exc, "cannot write the new site beside it") from None
    try:
        try:
            yield tmp
            # last: a folder with the marker is complete (repair() relies on it)
            marker = MARKER_TEXT + (f"{STAMP}{stamp()}\n" if stamp else "")
            (tmp / MARKER).write_text(marker, encoding="utf-8")
            os.chmod(tmp, 0o755)  # mkdtemp makes it private; a web server must read it
            swap(tmp, out)
        except OSError as exc:
            if not _about(exc, out):
                raise
            raise fault(out, exc, "cannot write the new site") from None
    finally:
        # after a swap the old site is here; after a failure, half the new one
        remove(tmp)
        _unlock(lock)


def swap(new: Path, out: Path) -> None:
    """Put the folder ``new`` at ``out``; the old ``out``, if any, ends up at ``new``
    (or is deleted). Racing builds each swap in turn: the last one wins, whole."""
    for _ in range(ATTEMPTS):
        try:
            if exchange(new, out):
                return
            if _two_renames(new, out):
                return
        except FileNotFoundError:  # no output yet
            if not new.exists():
                raise
            try:
                os.rename(new, out)  # onto nothing (or an empty folder made meanwhile)
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                # another build's site arrived meanwhile: exchange with it
    # EAGAIN, not EBUSY: the message must say why, not blame a mount point (CAUSES)
    raise OSError(errno.EAGAIN, "other builds kept replacing it", str(out))


def _two_renames(new: Path, out: Path) -> bool:
    """The swap where the exchange is not supported: the old site aside, the new one
    in. A build killed in between leaves the output missing and the old site whole in
    ``.NAME.old-*``: ``repair`` puts it back. False when another build got there first."""
    old, lock = _temporary(out, "old")
    try:
        os.rename(out, old / out.name)
        try:
            os.rename(new, out)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                return False  # another build's site is there: swap with it again
            raise
        return True
    finally:
        if (old / out.name).exists() and not out.exists():
            # stopped or failed in between: the output must not stay missing
            with contextlib.suppress(OSError):
                os.rename(old / out.name, out)
        if out.exists() or not (old / out.name).exists():  # else repair() needs it
            remove(old)
        _unlock(lock)


def remove(folder: Path) -> None:
    """Delete a temporary folder, all of it even when Ctrl-C or a signal comes in
    between (the first one stops the command; this is its cleanup)."""
    try:
        _delete(folder)
    except KeyboardInterrupt:
        shutil.rmtree(folder, ignore_errors=True)
        raise


SPLIT_FROM = 64
"""Entries of a folder from which a forked helper deletes half of it."""


def _delete(folder: Path) -> None:
    """``folder`` and everything in it. The old site a build swapped out has thousands
    of files, and deleting is one system call a file: a forked helper deletes every
    other entry meanwhile, on the other core (half the time: 0.06 s instead of 0.12 s
    for a thousand plans, and more on a slow disk). Not while other threads run (the
    dev server's, the printers'): a fork copies only the calling thread."""
    helper: int | None = None
    names: list[tuple[str, bool]] = []  # (path, is a folder)
    if hasattr(os, "fork") and threading.active_count() == 1:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            names = [(e.path, e.is_dir(follow_symlinks=False)) for e in entries]
        if len(names) >= SPLIT_FROM:
            helper = _fork_deleting(names[1::2])
    try:
        if helper is not None:
            _delete_entries(names[::2])
    finally:
        if helper is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(helper, 0)
    shutil.rmtree(folder, ignore_errors=True)  # all, or what is left: the helper's, if it stopped


def _fork_deleting(names: list[tuple[str, bool]]) -> int | None:
    """A forked process that deletes ``names`` (``_delete_entries``) and exits; None
    when none could be started."""
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        _helper(names, parent)
    return pid


def _helper(names: list[tuple[str, bool]], parent: int) -> None:
    """The forked helper's whole life: nothing of the parent's runs here after it, not
    even its exit handlers. Never the build itself's (``parent``)."""
    if os.getpid() == parent:
        return
    try:
        for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                signal.signal(signum, signal.SIG_DFL)  # a signal simply ends it
        # no copy of the build's lock on its folder: a build killed meanwhile leaves a
        # folder the next build can remove at once, helper or not (the descriptors open,
        # not all up to the limit: that can be a million calls)
        with contextlib.suppress(OSError):
            for fd in [int(name) for name in os.listdir("/dev/fd")]:
                if fd > 2:
                    with contextlib.suppress(OSError):
                        os.close(fd)
        _delete_entries(names)
    finally:
        os._exit(0)


def _delete_entries(entries: list[tuple[str, bool]]) -> None:
    """Each ``(path, is a folder)``; what fails is left to the last ``rmtree``."""
    for path, folder in entries:
        if folder:
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def repair(out: Path) -> Path | None:
    """A missing output whose old site waits in ``.NAME.old-*`` (a build killed between
    two renames) is put back; returns the folder it came from."""
    if out.exists() or out.is_symlink():
        return None
    found = []
    for folder in _ours(out, "old"):
        site = folder / out.name
        with _held(folder) as free:
            if free and (site / MARKER).is_file():
                found.append(((site / MARKER).stat().st_mtime_ns, site))
    for _, site in sorted(found, reverse=True):
        with contextlib.suppress(OSError):
            os.rename(site, out)
            return site.parent
    return None


def remove_leftovers(out: Path) -> list[Path]:
    """Delete the temporary folders of builds that did not finish (nobody holds their
    lock), once an old site waiting in one is put back; returns them."""
    repair(out)
    removed = []
    for kind in ("building", "old"):
        for folder in _ours(out, kind):
            with _held(folder) as free:
                if free:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    return removed


def _ours(out: Path, kind: str) -> list[Path]:
    """``.NAME.building-*`` or ``.NAME.old-*`` folders beside ``out`` (not links)."""
    prefix = f".{out.name}.{kind}-"
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return []
    return sorted(
        p for p in entries if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink()
    )


@contextmanager
def _held(folder: Path) -> Iterator[bool]:
    """Try to take ``folder``'s lock: yields True when no running build holds it."""
    if fcntl is None:  # pragma: no cover - Windows: a running build cannot be told apart
        yield False
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        yield False
        return
    try:
        yield True
    finally:
        os.close(fd)


def _temporary(out: Path, kind: str) -> tuple[Path, int | None]:
    """A new ``.NAME.KIND-*`` folder beside ``out``, locked as long as this build runs."""
    while True:
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-", dir=out.parent))
        if fcntl is None:  # pragma: no cover
            return folder, None
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:  # removed as a leftover before this build could open it
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits while another build's cleanup holds it
        if os.fstat(fd).st_nlink > 0:
            return folder, fd
        os.close(fd)  # removed as a leftover before this build could lock it: again


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


# --- renameat2 --------------------------------------------------------------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# renameat2's system call number, where the C library has no wrapper (glibc < 2.28)
SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "i686": 353, "armv7l": 382}
_exchange_works = sys.platform.startswith("linux")


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (``renameat2(RENAME_EXCHANGE)``); False where the
    system or the file system cannot (then it never tries again). Raises OSError
    otherwise: FileNotFoundError when either path is missing."""
    global _exchange_works
    call = _renameat2() if _exchange_works else None
    if call is None:
        _exchange_works = False
        return False
    if call(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        _exchange_works = False
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _renameat2():  # type: ignore[no-untyped-def]
    """libc's renameat2, or the raw system call; None when neither exists."""
    libc = ctypes.CDLL(None, use_errno=True)
    args = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if hasattr(libc, "renameat2"):
        function = libc.renameat2
        function.argtypes = args
        return function
    number = SYS_RENAMEAT2.get(platform.machine())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.argtypes = [ctypes.c_long, *args]
    return lambda *call: syscall(number, *call)


# --- faults -----------------------------------------------------------------------------

CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted (an immutable folder? see lsattr)",
    errno.EBUSY: "it is in use or a mount point",
    errno.EXDEV: "it is on another file system than the folder beside it",
}


def fault(out: Path, exc: OSError, what: str) -> OutputError:
    cause = CAUSES.get(exc.errno or 0) or exc.strerror or str(exc)
    return refuse(
        out, f"{what}: {cause}", "the previous output is unchanged; fix that and build again"
    )


def _about(exc: OSError, out: Path) -> bool:
    """Whether an error concerns the output or its temporary folders (not, say, an asset).
    A failed write names no file: a full disk or a read-only file system is the output's."""
    if exc.filename is None:
        return exc.errno in CAUSES
    for name in (exc.filename, exc.filename2):
        path = Path(os.fsdecode(name)).absolute() if name is not None else None
        if path is None or not path.is_relative_to(out.parent):
            continue
        top = (*path.relative_to(out.parent).parts, "")[0]  # the folder beside the output
        if top == out.name or top.startswith(f".{out.name}."):
            return True
    return False
