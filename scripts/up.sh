#!/usr/bin/env bash
# Starts CrashStats on this machine: installs the npm packages and the
# servers it needs (once; cached), then runs NATS, Redis, a MongoDB-wire
# server (unless MONGODB_URL is set) and the collector until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/install-services.sh
exec node --conditions=source --import tsx scripts/up.ts "$@"
