"""Plans rendered on every core: a large site is split into chunks, each loaded,
checked and written by a worker process (forked with the templates compiled, where
the platform allows), for ``mapsite build`` and the dev server's full build."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import heap, incremental
from .errors import MapsiteError, Problem, in_one_line
from .load import Document, display_path
from .page import Page
from .passwords import password_problems
from .site import (
    Site,
    load_checked,
    token_clashes,
)
from .writer import SiteWriter, template_errors

if TYPE_CHECKING:
    pass


PARALLEL_FROM = 64  # plans; below this, starting worker processes costs more than it saves
LAST_CHUNK = 4  # plans: the smallest a worker is given, at the end (about 25 ms of work)


def write_plans(
    writer: SiteWriter,
    paths: list[Path],
    problems: list[Problem] | None = None,
    carried: Sequence[Page] = (),
    started: Callable[[int], None] | None = None,
) -> list[Page]:
    """Load, check and render every plan file; raise MapsiteError with all problems
    (``problems`` found before, in the settings, included). ``carried``: the pages of
    plans carried over from the last build, which share the site's links. ``started``
    is told how many plans are being rendered once they are (once the worker
    processes run: the build starts its PDF printers then, in a thread).

    Plans are independent, so large sites are split across one process per core.
    """
    with heap.tuned():
        pages, problems = _write_all(writer, paths, list(problems or []), started)
    pages = sorted([*pages, *carried], key=lambda page: page.file)
    problems += token_clashes([((p.token, *p.previous), p.file) for p in pages])
    if problems:
        raise MapsiteError(problems)
    return pages


def _write_all(
    writer: SiteWriter,
    paths: list[Path],
    problems: list[Problem],
    started: Callable[[int], None] | None = None,
) -> tuple[list[Page], list[Problem]]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        if started is not None:
            started(len(paths))
        found, pages = _write_chunk(writer, paths, stop=bool(problems))
        problems += found
    else:
        chunks = guided(paths, workers)
        pages = []
        with _worker_pool(writer, workers) as pool:
            done = pool.map(_write_chunk_in_worker, chunks)  # the workers run from here
            if started is not None:
                started(len(paths))
            for chunk_problems, chunk_pages, clear, entries in done:
                problems += chunk_problems
                pages += chunk_pages
                writer.clear |= clear
                writer.entries |= entries
    return pages, problems


def guided(paths: list[Path], workers: int) -> list[list[Path]]:
    """``paths`` in chunks that shrink toward the end: a third of each worker's share of
    what is left, down to LAST_CHUNK. Large chunks first, for few round trips; small
    ones last, so that no worker is still busy with a long one while the others wait."""
    chunks = []
    start = 0
    while start < len(paths):
        size = max(LAST_CHUNK, -(-(len(paths) - start) // (workers * 3)))
        chunks.append(paths[start : start + size])
        start += size
    return chunks


_worker_writer: SiteWriter | None = None


def _worker_pool(writer: SiteWriter, workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Forked workers inherit the writer with its templates already compiled; where
    processes are spawned (macOS, Windows) each worker makes its own."""
    global _worker_writer
    # forking a process that runs other threads (the dev server's, when it builds all
    # again) can copy a lock some thread holds: then workers are started afresh
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        with template_errors():  # compile once, before forking
            # not the 'default:...' names too: those are the same files again, compiled
            # again, and only a theme's {% extends %} asks for them
            for name in writer.env.list_templates(filter_func=_unprefixed_html):
                writer.env.get_template(name)
        # imported here once (icalendar: 40 ms), not by each worker at its first page
        from . import calendars  # noqa: F401

        heap.freeze()  # the workers share these pages with this process, untouched
        _worker_writer = writer
        return concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")
        )
    site, dest, today, pdf = writer.site, writer.dest, writer.today, writer.pdf
    return concurrent.futures.ProcessPoolExecutor(
        workers,
        initializer=_init_worker,
        initargs=(site, dest, today, pdf, writer.seal, writer.keep_clear, writer.record),
    )


def _unprefixed_html(name: str) -> bool:
    return name.endswith(".html") and ":" not in name


def _init_worker(
    site: Site, dest: Path, today: date, pdf: bool, seal: bool, keep_clear: bool,
    record: str | None,
) -> None:  # fmt: skip
    global _worker_writer
    _worker_writer = SiteWriter(
        site, dest, today, pdf=pdf, copy_files=False, seal=seal, keep_clear=keep_clear
    )
    _worker_writer.record = record


def _write_chunk_in_worker(
    paths: list[Path], each: bool = False
) -> tuple[list[Problem], list[Page], dict[str, str], dict[str, incremental.Entry]]:
    """A chunk's problems and pages, the clear pages of its protected plans (in
    memory only: the main process prints them), and the record of each plan."""
    assert _worker_writer is not None
    problems, pages = _write_chunk(_worker_writer, paths, each=each)
    clear, _worker_writer.clear = _worker_writer.clear, {}
    entries, _worker_writer.entries = _worker_writer.entries, {}
    return problems, pages, clear, entries


def _write_chunk(
    writer: SiteWriter, paths: list[Path], stop: bool = False, each: bool = False
) -> tuple[list[Problem], list[Page]]:
    """Load and render ``paths``; with ``stop`` (the build already failed), only check.

    ``each`` (the dev server): render every plan that has no problem of its own, and
    return only the pages rendered; a plan that makes mapsite fail is a problem of
    that plan, not the end of the build."""
    problems: list[Problem] = []
    pages: list[Page] = []
    for path in paths:
        if each:
            doc, found = load_served(writer.site, path, seal=writer.seal)
        else:
            doc, found = load_checked(writer.site, path)
            # a draft is published by no build: it needs its password only to be served
            if doc is not None and writer.seal and not doc.plan.draft:
                found += password_problems(doc)
        problems += found
        if doc is None or (each and found):
            continue
        page = Page.of(doc, writer.today)
        if not each:
            # a draft's too: its token is taken, no other plan may use it
            pages.append(page)
            if page.draft:
                writer.remember(doc, page)
                continue  # checked, never published: no page, calendar or PDF
        if (problems or stop) and not each:
            continue  # the build fails anyway: keep checking, stop rendering
        try:
            writer.write_plan(doc, page)
        except MapsiteError as exc:  # a template error: the same for every plan
            return problems + exc.problems, pages
        if not each:
            writer.remember(doc, page)
        if each:
            pages.append(page)
    return problems, pages


def load_served(site: Site, path: Path, *, seal: bool) -> tuple[Document | None, list[Problem]]:
    """One plan file as the dev server serves it, or its problems; never an exception
    (the server keeps running). ``seal``: served as published, so it needs its password."""
    try:
        doc, problems = load_checked(site, path)
    except Exception as exc:  # a fault of mapsite's: the plan is not served, the rest is
        return None, [Problem.about(display_path(path), f"cannot be loaded: {in_one_line(exc)}")]
    if doc is not None and seal and (problems := password_problems(doc)):
        return None, problems
    return doc, problems


def render_each(writer: SiteWriter, paths: list[Path]) -> tuple[list[Page], list[Problem]]:
    """The dev server's full build: every plan without problems rendered (on every
    core for a large site, as ``write_plans``); the pages, and the problems of the
    others, or of a template (not about a plan: the same for every plan). Links shared
    by two plans are not checked here."""
    with heap.tuned():
        return _render_all(writer, paths)


def _render_all(writer: SiteWriter, paths: list[Path]) -> tuple[list[Page], list[Problem]]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        problems, pages = _write_chunk(writer, paths, each=True)
        return pages, problems
    chunks = guided(paths, workers)
    pages, problems = [], []
    with _worker_pool(writer, workers) as pool:
        each = [True] * len(chunks)
        for found, done, clear, _ in pool.map(_write_chunk_in_worker, chunks, each):
            problems += found
            pages += done
            writer.clear |= clear
    return pages, problems
