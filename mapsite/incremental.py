"""Incremental builds: re-render only the plans whose inputs changed.

A build keeps a record of what each plan's output was made from (``Record``), beside
the output folder: ``.NAME.mapsite-record.json`` for ``NAME/`` (never inside it, where
it would be published, with every plan's link). The next build works out the same
key for each plan; where it matches, the plan's files are carried over from the
previous output as hard links (the new site is still written into a new folder and
swapped in whole, output.py), and only the other plans are loaded, rendered and
printed.

A plan's key covers everything its files are made from:

- the site's part, the same for every plan: mapsite itself (its version, the files of
  the package, the libraries that shape a page), the build date, the options (PDFs,
  page size, browser), ``mapsite.yml``, every file of the theme chain and the brand's
  own files (logo, fonts);
- the plan's own: its path and bytes, what git says of it (commits, dates, versions,
  through renames: its page's "updated" date and "What's new") and the bytes of the
  logos it names.

A protected plan is never carried over: its page is encrypted afresh in every build
(a new salt and nonce), and the record keeps nothing of its password. The record is
trusted only when the output's marker carries the hash of the record (``Record.build``): an
output from another build, or edited since, means a full build, silently correct.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import output
from .config import CONFIG_FILE
from .site import Site, asset_bytes, asset_problem

FORMAT = 1
"""The record's own format: another one is ignored (a full build)."""
LIBRARIES = ("jinja2", "markdown_it", "pydantic", "pydantic_core", "yaml", "icalendar",
             "cryptography", "holidays", "playwright", "pypdf", "markupsafe")  # fmt: skip
"""Libraries whose version can change what a page or a PDF holds (their modules)."""


@dataclass(frozen=True)
class Entry:
    """What one plan's output was made from, and what it is."""

    key: str
    page: dict[str, Any]
    """The build's ``Page`` of the plan, as JSON: what the site needs of a plan that
    is not loaded again (its links, for the token clash check and _redirects)."""
    files: list[str]
    """Its files in the output (with '/'): under its link's folder, and its previous
    links' (the 'replaced' page)."""
    assets: dict[str, str] = field(default_factory=dict)
    """Logos it names (from assets/) -> their content hash when it was built."""


@dataclass(frozen=True)
class Record:
    site: str
    """The site's part of every key."""
    plans: dict[str, Entry]
    """By plan file, relative to the site's folder (with '/')."""

    @functools.cached_property  # asked four times a build; a thousand plans' files each
    def build(self) -> str:
        """What the output was made from, in one hash, which the build writes into its
        marker: a record whose hash the output's marker does not carry describes another
        output. A hash, not a random id, so that a build's output depends only on its
        inputs (a clean build and an incremental one write the same bytes)."""
        parts = [(name, e.key, e.files) for name, e in sorted(self.plans.items())]
        return hashlib.sha256(repr([FORMAT, self.site, parts]).encode()).hexdigest()[:32]


def record_path(out: Path) -> Path:
    """``.public.mapsite-record.json`` beside ``public/``: outside what is published."""
    return out.parent / f".{out.name}.mapsite-record.json"


def read(out: Path) -> Record | None:
    """The record of the output at ``out``; None when there is none, it is damaged or
    from another mapsite, or it does not describe this output (the marker's id)."""
    try:
        data = json.loads(record_path(out).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        plans = {name: Entry(**entry) for name, entry in data["plans"].items()}
        record = Record(data["site"], plans)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if output.stamp_of(out) != record.build or data.get("build") != record.build:
        return None
    return record


def write(out: Path, record: Record) -> None:
    """Write the record beside ``out``, whole or not at all (temporary file, rename).
    When it cannot be written (a full disk), there is none: the next build is full."""
    path = record_path(out)
    # by hand, not dataclasses.asdict: that deep-copies every list (0.3 s at 1000 plans)
    plans = {name: {"key": e.key, "page": e.page, "files": e.files, "assets": e.assets}
             for name, e in sorted(record.plans.items())}  # fmt: skip
    data = {"format": FORMAT, "build": record.build, "site": record.site, "plans": plans}
    text = json.dumps(data, separators=(",", ":"))  # one string: json.dump writes in pieces
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)
    except OSError:
        forget(out)
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        forget(out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def forget(out: Path) -> None:
    """Drop the record: the next build is a full one."""
    with contextlib.suppress(OSError):
        record_path(out).unlink()


# --- keys -------------------------------------------------------------------------------


def site_key(site: Site, today: date, *, pdf: bool, chromium: str | None) -> str:
    """The part of every plan's key that the whole site shares."""
    digest = hashlib.sha256()
    for part in (_code(), today.isoformat(), pdf, chromium or os.environ.get("MAPSITE_CHROMIUM")):
        digest.update(f"{part}\0".encode())
    if pdf:
        digest.update(_browser().encode())
    digest.update(_read(site.root / CONFIG_FILE) + b"\0")
    for folder in site.theme.chain:
        _tree(digest, folder)
    brand = site.config.brand
    for name in [brand.logo, *brand.font_files]:
        if name and not asset_problem(site.root, name):
            digest.update(f"{name}\0".encode() + asset_bytes(site.root, name) + b"\0")
    return digest.hexdigest()


def plan_key(site_part: str, site: Site, path: Path, data: bytes, assets: dict[str, str]) -> str:
    """A plan's key: the site's part, then the plan's own inputs (see the module's
    docstring). ``assets`` are the logos it named when it was last built, with their
    hashes now."""
    digest = hashlib.sha256(site_part.encode())
    digest.update(f"\0{relative(site, path)}\0".encode() + data + b"\0")
    if site.history is not None:
        digest.update(site.history.fingerprint(path).encode())
    digest.update(repr(sorted(assets.items())).encode())
    return digest.hexdigest()


def asset_hashes(site: Site, names: Iterable[str]) -> dict[str, str]:
    """Each logo name -> the hash of its file now ("" when it is missing or refused:
    the plan is rendered again, and reports it)."""
    hashes = {}
    for name in names:
        if asset_problem(site.root, name):
            hashes[name] = ""
        else:
            hashes[name] = hashlib.sha256(asset_bytes(site.root, name)).hexdigest()
    return hashes


def relative(site: Site, path: Path) -> str:
    return _relative(site.root, path, os.getcwd())


@functools.lru_cache(maxsize=1 << 14)  # asked three times a plan, by the worker and the build
def _relative(root: Path, path: Path, cwd: str) -> str:  # cwd: what absolute() starts from
    whole, top = _whole(path, cwd), _whole(root, cwd)
    # the same as below, in strings (pathlib's took 32 ms for 1000 plans); not on
    # Windows, nor for a POSIX path that starts with exactly two slashes (its own root)
    if os.sep == "/" and not (whole.startswith("//") or top.startswith("//")):
        if whole == top:
            return "."
        top = top.rstrip("/") + "/"
        return whole[len(top) :] if whole.startswith(top) else whole
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def _whole(path: Path, cwd: str) -> str:
    """``path.absolute()`` as a string (POSIX: its parts never hold a ``/``)."""
    text = str(path)
    if path.is_absolute():
        return text
    return cwd if text == "." else os.path.join(cwd, text)


# --- carrying files over ------------------------------------------------------------------


def unchanged(
    site: Site, previous: Record | None, paths: Iterable[Path], site_part: str
) -> dict[Path, Entry]:
    """The plans (path -> their entry in ``previous``) whose key now is the one
    recorded: they can be carried over (``carry`` then finds whether their files are
    all still in the output). Never a protected plan: it is encrypted afresh in every
    build. ``site_part``: the site's part of the keys now (``site_key``)."""
    if previous is None or previous.site != site_part:
        return {}  # the theme, the settings, the date or mapsite changed: all anew
    found = {}
    for path in paths:
        entry = previous.plans.get(relative(site, path))
        if entry is None or entry.page.get("password_env"):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue  # rendered, and reported there
        if plan_key(site_part, site, path, data, asset_hashes(site, entry.assets)) == entry.key:
            found[path] = entry
    return found


def carry(old: Path, new: Path, files: Iterable[str]) -> bool:
    """Hard-link ``files`` of the output ``old`` into ``new`` (copy where the file
    system has no hard links), all or none. False when one is missing or is not a
    plain file (the output was changed by hand), or is in ``new`` already: the plan
    is rendered instead, and what was linked of it is taken out again, so that the
    render cannot write through a link into the old site.

    Plain ``os`` calls on strings: a thousand plans carry ten thousand files, and
    pathlib's objects cost more than the links themselves."""
    source_root, target_root = os.fspath(old), os.fspath(new)
    done: list[str] = []
    made: set[str] = set()
    try:
        for name in files:
            source = f"{source_root}/{name}"
            target = f"{target_root}/{name}"
            folder = target.rpartition("/")[0]
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            if os.path.islink(source):
                raise FileNotFoundError(source)
            _link(source, target)
            done.append(target)
    except OSError:
        for target in done:
            os.unlink(target)
        return False
    return True


def files_of(out: Path, folders: Iterable[str]) -> list[str]:
    """Every file under ``folders`` of the output ``out``, relative to it, sorted
    (strings, not paths: ten files a plan, a thousand plans)."""
    root = os.fspath(out)
    found = []
    for folder in folders:
        for here, dirs, files in os.walk(f"{root}/{folder}"):
            dirs.sort()
            rel = here[len(root) + 1 :].replace(os.sep, "/")
            found += [f"{rel}/{name}" for name in sorted(files)]
    return found


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except (FileNotFoundError, FileExistsError):
        raise
    except OSError:  # no hard links here (or across): a copy, never over a file
        with open(source, "rb") as old, open(target, "xb") as new:
            shutil.copyfileobj(old, new)


# --- fingerprints -------------------------------------------------------------------------


@functools.cache  # once a process: the package does not change under a running build
def _code() -> str:
    return code_fingerprint()


def code_fingerprint() -> str:
    """This mapsite: its version, every file of the package (their sizes and times,
    as an installed or edited mapsite changes them), Python and the libraries."""
    from importlib.util import find_spec

    from . import __version__

    parts: list[object] = [__version__, sys.version_info[:3]]
    for name in LIBRARIES:
        # the module's file, not its version from importlib.metadata: as telling (an
        # upgrade writes it anew), without reading every installed package's metadata
        # (40 ms)
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
        parts.append((name, origin, stat and (stat.st_size, stat.st_mtime_ns)))
    package = Path(__file__).parent
    for here, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = (Path(here) / name).stat()
            parts.append((os.path.relpath(Path(here) / name, package), stat.st_size,
                          stat.st_mtime_ns))  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _browser() -> str:
    """The system browsers a PDF may be printed with: another version prints other bytes."""
    from .browser import SYSTEM_CANDIDATES

    parts = []
    for path in SYSTEM_CANDIDATES.get(sys.platform, []):
        with contextlib.suppress(OSError):
            stat = Path(path).stat()
            parts.append((path, stat.st_size, stat.st_mtime_ns))
    return repr(parts)


def _tree(digest: Any, folder: Path) -> None:
    """Every file under ``folder``: name and bytes, in a stable order."""
    for here, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(here) / name
            digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(_read(path) + b"\0")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"
