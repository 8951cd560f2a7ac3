"""Builds killed at many points: the output is always a whole site, and a protected
plan is never on disk in clear.

Each case runs the real ``mapsite build`` (PDFs and a protected plan) in a process of
its own, over a site built before, and kills it with SIGTERM, SIGHUP or SIGKILL just
before a chosen file operation. ``hook/sitecustomize.py`` (on PYTHONPATH) counts the
process's file operations and sends the signal: no timing, no product code. The
points come from a trace of the same build: before anything, inside the temporary
folder, after the protected page, while the PDFs are printed, after the protected
PDF, at the marker, at the swap, while the old site is removed.

Afterwards: the output is the complete old site or the complete new one; SIGTERM
and SIGHUP leave no temporary folder (the next build removes what SIGKILL left); and
no file under the site or under TMPDIR (where Chromium keeps its profile) holds the
protected plan's text, in a PDF's text either.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import REPO, TODAY, leftovers

pytestmark = pytest.mark.pdf

HOOK = Path(__file__).parent / "hook"
PHRASE = "Zanzibar escrow arrangement"
PASSWORD = "correct horse battery staple"
SECRET = "SecretToken0123456789abc"
OLD_TOKEN, NEW_TOKEN = "ViqzABatAvS1drCoQ4bq8A", "NewToken0123456789abcde"
SECRET_PLAN = f"""\
---
title: Quiet acquisition
buyer:
  name: Blue Yonder Airlines
seller:
  name: Contoso
share:
  token: {SECRET}
  password_env: SECRET_PASSWORD
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
milestones:
  - name: Contract signed
    due: 2026-12-15
    steps:
      - task: Agree the {PHRASE}
        owner: Priya Raman
        due: 2026-12-01
---
The {PHRASE} stays between us.
"""

Snapshot = dict[str, str]
"""Every file of a built site: path -> content hash ('' where the content changes
from build to build: sealed pages and PDFs)."""


@dataclass(frozen=True)
class Scenario:
    template: Path
    """A site with its old build in public/."""
    old: Snapshot
    new: Snapshot
    build_trace: list[tuple[int, str, str]]
    pdf_trace: list[tuple[int, str, str]]


def snapshot(public: Path) -> Snapshot:
    files = {}
    for path in sorted(public.rglob("*")):
        if path.is_file():
            name = path.relative_to(public).as_posix()
            varies = name.startswith(SECRET) or name.endswith(".pdf")
            data = path.read_bytes()
            files[name] = "" if varies else hashlib.sha256(data).hexdigest()
            if name.endswith(".pdf"):
                assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), name
    return files


def mapsite(
    site: Path, tmp: Path, *args: str, kill: str | None = None, trace: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``mapsite ARGS`` in ``site`` with TMPDIR ``tmp``, killed as ``kill`` says
    (``SIGTERM@17``), its file operations traced into ``trace``."""
    env = {
        **os.environ,
        "TMPDIR": str(tmp),
        "MAPSITE_TODAY": TODAY,
        "SECRET_PASSWORD": PASSWORD,
        "PYTHONPATH": os.pathsep.join([str(HOOK), os.environ.get("PYTHONPATH", "")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MAPSITE_FAULT_ROOT": str(site),
    }
    for name, value in (("MAPSITE_FAULT_AT", kill), ("MAPSITE_FAULT_TRACE", trace)):
        env.pop(name, None)
        if value is not None:
            env[name] = str(value)
    process = subprocess.Popen(
        [sys.executable, "-m", "mapsite", *args],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = process.communicate(timeout=180)
    await_browsers(tmp)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@contextlib.contextmanager
def temporary() -> Iterator[Path]:
    """A TMPDIR for the processes of a test. A short one: Chromium's sockets' paths have
    at most 107 bytes, and inside pytest's tmp_path it would not start."""
    folder = Path(tempfile.mkdtemp(prefix="mapsite-faults-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tmp() -> Iterator[Path]:
    with temporary() as folder:
        yield folder


def await_browsers(tmp: Path) -> None:
    """Wait until no process uses ``tmp`` any more: a killed build's browsers go when
    Playwright's driver sees its parent gone (they are killed after 60 s regardless)."""
    deadline = time.monotonic() + 60
    while users := processes_using(tmp):
        if time.monotonic() > deadline:
            for pid in users:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            pytest.fail(f"processes still using {tmp} a minute after the build: {users}")
        time.sleep(0.1)


def processes_using(tmp: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(tmp).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def read_trace(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text().splitlines():
        number, event, where = [*line.split(" ", 2), ""][:3]
        rows.append((int(number), event, where))
    return rows


def make_site(site: Path) -> None:
    (site / "plans").mkdir(parents=True)
    shutil.copy(REPO / "plans" / "northwind.md", site / "plans")
    (site / "plans" / "secret.md").write_text(SECRET_PLAN, encoding="utf-8")
    for folder in ("assets", "themes"):
        shutil.copytree(REPO / folder, site / folder)
    shutil.copy(REPO / "mapsite.yml", site)


def change(site: Path) -> None:
    """The new version of the site: the public plan at another link."""
    plan = site / "plans" / "northwind.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace(OLD_TOKEN, NEW_TOKEN))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    base = tmp_path_factory.mktemp("faults")
    template = base / "template" / "site"
    make_site(template)
    with temporary() as tmp:
        built = mapsite(template, tmp, "build", "--pdf")
        assert built.returncode == 0, built.stderr
        newer = base / "newer" / "site"
        shutil.copytree(template, newer)
        change(newer)
        built = mapsite(newer, tmp, "build", "--pdf", trace=base / "build.trace")
        assert built.returncode == 0, built.stderr
        printed = mapsite(
            newer, tmp, "pdf", "plans/secret.md", "-o", "outbox", trace=base / "pdf.trace"
        )
        assert printed.returncode == 0, printed.stderr
    old, new = snapshot(template / "public"), snapshot(newer / "public")
    assert old.keys() != new.keys()
    yield Scenario(
        template, old, new, read_trace(base / "build.trace"), read_trace(base / "pdf.trace")
    )


Trace = list[tuple[int, str, str]]


def first(trace: Trace, event: str, pattern: str) -> int:
    return next(n for n, e, where in trace if e == event and re.search(pattern, where))


def after_swap(trace: Trace) -> int:
    swap = first(trace, "ctypes.dlsym", "")
    return next(n for n, e, _ in trace if e == "shutil.rmtree" and n > swap)


# kill points: the operation that never happens (the ones before it all did)
POINTS: dict[str, Callable[[Trace], int]] = {
    "before anything": lambda t: 1,
    "in the new folder": lambda t: first(t, "open", r"\.public\.building-.*/static/") + 1,
    "after a public page": lambda t: first(t, "open", rf"building-.*/{NEW_TOKEN}/index") + 1,
    "after the protected page": lambda t: first(t, "open", rf"building-.*/{SECRET}/index") + 1,
    "printing": lambda t: first(t, "open", r"\.pdf\.part$"),
    "after the protected pdf": lambda t: first(t, "os.rename", r"\.plan\.pdf\.part$") + 1,
    "marking": lambda t: first(t, "open", r"\.mapsite-output$"),
    "swapping": lambda t: first(t, "ctypes.dlsym", ""),
    "removing the old site": after_swap,
    "halfway through removing it": lambda t: after_swap(t) + 12,
}
# each case costs a build (about 4 s once printing started): a representative set
PRINTING = ["printing", "after the protected pdf", "swapping", "halfway through removing it"]
CASES = [
    *((point, "SIGTERM") for point in POINTS if point not in ("marking", "removing the old site")),
    *((point, "SIGKILL") for point in ["in the new folder", "after the protected page", *PRINTING]),
    ("after the protected page", "SIGHUP"),
    ("marking", "SIGHUP"),
]


@pytest.mark.parametrize(("point", "signame"), CASES)
def test_a_killed_build(
    scenario: Scenario, tmp_path: Path, tmp: Path, point: str, signame: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(scenario.template, site)
    change(site)
    at = POINTS[point](scenario.build_trace)

    killed = mapsite(site, tmp, "build", "--pdf", kill=f"{signame}@{at}")

    signum = getattr(signal, signame)
    if signum == signal.SIGKILL:
        assert killed.returncode == -signum
    else:  # stopped like Ctrl-C: cleaned up, one line
        assert (killed.returncode, killed.stderr) == (128 + signum, f"Aborted ({signame}).\n")
        assert leftovers(site) == []
    assert_no_clear_text(site, tmp)
    found = snapshot(site / "public")
    assert found in (scenario.old, scenario.new), sorted(found.keys() ^ scenario.new.keys())
    if found == scenario.old:
        assert at <= first(scenario.build_trace, "ctypes.dlsym", "")

    again = mapsite(site, tmp, "build", "--no-pdf")

    assert again.returncode == 0, again.stderr
    assert leftovers(site) == []
    assert snapshot(site / "public").keys() == {
        name for name in scenario.new if not name.endswith(".pdf")
    }


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGKILL"])
def test_a_killed_pdf_command(scenario: Scenario, tmp_path: Path, tmp: Path, signame: str) -> None:
    """``mapsite pdf`` prints a protected plan from a temporary site in TMPDIR: killed
    as it writes the PDF, nothing there or in the outbox is in clear, or half written."""
    site = tmp_path / "site"
    shutil.copytree(scenario.template, site)
    at = first(scenario.pdf_trace, "open", r"\.pdf\.part$")

    killed = mapsite(site, tmp, "pdf", "plans/secret.md", "-o", "outbox", kill=f"{signame}@{at}")

    assert killed.returncode in (-signal.SIGKILL, 128 + signal.SIGTERM), killed.stderr
    # nothing, or (SIGTERM: the event loop stops after the write) the whole PDF, encrypted
    for pdf in (site / "outbox").iterdir():
        assert pdf.suffix == ".pdf" and PdfReader(pdf).is_encrypted, pdf
    assert_no_clear_text(site, tmp)
    if signame == "SIGTERM":
        assert list(tmp.glob("mapsite-pdf-*")) == []  # its temporary site removed


def assert_no_clear_text(*folders: Path) -> None:
    """No file under ``folders`` (but the plans) holds the protected plan's phrase: in its
    bytes (UTF-8 or UTF-16), nor in the text of a PDF that is not encrypted."""
    needles = [PHRASE.encode(), PHRASE.encode("utf-16-le"), PHRASE.encode("utf-16-be")]
    for path in (path for folder in folders for path in folder.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.parent.name == "plans":
            continue  # (the plan files themselves are the rep's)
        data = path.read_bytes()
        assert not any(n in data for n in needles), f"{path} holds the plan in clear"
        if data.startswith(b"%PDF"):
            reader = PdfReader(io.BytesIO(data))
            if not reader.is_encrypted:
                text = " ".join(page.extract_text() for page in reader.pages)
                assert PHRASE not in re.sub(r"\s+", " ", text), f"{path} is the plan in clear"
