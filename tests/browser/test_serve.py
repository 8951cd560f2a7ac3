"""``mapsite serve`` as a real process, driven by a real browser."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from mapsite.load import load_plan

REPO = Path(__file__).resolve().parents[2]
THEME_CSS = REPO / "mapsite" / "themes" / "default" / "static" / "mapsite.css"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    site: Path
    tmpdir: Path
    port: int

    def plan(self, name: str) -> Path:
        return self.site / "plans" / f"{name}.md"

    def link(self, name: str) -> str:
        """The path of the plan's page: its private link, ``/TOKEN/``."""
        return f"/{load_plan(self.plan(name)).plan.share.token}/"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    site = tmp_path / "site"
    for folder in ("plans", "assets"):
        shutil.copytree(REPO / folder, site / folder)
    # a site theme that overrides the stylesheet, so CSS edits can be tested
    (site / "themes" / "local" / "static").mkdir(parents=True)
    (site / "themes" / "local" / "theme.yml").write_text("extends: default\n")
    shutil.copy(THEME_CSS, site / "themes" / "local" / "static" / "mapsite.css")
    (site / "mapsite.yml").write_text("theme: local\nholidays: US\n")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"}
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
            "2026-11-23",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    url = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not url:
        line = process.stdout.readline()
        if match := re.search(r"at (http://127\.0\.0\.1:(\d+)/)", line):
            url = match.group(1)
    assert url, "the server did not start"
    port = int(url.rsplit(":", 1)[1].rstrip("/"))
    yield Server(process, url, site, tmpdir, port)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    process.stdout.close()


def get(server: Server, path: str) -> tuple[int, bytes]:
    """A raw GET: the path is sent as written, encoded dots and all."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
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
    expect(page.locator("h1")).to_contain_text("Updated — ", timeout=5000)
    page.close()


def test_broken_yaml_shows_the_error_overlay_until_fixed(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    path = server.plan("tailspin")
    good = path.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    lines[1] = "title: [unclosed\n"
    path.write_text("".join(lines), encoding="utf-8")

    overlay = page.locator("#mapsite-errors")
    expect(overlay).to_be_visible(timeout=5000)
    expect(overlay).to_contain_text("plans/tailspin.md:")
    expect(overlay).to_contain_text("invalid YAML")
    # the last good page is still there underneath
    assert page.locator("h1").count() == 1

    path.write_text(good.replace("title: ", "title: Fixed — ", 1), encoding="utf-8")
    expect(page.locator("h1")).to_contain_text("Fixed — ", timeout=5000)
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
        f"plans/northwind.md:{number}:10: go_live: 'next spring' is not a date", timeout=5000
    )
    page.close()


def test_a_css_change_restyles_without_navigation(browser: Browser, server: Server):
    page = open_page(browser, server.url + server.link("tailspin")[1:])
    page.evaluate("window.notReloaded = true")
    css = server.site / "themes" / "local" / "static" / "mapsite.css"
    css.write_text(css.read_text() + "\nbody { background: rgb(1, 2, 3) !important; }\n")
    page.wait_for_function(
        "getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'", timeout=5000
    )
    assert page.evaluate("window.notReloaded") is True
    page.close()


def test_calendars_are_served_as_calendars_and_subscribed_here(browser: Browser, server: Server):
    link = server.link("northwind")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
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
    expect(page.locator("h1")).to_contain_text("Updated — ", timeout=5000)
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
    deadline = time.monotonic() + 5
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
        deadline = time.monotonic() + 5
        while f"plans/{new}.md</span>" not in (listed := index(server)):
            assert time.monotonic() < deadline, f"the rename to {new}.md never showed: {listed}"
            time.sleep(0.05)
        assert f"plans/{old}.md</span>" not in listed
        assert status(server, northwind) == 200
    assert status(server, server.link("fabrikam-renewal")) == 200
    assert server.process.poll() is None


def test_ctrl_c_stops_cleanly_and_removes_temporary_files(server: Server):
    assert any(server.tmpdir.iterdir()), "the server keeps its output in a temporary folder"
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=10) == 0
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
