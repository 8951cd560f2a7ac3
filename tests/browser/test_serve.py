"""``mapsite serve`` as a real process, driven by a real browser."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from support import TODAY, sealed_of

from mapsite import seal
from mapsite.load import load_plan
from mapsite.serve import lan_address

REPO = Path(__file__).resolve().parents[2]
THEME_CSS = REPO / "mapsite" / "themes" / "default" / "static" / "mapsite.css"
WAIT = 120  # seconds: only a guard against a hang; a busy machine must never fail a test
WAIT_MS = WAIT * 1000  # the same, for Playwright


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    site: Path
    tmpdir: Path
    port: int
    output: list[str]
    """What it printed before it served."""

    def plan(self, name: str) -> Path:
        return self.site / "plans" / f"{name}.md"

    def link(self, name: str) -> str:
        """The path of the plan's page: its private link, ``/TOKEN/``."""
        return f"/{load_plan(self.plan(name)).plan.share.token}/"


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for folder in ("plans", "assets"):
        shutil.copytree(REPO / folder, site / folder)
    # a site theme that overrides the stylesheet, so CSS edits can be tested
    (site / "themes" / "local" / "static").mkdir(parents=True)
    (site / "themes" / "local" / "theme.yml").write_text("extends: default\n")
    shutil.copy(THEME_CSS, site / "themes" / "local" / "static" / "mapsite.css")
    (site / "mapsite.yml").write_text("theme: local\nholidays: US\n")
    return site


def start(site: Path, tmpdir: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    """``mapsite serve SITE --port 0 ARGS``, once it says where it serves."""
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1", **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mapsite",
            "serve",
            str(site),
            "--port",
            "0",
            "--today",
            TODAY,
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    url, output = "", []
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and not url:
        line = process.stdout.readline()
        output.append(line)
        if match := re.search(r"at (http://127\.0\.0\.1:(\d+)/)", line):
            url = match.group(1)
        if not line and process.poll() is not None:
            break
    assert url, f"the server did not start: {''.join(output)}"
    port = int(url.rsplit(":", 1)[1].rstrip("/"))
    return Server(process, url, site, tmpdir, port, output)


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        server.process.wait(timeout=WAIT)
    assert server.process.stdout is not None
    server.process.stdout.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = start(make_site(tmp_path), tmp_path / "tmp")
    yield server
    stop(server)


def get(server: Server, path: str) -> tuple[int, bytes]:
    """A raw GET: the path is sent as written, encoded dots and all."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("window.mapsiteLive && window.mapsiteLive.readyState === 1")
    return page


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editing_a_plan_updates_the_open_page(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    edit(server.plan("tailspin"), "title: ", "title: Updated — ")
    expect(page.locator("h1")).to_contain_text("Updated — ", timeout=WAIT_MS)
    page.close()


def test_broken_yaml_shows_the_error_overlay_until_fixed(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    path = server.plan("tailspin")
    good = path.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    lines[1] = "title: [unclosed\n"
    path.write_text("".join(lines), encoding="utf-8")

    overlay = page.locator("#mapsite-errors")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("plans/tailspin.md:")
    expect(overlay).to_contain_text("invalid YAML")
    # the last good page is still there underneath
    assert page.locator("h1").count() == 1

    path.write_text(good.replace("title: ", "title: Fixed — ", 1), encoding="utf-8")
    expect(page.locator("h1")).to_contain_text("Fixed — ", timeout=WAIT_MS)
    expect(overlay).to_have_count(0)
    page.close()


def test_the_overlay_names_the_file_and_line(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("northwind")[1:])
    path = server.plan("northwind")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("go_live:")) + 1
    lines[number - 1] = "go_live: next spring\n"
    path.write_text("".join(lines), encoding="utf-8")
    expect(page.locator("#mapsite-errors")).to_contain_text(
        f"plans/northwind.md:{number}:10: go_live: 'next spring' is not a date", timeout=WAIT_MS
    )
    page.close()


def test_a_css_change_restyles_without_navigation(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    page.evaluate("window.notReloaded = true")
    css = server.site / "themes" / "local" / "static" / "mapsite.css"
    css.write_text(css.read_text() + "\nbody { background: rgb(1, 2, 3) !important; }\n")
    page.wait_for_function(
        "getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'", timeout=WAIT_MS
    )
    assert page.evaluate("window.notReloaded") is True
    page.close()


def test_calendars_are_served_as_calendars_and_subscribed_here(browser: Browser, server: Server):
    link = server.link("northwind")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        conn.request("GET", f"{link}plan.ics")
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/calendar; charset=utf-8"
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")

    page = open_page(browser, server.url + link[1:])
    subscribe = page.locator(".calendar-cta .calendar-link--subscribe")
    webcal = f"webcal://127.0.0.1:{server.port}{link}plan.ics"
    assert subscribe.get_attribute("href") == webcal
    # after a save the page's body is swapped: its links are made webcal:// again
    edit(server.plan("northwind"), "title: ", "title: Updated — ")
    expect(page.locator("h1")).to_contain_text("Updated — ", timeout=WAIT_MS)
    assert subscribe.get_attribute("href") == webcal
    assert b"Updated" in get(server, f"{link}plan.ics")[1]
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc/passwd",
        "/static/%2e%2e%2f%2e%2e%2fmapsite.yml",
        "/..%5c..%5cmapsite.yml",
        "/%00",
    ],
)
def test_paths_outside_the_output_are_refused(server: Server, path: str):
    code, body = get(server, path)
    assert code == 404
    assert b"root:" not in body and b"theme: local" not in body


def test_a_hundred_concurrent_requests(server: Server):
    paths = [server.link("northwind"), server.link("tailspin"), "/static/mapsite.css", "/"]
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda i: get(server, paths[i % 4])[0], range(100)))
    assert statuses == [200] * 100


def status(server: Server, path: str) -> int:
    return get(server, path)[0]


def wait_for_status(server: Server, path: str, expected: int) -> None:
    deadline = time.monotonic() + WAIT
    while status(server, path) != expected:
        assert time.monotonic() < deadline, f"{path} never answered {expected}"
        time.sleep(0.05)


def index(server: Server) -> str:
    """The dev server's own list of plans, with each plan's file."""
    return get(server, "/")[1].decode("utf-8")


def test_survives_a_deleted_and_a_renamed_plan(server: Server):
    tailspin, northwind = server.link("tailspin"), server.link("northwind")
    server.plan("tailspin").unlink()
    wait_for_status(server, tailspin, 404)
    # the link lives in the plan, not in its file name: a renamed plan keeps its page.
    # There and back: the watcher reports the old and the new name in either order.
    for old, new in [("northwind", "nw"), ("nw", "northwind")]:
        server.plan(old).rename(server.plan(new))
        deadline = time.monotonic() + WAIT
        while f"plans/{new}.md</span>" not in (listed := index(server)):
            assert time.monotonic() < deadline, f"the rename to {new}.md never showed: {listed}"
            time.sleep(0.05)
        assert f"plans/{old}.md</span>" not in listed
        assert status(server, northwind) == 200
    assert status(server, server.link("fabrikam-renewal")) == 200
    assert server.process.poll() is None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_stops_cleanly_and_removes_temporary_files(server: Server, signum: int):
    """Ctrl-C, a closed terminal (SIGHUP) or a process manager (SIGTERM) alike."""
    assert any(server.tmpdir.iterdir()), "the server keeps its output in a temporary folder"
    server.process.send_signal(signum)
    assert server.process.wait(timeout=WAIT) == 0
    assert list(server.tmpdir.iterdir()) == []


def test_built_output_never_contains_the_live_reload_script(server: Server, tmp_path: Path):
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "mapsite", "build", str(server.site), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    for page in out.rglob("*.html"):
        assert "__mapsite" not in page.read_text(encoding="utf-8")


# --- answering only as the published site does, and only to its own name -------------

OLD_LINK = "W7hrfhSJCYSEnzUbwa616w"  # plans/northwind.md's share.previous


def request(
    server: Server, path: str, host: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A raw GET with the Host header as given (None: none at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_request_for_another_host_is_refused(server: Server):
    """DNS rebinding: a page at evil.example points its name at 127.0.0.1 and reads the
    plans as its own origin. Such requests carry its name, not the server's."""
    link, port = server.link("northwind"), server.port
    for host in (
        "evil.example",
        f"evil.example:{port}",
        f"localhost.evil.example:{port}",
        f"127.0.0.1:{port + 1}",
        f"[::1]:{port}",
        "",
        None,
    ):
        for path in (link, "/", "/__mapsite/events", f"{link}plan.ics"):
            status, headers, body = request(server, path, host)
            assert status == 403, (host, path)
            assert headers["Content-Type"] == "text/plain; charset=utf-8"
            text = body.decode("utf-8")
            assert text.startswith("mapsite serve answers only requests for the addresses")
            assert f"http://localhost:{port}/" in text
            assert link.strip("/") not in text and "Northwind" not in text
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"LOCALHOST.:{port}"):
        status, _, body = request(server, link, host)
        assert status == 200 and b"Northwind" in body, host


def test_an_8000_character_path_segment_is_a_404_page(server: Server):
    for path in (
        "/" + "a" * 8000,
        "/" + "a" * 8000 + "/plan.ics",
        server.link("tailspin") + "é" * 4000,
    ):
        code, _, body = request(server, urllib.parse.quote(path), f"127.0.0.1:{server.port}")
        assert code == 404
        assert b"<h1>Nothing here</h1>" in body
    assert status(server, server.link("tailspin")) == 200
    assert server.process.poll() is None


def test_a_link_without_its_slash_redirects_so_relative_links_work(
    browser: Browser, server: Server
):
    link = server.link("tailspin")
    code, headers, _ = request(server, link.rstrip("/") + "?from=mail", f"localhost:{server.port}")
    assert (code, headers["Location"]) == (301, f"{link}?from=mail")
    page = browser.new_page()
    page.goto(server.url + link.strip("/"))
    assert page.url == server.url + link[1:]
    assert "sans-serif" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.close()


def neutral_page_is_styled(page: Page) -> bool:
    """The theme's stylesheet applies (not the browser's default serif)."""
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    radius = page.evaluate("getComputedStyle(document.querySelector('main')).borderRadius")
    return "sans-serif" in family and radius != "0px"


def test_replaced_and_expired_links_answer_410_with_a_styled_page_at_any_depth(
    browser: Browser, tmp_path: Path
):
    site = make_site(tmp_path)
    tailspin = site / "plans" / "tailspin.md"
    text = tailspin.read_text(encoding="utf-8")
    tailspin.write_text(text.replace("\nshare:\n", "\nshare:\n  expires: 2026-11-01\n", 1))
    server = start(site, tmp_path / "tmp")
    try:
        expired = server.link("tailspin")
        cases = [
            (f"/{OLD_LINK}/", "This link was replaced"),
            (f"/{OLD_LINK}", "This link was replaced"),
            (f"/{OLD_LINK}/plan.ics", "This link was replaced"),
            (f"/{OLD_LINK}/a/b/", "This link was replaced"),
            (expired, "This link has expired"),
            (f"{expired}plan.ics", "This link has expired"),
            ("/no/such/page/", "Nothing here"),
        ]
        page = browser.new_page()
        for path, heading in cases:
            response = page.goto(server.url + path[1:])
            assert response is not None
            assert response.status == (404 if heading == "Nothing here" else 410), path
            assert page.locator("h1").inner_text() == heading
            assert neutral_page_is_styled(page), path
            assert "Tailspin" not in page.content() and "Northwind" not in page.content()
        page.close()
    finally:
        stop(server)


def test_every_page_has_an_icon_and_loads_nothing_missing(browser: Browser, server: Server):
    code, headers, _ = request(server, "/favicon.ico", f"localhost:{server.port}")
    assert (code, headers["Location"]) == (301, "/static/favicon.svg")
    page = browser.new_page()
    failed: list[str] = []
    # a request the next navigation cuts short (the live-reload stream, an icon still
    # loading) is aborted, not missing
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and failed.append(r.url))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and r.request.resource_type != "document" and failed.append(r.url)
        ),
    )
    for path in ("/", server.link("northwind"), f"/{OLD_LINK}/x/", "/nothing/here/"):
        page.goto(server.url + path[1:])
        page.wait_for_load_state("load")
        icon = page.locator('link[rel="icon"]').get_attribute("href")
        assert icon is not None, path
        response = page.request.get(urllib.parse.urljoin(page.url, icon))
        assert response.status == 200
        assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
        assert response.body().startswith(b"<svg")
    favicon = page.request.get(server.url + "favicon.ico")
    assert favicon.status == 200 and favicon.body().startswith(b"<svg")
    page.close()
    assert failed == []


# --- a builder nothing stops -----------------------------------------------------------


def test_a_nul_byte_in_a_plan_is_shown_and_its_fix_picked_up(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    path = server.plan("tailspin")
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: ", "title: \0", 1), encoding="utf-8")
    overlay = page.locator("#mapsite-errors")
    expect(overlay).to_contain_text("plans/tailspin.md", timeout=WAIT_MS)
    expect(overlay).to_contain_text("This page shows the plan's last good version.")

    path.write_text(good.replace("title: ", "title: Fixed — ", 1), encoding="utf-8")
    expect(page.locator("h1")).to_contain_text("Fixed — ", timeout=WAIT_MS)
    expect(overlay).to_have_count(0)
    # and the next edit is picked up too: the builder is still running
    path.write_text(good.replace("title: ", "title: Again — ", 1), encoding="utf-8")
    expect(page.locator("h1")).to_contain_text("Again — ", timeout=WAIT_MS)
    page.close()


def test_a_fault_in_a_theme_is_shown_and_the_server_keeps_building(
    browser: Browser, server: Server
):
    """Not only mapsite's own errors: here a theme's template adds a number to a text,
    which Jinja leaves to Python (a TypeError), shown where it happened."""
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    templates = server.site / "themes" / "local" / "templates"
    templates.mkdir()
    (templates / "plan.html").write_text('{{ 1 + "a" }}\n', encoding="utf-8")
    overlay = page.locator("#mapsite-errors")
    expect(overlay).to_contain_text("plan.html:1:1: TypeError", timeout=WAIT_MS)
    (templates / "plan.html").unlink()
    expect(overlay).to_have_count(0, timeout=WAIT_MS)
    edit(server.plan("tailspin"), "title: ", "title: After — ")
    expect(page.locator("h1")).to_contain_text("After — ", timeout=WAIT_MS)
    page.close()


def test_one_broken_plan_at_start_leaves_the_others_served(browser: Browser, tmp_path: Path):
    site = make_site(tmp_path)
    broken = site / "plans" / "tailspin.md"
    good = broken.read_text(encoding="utf-8")
    token = load_plan(broken).plan.share.token
    broken.write_text(good.replace("title: ", "title: [unclosed ", 1), encoding="utf-8")
    server = start(site, tmp_path / "tmp")
    try:
        printed = "".join(server.output)
        assert "built 2 plans" in printed and "plans/tailspin.md:" in printed
        assert status(server, server.link("northwind")) == 200
        assert status(server, f"/{token}/") == 404

        for path, note in [
            (server.link("northwind"), "Plans without errors are up to date."),
            (f"/{token}/", "Plans without errors are up to date."),
            ("/", "Plans without errors are up to date."),
        ]:
            page = open_page(browser, server.url + path[1:])
            overlay = page.locator("#mapsite-errors")
            expect(overlay).to_contain_text("plans/tailspin.md:3:6: invalid YAML", timeout=WAIT_MS)
            expect(overlay).to_contain_text(note)
            assert "last good" not in overlay.inner_text()
            page.close()

        # another plan's edit is served while this one is still broken
        page = open_page(browser, server.url + server.link("northwind")[1:])
        edit(server.plan("northwind"), "title: ", "title: Edited — ")
        expect(page.locator("h1")).to_contain_text("Edited — ", timeout=WAIT_MS)
        expect(page.locator("#mapsite-errors")).to_contain_text("plans/tailspin.md:3:6:")
        broken.write_text(good, encoding="utf-8")
        expect(page.locator("#mapsite-errors")).to_have_count(0, timeout=WAIT_MS)
        wait_for_status(server, f"/{token}/", 200)
        page.close()
    finally:
        stop(server)


def test_broken_settings_at_start_claim_no_last_good_build(browser: Browser, tmp_path: Path):
    site = make_site(tmp_path)
    (site / "mapsite.yml").write_text("theme: local\nholidays: US\nunknown_field: 1\n")
    server = start(site, tmp_path / "tmp")
    try:
        page = open_page(browser, server.url)
        overlay = page.locator("#mapsite-errors")
        expect(overlay).to_contain_text("mapsite.yml:3:", timeout=WAIT_MS)
        expect(overlay).to_contain_text("Nothing could be built yet.")
        (site / "mapsite.yml").write_text("theme: local\nholidays: US\n")
        expect(overlay).to_have_count(0, timeout=WAIT_MS)
        wait_for_status(server, server.link("northwind"), 200)
        # broken again: now there is a last good build, and the overlay says so
        (site / "mapsite.yml").write_text("theme: local\nholidays: US\nunknown_field: 1\n")
        expect(page.locator("#mapsite-errors")).to_contain_text(
            "This page shows the last good build.", timeout=WAIT_MS
        )
        page.close()
    finally:
        stop(server)


# --- the port -----------------------------------------------------------------------


def serve_command(site: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "mapsite", "serve", str(site), "--today", TODAY, *args]


def test_a_busy_port_given_is_one_line_and_exit_1(tmp_path: Path):
    site = make_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(site, "--port", str(port)), capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: port {port} is already in use (another mapsite serve?): stop that server, "
        f"or choose another port with --port, e.g. --port {port + 1}\n"
    )


def test_a_busy_default_port_moves_to_the_next_free_one(tmp_path: Path):
    site = make_site(tmp_path)
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8000))
            taken.listen()
        except OSError:
            pass  # already taken by something else: busy all the same
        process = subprocess.Popen(
            serve_command(site), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        try:
            moved = process.stdout.readline()
            match = re.fullmatch(
                r"port 8000 is in use: serving on port (\d+) \(choose with --port\)\n", moved
            )
            assert match, moved
            lines = [process.stdout.readline() for _ in range(2)]
            assert f"at http://127.0.0.1:{match.group(1)}/ (Ctrl-C to stop)" in lines[1]
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=WAIT)
            process.stdout.close()


# --- beyond this computer: pages as published ------------------------------------------

PASSWORD = "correct horse battery staple"


def protect(site: Path, name: str, variable: str) -> None:
    plan = site / "plans" / f"{name}.md"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("\nshare:\n", f"\nshare:\n  password_env: {variable}\n", 1))


def test_on_the_network_protected_plans_are_served_locked(tmp_path: Path):
    site = make_site(tmp_path)
    protect(site, "northwind", "NW_PASSWORD")
    env = {"NW_PASSWORD": PASSWORD}
    server = start(site, tmp_path / "tmp", "--host", "0.0.0.0", env=env)
    try:
        printed = "".join(server.output)
        assert "note: anyone on your network can open this server" in printed
        assert "protected plans locked" in printed
        link = server.link("northwind")
        code, body = get(server, link)
        page = body.decode("utf-8")
        assert code == 200 and "<title>Protected plan" in page
        assert "Northwind" not in page and "go_live" not in page
        assert ">Revenue forecasting rollout</bdi></h1>" in seal.unseal(sealed_of(page), PASSWORD)
        # an edit is sealed too, before any request can read it
        edit(server.plan("northwind"), "title: ", "title: Edited — ")
        deadline = time.monotonic() + WAIT  # each look derives the key: 600,000 rounds
        while "Edited — " not in seal.unseal(sealed_of(get(server, link)[1].decode()), PASSWORD):
            assert time.monotonic() < deadline, "the edit was never served"
        assert "Edited" not in get(server, link)[1].decode()
        assert status(server, server.link("tailspin")) == 200
    finally:
        stop(server)
    # on this computer only, the rep previews it in the clear, as before
    server = start(site, tmp_path / "tmp2", env=env)
    try:
        assert "anyone on your network" not in "".join(server.output)
        assert b"Edited \xe2\x80\x94 Revenue" in get(server, server.link("northwind"))[1]
    finally:
        stop(server)


def test_on_the_network_a_protected_plan_without_its_password_is_not_served(
    browser: Browser, tmp_path: Path
):
    site = make_site(tmp_path)
    protect(site, "northwind", "NW_PASSWORD_UNSET")
    env = {k: v for k, v in os.environ.items() if k != "NW_PASSWORD_UNSET"}
    server = start(site, tmp_path / "tmp", "--host", "0.0.0.0", env=env)
    try:
        message = (
            "share.password_env: the environment variable NW_PASSWORD_UNSET is not set, "
            "so the plan cannot be encrypted"
        )
        assert message in "".join(server.output)
        assert status(server, server.link("northwind")) == 404
        assert status(server, server.link("tailspin")) == 200
        page = open_page(browser, server.url + server.link("northwind")[1:])
        expect(page.locator("#mapsite-errors")).to_contain_text(message, timeout=WAIT_MS)
        page.close()
    finally:
        stop(server)


def test_on_the_network_other_computers_see_neither_the_list_nor_the_errors(tmp_path: Path):
    address = lan_address()
    if address is None:
        pytest.skip("this computer has no network address besides loopback")
    site = make_site(tmp_path)
    plan = site / "plans" / "tailspin.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("go_live: ", "go_live: soon ", 1))
    server = start(site, tmp_path / "tmp", "--host", "0.0.0.0")
    try:
        conn = http.client.HTTPConnection(address, server.port, timeout=WAIT)
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read().decode("utf-8")
        conn.close()
        assert response.status == 200 and "<h1>Private plans</h1>" in body
        assert server.link("northwind") not in body
        events = http.client.HTTPConnection(address, server.port, timeout=WAIT)
        events.request("GET", "/__mapsite/events")
        stream = events.getresponse()
        lines = [stream.readline().decode() for _ in range(7)]
        events.close()
        assert lines[4] == "event: errors\n"
        errors = json.loads(lines[5].removeprefix("data: "))
        assert errors["errors"] == [
            "The site has errors: the terminal running mapsite serve shows them."
        ]
        # this computer sees the list and the errors themselves
        assert server.link("northwind") in index(server)
    finally:
        stop(server)
