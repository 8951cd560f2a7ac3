#!/usr/bin/env bash
# Make sure Playwright can drive a Chromium: Playwright's own download where it
# works, the system package where it does not (e.g. a machine that only reaches
# package registries). Safe to run again: does nothing when a browser is found.
set -euo pipefail
PY=${PY:-.venv/bin/python}

if "$PY" -c "from mapsite.browser import find_chromium; find_chromium()" 2>/dev/null; then
  exit 0
fi
echo "Installing Chromium for Playwright..."
if "$PY" -m playwright install chromium >/tmp/mapsite-playwright-install.log 2>&1; then
  exit 0
fi
echo "Playwright's download failed; trying the system package manager."
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
if command -v apt-get >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
elif command -v dnf >/dev/null; then
  $SUDO dnf install -y chromium liberation-fonts
elif command -v brew >/dev/null; then
  brew install --cask chromium
fi
"$PY" -c "from mapsite.browser import find_chromium; find_chromium()" || {
  echo "No Chromium could be installed; see $(pwd)/docs or set MAPSITE_CHROMIUM." >&2
  exit 1
}
