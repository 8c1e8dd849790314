#!/usr/bin/env bash
# Create .venv (once) and install the project with its dev tools (again whenever pyproject.toml changes).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# System packages for reports: a CJK font (zh-CN pages render as text, not boxes), HarfBuzz subsetting (WeasyPrint
# embeds font subsets in PDFs) and poppler's pdftoppm (tests turn rendered PDFs into images). Installed once, when
# missing and when we may (root with apt).
if { ! command -v pdftoppm >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ] \
     || ! ldconfig -p | grep -q libharfbuzz-subset; } \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    fonts-wqy-microhei libharfbuzz-subset0 poppler-utils >/dev/null
  rm -f "${MPLCONFIGDIR:-$HOME/.cache/matplotlib}"/fontlist-*.json  # matplotlib re-reads the fonts
fi
# Debian's Chromium for the web pages' browser tests (Playwright drives it; never `playwright install`).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-wqy-microhei >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.cyberins-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  echo "$want" > "$stamp"
fi
