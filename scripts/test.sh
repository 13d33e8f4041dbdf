#!/usr/bin/env bash
# `npm test`: everything, in the order that fails fastest. Lint and types, then Vitest (unit,
# simulator conformance with the real kubectl and gcloud, store tests on SQLite and, when
# DATABASE_URL is set, PostgreSQL, console integration against the simulator), then the
# Playwright specs in Chromium against `npm run demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/require-node.cjs

step() { printf '\n== %s\n' "$*"; }

REPORTS=.data/test-reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
summary() { node scripts/test-summary.mjs "$REPORTS/vitest.json" "$REPORTS/playwright.json"; }
trap summary EXIT

step "lint"
npm run --silent lint

step "typecheck"
npm run --silent typecheck

for bin in kubectl gcloud; do
  if ! command -v "$bin" >/dev/null; then
    echo "$bin is not installed: the simulator conformance suite runs the real $bin." >&2
    [ "${CI:-}" = "true" ] && exit 1
  fi
done

step "vitest (unit, integration, conformance)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"

step "proof (quick): tampering, concurrency, authorization, bad input, faults and crashes at target"
npm run --silent proof -- --quick

step "browser"
PLAYWRIGHT_CHROMIUM_EXECUTABLE=$(bash scripts/find-browser.sh)
export PLAYWRIGHT_CHROMIUM_EXECUTABLE
echo "using $PLAYWRIGHT_CHROMIUM_EXECUTABLE"

step "playwright (e2e)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/playwright.json" npx playwright test --reporter=list,json
