"""Finding a Chromium to drive with Playwright, on any platform.

Order: an explicit path (``--chromium`` or ``MAPSITE_CHROMIUM``), then Playwright's
own downloaded browser, then a system Chromium or Chrome. Never one hard-coded path.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

ENV_VAR = "MAPSITE_CHROMIUM"

# The real binaries first: Debian's /usr/bin/chromium is a wrapper script that
# Playwright cannot drive.
SYSTEM_CANDIDATES = {
    "linux": [
        "/usr/lib/chromium/chromium",
        "/usr/lib/chromium-browser/chromium-browser",
        "/snap/chromium/current/usr/lib/chromium-browser/chrome",
        "/opt/google/chrome/chrome",
    ],
    "darwin": [
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ],
    "win32": [
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    ],
}
SYSTEM_COMMANDS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

INSTALL_HINT = {
    "linux": "run 'python -m playwright install chromium', or install your system's "
    "Chromium (Debian/Ubuntu: 'apt-get install chromium'), or set MAPSITE_CHROMIUM",
    "darwin": "run 'python -m playwright install chromium', or install Google Chrome, "
    "or set MAPSITE_CHROMIUM",
    "win32": "run 'python -m playwright install chromium', or install Google Chrome, "
    "or set MAPSITE_CHROMIUM",
}


class BrowserNotFound(LookupError):
    """No usable Chromium; ``install_hint()`` says how to get one on this platform."""


def install_hint() -> str:
    return INSTALL_HINT.get(sys.platform, INSTALL_HINT["linux"])


def find_chromium(
    explicit: str | os.PathLike[str] | None = None, playwright: Playwright | None = None
) -> str | None:
    """Path of a Chromium to launch, or None to use Playwright's own download.

    Pass the running ``playwright`` when there is one (Playwright cannot be started
    twice in one thread). Raises BrowserNotFound when an explicit path is wrong or
    nothing is installed.
    """
    explicit = explicit or os.environ.get(ENV_VAR)
    if explicit:
        if Path(explicit).is_file():
            return str(explicit)
        raise BrowserNotFound(f"no browser at '{explicit}'")
    if playwright_chromium(playwright) is not None:
        return None
    for path in SYSTEM_CANDIDATES.get(sys.platform, []):
        if Path(path).is_file():
            return path
    for command in SYSTEM_COMMANDS:
        found = shutil.which(command)
        if found and not _is_script(found):
            return found
    raise BrowserNotFound("no Chromium found")


def playwright_chromium(playwright: Playwright | None = None) -> str | None:
    """Playwright's downloaded Chromium, when it is installed."""
    if playwright is not None:
        path = playwright.chromium.executable_path
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            return None
        with sync_playwright() as p:
            path = p.chromium.executable_path
    return path if path and Path(path).is_file() else None


def _is_script(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"#!"
