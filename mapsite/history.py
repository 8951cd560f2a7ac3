"""What git knows of the plan files: one ``git log`` for the whole plans folder, and
older versions of a file read through one ``git cat-file --batch`` process.

The log follows the first parent (the history of the branch as built, a merge being
one change) and renames within the folder. Shallow clones (Netlify's default, CI
checkouts) end in a boundary commit that looks as if it added every file: it tells
the version of each plan as of that commit, never when a plan last changed nor what
changed. Outside git, or without git, there is no history, and no error.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from .load import real_path

TIMEOUT = 30  # seconds; a repository that takes longer gets no history, not a hung build


@dataclass(frozen=True)
class Commit:
    sha: str
    day: date
    """The committer's date: when the change landed on the branch."""
    boundary: bool
    """The oldest commit of a shallow clone: its parents are not there."""


@dataclass(frozen=True)
class Entry:
    """One commit's change to one file."""

    commit: int
    """Index in ``Log.commits`` (0 is the newest)."""
    status: str
    """A (added), M (modified), D (deleted), R (renamed), T (type changed)."""
    old_blob: str | None
    new_blob: str | None
    old_path: str | None = None
    """A rename's path before, relative to the repository root."""


FALLBACKS = 4
"""Older versions to fall back on when the one the window opens with does not load."""


@dataclass(frozen=True)
class Versions:
    """The versions of one plan file from the start of a window on, as blob ids."""

    starts: list[str]
    """The file as the window opened, then the versions before it (newest first, for
    when it does not load); empty when the file was created in the window."""
    commits: list[tuple[date, str]] = field(default_factory=list)
    """(commit date, the file after it) for each commit in the window, oldest first."""
    head: str | None = None
    """The file in the newest commit (None: not committed)."""
    cut_short: bool = False
    """The window reaches back past the first commit of a shallow clone."""


@dataclass(frozen=True)
class Log:
    """The plans folder's history, parsed once per build."""

    root: Path
    """The repository's top folder (symlinks resolved)."""
    commits: list[Commit]
    """Newest first."""
    entries: dict[str, list[Entry]]
    """Path relative to ``root`` (with '/') -> its changes, newest first."""
    shallow: bool
    sha256: bool = False
    """The repository names objects with SHA-256 instead of SHA-1."""
    promisor: str | None = None
    """A partial clone's remote, which has the file versions not downloaded yet
    (Netlify clones without them: ``--filter=blob:none``)."""

    def last_dates(self) -> dict[Path, date]:
        """Real path (``load.real_path``) -> date of the last commit that changed it.

        A shallow clone's boundary commit dates nothing: the plan may have been last
        changed there or years before."""
        dates: dict[Path, date] = {}
        for path, entries in self.entries.items():
            for entry in entries:
                commit = self.commits[entry.commit]
                if commit.boundary or entry.status == "D":
                    break
                dates[real_path(self.root / path)] = commit.day
                break
        return dates

    def relative(self, path: Path) -> str | None:
        """``path`` relative to the repository (with '/'), or None when outside it."""
        try:
            return real_path(path).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def fingerprint(self, path: Path) -> str:
        """Everything this history says of the plan file at ``path`` (its commits, dates
        and versions, through renames): what its page's dates and news are made from."""
        rel = self.relative(path)
        parts = [(c.sha, c.day.isoformat(), c.boundary, e.status, e.old_blob, e.new_blob)
                 for c, e in (self._walk(rel) if rel is not None else ())]  # fmt: skip
        return repr(parts)

    def versions(self, path: Path, since: date) -> Versions:
        """The versions of the plan file at ``path`` since ``since``, following renames."""
        rel = self.relative(path)
        found: list[tuple[date, str]] = []
        starts: list[str] = []
        head: str | None = None
        cut_short = False
        last: Entry | None = None
        for n, (commit, entry) in enumerate(self._walk(rel) if rel is not None else ()):
            if n == 0:
                head = entry.new_blob
            if entry.status == "D" or entry.new_blob is None:
                break  # deleted, then made again: the plan starts anew after that
            if starts or commit.day < since or commit.boundary:
                cut_short = cut_short or (commit.boundary and commit.day >= since)
                starts.append(entry.new_blob)
                if commit.boundary or entry.status == "A" or len(starts) > FALLBACKS:
                    break
                continue
            found.append((commit.day, entry.new_blob))
            last = entry
            if entry.status == "A":
                break  # created in the window
        else:
            if not starts and last is not None and last.old_blob and last.status != "A":
                starts.append(last.old_blob)  # renamed from outside the history we have
        return Versions(starts, found[::-1], head, cut_short)

    def _walk(self, rel: str) -> Iterator[tuple[Commit, Entry]]:
        """The changes to a file, newest first, following it back through renames."""
        entries = self.entries.get(rel, [])
        i = 0
        while i < len(entries):
            entry = entries[i]
            yield self.commits[entry.commit], entry
            if entry.status == "R" and entry.old_path is not None:
                older = self.entries.get(entry.old_path, [])
                entries, i = [e for e in older if e.commit > entry.commit], 0
            else:
                i += 1


def read_log(folder: Path) -> Log | None:
    """The history of every file under ``folder``; None outside a git repository, or
    when git is missing or fails."""
    try:
        where = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository")
        if where is None:
            return None
        top, shallow = where.decode().splitlines()[:2]
        out = _git(
            folder,
            "log",
            "--first-parent",
            "-m",  # a merge: its change to the first parent
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--format=%x01%H %cs",
            "--",
            ".",
        )
        boundaries = _boundaries(folder) if shallow == "true" else set()
        promisor = _git(folder, "config", "--get-regexp", PROMISOR)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if out is None:
        return None
    log = parse_log(Path(top).resolve(), out.decode("utf-8", "surrogateescape"), boundaries)
    remote = _promisor(promisor.decode(errors="replace")) if promisor else None
    return dataclasses.replace(log, promisor=remote) if remote else log


PROMISOR = r"^(remote\..*\.promisor|extensions\.partialclone)$"
"""The settings that make a partial clone, and name the remote it fetches from."""


def _promisor(settings: str) -> str | None:
    """``remote.origin.promisor true`` (or, in older clones, ``extensions.partialclone
    origin``) -> ``origin``."""
    for line in settings.splitlines():
        key, _, value = line.partition(" ")
        if key.startswith("remote.") and value.strip().lower() == "true":
            return key[len("remote.") : -len(".promisor")]
        if key == "extensions.partialclone" and value.strip():
            return value.strip()
    return None


def parse_log(root: Path, text: str, boundaries: set[str]) -> Log:
    """``git log --raw -z --format=%x01%H %cs`` output -> Log."""
    commits: list[Commit] = []
    entries: dict[str, list[Entry]] = {}
    tokens = text.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith("\x01"):
            sha, day = token[1:].split(" ", 1)
            commits.append(Commit(sha, date.fromisoformat(day.strip()), sha in boundaries))
        elif token.startswith(":") and commits:
            _, _, old, new, status = token[1:].split(" ", 4)
            kind = status[:1]
            if kind in "RC":
                old_path, path = tokens[i], tokens[i + 1]
                i += 2
            else:
                old_path, path = None, tokens[i]
                i += 1
            entry = Entry(len(commits) - 1, kind, _blob(old), _blob(new), old_path)
            entries.setdefault(path, []).append(entry)
            if kind == "R" and old_path is not None:  # the old name is gone from here on
                gone = Entry(len(commits) - 1, "D", _blob(old), None)
                entries.setdefault(old_path, []).append(gone)
    sha256 = bool(commits) and len(commits[0].sha) == 64
    return Log(root, commits, entries, bool(boundaries), sha256)


def _blob(sha: str) -> str | None:
    return None if not sha.strip("0") else sha


def _boundaries(folder: Path) -> set[str]:
    """The commits a shallow clone was cut at (git lists them in .git/shallow)."""
    found = _git(folder, "rev-parse", "--git-path", "shallow")
    if found is None:
        return set()
    path = Path(found.decode().strip())
    path = path if path.is_absolute() else folder / path
    try:
        return set(path.read_text(encoding="ascii").split())
    except OSError:
        return set()


def _git(folder: Path, *args: str) -> bytes | None:
    result = subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, timeout=TIMEOUT, check=False
    )
    return result.stdout if result.returncode == 0 else None


def last_commit_dates(folder: Path) -> dict[Path, date]:
    """Real path (``load.real_path``) -> date of the last commit touching it; empty
    outside a git repository."""
    log = read_log(folder)
    return log.last_dates() if log is not None else {}


def last_update(updated: date | None, committed: date | None) -> date | None:
    """The later of the plan's own ``updated:`` and its last commit."""
    known = [d for d in (updated, committed) if d is not None]
    return max(known) if known else None


def blob_id(data: bytes, sha256: bool = False) -> str:
    """The id git gives a file with these bytes: comparing it with the committed one
    tells an edited file without asking git."""
    digest = hashlib.sha256() if sha256 else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


# --- reading old versions -------------------------------------------------------------


_read: dict[str, bytes] = {}
"""Blobs read so far, by id (content-addressed: the same in every repository and in
build workers, which inherit what the parent read before forking)."""


class Blobs:
    """File contents by blob id, from one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.failed = False

    def read(self, blob: str) -> bytes | None:
        """The blob's bytes; None when git cannot give them."""
        found = _read.get(blob)
        if found is None:
            self.read_all([blob])
            found = _read.get(blob)
        return found

    def read_all(self, blobs: Iterable[str]) -> None:
        """Read these blobs in one go: a thread writes every request while the answers
        are read (a round trip per blob costs more than reading it)."""
        wanted = [b for b in dict.fromkeys(blobs) if b not in _read]
        with self.lock:
            if not wanted or self.failed:
                return
            try:
                stdin, stdout = self._pipes()
                requests = b"".join(b.encode() + b"\n" for b in wanted)
                writer = threading.Thread(target=_send, args=(stdin, requests), daemon=True)
                writer.start()
                for blob in wanted:
                    data = _answer(stdout)
                    if data is not None:
                        _read[blob] = data
                writer.join()
            except (OSError, ValueError):
                self.failed = True
                self.close()

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self.process is None:
            self.process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def prefetch(self, blobs: Iterable[str], remote: str) -> None:
        """Download these blobs from a partial clone's remote in one request: reading
        them one by one, git would fetch each on its own (a second or so apiece)."""
        wanted = sorted(set(blobs))
        if not wanted:
            return
        command = ["git", "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags",
                   "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none",
                   "--stdin"]  # fmt: skip  # what git itself runs to fetch a missing object
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(command, cwd=self.root, input="\n".join(wanted).encode() + b"\n",
                           capture_output=True, timeout=TIMEOUT * 4, check=False)  # fmt: skip

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _send(pipe: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(OSError):  # the reader sees the process end and says so
        pipe.write(data)
        pipe.flush()


def _answer(pipe: IO[bytes]) -> bytes | None:
    """One answer of ``git cat-file --batch``: the content, or None when it is missing."""
    header = pipe.readline().split()
    if len(header) != 3:  # "<id> missing", or the process ended
        if not header:
            raise ValueError("git cat-file stopped")
        return None
    size = int(header[2])
    data = pipe.read(size + 1)  # the content, then a newline
    if len(data) != size + 1:
        raise ValueError("git cat-file stopped")
    return data[:size]


_readers: dict[tuple[int, Path], Blobs] = {}
_readers_lock = threading.Lock()


def blobs(root: Path) -> Blobs:
    """This process's reader for the repository at ``root`` (build workers each start
    their own: a forked copy of the parent's pipes would mix their answers)."""
    key = (os.getpid(), root)
    with _readers_lock:
        reader = _readers.get(key)
        if reader is None:
            reader = _readers[key] = Blobs(root)
        return reader


@atexit.register
def _close_readers() -> None:
    for (pid, _), reader in list(_readers.items()):
        if pid == os.getpid():
            reader.close()
