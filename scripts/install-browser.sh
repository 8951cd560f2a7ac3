#!/usr/bin/env bash
# Make sure Playwright can drive a Chromium: Playwright's own download where it
# works, the system package where it does not (e.g. a machine that only reaches
# package registries). Then make sure the fonts for the scripts mapsite's pages are
# translated into (Arabic, Hebrew, Japanese) are there, or their PDFs and screenshots
# show empty boxes. Safe to run again: does nothing when all are found.
set -euo pipefail
PY=${PY:-.venv/bin/python}

SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
UPDATED=""

apt_install() {
  [ -n "$UPDATED" ] || $SUDO apt-get update -qq
  UPDATED=1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Noto (Arabic, Hebrew and most other scripts) and IPA Gothic (Japanese), on machines
# with apt and fontconfig (CI, containers). Desktops bring their own: macOS has Hiragino
# and Geeza Pro, Windows Yu Gothic and Segoe UI, which the theme's font stack names.
ensure_fonts() {
  command -v apt-get >/dev/null && command -v fc-list >/dev/null || return 0
  [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ] || return 0
  local wanted=()
  # DejaVu answers for Arabic and Hebrew too, with few glyphs: look for Noto itself
  [ -n "$(fc-list 'Noto Sans Arabic')" ] && [ -n "$(fc-list 'Noto Sans Hebrew')" ] \
    || wanted+=(fonts-noto-core)
  [ -n "$(fc-list :lang=ja)" ] || wanted+=(fonts-ipafont-gothic)
  [ ${#wanted[@]} -eq 0 ] && return 0
  echo "Installing fonts for Arabic, Hebrew and Japanese pages: ${wanted[*]}"
  apt_install --no-install-recommends "${wanted[@]}" || echo "Could not install ${wanted[*]}: pages in those scripts may show empty boxes." >&2
}

if "$PY" -c "from mapsite.browser import find_chromium; find_chromium()" 2>/dev/null; then
  ensure_fonts
  exit 0
fi
echo "Installing Chromium for Playwright..."
if "$PY" -m playwright install chromium >/tmp/mapsite-playwright-install.log 2>&1; then
  ensure_fonts
  exit 0
fi
echo "Playwright's download failed; trying the system package manager."
if command -v apt-get >/dev/null; then
  apt_install chromium fonts-liberation
elif command -v dnf >/dev/null; then
  $SUDO dnf install -y chromium liberation-fonts
elif command -v brew >/dev/null; then
  brew install --cask chromium
fi
"$PY" -c "from mapsite.browser import find_chromium; find_chromium()" || {
  echo "No Chromium could be installed; see $(pwd)/docs or set MAPSITE_CHROMIUM." >&2
  exit 1
}
ensure_fonts
