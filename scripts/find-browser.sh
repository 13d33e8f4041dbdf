#!/usr/bin/env bash
# Prints the Chromium that Playwright should drive: $PLAYWRIGHT_CHROMIUM_EXECUTABLE, else
# Playwright's own download if one is installed, else Debian's /usr/bin/chromium, installing
# Debian's package when it is missing and we are root. Otherwise says what to install.
set -euo pipefail

if [ -n "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ]; then
  if [ -x "$PLAYWRIGHT_CHROMIUM_EXECUTABLE" ]; then echo "$PLAYWRIGHT_CHROMIUM_EXECUTABLE"; exit 0; fi
  echo "PLAYWRIGHT_CHROMIUM_EXECUTABLE=$PLAYWRIGHT_CHROMIUM_EXECUTABLE is not an executable file" >&2
  exit 1
fi

own=$(node -e "try{const p=require('playwright-core').chromium.executablePath();if(require('fs').existsSync(p))console.log(p)}catch{}" 2>/dev/null || true)
if [ -n "$own" ]; then echo "$own"; exit 0; fi

if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
fi

cat >&2 <<'MSG'
No Chromium found for the browser tests. Install one of:
  - Debian/Ubuntu: sudo apt-get install -y chromium
  - or set PLAYWRIGHT_CHROMIUM_EXECUTABLE=/path/to/chrome
MSG
exit 1
