#!/usr/bin/env bash
# Runs every test of every workspace against real servers (MQTT brokers, Redis, InfluxDB, Postgres,
# Chromium), installing the Debian packages they need when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
# Browser tests drive the console as ingest serves it.
npm run -s build:ui
mkdir -p .cache
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json "$@"
status=$?
set -e
# A plain closing line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
