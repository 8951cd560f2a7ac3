"""A protected plan in a real Chromium, after its password: it looks like the open plan
(the buyer's colour too), and "Remember on this device" keeps a key, never the
password. Served with netlify.toml's headers, so the CSP is the one buyers get."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page
from test_private import NetlifyLike, netlify_headers

from mapsite.browser import find_chromium
from mapsite.cli import main

PASSWORD = "correct horse battery"
TOKEN = "Bluebirdxxxxxxxxxxxxxxx"
OPEN_TOKEN = "Bluebirdopenxxxxxxxxxxx"
ACCENT = "#9d174d"
THEME_BUYER = "rgb(15, 118, 110)"  # the default theme's buyer colour, #0f766e
PLAN = """\
---
title: Project Bluebird
buyer:
  name: Bluebird Bank
  accent: "{accent}"
seller:
  name: Contoso
share:
  token: {token}
{password}stakeholders:
  - {{name: Ines Duarte, side: buyer}}
  - {{name: Priya Raman, side: seller}}
milestones:
  - name: Contract signed
    steps:
      - {{task: Sign the order form, owner: Ines Duarte, due: 2026-12-15}}
---
Agreed on the kickoff call.
"""
# what a page can read of everything this origin keeps: localStorage, and every
# IndexedDB database, store and record (a CryptoKey shows its properties)
STORED = """async () => {
  const request = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result);
                                                   r.onerror = () => fail(r.error); });
  const local = {};
  for (let i = 0; i < localStorage.length; i++) {
    local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
  }
  const records = [];
  for (const info of await indexedDB.databases()) {
    const db = await request(indexedDB.open(info.name));
    for (const name of db.objectStoreNames) {
      const store = db.transaction(name).objectStore(name);
      const keys = await request(store.getAllKeys());
      const values = await request(store.getAll());
      keys.forEach((key, i) => {
        const value = values[i];
        const exported = value instanceof CryptoKey
          ? crypto.subtle.exportKey("raw", value).then(() => "exported", e => e.name)
          : "not a key";
        records.push({db: info.name, store: name, key: String(key), value,
                      kind: Object.prototype.toString.call(value), exported});
      });
    }
    db.close();
  }
  for (const record of records) {
    record.exported = await record.exported;
    const v = record.value;
    record.value = v instanceof CryptoKey
      ? {type: v.type, extractable: v.extractable, algorithm: v.algorithm, usages: v.usages}
      : v;
  }
  return {local, records};
}"""


def plan_text(token: str, password_env: str | None) -> str:
    password = f"  password_env: {password_env}\n" if password_env else ""
    return PLAN.format(accent=ACCENT, token=token, password=password)


def build(site: Path, password: str) -> None:
    result = CliRunner().invoke(
        main,
        ["build", str(site), "--no-pdf", "--today", "2026-11-23"],
        env={"BLUEBIRD_PASSWORD": password},
    )
    assert result.exit_code == 0, result.output


class Rebuilt(NetlifyLike):
    """Never 304 Not Modified: Python's server compares whole seconds of a file's time,
    and a build within the same second as the last would leave the old page in the
    browser's cache (Netlify compares content)."""

    def send_head(self):  # type: ignore[no-untyped-def]
        del self.headers["If-Modified-Since"]
        return super().send_head()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A site with the plan twice, protected and open, served like Netlify serves it;
    each test gets its own (it builds again with another password)."""
    (tmp_path / "mapsite.yml").write_text("title: Contoso plans\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "bluebird.md").write_text(plan_text(TOKEN, "BLUEBIRD_PASSWORD"))
    (tmp_path / "plans" / "bluebird-open.md").write_text(plan_text(OPEN_TOKEN, None))
    build(tmp_path, PASSWORD)
    handler = type("Handler", (Rebuilt,), {"headers_for_all": netlify_headers()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=tmp_path / "public")
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def watch(page: Page) -> Page:
    """Collect every CSP violation the page reports (as an event or on the console)."""
    page.violations = []  # type: ignore[attr-defined]
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda msg: (
            ("Content Security Policy" in msg.text or "CSP violation" in msg.text)
            and page.violations.append(msg.text)  # type: ignore[attr-defined]
        ),
    )
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield watch(context.new_page())
    context.close()


def unlock(page: Page, password: str = PASSWORD, *, remember: bool = False) -> None:
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Remember on this device").check()
    page.get_by_role("button", name="Open the plan").click()
    opened(page)


def opened(page: Page) -> None:
    page.get_by_role("heading", name="Project Bluebird").wait_for(timeout=20_000)


def asked(page: Page) -> None:
    page.locator("#unlock[data-ready='true']").wait_for(timeout=20_000)


BUYER_STYLES = """() => {
  const root = getComputedStyle(document.documentElement);
  return {
    buyer: root.getPropertyValue("--buyer").trim(),
    avatars: [...document.querySelectorAll(".avatar")].map(el => {
      const style = getComputedStyle(el);
      return [el.className, style.color, style.backgroundColor];
    }),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_unlocked_plan_wears_the_buyers_colour_like_the_open_one(
    site: tuple[Path, str], browser: Browser, scheme: str
) -> None:
    _, url = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = watch(context.new_page())
    page.goto(f"{url}/{OPEN_TOKEN}/")
    open_styles = page.evaluate(BUYER_STYLES)
    open_avatar = page.locator(".avatar--buyer").first.screenshot()

    page.goto(f"{url}/{TOKEN}/")
    unlock(page)

    styles = page.evaluate(BUYER_STYLES)
    assert styles == open_styles
    assert any("avatar--buyer" in name for name, _, _ in styles["avatars"])
    colour = next(color for name, color, _ in styles["avatars"] if "avatar--buyer" in name)
    if scheme == "light":  # the buyer's own colour, not the theme's
        assert styles["buyer"] == ACCENT and colour == "rgb(157, 23, 77)"
    else:  # its lighter twin for dark backgrounds
        assert styles["buyer"] not in ("", ACCENT) and colour != THEME_BUYER
    assert page.locator(".avatar--buyer").first.screenshot() == open_avatar
    assert page.violations == []  # type: ignore[attr-defined]
    context.close()


def test_nothing_beside_the_locked_page_tells_who_the_buyer_is(
    site: tuple[Path, str], page: Page
) -> None:
    root, url = site
    assert sorted(p.name for p in (root / "public" / TOKEN).iterdir()) == ["index.html"]
    assert page.request.get(f"{url}/{TOKEN}/plan.css").status == 404
    assert page.request.get(f"{url}/{OPEN_TOKEN}/plan.css").status == 200
    page.goto(f"{url}/{TOKEN}/")
    asked(page)
    assert ACCENT not in page.content() and "Bluebird" not in page.content()
    assert page.evaluate(BUYER_STYLES)["buyer"] == "#0f766e"


def test_remember_keeps_a_key_that_cannot_be_read_never_the_password(
    site: tuple[Path, str], page: Page
) -> None:
    _, url = site
    page.goto(f"{url}/{TOKEN}/")
    unlock(page, remember=True)

    stored = page.evaluate(STORED)
    assert PASSWORD not in repr(stored)
    assert stored["local"] == {}
    [record] = stored["records"]
    assert record["key"] == f"/{TOKEN}/" and record["kind"] == "[object CryptoKey]"
    assert record["value"]["extractable"] is False
    assert record["value"]["usages"] == ["decrypt"]
    assert record["value"]["algorithm"] == {"name": "AES-GCM", "length": 256}
    assert record["exported"] == "InvalidAccessError"  # exportKey rejects it

    page.reload()  # opens without asking
    opened(page)
    assert page.get_by_label("Password").count() == 0
    assert page.evaluate(BUYER_STYLES)["buyer"] == ACCENT

    page.goto(f"{url}/{OPEN_TOKEN}/")  # the open plan is not affected
    assert page.get_by_role("button", name="Forget on this device").count() == 0
    assert page.violations == []  # type: ignore[attr-defined]


def test_the_password_is_nowhere_in_the_browsers_files(
    site: tuple[Path, str], browser: Browser, tmp_path: Path
) -> None:
    _, url = site
    profile = tmp_path / "profile"
    # the Chromium the `browser` fixture runs (find_chromium asks the running
    # Playwright for its chromium: here, the browser's own type)
    chromium = find_chromium(playwright=SimpleNamespace(chromium=browser.browser_type))  # type: ignore[arg-type]
    context = browser.browser_type.launch_persistent_context(profile, executable_path=chromium)
    page = context.new_page()
    page.goto(f"{url}/{TOKEN}/")
    unlock(page, remember=True)
    page.reload()
    opened(page)
    context.close()  # writes everything out

    stored = [p for p in profile.rglob("*") if p.is_file()]
    for needle in (PASSWORD.encode(), PASSWORD.encode("utf-16-le")):
        assert [p.relative_to(profile) for p in stored if needle in p.read_bytes()] == []
    assert any("IndexedDB" in p.parts for p in stored)  # the key is there


def test_forget_on_this_device_locks_the_plan_again(site: tuple[Path, str], page: Page) -> None:
    _, url = site
    page.goto(f"{url}/{TOKEN}/")
    unlock(page)
    assert page.get_by_role("button", name="Forget on this device").count() == 0

    page.reload()
    unlock(page, remember=True)
    forget = page.get_by_role("button", name="Forget on this device")
    box = forget.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    assert forget.evaluate("b => b.closest('footer') !== null")  # in the colophon
    forget.click()

    asked(page)  # locked again, at once
    assert page.get_by_label("Remember on this device").is_checked() is False
    assert page.evaluate(STORED) == {"local": {}, "records": []}
    page.reload()
    asked(page)
    assert page.violations == []  # type: ignore[attr-defined]


def test_a_password_remembered_by_an_earlier_version_becomes_a_key(
    site: tuple[Path, str], page: Page
) -> None:
    _, url = site
    page.goto(f"{url}/{TOKEN}/")
    asked(page)
    page.evaluate(
        """([mine, other]) => {
             localStorage.setItem("mapsite-password:" + mine, other[1]);
             localStorage.setItem("mapsite-password:/Otherxxxxxxxxxxxxxxxxxx/", other[0]);
             localStorage.setItem("unrelated", "kept");
           }""",
        [f"/{TOKEN}/", ["another secret", PASSWORD]],
    )

    page.reload()  # opens with the old password once, and keeps its key instead
    opened(page)
    stored = page.evaluate(STORED)
    assert stored["local"] == {"unrelated": "kept"}  # every old password removed
    assert [r["key"] for r in stored["records"]] == [f"/{TOKEN}/"]
    assert "another secret" not in repr(stored) and PASSWORD not in repr(stored)

    page.reload()
    opened(page)
    assert page.get_by_role("button", name="Forget on this device").is_visible()


def test_a_wrong_old_password_is_removed_and_the_form_asks(
    site: tuple[Path, str], page: Page
) -> None:
    _, url = site
    page.goto(f"{url}/{TOKEN}/")
    asked(page)
    page.evaluate(f"localStorage.setItem('mapsite-password:/{TOKEN}/', 'not it')")
    page.reload()
    asked(page)
    assert page.evaluate(STORED) == {"local": {}, "records": []}
    assert page.get_by_label("Remember on this device").is_checked()


def test_the_key_keeps_opening_the_plan_after_a_build_until_the_password_changes(
    site: tuple[Path, str], page: Page
) -> None:
    root, url = site
    page.goto(f"{url}/{TOKEN}/")
    unlock(page, remember=True)

    build(root, PASSWORD)  # a new build: a fresh nonce, the plan's own salt
    page.reload()
    opened(page)

    build(root, "a new password")
    page.reload()
    asked(page)
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "This plan's password has changed. Enter the new one."
    assert page.evaluate(STORED)["records"] == []  # the stale key is gone
    assert page.get_by_label("Remember on this device").is_checked()
    unlock(page, "a new password")  # remembered again (the box stayed ticked)
    page.reload()
    opened(page)


def test_a_key_from_elsewhere_is_dropped_and_the_form_asks(
    site: tuple[Path, str], page: Page
) -> None:
    _, url = site
    page.goto(f"{url}/{TOKEN}/")
    asked(page)
    page.evaluate(
        """async (path) => {
             const key = await crypto.subtle.generateKey(
               {name: "AES-GCM", length: 256}, false, ["decrypt"]);
             const db = await new Promise(ok => {
               const r = indexedDB.open("mapsite", 1);
               r.onupgradeneeded = () => r.result.createObjectStore("keys");
               r.onsuccess = () => ok(r.result);
             });
             await new Promise(ok => {
               const tx = db.transaction("keys", "readwrite");
               tx.objectStore("keys").put(key, path);
               tx.oncomplete = ok;
             });
             db.close();
           }""",
        f"/{TOKEN}/",
    )
    page.reload()
    asked(page)
    assert "has changed" in page.get_by_role("alert").inner_text()
    assert page.evaluate(STORED)["records"] == []
    unlock(page)


def test_without_storage_the_plan_opens_and_offers_nothing_to_forget(
    site: tuple[Path, str], page: Page
) -> None:
    _, url = site
    # as in a browser whose settings block site storage
    page.add_init_script(
        "Object.defineProperty(window, 'indexedDB', {get() {"
        " throw new DOMException('The user denied permission.', 'SecurityError'); }});"
    )
    page.goto(f"{url}/{TOKEN}/")
    unlock(page, remember=True)
    assert page.get_by_role("button", name="Forget on this device").count() == 0
    page.reload()
    asked(page)
    assert page.violations == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("theme", ["default", "classic"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_unlocked_plan_with_its_forget_button_passes_axe(
    site: tuple[Path, str], browser: Browser, theme: str, scheme: str
) -> None:
    from axe_playwright_python.base import AXE_SCRIPT

    root, url = site
    (root / "mapsite.yml").write_text(f"title: Contoso plans\ntheme: {theme}\n")
    # without a buyer colour: a colour's dark-mode twin (brand.for_dark) fails axe's
    # contrast on the default theme's dark tint, on open plans just as well
    plan = root / "plans" / "bluebird.md"
    plan.write_text(plan.read_text().replace(f'  accent: "{ACCENT}"\n', ""))
    build(root, PASSWORD)
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = watch(context.new_page())
    page.goto(f"{url}/{TOKEN}/")
    unlock(page, remember=True)
    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag", values:
             ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
           .then(r => r.violations.map(v => v.id + ": " + v.nodes.map(n => n.target)))"""
    )
    assert violations == []
    assert page.violations == []  # type: ignore[attr-defined]
    context.close()
