"""``mapsite serve``: build, serve, watch, rebuild what changed, reload the browser.

One builder thread owns the output; requests wait for a running build (``lock``),
so nobody ever gets a half-written page. Editors write several times per save or
save by rename: events are collected and a rebuild starts once they have been
quiet for ``DEBOUNCE`` seconds, so one save gives one rebuild and none is missed.
Live reload is Server-Sent Events, injected into served pages only.
"""

from __future__ import annotations

import dataclasses
import html
import json
import mimetypes
import posixpath
import queue
import shutil
import signal
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import Page, SiteWriter
from .config import CONFIG_FILE
from .errors import MapsiteError, Problem
from .load import display_path
from .site import (
    ASSETS_DIR,
    PLANS_DIR,
    Site,
    load_checked,
    load_site,
    plan_tokens,
    token_clashes,
)

DEBOUNCE = 0.1  # editors' multi-write saves land within a few ms of each other
SETTLE = 0.02  # after a close-write event the file is complete: almost no wait
LIVE_PATH = "/__mapsite/"
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")
LIVE_JS = (Path(__file__).parent / "live.js").read_text(encoding="utf-8")
mimetypes.add_type("text/calendar", ".ics")  # calendars: not in every system's table


class DevSite:
    """The served site: the last good output, the current errors, and the clients."""

    def __init__(self, root: Path, today: Callable[[], date], log: Callable[[str], None]) -> None:
        self.root = root.resolve()
        self.today = today
        self.log = log
        self.lock = threading.RLock()
        self.out: Path | None = None
        self.site: Site | None = None
        self.writer: SiteWriter | None = None
        self.config_errors: list[Problem] = []
        self.plan_errors: dict[Path, list[Problem]] = {}
        self.version = 0
        self.instance = uuid.uuid4().hex[:8]
        self.clients: set[queue.Queue[tuple[str, str]]] = set()
        self.clients_lock = threading.Lock()

    # --- building ----------------------------------------------------------------------

    @property
    def errors(self) -> list[Problem]:
        return sorted(self.config_errors + [p for ps in self.plan_errors.values() for p in ps])

    @property
    def tag(self) -> str:
        return f"{self.instance}-{self.version}"

    def full_build(self) -> bool:
        """Load and render everything into a fresh folder; keep the old one on failure."""
        start = time.perf_counter()
        try:
            site = load_site(self.root)
            out = Path(tempfile.mkdtemp(prefix="mapsite-serve-"))
            try:
                writer = SiteWriter(site, out, self.today())
                for doc in site.documents:
                    writer.write_plan(doc)
                writer.write_common([Page.of(d, writer.today) for d in site.documents])
            except BaseException:
                shutil.rmtree(out, ignore_errors=True)
                raise
        except MapsiteError as exc:
            self._failed(exc.problems, per_plan=True)
            return False
        with self.lock:
            old, self.out, self.site, self.writer = self.out, out, site, writer
            self.config_errors, self.plan_errors = [], {}
            self.version += 1
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        took = (time.perf_counter() - start) * 1000
        self.log(f"built {len(site.documents)} plans in {took:.0f} ms")
        return True

    def plan_changed(self, paths: Iterable[Path]) -> bool:
        """Reload and re-render only these plan files (created, edited or deleted)."""
        if self.site is None or self.writer is None:
            return self.full_build()
        start = time.perf_counter()
        docs = {d.path.resolve(): d for d in self.site.documents}
        changed: list[Path] = []
        # deletions first: a renamed plan arrives as its old and new path, and the new one
        # must not clash with the old one's token
        for path in sorted((p.resolve() for p in paths), key=lambda p: p.is_file()):
            self.plan_errors.pop(path, None)
            if not path.is_file():
                docs.pop(path, None)
                continue
            doc, problems = load_checked(self.site, path)
            if doc is not None:
                others = [(plan_tokens(d), d.source.file) for p, d in docs.items() if p != path]
                problems = token_clashes([*others, (plan_tokens(doc), doc.source.file)])
            if doc is None or problems:
                self.plan_errors[path] = problems
                continue
            docs[path] = doc
            changed.append(path)
        if self.errors:
            self._failed(self.errors, per_plan=False)
            return False
        site = dataclasses.replace(self.site, documents=sorted(docs.values(), key=lambda d: d.path))
        with self.lock:
            assert self.out is not None
            live = {token for d in site.documents for token in plan_tokens(d)}
            for folder in self.out.iterdir():  # pages of deleted or renamed plans
                if (
                    folder.is_dir()
                    and (folder / "index.html").is_file()
                    and folder.name not in live
                ):
                    shutil.rmtree(folder)
            self.site = self.writer.site = site
            try:
                for path in changed:
                    self.writer.write_plan(docs[path])
            except MapsiteError as exc:
                self._failed(exc.problems, per_plan=False)
                return False
            self.version += 1
        took = (time.perf_counter() - start) * 1000
        names = ", ".join(display_path(p) for p in changed) or "removed pages"
        self.log(f"rebuilt {names} in {took:.0f} ms")
        return True

    def _failed(self, problems: list[Problem], *, per_plan: bool) -> None:
        if per_plan:
            plan_files = {display_path(p.resolve()): p.resolve() for p in self._plan_paths()}
            self.config_errors, self.plan_errors = [], {}
            for problem in problems:
                path = plan_files.get(problem.file)
                if path is not None:
                    self.plan_errors.setdefault(path, []).append(problem)
                else:
                    self.config_errors.append(problem)
        errors = self.errors
        self.log(MapsiteError(errors).format_message())
        self.broadcast("errors", json.dumps([str(p) for p in errors]))

    def _plan_paths(self) -> list[Path]:
        plans = self.root / PLANS_DIR
        return list(plans.rglob("*.md")) if plans.is_dir() else []

    def rebuild(self, paths: set[Path]) -> None:
        """Decide what a batch of changed files needs, rebuild it and tell the browsers."""
        plans = (self.root / PLANS_DIR).resolve()
        plan_files = {p for p in paths if p.suffix == ".md" and p.is_relative_to(plans)}
        others = paths - plan_files
        css_only = bool(others) and not plan_files and all(p.suffix == ".css" for p in others)
        full = bool(others or self.config_errors)
        if self.full_build() if full else self.plan_changed(plan_files):
            self.broadcast("css" if css_only else "reload", self.tag)

    # --- clients ----------------------------------------------------------------------

    def subscribe(self) -> queue.Queue[tuple[str, str]]:
        q: queue.Queue[tuple[str, str]] = queue.Queue()
        with self.clients_lock:
            self.clients.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, str]]) -> None:
        with self.clients_lock:
            self.clients.discard(q)

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
                # an editor closing the file it wrote is the end of a save
                self.quiet_after = SETTLE if event.event_type == "closed" else DEBOUNCE
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


def make_handler(dev: DevSite, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mapsite"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows builds and errors, not every request

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path == LIVE_PATH + "events":
                return self.events()
            if path == LIVE_PATH + "live.js":
                return self.send(200, LIVE_JS.encode(), "text/javascript; charset=utf-8")
            if path == "/":
                return self.send(200, dev_index(dev).encode(), "text/html; charset=utf-8")
            with dev.lock:  # waits for a running build
                target = resolve_request(dev.out, path)
                if target is None:
                    body = not_found_page(dev).encode()
                    return self.send(404, body, "text/html; charset=utf-8")
                data = target.read_bytes()
                tag = dev.tag
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = inject(data.decode("utf-8"), tag).encode("utf-8")
                kind += "; charset=utf-8"
            elif kind.startswith("text/") or kind.endswith(("javascript", "json", "svg+xml")):
                kind += "; charset=utf-8"
            self.send(200, data, kind)

        def send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            q = dev.subscribe()
            try:
                self.write_event("hello", dev.tag, retry=500)
                if dev.errors:
                    self.write_event("errors", json.dumps([str(p) for p in dev.errors]))
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


def resolve_request(out: Path | None, path: str) -> Path | None:
    """The file a URL path names inside ``out``, or None (never anything outside it)."""
    if out is None or "\0" in path or "\\" in path:
        return None
    parts = path.split("/")
    if ".." in parts:
        return None
    clean = posixpath.normpath("/" + path).lstrip("/")
    target = (out / clean).resolve()
    if not target.is_relative_to(out.resolve()):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def inject(page: str, tag: str) -> str:
    script = f'<script src="{LIVE_PATH}live.js" data-version="{tag}" defer></script>'
    return page.replace("</head>", script + "</head>", 1) if "</head>" in page else page + script


def dev_index(dev: DevSite) -> str:
    """The rep's own list of plans (only on the dev server: the published site lists none)."""
    with dev.lock:
        docs = list(dev.site.documents) if dev.site else []
        tag = dev.tag
    items = "".join(
        f'<li><a href="/{html.escape(d.plan.share.token)}/">{html.escape(d.plan.buyer.name)}</a>'
        f" <span>{html.escape(d.plan.title)} · {html.escape(d.source.file)}</span></li>"
        for d in docs
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
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto;
  padding: 0 1rem; color: #151a2d; }}
h1 {{ font-size: 1.4rem; }} li {{ margin: .6rem 0; }} a {{ color: #4338ca; font-weight: 600; }}
span {{ color: #535b73; font-size: .9rem; }}
</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def serve(
    root: Path,
    host: str,
    port: int,
    today: Callable[[], date],
    open_browser: bool = False,
    log: Callable[[str], None] = print,
) -> None:
    """Build, serve and watch until Ctrl-C (or SIGTERM); then clean up."""
    dev = DevSite(root, today, log)
    stop = threading.Event()
    watcher = Watcher(root)
    observer = Observer()
    httpd: ThreadingHTTPServer | None = None
    builder: threading.Thread | None = None

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    # everything after this point is inside the try: Ctrl-C at any moment (even during
    # the first build) stops cleanly and removes the temporary output
    try:
        dev.full_build()
        observer.schedule(watcher, str(dev.root), recursive=True)
        observer.start()
        httpd = ThreadingHTTPServer((host, port), make_handler(dev, stop))
        httpd.daemon_threads = True

        def build_loop() -> None:
            while (batch := watcher.next_batch(stop)) is not None:
                dev.rebuild(batch)

        builder = threading.Thread(target=build_loop, name="mapsite-builder", daemon=True)
        builder.start()
        url = f"http://{host if host != '0.0.0.0' else '127.0.0.1'}:{httpd.server_address[1]}/"
        log(f"serving {display_path(dev.root)} at {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()
        dev.close()
        if observer.is_alive():
            observer.stop()
            observer.join(timeout=2)
        if httpd is not None:
            httpd.server_close()
        if builder is not None:
            builder.join(timeout=2)
