"""``mapsite serve``: build, serve, watch, rebuild what changed, reload the browser.

One builder thread owns the output; requests wait for a running build (``lock``),
so nobody ever gets a half-written page. Editors write several times per save or
save by rename: events are collected and a rebuild starts once they have been
quiet for ``DEBOUNCE`` seconds, so one save gives one rebuild and none is missed.
Live reload is Server-Sent Events, injected into served pages only.
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import mimetypes
import os
import queue
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import incremental
from .config import CONFIG_FILE
from .errors import MapsiteError, Problem, in_one_line
from .load import Document, display_path, find_plans, is_plan
from .page import Page
from .routes import Answer, host_allowed, is_loopback, route
from .site import (
    ASSETS_DIR,
    PLANS_DIR,
    Site,
    load_settings,
    token_clashes,
)
from .workers import load_served, render_each
from .writer import SiteWriter

DEBOUNCE = 0.1  # editors' multi-write saves land within a few ms of each other
SETTLE = 0.02  # after a close-write event the file is complete: almost no wait
LIVE_PATH = "/__mapsite/"
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")
LIVE_JS = (Path(__file__).parent / "live.js").read_text(encoding="utf-8")
mimetypes.add_type("text/calendar", ".ics")  # calendars: not in every system's table


class DevSite:
    """The served site: its output, the current errors, and the clients.

    Every plan without errors is served; a plan with errors keeps its last good
    version when it had one. ``locked`` (serving beyond this computer): protected plans
    are served encrypted with their password, as the build publishes them.
    """

    def __init__(
        self,
        root: Path,
        today: Callable[[], date],
        log: Callable[[str], None],
        *,
        locked: bool = False,
    ) -> None:
        self.root = root.resolve()
        self.today = today
        self.log = log
        self.locked = locked
        self.lock = threading.RLock()
        self.out: Path | None = None
        self.site: Site | None = None
        self.writer: SiteWriter | None = None
        self.pages: dict[Path, Page] = {}
        """The plans served, by resolved path: each one's latest good version."""
        self.owners: dict[str, Path] = {}
        """Every link of a served plan (current and previous) -> that plan: a save checks
        its plan's links against these, not against every plan (a 1000-plan site)."""
        self.gone: dict[str, str] = {}
        """Replaced and expired links -> the page they answer 410 with (as _redirects)."""
        self.config_errors: list[Problem] = []
        self.plan_errors: dict[Path, list[Problem]] = {}
        self.version = 0
        self.instance = uuid.uuid4().hex[:8]
        self.clients: dict[queue.Queue[tuple[str, str]], bool] = {}
        """Each browser's queue of events, and whether it may read the errors."""
        self.clients_lock = threading.Lock()

    # --- building ----------------------------------------------------------------------

    @property
    def errors(self) -> list[Problem]:
        return sorted(self.config_errors + [p for ps in self.plan_errors.values() for p in ps])

    @property
    def tag(self) -> str:
        return f"{self.instance}-{self.version}"

    @property
    def stale(self) -> list[str]:
        """Links whose page shows the last good version of a plan that now has errors."""
        pages = self.pages
        return sorted(pages[path].token for path in self.plan_errors if path in pages)

    def full_build(self) -> bool:
        """Load and render everything into a fresh folder (on every core, as ``mapsite
        build``): every plan without errors, and the last good version of those with
        errors. Settings with errors keep the old folder (or none). Returns whether
        there is something new to show."""
        start = time.perf_counter()
        site, paths, problems = load_settings(self.root)
        if problems:
            self.config_errors, self.plan_errors = problems, {}
            return False
        out = Path(tempfile.mkdtemp(prefix="mapsite-serve-"))
        try:
            # on the network, protected plans are sealed in memory, as the build does
            writer = SiteWriter(site, out, self.today(), seal=self.locked)
            pages, plan_errors = self._render_all(writer, [p.resolve() for p in paths])
            writer.write_common(list(pages.values()))
        except MapsiteError as exc:  # a theme's template: the same for every plan
            shutil.rmtree(out, ignore_errors=True)
            self.config_errors, self.plan_errors = exc.problems, {}
            return False
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
        with self.lock:
            old, self.out, self.site, self.writer = self.out, out, site, writer
            self.pages = {path: pages[path] for path in sorted(pages)}
            self.owners = {t: path for path, page in self.pages.items() for t in page.links}
            self.config_errors, self.plan_errors = [], plan_errors
            self.gone = gone_links(self.pages.values())
            self.version += 1
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        took = (time.perf_counter() - start) * 1000
        self.log(f"built {len(pages)} plans in {took:.0f} ms")
        return True

    def _render_all(
        self, writer: SiteWriter, paths: list[Path]
    ) -> tuple[dict[Path, Page], dict[Path, list[Problem]]]:
        """Every plan rendered into the writer's folder: the pages served, by resolved
        path, and the problems of the others (which keep their last good version)."""
        rendered, problems = render_each(writer, paths)
        by_file = {display_path(path): path for path in paths}
        if theirs := [p for p in problems if p.file not in by_file]:
            raise MapsiteError(theirs)  # a template's: the same for every plan
        pages = {by_file[page.file]: page for page in rendered}
        errors: dict[Path, list[Problem]] = {}
        for problem in problems:
            errors.setdefault(by_file[problem.file], []).append(problem)
        # two plans with one link were rendered into one folder: the second is not served
        # (as the build would refuse it), and the first is rendered again, alone
        shared: set[str] = set()
        for problem in token_clashes([(page.links, page.file) for page in pages.values()]):
            path = by_file[problem.file]
            errors.setdefault(path, []).append(problem)
            if (page := pages.pop(path, None)) is not None:
                shared.update(page.links)
        for token in shared:
            shutil.rmtree(writer.dest / token, ignore_errors=True)
        for path, page in pages.items():
            if shared.intersection(page.links) and (doc := self._load(writer.site, path)[0]):
                writer.write_plan(doc)
        self._keep_last_good(pages, errors, writer.dest)
        return pages, errors

    def _keep_last_good(
        self, pages: dict[Path, Page], errors: dict[Path, list[Problem]], dest: Path
    ) -> None:
        """Plans with errors keep the page they had, while their link is still theirs."""
        taken = {token for page in pages.values() for token in page.links}
        for path in errors:
            old = self.pages.get(path)
            if old is None or self.out is None or taken.intersection(old.links):
                continue
            if incremental.carry(self.out, dest, incremental.files_of(self.out, old.links)):
                pages[path] = old
                taken.update(old.links)

    def _load(self, site: Site, path: Path) -> tuple[Document | None, list[Problem]]:
        return load_served(site, path, seal=self.locked)

    def plan_changed(self, paths: Iterable[Path]) -> bool:
        """Reload and re-render only these plan files (created, edited or deleted);
        returns whether a page changed. Nothing here goes over every plan of the site:
        a save costs the same on a site of three plans and of a thousand."""
        if self.site is None or self.writer is None:
            return self.full_build()
        start = time.perf_counter()
        pages, owners = dict(self.pages), dict(self.owners)
        changed: dict[Path, Document] = {}
        dropped: set[str] = set()
        """Links of the plans changed or removed, as they were: their folders may go."""
        # deletions first: a renamed plan arrives as its old and new path, and the new one
        # must not clash with the old one's token
        for path in sorted((p.resolve() for p in paths), key=lambda p: p.is_file()):
            self.plan_errors.pop(path, None)
            if not path.is_file():
                if (old := pages.pop(path, None)) is not None:
                    dropped |= _release(owners, path, old)
                continue
            doc, problems = self._load(self.site, path)
            page = Page.of(doc, self.writer.today) if doc is not None else None
            if page is not None:
                problems = _clashes(pages, owners, path, page)
            if doc is None or page is None or problems:
                self.plan_errors[path] = problems  # its last good version stays
                continue
            if (old := pages.get(path)) is not None:
                dropped |= _release(owners, path, old)
            pages[path] = page
            owners.update(dict.fromkeys(page.links, path))
            changed[path] = doc
        if not changed and not dropped:
            return False
        with self.lock:
            assert self.out is not None
            for token in dropped - owners.keys():  # pages of deleted or renamed plans
                shutil.rmtree(self.out / token, ignore_errors=True)
            self.pages, self.owners = pages, owners
            self.gone = gone_links(pages.values())
            try:
                for doc in changed.values():
                    self.writer.write_plan(doc)
            except MapsiteError as exc:  # a template error: the next change rebuilds all
                self.config_errors = exc.problems
                return False
            self.version += 1
        took = (time.perf_counter() - start) * 1000
        names = ", ".join(display_path(p) for p in changed) or "removed pages"
        self.log(f"rebuilt {names} in {took:.0f} ms")
        return True

    def plans_under(self, folder: Path) -> set[Path]:
        """The plans a change to a folder in plans/ reaches (moved, made or deleted with
        its plans): those served from it, and those in it now. Nothing for a file that
        is not a plan (an editor's or sed's temporary file, saved by rename)."""
        prefix = f"{folder}{os.sep}"
        found = {path for path in [*self.pages, *self.plan_errors] if str(path).startswith(prefix)}
        if folder.is_dir() and not folder.is_symlink():
            plans = (self.root / PLANS_DIR).resolve()
            found |= {p.resolve() for p in find_plans(folder) if is_plan(plans, p)}
        return found

    def rebuild(self, paths: set[Path]) -> None:
        """Decide what a batch of changed files needs, rebuild it and tell the browsers.

        Nothing stops the builder: an unexpected exception is shown like an error, and
        the next change rebuilds everything."""
        plans = (self.root / PLANS_DIR).resolve()
        inside = {p for p in paths if p.is_relative_to(plans) and p != plans}
        plan_files = {p for p in inside if p.suffix == ".md" and is_plan(plans, p)}
        for path in inside - plan_files:  # a folder of plans, or a file that is no plan
            plan_files |= self.plans_under(path)
        others = paths - inside
        css_only = bool(others) and not plan_files and all(p.suffix == ".css" for p in others)
        full = bool(others or self.config_errors)
        try:
            if self.full_build() if full else self.plan_changed(plan_files):
                self.broadcast("css" if css_only else "reload", self.tag)
        except Exception as exc:
            self.crashed(exc)
        self.report()

    def first_build(self) -> None:
        try:
            self.full_build()
        except Exception as exc:
            self.crashed(exc)
        self.report()

    def crashed(self, exc: Exception) -> None:
        """A fault of mapsite's own: shown in the terminal in full and in the browser."""
        self.log("".join(traceback.format_exception(exc)).rstrip())
        hint = "the server keeps running; save a file to try again, and please report this"
        self.config_errors = [Problem.about("", f"mapsite failed: {in_one_line(exc)}", hint)]

    def report(self) -> None:
        """Tell the terminal and the browsers what is wrong now (nothing, or the errors)."""
        if self.errors:
            self.log(MapsiteError(self.errors).format_message())
        with self.clients_lock:
            for q, trusted in self.clients.items():
                q.put(("errors", self.error_state(trusted)))

    def error_state(self, trusted: bool) -> str:
        """What the overlay shows: the errors, and whether the page is the last good one.
        Browsers elsewhere (``trusted`` false) are told that there are errors, not what
        they say: an error can quote a protected plan."""
        lines = [str(p) for p in self.errors]
        if lines and not trusted:
            lines = ["The site has errors: the terminal running mapsite serve shows them."]
        state = {
            "errors": lines,
            "built": self.out is not None,
            "site": bool(self.config_errors),
            "stale": self.stale,
        }
        return json.dumps(state)

    # --- clients ----------------------------------------------------------------------

    def subscribe(self, trusted: bool = True) -> queue.Queue[tuple[str, str]]:
        q: queue.Queue[tuple[str, str]] = queue.Queue()
        with self.clients_lock:
            self.clients[q] = trusted
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, str]]) -> None:
        with self.clients_lock:
            self.clients.pop(q, None)

    def broadcast(self, event: str, data: str) -> None:
        with self.clients_lock:
            for q in self.clients:
                q.put((event, data))

    def close(self) -> None:
        self.broadcast("bye", "")
        with self.lock:
            if self.out is not None:
                shutil.rmtree(self.out, ignore_errors=True)
                self.out = None


def gone_links(pages: Iterable[Page]) -> dict[str, str]:
    """Replaced and expired links of the plans -> the page they answer 410 with."""
    gone: dict[str, str] = {}
    for page in pages:
        if page.previous or page.expired:
            gone |= page.gone
    return gone


def _release(owners: dict[str, Path], path: Path, page: Page) -> set[str]:
    """Forget the links of ``page`` (the plan at ``path``, as it was); returns them."""
    for token in page.links:
        if owners.get(token) == path:
            del owners[token]
    return set(page.links)


def _clashes(
    pages: dict[Path, Page], owners: dict[str, Path], path: Path, page: Page
) -> list[Problem]:
    """The plan at ``path`` sharing a link with another served plan: the check of the
    whole site (``token_clashes``), on just the plans involved."""
    others = {owners[t] for t in page.links if owners.get(t, path) != path}
    if not others:
        return []
    involved = [(pages[o].links, pages[o].file) for o in sorted(others)]
    return token_clashes([*involved, (page.links, page.file)])


class Watcher(FileSystemEventHandler):
    """Collects changed paths under the site; ``batches`` yields them once quiet."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.watched = [self.root / d for d in (PLANS_DIR, ASSETS_DIR, "themes")]
        self.config = self.root / CONFIG_FILE
        self.pending: set[Path] = set()
        self.last_event = 0.0
        self.quiet_after = DEBOUNCE
        self.cond = threading.Condition()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with every file saved in it
        paths = [event.src_path, getattr(event, "dest_path", "")]
        relevant = {p for raw in paths if raw and self.relevant(p := Path(str(raw)).resolve())}
        if relevant:
            with self.cond:
                self.pending |= relevant
                self.last_event = time.monotonic()
                # an editor closing the file it wrote, or renaming it into place (a save
                # by rename: sed -i, "safe write"), is the end of a save
                done = event.event_type in ("closed", "moved")
                self.quiet_after = SETTLE if done else DEBOUNCE
                self.cond.notify_all()

    def relevant(self, path: Path) -> bool:
        name = path.name
        if name.startswith((".#", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913":
            return False  # editor swap and backup files
        if path == self.config:
            return True
        return any(path.is_relative_to(w) for w in self.watched)

    def next_batch(self, stop: threading.Event) -> set[Path] | None:
        """Block until something changed and then stayed quiet (DEBOUNCE, or SETTLE after
        a close-write), so several writes of one save give one batch."""
        with self.cond:
            while not self.pending:
                if stop.is_set():
                    return None
                self.cond.wait(0.2)
            while (wait := self.last_event + self.quiet_after - time.monotonic()) > 0:
                self.cond.wait(wait)
            batch, self.pending = self.pending, set()
            return batch


class Server(ThreadingHTTPServer):
    """The HTTP server, on IPv4 or IPv6 as the address says (``::`` takes both)."""

    daemon_threads = True
    request_queue_size = 128  # a page load opens several connections at once

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            with contextlib.suppress(OSError):  # IPv4 too, where the system allows it
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):  # a browser went away
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_handler(
    dev: DevSite, stop: threading.Event, names: frozenset[str], public: bool
) -> type[BaseHTTPRequestHandler]:
    """``names``: this computer's own names, also accepted as Host; ``public``: serving
    beyond this computer, where only browsers on it see the list of plans and errors."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "mapsite"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows builds and errors, not every request

        def do_HEAD(self) -> None:
            self.do_GET()

        @property
        def trusted(self) -> bool:
            """A browser on this computer (or any, when serving on loopback only)."""
            return not public or is_loopback(str(self.client_address[0]))

        def do_GET(self) -> None:
            host = self.headers.get("Host")
            port = self.server.server_address[1]
            if not host_allowed(host, port, self.connection.getsockname()[0], names):
                return self.send(403, refused(host, port).encode(), "text/plain; charset=utf-8")
            path = urllib.parse.urlsplit(self.path).path
            if path == LIVE_PATH + "events":
                return self.events()
            if path == LIVE_PATH + "live.js":
                return self.send(200, LIVE_JS.encode(), "text/javascript; charset=utf-8")
            if path == "/" and self.trusted:
                return self.send(200, dev_index(dev).encode(), "text/html; charset=utf-8")
            with dev.lock:  # waits for a running build
                answer = route(dev.out, self.path, dev.gone) if dev.out else Answer(404)
                data = answer.file.read_bytes() if answer.file and answer.file.is_file() else None
                tag = dev.tag
            if answer.location is not None:
                return self.redirect(answer.status, answer.location)
            if data is None:  # nothing built yet
                body = not_found_page(dev).encode()
                return self.send(answer.status, body, "text/html; charset=utf-8")
            assert answer.file is not None
            kind = mimetypes.guess_type(answer.file.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = inject(data.decode("utf-8"), tag).encode("utf-8")
                kind += "; charset=utf-8"
            elif kind.startswith("text/") or kind.endswith(("javascript", "json", "svg+xml")):
                kind += "; charset=utf-8"
            self.send(answer.status, data, kind)

        def send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def redirect(self, status: int, location: str) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()

        def events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            q = dev.subscribe(self.trusted)
            try:
                self.write_event("hello", dev.tag, retry=500)
                self.write_event("errors", dev.error_state(self.trusted))
                while not stop.is_set():
                    try:
                        event, data = q.get(timeout=10)
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    self.write_event(event, data)
                    if event == "bye":
                        break
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                dev.unsubscribe(q)

        def write_event(self, event: str, data: str, retry: int | None = None) -> None:
            head = f"retry: {retry}\n" if retry else ""
            self.wfile.write(f"{head}event: {event}\ndata: {data}\n\n".encode())
            self.wfile.flush()

    return Handler


def refused(host: str | None, port: int) -> str:
    """The answer to a request for another host: what happened, and the way in."""
    shown = (host or "")[:100] or "no host"
    return (
        f"mapsite serve answers only requests for the addresses it serves on, such as "
        f"http://localhost:{port}/ ; this one was for '{shown}'. (A web page elsewhere "
        "cannot read your plans by pointing its own name at this computer.)\n"
    )


def inject(page: str, tag: str) -> str:
    script = f'<script src="{LIVE_PATH}live.js" data-version="{tag}" defer></script>'
    return page.replace("</head>", script + "</head>", 1) if "</head>" in page else page + script


def dev_index(dev: DevSite) -> str:
    """The rep's own list of plans (only on the dev server: the published site lists none)."""
    with dev.lock:
        pages = [dev.pages[path] for path in sorted(dev.pages)]
        tag = dev.tag
    items = "".join(
        f'<li><a href="/{html.escape(p.token)}/">{html.escape(p.buyer)}</a>'
        f" <span>{html.escape(p.title)} · {html.escape(p.file)}"
        f"{' · draft: not published by mapsite build' if p.draft else ''}</span></li>"
        for p in pages
    )
    body = f"<ul>{items}</ul>" if items else "<p>No plans built yet.</p>"
    return inject(DEV_PAGE.format(title="Plans", body=body), tag)


def not_found_page(dev: DevSite) -> str:
    body = '<p>No page here. <a href="/">All plans</a></p>'
    return inject(DEV_PAGE.format(title="Not found", body=body), dev.tag)


DEV_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · mapsite serve</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto;
  padding: 0 1rem; color: #151a2d; }}
h1 {{ font-size: 1.4rem; }} li {{ margin: .6rem 0; }} a {{ color: #4338ca; font-weight: 600; }}
span {{ color: #535b73; font-size: .9rem; }}
</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""

DEFAULT_PORT = 8000
TRIES = 10
"""Ports tried from DEFAULT_PORT on when none is given, before any free one."""


def listen(host: str, port: int | None, handler: type[BaseHTTPRequestHandler]) -> Server:
    """The listening server. A port given (``--port``) is that port or a clear error;
    without one, the next free port after a busy default, as Hugo and Vite do."""
    ports = [port] if port is not None else [DEFAULT_PORT + i for i in range(TRIES)] + [0]
    for candidate in ports:
        try:
            return Server((host, candidate), handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and candidate != ports[-1]:
                continue
            raise click.ClickException(listen_problem(host, candidate, exc)) from None
    raise AssertionError("unreachable: the last port either listens or raises")


def listen_problem(host: str, port: int, exc: OSError) -> str:
    """One line for a server that cannot start, with the way out."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use (another mapsite serve?): stop that server, "
            f"or choose another port with --port, e.g. --port {port + 1}"
        )
    if exc.errno == errno.EACCES:
        return (
            f"cannot listen on port {port}: permission denied (ports below 1024 need "
            "administrator rights); choose another with --port, e.g. --port 8000"
        )
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot listen on '{host}': not an address of this computer (use 127.0.0.1, "
            "or 0.0.0.0 to let a phone on your network connect)"
        )
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def own_names() -> frozenset[str]:
    """This computer's names, as a phone on the network may call it."""
    name = socket.gethostname().lower()
    return frozenset({name, f"{name}.local", socket.getfqdn().lower()} - {""})


def lan_address() -> str | None:
    """This computer's address on its network (a UDP 'connection' sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return None


def serve(
    root: Path,
    host: str,
    port: int | None,
    today: Callable[[], date],
    open_browser: bool = False,
    log: Callable[[str], None] = print,
) -> None:
    """Build, serve and watch until Ctrl-C (or SIGTERM); then clean up.

    ``port`` None: 8000, or the next free one. On an address other than loopback the
    pages are served as they will be published: protected plans locked."""
    public = not is_loopback(host)
    dev = DevSite(root, today, log, locked=public)
    stop = threading.Event()
    watcher = Watcher(root)
    observer: Observer | None = None  # made after the first build: it starts a thread
    httpd: Server | None = None
    builder: threading.Thread | None = None

    # SIGTERM and SIGHUP arrive as Ctrl-C does (stop.py, for every command). Everything
    # after this point is inside the try: a stop at any moment (even during the first
    # build) ends cleanly and removes the temporary output
    try:
        names = own_names() if public else frozenset()
        httpd = listen(host, port, make_handler(dev, stop, names, public))
        bound = httpd.server_address[1]
        if port is None and bound != DEFAULT_PORT:
            log(f"port {DEFAULT_PORT} is in use: serving on port {bound} (choose with --port)")
        # before any other thread runs: the build's workers are forked, which is only
        # safe (and quick) in a process of one thread (build.py)
        dev.first_build()
        observer = Observer()
        observer.schedule(watcher, str(dev.root), recursive=True)
        observer.start()

        def build_loop() -> None:
            while (batch := watcher.next_batch(stop)) is not None:
                dev.rebuild(batch)

        builder = threading.Thread(target=build_loop, name="mapsite-builder", daemon=True)
        builder.start()
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        shown = f"[{shown}]" if ":" in shown else shown
        url = f"http://{shown}:{bound}/"
        if public:
            lan = lan_address() if shown == "127.0.0.1" else None
            where = f"http://{lan}:{bound}/" if lan else f"{host}:{bound}"
            log(
                f"note: anyone on your network can open this server ({where}).\n"
                "      It serves the pages as they will be published: protected plans "
                "locked; the list of plans and the errors show on this computer only."
            )
        log(f"serving {display_path(dev.root)} at {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        stop.set()
        dev.close()
        if observer is not None and observer.is_alive():
            observer.stop()
            observer.join(timeout=2)
        if httpd is not None:
            httpd.server_close()
        if builder is not None:
            builder.join(timeout=2)
