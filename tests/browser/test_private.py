"""Private pages in a real Chromium, served the way Netlify serves them: the headers of
netlify.toml on every response and the 410 rules of the build's _redirects."""

from __future__ import annotations

import http.server
import threading
import tomllib
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page
from support import copy_example

from mapsite.cli import main

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
SECRET = """\
---
title: Project Bluebird
buyer:
  name: Bluebird Bank
  logo: logos/northwind.svg
seller:
  name: Contoso
share:
  token: Bluebirdxxxxxxxxxxxxxxx
  password_env: BLUEBIRD_PASSWORD
stakeholders:
  - {name: Ines Duarte, side: buyer}
milestones:
  - name: Contract signed
    steps:
      - {task: Sign the order form, owner: Ines Duarte, due: 2026-12-15}
---
Agreed on the kickoff call.
"""
ROTATED = "Rotatedxxxxxxxxxxxxxxxx"


def netlify_headers() -> dict[str, str]:
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    return next(rule["values"] for rule in config["headers"] if rule["for"] == "/*")


class NetlifyLike(http.server.SimpleHTTPRequestHandler):
    """Static files with netlify.toml's headers, and _redirects' forced 410 rules."""

    headers_for_all: ClassVar[dict[str, str]] = {}
    gone: ClassVar[dict[str, str]] = {}

    def send_head(self):  # type: ignore[no-untyped-def]
        for prefix, target in self.gone.items():
            if self.path.startswith(prefix):
                body = (Path(self.directory) / target.lstrip("/")).read_bytes()
                self.send_response(410)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in self.headers_for_all.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("private")
    copy_example(site)
    (site / "plans" / "bluebird.md").write_text(SECRET, encoding="utf-8")
    northwind = site / "plans" / "northwind.md"
    text = northwind.read_text(encoding="utf-8")
    northwind.write_text(text.replace("  previous: [", f"  previous: [{ROTATED}, "), "utf-8")
    result = CliRunner().invoke(
        main,
        ["build", str(site), "--no-pdf", "--today", "2026-11-23"],
        env={"BLUEBIRD_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    public = site / "public"
    gone = {}
    for line in (public / "_redirects").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            source, target, status = line.split()
            assert status == "410!" or (source, status) == ("/favicon.ico", "301")
            if status == "410!":
                gone[source.removesuffix("*")] = target
    handler = type("Handler", (NetlifyLike,), {"headers_for_all": netlify_headers(), "gone": gone})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=public))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.violations = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.violations.append(msg.text),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def plan_tokens() -> list[str]:
    from mapsite.load import load_plan

    return [load_plan(p).plan.share.token for p in sorted((REPO / "plans").glob("*.md"))]


def test_every_page_satisfies_the_content_security_policy(site_url: str, page: Page) -> None:
    paths = ["/", "/404.html", "/replaced.html", "/expired.html", f"/{ROTATED}/"]
    paths += [f"/{token}/" for token in plan_tokens()] + ["/Bluebirdxxxxxxxxxxxxxxx/"]
    for path in paths:
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready")
    assert page.violations == []  # type: ignore[attr-defined]


def test_the_headers_reach_the_browser(site_url: str, page: Page) -> None:
    response = page.goto(f"{site_url}/{plan_tokens()[0]}/")
    assert response is not None and response.status == 200
    assert response.headers["x-robots-tag"].startswith("noindex")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_an_old_link_answers_410_with_a_neutral_page(site_url: str, page: Page) -> None:
    response = page.goto(f"{site_url}/{ROTATED}/")
    assert response is not None and response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This link was replaced"
    assert "Northwind" not in page.content()


def test_a_protected_plan_opens_with_its_password(site_url: str, page: Page) -> None:
    page.goto(f"{site_url}/Bluebirdxxxxxxxxxxxxxxx/")
    assert page.title().startswith("Protected plan")
    assert "Bluebird" not in page.content()

    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Open the plan").click()
    alert = page.get_by_role("alert")
    alert.filter(has_text="That password is not right").wait_for(timeout=20_000)
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Open the plan").click()
    page.get_by_role("heading", name="Project Bluebird").wait_for(timeout=20_000)
    assert page.title().startswith("Project Bluebird")
    assert page.get_by_text("Sign the order form").first.is_visible()
    logo = page.locator("header img").first  # the buyer's logo, from inside the ciphertext
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.violations == []  # type: ignore[attr-defined]


def test_remember_on_this_device_opens_it_next_time(site_url: str, page: Page) -> None:
    page.goto(f"{site_url}/Bluebirdxxxxxxxxxxxxxxx/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Remember on this device").check()
    page.get_by_role("button", name="Open the plan").click()
    page.get_by_role("heading", name="Project Bluebird").wait_for(timeout=20_000)

    page.reload()
    page.get_by_role("heading", name="Project Bluebird").wait_for(timeout=20_000)

    page.goto(f"{site_url}/{plan_tokens()[0]}/")  # another plan is not affected
    assert page.get_by_label("Password").count() == 0


def test_subscribe_is_a_webcal_link_and_download_saves_the_calendar(
    site_url: str, page: Page
) -> None:
    token = plan_tokens()[1]  # northwind
    page.goto(f"{site_url}/{token}/")
    host = site_url.split("://", 1)[1]
    subscribe = page.locator(".calendar-cta .calendar-link--subscribe")
    # the build did not know the site's address: mapsite.js made it from the page's
    assert subscribe.get_attribute("href") == f"webcal://{host}/{token}/plan.ics"
    with page.expect_download() as download:
        page.locator(".calendar-cta a[download]").click()
    assert download.value.suggested_filename == "plan.ics"
    assert Path(download.value.path()).read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert page.violations == []  # type: ignore[attr-defined]


def test_an_old_links_calendars_answer_410(site_url: str, page: Page) -> None:
    for path in ("plan.ics", "people/priya-raman.ics"):
        response = page.request.get(f"{site_url}/{ROTATED}/{path}")
        assert response.status == 410, path
